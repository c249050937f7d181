"""load_dataset: clean frames, right dtypes and CRS, bad input never raises.

`write_geodata` (a small valid synthetic geodata folder) is shared with the other data tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import LineString, Point

from dashboard.data.derive import derive_zones, zones_geojson_text
from dashboard.data.load import DATA_FILES, load_dataset, load_tables, normalise_incidents
from dashboard.data.model import CRS, INCIDENT_COLUMNS, errors_of

SOURCES = "\n".join([
    "source_id,publisher,title,date,language,url,via,reliability,licence",
    'src-a,AFP,"Residents flee, air strikes",2016-04-30,fr,https://example.org/a,,normal,'
    '"news report, cited (facts only)"',
    "src-b,MSF,Review of the attack,,en,,,low,CC BY 4.0",
]) + "\n"
PLACES = "\n".join([
    "place_id,name_en,name_fr,name_ar,kind,lat,lon,geo_precision,uncertainty_m,coord_source,"
    "source_ids,neighbourhood_id,notes",
    "bustan_al_qasr,Bustan al-Qasr,Boustan al-Qasr,بستان القصر,neighbourhood,36.19070,37.14327,"
    "1,700,OCHA-N N0204,src-a,bustan_al_qaser,",
    "sukkari,al-Sukkari,Soukkari,السكري,neighbourhood,36.17548,37.14203,1,700,OCHA-N N0219,"
    "src-a,,",
    "tariq_al_bab,Tariq al-Bab,Tariq al-Bab,طريق الباب,neighbourhood,,,,,,,,no coordinate found",
]) + "\n"
INCIDENT_HEADER = (
    "id,date_start,date_end,date_precision,time_local,date_note_en,date_note_fr,category,"
    "place_id,place_en,place_fr,lat,lon,geo_precision,uncertainty_m,side,attributed_to,"
    "attribution_claimant,killed_low,killed_best,killed_high,killed_best_reporter,injured,"
    "title_en,title_fr,description_en,description_fr,source_ids"
)
INCIDENT_E01 = (
    "E01,2016-04-27,2016-04-27,1,21:37,,,hospital_strike,sukkari,al-Quds hospital,"
    "hôpital al-Qods,36.17548,37.14203,1,700,rebel_held,government or Russian aircraft,MSF,"
    "14,27,55,SOHR,,Strike on al-Quds hospital,Frappe sur l'hôpital al-Qods,"
    '"Several strikes,\nthen the hospital.","Plusieurs frappes."' + ",src-a;src-b"
)
INCIDENT_E02 = (
    "E02,2016-04-23,2016-04-24,2,,,,air_raid,tariq_al_bab,Tariq al-Bab,Tariq al-Bab,,,,,"
    "rebel_held,,,,,,,,Strike on Tariq al-Bab,Frappe sur Tariq al-Bab,Rubble.,Décombres.,src-a"
)
INCIDENTS = "\n".join([INCIDENT_HEADER, INCIDENT_E01, INCIDENT_E02]) + "\n"
CASUALTY_HEADER = (
    "report_id,report_date,period_start,period_end,period_label_en,period_label_fr,measure,"
    "qualifier,figure_low,figure_high,civilians_only,scope,side,reporter,reporter_key,"
    "incident_id,cumulative_since,note_en,note_fr,source_ids"
)
CASUALTY_REPORTS = CASUALTY_HEADER + "\n" + (
    "R001,2016-04-28,2016-04-27,2016-04-27,that night,cette nuit,killed,at_least,14,,false,"
    "hospital,rebel_held,MSF,msf,E01,,,,src-b\n"
    "R002,2016-04-28,2016-04-27,2016-04-27,that night,cette nuit,killed,exact,27,,false,"
    "hospital,rebel_held,SOHR,sohr,E01,,,,src-a\n"
    "R003,2016-05-04,2016-04-27,2016-04-27,that night,cette nuit,killed,exact,55,,false,"
    "hospital,rebel_held,MSF,msf,E01,,,,src-b\n"
)
CONTEXT_FACTS = """fact_id,value,unit,text_en,text_fr,source_ids
F01,270000,dead,more than 270000 dead since 2011,plus de 270000 morts depuis 2011,src-a
"""
ZONES = (
    "zone_id,kind,name_en,name_fr,valid_from,valid_to,start_times_reported_en,"
    "start_times_reported_fr,member_place_ids,buffer_km,method,incident_ids,description_en,"
    "description_fr,source_ids\n"
    "Z1,truce,East Aleppo,Alep-Est,2016-04-30T01:00+03:00,2016-05-01T01:00+03:00,,,"
    "bustan_al_qasr;sukkari,2,convex hull buffered 2 km (approximate),E01,A truce.,Une trêve.,"
    "src-a\n"
)
ROUTES = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature",
        "properties": {
            "route_id": "castello", "name_en": "Castello road", "name_fr": "route du Castello",
            "approximate": True, "method": "ESTIMATE polyline", "description_en": "The road.",
            "description_fr": "La route.", "source_ids": "src-a",
        },
        "geometry": {"type": "LineString", "coordinates": [[37.15, 36.23], [37.13, 36.26]]},
    }],
}
ROUTE_STATUS = """route_id,date_from,date_to,status,note_en,note_fr,source_ids
castello,2016-04-30,2016-05-01,under_fire,,,src-a
"""
CONTROL = """place_id,control,as_of,inferred,note_en,note_fr,source_ids
bustan_al_qasr,rebel_held,2016-04-30,false,,,src-a
tariq_al_bab,rebel_held,2016-04-23,true,,,src-a
"""
SCENES = [
    {"scene": 1, "title_en": "Start", "title_fr": "Début", "caption_en": "c", "caption_fr": "c",
     "date": "2016-04-22", "window": "day", "layers": ["incidents"], "preset": "aleppo",
     "highlight": [], "source_ids": ["src-a"]},
    {"scene": 2, "title_en": "Hospital", "title_fr": "Hôpital", "caption_en": "c",
     "caption_fr": "c", "date": "2016-04-27", "window": "cumulative", "layers": [],
     "view": {"lat": 36.18, "lon": 37.14, "zoom": 14}, "highlight": ["E01"],
     "source_ids": []},
]

TEXT_FILES = {
    "sources.csv": SOURCES, "places.csv": PLACES, "incidents.csv": INCIDENTS,
    "casualty_reports.csv": CASUALTY_REPORTS, "context_facts.csv": CONTEXT_FACTS,
    "zones.csv": ZONES, "route_status.csv": ROUTE_STATUS, "control.csv": CONTROL,
}


def write_geodata(folder: Path, overrides: dict[str, str] | None = None) -> Path:
    """Write a small valid geodata folder (zones.geojson derived from it), then replace the
    files named in `overrides` with the given text."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = dict(TEXT_FILES)
    texts["routes.geojson"] = json.dumps(ROUTES, indent=1)
    texts["scenes.json"] = json.dumps(SCENES, indent=1, ensure_ascii=False)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    tables = load_tables(folder)
    zones = derive_zones(tables["zones.csv"].frame, tables["places.csv"].frame)
    (folder / "zones.geojson").write_text(zones_geojson_text(zones), encoding="utf-8")
    for name, text in (overrides or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def geodata(tmp_path: Path) -> Path:
    return write_geodata(tmp_path / "geodata")


def test_valid_folder_loads_without_problems(geodata):
    data = load_dataset(geodata)
    assert data.problems == ()
    assert list(data.incidents["id"]) == ["E01", "E02"]
    assert len(data.casualty_reports) == 3 and len(data.zones) == 1 and len(data.routes) == 1
    assert [s["scene"] for s in data.scenes] == [1, 2]
    assert data.sources.index.name == "source_id"


def test_incidents_have_every_column_dtype_and_crs(geodata):
    incidents = load_dataset(geodata).incidents
    assert incidents.crs == CRS
    for column, dtype in INCIDENT_COLUMNS.items():
        assert str(incidents[column].dtype) == dtype, column
    assert set(incidents["dataset"]) == {"curated"}
    assert incidents["source_text"].isna().all() and incidents["warnings"].isna().all()
    assert incidents.geometry.iloc[0] == Point(37.14203, 36.17548)
    assert incidents.geometry.iloc[1] is None  # unmapped
    assert incidents["description_en"].iloc[0] == "Several strikes,\nthen the hospital."


def test_places_control_routes_zones_geometry(geodata):
    data = load_dataset(geodata)
    for frame in (data.places, data.control, data.routes, data.zones):
        assert frame.crs == CRS
    assert data.places.geometry.iloc[2] is None
    assert data.control.geometry.iloc[0] == Point(37.14327, 36.19070)
    assert data.control.geometry.iloc[1] is None and data.control["name_en"].iloc[1]
    assert isinstance(data.routes.geometry.iloc[0], LineString)
    assert data.zones.geometry.iloc[0].geom_type == "Polygon"
    assert bool(data.zones["approximate"].iloc[0]) is True
    assert str(data.zones["valid_from"].iloc[0]) == "2016-04-30 01:00:00+03:00"


def test_missing_file_is_reported_and_the_rest_loads(geodata):
    (geodata / "casualty_reports.csv").unlink()
    data = load_dataset(geodata)
    assert [str(p) for p in data.problems] == ["casualty_reports.csv:: -: file not found"]
    assert data.casualty_reports.empty and "figure_low" in data.casualty_reports
    assert len(data.incidents) == 2


def test_missing_folder_gives_empty_frames_with_columns(tmp_path):
    data = load_dataset(tmp_path / "nowhere")
    assert len(errors_of(data.problems)) == len(DATA_FILES)
    # Every incident column, plus the Arabic names and titles curated incidents carry.
    assert set(data.incidents.columns) == {*INCIDENT_COLUMNS, "geometry", "place_ar", "title_ar"}
    assert len(data.incidents) == 0
    assert data.zones.empty and data.scenes == ()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id,date\n\xff\xfe,1\n", "incidents.csv:2: -: not UTF-8"),
        (b"", "incidents.csv:: -: file is empty"),
        (b"\x00\x01\x02binary", "incidents.csv:1: -: contains NUL bytes"),
    ],
)
def test_bad_bytes_never_raise(geodata, content, expected):
    (geodata / "incidents.csv").write_bytes(content)
    data = load_dataset(geodata)
    assert str(errors_of(data.problems)[0]).startswith(expected)
    assert data.incidents.empty


