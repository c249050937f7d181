"""Map text labels as SVG annotations, for still images. Pure: figure dicts in, dicts out.

MapLibre draws a map's text (place names, zone and route labels, control labels) in WebGL;
in a headless, software-WebGL Chromium that is most of an export's render time (each export
builds a fresh map, so its glyphs are rasterised again every time), and in SVG/PDF the labels
end up in the map's raster. `labels_to_annotations` moves every label of the map traces into
layout annotations instead: plotly draws them as SVG text (vector in SVG/PDF), placed by
projecting each label's lat/lon with Web Mercator into the map subplot's pixels.

MapLibre's maths: 512 px tiles, so the world is W = 512·2^zoom px wide;
x = (lon + 180)/360 · W and y = (1 − ln(tan(π/4 + φ/2))/π)/2 · W. A point sits at
(point − centre) + half the map's size from the map's top-left corner. Text offsets follow
plotly.js's `convertTextOpts` (in ems of the text size, grown by the marker size).

Only for exports: the live page keeps MapLibre's labels (they follow pans and zooms).
One module (about 310 lines) on purpose: the projection, the text metrics and the label
placement are one computation with one set of constants.
"""

from __future__ import annotations

import base64
import html
import math
import re

import numpy as np

TILE_PX = 512
MAX_LAT = 85.051129  # Web Mercator's limit
LINE_EM = 1.2  # MapLibre's text-line-height
MAX_WIDTH_EM = 10.0  # MapLibre's text-max-width: longer labels wrap
PADDING_PX = 2.0  # MapLibre's text-padding around a label's collision box
LEGEND_PAD_PX = 8.0  # a legend's size is estimated: keep labels this much further away
# Advance widths (em) of a Helvetica/Arial-like sans, for label boxes; the rest 0.556.
_GLYPH_EM = {**dict.fromkeys("ijl'|", 0.222), **dict.fromkeys(" ftI.,:;!/()[]-", 0.278),
             "r": 0.333, "-": 0.333, **dict.fromkeys("mM", 0.833), "w": 0.722, "W": 0.944,
             **dict.fromkeys("ABCDEFGHKNOPQRSUVXYZ", 0.667), "J": 0.5, "L": 0.556, "T": 0.611}
# plotly's layout default margins, for figures that do not set theirs
_DEFAULT_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}
_SUBPLOT_OF_TYPE = {"scattermap": "map", "scattermapbox": "mapbox"}


def world_px(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel coordinates of a point in MapLibre's world at `zoom` (y down)."""
    size = TILE_PX * 2.0 ** zoom
    phi = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    x = (lon + 180.0) / 360.0 * size
    y = (1 - math.log(math.tan(math.pi / 4 + phi / 2)) / math.pi) / 2 * size
    return x, y


def project(lat: float, lon: float, center: tuple[float, float], zoom: float,
            size_px: tuple[float, float]) -> tuple[float, float]:
    """Pixel position (from the map's top-left corner, y down) of lat/lon on a map of
    `size_px` (width, height) centred on `center` (lat, lon) at `zoom`."""
    x, y = world_px(lat, lon, zoom)
    cx, cy = world_px(center[0], center[1], zoom)
    return x - cx + size_px[0] / 2, y - cy + size_px[1] / 2


def text_placement(textposition: str, marker_size: float, font_px: float
                   ) -> tuple[str, str, float, float]:
    """(xanchor, yanchor, xshift, yshift) of an annotation standing where plotly.js puts a
    map label: MapLibre text-anchor plus text-offset (ems) from `convertTextOpts`. Shifts are
    px, yshift up."""
    parts = (str(textposition or "middle center").split() + ["center"])[:2]
    vertical, horizontal = parts
    x_em, y_em = 0.5 + marker_size / 100, 1.5 + marker_size / 100
    xanchor, xshift = {"left": ("right", -x_em), "right": ("left", x_em)}.get(
        horizontal, ("center", 0.0))
    # plotly.js anchors "top" text by its top edge and lifts it 1.5+ em (so it sits above
    # the point), and the reverse for "bottom". An annotation box is ~LINE_EM tall.
    if vertical == "top":
        yanchor, yshift = "top", y_em
    elif vertical == "bottom":
        yanchor, yshift = "bottom", -y_em
    else:
        yanchor, yshift = "middle", 0.0
    return xanchor, yanchor, xshift * font_px, yshift * font_px


def _array(value) -> list | None:
    """A plain list from a list, tuple, ndarray or plotly typed array; None for a scalar."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return array.tolist()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def _pick(value, i: int, default=None):
    """Point i's value of a per-point-or-scalar attribute."""
    array = _array(value)
    if array is None:
        return default if value is None else value
    return array[i] if i < len(array) and array[i] is not None else default


def _plot_area(layout: dict) -> tuple[float, float]:
    margin = {**_DEFAULT_MARGIN, **(layout.get("margin") or {})}
    width, height = float(layout.get("width") or 700), float(layout.get("height") or 450)
    return width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]


