"""Importers for UCDP GED and ACLED CSV files: parsing, mapping, problems, exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.import_csv import ImportFileError
from dashboard.data.importers import import_file, load_incident_file, main
from dashboard.data.model import INCIDENT_COLUMNS

UCDP_HEADER = (
    "id,side_a,side_b,source_article,where_prec,where_description,adm_1,latitude,longitude,"
    "date_prec,date_start,date_end,type_of_violence,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,best,high,low"
)
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,"
    "location,latitude,longitude,geo_precision,source,notes,fatalities"
)


def ucdp_row(i, lat="36.2", lon="37.15", start="2016-04-22", end="2016-04-22", best="3",
             low="2", high="5", deaths=("1", "1", "1", "0"), where_prec="1", violence="1",
             description="Aleppo city"):  # fmt: skip
    sides = ["Government of Syria", "Syrian insurgents", "AFP"]
    cells = [str(i), *sides, where_prec, description, "Aleppo governorate", lat, lon, "1",
             start, end, violence, *deaths, best, high, low]  # fmt: skip
    return ",".join(cells)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def features(path):
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_ucdp_bom_crlf_both_date_formats(tmp_path, capsys):
    rows = [ucdp_row(101), ucdp_row(102, start="2016-04-28 00:00:00.000",
                                     end="2016-04-29 00:00:00.000")]  # fmt: skip
    src = write(tmp_path, "GED Syria 2016.csv", "\ufeff" + "\r\n".join([UCDP_HEADER, *rows]))
    out = tmp_path / "out.geojson"
    code, stdout, _ = run(capsys, src, "--out", out)
    assert code == 0
    assert "imported: 2" in stdout and "rejected: 0" in stdout
    first, second = features(out)
    assert first["geometry"] == {"type": "Point", "coordinates": [37.15, 36.2]}
    props = first["properties"]
    assert set(props) == set(INCIDENT_COLUMNS) - {"lat", "lon"}
    assert props["id"] == "ucdp-101" and props["dataset"] == "ged_syria_2016"
    assert (props["killed_low"], props["killed_best"], props["killed_high"]) == (2, 3, 5)
    assert props["category"] == "armed_clash" and props["side"] == "not_applicable"
    assert props["title_en"] == "UCDP 101: Government of Syria vs Syrian insurgents"
    assert props["title_fr"] == "UCDP 101 : Government of Syria contre Syrian insurgents"
    assert props["source_text"] == "AFP" and props["warnings"] is None
    assert second["properties"]["date_start"] == "2016-04-28"
    assert second["properties"]["date_end"] == "2016-04-29"


def test_embedded_quotes_newlines_and_line_numbers(tmp_path, capsys):
    tricky = ucdp_row(1, description='"Bustan al-Qasr,\nnear the ""crossing"""')
    lines = [UCDP_HEADER, tricky, "", ucdp_row(2, lat=""), ucdp_row(3, start="2016-13-45")]
    src = write(tmp_path, "g.csv", "\n".join(lines) + "\n")
    result = import_file(src)
    frame = result.frame()
    assert frame["description_en"].iloc[0].startswith('Bustan al-Qasr,\nnear the "crossing"')
    errors = [str(p) for p in result.problems if p.severity == "error"]
    # header = 1, record 1 spans lines 2-3, blank line 4, then lines 5 and 6
    assert errors == [
        f"{src}:5: latitude: missing: the event cannot be placed",
        f"{src}:6: date_start: unparseable date '2016-13-45'",
    ]
    code, stdout, _ = run(capsys, src, "--out", tmp_path / "o.geojson", "--strict")
    assert code == 1 and f"{src}:5: latitude: missing" in stdout


def test_empty_cells_are_not_reported_not_zero(tmp_path):
    row = ucdp_row(1, low="", high="", deaths=("", "", "", ""))
    src = write(tmp_path, "g.csv", "\n".join([UCDP_HEADER, row]))
    frame = import_file(src).frame()
    assert frame["killed_low"].isna().all() and frame["killed_high"].isna().all()
    assert frame["killed_best"].iloc[0] == 3
    assert pd.isna(frame["warnings"].iloc[0])


