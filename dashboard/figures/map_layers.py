"""Context traces as MapLibre style layers, for the page's map. Pure: dicts in, dicts out.

Why: plotly.js 4.1.1 hands every Scattermap trace's data to MapLibre again on every update
(`setData` per trace, whether it changed or not), and each source comes back from MapLibre's
workers in its own frame. With the curated data's ~20 context traces (zones, route, control,
place names) that was ~300 ms of every timeline step, measured in headless Chromium. Drawn as
layers of the map's style, they cost nothing per step: plotly compares the style as JSON and
leaves MapLibre alone while it is unchanged (the base figure changes only when the context
does: a new day's zones, a switched layer).

`context_style(traces)` draws each context trace as plotly would (fills, lines, circles, text
with plotly's anchors and offsets) and returns small stand-in traces that keep what only a
trace can do: its legend entry (one empty point) and its hover text (one invisible point per
vertex, one trace per context layer). Every style layer id starts with the trace's role
("ctx-<layer>-…"), so the browser can leave out a switched-off layer by its prefix, as it does
for traces. Still images keep the traces (dashboard/export/labels.py turns their text into SVG).
"""

from __future__ import annotations

import json
import re

_ROLE = re.compile(r"^ctx-([a-z_]+)")


def _parts(lat: list, lon: list) -> list[list[list[float]]]:
    """[[lon, lat], ...] runs of a trace's coordinates, split at None gaps."""
    runs: list[list[list[float]]] = [[]]
    for y, x in zip(lat, lon, strict=True):
        if y is None or x is None:
            runs.append([])
        else:
            runs[-1].append([float(x), float(y)])
    return [run for run in runs if run]


def _feature(geometry_type: str, coordinates, properties: dict | None = None) -> dict:
    return {"type": "Feature", "properties": properties or {},
            "geometry": {"type": geometry_type, "coordinates": coordinates}}


def _per_point(value, index: int):
    return value[index] if isinstance(value, list | tuple) else value


def text_anchor(textposition: str | None, marker_size: float) -> tuple[str, list[float]]:
    """MapLibre text-anchor and text-offset (ems) of a plotly text position, as plotly.js's
    convertTextOpts computes them (the offset grows with the marker size)."""
    vertical, horizontal = (str(textposition or "middle center").split() + ["center"])[:2]
    across, up = 0.5 + marker_size / 100, 1.5 + marker_size / 100
    anchor, offset = ["", ""], [0.0, 0.0]
    if vertical == "top":
        anchor[0], offset[1] = "top", -up
    elif vertical == "bottom":
        anchor[0], offset[1] = "bottom", up
    if horizontal == "left":
        anchor[1], offset[0] = "right", -across
    elif horizontal == "right":
        anchor[1], offset[0] = "left", across
    return "-".join(a for a in anchor if a) or "center", offset


