"""The importer against hostile but realistic UCDP GED / ACLED files (the import corpus).

For every file: no exception escapes (a file that cannot be read at all gives one message
naming it), the valid rows are imported, and each bad row is reported as FILE:LINE: FIELD:
reason on the line where its record starts.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.data.import_csv import ImportFileError
from dashboard.data.importers import import_file, load_incident_file, main
from dashboard.safety import neutralise_csv_cell

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_import_corpus.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_import_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus_script = _load_script()

# file -> (ids imported, {(line, field): words in the reason} of the rejected rows)
IMPORTED = {
    "ucdp_huge_numbers.csv": (
        ["ucdp-1", "ucdp-2", "ucdp-6"],
        {(4, "best"): "'100000000000000000000' is too large",
         (5, "deaths_a"): "'9223372036854775808' is too large",
         (6, "high"): "'1e400' is too large"},
    ),
    "ucdp_duplicate_ids.csv": (
        ["ucdp-10", "ucdp-12", "ucdp-11"],
        {(4, "id"): "duplicate id '10' (first on line 2)",
         (5, "date_start"): "unparseable date 'not a date'"},
    ),
    "acled_duplicate_ids.csv": (
        ["acled-SYR100", "acled-SYR101"],
        {(4, "event_id_cnty"): "duplicate id 'SYR100' (first on line 2)"},
    ),
    "ucdp_oversized_field.csv": (["ucdp-20", "ucdp-21", "ucdp-22", "ucdp-23"], {}),
    "ucdp_bom_crlf.csv": (["ucdp-30", "ucdp-31"], {}),
    "acled_utf16.csv": (["acled-SYR200", "acled-SYR201"], {}),
    "ucdp_latin1.csv": (["ucdp-40", "ucdp-41"], {}),
    "acled_truncated_quote.csv": (
        ["acled-SYR300"], {(3, "row"): "quoted field opened here is never closed"}
    ),
    "ucdp_nan_inf_coordinates.csv": (
        ["ucdp-50", "ucdp-56"],
        {(3, "latitude"): "not a number: 'nan'", (4, "longitude"): "not a number: 'inf'",
         (5, "latitude"): "not a number: '-Infinity'", (6, "longitude"): "'1e999' outside",
         (7, "latitude"): "not a number: 'NaN'"},
    ),
    "acled_formulas_html.csv": (["acled-SYR400", "acled-SYR401", "acled-SYR402"], {}),
    "ucdp.csv.gz": (["ucdp-60", "ucdp-61", "ucdp-62"], {}),
    "acled_header_only.csv": ([], {}),
}  # fmt: skip
# file -> words of the one message that says why the file as a whole cannot be imported
UNREADABLE = {
    "empty.csv": "empty file",
    "ucdp_missing_columns.csv": "missing UCDP GED columns: best, high",
    "unknown_format.csv": "unknown format: expected UCDP GED columns",
}
PROBLEM = re.compile(r"(?P<file>.+):(?P<line>\d+): (?P<field>[^:]+): (?P<reason>.+)", re.S)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("import_corpus")
    corpus_script.write_corpus(out)
    return out


def test_every_corpus_file_has_an_expectation():
    expected = set(IMPORTED) | set(UNREADABLE) | {"ucdp_cut_short.csv.gz"}
    assert set(corpus_script.CORPUS) == expected


def test_the_script_writes_the_same_bytes_twice(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "a")], check=True,
                   capture_output=True)  # fmt: skip
    corpus_script.write_corpus(tmp_path / "b")
    for name in corpus_script.CORPUS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_valid_rows_import_and_each_bad_row_is_reported(corpus, name):
    ids, rejected = IMPORTED[name]
    path = corpus / name
    result = import_file(path)
    frame = result.frame()
    assert frame["id"].tolist() == ids
    assert result.counts.imported == len(ids)
    assert result.counts.rejected == len(rejected)
    errors = [p for p in result.problems if p.severity == "error"]
    assert {(p.line, p.field): p.reason for p in errors}.keys() == rejected.keys()
    for problem in result.problems:
        parts = PROBLEM.fullmatch(str(problem))
        assert parts and parts["file"] == str(path), str(problem)
        if problem.severity == "error":
            assert rejected[(problem.line, problem.field)] in problem.reason
        elif "duplicate" in rejected.get((problem.line, "id"), ""):
            raise AssertionError(f"a repeated record is reported once: {problem}")


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_file_that_cannot_be_imported_gives_one_message_naming_it(corpus, name, capsys):
    path = corpus / name
    with pytest.raises(ImportFileError) as caught:
        import_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert UNREADABLE[name] in str(caught.value)
    assert main([str(path), "--out", str(corpus / "out.geojson")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and "Traceback" not in err


@pytest.mark.parametrize("name", sorted(IMPORTED) + sorted(UNREADABLE))
def test_the_app_loads_every_file_or_reports_it(corpus, tmp_path, name):
    """The runtime's path (parse, GeoParquet cache, read back) never raises anything else."""
    path = corpus / name
    try:
        first, problems = load_incident_file(path, cache_dir=tmp_path)
    except ImportFileError as exc:
        assert name in UNREADABLE and str(exc).startswith(f"{path}: ")
        return
    again, cached = load_incident_file(path, cache_dir=tmp_path)  # from the cache
    assert first["id"].tolist() == again["id"].tolist() == IMPORTED[name][0]
    assert cached == problems