def test_invariant_breaking_rows_are_kept_unchanged_with_warnings(tmp_path, capsys):
    rows = [
        ucdp_row(1, best="9", low="2", high="5"),  # best above high
        ucdp_row(2, low="7", high="5", best="6"),  # low > high
        ucdp_row(3, deaths=("1", "1", "1", "1")),  # parts sum to 4, best 3
        ucdp_row(4, where_prec="7"),  # water/airspace with coordinates
        ucdp_row(5, best="-1", low="-1", high="0", deaths=("0", "0", "-1", "0")),
        ucdp_row(6, end=""),  # date_end missing
        ucdp_row(7, start="2016-04-22", end="2016-04-20"),
    ]
    src = write(tmp_path, "g.csv", "\n".join([UCDP_HEADER, *rows]))
    out = tmp_path / "o.geojson"
    code, stdout, _ = run(capsys, src, "--out", out, "--strict")
    assert code == 0 and "imported: 7" in stdout and "rejected: 0" in stdout
    props = {f["properties"]["id"]: f["properties"] for f in features(out)}
    assert props["ucdp-1"]["killed_best"] == 9 and props["ucdp-1"]["killed_high"] == 5
    assert "outside low-high 2-5" in props["ucdp-1"]["warnings"]
    assert "low > high" in props["ucdp-2"]["warnings"]
    assert "= 4 but best = 3" in props["ucdp-3"]["warnings"]
    assert (
        props["ucdp-4"]["geo_precision"] == 7 and "water or airspace" in props["ucdp-4"]["warnings"]
    )
    assert props["ucdp-5"]["killed_best"] == -1 and "negative" in props["ucdp-5"]["warnings"]
    assert (
        props["ucdp-6"]["date_end"] == "2016-04-22"
        and "date_start used" in props["ucdp-6"]["warnings"]
    )
    assert (
        props["ucdp-7"]["date_end"] == "2016-04-20"
        and "before date_start" in props["ucdp-7"]["warnings"]
    )
    assert f"{src}:2: best: best 9 outside low-high 2-5" in stdout
    assert "killed_best total: 26" in stdout  # 9+6+3+3-1+3+3, as published


def test_undatable_and_unplaceable_rows_are_rejected(tmp_path, capsys):
    rows = [ucdp_row(1, start=""), ucdp_row(2, start="22/04/2016"), ucdp_row(3, lat="abc"),
            ucdp_row(4, lat="95"), ucdp_row(5, lon="-181"), ucdp_row(6)]  # fmt: skip
    src = write(tmp_path, "g.csv", "\n".join([UCDP_HEADER, *rows]))
    result = import_file(src)
    frame = result.frame()
    assert frame["id"].tolist() == ["ucdp-6"]
    assert result.counts.rejected == 5 and result.counts.rows_read == 6
    reasons = [(p.line, p.field) for p in result.problems if p.severity == "error"]
    assert reasons == [(2, "date_start"), (3, "date_start"), (4, "latitude"), (5, "latitude"),
                       (6, "longitude")]  # fmt: skip
    assert run(capsys, src, "--out", tmp_path / "o.geojson")[0] == 0
    assert run(capsys, src, "--out", tmp_path / "o.geojson", "--strict")[0] == 1


def test_killed_best_total_equals_sum_of_best(tmp_path, capsys):
    from dashboard.data.synth import write_synthetic

    src = tmp_path / "s.csv"
    write_synthetic(src, 700, seed=5, chunk_rows=300)
    published = pd.read_csv(src)
    with src.open("a", encoding="utf-8") as fh:  # a rejected row must not count
        fh.write("999," + ",".join([""] * 48) + "\n")
    code, stdout, _ = run(capsys, src, "--out", tmp_path / "o.geojson")
    assert code == 0 and "rejected: 1" in stdout
    assert f"killed_best total: {int(published['best'].sum())}" in stdout


def test_acled_mapping(tmp_path):
    rows = [
        "SYR1,2016-04-28,2016,1,Explosions/Remote violence,Air/drone strike,Military Forces of "
        'Syria,,Aleppo,36.2,37.16,1,SOHR,"Strike on a hospital, 27 killed",27',
        "SYR2,22 April 2016,2016,2,Explosions/Remote violence,Shelling/artillery/missile attack,"
        "Rebels,,Aleppo,36.21,37.13,2,AFP,,3",
        "SYR3,2016-05-01,2016,3,Battles,Armed clash,A,B,Khan Tuman,36.1,36.9,3,X,,0",
        "SYR4,2016-05-02,2016,1,Explosions/Remote violence,Grenade,A,,Azaz,36.5,37.0,1,X,,1",
        "SYR5,2016-05-03,2016,1,Violence against civilians,Attack,A,,Idlib,35.9,36.6,1,X,,2",
        "SYR6,2016-05-04,2016,1,Protests,Peaceful protest,A,,Idlib,35.9,36.6,1,X,,0",
        "SYR7,2016-05-05,2016,1,Riots,Mob violence,A,,Idlib,35.9,36.6,1,X,,0",
        "SYR8,2016-05-06,2016,1,Strategic developments,Agreement,A,,Idlib,35.9,36.6,1,X,,0",
    ]
    src = write(tmp_path, "acled.csv", "\n".join([ACLED_HEADER, *rows]))
    result = import_file(src)
    frame = result.frame().set_index("id")
    assert result.fmt == "acled" and result.counts.rejected == 0
    expected = ["air_raid", "shelling", "armed_clash", "other", "attack_on_civilians",
                "protest", "protest", "other"]  # fmt: skip
    assert frame["category"].tolist() == expected
    strike = frame.loc["acled-SYR1"]
    assert strike["title_en"] == "Air/drone strike in Aleppo"
    assert strike["title_fr"] == "Frappe aérienne ou de drone à Aleppo"
    assert (strike["killed_low"], strike["killed_best"], strike["killed_high"]) == (27, 27, 27)
    assert strike["description_en"] == "Strike on a hospital, 27 killed"
    assert strike["source_text"] == "SOHR"
    assert strike["attributed_to"] == "Military Forces of Syria"
    assert frame["geo_precision"].tolist()[:3] == [1, 2, 4]
    assert frame["date_precision"].tolist()[:3] == [1, 3, 4]
    assert str(frame.loc["acled-SYR2", "date_start"].date()) == "2016-04-22"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,date_start,date_end,date_prec,latitude,longitude,where_prec,type_of_violence,low\n1",
         "missing UCDP GED columns: best, high"),
        ("event_id_cnty,event_date,latitude,longitude\n1", "missing ACLED columns: time_precision"),
        ("name,lat,lon\nx,1,2\n", "unknown format: expected UCDP GED columns (id, date_start"),
        ("", "empty file"),
        ("\n\n", "empty file"),
        ("id,x\n1,2\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    ],
)  # fmt: skip
def test_file_level_errors_exit_2(tmp_path, capsys, content, message):
    src = write(tmp_path, "bad.csv", content)
    out = tmp_path / "o.geojson"
    code, stdout, stderr = run(capsys, src, "--out", out)
    assert code == 2 and message in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_bytes_not_utf8_after_first_chunk_are_read_as_windows_1252(tmp_path, capsys):
    body = [UCDP_HEADER] + [ucdp_row(i) for i in range(3000)]
    latin = ucdp_row(99999, description="Alep caf\xe9").encode("cp1252")
    src = write(tmp_path, "g.csv", ("\n".join(body) + "\n").encode() + latin + b"\n")
    out = tmp_path / "o.geojson"
    code, stdout, _ = run(capsys, src, "--out", out)
    assert code == 0 and "imported: 3001" in stdout
    assert "g.csv:3002: where_description: not UTF-8 (byte 0xe9)" in stdout
    assert features(out)[-1]["properties"]["place_en"].startswith("Alep café")


