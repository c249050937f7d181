"""manifest.json: rows, columns, geometry type, sha256 per data file; check_manifest compares."""

from __future__ import annotations

import hashlib
import json

import pytest

from dashboard.config import DEFAULT_GEODATA
from dashboard.data.manifest import build_manifest, check_manifest, describe_file, main
from tests.test_load import write_geodata


@pytest.fixture
def geodata(tmp_path):
    folder = write_geodata(tmp_path / "g")
    (folder / "FORMAT.md").write_text("# not data\n", encoding="utf-8")
    return folder


def test_manifest_describes_every_data_file(geodata, capsys):
    assert main(["--geodata", str(geodata)]) == 0
    text = (geodata / "manifest.json").read_text(encoding="utf-8")
    assert text.endswith("}\n")
    files = json.loads(text)["files"]
    assert sorted(files) == sorted(p.name for p in geodata.glob("*.*")
                                   if p.suffix in (".csv", ".geojson", ".json")
                                   and p.name != "manifest.json")
    incidents = files["incidents.csv"]
    assert incidents["rows"] == 2  # records, not lines: one description spans two lines
    assert incidents["columns"][:3] == ["id", "date_start", "date_end"]
    assert incidents["geometry_type"] == "Point"
    assert incidents["sha256"] == hashlib.sha256(
        (geodata / "incidents.csv").read_bytes()).hexdigest()
    assert files["sources.csv"]["geometry_type"] is None
    assert files["routes.geojson"]["geometry_type"] == "LineString"
    assert files["routes.geojson"]["columns"][0] == "route_id"
    assert files["zones.geojson"]["geometry_type"] == "Polygon"
    assert files["scenes.json"]["rows"] == 2 and files["scenes.json"]["geometry_type"] is None
    assert check_manifest(geodata) == []


def test_rerun_gives_the_same_text(geodata, capsys):
    main(["--geodata", str(geodata)])
    first = (geodata / "manifest.json").read_bytes()
    main(["--geodata", str(geodata)])
    assert (geodata / "manifest.json").read_bytes() == first


def test_check_reports_changed_added_and_removed_files(geodata, capsys):
    main(["--geodata", str(geodata)])
    (geodata / "control.csv").write_text(
        (geodata / "control.csv").read_text(encoding="utf-8").replace("false", "true"), "utf-8")
    (geodata / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    (geodata / "scenes.json").unlink()
    messages = [str(p) for p in check_manifest(geodata, "g/")]
    assert messages == [
        "g/control.csv:: -: sha256 differs from manifest.json; run python -m dashboard manifest",
        "g/extra.csv:: -: not listed in manifest.json; run python -m dashboard manifest",
        "g/scenes.json:: -: listed in manifest.json but missing; run python -m dashboard "
        "manifest",
    ]


def test_check_reports_row_count_edited_by_hand(geodata, capsys):
    main(["--geodata", str(geodata)])
    manifest = json.loads((geodata / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["places.csv"]["rows"] = 99
    (geodata / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert [p.reason for p in check_manifest(geodata)] == [
        "has 3 rows, manifest.json says 99; run python -m dashboard manifest"]


@pytest.mark.parametrize("content", [b"{", b"[]", b'{"files": {"a.csv": 3}}', b"\xff"])
def test_bad_manifest_is_a_problem_not_a_crash(geodata, content):
    (geodata / "manifest.json").write_bytes(content)
    problems = check_manifest(geodata)
    assert len(problems) == 1 and problems[0].file == "manifest.json"


def test_unreadable_data_file_is_described_without_rows(tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"\xff\xfe")
    entry = describe_file(tmp_path / "bad.csv")
    assert entry["rows"] is None and len(entry["sha256"]) == 64
    assert build_manifest(tmp_path / "missing") == {"files": {}}


def test_shipped_manifest_matches_the_files():
    if not (DEFAULT_GEODATA / "manifest.json").exists():
        pytest.fail("geodata/manifest.json is missing: run python -m dashboard manifest")
    assert [str(p) for p in check_manifest(DEFAULT_GEODATA)] == []
