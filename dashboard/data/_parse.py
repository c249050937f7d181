"""Private helpers: text cells -> typed columns, and pandera failure cases -> Problems.

A frame here is indexed by the LINE number each record starts on, so every pandera failure
case (which carries the index) already says where the record is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping

import pandas as pd

from dashboard.data._io import CsvText
from dashboard.data.model import Problem

# Syria kept UTC+3 (EEST) throughout April-May 2016; date-times are shown in that offset.
LOCAL_TZ = "Etc/GMT-3"

KIND_DTYPES: dict[str, str] = {
    "str": "string",
    "list": "string",  # ';'-separated ids, kept as text (as in INCIDENT_COLUMNS)
    "int": "Int64",
    "float": "Float64",
    "date": "datetime64[s]",
    "datetime": f"datetime64[s, {LOCAL_TZ}]",
    "bool": "boolean",
}

_PATTERNS = {
    "int": (r"[+-]?\d+", "not a whole number"),
    "float": (r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", "not a number"),
    "date": (r"\d{4}-\d{2}-\d{2}", "not a date (expected YYYY-MM-DD)"),
    "datetime": (
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)",
        "not a date-time with offset (expected YYYY-MM-DDTHH:MM+03:00)",
    ),
    "bool": (r"(?i:true|false)", "expected true or false"),
}


_MAX_DIGITS = 15  # whole numbers beyond this are surely typos (and would overflow int64)


def empty_frame(kinds: Mapping[str, str]) -> pd.DataFrame:
    """A frame with no rows and the typed columns of `kinds`."""
    return pd.DataFrame(
        {name: pd.Series(dtype=KIND_DTYPES[kind]) for name, kind in kinds.items()},
        index=pd.Index([], dtype="int64", name="line"),
    )


def frame_from_csv(
    table: CsvText, columns: list[str], label: str, may_be_absent: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Text frame (all "string", empty -> NA) of the records; None if the header is unusable.
    Columns in `may_be_absent` missing from the header are all NA."""
    problems: list[Problem] = []
    header = table.header
    duplicated = sorted({name for name in header if header.count(name) > 1})
    missing = [name for name in columns if name not in header and name not in may_be_absent]
    for name in duplicated:
        problems.append(Problem(label, 1, name, "column appears more than once"))
    if missing:
        problems.append(Problem(label, 1, ", ".join(missing), "missing column(s); file skipped"))
    if duplicated or missing:
        return None, problems
    for name in header:
        if name not in columns:
            problems.append(Problem(label, 1, name, "unknown column, ignored", "warning"))
    positions = [header.index(name) if name in header else None for name in columns]
    rows, lines = [], []
    for record, line in zip(table.rows, table.lines, strict=True):
        if len(record) != len(header):
            reason = f"has {len(record)} fields, the header has {len(header)}; record skipped"
            problems.append(Problem(label, line, None, reason))
        else:
            rows.append([None if i is None else record[i] for i in positions])
            lines.append(line)
    return text_frame(rows, lines, columns), problems


def text_frame(rows: list[list[str | None]], lines: list[int], columns: list[str]) -> pd.DataFrame:
    """A frame of "string" columns indexed by line; empty or whitespace-only cells become NA."""
    cleaned = [[cell if cell is not None and cell.strip() else None for cell in row]
               for row in rows]
    return pd.DataFrame(cleaned, columns=columns, index=pd.Index(lines, dtype="int64",
                                                                 name="line"), dtype="string")


def json_cell(value: object) -> str | None:
    """A JSON property value as the text a CSV cell would hold (lists joined with ';')."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ";".join(str(json_cell(item)) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def parse_cells(
    raw: pd.DataFrame, kinds: Mapping[str, str], label: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert text columns to their kinds' dtypes; each cell that doesn't parse is a Problem."""
    typed: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for name, kind in kinds.items():
        text = raw[name] if name in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
        if kind in ("str", "list"):
            typed[name] = text.astype("string")
            continue
        stripped = text.str.strip()
        pattern, reason = _PATTERNS[kind]
        ok = stripped.str.fullmatch(pattern).fillna(False).astype(bool)
        candidate = stripped.where(ok)
        values = _convert(candidate, kind)
        bad = text.notna() & values.isna()
        for line, cell in text[bad].items():
            problems.append(Problem(label, int(line), name, f"{reason}: {cell!r}"))
        typed[name] = values
    return pd.DataFrame(typed, index=raw.index), problems


def _convert(text: pd.Series, kind: str) -> pd.Series:
    if kind == "int":
        # One by one, so a huge number is refused instead of wrapping around in int64.
        numbers = [int(v) if isinstance(v, str) and len(v.lstrip("+-")) <= _MAX_DIGITS else None
                   for v in text]
        return pd.Series(pd.array(numbers, dtype="Int64"), index=text.index)
    if kind == "float":
        values = pd.to_numeric(text, errors="coerce").astype("Float64")
        return values.mask(~values.isna() & ~values.abs().lt(math.inf))
    if kind == "date":
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        return parsed.astype("datetime64[s]")
    if kind == "datetime":
        parsed = pd.to_datetime(text.astype(object), utc=True, format="ISO8601", errors="coerce")
        return parsed.dt.tz_convert(LOCAL_TZ).astype(KIND_DTYPES["datetime"])
    lowered = text.str.lower()
    return lowered.map({"true": True, "false": False}).astype("boolean")


def _shown(value: object) -> str:
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        value = value.item()  # numpy scalar -> Python, so it prints as 9 not np.int64(9)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f" (got {value.isoformat()})"
    return f" (got {value!r})" if not isinstance(value, str) else f" (got '{value}')"


def failures_to_problems(
    cases: pd.DataFrame,
    label: str,
    warn_if_empty: Collection[str] = (),
    unparsed_lines: Collection[int] = (),
) -> list[Problem]:
    """Turn pandera's `failure_cases` into Problems, one per record and check.

    Row-level checks are built with an error text `"field: reason"` (see schema.row_check);
    pandera repeats them once per column, so they are de-duplicated here. They are skipped on
    `unparsed_lines` (a cell there is NA only because it didn't parse: already reported).
    """
    problems: list[Problem] = []
    seen: set[tuple[object, str, str]] = set()
    for case in cases.itertuples(index=False):
        line = None if pd.isna(case.index) else int(case.index)
        column = None if pd.isna(case.column) else str(case.column)
        check = str(case.check)
        severity = "error"
        if case.schema_context == "DataFrameSchema" and ": " in check:
            if line in unparsed_lines:
                continue
            field_name, reason = check.split(": ", 1)
        elif check == "not_nullable":
            field_name, reason = column, "required, but empty"
            if column in warn_if_empty:
                severity, reason = "warning", "empty (should be filled in)"
        elif check == "field_uniqueness":
            field_name, reason = column, f"duplicate {column}{_shown(case.failure_case)}"
        elif line is None:
            field_name, reason = column, f"column check failed: {check}"
        else:
            field_name, reason = column, check + _shown(case.failure_case)
        key = (line, field_name or "", reason)
        if key not in seen:
            seen.add(key)
            problems.append(Problem(label, line, field_name, reason, severity))
    return problems
