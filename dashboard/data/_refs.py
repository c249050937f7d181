"""Private: checks across files (ids that must resolve, zones.geojson up to date).

References resolve against every id *declared* in the target file, rejected records included:
a bad incident is then reported once, at its own line, not again at every casualty report
that points to it. A reference into a file that could not be read at all is not checked
(that file's own problem says enough).
"""

from __future__ import annotations

import pandas as pd

from dashboard.data._tables import Table
from dashboard.data.model import Problem

# (file, column, file the ids must be declared in)
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("places.csv", "source_ids", "sources.csv"),
    ("incidents.csv", "source_ids", "sources.csv"),
    ("incidents.csv", "place_id", "places.csv"),
    ("casualty_reports.csv", "source_ids", "sources.csv"),
    ("casualty_reports.csv", "incident_id", "incidents.csv"),
    ("context_facts.csv", "source_ids", "sources.csv"),
    ("zones.csv", "member_place_ids", "places.csv"),
    ("zones.csv", "incident_ids", "incidents.csv"),
    ("zones.csv", "source_ids", "sources.csv"),
    ("zones.geojson", "member_place_ids", "places.csv"),
    ("zones.geojson", "incident_ids", "incidents.csv"),
    ("zones.geojson", "source_ids", "sources.csv"),
    ("routes.geojson", "source_ids", "sources.csv"),
    ("route_status.csv", "route_id", "routes.geojson"),
    ("route_status.csv", "source_ids", "sources.csv"),
    ("control.csv", "place_id", "places.csv"),
    ("control.csv", "source_ids", "sources.csv"),
    ("scenes.json", "highlight", "incidents.csv"),
    ("scenes.json", "inset", "places.csv"),
    ("scenes.json", "source_ids", "sources.csv"),
)

_DERIVE = "run python -m dashboard derive"


def check_references(tables: dict[str, Table]) -> None:
    """Add a Problem for each id that doesn't resolve, and leave those records out."""
    rejected: dict[str, set[int]] = {name: set() for name in tables}
    for name, column, target_name in REFERENCES:
        table, target = tables.get(name), tables.get(target_name)
        if table is None or target is None or not target.present:
            continue
        for line, cell in table.frame[column].dropna().items():
            for item in str(cell).split(";"):
                if item not in target.declared:
                    reason = f"unknown id '{item}' (not in {target_name})"
                    table.problems.append(Problem(table.label, int(line), column, reason))
                    rejected[name].add(int(line))
    for name, lines in rejected.items():
        tables[name].reject(lines)
    _check_zone_members(tables)
    _check_zones_derived(tables)
    _check_killed_figures(tables)


def _check_killed_figures(tables: dict[str, Table]) -> None:
    """FORMAT.md: every figure behind killed_* has its row in casualty_reports.csv."""
    incidents, reports = tables.get("incidents.csv"), tables.get("casualty_reports.csv")
    if incidents is None or reports is None or not reports.present:
        return
    killed = reports.frame[reports.frame["measure"] == "killed"]
    figures: dict[str, set[int]] = {}
    for column in ("figure_low", "figure_high"):
        for incident_id, figure in killed[["incident_id", column]].dropna().itertuples(
                index=False):
            figures.setdefault(str(incident_id), set()).add(int(figure))
    for line, row in incidents.frame.iterrows():
        for column in ("killed_low", "killed_best", "killed_high"):
            value = row[column]
            if pd.notna(value) and int(value) not in figures.get(str(row["id"]), set()):
                reason = (f"{int(value)} is not a 'killed' figure of this incident in "
                          "casualty_reports.csv")
                incidents.problems.append(Problem(incidents.label, int(line), column, reason,
                                                  "warning"))


def _check_zone_members(tables: dict[str, Table]) -> None:
    """A member place without coordinates can't contribute to the zone's drawn area."""
    zones, places = tables.get("zones.csv"), tables.get("places.csv")
    if zones is None or places is None or not places.present:
        return
    located = set(places.frame.loc[places.frame["lat"].notna(), "place_id"])
    for line, cell in zones.frame["member_place_ids"].dropna().items():
        members = str(cell).split(";")
        unlocated = [m for m in members if m not in located and m in places.declared]
        for member in unlocated:
            reason = f"place '{member}' has no valid coordinates; the zone is drawn without it"
            zones.problems.append(Problem(zones.label, int(line), "member_place_ids", reason,
                                          "warning" if len(unlocated) < len(members) else "error"))
        if len(unlocated) == len(members):
            zones.reject({int(line)})


def _same(left: object, right: object) -> bool:
    if pd.isna(left) and pd.isna(right):
        return True
    if pd.isna(left) or pd.isna(right):
        return False
    return bool(left == right)


def _check_zones_derived(tables: dict[str, Table]) -> None:
    """zones.geojson is written by `derive` from zones.csv; say when it is out of date."""
    csv_table, geo = tables.get("zones.csv"), tables.get("zones.geojson")
    if csv_table is None or geo is None or not csv_table.present or not geo.present:
        return
    by_id = csv_table.frame.set_index("zone_id")
    stale: set[int] = set()
    for line, row in geo.frame.iterrows():
        zone_id = row["zone_id"]
        if zone_id not in csv_table.declared:
            reason = f"zone '{zone_id}' is not in zones.csv; {_DERIVE}"
            geo.problems.append(Problem(geo.label, int(line), "zone_id", reason))
            stale.add(int(line))
        elif zone_id in by_id.index:
            for column in by_id.columns:
                if not _same(row[column], by_id.at[zone_id, column]):
                    reason = f"differs from zones.csv; {_DERIVE}"
                    geo.problems.append(Problem(geo.label, int(line), column, reason))
                    stale.add(int(line))
                    break
    geo.reject(stale)
    for line, zone_id in csv_table.frame["zone_id"].items():
        if zone_id not in geo.declared:
            reason = f"no geometry in zones.geojson; {_DERIVE}"
            csv_table.problems.append(Problem(csv_table.label, int(line), "zone_id", reason,
                                              "warning"))
