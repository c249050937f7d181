"""From app figures to the one figure an export renders. Pure: no browser, no files.

`compose_figure` lays a map and/or a chart out on a canvas of the spec's design size, with the
title, date line, caption, legend(s), sources line and permalink burnt in as annotations in
bands reserved at the top and bottom. A slide is ONE plotly figure: the map subplot and the
chart axes sit side by side through their `domain`s. Composing a single figure (rather than
rendering map and chart separately and pasting the images together) keeps text and chart
vector in SVG/PDF, needs no image library, and makes the output size exactly the figure size.
How the composed figure reaches its pixel size (px scaling) is export/scale.py; what is left
here (about 390 lines: the bands, the slots, the legend and the inset they hold) is one job,
laying out the canvas, bands and slots of one figure.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.colours import PLOTLY_COLOURWAY
from dashboard.export.bidi import isolate_figure
from dashboard.export.labels import labels_to_annotations
from dashboard.export.scale import has_map, scale_figure
from dashboard.export.spec import ExportSpec
from dashboard.figures.theme import surface

_SUBPLOT_PREFIXES = ("xaxis", "yaxis", "map", "mapbox", "geo", "polar", "ternary", "scene")
# Interactive controls and state mean nothing in a still image.
_DROPPED_LAYOUT_KEYS = {"updatemenus", "sliders", "uirevision", "dragmode", "clickmode",
                        "hovermode", "selections", "newshape", "modebar", "transition",
                        "title", "width", "height", "autosize", "margin", "legend", "meta"}


@dataclass(frozen=True)
class ExportMeta:
    """The words burnt into an export, already translated."""

    title: str  # "Aleppo, 30 April 2016"
    subtitle: str = ""  # what and when: "Incidents reported up to 30 April 2016"
    sources: str = ""  # "Sources: AFP, SOHR, MSF, …"
    permalink: str = ""  # the URL that reopens this view
    caption: str = ""  # a scene's caption (slides)
    theme: str = "light"
    inset_label: str = ""  # the places of the "inset" figure, if any (a scene's far part)
    rtl: bool = False  # a right-to-left language: header and footer right-aligned


def _base_font(layout: dict) -> float:
    template = layout.get("template", {}).get("layout", {})
    return float(layout.get("font", {}).get("size")
                 or template.get("font", {}).get("size") or 12)


def _remap(value, lo: float, hi: float):
    return lo + value * (hi - lo) if isinstance(value, (int, float)) else value


def _pin_colours(fig: dict) -> None:
    """Give traces without a colour the one plotly would, so merging figures (which shifts
    trace indices) keeps each chart's colours."""
    layout = fig.get("layout", {})
    colourway = (layout.get("colorway")
                 or layout.get("template", {}).get("layout", {}).get("colorway")
                 or PLOTLY_COLOURWAY)
    for i, trace in enumerate(fig.get("data", [])):
        kind = trace.get("type", "scatter")
        if not kind.startswith(("scatter", "bar", "histogram")):
            continue  # other types take colours from a colour scale, not the colourway
        colour = colourway[i % len(colourway)]
        marker = trace.setdefault("marker", {})
        if kind in ("scatter", "scattergl"):
            if "color" not in marker and "color" not in trace.get("line", {}):
                marker["color"] = colour
                trace.setdefault("line", {})["color"] = colour
        elif "color" not in marker:
            marker["color"] = colour


def _offset_safe(trace: dict) -> None:
    """Work around a plotly.js bug that fails a whole static map export ("Map error."): for a
    text-only map trace it computes the label offset from the (absent) marker size, giving
    NaN. An invisible zero-size marker keeps the label where the trace asked for it."""
    mode = trace.get("mode", "")
    if (str(trace.get("type", "")).endswith(("map", "mapbox")) and "text" in mode
            and "markers" not in mode
            and trace.get("textposition", "middle center") != "middle center"):
        trace["mode"] = f"{mode}+markers"
        trace["marker"] = {**trace.get("marker", {}), "size": 0, "opacity": 0}


def _place(layout: dict, xs: tuple[float, float], ys: tuple[float, float]) -> dict:
    """`layout` with its subplots and paper-referenced items moved into the slot xs × ys."""
    out = {}
    for key, value in layout.items():
        if key.startswith(_SUBPLOT_PREFIXES) and isinstance(value, dict):
            value = dict(value)
            if key.startswith(("xaxis", "yaxis")):
                slot = xs if key.startswith("xaxis") else ys
                value["domain"] = [_remap(v, *slot) for v in (value.get("domain") or [0, 1])]
                value["automargin"] = False  # a moving margin would shift the bands
            else:
                dom = value.get("domain") or {}
                value["domain"] = {"x": [_remap(v, *xs) for v in dom.get("x", [0, 1])],
                                   "y": [_remap(v, *ys) for v in dom.get("y", [0, 1])]}
        elif key in ("annotations", "shapes", "images"):
            items = []
            for item in value:
                item = dict(item)
                if item.get("xref", "paper") == "paper":
                    for p in ("x", "x0", "x1"):
                        item[p] = _remap(item.get(p), *xs)
                if item.get("yref", "paper") == "paper":
                    for p in ("y", "y0", "y1"):
                        item[p] = _remap(item.get(p), *ys)
                items.append({k: v for k, v in item.items() if v is not None})
            value = items
        out[key] = value
    return out


