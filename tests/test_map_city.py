"""The city on the map as figures: fabric, control areas, the derived line, and every day's
context in one page style (MapLibre global state), versus one day in still images."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from dashboard.data.context import context_periods, zones_in_force
from dashboard.data.load import load_dataset
from dashboard.figures.map import make_map_figure
from dashboard.figures.map_city import CITY_ZOOM, DAY_STATE, day_switch
from dashboard.figures.map_legend import split_legend
from dashboard.figures.map_still import make_static_map_figure
from dashboard.timeline import build_timeline_payload
from dashboard.view import View


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def payload(dataset):
    return build_timeline_payload(dataset.incidents, dt.date(2016, 4, 22), dt.date(2016, 5, 8))


def _page(dataset, payload, view=View()):
    fig = make_map_figure(dataset, view, payload, "en", compact_legend=True,
                          outlines_url="/outlines", context_in_style=True, nbhd_url="/nbhd")
    return fig.to_plotly_json()


def _layers(style, prefix):
    return [layer for layer in style["layers"] if layer["id"].startswith(prefix)]


def test_page_style_fetches_the_polygons_once_and_draws_the_fabric(dataset, payload):
    style = _page(dataset, payload)["layout"]["map"]["style"]
    assert style["sources"]["nbhd"] == {"type": "geojson", "data": "/nbhd"}
    ids = [layer["id"] for layer in style["layers"]]
    assert {"city-fill", "nbhd-fill", "nbhd-line", "nbhd-label"} <= set(ids)
    city = next(layer for layer in style["layers"] if layer["id"] == "city-fill")
    nbhd = next(layer for layer in style["layers"] if layer["id"] == "nbhd-fill")
    # Regional views: the city as one shape; city zoom: its neighbourhoods.
    assert city["maxzoom"] == nbhd["minzoom"] == CITY_ZOOM
    assert "glyphs" not in style and "sprite" not in style  # offline


def test_page_style_holds_every_days_context_chosen_by_global_state(dataset, payload):
    view = View(date=dt.date(2016, 4, 29))
    figure = _page(dataset, payload, view)
    style = figure["layout"]["map"]["style"]
    assert style["state"] == {DAY_STATE: {"default": 7}}
    # The style is the same whichever day the page opened on: only the default day differs.
    other = _page(dataset, payload, View(date=dt.date(2016, 5, 3)))["layout"]["map"]["style"]
    assert {**other, "state": None} == {**style, "state": None}
    # Zones in force on 30 April (a truce) but not on the 29th: drawn, visible on their days.
    zone_fills = [layer for layer in _layers(style, "ctx-zones-") if layer["type"] == "fill"]
    assert zone_fills
    first = dt.date(2016, 4, 22)
    for lo, _hi in context_periods(dataset, first, dt.date(2016, 5, 8)):
        zones = zones_in_force(dataset, first + dt.timedelta(days=lo))
        # Two records with the same area and kind (the Aleppo truce and its extension) are
        # one fill: drawn once, not twice as dark.
        in_force = len({(z.geometry.wkb, z.kind) for z in zones.itertuples()})
        visible = [layer for layer in zone_fills
                   if _visible_on(layer, lo)]
        assert len(visible) == in_force, (lo, in_force, len(visible))


_OPACITY = {"fill": "fill-opacity", "line": "line-opacity", "circle": "circle-opacity",
            "symbol": "text-opacity"}


def _visible_on(layer: dict, day: int) -> bool:
    """Whether a page layer is shown on day index `day` (its day switch read back)."""
    opacity = layer.get("paint", {}).get(_OPACITY[layer["type"]])
    if not (isinstance(opacity, list) and opacity[:1] == ["case"]):
        return True
    _, (_, *ranges), _shown, hidden = opacity  # ["case", ["any", ...], opacity, 0]
    assert hidden == 0
    return any(lo[2] <= day <= hi[2] for _, lo, hi in ranges)


def test_page_context_worked_out_once_is_never_shared(dataset, payload):
    """The page's every-day context is cached per data, language, theme and mode (map.py):
    a figure changed after it is made must not change the next page's."""
    first = make_map_figure(dataset, View(), payload, "en", compact_legend=True,
                            outlines_url="/outlines", context_in_style=True, nbhd_url="/nbhd")
    expected = first.to_plotly_json()["layout"]["map"]["style"]
    first.layout.map.style["layers"][-1]["paint"] = {"changed": True}
    first.layout.map.style["sources"].clear()
    again = _page(dataset, payload)["layout"]["map"]["style"]
    assert json.dumps(again, sort_keys=True) == json.dumps(expected, sort_keys=True)
    # Another language is worked out on its own.
    arabic = make_map_figure(dataset, View(lang="ar"), payload, "ar", compact_legend=True,
                             outlines_url="/outlines", context_in_style=True, nbhd_url="/nbhd")
    assert arabic.to_plotly_json()["layout"]["map"]["style"] != again


