"""Make user-facing outputs safe: spreadsheet cells that cannot run formulas.

Pure functions, no I/O. The table's CSV download writes every cell through it.
"""

from __future__ import annotations

import numbers
import re

# A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection,
# OWASP "CSV Injection"); tab and carriage return are on the list because some programs strip
# them and then read the next character as the start of the cell.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# Text that is really a number keeps its sign: "-12" or "-3.5e2" is data, not a formula.
_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")



def neutralise_csv_cell(value):
    """Return `value` safe to write into a CSV cell that a spreadsheet will open.

    Text starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, which
    spreadsheets display as text instead of evaluating. Numbers (including negative numbers,
    whether stored as numbers or as plain numeric text) and missing values are returned
    unchanged.
    """
    if value is None or isinstance(value, bool | numbers.Number):
        return value
    if not isinstance(value, str):
        return value
    if not value.startswith(FORMULA_PREFIXES):
        return value
    if _NUMBER_TEXT.fullmatch(value):
        return value
    return "'" + value
