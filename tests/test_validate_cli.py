"""`python -m dashboard validate`: one line per problem, a summary, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.config import PROJECT_ROOT
from dashboard.data import manifest as manifest_module
from dashboard.data.validate import main
from tests.test_load import INCIDENT_E01, INCIDENT_E02, INCIDENT_HEADER, write_geodata


@pytest.fixture
def geodata(tmp_path: Path) -> Path:
    return write_geodata(tmp_path / "geodata")


def run(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out.splitlines()


def test_valid_folder_exits_0_with_a_one_line_summary(capsys, geodata):
    code, lines = run(capsys, str(geodata))
    assert code == 0
    assert len(lines) == 1 and lines[0].startswith("OK: 0 errors, 0 warnings")
    assert f"{geodata}/incidents.csv 2" in lines[0] and f"{geodata}/scenes.json 2" in lines[0]


def test_bad_record_prints_file_line_field_reason(capsys, geodata):
    bad = INCIDENT_E02.replace("2016-04-24,2", "2016-04-24,9")
    (geodata / "incidents.csv").write_text(
        "\n".join([INCIDENT_HEADER, INCIDENT_E01, bad]) + "\n", encoding="utf-8")
    code, lines = run(capsys, str(geodata))
    assert code == 1
    assert lines[0] == (f"{geodata}/incidents.csv:4: date_precision: must be a whole number "
                        "from 1 to 5 (got 9)")
    assert lines[-1].startswith("FAILED: 1 errors") and "incidents.csv 1/2" in lines[-1]


def test_unresolved_reference_is_an_error(capsys, geodata):
    text = (geodata / "casualty_reports.csv").read_text(encoding="utf-8")
    (geodata / "casualty_reports.csv").write_text(text.replace(",E01,", ",E99,"), "utf-8")
    code, lines = run(capsys, str(geodata))
    assert code == 1
    assert (f"{geodata}/casualty_reports.csv:2: incident_id: unknown id 'E99' "
            "(not in incidents.csv)") in lines
    assert lines[-1].startswith("FAILED: 3 errors")  # and warnings: E01's figures unbacked


def test_single_file_is_checked_on_its_own(capsys, tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_text("\n".join([INCIDENT_HEADER, INCIDENT_E01]) + "\n", encoding="utf-8")
    code, lines = run(capsys, str(path))  # its sources.csv / places.csv are not there
    assert code == 0 and lines == [f"OK: 0 errors, 0 warnings; valid records: {path} 1"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("incidents.csv", b"id,x\n" + "é".encode("latin-1") + b"\n", ":2: -: not UTF-8"),
        ("scenes.json", b'[\n {"scene": 1,\n  "title_en": "A', ":3: -: invalid JSON"),
        ("routes.geojson", b'{"type": "FeatureCollection", "features": [', ":1: -: invalid JSON"),
        ("zones.csv", b"", ":: -: file is empty"),
        ("places.csv", bytes(range(256)), ":2: -: not UTF-8"),  # byte 0x0a ends line 1
        ("control.csv", b"\x00\x00\x00", ":1: -: contains NUL bytes"),
        ("sources.csv", b'"unclosed\n', ":1: -: not valid CSV"),
    ],
)
def test_bad_file_contents_give_clear_messages(capsys, geodata, name, content, expected):
    (geodata / name).write_bytes(content)
    code, lines = run(capsys, str(geodata))
    assert code == 1
    assert any(line.startswith(f"{geodata}/{name}{expected}") for line in lines), lines


def test_bad_single_file_and_odd_paths(capsys, tmp_path):
    (tmp_path / "incidents.csv").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "control.csv").mkdir()
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    args = [str(tmp_path / n) for n in ("incidents.csv", "control.csv", "nothing", "notes.txt")]
    code, lines = run(capsys, *args)
    assert code == 1
    assert lines[0].startswith(f"{args[0]}:1: -: not UTF-8")
    assert lines[1] == f"{args[1]}:: -: is a directory, expected a file"
    assert lines[2] == f"{args[2]}:: -: no such file or folder"
    assert lines[3].startswith(f"{args[3]}:: -: not a geodata file name")


def test_missing_file_in_folder(capsys, geodata):
    (geodata / "routes.geojson").unlink()
    code, lines = run(capsys, str(geodata))
    assert code == 1
    assert f"{geodata}/routes.geojson:: -: file not found" in lines
    # route_status refers to routes.geojson, which can't be read: not reported again.
    assert not any("route_status" in line for line in lines[:-1])


def test_manifest_mismatch_names_the_file(capsys, geodata):
    assert manifest_module.main(["--geodata", str(geodata)]) == 0
    capsys.readouterr()
    with (geodata / "context_facts.csv").open("a", encoding="utf-8") as handle:
        handle.write("F02,5,x,five,cinq,src-a\n")
    code, lines = run(capsys, str(geodata))
    assert code == 1
    assert lines[0] == (f"{geodata}/context_facts.csv:: -: sha256 differs from manifest.json "
                        "(2 rows, manifest says 1); run python -m dashboard manifest")


def test_warnings_are_printed_but_exit_0(capsys, geodata):
    text = (geodata / "places.csv").read_text(encoding="utf-8")
    (geodata / "places.csv").write_text(text.replace("السكري", ""), encoding="utf-8")
    code, lines = run(capsys, str(geodata))
    assert code == 0
    assert lines[0] == f"{geodata}/places.csv:3: name_ar: empty (should be filled in)"
    assert lines[1].startswith("OK: 0 errors, 1 warnings")


def test_subprocess_prints_no_traceback(tmp_path):
    garbage = tmp_path / "scenes.json"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "validate", str(garbage), str(tmp_path / "nope")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout.splitlines()[0].startswith(f"{garbage}:1: -: not UTF-8")
    assert result.stdout.splitlines()[-1].startswith("FAILED: 2 errors")
