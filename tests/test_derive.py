"""derive_zones: buffered convex hulls of sourced points, reproducible; the CLI writes them."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from dashboard.config import DEFAULT_GEODATA
from dashboard.data import derive
from dashboard.data.load import load_dataset, load_tables
from dashboard.data.model import CRS
from tests.test_load import write_geodata

PLACES = pd.DataFrame({
    "place_id": ["a", "b", "c", "nowhere"],
    "lat": [36.19070, 36.17548, 36.21954, None],
    "lon": [37.14327, 37.14203, 37.18978, None],
})


def zones(**columns) -> pd.DataFrame:
    base = {"zone_id": ["Z"], "kind": ["truce"], "member_place_ids": ["a"], "buffer_km": [2.0]}
    return pd.DataFrame({**base, **columns})


def metric(geometry) -> shapely.Geometry:
    return gpd.GeoSeries([geometry], crs=CRS).to_crs(derive.METRIC_CRS).iloc[0]


def test_single_point_becomes_a_disc_of_buffer_radius():
    result = derive.derive_zones(zones(buffer_km=[3.0]), PLACES)
    area = metric(result.geometry.iloc[0])
    centre = metric(shapely.Point(37.14327, 36.19070))
    assert area.geom_type == "Polygon"
    assert area.contains(centre)
    assert area.area == pytest.approx(math.pi * 3000**2, rel=0.03)
    assert area.exterior.distance(centre) == pytest.approx(3000, rel=0.01)


def test_hull_contains_every_member_with_the_buffer_around_it():
    result = derive.derive_zones(zones(member_place_ids=["a;b;c;nowhere"]), PLACES)
    area = metric(result.geometry.iloc[0])
    for lon, lat in [(37.14327, 36.19070), (37.14203, 36.17548), (37.18978, 36.21954)]:
        point = metric(shapely.Point(lon, lat))
        assert area.contains(point) and area.exterior.distance(point) > 1900


def test_properties_crs_rounding_and_orientation():
    frame = zones(member_place_ids=["a;b"], name_en=["East"])
    result = derive.derive_zones(frame, PLACES)
    assert result.crs == CRS
    assert list(result.columns) == [*frame.columns, "approximate", "geometry"]
    assert result["approximate"].tolist() == [True]
    coordinates = shapely.get_coordinates(result.geometry.iloc[0])
    assert (coordinates.round(5) == coordinates).all()
    assert result.geometry.iloc[0].exterior.is_ccw  # RFC 7946
    assert result.geometry.iloc[0].is_valid


def test_zone_without_located_members_raises():
    with pytest.raises(ValueError, match="'Z'"):
        derive.derive_zones(zones(member_place_ids=["nowhere"]), PLACES)


def test_text_is_stable_json_with_final_newline(tmp_path):
    folder = write_geodata(tmp_path / "g")
    tables = load_tables(folder)
    first = derive.zones_geojson_text(
        derive.derive_zones(tables["zones.csv"].frame, tables["places.csv"].frame))
    second = derive.zones_geojson_text(
        derive.derive_zones(tables["zones.csv"].frame, tables["places.csv"].frame))
    assert first == second and first.endswith("]}\n")
    feature = json.loads(first)["features"][0]
    assert list(feature["properties"])[:2] == ["zone_id", "kind"]
    assert feature["properties"]["approximate"] is True
    assert feature["properties"]["valid_from"] == "2016-04-30T01:00+03:00"


def test_cli_writes_zones_geojson_that_loads_back(tmp_path, capsys):
    folder = write_geodata(tmp_path / "g")
    (folder / "zones.geojson").unlink()
    assert derive.main(["--geodata", str(folder)]) == 0
    assert "wrote" in capsys.readouterr().out
    data = load_dataset(folder)
    assert data.problems == ()
    tables = load_tables(folder)
    expected = derive.derive_zones(tables["zones.csv"].frame, tables["places.csv"].frame)
    assert_geodataframe_equal(data.zones, expected, check_crs=True, check_less_precise=True)


def test_cli_reports_unreadable_input(tmp_path, capsys):
    folder = write_geodata(tmp_path / "g")
    (folder / "zones.csv").write_bytes(b"\xff")
    assert derive.main(["--geodata", str(folder)]) == 1
    out = capsys.readouterr()
    assert "zones.csv:1: -: not UTF-8" in out.out and "not written" in out.err


def test_shipped_zones_geojson_is_reproduced():
    if not (DEFAULT_GEODATA / "zones.csv").exists():
        pytest.fail("geodata/zones.csv is not there yet")
    tables = load_tables(DEFAULT_GEODATA)
    derived = derive.derive_zones(tables["zones.csv"].frame, tables["places.csv"].frame)
    shipped = load_dataset().zones
    columns = [c for c in derived.columns if c != "geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(shipped[columns]), pd.DataFrame(derived[columns]))
    assert shipped.crs == derived.crs == CRS
    # A coordinate may round the other way on another machine: allow 10 m.
    shipped_m = shipped.geometry.to_crs(derive.METRIC_CRS)
    derived_m = derived.geometry.to_crs(derive.METRIC_CRS)
    distances = shipped_m.hausdorff_distance(derived_m, align=False)
    assert (distances < 10).all(), distances