def test_directory_and_missing_file_exit_2(tmp_path, capsys):
    code, _, stderr = run(capsys, tmp_path, "--out", tmp_path / "o.geojson")
    assert code == 2 and "is a directory" in stderr
    code, _, stderr = run(capsys, tmp_path / "nope.csv", "--out", tmp_path / "o.geojson")
    assert code == 2 and "no such file" in stderr
    with pytest.raises(ImportFileError, match="no such file"):
        load_incident_file(tmp_path / "nope.csv")


def test_forced_format_and_ragged_rows(tmp_path, capsys):
    src = write(tmp_path, "g.csv", "\n".join([UCDP_HEADER, ucdp_row(1) + ",extra"]))
    code, _, stderr = run(capsys, src, "--out", tmp_path / "o.geojson", "--format", "acled")
    assert code == 2 and "missing ACLED columns: event_id_cnty" in stderr
    result = import_file(src, "ucdp")
    assert len(result.frame()) == 1
    assert "21 fields but the header has 20" in str(result.problems[0])


def test_load_incident_file_from_csv_and_geojson_agree(tmp_path, capsys):
    rows = [ucdp_row(1), ucdp_row(2, best="9", high="5"), ucdp_row(3, lat="x")]
    src = write(tmp_path, "g.csv", "\n".join([UCDP_HEADER, *rows]))
    gdf, problems = load_incident_file(src, cache_dir=tmp_path / "cache")
    # row 2: best above high, and deaths by side (sum 3) != best; row 3: unplaceable
    assert [(p.line, p.severity) for p in problems] == [(3, "warning"), (3, "warning"),
                                                         (4, "error")]  # fmt: skip
    for name, dtype in INCIDENT_COLUMNS.items():
        assert str(gdf[name].dtype) == dtype, name
    assert gdf.crs.to_epsg() == 4326 and (gdf.geom_type == "Point").all()
    out = tmp_path / "g.geojson"
    assert run(capsys, src, "--out", out)[0] == 0
    again, _ = load_incident_file(out, cache_dir=tmp_path / "cache")
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.drop(columns="geometry")), pd.DataFrame(gdf.drop(columns="geometry"))
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(["a", "é", '"', ",", "\n", "\r\n", " ", ";"])).map("".join),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_rejection_lines_are_physical_lines(tmp_path_factory, rows):
    """Whatever quoted text precedes a record, its reported line is where it starts."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(UCDP_HEADER.split(","))
    expected, line = [], 2
    for i, (text, placeable) in enumerate(rows):
        start = buffer.tell()
        cells = ucdp_row(i, lat="36.2" if placeable else "").split(",")
        cells[5] = text
        writer.writerow(cells)
        if not placeable:
            expected.append(line)
        written = buffer.getvalue()[start:]
        line += written.count("\n")
    src = tmp_path_factory.mktemp("h") / "g.csv"
    src.write_bytes(buffer.getvalue().encode("utf-8"))
    result = import_file(src)
    frame = result.frame()
    assert [p.line for p in result.problems if p.severity == "error"] == expected
    assert len(frame) == sum(placeable for _, placeable in rows)
