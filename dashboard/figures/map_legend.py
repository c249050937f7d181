"""The page's map legend as data, taken out of the figure. Pure: dicts in, dicts out.

In still images the legend is plotly's (it is part of the picture). In the page, each legend
entry was a trace of one empty point, and plotly.js hands every trace to MapLibre again on
every timeline step (~25 ms per step for the dozen entries, measured). `split_legend` takes
those entries out of the figure and describes them for an HTML legend
(dashboard/components/map_legend.py), which is also real text for screen readers and folds
away for presenters. Entries that change with the timeline (points capped, older periods
summed per cell) stay on their own traces, in plotly's legend.
"""

from __future__ import annotations

import re

_CONTEXT = re.compile(r"^ctx-([a-z_]+)")


def _is_legend_only(trace: dict) -> bool:
    lat = trace.get("lat")
    return isinstance(lat, list | tuple) and len(lat) == 1 and lat[0] is None


def _layer(meta: str) -> str | None:
    """The layer switch that hides the entry, if any ("ctx-zones-0-legend" -> "zones")."""
    match = _CONTEXT.match(meta)
    if match:
        return match.group(1)
    return "halos" if meta == "legend-halo" else None


def _swatch(trace: dict) -> dict:
    mode = str(trace.get("mode") or "")
    line = trace.get("line") or {}
    marker = trace.get("marker") or {}
    if trace.get("fill") == "toself":
        return {"kind": "fill", "colour": line.get("color"), "fill": trace.get("fillcolor")}
    if "lines" in mode:
        return {"kind": "line", "colour": line.get("color"), "width": line.get("width", 2)}
    return {"kind": "marker", "colour": marker.get("color"), "size": marker.get("size", 10)}


def split_legend(figure: dict) -> tuple[dict, list[dict]]:
    """(figure without its one-empty-point legend traces, their entries in order).

    Each entry: {"label", "title" (the group title it opens, or None), "layer" (the switch
    that hides it, or None), "swatch": {"kind": "fill"|"line"|"marker", "colour", ...},
    "days" (the day-index ranges "lo-hi,…" it belongs to, or None for every day)}."""
    kept, items = [], []
    for trace in figure.get("data", []):
        if not _is_legend_only(trace) or trace.get("showlegend") is False or not trace.get(
                "name"):
            kept.append(trace)
            continue
        title = (trace.get("legendgrouptitle") or {}).get("text")
        meta, _, days = str(trace.get("meta") or "").partition("|days=")
        items.append({"label": str(trace["name"]), "title": title, "layer": _layer(meta),
                      "swatch": _swatch(trace), "days": days or None})
    return {**figure, "data": kept}, items
