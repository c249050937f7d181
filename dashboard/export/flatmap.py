"""Maps as flat SVG for still images. Pure: figure dicts in, dicts out.

A still of the offline map has no raster: its style is the inline outlines (background, land
fill, boundary lines) and the traces are points, lines and filled areas. Drawing that through
MapLibre costs a fresh WebGL map per export, rendered in software in a headless Chromium (about
2 s of a 1920×1080 PNG's 2.4 s). `flatten_maps` projects the same geometry with MapLibre's own
Web Mercator (labels.project) onto a hidden cartesian subplot in the map's place, which plotly
draws as SVG: the same picture without WebGL, and vector in SVG and PDF.

A map it cannot draw exactly (tile or raster sources, symbol layers, rotated or tilted maps,
other map trace types) is left to MapLibre: the figure comes back unchanged.
"""

from __future__ import annotations

from dashboard.export.labels import _array, _plot_area, _subplot_view, project

_COPIED = ("name", "showlegend", "legendgroup", "legendgrouptitle", "legendrank", "legend",
           "opacity", "visible", "fill", "fillcolor", "hoverinfo", "meta", "customdata",
           "hovertext", "hovertemplate", "text", "textposition", "textfont", "uid")
_MARKER_KEYS = ("color", "size", "opacity", "colorscale", "cmin", "cmax", "showscale")
_STYLE_LAYERS = ("background", "fill", "line")
ATTRIBUTION_FONT_PX = 12.0  # as MapLibre's attribution in a plotly still


def _filter_matches(expr, properties: dict) -> bool | None:
    """A MapLibre filter on feature properties; None when the expression is not understood."""
    if expr is None:
        return True
    if isinstance(expr, list) and len(expr) == 3 and expr[0] in ("==", "!="):
        key = expr[1]
        if isinstance(key, list) and len(key) == 2 and key[0] == "get":
            key = key[1]
        if not isinstance(key, str):
            return None
        equal = properties.get(key) == expr[2]
        return equal if expr[0] == "==" else not equal
    return None


def _rings(geometry: dict, kinds: tuple[str, ...]) -> list[list] | None:
    """The coordinate rings/lines of a GeoJSON geometry of the given kinds (None: unknown)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind in ("Polygon", "MultiLineString") and kind in kinds:
        return list(coords)
    if kind == "MultiPolygon" and "Polygon" in kinds:
        return [ring for polygon in coords for ring in polygon]
    if kind == "LineString" and "LineString" in kinds:
        return [coords]
    if kind in ("Polygon", "MultiPolygon", "LineString", "MultiLineString", "Point",
                "MultiPoint"):
        return []
    return None


def _supported(subplot: dict) -> bool:
    style = subplot.get("style")
    if not isinstance(style, dict) or subplot.get("layers"):
        return False
    sources = style.get("sources") or {}
    if any(s.get("type") != "geojson" or not isinstance(s.get("data"), dict)
           for s in sources.values()):
        return False
    return all(layer.get("type") in _STYLE_LAYERS and "layout" not in layer
               for layer in style.get("layers") or [])


class _Projector:
    def __init__(self, view: dict, size: tuple[float, float]):
        self.view, self.size = view, size

    def xy(self, lats, lons) -> tuple[list, list]:
        xs, ys = [], []
        for lat, lon in zip(lats, lons, strict=False):
            if lat is None or lon is None or lat != lat or lon != lon:
                xs.append(None)
                ys.append(None)
                continue
            x, y = project(float(lat), float(lon), self.view["center"], self.view["zoom"],
                           self.size)
            xs.append(round(x, 2))
            ys.append(round(y, 2))
        return xs, ys


def _style_traces(style: dict, proj: _Projector, axes: dict) -> tuple[list, str | None] | None:
    """Traces for the style's fill and line layers, and its background colour."""
    background, traces = None, []
    sources = style.get("sources") or {}
    for layer in style.get("layers") or []:
        paint = layer.get("paint") or {}
        if layer.get("layout") or layer.get("minzoom") or layer.get("maxzoom"):
            return None
        if layer["type"] == "background":
            background = paint.get("background-color")
            continue
        data = sources.get(layer.get("source"), {}).get("data") or {}
        features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
        kinds = ("Polygon",) if layer["type"] == "fill" else ("LineString", "MultiLineString",
                                                              "Polygon")
        lats, lons = [], []
        for feature in features or []:
            match = _filter_matches(layer.get("filter"), feature.get("properties") or {})
            rings = _rings(feature.get("geometry") or {}, kinds)
            if match is None or rings is None:
                return None
            if not match:
                continue
            for ring in rings:
                lons += [p[0] for p in ring] + [None]
                lats += [p[1] for p in ring] + [None]
        xs, ys = proj.xy(lats, lons)
        base = {"type": "scatter", **axes, "x": xs, "y": ys, "hoverinfo": "skip",
                "showlegend": False, "mode": "lines"}
        if layer["type"] == "fill":
            outline = paint.get("fill-outline-color")
            traces.append({**base, "fill": "toself", "fillcolor": paint.get("fill-color"),
                           "opacity": paint.get("fill-opacity", 1),
                           "line": {"color": outline or "rgba(0,0,0,0)",
                                    "width": 1 if outline else 0}})
        else:
            width = float(paint.get("line-width", 1))
            dashes = paint.get("line-dasharray")
            line = {"color": paint.get("line-color", "#000"), "width": width}
            if dashes:
                line["dash"] = ",".join(f"{d * width:g}px" for d in dashes)
            traces.append({**base, "opacity": paint.get("line-opacity", 1), "line": line})
    return traces, background


