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

from dashboard.data.context import control_as_reported, route_status_on, zones_in_force
from dashboard.data.model import Dataset
from dashboard.figures.palette import (
    CONTROL_COLOURS,
    ROUTE_STATUS_COLOURS,
    ZONE_COLOURS,
    map_surface,
)
from dashboard.i18n import N_, format_date, gettext, side_label

_UNKNOWN_STATUS_COLOUR = "#8a8a8a"
_STATUS_LABELS = {"open": N_("open"), "under_fire": N_("under fire"), "cut": N_("cut")}


def _text(row: pd.Series, base: str, lang: str) -> str:
    value = row.get(f"{base}_{lang}")
    if value is None or pd.isna(value):
        value = row.get(f"{base}_en")
    return "" if value is None or pd.isna(value) else str(value)



def _when(value: object, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return gettext("open-ended", lang)
    stamp = pd.Timestamp(value)
    time = f" {stamp:%H:%M}" if (stamp.hour, stamp.minute) != (0, 0) else ""
    return format_date(stamp, lang, "medium") + time



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


def control_traces(dataset: Dataset, day: dt.date, lang: str, theme: str,
                   skip: set[str] | frozenset[str] = frozenset()) -> list[dict]:
    """Neighbourhood control as reported, for places not drawn as areas (`skip`: their
    neighbourhood polygon is filled instead, figures/map_city.py): a ring in the control
    colour, a short label.

    The rings take no hover: they sit on the same neighbourhood centres as the incidents, and
    plotly would pick the small ring over the incident under the pointer. What was reported,
    by whom and when is shown in the details of every incident placed there.
    """
    chosen = control_as_reported(dataset, day)
    chosen = chosen[~chosen["place_id"].isin(skip)] if len(chosen) else chosen
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


def place_traces(dataset: Dataset, lang: str, theme: str,
                 named_by_style: bool = False) -> list[dict]:
    """Place names (mode "text", drawn offline with MapLibre's local font). With
    `named_by_style` (the page) a place standing for a neighbourhood polygon is left out:
    the style names every polygon (figures/map_city.py)."""
    places = dataset.places
    if len(places) == 0:
        return []
    labelled = set(dataset.control["place_id"]) if len(dataset.control) else set()
    shown = places[_located(places) & ~places["place_id"].isin(labelled)]
    if named_by_style and "neighbourhood_id" in shown:
        shown = shown[shown["neighbourhood_id"].isna()]
    if len(shown) == 0:
        return []
    return [dict(
        type="scattermap", meta="ctx-places", mode="text", showlegend=False,
        lat=shown.geometry.y.tolist(), lon=shown.geometry.x.tolist(),
        text=[_text(r, "name", lang) for _, r in shown.iterrows()],
        textfont={"color": map_surface(theme)["muted"], "size": 11}, hoverinfo="skip",
    )]