def test_directory_and_truncated_json(geodata):
    (geodata / "control.csv").unlink()
    (geodata / "control.csv").mkdir()
    (geodata / "scenes.json").write_text('[\n {"scene": 1,\n', encoding="utf-8")
    messages = [str(p) for p in errors_of(load_dataset(geodata).problems)]
    assert "control.csv:: -: is a directory, expected a file" in messages
    assert any(m.startswith("scenes.json:3: -: invalid JSON") for m in messages)


def test_bad_record_is_left_out_and_others_load(geodata):
    bad = INCIDENT_E02.replace("air_raid", "bombing")
    (geodata / "incidents.csv").write_text(
        "\n".join([INCIDENT_HEADER, INCIDENT_E01, bad]) + "\n", encoding="utf-8")
    data = load_dataset(geodata)
    assert list(data.incidents["id"]) == ["E01"]
    # E01 spans lines 2-3 (a quoted multi-line description)
    errors = errors_of(data.problems)
    assert [(p.file, p.line, p.field) for p in errors] == [("incidents.csv", 4, "category")]


def test_normalise_incidents_fills_and_coerces():
    frame = pd.DataFrame({"id": ["X1", "X2"], "date_start": ["2016-04-22", "2016-04-23"],
                          "lat": [36.2, None], "lon": [37.1, None], "geo_precision": [1, None],
                          "killed_best": [3.0, None], "extra": [1, 2]})
    result = normalise_incidents(frame, "ucdp")
    expected = gpd.GeoDataFrame(
        {column: pd.Series([pd.NA, pd.NA], dtype=dtype) if dtype != "float64"
         else pd.Series([float("nan")] * 2) for column, dtype in INCIDENT_COLUMNS.items()},
        geometry=[Point(37.1, 36.2), None], crs=CRS)
    expected["id"] = pd.Series(["X1", "X2"], dtype="string")
    expected["dataset"] = pd.Series(["ucdp", "ucdp"], dtype="string")
    expected["date_start"] = pd.Series(pd.to_datetime(["2016-04-22", "2016-04-23"])).astype(
        "datetime64[s]")
    expected["lat"] = [36.2, float("nan")]
    expected["lon"] = [37.1, float("nan")]
    expected["geo_precision"] = pd.Series([1, pd.NA], dtype="Int8")
    expected["killed_best"] = pd.Series([3, pd.NA], dtype="Int64")
    assert_geodataframe_equal(result, expected, check_crs=True)


