"""Reaching an export's pixel size: px scaling of plotly figures. Pure: no browser, no files.

`to_render` decides how to reach the pixel size. plotly honours kaleido's `scale` for SVG
charts but not for the MapLibre canvas of a map (it would be drawn at 1× and stretched, i.e.
blurry), so a figure with a map is rendered at the full pixel size with scale 1, after
`scale_figure` has multiplied its fonts, line widths, marker sizes and margins (and raised the
map zoom) by the scale.
"""

from __future__ import annotations

import base64
import copy
import math

import numpy as np
import plotly.graph_objects as go

from dashboard.export.spec import ExportSpec, pixel_size

MAP_SUBPLOTS = ("map", "mapbox")
# Keys (anywhere in a figure) whose number is a length in CSS px.
_PX_KEYS = {"borderwidth", "linewidth", "gridwidth", "zerolinewidth", "tickwidth", "ticklen",
            "arrowwidth", "outlinewidth", "thickness", "itemwidth", "tracegroupgap",
            "borderpad", "xshift", "yshift", "standoff", "spikethickness", "radius",
            "indentation", "sizemin"}
# MapLibre style properties in px (only plain numbers are scaled, never expressions).
_STYLE_PX_KEYS = {"line-width", "line-gap-width", "line-offset", "circle-radius",
                  "circle-stroke-width", "text-size", "text-halo-width", "icon-size",
                  "fill-extrusion-height"}


def _decode_typed(value: dict) -> np.ndarray:
    array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return array.reshape(value["shape"]) if "shape" in value else array


def _times(value, k: float):
    """`value` × k for a number, a list of numbers, an ndarray or a plotly typed array."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value * k
    if isinstance(value, dict) and "bdata" in value:
        return (_decode_typed(value).astype(float) * k).tolist()
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return value * k
    if isinstance(value, (list, tuple)):
        return [_times(v, k) for v in value]
    return value


def _scale_node(node, k: float, parent: str, fonts_only: bool):
    if isinstance(node, list):
        return [_scale_node(v, k, parent, fonts_only) for v in node]
    if not isinstance(node, dict) or "bdata" in node:
        return node
    out = {}
    for key, value in node.items():
        if key == "size" and parent.endswith("font"):
            out[key] = _times(value, k)
        elif fonts_only:
            out[key] = _scale_node(value, k, key, fonts_only)
        elif (key == "size" and parent == "marker") or key in _PX_KEYS:
            out[key] = _times(value, k)
        elif key == "sizeref" and parent == "marker":
            out[key] = _times(value, 1 / k)  # bubble px = data / sizeref
        elif key == "width" and (parent.endswith("line") or parent.startswith("error_")):
            out[key] = _times(value, k)
        elif key in ("l", "r", "t", "b", "pad") and parent in ("margin", "pad"):
            out[key] = _times(value, k)
        elif key in ("ax", "ay") and parent == "annotations" and \
                node.get(f"{key}ref", "pixel") == "pixel":
            out[key] = _times(value, k)
        elif key == "zoom" and parent in MAP_SUBPLOTS and isinstance(value, (int, float)):
            out[key] = value + math.log2(k)  # one zoom level doubles the px per degree
        elif key in _STYLE_PX_KEYS and isinstance(value, (int, float)):
            out[key] = value * k
        else:
            out[key] = _scale_node(value, k, key, fonts_only)
    return out


def _fill_scalable_defaults(fig: dict) -> None:
    """Write plotly's px defaults where a figure relies on them, so scaling reaches them."""
    for trace in fig.get("data", []):
        if trace.get("type", "scatter").startswith("scatter"):
            mode = trace.get("mode", "markers")
            if "markers" in mode:
                trace.setdefault("marker", {}).setdefault("size", 6)
            if "lines" in mode:
                trace.setdefault("line", {}).setdefault("width", 2)
    layout = fig.setdefault("layout", {})
    # Not axis defaults: plotly.js turns on axis lines, grids and ticks whose width or
    # length is given, so writing the defaults would change the chart.
    for key in [k for k in layout if k.startswith("legend")]:
        layout[key].setdefault("itemwidth", 30)


def scale_figure(fig: go.Figure | dict, k: float, *, fonts_only: bool = False) -> dict:
    """A copy of `fig` (as a dict) with every px length (or, `fonts_only`, font size) × k.

    Bar widths, bin sizes and other data-unit values are left alone: only keys known to be
    pixels are touched. For maps the zoom is raised by log2(k) so the same area shows.
    """
    data = fig.to_dict() if isinstance(fig, go.Figure) else copy.deepcopy(fig)
    if k == 1:
        return data
    if not fonts_only:
        _fill_scalable_defaults(data)
    return {key: _scale_node(value, k, key, fonts_only) for key, value in data.items()}


def has_map(fig: go.Figure | dict) -> bool:
    """Whether a figure draws a MapLibre/Mapbox map (which plotly rasterises at scale 1)."""
    data = fig.to_dict()["data"] if isinstance(fig, go.Figure) else fig.get("data", [])
    return any(str(t.get("type", "")).endswith(("map", "mapbox")) for t in data)


def to_render(fig: go.Figure, spec: ExportSpec) -> tuple[dict, dict]:
    """The figure dict and kaleido options that produce exactly `pixel_size(spec)`.

    Charts (pure SVG) let the browser scale; maps, and any scale that does not give whole
    pixels, are laid out at the pixel size instead (see the module docstring).
    """
    px_w, px_h = pixel_size(spec)
    fmt = spec.fmt
    exact = spec.width * spec.scale == px_w and spec.height * spec.scale == px_h
    if spec.scale == 1 or (not has_map(fig) and exact):
        data = fig.to_dict()
        return data, {"format": fmt, "width": spec.width, "height": spec.height,
                      "scale": spec.scale}
    data = scale_figure(fig, px_w / spec.width)
    data["layout"].update(width=px_w, height=px_h)
    return data, {"format": fmt, "width": px_w, "height": px_h, "scale": 1}
