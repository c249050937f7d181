"""Context layers of the map for one day: zones in force, the Castello road's status,
neighbourhood control as reported, place labels.

Each layer is one or more Scattermap traces whose `meta` starts with "ctx-<layer>" (the browser
drops a switched-off layer by that prefix, without a server round trip). Every derived or
estimated geometry says "approximate" in its name, its on-map label and its hover.
Pure functions: no dash, no globals.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.data.model import Dataset
from dashboard.figures.palette import (
    CONTROL_COLOURS,
    ROUTE_STATUS_COLOURS,
    ZONE_COLOURS,
    map_surface,
)
from dashboard.i18n import N_, format_date, gettext, side_label

SYRIA_OFFSET = dt.timezone(dt.timedelta(hours=3))  # dates in the data are Syrian local days
_UNKNOWN_STATUS_COLOUR = "#8a8a8a"
_STATUS_LABELS = {"open": N_("open"), "under_fire": N_("under fire"), "cut": N_("cut")}


def _text(row: pd.Series, base: str, lang: str) -> str:
    value = row.get(f"{base}_{lang}")
    if value is None or pd.isna(value):
        value = row.get(f"{base}_en")
    return "" if value is None or pd.isna(value) else str(value)


def _instant(value: object, default: pd.Timestamp) -> pd.Timestamp:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return default
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(SYRIA_OFFSET) if stamp.tzinfo is None else stamp


def _when(value: object, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return gettext("open-ended", lang)
    stamp = pd.Timestamp(value)
    time = f" {stamp:%H:%M}" if (stamp.hour, stamp.minute) != (0, 0) else ""
    return format_date(stamp, lang, "medium") + time


def _day_bounds(day: dt.date) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(dt.datetime.combine(day, dt.time(0, 0), SYRIA_OFFSET))
    return start, start + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def sources_text(dataset: Dataset, source_ids: object) -> str:
    """ "AFP; MSF" for a ';'-separated list of source ids (unknown ids shown as they are)."""
    if source_ids is None or (not isinstance(source_ids, str) and pd.isna(source_ids)):
        return ""
    names = []
    for sid in str(source_ids).split(";"):
        sid = sid.strip()
        if not sid:
            continue
        known = sid in dataset.sources.index and "publisher" in dataset.sources.columns
        name = str(dataset.sources.loc[sid, "publisher"]) if known else sid
        if name not in names:
            names.append(name)
    return "; ".join(names)


def zones_in_force(dataset: Dataset, day: dt.date) -> pd.DataFrame:
    """Zones with valid_from <= end of `day` and valid_to >= start of `day` (open ends allowed)."""
    zones = dataset.zones
    if len(zones) == 0:
        return zones
    first, last = _day_bounds(day)
    lo, hi = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    keep = [_instant(r.get("valid_from"), lo) <= last and _instant(r.get("valid_to"), hi) >= first
            for _, r in zones.iterrows()]
    return zones[np.array(keep, dtype=bool)]


def context_change_days(dataset: Dataset) -> set[dt.date]:
    """Every day on which the zones in force, a route's status or the control as reported can
    differ from the day before (a zone's first and last day and the day after, a status row's
    first day and the day after its last, each control report's date). Between two of these
    days the context is the same."""
    days: set[dt.date] = set()
    far = pd.Timestamp("2000-01-01", tz="UTC")
    for _, zone in dataset.zones.iterrows():
        for value in (zone.get("valid_from"), zone.get("valid_to")):
            if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
                continue
            local = _instant(value, far).tz_convert(SYRIA_OFFSET).date()
            days.update((local, local + dt.timedelta(days=1)))
    for _, row in dataset.route_status.iterrows():
        days.add(pd.Timestamp(row["date_from"]).date())
        end = row.get("date_to")
        if end is not None and not (not isinstance(end, str) and pd.isna(end)) and end != "":
            days.add(pd.Timestamp(end).date() + dt.timedelta(days=1))
    if len(dataset.control):
        days.update(pd.to_datetime(dataset.control["as_of"]).dt.date)
    return days


def route_status_on(dataset: Dataset, day: dt.date) -> dict[str, pd.Series]:
    """The status row of each route on `day` (date_from <= day <= date_to; empty end = open)."""
    out: dict[str, pd.Series] = {}
    for _, row in dataset.route_status.iterrows():
        start = pd.Timestamp(row["date_from"]).date()
        end = row.get("date_to")
        end = None if end is None or pd.isna(end) or end == "" else pd.Timestamp(end).date()
        if start <= day and (end is None or day <= end):
            out[str(row["route_id"])] = row
    return out


def control_as_reported(dataset: Dataset, day: dt.date) -> pd.DataFrame:
    """Per place, the latest control report on or before `day`, else its earliest report."""
    control = dataset.control
    if len(control) == 0:
        return control
    as_of = pd.to_datetime(control["as_of"]).dt.date
    reports = control.assign(_as_of=as_of).sort_values(["place_id", "_as_of"], kind="stable")
    latest = reports[reports["_as_of"] <= day].groupby("place_id", sort=False).tail(1)
    earliest = reports[~reports["place_id"].isin(latest["place_id"])].groupby(
        "place_id", sort=False).head(1)
    chosen = pd.concat([latest, earliest]).sort_values("place_id", kind="stable")
    return control.loc[chosen.index]


def _located(frame: pd.DataFrame) -> np.ndarray:
    """Rows with a (non-empty) geometry."""
    if len(frame) == 0:
        return np.zeros(0, dtype=bool)
    geometry = frame.geometry
    return (geometry.notna() & ~geometry.is_empty).to_numpy(dtype=bool)


def _rings(geometry) -> tuple[list, list]:
    """Exterior rings of a (Multi)Polygon as lat/lon lists, parts separated by None."""
    parts = getattr(geometry, "geoms", [geometry])
    lat: list = []
    lon: list = []
    for part in parts:
        xs, ys = part.exterior.coords.xy
        lon += [*xs, None]
        lat += [*ys, None]
    return lat[:-1], lon[:-1]


def zone_traces(dataset: Dataset, day: dt.date, lang: str) -> list[dict]:
    """Filled zone areas in force on `day`, with an on-map "approximate" label each."""
    traces: list[dict] = []
    shown_kinds: set[str] = set()
    for i, (_, zone) in enumerate(zones_in_force(dataset, day).iterrows()):
        kind = str(zone.get("kind", "truce"))
        colours = ZONE_COLOURS.get(kind, ZONE_COLOURS["truce"])
        name = _text(zone, "name", lang)
        hover = gettext("{name} (approximate area) · in force {start} to {end} · {method} · "
                        "source: {sources}", lang, name=name,
                        start=_when(zone.get("valid_from"), lang),
                        end=_when(zone.get("valid_to"), lang), method=zone.get("method") or "",
                        sources=sources_text(dataset, zone.get("source_ids")))
        lat, lon = _rings(zone.geometry)
        legend = (gettext("Truce area (approximate)", lang) if kind == "truce"
                  else gettext("Besieged area (approximate)", lang))
        traces.append(dict(
            type="scattermap", meta=f"ctx-zones-{i}", name=legend, legendgroup=f"zones-{kind}",
            showlegend=kind not in shown_kinds, mode="lines", fill="toself",
            fillcolor=colours["fill"], line={"color": colours["line"], "width": 1.5},
            lat=lat, lon=lon, hovertext=hover, hoverinfo="text",
        ))
        shown_kinds.add(kind)
        label = zone.geometry.representative_point()
        traces.append(dict(
            type="scattermap", meta=f"ctx-zones-label-{i}", mode="text", showlegend=False,
            lat=[label.y], lon=[label.x], text=[gettext("{name} (approx.)", lang, name=name)],
            textfont={"color": colours["line"], "size": 12}, hovertext=[hover], hoverinfo="text",
        ))
    return traces


def route_traces(dataset: Dataset, day: dt.date, lang: str) -> list[dict]:
    """Each route coloured by its status on `day`; estimated vertices are said to be so."""
    traces: list[dict] = []
    status = route_status_on(dataset, day)
    for i, (_, route) in enumerate(dataset.routes.iterrows()):
        row = status.get(str(route["route_id"]))
        code = None if row is None else str(row["status"])
        status_text = gettext(_STATUS_LABELS.get(code, N_("status not reported")), lang)
        note = "" if row is None else _text(row, "note", lang)
        src = "" if row is None else sources_text(dataset, row.get("source_ids"))
        name = _text(route, "name", lang)
        approx = bool(route.get("approximate", True))
        hover = gettext("{name} · {geometry} · status: {status} · {note} · source: {sources}",
                        lang, name=name, status=status_text, note=note, sources=src,
                        geometry=gettext("approximate (estimated vertices)", lang) if approx
                        else gettext("surveyed line", lang))
        lines = getattr(route.geometry, "geoms", [route.geometry])
        lat: list = []
        lon: list = []
        for line in lines:
            xs, ys = line.coords.xy
            lon += [*xs, None]
            lat += [*ys, None]
        colour = ROUTE_STATUS_COLOURS.get(code, _UNKNOWN_STATUS_COLOUR)
        legend = f"{name} ({gettext('approximate', lang)}): {status_text}" if approx else name
        traces.append(dict(
            type="scattermap", meta=f"ctx-routes-{i}", name=legend, mode="lines",
            line={"color": colour, "width": 4}, lat=lat[:-1], lon=lon[:-1], hovertext=hover,
            hoverinfo="text", legendgroup="routes",
        ))
        mid = route.geometry.interpolate(0.5, normalized=True)
        label = gettext("{name} (approx.)", lang, name=name) if approx else name
        traces.append(dict(
            type="scattermap", meta=f"ctx-routes-label-{i}", mode="text", showlegend=False,
            lat=[mid.y], lon=[mid.x], text=[label],
            # No textposition: with mode "text" plotly.js computes a NaN offset ("Map error.").
            textfont={"color": colour, "size": 12},
            hovertext=[hover], hoverinfo="text",
        ))
    return traces


def control_traces(dataset: Dataset, day: dt.date, lang: str, theme: str) -> list[dict]:
    """Neighbourhood control as reported: a ring in the control colour, a short label.

    The rings take no hover: they sit on the same neighbourhood centres as the incidents, and
    plotly would pick the small ring over the incident under the pointer. What was reported,
    by whom and when is shown in the details of every incident placed there.
    """
    chosen = control_as_reported(dataset, day)
    chosen = chosen[_located(chosen)]  # a place without a sourced coordinate is not drawn
    surface = map_surface(theme)
    traces: list[dict] = []
    for code, group in chosen.groupby("control", sort=True):
        colour = CONTROL_COLOURS.get(str(code), _UNKNOWN_STATUS_COLOUR)
        names = [_text(r, "name", lang) or str(r["place_id"]) for _, r in group.iterrows()]
        hovers = [gettext("{place}: {control}, as reported on {date}{inferred} · source: {sources}",
                          lang, place=nm, control=side_label(str(code), lang),
                          date=format_date(pd.Timestamp(r["as_of"]), lang, "medium"),
                          inferred=gettext(" (inferred)", lang) if bool(r.get("inferred")) else "",
                          sources=sources_text(dataset, r.get("source_ids")))
                  for nm, (_, r) in zip(names, group.iterrows(), strict=True)]
        lat = [g.y for g in group.geometry]
        lon = [g.x for g in group.geometry]
        traces.append(dict(
            type="scattermap", meta=f"ctx-control-{code}", mode="markers+text",
            name=gettext("{control} (as reported)", lang, control=side_label(str(code), lang)),
            legendgroup="control", lat=lat, lon=lon, text=names, textposition="top right",
            textfont={"color": surface["text"], "size": 11},
            marker={"color": colour, "size": 14}, hovertext=hovers, hoverinfo="skip",
        ))
        # The hollow centre that turns the disc into a ring (Scattermap has no marker outline).
        traces.append(dict(
            type="scattermap", meta=f"ctx-control-centre-{code}", mode="markers",
            showlegend=False, lat=lat, lon=lon, marker={"color": surface["background"], "size": 8},
            hovertext=hovers, hoverinfo="skip",
        ))
    return traces


def place_traces(dataset: Dataset, lang: str, theme: str) -> list[dict]:
    """Place names (mode "text", drawn offline with MapLibre's local font)."""
    places = dataset.places
    if len(places) == 0:
        return []
    labelled = set(dataset.control["place_id"]) if len(dataset.control) else set()
    shown = places[_located(places) & ~places["place_id"].isin(labelled)]
    if len(shown) == 0:
        return []
    return [dict(
        type="scattermap", meta="ctx-places", mode="text", showlegend=False,
        lat=shown.geometry.y.tolist(), lon=shown.geometry.x.tolist(),
        text=[_text(r, "name", lang) for _, r in shown.iterrows()],
        textfont={"color": map_surface(theme)["muted"], "size": 11}, hoverinfo="skip",
    )]
