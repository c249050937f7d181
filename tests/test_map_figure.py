"""The map figure: offline style, context layers by date, legend, incident traces, exports."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from dashboard.data.context import context_periods, day_context
from dashboard.data.model import CATEGORIES, Dataset
from dashboard.figures.map import (
    ROLE_CELLS,
    ROLE_HALOS,
    ROLE_OUTLINES,
    ROLE_POINTS,
    ROLE_SELECTED_HALO,
    make_map_figure,
)
from dashboard.figures.map_still import make_static_map_figure
from dashboard.figures.palette import (
    CATEGORY_COLOURS,
    MAP_SURFACES,
    contrast_ratio,
    map_style,
)
from dashboard.view import DEFAULT_LAYERS, View
from tests.test_timeline import frame

CRS = "EPSG:4326"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    zones = gpd.GeoDataFrame({
        "zone_id": ["truce_x"], "kind": ["truce"], "name_en": ["Test truce"],
        "name_fr": ["Trêve test"], "valid_from": ["2016-04-30T01:00+03:00"],
        "valid_to": ["2016-05-03T01:00+03:00"], "method": ["buffer 5 km (approximate)"],
        "source_ids": ["s1"], "approximate": [True],
    }, geometry=[Point(37.1, 36.2).buffer(0.05)], crs=CRS)
    routes = gpd.GeoDataFrame({
        "route_id": ["castello_road"], "name_en": ["Castello road"],
        "name_fr": ["route du Castello"], "approximate": [True], "source_ids": ["s1"],
    }, geometry=[LineString([(37.15, 36.24), (37.17, 36.25), (37.2, 36.26)])], crs=CRS)
    route_status = pd.DataFrame({
        "route_id": ["castello_road", "castello_road"], "date_from": ["2016-04-22", "2016-04-28"],
        "date_to": ["2016-04-27", None], "status": ["open", "under_fire"],
        "note_en": ["", "under fire"], "note_fr": ["", "sous le feu"], "source_ids": ["s1", "s1"],
    })
    places = gpd.GeoDataFrame({
        "place_id": ["sukkari", "aleppo"], "name_en": ["al-Sukkari", "Aleppo"],
        "name_fr": ["Soukkari", "Alep"], "kind": ["neighbourhood", "city"],
    }, geometry=[Point(37.15, 36.18), Point(37.16, 36.2)], crs=CRS)
    control = gpd.GeoDataFrame({
        "place_id": ["sukkari"], "control": ["rebel_held"], "as_of": ["2016-04-27"],
        "inferred": [False], "source_ids": ["s1"], "name_en": ["al-Sukkari"],
        "name_fr": ["Soukkari"],
    }, geometry=[Point(37.15, 36.18)], crs=CRS)
    sources = pd.DataFrame({"source_id": ["s1"], "publisher": ["AFP"]}).set_index("source_id")
    incidents = frame([{"start": 0, "killed": 5}, {"start": 5, "category": "hospital_strike"},
                       {"start": 16, "category": "shelling", "killed": 55}])
    return Dataset(incidents=incidents, casualty_reports=pd.DataFrame(), places=places,
                   zones=zones, routes=routes, route_status=route_status, control=control,
                   sources=sources, context_facts=pd.DataFrame())


def roles(fig) -> list[str]:
    return [t.meta for t in fig.data]


def trace(fig, role: str):
    return next(t for t in fig.data if t.meta == role)


def test_offline_style_has_one_source_and_no_glyphs():
    for theme in ("light", "dark"):
        style = map_style(theme, "none")
        assert "glyphs" not in style and "sprite" not in style
        assert len(style["sources"]) == 1
        assert style["layers"][0]["paint"]["background-color"] == MAP_SURFACES[theme]["background"]


@pytest.mark.parametrize("basemap", ["osm", "carto-light", "carto-dark"])
def test_tile_basemaps_are_raster_sources_with_attribution(basemap):
    style = map_style("light", basemap)
    assert "glyphs" not in style
    (source,) = style["sources"].values()
    assert source["type"] == "raster" and source["tiles"][0].startswith("https://")
    assert "OpenStreetMap" in source["attribution"]


def test_palette_is_distinct_and_readable():
    assert set(CATEGORY_COLOURS) == set(CATEGORIES)
    looks = {(c["fill"], c["ring"]) for c in CATEGORY_COLOURS.values()}
    assert len(looks) == len(CATEGORIES)  # hue + ring tells every category apart
    for surface in MAP_SURFACES.values():
        assert contrast_ratio(surface["text"], surface["background"]) >= 4.5
        assert contrast_ratio(surface["muted"], surface["background"]) >= 4.5


def test_base_figure_layout(dataset):
    fig = make_map_figure(dataset, View(date=dt.date(2016, 4, 25)))
    assert fig.layout.uirevision and fig.layout.map.uirevision == fig.layout.uirevision
    assert fig.layout.margin.l == fig.layout.margin.t == 0
    assert "glyphs" not in fig.layout.map.style
    assert fig.layout.map.zoom == View().map_view()[2]
    # Incident traces exist, empty, in drawing order with points on top.
    incident = [r for r in roles(fig) if r.startswith("incident-")]
    assert incident == [ROLE_CELLS, ROLE_HALOS, ROLE_SELECTED_HALO, ROLE_OUTLINES, ROLE_POINTS]
    assert len(trace(fig, ROLE_POINTS).lat) == 0
    assert "Aggregated" in trace(fig, ROLE_CELLS).name


def test_legend_has_every_category_size_and_halo(dataset):
    fig = make_map_figure(dataset, View(date=dt.date(2016, 4, 25)))
    legend = {t.meta: t for t in fig.data if str(t.meta).startswith("legend-")}
    for cat in CATEGORIES:
        entry = legend[f"legend-{cat}"]
        assert entry.showlegend is not False and list(entry.lat) == [None]
        assert entry.marker.color == CATEGORY_COLOURS[cat]["fill"]
    assert any("killed (best estimate)" in (t.legendgrouptitle.text or "") for t in legend.values())
    assert "location precision" in legend["legend-halo"].name


def test_zones_present_only_when_in_force(dataset):
    def zone_names(day):
        fig = make_map_figure(dataset, View(date=day))
        return [t.name for t in fig.data if str(t.meta).startswith("ctx-zones-") and t.name]

    assert zone_names(dt.date(2016, 4, 29)) == []
    assert zone_names(dt.date(2016, 4, 30)) == ["Truce area (approximate)"]  # from 01:00
    assert zone_names(dt.date(2016, 5, 3)) == ["Truce area (approximate)"]  # until 01:00
    assert zone_names(dt.date(2016, 5, 4)) == []
    label = trace(make_map_figure(dataset, View(date=dt.date(2016, 5, 1))), "ctx-zones-label-0")
    assert "approx" in label.text[0]


def test_route_says_approximate_and_status_with_source(dataset):
    early = trace(make_map_figure(dataset, View(date=dt.date(2016, 4, 25))), "ctx-routes-0")
    late = trace(make_map_figure(dataset, View(date=dt.date(2016, 5, 1))), "ctx-routes-0")
    assert "approximate" in early.name and "open" in early.name
    assert "approximate (estimated vertices)" in early.hovertext and "AFP" in early.hovertext
    assert "under fire" in late.hovertext and early.line.color != late.line.color


def test_control_says_as_reported(dataset):
    fig = make_map_figure(dataset, View(date=dt.date(2016, 4, 28)))
    control = trace(fig, "ctx-control-rebel_held")
    assert "as reported on 27 Apr 2016" in control.hovertext[0] and "AFP" in control.hovertext[0]
    assert list(control.text) == ["al-Sukkari"]
    places = trace(fig, "ctx-places")
    assert list(places.text) == ["Aleppo"]  # control places are labelled once, by control


def test_day_context_changes_only_with_context(dataset):
    sig = lambda day: day_context(dataset, day)  # noqa: E731
    assert sig(dt.date(2016, 4, 22)) == sig(dt.date(2016, 4, 23))
    assert sig(dt.date(2016, 4, 27)) != sig(dt.date(2016, 4, 28))  # route status changes
    assert sig(dt.date(2016, 4, 29)) != sig(dt.date(2016, 4, 30))  # truce comes into force


def test_static_figure_shows_the_slice_and_drops_switched_off_layers(dataset):
    v = View(date=dt.date(2016, 4, 27), layers=DEFAULT_LAYERS - {"routes"})
    fig = make_static_map_figure(dataset, v)
    points = trace(fig, ROLE_POINTS)
    assert sorted(points.customdata) == [0, 1]
    assert all(" · " in h for h in points.hovertext)
    assert not any(str(r).startswith("ctx-routes") for r in roles(fig))
    assert len(trace(fig, ROLE_HALOS).lat) > 0
    fr = make_static_map_figure(dataset, v, lang="fr")
    assert trace(fr, ROLE_POINTS).hovertext != points.hovertext


def test_context_periods_match_working_out_every_day():
    """The page draws one set of context layers per period (data.context.context_periods):
    every day of a period must have the context worked out for that day, and the shipped data
    must have more than one (contexts change on 7 of its 17 days)."""
    from dashboard.config import load_config
    from dashboard.runtime import build_runtime

    runtime = build_runtime(load_config({}))
    every_day = [day_context(runtime.dataset, day) for day in runtime.days]
    periods = context_periods(runtime.dataset, runtime.first_day, runtime.last_day)
    for lo, hi in periods:
        assert len(set(every_day[lo:hi + 1])) == 1
    assert len(set(every_day)) > 1
    assert sum(hi - lo + 1 for lo, hi in periods) == len(runtime.days)
