"""Each schema rule: one bad record -> the right FILE:LINE: FIELD, and the record left out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.data._tables import read_table
from dashboard.data.schema import FILE_SPECS
from tests.test_load import ROUTES, SCENES, TEXT_FILES

FIXTURE_REUSE = HealthCheck.function_scoped_fixture  # each example overwrites the same file


def base_row(name: str) -> dict[str, str]:
    """The first record of the valid synthetic file `name`."""
    return next(csv.DictReader(io.StringIO(TEXT_FILES[name])))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def check(tmp_path: Path, name: str, *rows: dict[str, str]):
    """Validate `rows` (changes applied to the base record) as file `name`, on its own.
    Records after the first get their own id (or control date) unless `rows` say otherwise."""
    spec = FILE_SPECS[name]
    full = []
    for number, row in enumerate(rows):
        record = {**base_row(name), **row}
        if number and spec.key and spec.key not in row:
            record[spec.key] += f"_{number}"
        if number and name == "control.csv" and "as_of" not in row:
            record["as_of"] = f"2016-05-0{number}"
        full.append(record)
    table = read_table(FILE_SPECS[name], write_csv(tmp_path / name, full), name)
    return table, [(p.line, p.field) for p in table.problems if p.severity == "error"]


CASES = [
    # (file, changes, field); the bad record is line 2 (line 1 is the header)
    ("sources.csv", {"reliability": "high"}, "reliability"),
    ("sources.csv", {"language": "French"}, "language"),
    ("sources.csv", {"url": "www.example.org"}, "url"),
    ("sources.csv", {"title": ""}, "title"),
    ("sources.csv", {"date": "30/04/2016"}, "date"),
    ("places.csv", {"place_id": "Bustan Al Qasr"}, "place_id"),
    ("places.csv", {"kind": "district"}, "kind"),
    ("places.csv", {"lon": ""}, "lon"),
    ("places.csv", {"lat": "91"}, "lat"),
    ("places.csv", {"coord_source": ""}, "coord_source"),
    ("places.csv", {"source_ids": ""}, "source_ids"),
    ("places.csv", {"geo_precision": "8"}, "geo_precision"),
    ("incidents.csv", {"date_end": "2016-04-26"}, "date_end"),
    ("incidents.csv", {"date_start": "2016-02-30"}, "date_start"),
    ("incidents.csv", {"date_precision": "0"}, "date_precision"),
    ("incidents.csv", {"date_precision": "6"}, "date_precision"),
    ("incidents.csv", {"date_precision": "1.5"}, "date_precision"),
    ("incidents.csv", {"geo_precision": "0"}, "geo_precision"),
    ("incidents.csv", {"geo_precision": ""}, "geo_precision"),
    ("incidents.csv", {"category": "bombing"}, "category"),
    ("incidents.csv", {"side": "east"}, "side"),
    ("incidents.csv", {"lat": "-90.5"}, "lat"),
    ("incidents.csv", {"lon": "180.01"}, "lon"),
    ("incidents.csv", {"lat": "north"}, "lat"),
    ("incidents.csv", {"lat": ""}, "lon"),
    ("incidents.csv", {"attribution_claimant": ""}, "attribution_claimant"),
    ("incidents.csv", {"killed_low": "28"}, "killed_best"),
    ("incidents.csv", {"killed_high": "26"}, "killed_best"),
    ("incidents.csv", {"killed_best": "", "killed_low": "60"}, "killed_high"),
    ("incidents.csv", {"injured": "-1"}, "injured"),
    ("incidents.csv", {"title_fr": ""}, "title_fr"),
    ("incidents.csv", {"source_ids": ""}, "source_ids"),
    ("incidents.csv", {"source_ids": "src-a; src-b"}, "source_ids"),
    ("incidents.csv", {"source_ids": "src-a;;src-b"}, "source_ids"),
    ("casualty_reports.csv", {"period_end": "2016-04-26"}, "period_end"),
    ("casualty_reports.csv", {"figure_high": "13"}, "figure_high"),
    ("casualty_reports.csv", {"measure": "dead"}, "measure"),
    ("casualty_reports.csv", {"qualifier": ">="}, "qualifier"),
    ("casualty_reports.csv", {"civilians_only": "yes"}, "civilians_only"),
    ("casualty_reports.csv", {"figure_low": ""}, "figure_low"),
    ("context_facts.csv", {"text_fr": ""}, "text_fr"),
    ("zones.csv", {"valid_to": "2016-04-29T23:00+03:00"}, "valid_to"),
    ("zones.csv", {"valid_from": "2016-04-30 01:00"}, "valid_from"),
    ("zones.csv", {"buffer_km": "0"}, "buffer_km"),
    ("zones.csv", {"kind": "ceasefire"}, "kind"),
    ("zones.csv", {"member_place_ids": ""}, "member_place_ids"),
    ("route_status.csv", {"status": "closed"}, "status"),
    ("route_status.csv", {"date_to": "2016-04-29"}, "date_to"),
    ("control.csv", {"control": "contested"}, "control"),
    ("control.csv", {"inferred": ""}, "inferred"),
]


@pytest.mark.parametrize(("name", "changes", "field"), CASES)
def test_rule_reports_file_line_field_and_rejects(tmp_path, name, changes, field):
    good = {}
    table, errors = check(tmp_path, name, good, changes)
    bad_line = 4 if name == "incidents.csv" else 3  # the base incident spans lines 2-3
    assert errors == [(bad_line, field)]
    assert list(table.frame.index) == [2]  # the good record still loads
    assert all(p.file == name for p in table.problems)


@pytest.mark.parametrize(
    "changes",
    [
        {"date_precision": "1"}, {"date_precision": "5"}, {"geo_precision": "1"},
        {"geo_precision": "7"}, {"lat": "90", "lon": "-180"}, {"lat": "-90", "lon": "180"},
        {"date_end": "2016-04-27"},  # same day as date_start: inclusive
        {"killed_low": "27", "killed_best": "27", "killed_high": "27"},
        {"uncertainty_m": "0", "injured": "0"},
        {"killed_low": "", "killed_best": "", "killed_high": ""},
        {"lat": "", "lon": "", "geo_precision": "", "uncertainty_m": ""},
        {"attributed_to": "", "attribution_claimant": ""},
    ],
)
def test_interval_edges_are_valid(tmp_path, changes):
    table, errors = check(tmp_path, "incidents.csv", changes)
    assert errors == [] and len(table.frame) == 1


def test_duplicate_id_rejects_the_later_record(tmp_path):
    table, errors = check(tmp_path, "incidents.csv", {}, {"id": "E01"})
    assert errors == [(4, "id")]  # line 2-3 is the first (multi-line description)
    assert list(table.frame.index) == [2]


def test_duplicate_control_place_and_date(tmp_path):
    _, errors = check(tmp_path, "control.csv", {}, {"as_of": "2016-04-30"})
    assert errors == [(3, "as_of")]


def test_empty_arabic_name_warns_and_keeps(tmp_path):
    table, errors = check(tmp_path, "places.csv", {"name_ar": ""})
    assert errors == [] and len(table.frame) == 1
    assert [(p.field, p.severity) for p in table.problems] == [("name_ar", "warning")]


def test_multiline_quoted_fields_and_crlf_line_numbers(tmp_path):
    rows = [{**base_row("sources.csv"), "source_id": f"s{n}",
             "title": "one\ntwo\nthree" if n == 1 else "t"} for n in range(3)]
    rows[2]["reliability"] = "bad"
    path = write_csv(tmp_path / "sources.csv", rows)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    table = read_table(FILE_SPECS["sources.csv"], path, "sources.csv")
    # header 1, s0 line 2, s1 lines 3-5, s2 line 6
    assert [(p.line, p.field) for p in table.problems] == [(6, "reliability")]
    assert list(table.frame.index) == [2, 3]


def test_wrong_field_count_and_unterminated_quote(tmp_path):
    text = TEXT_FILES["control.csv"] + "a,b\n" + 'x,"never closed\n'
    (tmp_path / "control.csv").write_text(text, encoding="utf-8")
    table = read_table(FILE_SPECS["control.csv"], tmp_path / "control.csv", "control.csv")
    assert [(p.line, p.reason.split(";")[0]) for p in table.problems] == [
        (4, "has 2 fields, the header has 7"),
        (5, "not valid CSV: a quoted field opened here is never closed (the file ends at line "
            "5, cut short?): record rejected"),
    ]
    assert len(table.frame) == 2


def test_a_field_over_the_csv_limit_is_cut_and_the_rest_of_the_file_read(tmp_path):
    rows = [{**base_row("sources.csv"), "source_id": f"s{n}",
             "title": "x" * 200_000 if n == 1 else "t"} for n in range(3)]
    path = write_csv(tmp_path / "sources.csv", rows)
    table = read_table(FILE_SPECS["sources.csv"], path, "sources.csv")
    assert [(p.line, p.field, p.severity) for p in table.problems] == [(3, "title", "warning")]
    assert "200,000 characters, over the CSV field limit" in table.problems[0].reason
    assert list(table.frame.index) == [2, 3, 4]
    assert len(table.frame.loc[3, "title"]) == 131_072


def test_missing_column_skips_file_and_unknown_column_warns(tmp_path):
    rows = [{k: v for k, v in base_row("control.csv").items() if k != "inferred"}]
    table = read_table(FILE_SPECS["control.csv"], write_csv(tmp_path / "control.csv", rows),
                       "control.csv")
    assert [(p.line, p.field) for p in table.problems] == [(1, "inferred")]
    rows = [{**base_row("control.csv"), "colour": "red"}]
    table = read_table(FILE_SPECS["control.csv"], write_csv(tmp_path / "control.csv", rows),
                       "control.csv")
    assert [(p.field, p.severity) for p in table.problems] == [("colour", "warning")]


def _scenes_table(tmp_path, scenes):
    path = tmp_path / "scenes.json"
    path.write_text(json.dumps(scenes, indent=1), encoding="utf-8")
    return read_table(FILE_SPECS["scenes.json"], path, "scenes.json")


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"view": {"lat": 36.2, "lon": 37.1, "zoom": 12}}, "view"),  # both view and preset
     ({"preset": None}, "view"), ({"window": "week"}, "window"), ({"preset": "europe"}, "preset"),
     ({"view": "aleppo", "preset": None}, "view"), ({"date": "22 April"}, "date")],
)
def test_scene_rules(tmp_path, changes, field):
    table = _scenes_table(tmp_path, [SCENES[1], {**SCENES[0], **changes}])
    errors = [(p.line, p.field) for p in table.problems]
    second_scene_line = 1 + json.dumps(SCENES[1], indent=1).count("\n") + 2
    assert errors == [(second_scene_line, field)]
    assert len(table.frame) == 1


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [({"type": "Point", "coordinates": [37.1, 36.2]}, "must be a GeoJSON LineString"),
     ({"type": "LineString", "coordinates": [[37.1]]}, "invalid LineString"),
     ({"type": "LineString", "coordinates": [[36.2, 95.0], [36.3, 95.1]]}, "lon -180..180"),
     (None, "must be a GeoJSON")],
)
def test_route_geometry_rules(tmp_path, geometry, reason):
    routes = json.loads(json.dumps(ROUTES))
    routes["features"][0]["geometry"] = geometry
    (tmp_path / "routes.geojson").write_text(json.dumps(routes, indent=1), encoding="utf-8")
    table = read_table(FILE_SPECS["routes.geojson"], tmp_path / "routes.geojson", "r")
    assert [(p.line, p.field) for p in table.problems] == [(4, "geometry")]
    assert reason in table.problems[0].reason and table.frame.empty


def test_one_line_geojson_reports_item_numbers(tmp_path):
    routes = json.loads(json.dumps(ROUTES))
    routes["features"].append(json.loads(json.dumps(routes["features"][0])))
    routes["features"][1]["properties"]["route_id"] = "other"
    routes["features"][1]["properties"]["name_en"] = None
    (tmp_path / "routes.geojson").write_text(json.dumps(routes), encoding="utf-8")
    table = read_table(FILE_SPECS["routes.geojson"], tmp_path / "routes.geojson", "r")
    assert [str(p) for p in table.problems] == ["r:: name_en: required, but empty (item 2)"]


@settings(max_examples=40, deadline=None, suppress_health_check=[FIXTURE_REUSE])
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
@pytest.mark.parametrize("name", ["incidents.csv", "zones.geojson", "scenes.json"])
def test_any_bytes_never_raise(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    table = read_table(FILE_SPECS[name], path, name)
    assert table.problems or table.frame.empty or not table.present


@settings(max_examples=40, deadline=None, suppress_health_check=[FIXTURE_REUSE])
@given(cells=st.dictionaries(st.sampled_from(sorted(base_row("incidents.csv"))),
                             st.text(max_size=25), max_size=6))
def test_any_cell_text_never_raises(tmp_path, cells):
    table, _ = check(tmp_path, "incidents.csv", cells)
    assert len(table.frame) <= 1
