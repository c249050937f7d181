"""Spreadsheet cells that cannot run formulas, and the table download that writes them."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.callbacks.table import rows_to_csv
from dashboard.components.table import COLUMNS
from dashboard.safety import neutralise_csv_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
     ("-2+3", "'-2+3"), ("\tx", "'\tx"), ("\r=x", "'\r=x"), ("-12", "-12"), ("-3.5e2", "-3.5e2"),
     ("+7", "+7"), ("Aleppo", "Aleppo"), ("", ""), (-12, -12), (3.5, 3.5), (None, None)],
)  # fmt: skip
def test_neutralise_csv_cell(value, expected):
    assert neutralise_csv_cell(value) == expected


def test_table_download_disarms_formulas_and_keeps_numbers():
    rows = [{"title": '=HYPERLINK("http://x","y")', "killed": -3},
            {"title": "<b>Aleppo</b>", "killed": None}]  # fmt: skip
    header, first, second = csv.reader(io.StringIO(rows_to_csv(rows)))
    title, killed = COLUMNS.index("title"), COLUMNS.index("killed")
    assert header == list(COLUMNS)
    assert first[title] == '\'=HYPERLINK("http://x","y")' and first[killed] == "-3"
    assert second[title] == "<b>Aleppo</b>" and second[killed] == ""
