"""The offline map's outlines: loading (bad input reported, never raised), the style, the
figure in the page and in exports, and the route that serves them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
import shapely.geometry

from dashboard.data.load import load_dataset
from dashboard.data.outlines import OUTLINES_FILE, OUTLINES_PATH, load_outlines
from dashboard.figures.map import make_map_figure
from dashboard.figures.map_still import make_static_map_figure
from dashboard.figures.palette import MAP_SURFACES, OUTLINES_ATTRIBUTION, contrast_ratio, map_style
from dashboard.view import View
from tests.test_map_figure import dataset  # noqa: F401 - the fixture

LAND = {"type": "Feature", "properties": {"kind": "land"},
        "geometry": {"type": "Polygon",
                     "coordinates": [[[35, 32], [42, 32], [42, 37], [35, 37], [35, 32]]]}}
BOUNDARY = {"type": "Feature", "properties": {"kind": "boundary"},
            "geometry": {"type": "LineString", "coordinates": [[36, 33], [37, 34]]}}
LABEL = {"type": "Feature", "properties": {"kind": "label", "iso_a2": "SY"},
         "geometry": {"type": "Point", "coordinates": [38.5, 34.8]}}


def write(path, features) -> None:
    lines = ",\n".join(json.dumps(f) for f in features)
    path.write_text('{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n",
                    encoding="utf-8")


def test_valid_outlines_load_without_problems(tmp_path):
    write(tmp_path / OUTLINES_FILE, [LAND, BOUNDARY, LABEL])
    outlines, problems = load_outlines(tmp_path / OUTLINES_FILE)
    assert problems == [] and len(outlines["features"]) == 3


def test_bad_features_are_left_out_with_line_and_field(tmp_path):
    path = tmp_path / OUTLINES_FILE
    bad_kind = {**LAND, "properties": {"kind": "lake"}}
    off_earth = {**BOUNDARY, "geometry": {"type": "LineString",
                                          "coordinates": [[36, 33], [237, 34]]}}
    no_code = {**LABEL, "properties": {"kind": "label"}}
    wrong_type = {**LABEL, "geometry": BOUNDARY["geometry"]}
    write(path, [LAND, bad_kind, off_earth, no_code, wrong_type])
    outlines, problems = load_outlines(path, "outlines.geojson")
    assert outlines["features"] == [LAND]
    assert [(p.line, p.field) for p in problems] == [
        (3, "kind"), (4, "geometry"), (5, "iso_a2"), (6, "geometry")]
    assert all(p.severity == "warning" and "left out" in p.reason for p in problems)
    assert str(problems[1]).startswith("outlines.geojson:4: geometry: coordinates outside")


@pytest.mark.parametrize("content", ['{"type": "FeatureCollection", "feat', "[]", "",
                                     '{"type": "FeatureCollection", "features": [1, 2]}'])
def test_unusable_files_are_a_warning_not_an_error(tmp_path, content):
    path = tmp_path / OUTLINES_FILE
    path.write_text(content, encoding="utf-8")
    outlines, problems = load_outlines(path)
    assert outlines is None
    assert problems and all(p.severity == "warning" for p in problems)


def test_missing_file_is_fine_and_a_directory_is_reported(tmp_path):
    assert load_outlines(tmp_path / OUTLINES_FILE) == (None, [])
    (tmp_path / OUTLINES_FILE).mkdir()
    outlines, problems = load_outlines(tmp_path / OUTLINES_FILE)
    assert outlines is None and "directory" in problems[0].reason


def test_shipped_outlines_load_with_the_dataset():
    ds = load_dataset()
    kinds = [f["properties"]["kind"] for f in ds.outlines["features"]]
    assert kinds.count("land") == 1 and kinds.count("boundary") == 1
    codes = {f["properties"]["iso_a2"] for f in ds.outlines["features"]
             if f["properties"]["kind"] == "label"}
    assert {"SY", "TR", "IQ", "LB", "JO", "CH"} <= codes
    assert not [p for p in ds.problems if p.file == OUTLINES_FILE]


def test_outline_style_has_no_glyphs_and_names_countries_in_the_language():
    style = map_style("light", "none", "/geodata/outlines.geojson", {"SY": "Syrie"})
    assert "glyphs" not in style and "sprite" not in style
    assert style["sources"]["outlines"] == {"type": "geojson", "data": "/geodata/outlines.geojson",
                                            "attribution": OUTLINES_ATTRIBUTION}
    layers = {layer["id"]: layer for layer in style["layers"]}
    assert list(layers) == ["sea", "land", "boundaries", "countries"]
    assert layers["countries"]["layout"]["text-field"] == ["match", ["get", "iso_a2"],
                                                           "SY", "Syrie", ""]
    assert "countries" not in {la["id"] for la in map_style("dark", "none", {})["layers"]}


def test_country_names_and_boundaries_are_readable_in_both_themes():
    for surface in MAP_SURFACES.values():
        for ground in ("background", "sea"):
            assert contrast_ratio(surface["country_text"], surface[ground]) >= 4.5
        assert contrast_ratio(surface["boundary"], surface["background"]) >= 2.0


def with_outlines(ds):
    return dataclasses.replace(ds, outlines={"type": "FeatureCollection",
                                             "features": [LAND, BOUNDARY, LABEL]})


def test_page_figure_fetches_outlines_and_export_figure_carries_them(dataset):  # noqa: F811
    ds = with_outlines(dataset)
    view = View(date=dt.date(2016, 4, 30), preset="syria", lang="fr")
    page = make_map_figure(ds, view, lang="fr", compact_legend=True, outlines_url=OUTLINES_PATH)
    assert page.layout.map.style["sources"]["outlines"]["data"] == OUTLINES_PATH
    credit = page.layout.map.style["sources"]["outlines"]["attribution"]
    assert credit == "Natural Earth (frontières de fait, approximatives)"  # in the page's language
    assert "basemap-countries" not in {t.meta for t in page.data}
    assert "legend-boundaries" in {t.meta for t in page.data}  # to the page's HTML legend

    still = make_static_map_figure(ds, view, lang="fr")
    legend = next(t for t in still.data if t.meta == "legend-boundaries")
    assert "de fait" in legend.name and "Natural Earth" in legend.name
    assert still.layout.map.style["sources"]["outlines"]["data"]["features"][0] == LAND
    assert still.layout.map.style["sources"]["outlines"]["attribution"] == credit
    names = next(t for t in still.data if t.meta == "basemap-countries")
    assert names.text == ("SYRIE",) and names.mode == "text"
    assert "countries" not in {la["id"] for la in still.layout.map.style["layers"]}


def test_no_country_names_when_zoomed_into_a_city_nor_outlines_under_tiles(dataset):  # noqa: F811
    ds = with_outlines(dataset)
    city = make_static_map_figure(ds, View(date=dt.date(2016, 4, 30), preset="aleppo"))
    assert not {"basemap-countries", "legend-boundaries"} & {t.meta for t in city.data}
    tiles = make_map_figure(ds, View(basemap="osm"), outlines_url=OUTLINES_PATH)
    assert "outlines" not in tiles.layout.map.style["sources"]
    assert "legend-boundaries" not in [t.meta for t in tiles.data]


def test_route_serves_the_validated_outlines_with_a_validator():
    from dashboard.app_factory import create_app
    from dashboard.config import load_config

    client = create_app(load_config({})).server.test_client()
    first = client.get(OUTLINES_PATH)
    assert first.status_code == 200 and first.mimetype == "application/geo+json"
    assert json.loads(first.data)["features"][0]["properties"]["kind"] == "land"
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get(OUTLINES_PATH, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_still_images_inline_only_the_outlines_their_view_can_show():
    from dashboard.figures.map import clip_outlines

    outlines = {"type": "FeatureCollection", "features": [LAND, BOUNDARY, LABEL]}
    # Aleppo at zoom 12: 6,000 px either way (a 12,000 px image at most) is ~1.03°.
    city = clip_outlines(outlines, 36.2, 37.16, 12)
    kinds = [f["properties"]["kind"] for f in city["features"]]
    assert kinds == ["land", "label"]  # the boundary (36-37°E, 33-34°N) is out of reach
    west, south, east, north = shapely.geometry.shape(city["features"][0]["geometry"]).bounds
    assert west == pytest.approx(37.16 - 1.03, abs=0.01) and east < 38.2
    assert south == pytest.approx(36.2 - 1.03, abs=0.01) and north <= 37
    assert clip_outlines(outlines, 40, 22, 3.2) == outlines  # a wide view keeps everything
