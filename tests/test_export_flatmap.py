"""Still maps drawn as SVG (dashboard/export/flatmap.py): same projection as MapLibre's, the
style's background, land and boundaries kept, and maps it cannot draw left to MapLibre."""

from __future__ import annotations

import copy

import pytest

from dashboard.export.flatmap import flatten_maps
from dashboard.export.labels import project

STYLE = {
    "version": 8,
    "sources": {"outlines": {"type": "geojson", "attribution": "Natural Earth", "data": {
        "type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"kind": "land"}, "geometry": {
                "type": "Polygon",
                "coordinates": [[[36.0, 35.0], [38.0, 35.0], [38.0, 37.0], [36.0, 35.0]]]}},
            {"type": "Feature", "properties": {"kind": "boundary"}, "geometry": {
                "type": "LineString", "coordinates": [[36.5, 36.0], [37.5, 36.5]]}}]}}},
    "layers": [
        {"id": "sea", "type": "background", "paint": {"background-color": "#d9e3e8"}},
        {"id": "land", "type": "fill", "source": "outlines",
         "filter": ["==", ["get", "kind"], "land"],
         "paint": {"fill-color": "#f4f3ef", "fill-outline-color": "#9aa6ad"}},
        {"id": "boundaries", "type": "line", "source": "outlines",
         "filter": ["==", ["get", "kind"], "boundary"],
         "paint": {"line-color": "#8c8c8c", "line-width": 1.5, "line-dasharray": [4, 2]}}],
}


def figure(style=STYLE) -> dict:
    return {
        "data": [
            {"type": "scattermap", "lat": [36.2, None, 36.3], "lon": [37.1, None, 37.2],
             "mode": "markers", "marker": {"color": ["#f00", "#0f0", "#00f"], "size": 12},
             "name": "Incidents", "meta": "incident-points"},
            {"type": "scattermap", "lat": [36.0, 36.1, 36.0], "lon": [37.0, 37.1, 37.0],
             "mode": "lines", "fill": "toself", "fillcolor": "rgba(0,0,0,0.2)",
             "line": {"color": "#009E73", "width": 1.5}, "name": "Zone"},
            {"type": "bar", "x": [1, 2], "y": [3, 4]},
        ],
        "layout": {"width": 1000, "height": 600,
                   "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                   "map": {"center": {"lat": 36.2, "lon": 37.15}, "zoom": 9,
                           "domain": {"x": [0.1, 0.6], "y": [0.2, 0.9]},
                           "style": copy.deepcopy(style)}},
    }


def test_points_land_where_maplibre_draws_them():
    flat = flatten_maps(figure())
    layout = flat["layout"]
    assert "map" not in layout
    points = next(t for t in flat["data"] if t.get("meta") == "incident-points")
    assert points["type"] == "scatter" and points["xaxis"] == "x90"
    size = (0.5 * 1000, 0.7 * 600)
    x, y = project(36.3, 37.2, (36.2, 37.15), 9, size)
    assert points["x"][2] == pytest.approx(x, abs=0.01) and points["y"][2] == pytest.approx(y,
                                                                                     abs=0.01)
    assert points["x"][1] is None  # a gap stays a gap
    assert points["marker"]["color"] == ["#f00", "#0f0", "#00f"]
    assert points["marker"]["size"] == 12
    # The hidden axes span the map's pixels, y down, in the map's place.
    assert layout["xaxis90"]["range"] == [0, 500] and layout["xaxis90"]["domain"] == [0.1, 0.6]
    assert layout["yaxis90"]["range"] == [420, 0] and not layout["yaxis90"]["visible"]
    zone = next(t for t in flat["data"] if t.get("name") == "Zone")
    assert zone["fill"] == "toself" and zone["line"] == {"color": "#009E73", "width": 1.5}
    assert any(t["type"] == "bar" for t in flat["data"])  # other subplots untouched


def test_style_background_land_boundaries_and_attribution_are_kept():
    flat = flatten_maps(figure(), scale=2)
    sea = flat["layout"]["shapes"][0]
    assert sea["fillcolor"] == "#d9e3e8" and sea["layer"] == "below"
    land, boundary = flat["data"][:2]  # the style first: under every trace
    assert land["fill"] == "toself" and land["fillcolor"] == "#f4f3ef"
    assert len(land["x"]) == 5  # 4 points and a gap
    assert boundary["line"]["dash"] == "6px,3px" and boundary["line"]["color"] == "#8c8c8c"
    note = flat["layout"]["annotations"][-1]
    assert note["text"] == "Natural Earth" and note["font"]["size"] == 24


@pytest.mark.parametrize("change", [
    lambda s: s["sources"].update(tiles={"type": "raster", "tiles": ["https://x/{z}/{x}/{y}"]}),
    lambda s: s["layers"].append({"id": "names", "type": "symbol", "source": "outlines"}),
    lambda s: s["layers"][1].update(filter=["in", "kind", "land", "sea"]),
])
def test_maps_it_cannot_draw_exactly_are_left_to_maplibre(change):
    style = copy.deepcopy(STYLE)
    change(style)
    fig = figure(style)
    assert flatten_maps(fig) is fig
    tilted = figure()
    tilted["layout"]["map"]["pitch"] = 30
    assert flatten_maps(tilted) is tilted
    charts = {"data": [{"type": "bar", "x": [1]}], "layout": {}}
    assert flatten_maps(charts) is charts
