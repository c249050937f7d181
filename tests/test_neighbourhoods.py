"""Aleppo's neighbourhood polygons: the shipped file, its validation, places inside their
polygons, control by day (reported, inferred) and the derived east-west line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from dashboard.config import DEFAULT_GEODATA
from dashboard.data.context import (
    MIN_AGREEING_NEIGHBOURS,
    context_periods,
    front_line,
    neighbourhood_control,
)
from dashboard.data.load import load_dataset
from dashboard.data.neighbourhoods import NEIGHBOURHOODS_FILE, load_neighbourhoods
from scripts.make_neighbourhoods import convert, slug

SHIPPED = DEFAULT_GEODATA / NEIGHBOURHOODS_FILE


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_shipped_file_has_the_city(dataset):
    nbhd = dataset.neighbourhoods
    assert len(nbhd) >= 100
    assert nbhd["nbhd_id"].is_unique
    assert nbhd["name_en"].str.len().gt(0).all()
    assert nbhd["name_ar"].fillna("").str.contains(r"[\u0600-\u06FF]").sum() >= 100
    assert nbhd.crs.to_epsg() == 4326
    assert nbhd.is_valid.all()
    assert not [p for p in dataset.problems
                if p.file == NEIGHBOURHOODS_FILE and p.severity == "error"]


def test_every_neighbourhood_place_lies_in_its_polygon(dataset):
    """places.csv names, per neighbourhood, the polygon it stands for (matched by name); its
    OCHA centre must fall inside that polygon. A located neighbourhood without a polygon must
    lie in none (so no match was forgotten)."""
    polygons = dataset.neighbourhoods.set_index("nbhd_id").geometry
    places = dataset.places[dataset.places["kind"] == "neighbourhood"]
    located = places[places["lat"].notna()]
    matched = located[located["neighbourhood_id"].notna()]
    assert len(matched) >= 25
    outside = [(r.place_id, r.neighbourhood_id) for r in matched.itertuples()
               if not polygons[r.neighbourhood_id].contains(Point(r.lon, r.lat))]
    assert outside == []
    for r in located[located["neighbourhood_id"].isna()].itertuples():
        assert not polygons.contains(Point(r.lon, r.lat)).any(), r.place_id


def _collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)},
                      ensure_ascii=False).replace('}, {"type": "Feature"', '},\n{"type": "Feature"')


def _feature(nbhd_id, geometry, name="X", name_ar="س"):
    return {"type": "Feature", "properties": {"nbhd_id": nbhd_id, "name_en": name,
                                              "name_ar": name_ar, "csr_id": 1,
                                              "source_id": "s"},
            "geometry": geometry}


SQUARE = shapely.geometry.mapping(box(37.10, 36.20, 37.11, 36.21))


def test_a_bad_feature_is_reported_with_its_line_and_left_out(tmp_path: Path):
    path = tmp_path / NEIGHBOURHOODS_FILE
    path.write_text(_collection(
        _feature("good", SQUARE),
        _feature("Bad Id", SQUARE),
        _feature("swapped", shapely.geometry.mapping(box(36.20, 37.10, 36.21, 37.11))),
        _feature("good", SQUARE),
        _feature("point", {"type": "Point", "coordinates": [37.1, 36.2]}),
    ), encoding="utf-8")
    frame, problems = load_neighbourhoods(path, NEIGHBOURHOODS_FILE)
    assert frame["nbhd_id"].tolist() == ["good"]
    found = {(p.line, p.field) for p in problems}
    assert found == {(2, "nbhd_id"), (3, "geometry"), (4, "nbhd_id"), (5, "geometry")}
    assert all(p.file == NEIGHBOURHOODS_FILE and "left out" in p.reason for p in problems)
    assert "swapped" in next(p.reason for p in problems if p.line == 3)


def test_an_unreadable_or_missing_file_loads_nothing_and_says_why(tmp_path: Path):
    frame, problems = load_neighbourhoods(tmp_path / "absent.geojson")
    assert len(frame) == 0 and problems == []
    broken = tmp_path / NEIGHBOURHOODS_FILE
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    frame, problems = load_neighbourhoods(broken, "n.geojson")
    assert len(frame) == 0 and problems and problems[0].file == "n.geojson"


def test_validate_cli_checks_the_file(tmp_path: Path):
    from dashboard.data.validate import main

    path = tmp_path / NEIGHBOURHOODS_FILE
    path.write_text(_collection(_feature("ok", SQUARE), _feature("x", None)), encoding="utf-8")
    assert main([str(path)]) == 1


def test_conversion_dissolves_parts_and_makes_unique_ids():
    square = shapely.geometry.mapping(shapely.MultiPolygon([box(37.1, 36.2, 37.11, 36.21)]))
    other = shapely.geometry.mapping(shapely.MultiPolygon([box(37.11, 36.2, 37.12, 36.21)]))
    data = {"features": [
        {"properties": {"Id": 5, "NAME": "ash-Shuhada’", "NAME_A": "الشهداء"}, "geometry": square},
        {"properties": {"Id": 5, "NAME": "ash-Shuhada’", "NAME_A": "الشهداء"}, "geometry": other},
        {"properties": {"Id": 6, "NAME": "ash-Shuhada", "NAME_A": ""}, "geometry": square},
    ]}
    out = convert(data)
    ids = [f["properties"]["nbhd_id"] for f in out["features"]]
    assert ids == ["ash_shuhada", "ash_shuhada_6"]
    first = shapely.geometry.shape(out["features"][0]["geometry"])
    assert first.area == pytest.approx(0.0002, rel=1e-3)  # two squares, one polygon
    assert convert(data) == out  # reproducible
    assert slug("al-‘Amiriyeh") == "al_amiriyeh"


def test_control_is_reported_on_inclusive_days_and_inferred_apart(dataset):
    day = dt.date(2016, 4, 27)
    control = neighbourhood_control(dataset, day).set_index("nbhd_id")
    # al-Sukkari: reported rebel-held (NBC/Reuters caption of 27 April) on that very day.
    assert control.loc["as_sukkari", ["control", "status", "as_of"]].tolist() == [
        "rebel_held", "reported", "2016-04-27"]
    # The row marked inferred in control.csv stays inferred.
    assert control.loc["al_belleramoon", "status"] == "inferred"
    inferred = control[control["status"] == "inferred"]
    assert len(inferred) >= 3
    for nbhd_id, row in inferred.iterrows():
        assert row["method"], nbhd_id
        assert row["source_ids"], nbhd_id
    # Never presented as reported: every reported row comes from a control.csv report.
    reported = control[control["status"] == "reported"]
    assert set(reported["place_id"]) <= set(dataset.control["place_id"])


def _grid_dataset(dataset, reports: dict[str, str]):
    """Three-by-one grid of polygons a|b|c, with control reports for some of them."""
    cells = {name: box(37.10 + 0.01 * i, 36.20, 37.11 + 0.01 * i, 36.21)
             for i, name in enumerate(["a", "b", "c", "d"])}
    nbhd = gpd.GeoDataFrame({"nbhd_id": list(cells), "name_en": list(cells),
                             "name_ar": list(cells), "csr_id": [1, 2, 3, 4],
                             "source_id": ["s"] * 4}, geometry=list(cells.values()),
                            crs="EPSG:4326")
    places = pd.DataFrame({"place_id": [f"p_{n}" for n in cells], "neighbourhood_id": list(cells)})
    control = pd.DataFrame({"place_id": [f"p_{n}" for n in reports],
                            "control": list(reports.values()),
                            "as_of": ["2016-04-25"] * len(reports),
                            "inferred": [False] * len(reports),
                            "source_ids": ["src"] * len(reports),
                            "note_en": [""] * len(reports), "note_fr": [""] * len(reports)})
    return dataclasses.replace(dataset, neighbourhoods=nbhd, places=places, control=control)


def test_inference_needs_agreeing_neighbours(dataset):
    assert MIN_AGREEING_NEIGHBOURS == 2
    # b sits between a and c, both rebel-held: inferred rebel-held. d has one neighbour: none.
    grid = _grid_dataset(dataset, {"a": "rebel_held", "c": "rebel_held"})
    control = neighbourhood_control(grid, dt.date(2016, 4, 25)).set_index("nbhd_id")
    assert control.loc["b", ["control", "status"]].tolist() == ["rebel_held", "inferred"]
    assert "d" not in control.index
    # Between two sides: left unfilled. Kurdish-held never spreads.
    split = _grid_dataset(dataset, {"a": "rebel_held", "c": "government_held"})
    assert "b" not in set(neighbourhood_control(split, dt.date(2016, 4, 25))["nbhd_id"])
    kurdish = _grid_dataset(dataset, {"a": "kurdish_held", "c": "kurdish_held"})
    assert "b" not in set(neighbourhood_control(kurdish, dt.date(2016, 4, 25))["nbhd_id"])


def test_front_line_where_the_sides_meet(dataset):
    grid = _grid_dataset(dataset, {"a": "rebel_held", "b": "government_held"})
    line = front_line(neighbourhood_control(grid, dt.date(2016, 4, 25)))
    assert line["inferred"] is None
    seam = line["reported"]
    assert seam is not None and seam.length == pytest.approx(0.01, abs=0.002)
    assert seam.distance(Point(37.11, 36.205)) < 1e-6  # on the shared edge a|b
    shipped = front_line(neighbourhood_control(dataset, dt.date(2016, 4, 27)))
    assert shipped["reported"] is not None and shipped["reported"].length > 0


def test_context_periods_cover_the_timeline(dataset):
    periods = context_periods(dataset, dt.date(2016, 4, 22), dt.date(2016, 5, 8))
    assert periods[0][0] == 0 and periods[-1][1] == 16
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        assert start == end + 1