def _trace(trace: dict, proj: _Projector, axes: dict) -> dict:
    lats, lons = _array(trace.get("lat")) or [], _array(trace.get("lon")) or []
    xs, ys = proj.xy(lats, lons)
    out = {"type": "scatter", **axes, "x": xs, "y": ys, "mode": trace.get("mode", "markers"),
           **{k: trace[k] for k in _COPIED if k in trace}}
    marker = trace.get("marker") or {}
    out["marker"] = {**{k: marker[k] for k in _MARKER_KEYS if k in marker},
                     "symbol": "circle", "line": {"width": 0}}
    line = trace.get("line") or {}
    out["line"] = {k: line[k] for k in ("color", "width") if k in line}
    return out


def flatten_maps(fig: dict, scale: float = 1.0) -> dict:
    """A copy of figure dict `fig` with every map subplot drawn as SVG (see the module
    docstring), or `fig` itself when a map cannot be drawn that way. `scale`: px per CSS px of
    the figure (the attribution's size)."""
    layout = dict(fig.get("layout") or {})
    data = list(fig.get("data") or [])
    kinds = {str(t.get("type", "scatter")) for t in data}
    if not any(k.endswith("map") or k.endswith("mapbox") for k in kinds):
        return fig
    if kinds & {"scattermapbox", "choroplethmap", "choroplethmapbox", "densitymap",
                "densitymapbox"}:
        return fig
    names = {t.get("subplot") or "map" for t in data if t.get("type") == "scattermap"}
    area = _plot_area(layout)
    converted: dict[str, tuple[dict, _Projector]] = {}
    used = {k for k in layout if k.startswith(("xaxis", "yaxis"))}
    below: list[dict] = []
    shapes = list(layout.get("shapes") or [])
    annotations = list(layout.get("annotations") or [])
    for i, name in enumerate(sorted(names), start=90):
        subplot = layout.get(name)
        view = _subplot_view(layout, name) if isinstance(subplot, dict) else None
        if view is None or not _supported(subplot) or f"xaxis{i}" in used:
            return fig
        (x0, x1), (y0, y1) = view["x"], view["y"]
        size = ((x1 - x0) * area[0], (y1 - y0) * area[1])
        proj = _Projector(view, size)
        axes = {"xaxis": f"x{i}", "yaxis": f"y{i}"}
        styled = _style_traces(subplot["style"], proj, axes)
        if styled is None:
            return fig
        traces, background = styled
        below += traces
        converted[name] = (axes, proj)
        hidden = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
        layout[f"xaxis{i}"] = {**hidden, "domain": [x0, x1], "range": [0, size[0]],
                               "anchor": f"y{i}"}
        layout[f"yaxis{i}"] = {**hidden, "domain": [y0, y1], "range": [size[1], 0],
                               "anchor": f"x{i}"}
        if background:
            shapes.insert(0, {"type": "rect", "xref": f"x{i} domain", "yref": f"y{i} domain",
                              "x0": 0, "x1": 1, "y0": 0, "y1": 1, "fillcolor": background,
                              "line": {"width": 0}, "layer": "below"})
        attributions = [s.get("attribution") for s in subplot["style"]["sources"].values()
                   if s.get("attribution")]
        if attributions:
            annotations.append({"text": " | ".join(dict.fromkeys(attributions)), "xref": "paper",
                                "yref": "paper", "x": x1, "y": y0, "xanchor": "right",
                                "yanchor": "bottom", "showarrow": False,
                                "bgcolor": "rgba(255,255,255,0.5)", "borderpad": 2 * scale,
                                "font": {"size": ATTRIBUTION_FONT_PX * scale,
                                         "color": "#000"}})
        del layout[name]
    out = []
    for trace in data:
        if trace.get("type") == "scattermap":
            axes, proj = converted[trace.get("subplot") or "map"]
            out.append(_trace(trace, proj, axes))
        else:
            out.append(trace)
    layout["shapes"] = shapes
    layout["annotations"] = annotations
    return {**fig, "data": below + out, "layout": layout}
