"""Make user-facing outputs safe: spreadsheet cells that cannot run formulas, file names that
cannot escape the export folder.

Pure functions, no I/O.
"""

from __future__ import annotations

import numbers
import re
import unicodedata

import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection,
# OWASP "CSV Injection"); tab and carriage return are on the list because some programs strip
# them and then read the next character as the start of the cell.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# Text that is really a number keeps its sign: "-12" or "-3.5e2" is data, not a formula.
_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

MAX_FILENAME_LENGTH = 120
_FILENAME_CHARS = re.compile(r"[A-Za-z0-9._-]+")


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


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are neutralised for CSV export.

    Numeric columns are left as they are; the input frame is not modified.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.map(neutralise_csv_cell, na_action="ignore")
    out.columns = [
        neutralise_csv_cell(c) if isinstance(c, str) else c for c in out.columns
    ]
    return out


def safe_filename(name: str, *, max_length: int = MAX_FILENAME_LENGTH) -> str:
    """Return `name` if it is safe to use as a file name inside an export folder.

    Accepts letters, digits, `.`, `_` and `-` only (non-ASCII letters are reduced to ASCII
    first); raises `ValueError` naming the reason for anything that could point outside the
    folder or confuse a shell or a browser download.
    """
    if not isinstance(name, str):
        raise ValueError(f"file name must be text, not {type(name).__name__}")
    if not name or not name.strip():
        raise ValueError("file name is empty")
    if "/" in name or "\\" in name:
        raise ValueError(f"file name {name!r} contains a path separator")
    if "\x00" in name:
        raise ValueError("file name contains a NUL character")
    if name in (".", "..") or ".." in name:
        raise ValueError(f"file name {name!r} contains '..'")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = ascii_name.strip().replace(" ", "_")
    if not _FILENAME_CHARS.fullmatch(ascii_name or "?"):
        bad = sorted({c for c in ascii_name if not _FILENAME_CHARS.fullmatch(c)})
        raise ValueError(f"file name {name!r} has characters outside A-Z a-z 0-9 . _ -: {bad}")
    if ascii_name.startswith((".", "-")):
        raise ValueError(f"file name {name!r} starts with {ascii_name[0]!r}")
    if len(ascii_name) > max_length:
        raise ValueError(f"file name is {len(ascii_name)} characters long (limit {max_length})")
    if ".." in ascii_name:
        raise ValueError(f"file name {name!r} contains '..'")
    return ascii_name