def text_width_em(text: str) -> float:
    """Estimated width of one line of text, in ems."""
    return sum(_GLYPH_EM.get(ch, 0.556) for ch in text)


def wrap_label(text: str, max_em: float = MAX_WIDTH_EM) -> list[str]:
    """Lines of a label as MapLibre breaks them: at spaces, into lines of balanced width
    when it is wider than `max_em`. "<br>" (plotly's line break) always breaks."""
    lines: list[str] = []
    for part in str(text).split("<br>"):
        words = part.split()
        total = text_width_em(part)
        if total <= max_em or len(words) < 2:
            lines.append(part.strip())
            continue
        target = total / math.ceil(total / max_em)
        line = words[0]
        for word in words[1:]:
            longer = f"{line} {word}"
            # Break where the line comes closest to the target width.
            if abs(text_width_em(longer) - target) > abs(text_width_em(line) - target):
                lines.append(line)
                line = word
            else:
                line = longer
        lines.append(line)
    return lines


def _box(x: float, y: float, w: float, h: float, anchors: tuple[str, str]
         ) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a w × h box anchored at (x, y) (px, y down)."""
    left = x - {"left": 0, "center": w / 2, "right": w}[anchors[0]]
    top = y - {"top": 0, "middle": h / 2, "bottom": h}[anchors[1]]
    return left, top, left + w, top + h


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text)


def legend_boxes(fig: dict) -> list[tuple[float, float, float, float]]:
    """Estimated (x0, y0, x1, y1) paper boxes of the figure's vertical legends.

    Annotations are drawn above a legend, so a label under a legend that stands on the map
    (which hid MapLibre's labels) would show through it; labels avoid these boxes. Sizes
    follow plotly.js: a row is max(1.3 em, 16 px) + 3 px, groups are `tracegroupgap` apart,
    the text starts 40 px in.
    """
    layout = fig.get("layout") or {}
    if layout.get("showlegend") is False:
        return []
    area = _plot_area(layout)
    base_size = float((layout.get("font") or {}).get("size") or 12)
    boxes = []
    for key in [k for k in layout if re.fullmatch(r"legend\d*", k)]:
        legend = layout[key] or {}
        if legend.get("orientation", "v") != "v" or legend.get("visible") is False:
            continue
        size = float((legend.get("font") or {}).get("size") or base_size)
        row = max(1.3 * size, 16) + 3
        names, groups, titles = [], set(), 0
        for trace in fig.get("data") or []:
            if trace.get("legend", "legend") != key or trace.get("showlegend") is False \
                    or trace.get("visible", True) is False:
                continue
            names.append(_strip_tags(str(trace.get("name") or "")))
            groups.add(trace.get("legendgroup") or "")
            titles += bool((trace.get("legendgrouptitle") or {}).get("text"))
        if not names:
            continue
        title = _strip_tags(str((legend.get("title") or {}).get("text") or ""))
        gap = float(legend.get("tracegroupgap", 10))
        border = float(legend.get("borderwidth", 0))
        height = (len(names) + titles + bool(title)) * row + (len(groups) - 1) * gap \
            + 2 * border + 10
        width = 40 + size * max(text_width_em(n) for n in [*names, title]) + 2 * border + 10
        x, y = float(legend.get("x", 1.02)), float(legend.get("y", 1))
        w, h = width / area[0], height / area[1]
        x0 = x - {"left": 0, "center": w / 2, "right": w}.get(legend.get("xanchor", "left"), 0)
        y1 = y + {"top": 0, "middle": h / 2, "bottom": h}.get(legend.get("yanchor", "auto"), 0)
        boxes.append((x0, y1 - h, x0 + w, y1))
    return boxes


def _subplot_view(layout: dict, name: str) -> dict | None:
    """Centre, zoom and paper domain of a map subplot, or None if labels cannot be placed
    by a flat projection (rotated or tilted map, fitted bounds)."""
    subplot = layout.get(name)
    if not isinstance(subplot, dict):
        return None
    if subplot.get("bearing") or subplot.get("pitch") or subplot.get("bounds"):
        return None
    centre = subplot.get("center") or {}
    domain = subplot.get("domain") or {}
    return {"center": (float(centre.get("lat", 0)), float(centre.get("lon", 0))),
            "zoom": float(subplot.get("zoom", 1)),
            "x": tuple(domain.get("x") or (0, 1)), "y": tuple(domain.get("y") or (0, 1))}


def _label_annotations(trace: dict, view: dict, area: tuple[float, float],
                       default_font: dict) -> list[tuple[tuple, dict]]:
    """(collision box in map px, annotation) for each of a trace's labels inside its map."""
    (x0, x1), (y0, y1) = view["x"], view["y"]
    size = ((x1 - x0) * area[0], (y1 - y0) * area[1])
    lats, lons = _array(trace.get("lat")) or [], _array(trace.get("lon")) or []
    texts = _array(trace.get("text"))
    if texts is None:
        texts = [trace.get("text")] * len(lats)
    font = trace.get("textfont") or {}
    marker = trace.get("marker") or {}
    markers = "markers" in trace.get("mode", "")
    sizes = _array(marker.get("size"))
    marker_size = (float(np.mean([s for s in sizes if s is not None] or [0])) if sizes
                   else float(marker.get("size", 6))) if markers else 0.0
    out = []
    for i, (lat, lon) in enumerate(zip(lats, lons, strict=False)):
        text = texts[i] if i < len(texts) else None
        if lat is None or lon is None or text is None or str(text) == "" \
                or lat != lat or lon != lon:
            continue
        font_px = float(_pick(font.get("size"), i, default_font.get("size", 12)))
        position = _pick(trace.get("textposition"), i, "middle center")
        xanchor, yanchor, xshift, yshift = text_placement(position, marker_size, font_px)
        px, py = project(float(lat), float(lon), view["center"], view["zoom"], size)
        lines = wrap_label(str(text))
        box = _box(px + xshift, py - yshift,
                   font_px * max(text_width_em(line) for line in lines),
                   LINE_EM * font_px * len(lines), (xanchor, yanchor))
        if box[0] < 0 or box[1] < 0 or box[2] > size[0] or box[3] > size[1]:
            continue  # MapLibre would clip it at the map's edge; half a label helps nobody
        colour = _pick(font.get("color"), i, default_font.get("color"))
        style = {k: v for k, v in {"size": font_px, "color": colour,
                                   "family": _pick(font.get("family"), i),
                                   "weight": _pick(font.get("weight"), i)}.items()
                 if v is not None}
        padded = (box[0] - PADDING_PX, box[1] - PADDING_PX, box[2] + PADDING_PX,
                  box[3] + PADDING_PX)
        out.append((padded, {
            "text": "<br>".join(html.escape(line, quote=False) for line in lines),
            "x": x0 + px / area[0], "y": y1 - py / area[1], "xref": "paper", "yref": "paper",
            "xanchor": xanchor, "yanchor": yanchor, "xshift": round(xshift, 2),
            "yshift": round(yshift, 2), "showarrow": False, "borderpad": 0, "font": style,
            "align": "center"}))
    return out


def labels_to_annotations(fig: dict) -> dict:
    """A copy of figure dict `fig` whose map text labels are layout annotations.

    Text-only map traces go; "markers+text" traces keep their markers. Labels whose box would
    cross the map's edge are dropped (MapLibre would clip them), and so are labels that would
    overlap a label placed before them (MapLibre's collision rule, estimated) or a legend
    standing on the map. Traces with a texttemplate, and maps that are rotated, tilted or
    fitted to bounds, keep their MapLibre labels.
    """
    layout = dict(fig.get("layout") or {})
    area = _plot_area(layout)
    default_font = layout.get("font") or {}
    data, candidates = [], []
    for trace in fig.get("data") or []:
        kind = str(trace.get("type", ""))
        mode = str(trace.get("mode", "markers"))
        subplot = trace.get("subplot") or _SUBPLOT_OF_TYPE.get(kind)
        view = _subplot_view(layout, subplot) if subplot else None
        if (view is None or "text" not in mode.split("+") or trace.get("texttemplate")
                or trace.get("visible", True) is not True):
            data.append(trace)
            continue
        candidates.append((subplot, _label_annotations(trace, view, area, default_font)))
        rest = "+".join(part for part in mode.split("+") if part != "text")
        if rest and rest != "none":
            data.append({**{k: v for k, v in trace.items()
                            if k not in ("textposition", "textfont")}, "mode": rest})
        elif trace.get("showlegend") is not False:
            # A legend entry without anything on the map.
            data.append({**trace, "mode": "markers", "lat": [None], "lon": [None]})
    # MapLibre hides a label that would overlap one already placed, placing the topmost
    # layer (the last trace) first and a trace's points in order; so do we.
    # A legend standing on the map hides what is under it (see legend_boxes).
    legends = legend_boxes({"data": data, "layout": layout}) if candidates else []
    placed: dict[str, list[tuple]] = {}
    kept: list[list[dict]] = []
    for subplot, labels in reversed(candidates):
        if subplot not in placed:
            view = _subplot_view(layout, subplot)
            x0, y1 = view["x"][0], view["y"][1]
            placed[subplot] = [((lx0 - x0) * area[0] - LEGEND_PAD_PX,
                                (y1 - ly1) * area[1] - LEGEND_PAD_PX,
                                (lx1 - x0) * area[0] + LEGEND_PAD_PX,
                                (y1 - ly0) * area[1] + LEGEND_PAD_PX)
                               for lx0, ly0, lx1, ly1 in legends]
        boxes = placed[subplot]
        kept.append([])
        for box, annotation in labels:
            if not any(_overlaps(box, other) for other in boxes):
                boxes.append(box)
                kept[-1].append(annotation)
    annotations = [a for trace_labels in reversed(kept) for a in trace_labels]
    if annotations:
        # Under the other annotations (title, bands), which are drawn later, on top.
        layout["annotations"] = annotations + list(layout.get("annotations") or [])
    return {**fig, "data": data, "layout": layout}