def test_normalise_incidents_rejects_unconvertible_values():
    with pytest.raises(ValueError, match="killed_best"):
        normalise_incidents(pd.DataFrame({"killed_best": [1.5]}), "x")


@pytest.mark.parametrize(("item", "key", "ids", "problem", "kept"), [
    (1, "highlight", ["E99"], "highlight: unknown id 'E99' (not in incidents.csv) (item 2)",
     [1]),
    # A scene's inset map names places.
    (0, "inset", ["nowhere"], "inset: unknown id 'nowhere' (not in places.csv) (item 1)", [2]),
])
def test_reference_problem_in_one_line_json_names_the_item(geodata, item, key, ids, problem,
                                                           kept):
    scenes = json.loads(json.dumps(SCENES))
    scenes[item][key] = ids
    (geodata / "scenes.json").write_text(json.dumps(scenes), encoding="utf-8")
    data = load_dataset(geodata)
    assert [str(p) for p in data.problems] == [f"scenes.json:: {problem}"]
    assert [s["scene"] for s in data.scenes] == kept


def test_killed_figure_without_casualty_report_is_a_warning(geodata):
    lines = (geodata / "casualty_reports.csv").read_text(encoding="utf-8").splitlines()
    (geodata / "casualty_reports.csv").write_text("\n".join(lines[:3]) + "\n", "utf-8")
    data = load_dataset(geodata)
    assert [(p.line, p.field, p.severity) for p in data.problems] == [
        (2, "killed_high", "warning")]  # 14 and 27 are reported, 55 is not
    assert len(data.incidents) == 2