def _trace_layers(trace: dict) -> tuple[dict, list[dict]]:
    """(GeoJSON FeatureCollection, style layers) drawing one trace."""
    role = trace["meta"]
    mode = str(trace.get("mode") or "")
    lat, lon = list(trace.get("lat") or []), list(trace.get("lon") or [])
    features: list[dict] = []
    layers: list[dict] = []
    line = trace.get("line") or {}
    if trace.get("fill") == "toself" or "lines" in mode:
        kind = "Polygon" if trace.get("fill") == "toself" else "LineString"
        for run in _parts(lat, lon):
            coords = [[*run, run[0]]] if kind == "Polygon" else run
            features.append(_feature(kind, coords, {"part": "shape"}))
        shape = ["==", ["get", "part"], "shape"]
        if kind == "Polygon":
            layers.append({"id": f"{role}-fill", "type": "fill", "filter": shape,
                           "paint": {"fill-color": trace.get("fillcolor", "rgba(0,0,0,0.2)")}})
        if "lines" in mode:
            layers.append({"id": f"{role}-line", "type": "line", "filter": shape,
                           "layout": {"line-join": "round"},
                           "paint": {"line-color": line.get("color", "#444"),
                                     "line-width": line.get("width", 2)}})
    points = [(i, y, x) for i, (y, x) in enumerate(zip(lat, lon, strict=True))
              if y is not None and x is not None]
    marker = trace.get("marker") or {}
    size = marker.get("size", 6)
    if "markers" in mode or "text" in mode:
        for i, y, x in points:
            props = {"part": "point", "colour": _per_point(marker.get("color", "#444"), i),
                     "radius": float(_per_point(size, i)) / 2}
            if "text" in mode:
                props["text"] = str(_per_point(trace.get("text") or "", i))
            features.append(_feature("Point", [float(x), float(y)], props))
    point = ["==", ["get", "part"], "point"]
    if "markers" in mode:
        layers.append({"id": f"{role}-circle", "type": "circle", "filter": point,
                       "paint": {"circle-color": ["get", "colour"],
                                 "circle-radius": ["get", "radius"],
                                 "circle-opacity": marker.get("opacity", 1)}})
    if "text" in mode:
        font = trace.get("textfont") or {}
        mean_size = sum(size) / len(size) if isinstance(size, list | tuple) and size else size
        anchor, offset = text_anchor(trace.get("textposition"),
                                     float(mean_size) if "markers" in mode else 0.0)
        layers.append({"id": f"{role}-text", "type": "symbol", "filter": point,
                       "layout": {"text-field": ["get", "text"],
                                  "text-size": font.get("size", 12),
                                  "text-anchor": anchor, "text-offset": offset},
                       "paint": {"text-color": font.get("color", "#444")}})
    return {"type": "FeatureCollection", "features": features}, layers


def _legend_stand_in(trace: dict) -> dict | None:
    if trace.get("showlegend") is False or not trace.get("name"):
        return None
    mode = str(trace.get("mode") or "")
    stand_in = {"type": "scattermap", "meta": f"{trace['meta']}-legend", "lat": [None],
                "lon": [None], "name": trace["name"], "hoverinfo": "skip",
                "mode": "lines" if ("lines" in mode or trace.get("fill")) else "markers"}
    for key in ("legendgroup", "legendgrouptitle", "line", "fill", "fillcolor"):
        if key in trace:
            stand_in[key] = trace[key]
    if "markers" in mode:
        stand_in["marker"] = trace.get("marker", {})
    return stand_in


HOVER_POINTS_PER_LINE = 8  # a zone's ring has ~33 vertices, each carrying the whole text


