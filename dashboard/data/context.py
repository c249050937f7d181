"""What is in force on a day: zones, the Castello road's status, control of neighbourhoods as
reported (and, marked apart, as inferred), and the east-west line derived from it.

Data questions, one layer below everything that draws them (the page map, still images, the
details panel). Pure functions of a `Dataset` and a day; day ranges are inclusive at both ends.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import shapely

from dashboard.data.model import CURATED_FIRST_DAY, CURATED_LAST_DAY, Dataset

SYRIA_OFFSET = dt.timezone(dt.timedelta(hours=3))  # dates in the data are Syrian local days
# Reported sides that can spread to a neighbour, and the statement that lets them: AFP reports
# the city split since 2012, the government holding the west and rebels the east.
INFERABLE_SIDES = ("rebel_held", "government_held")
DIVISION_FACT = "city_divided_since"
# A side is inferred only where at least this many reported neighbours agree on it: with one,
# the Citadel (a landmark polygon inside the Old City) would take the Old City's side.
MIN_AGREEING_NEIGHBOURS = 2
# Two neighbourhood polygons closer than this (degrees, ~30 m) count as neighbours: the source
# polygons leave slivers between some streets.
TOUCH_DEG = 0.0003


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def instant(value: object, default: pd.Timestamp) -> pd.Timestamp:
    """A date or date-time cell as an aware timestamp (naive ones are Syrian local time)."""
    if _missing(value):
        return default
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(SYRIA_OFFSET) if stamp.tzinfo is None else stamp


def day_bounds(day: dt.date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last second of `day`, Syrian local time."""
    start = pd.Timestamp(dt.datetime.combine(day, dt.time(0, 0), SYRIA_OFFSET))
    return start, start + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def zones_in_force(dataset: Dataset, day: dt.date) -> pd.DataFrame:
    """Zones with valid_from <= end of `day` and valid_to >= start of `day` (open ends allowed)."""
    zones = dataset.zones
    if len(zones) == 0:
        return zones
    first, last = day_bounds(day)
    lo, hi = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    keep = [instant(r.get("valid_from"), lo) <= last and instant(r.get("valid_to"), hi) >= first
            for _, r in zones.iterrows()]
    return zones[np.array(keep, dtype=bool)]


def route_status_on(dataset: Dataset, day: dt.date) -> dict[str, pd.Series]:
    """The status row of each route on `day` (date_from <= day <= date_to; empty end = open)."""
    out: dict[str, pd.Series] = {}
    for _, row in dataset.route_status.iterrows():
        start = pd.Timestamp(row["date_from"]).date()
        end = row.get("date_to")
        end = None if _missing(end) else pd.Timestamp(end).date()
        if start <= day and (end is None or day <= end):
            out[str(row["route_id"])] = row
    return out


def control_as_reported(dataset: Dataset, day: dt.date) -> pd.DataFrame:
    """Per place, the latest control report on or before `day`, else its earliest report; none
    outside the curated period: the reports describe late April - early May 2016, and would
    say nothing true of, say, December (the layer of UCDP events reaches it)."""
    control = dataset.control
    if len(control) == 0 or not CURATED_FIRST_DAY <= day <= CURATED_LAST_DAY:
        return control.iloc[0:0]
    as_of = pd.to_datetime(control["as_of"]).dt.date
    reports = control.assign(_as_of=as_of).sort_values(["place_id", "_as_of"], kind="stable")
    latest = reports[reports["_as_of"] <= day].groupby("place_id", sort=False).tail(1)
    earliest = reports[~reports["place_id"].isin(latest["place_id"])].groupby(
        "place_id", sort=False).head(1)
    chosen = pd.concat([latest, earliest]).sort_values("place_id", kind="stable")
    return control.loc[chosen.index]