def test_counts_that_fit_are_kept_exactly(corpus):
    frame = import_file(corpus / "ucdp_huge_numbers.csv").frame().set_index("id")
    assert frame.loc["ucdp-2", "killed_best"] == 2**31
    assert frame.loc["ucdp-2", "killed_high"] == 2**31


def test_duplicate_ids_keep_the_first_row(corpus):
    frame = import_file(corpus / "ucdp_duplicate_ids.csv").frame().set_index("id")
    assert frame.loc["ucdp-10", "killed_best"] == 3  # not the later row's 9
    assert frame.index.is_unique


def test_an_oversized_field_is_cut_with_a_warning_and_later_lines_stay_right(corpus):
    result = import_file(corpus / "ucdp_oversized_field.csv")
    frame = result.frame().set_index("id")
    assert frame.loc["ucdp-21", "place_en"].startswith("A" * 1000)
    assert "cut to the first 131,072" in frame.loc["ucdp-21", "warnings"]
    warned = {(p.line, p.field) for p in result.problems if p.severity == "warning"}
    assert warned == {(3, "where_description"), (4, "source_article")}
    # Row 22's notes span many physical lines; row 23 still starts where the file says.
    text = (corpus / "ucdp_oversized_field.csv").read_text(encoding="utf-8")
    assert text.splitlines()[-1].startswith("23,")
    assert frame.loc["ucdp-23", "title_en"].startswith("UCDP 23")


def test_encodings_give_the_published_text(corpus):
    utf16 = import_file(corpus / "acled_utf16.csv").frame()
    assert utf16["place_en"].tolist() == ["حلب", "أعزاز"]
    latin = import_file(corpus / "ucdp_latin1.csv")
    place = latin.frame().set_index("id").loc["ucdp-40", "place_en"]
    assert place.startswith("Alep, quartier Salaheddine (été)")
    (warning,) = latin.problems
    assert (warning.line, warning.field, warning.severity) == (2, "where_description", "warning")
    assert "not UTF-8 (byte 0xe9)" in warning.reason
    bom = import_file(corpus / "ucdp_bom_crlf.csv").frame()
    assert bom["place_en"].iloc[0] == "Alep, quartier Bustan al-Qasr, Aleppo governorate"


def test_formulas_and_html_are_kept_as_text(corpus):
    frame = import_file(corpus / "acled_formulas_html.csv").frame().set_index("id")
    assert frame.loc["acled-SYR400", "description_en"] == corpus_script.FORMULA
    assert frame.loc["acled-SYR401", "place_en"] == corpus_script.HTML
    assert frame.loc["acled-SYR402", "description_en"] == "-2+3"
    # Kept as published; written to a spreadsheet, they cannot run.
    for text in frame["description_en"]:
        assert neutralise_csv_cell(text) == "'" + text


def test_a_gzip_cut_short_keeps_what_was_read(corpus):
    path = corpus / "ucdp_cut_short.csv.gz"
    result = import_file(path)
    frame = result.frame()
    assert 100 < len(frame) < 2000
    last_line = result.counts.rows_read + 1
    assert frame["id"].tolist() == [f"ucdp-{70 + i}" for i in range(len(frame))]
    reasons = {(p.line, p.field, p.severity): p.reason for p in result.problems}
    assert "cut short" in reasons[(last_line, "row", "error")]
    assert "reading stopped here" in reasons[(last_line, None, "error")]
    assert all(str(p).startswith(f"{path}:{last_line}: ") for p in result.problems)
