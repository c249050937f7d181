"""Still images of the map: the base figure (figures/map.py) with the day's slice in place,
as assets/timeline.js `render` puts it in the page. Pure functions: nothing from dash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import plotly.graph_objects as go

from dashboard.data.model import Dataset
from dashboard.figures.map import (
    ROLE_CELLS,
    ROLE_HALOS,
    ROLE_OUTLINES,
    ROLE_POINTS,
    ROLE_SELECTED_HALO,
    make_map_figure,
    view_day,
)
from dashboard.filters import dataset_days
from dashboard.timeline import build_timeline_payload, selected_halo, slice_for_view
from dashboard.view import View


def _nan_to_none(values: np.ndarray) -> list:
    return [None if v != v else float(v) for v in values]  # NaN != NaN: a gap between rings


def _in_ranges(text: str, day: int) -> bool:
    return any(int(lo) <= day <= int(hi) for lo, hi in
               (part.split("-") for part in str(text).split(",") if part))


def apply_slice(fig: go.Figure, view_slice: dict, layers: frozenset[str],
                selected: dict | None = None, day_index: int | None = None) -> go.Figure:
    """`fig` (a base figure) with the slice's arrays in place, as timeline.js `render` does:
    context layers not in `layers` are dropped; incident traces get the slice's arrays;
    `selected` (timeline.selected_halo) is the selected incident's emphasised halo. On a page
    figure (every day's context at once), `day_index` keeps each context layer's hover
    points of that day, as timeline.js `hoverOnDay` does."""
    settings = fig.layout.meta["timeline"]
    kept = []
    for trace in fig.data:
        role = trace.meta if isinstance(trace.meta, str) else ""
        if role.startswith("ctx-") and role.split("-")[1] not in layers:
            continue
        kept.append(trace.to_plotly_json())
    layout = fig.layout.to_plotly_json()
    style = layout.get("map", {}).get("style")
    if isinstance(style, dict) and style.get("layers"):
        layout["map"]["style"] = {**style, "layers": [
            layer for layer in style["layers"]
            if not (str(layer.get("id", "")).startswith("ctx-")
                    and str(layer["id"]).split("-")[1] not in layers)]}
    hover_days = (layout.get("meta") or {}).get("context_hover") or {}
    for trace in kept:
        role = trace.get("meta")
        if day_index is not None and role in hover_days:
            keep = [_in_ranges(r, day_index) for r in hover_days[role]]
            for key in ("lat", "lon", "hovertext"):
                trace[key] = [v for v, k in zip(trace.get(key) or [], keep, strict=False) if k]
        if role == ROLE_POINTS:
            pts = view_slice["points"]
            trace.update(lat=pts["lat"].tolist(), lon=pts["lon"].tolist(),
                         customdata=pts["customdata"].tolist(), hovertext=pts["hovertext"],
                         showlegend=view_slice["capped"],
                         marker={**trace["marker"], "color": pts["color"],
                                 "size": pts["size"].tolist()})
            if view_slice["capped"]:
                trace["name"] = settings["strings"]["capped"].format(
                    shown=view_slice["shown"], total=view_slice["total"])
        elif role == ROLE_OUTLINES:
            ol = view_slice["outlines"]
            trace.update(lat=ol["lat"].tolist(), lon=ol["lon"].tolist(),
                         marker={**trace["marker"], "color": ol["color"],
                                 "size": ol["size"].tolist()})
        elif role == ROLE_HALOS:
            trace.update(lat=_nan_to_none(view_slice["halos"]["lat"]),
                         lon=_nan_to_none(view_slice["halos"]["lon"]))
        elif role == ROLE_SELECTED_HALO and selected and "halos" in layers and \
                selected["row"] in set(view_slice["points"]["customdata"].tolist()):
            trace.update(lat=selected["lat"], lon=selected["lon"])
        elif role == ROLE_CELLS and view_slice["cells"] is not None:
            cells = view_slice["cells"]
            nonzero = cells["z"] > 0
            z = cells["z"][nonzero]
            span = settings["cell_max_px"] - settings["cell_min_px"]
            size = settings["cell_min_px"] + span * np.sqrt(z / max(settings["cell_max"], 1))
            trace.update(lat=cells["lat"][nonzero].tolist(), lon=cells["lon"][nonzero].tolist(),
                         text=z.tolist(), showlegend=True,
                         marker={**trace["marker"], "size": size.tolist()})
    return go.Figure(data=kept, layout=layout)


def make_static_map_figure(dataset: Dataset, view: View, payload: dict | None = None,
                           lang: str = "en") -> go.Figure:
    """The picture the browser shows for `view` (base figure + Python slice), for exports."""
    first, last = dataset_days(dataset.incidents)
    if payload is None:
        payload = build_timeline_payload(dataset.incidents, first, last)
    day = view_day(dataset, view)
    base = make_map_figure(dataset, dataclasses.replace(view, date=day), payload, lang)
    first_day = dt.date.fromisoformat(payload["meta"]["first_day"])
    settings = base.layout.meta["timeline"]
    view_slice = slice_for_view(payload, dataclasses.replace(view, lang=lang),
                                (day - first_day).days, ink=settings["ink"],
                                unreported=settings["unreported"])
    ids = dataset.incidents["id"].astype(str).tolist()
    row = ids.index(view.incident) if view.incident in ids else None
    return apply_slice(base, view_slice, view.layers, selected_halo(dataset.incidents, row))


__all__ = ["apply_slice", "make_static_map_figure"]