def context_change_days(dataset: Dataset) -> set[dt.date]:
    """Every day on which the zones in force, a route's status or the control as reported can
    differ from the day before (a zone's first and last day and the day after, a status row's
    first day and the day after its last, each control report's date). Between two of these
    days the context is the same."""
    days: set[dt.date] = set()
    far = pd.Timestamp("2000-01-01", tz="UTC")
    for _, zone in dataset.zones.iterrows():
        for value in (zone.get("valid_from"), zone.get("valid_to")):
            if _missing(value):
                continue
            local = instant(value, far).tz_convert(SYRIA_OFFSET).date()
            days.update((local, local + dt.timedelta(days=1)))
    for _, row in dataset.route_status.iterrows():
        days.add(pd.Timestamp(row["date_from"]).date())
        end = row.get("date_to")
        if not _missing(end):
            days.add(pd.Timestamp(end).date() + dt.timedelta(days=1))
    if len(dataset.control):
        days.update(pd.to_datetime(dataset.control["as_of"]).dt.date)
        days.update((CURATED_FIRST_DAY, CURATED_LAST_DAY + dt.timedelta(days=1)))
    return days


def day_context(dataset: Dataset, day: dt.date) -> str:
    """What the map shows that depends on the day: zones in force, route status, control as
    reported (and so the neighbourhood fills and the derived line). Equal strings, same context."""
    zones = tuple(str(z) for z in zones_in_force(dataset, day).get("zone_id", []))
    routes = tuple(sorted((k, str(r["status"])) for k, r in route_status_on(dataset, day).items()))
    chosen = control_as_reported(dataset, day)
    control = tuple(zip(chosen.get("place_id", []), chosen.get("control", []),
                        (str(x) for x in chosen.get("as_of", [])), strict=True))
    return repr((zones, routes, control))


def context_periods(dataset: Dataset, first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """The timeline first..last cut into runs of days with the same context, as inclusive
    (first day index, last day index) pairs."""
    changes = sorted(d for d in context_change_days(dataset) if first < d <= last)
    starts = [0, *((d - first).days for d in changes)]
    ends = [s - 1 for s in starts[1:]] + [(last - first).days]
    return list(zip(starts, ends, strict=True))


def _neighbours(frame: pd.DataFrame) -> dict[int, set[int]]:
    """Row position -> positions of the polygons within TOUCH_DEG of it."""
    geoms = np.asarray(frame.geometry.array)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=TOUCH_DEG)
    out: dict[int, set[int]] = {i: set() for i in range(len(geoms))}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b:
            out[a].add(b)
    return out


def _division_sources(dataset: Dataset) -> str:
    facts = dataset.context_facts
    row = facts[facts["fact_id"] == DIVISION_FACT] if "fact_id" in facts else facts.iloc[0:0]
    return "" if len(row) == 0 else str(row.iloc[0].get("source_ids") or "")