def test_day_switch_picks_the_opacity_never_the_layout():
    """The day shows a layer by its opacity: a global state read by a layout property, a
    filter or the visibility makes MapLibre re-tile the layer's source on every change."""
    fill = {"id": "f", "type": "fill", "source": "s", "paint": {"fill-opacity": 0.5}}
    assert day_switch(fill, None) is fill
    switched = day_switch(fill, [(0, 3), (8, 8)])
    assert "layout" not in switched and "filter" not in switched
    assert switched["paint"]["fill-opacity"][0] == "case"
    assert switched["paint"]["fill-opacity"][2:] == [0.5, 0]
    assert _visible_on(switched, 8) and _visible_on(switched, 0) and _visible_on(switched, 3)
    assert not _visible_on(switched, 5) and not _visible_on(switched, 9)
    line = day_switch({"id": "l", "type": "line", "source": "s"}, [(2, 2)])
    assert line["paint"]["line-opacity"][2:] == [1, 0]
    # A day-bound label collides like any other (the page skips those of other days), and
    # may move around its point, its own anchor first.
    label = day_switch({"id": "t", "type": "symbol", "source": "s",
                        "layout": {"text-field": "x", "text-anchor": "bottom"}}, [(1, 4)])
    assert "text-allow-overlap" not in label["layout"] and "text-anchor" not in label["layout"]
    assert label["layout"]["text-variable-anchor"] == ["bottom", "top", "left", "right",
                                                       "center"]
    assert "icon-opacity" not in label["paint"] and _visible_on(label, 4)


def test_no_page_layer_reads_the_day_in_its_layout_or_filter(dataset, payload):
    style = _page(dataset, payload)["layout"]["map"]["style"]
    switched = [layer for layer in style["layers"] if "global-state" in json.dumps(layer)]
    assert len(switched) > 20  # every period's zones, road, control and line
    for layer in switched:
        assert "global-state" not in json.dumps({k: v for k, v in layer.items() if k != "paint"})
    assert style["transition"] == {"duration": 0, "delay": 0}


def test_control_areas_are_reported_or_inferred_and_say_so(dataset, payload):
    figure = _page(dataset, payload)
    style = figure["layout"]["map"]["style"]
    reported = _layers(style, "ctx-control-reported-")
    inferred = _layers(style, "ctx-control-inferred-")
    assert reported and inferred
    edge = next(layer for layer in inferred if layer["type"] == "line")
    assert edge["paint"]["line-dasharray"]  # inferred: a dashed edge
    fill = next(layer for layer in inferred if layer["type"] == "fill")
    assert fill["paint"]["fill-opacity"] < reported[0]["paint"]["fill-opacity"]
    reported_ids = set(reported[0]["filter"][2][1])
    assert "as_sukkari" in reported_ids and "al_belleramoon" not in reported_ids
    _, legend = split_legend(figure)
    labels = [item["label"] for item in legend]
    assert "Rebel-held (as reported)" in labels
    assert any(label.startswith("inferred, not reported") for label in labels)
    assert any("derived from reported control" in label for label in labels)


def test_still_image_draws_one_day_inline_with_names(dataset):
    fig = make_static_map_figure(dataset, View(date=dt.date(2016, 4, 27))).to_plotly_json()
    style = fig["layout"]["map"]["style"]
    assert style["sources"]["nbhd"]["data"]["type"] == "FeatureCollection"
    assert "state" not in style
    assert all("visibility" not in layer.get("layout", {}) for layer in style["layers"])
    names = next(t for t in fig["data"] if t.get("meta") == "ctx-control-names")
    assert "al-Sukkari" in names["text"]  # the gazetteer's name, as the incidents say it
    line = style["sources"]["ctx-control-line-reported"]["data"]["features"]
    assert {f["properties"]["kind"] for f in line} == {"reported"}
    # Plain style terms only (no filters, zoom ranges, expressions or symbols), so the still's
    # map can be drawn as SVG (export/flatmap.py) instead of a software-WebGL map.
    from dashboard.export.flatmap import _supported

    assert _supported(fig["layout"]["map"])


def test_switching_control_off_drops_the_areas_in_stills(dataset):
    view = View(date=dt.date(2016, 4, 27))
    off = dataclasses.replace(view, layers=view.layers - {"control"})
    style = make_static_map_figure(dataset, off).to_plotly_json()["layout"]["map"]["style"]
    assert not _layers(style, "ctx-control-")
    assert _layers(style, "nbhd-")  # the fabric stays


def test_no_neighbourhood_file_falls_back_to_rings(dataset, payload):
    bare = dataclasses.replace(dataset, neighbourhoods=None)
    figure = make_map_figure(bare, View(date=dt.date(2016, 4, 27)), payload).to_plotly_json()
    assert "nbhd" not in figure["layout"]["map"]["style"]["sources"]
    assert any(str(t.get("meta", "")).startswith("ctx-control-rebel_held")
               for t in figure["data"])
    json.dumps(figure)  # serialisable as the page needs it