def _wrap(text: str, width_px: float, font_px: float, max_lines: int) -> list[str]:
    """Lines of `text` that fit `width_px` (an average glyph is ~0.55 em), at most max_lines."""
    chars = max(20, int(width_px / (0.55 * font_px)))
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines


def _text(x, y, lines, size, colour, *, anchor=("left", "top"), bold=False) -> dict:
    body = "<br>".join(html.escape(line) for line in lines)
    return {"text": f"<b>{body}</b>" if bold else body, "x": x, "y": y, "xref": "paper",
            "yref": "paper", "xanchor": anchor[0], "yanchor": anchor[1], "showarrow": False,
            "align": anchor[0], "font": {"size": size, "color": colour}}


@dataclass(frozen=True)
class _Canvas:
    """Sizes (CSS px) for one design size: a 1920×1080 slide gets 44 px titles, smaller
    presets the same proportions (with floors so text stays legible)."""

    w: int
    h: int

    @property
    def unit(self) -> float:
        return min(self.w / 1920, self.h / 1080)

    def px(self, at_slide: float, floor: float) -> int:
        return max(round(floor), round(at_slide * self.unit))

    @property
    def pad(self) -> int:
        return self.px(32, 12)


def _bands(meta: ExportMeta, canvas: _Canvas, colours: dict) -> tuple[list, int, int]:
    """Header (title, date line, caption) and footer (sources, permalink) annotations, and the
    top and bottom of the body between them (px from the bottom edge)."""
    w, h, pad, inner = canvas.w, canvas.h, canvas.pad, canvas.w - 2 * canvas.pad
    header = [([meta.title], canvas.px(44, 18), colours["text"], True)]
    if meta.subtitle:
        header.append(([meta.subtitle], canvas.px(26, 13), colours["muted"], False))
    if meta.caption:
        size = canvas.px(22, 12)
        header.append((_wrap(meta.caption, inner, size, 3), size, colours["text"], False))
    annotations, top = [], pad
    # Right to left: the header and footer start at the right edge.
    x, side = ((w - pad) / w, "right") if meta.rtl else (pad / w, "left")
    for lines, size, colour, bold in header:
        annotations.append(_text(x, 1 - top / h, lines, size, colour, anchor=(side, "top"),
                                 bold=bold))
        top += round(1.3 * size * len(lines)) + round(0.2 * size)
    size = canvas.px(15, 10)
    footer = _wrap(meta.sources, inner, size, 2) if meta.sources else []
    footer += [meta.permalink] if meta.permalink else []
    if footer:
        annotations.append(_text(x, (pad // 2) / h, footer, size, colours["muted"],
                                 anchor=(side, "bottom")))
    bottom = pad // 2 + round(1.35 * size * len(footer))
    return annotations, h - top - pad // 2, bottom + pad // 2


def _slots(kind: str, figures: dict, canvas: _Canvas, body: tuple[int, int], colours: dict,
           annotations: list) -> tuple[list, dict]:
    """Where each figure goes: (role, figure dict, x domain, y domain, legend name) per part,
    and the legend layouts. Slide: map left, chart right with its legend above it."""
    w, h, pad = canvas.w, canvas.h, canvas.pad
    top, bottom = body
    inner = w - 2 * pad
    legend_font = {"size": canvas.px(18, 10), "color": colours["text"]}
    chart_fs = canvas.px(18, 11)
    chart = figures.get("chart")
    if kind == "slide":
        split = pad + round(0.56 * inner)
        map_x = (pad / w, split / w)
        heading = _chart_heading(chart)
        if heading:
            annotations.append(_text((split + pad) / w, top / h, [heading],
                                     canvas.px(21, 12), colours["text"], bold=True))
        chart_top = top - (round(1.4 * chart_fs) if heading else 0)
        left, below = _axis_room(chart, chart_fs)
        chart_x = ((split + pad + left) / w, (w - pad) / w)
        chart_y = ((bottom + below) / h, (chart_top - round(2.6 * legend_font["size"])) / h)
        # The map legend goes under the map in two columns, the context (zones, road,
        # control) and the incidents (categories, size, halo): on the map it hid the city.
        map_font = canvas.px(14, 9)
        rows = max(_legend_rows(figures["map"], incidents=False),
                   _legend_rows(figures["map"], incidents=True))
        legend_h = round(rows * 1.7 * map_font) + pad // 2
        map_y = ((bottom + legend_h) / h, top / h)
        parts = [("map", figures["map"].to_dict(), map_x, map_y, "legend"),
                 ("chart", chart.to_dict(), chart_x, chart_y, "legend2")]
        under = {"y": (bottom + legend_h - pad // 4) / h, "xanchor": "left", "yanchor": "top",
                 "tracegroupgap": round(0.4 * map_font),
                 "font": {**legend_font, "size": map_font},
                 "grouptitlefont": {**legend_font, "size": round(1.1 * map_font)}}
        legends = {"legend": {**under, "x": map_x[0]},
                   MAP_INCIDENT_LEGEND: {**under, "x": map_x[0] + 0.5 * (map_x[1] - map_x[0])},
                   "legend2": {"x": chart_x[0], "y": chart_top / h, "xanchor": "left",
                               "yanchor": "top", "orientation": "h", "font": legend_font}}
        return parts, legends
    role = "map" if kind == "map" else "chart"
    legend_w = _legend_width(figures[role], legend_font["size"], (180, round(0.35 * inner)))
    right = w - 2 * pad - legend_w  # a legend column on the right
    xs, ys = (pad / w, right / w), (bottom / h, top / h)
    if role == "chart":
        left, below = _axis_room(chart, chart_fs)
        xs, ys = ((pad + left) / w, right / w), ((bottom + below) / h, top / h)
    legends = {"legend": {"x": (right + pad) / w, "y": top / h, "xanchor": "left",
                          "yanchor": "top", "font": legend_font}}
    return [(role, figures[role].to_dict(), xs, ys, "legend")], legends


def compose_figure(kind: str, figures: dict[str, go.Figure], meta: ExportMeta,
                   spec: ExportSpec) -> go.Figure:
    """The figure to render for `kind` (map | casualties | daily | slide) at the spec's size.

    `figures` holds "map" and/or "chart" as the app builds them; they are copied, never
    changed. Fonts are sized from the canvas, so a smaller preset looks the same, smaller.
    """
    needed = {"map": ("map",), "slide": ("map", "chart")}.get(kind, ("chart",))
    if missing := [name for name in needed if figures.get(name) is None]:
        raise ValueError(f"a {kind} export needs the {' and '.join(missing)} figure")
    canvas = _Canvas(spec.width, spec.height)
    colours = surface(meta.theme)
    annotations, top, bottom = _bands(meta, canvas, colours)
    parts, legends = _slots(kind, figures, canvas, (top, bottom), colours, annotations)
    chart_fs = canvas.px(18, 11)
    layout: dict = {}
    data: list[dict] = []
    for role, fig, xs, ys, legend in parts:
        # Text inside the figures is sized for the screen; size it for this canvas.
        target = legends["legend"]["font"]["size"] if role == "map" else chart_fs
        fig = scale_figure(fig, target / _base_font(fig.get("layout", {})), fonts_only=True)
        _pin_colours(fig)
        for trace in fig.get("data", []):
            if legend != "legend":
                trace["legend"] = legend
            elif role == "map" and MAP_INCIDENT_LEGEND in legends and _incident_entry(trace):
                trace["legend"] = MAP_INCIDENT_LEGEND
            data.append(trace)
        source_layout = {k: v for k, v in fig.get("layout", {}).items()
                         if k not in _DROPPED_LAYOUT_KEYS}
        legend_title = (fig.get("layout", {}).get("legend", {}).get("title") or {}).get("text")
        if legend_title:
            legends[legend]["title"] = {"text": legend_title}
        for trace in fig.get("data", []):
            if not has_map({"data": [trace]}):  # cartesian: its axes must exist to be placed
                for axis in ("xaxis", "yaxis"):
                    source_layout.setdefault(axis + trace.get(axis, axis[0])[1:], {})
        for key, value in _place(source_layout, xs, ys).items():
            if key in ("annotations", "shapes", "images"):
                layout.setdefault(key, []).extend(value)
            else:
                layout[key] = value
    for role, _fig, xs, ys, _legend in parts:
        if role == "map":  # a hairline frame: a map background can match the page
            layout.setdefault("shapes", []).append(
                {"type": "rect", "xref": "paper", "yref": "paper", "x0": xs[0], "x1": xs[1],
                 "y0": ys[0], "y1": ys[1], "line": {"color": colours["grid"], "width": 1}})
    map_slot = next(((xs, ys) for role, _f, xs, ys, _l in parts if role == "map"), None)
    if figures.get("inset") is not None and map_slot is not None:
        _add_inset(figures["inset"], meta.inset_label, map_slot, canvas, colours, data, layout)
    layout.update(legends)
    layout.setdefault("annotations", []).extend(annotations)
    layout.update(width=spec.width, height=spec.height, autosize=False, showlegend=True,
                  margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
                  paper_bgcolor=colours["background"], plot_bgcolor=colours["background"],
                  font={**layout.get("font", {}), "size": chart_fs, "color": colours["text"]})
    # Map labels as SVG text: MapLibre's WebGL text is slow to render headless and a raster
    # in SVG/PDF (see labels.py). Labels it cannot place stay on the map.
    composed = labels_to_annotations({"data": data, "layout": layout})
    for trace in composed["data"]:
        _offset_safe(trace)
    return go.Figure(isolate_figure(composed) if meta.rtl else composed)


MAP_INCIDENT_LEGEND = "legend3"  # a slide's second map legend column: the incidents


def _incident_entry(trace: dict) -> bool:
    """Legend entries about incidents (categories, marker size, halo), as opposed to context."""
    return trace.get("legendgroup") in ("categories", "size") or trace.get("meta") == \
        "legend-halo"


def _legend_rows(fig: go.Figure, incidents: bool) -> int:
    """Rows (entries and group titles) of the map legend's incident or context column."""
    rows = 0
    titles: set = set()
    for trace in fig.to_dict()["data"]:
        if not trace.get("name") or trace.get("showlegend") is False or \
                _incident_entry(trace) != incidents:
            continue
        rows += 1
        title = (trace.get("legendgrouptitle") or {}).get("text")
        if title and title not in titles:
            titles.add(title)
            rows += 1
    return rows


def _add_inset(fig: go.Figure, label: str, slot: tuple, canvas: _Canvas, colours: dict,
               data: list, layout: dict) -> None:
    """A second map subplot in the lower start corner of the map's slot (a scene's far-away
    places, as the page's inset shows them), framed and titled with `label`."""
    (x0, x1), (y0, y1) = slot
    xs = (x0 + 0.015 * (x1 - x0), x0 + 0.36 * (x1 - x0))
    ys = (y0 + 0.025 * (y1 - y0), y0 + 0.40 * (y1 - y0))
    fig_dict = fig.to_dict()
    size = canvas.px(15, 9)
    fig_dict = scale_figure(fig_dict, size / _base_font(fig_dict.get("layout", {})),
                            fonts_only=True)
    _pin_colours(fig_dict)
    for trace in fig_dict.get("data", []):
        if has_map({"data": [trace]}):
            data.append({**trace, "subplot": "map2", "showlegend": False})
    subplot = {**fig_dict["layout"]["map"], "domain": {"x": list(xs), "y": list(ys)}}
    style = subplot.get("style")
    if isinstance(style, dict):  # the main map carries the attribution; once is enough
        sources = {name: {k: v for k, v in source.items() if k != "attribution"}
                   for name, source in (style.get("sources") or {}).items()}
        subplot["style"] = {**style, "sources": sources}
    layout["map2"] = subplot
    layout.setdefault("shapes", []).append(
        {"type": "rect", "xref": "paper", "yref": "paper", "x0": xs[0], "x1": xs[1],
         "y0": ys[0], "y1": ys[1], "line": {"color": colours["text"], "width": 2}})
    if label:
        layout.setdefault("annotations", []).append(
            _text(xs[0], ys[1], [label], size, colours["text"], anchor=("left", "bottom"),
                  bold=True) | {"bgcolor": colours["background"]})


def _legend_width(fig: go.Figure, font_px: float, bounds: tuple[int, int]) -> int:
    """Width (px) of a legend column that fits the longest entry (plotly never wraps them)."""
    names = [str(t.name) for t in fig.data if t.name and t.showlegend is not False]
    longest = max((len(re.sub(r"<[^>]*>", "", n)) for n in names), default=0)
    return int(min(max(longest * 0.55 * font_px + 3 * font_px, bounds[0]), bounds[1]))


def _axis_room(fig: go.Figure, font_px: float) -> tuple[float, float]:
    """Room (px) left of and below a chart's axes for tick labels and axis titles, which
    plotly draws outside the axis domain (automargin is off so the bands stay put)."""
    left, below = 3.2 * font_px, 1.9 * font_px
    if fig.layout.yaxis.title.text:
        left += 1.6 * font_px
    if fig.layout.xaxis.title.text:
        below += 1.7 * font_px
    return left, below


def _chart_heading(fig: go.Figure | None) -> str:
    """The chart's own title, if it has one (shown above the chart on a slide)."""
    if fig is None:
        return ""
    return re.sub(r"<[^>]*>", " ", str(fig.layout.title.text or "")).strip()


def _translucent(hex_colour: str, alpha: float = 0.85) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