def neighbourhood_control(dataset: Dataset, day: dt.date) -> pd.DataFrame:
    """Control of each neighbourhood polygon on `day`, one row each (nbhd_id order), for the
    polygons that have one: `status` "reported" (a control.csv report for the place standing
    for it, as control_as_reported chooses) or "inferred" (a control.csv row marked inferred,
    or the method below). Columns: nbhd_id, name_en, name_ar, control, status, place_id, as_of,
    source_ids, note_en, note_fr, method, geometry.

    Inference: a polygon with no report whose reported neighbours (polygons within ~30 m) are
    at least MIN_AGREEING_NEIGHBOURS and all rebel-held, or all government-held, takes that
    side, marked inferred (AFP: the city has been split since 2012, government west, rebels
    east). One pass, so nothing is inferred from an inference; a polygon between two sides, or
    with fewer reported neighbours, stays unfilled. Kurdish-held control is never spread."""
    nbhd = dataset.neighbourhoods
    columns = ["nbhd_id", "name_en", "name_ar", "control", "status", "place_id", "as_of",
               "source_ids", "note_en", "note_fr", "method"]
    if nbhd is None or len(nbhd) == 0 or len(dataset.control) == 0 or \
            "neighbourhood_id" not in dataset.places:
        return pd.DataFrame(columns=[*columns, "geometry"])
    link = dataset.places.set_index("place_id")["neighbourhood_id"].dropna()
    chosen = control_as_reported(dataset, day)
    chosen = chosen[chosen["place_id"].isin(link.index)]
    chosen = chosen.assign(nbhd_id=chosen["place_id"].map(link),
                           _as_of=pd.to_datetime(chosen["as_of"]))
    chosen = chosen.sort_values("_as_of", kind="stable").groupby("nbhd_id").tail(1)
    by_id = {str(r["nbhd_id"]): r for _, r in chosen.iterrows()}
    rows: dict[int, dict] = {}
    for pos, (_, poly) in enumerate(nbhd.iterrows()):
        report = by_id.get(str(poly["nbhd_id"]))
        if report is None:
            continue
        inferred = str(report.get("inferred")).lower() in ("true", "1")
        rows[pos] = {"control": str(report["control"]),
                     "status": "inferred" if inferred else "reported",
                     "place_id": str(report["place_id"]),
                     "as_of": pd.Timestamp(report["as_of"]).date().isoformat(),
                     "source_ids": str(report.get("source_ids") or ""),
                     "note_en": report.get("note_en"), "note_fr": report.get("note_fr"),
                     "method": "control.csv" if inferred else None}
    neighbours = _neighbours(nbhd)
    sources = _division_sources(dataset)
    for pos in range(len(nbhd)):
        if pos in rows:
            continue
        reported = [n for n in neighbours[pos] if n in rows and rows[n]["status"] == "reported"]
        sides = {rows[n]["control"] for n in reported}
        if len(reported) < MIN_AGREEING_NEIGHBOURS or len(sides) != 1 or \
                not sides <= set(INFERABLE_SIDES):
            continue
        names = sorted(str(nbhd.iloc[n]["name_en"]) for n in reported)
        rows[pos] = {"control": sides.pop(), "status": "inferred", "place_id": None,
                     "as_of": None, "source_ids": sources, "note_en": None, "note_fr": None,
                     "method": "neighbours:" + ";".join(names)}
    out = nbhd.iloc[sorted(rows)][["nbhd_id", "name_en", "name_ar", "geometry"]].copy()
    for key in columns[3:]:
        out[key] = [rows[pos][key] for pos in sorted(rows)]
    return out[[*columns, "geometry"]].reset_index(drop=True)


def front_line(control: pd.DataFrame) -> dict[str, object]:
    """The east-west line derived from `neighbourhood_control`: where a rebel-held polygon
    meets a government-held one. {"reported": geometry where both sides were reported,
    "inferred": where either side is inferred}; each a (Multi)LineString or None."""
    parts: dict[str, list] = {"reported": [], "inferred": []}
    rebel = control[control["control"] == "rebel_held"]
    government = control[control["control"] == "government_held"]
    if len(rebel) == 0 or len(government) == 0:
        return {"reported": None, "inferred": None}
    gov_geoms = np.asarray(government.geometry.array)
    tree = shapely.STRtree(gov_geoms)
    for _, row in rebel.iterrows():
        for g in tree.query(row.geometry, predicate="dwithin", distance=TOUCH_DEG):
            other = government.iloc[int(g)]
            seam = row.geometry.boundary.intersection(other.geometry.buffer(TOUCH_DEG))
            if seam.is_empty or seam.length == 0:
                continue
            kind = "reported" if row["status"] == other["status"] == "reported" else "inferred"
            parts[kind].append(seam)
    out: dict[str, object] = {}
    for kind, seams in parts.items():
        lines = [g for s in seams for g in getattr(s, "geoms", [s])
                 if g.geom_type in ("LineString", "MultiLineString")]
        out[kind] = shapely.line_merge(shapely.union_all(lines)) if lines else None
    return out