def _hover_points(trace: dict) -> list[int]:
    """Indices of the trace's points that answer hover: every point of markers and labels;
    up to HOVER_POINTS_PER_LINE spread along each line or ring (its label answers too)."""
    lat, lon = trace.get("lat") or [], trace.get("lon") or []
    runs: list[list[int]] = [[]]
    for i, (y, x) in enumerate(zip(lat, lon, strict=True)):
        if y is None or x is None:
            runs.append([])
        else:
            runs[-1].append(i)
    if "lines" not in str(trace.get("mode") or "") and trace.get("fill") != "toself":
        return [i for run in runs for i in run]
    return [i for run in runs for i in run[::max(1, -(-len(run) // HOVER_POINTS_PER_LINE))]]


def _hover_stand_ins(traces: list[dict]) -> list[dict]:
    """One invisible marker trace per context layer, with the points that answer hover."""
    by_layer: dict[str, dict] = {}
    for trace in traces:
        text = trace.get("hovertext")
        if trace.get("hoverinfo") == "skip" or not text:
            continue
        layer = _ROLE.match(trace["meta"]).group(1)
        stand_in = by_layer.setdefault(layer, {
            "type": "scattermap", "meta": f"ctx-{layer}-hover", "mode": "markers",
            "lat": [], "lon": [], "hovertext": [], "hoverinfo": "text", "showlegend": False,
            "marker": {"size": 12, "opacity": 0}})
        for i in _hover_points(trace):
            stand_in["lat"].append(trace["lat"][i])
            stand_in["lon"].append(trace["lon"][i])
            stand_in["hovertext"].append(_per_point(text, i))
    return list(by_layer.values())


def context_style(traces: list[dict]) -> tuple[dict[str, dict], list[dict], list[dict]]:
    """(sources, layers, stand-in traces) for context traces (roles "ctx-<layer>…")."""
    sources: dict[str, dict] = {}
    layers: list[dict] = []
    stand_ins: list[dict] = []
    for trace in traces:
        role = trace["meta"]
        data, trace_layers = _trace_layers(trace)
        if not trace_layers:
            continue
        sources[role] = {"type": "geojson", "data": data}
        layers += [{**layer, "source": role} for layer in trace_layers]
        legend = _legend_stand_in(trace)
        if legend is not None:
            stand_ins.append(legend)
    return sources, layers, stand_ins + _hover_stand_ins(traces)


def _ranges_text(ranges: list[tuple[int, int]]) -> str:
    return ",".join(f"{lo}-{hi}" for lo, hi in ranges)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def periodic_context_style(periods: list[tuple[list[tuple[int, int]], list[dict]]],
                           n_days: int) -> tuple[dict, list[dict], list[dict], dict]:
    """Every period's context at once, for the page: (sources, layers, stand-in traces,
    hover days). `periods` pairs the inclusive day-index ranges of a period with its context
    traces; the timeline has `n_days` days.

    Why: a step to a day with other zones or another road status used to ask the server for a
    new base map and made MapLibre reset its style (~480 ms). Now each period's layers are in
    the style from the start, identical ones shared across periods, and each shows only on its
    days through MapLibre's global state (map_city.day_switch): the browser sets the day,
    nothing else changes. A legend entry's meta ends "|days=lo-hi,…" (figures/map_legend.py
    gives it to the HTML legend); hover stand-ins keep every period's points, and `hover days`
    maps each stand-in's role to its points' day ranges, so the browser keeps the day's."""
    from dashboard.figures.map_city import day_switch

    sources: dict[str, dict] = {}
    source_ids: dict[str, str] = {}
    layers: dict[str, dict] = {}  # content key -> layer (with "_ranges", "_rank")
    legend: dict[str, dict] = {}
    hover: dict[str, dict] = {}
    hover_days: dict[str, list] = {}
    for k, (ranges, traces) in enumerate(periods):
        period_sources, period_layers, stand_ins = context_style(traces)
        renamed: dict[str, str] = {}
        for sid, source in period_sources.items():
            key = json.dumps(source, sort_keys=True)
            if key not in source_ids:
                source_ids[key] = sid if sid not in sources else f"{sid}-p{k}"
                sources[source_ids[key]] = source
            renamed[sid] = source_ids[key]
        for rank, layer in enumerate(period_layers):
            layer = {**layer, "source": renamed[layer["source"]]}
            key = json.dumps({x: v for x, v in layer.items() if x != "id"}, sort_keys=True)
            if key not in layers:
                taken = {entry["id"] for entry in layers.values()}
                layer_id = layer["id"] if layer["id"] not in taken else f"{layer['id']}-p{k}"
                layers[key] = {**layer, "id": layer_id, "_ranges": [], "_rank": (rank, k)}
            layers[key]["_ranges"] += ranges
        for trace in stand_ins:
            if trace["meta"].endswith("-hover"):
                merged = hover.setdefault(trace["meta"], {**trace, "lat": [], "lon": [],
                                                          "hovertext": []})
                for key in ("lat", "lon", "hovertext"):
                    merged[key] = merged[key] + list(trace[key])
                hover_days.setdefault(trace["meta"], []).extend(
                    [ranges] * len(trace["lat"]))
            else:
                key = json.dumps({x: v for x, v in trace.items() if x != "meta"}, sort_keys=True)
                legend.setdefault(key, {**trace, "_ranges": []})["_ranges"] += ranges
    every_day = [(0, n_days - 1)]
    out_layers = []
    for layer in sorted(layers.values(), key=lambda entry: entry["_rank"]):
        ranges = _merged(layer.pop("_ranges"))
        layer.pop("_rank")
        out_layers.append(day_switch(layer, None if ranges == every_day else ranges))
    legend_traces = []
    for trace in legend.values():
        ranges = _merged(trace.pop("_ranges"))
        if ranges != every_day:
            trace["meta"] = f"{trace['meta']}|days={_ranges_text(ranges)}"
        legend_traces.append(trace)
    days = {role: [_ranges_text(_merged(r)) for r in per_point]
            for role, per_point in hover_days.items()}
    return sources, out_layers, legend_traces + list(hover.values()), days
