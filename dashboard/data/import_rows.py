"""Shared pieces of the UCDP and ACLED importers: counts, per-row issues, parsers, columns.

Everything works on whole chunk columns (vectorised); Python loops only visit flagged rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.data.model import INCIDENT_COLUMNS, Problem

DATE_COLUMNS = tuple(c for c, t in INCIDENT_COLUMNS.items() if t.startswith("datetime64"))

# A date, optionally followed by a time (UCDP CSV releases write `2016-04-22 00:00:00.000`).
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# The largest count kept: every whole number up to it is exact in float64 and in the
# browser's numbers. A larger one (10^20, 1e400) would be changed by storing it.
MAX_COUNT = 2**53 - 1


@dataclass
class ImportCounts:
    """Tallies for one import, exact however many problems are kept."""

    rows_read: int = 0
    imported: int = 0
    rejected: int = 0
    warnings: int = 0  # warning messages (a row may have several)
    rows_with_warnings: int = 0
    killed_best_total: int = 0


@dataclass
class ProblemLog:
    """Problems of one import. Keeps the first `keep_*` of each kind so memory stays bounded."""

    counts: ImportCounts = field(default_factory=ImportCounts)
    problems: list[Problem] = field(default_factory=list)
    keep_errors: int = 100_000
    keep_warnings: int = 10_000
    _kept: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0})
    # Line where each kept event id first appeared: duplicates are found across chunks.
    first_lines: dict[str, int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        """Record a problem if under the limit for its severity."""
        limit = self.keep_errors if problem.severity == "error" else self.keep_warnings
        if self._kept[problem.severity] < limit:
            self._kept[problem.severity] += 1
            self.problems.append(problem)


# A reason: fixed text, one text per row, or a function making those only if a row is flagged.
Reasons = str | pd.Series | Callable[[], pd.Series]


class ChunkIssues:
    """Rejections and warnings for the rows of one chunk, addressed by boolean masks."""

    def __init__(self, file: str, lines: np.ndarray, log: ProblemLog) -> None:
        self.file = file
        self.lines = lines
        self.log = log
        self.rejected = np.zeros(len(lines), dtype=bool)
        self._repeated = np.zeros(len(lines), dtype=bool)
        self._row_warnings: dict[int, list[str]] = {}
        # (row, problem), logged in line order by finish()
        self._problems: list[tuple[int, Problem]] = []

    def _visit(self, mask, reasons):
        mask = np.asarray(mask, dtype=bool)
        rows = np.flatnonzero(mask)
        if not len(rows):  # the usual case: don't build the messages at all
            return rows, []
        if callable(reasons):
            reasons = reasons()
        if isinstance(reasons, str):
            texts = [reasons] * len(rows)
        else:
            texts = [str(t) for t in pd.Series(reasons).to_numpy()[mask]]
        return rows, texts

    def reject(self, mask, field_name: str, reasons: Reasons) -> None:
        """Reject the rows in `mask` (not already rejected) for `reasons` about `field_name`."""
        mask = np.asarray(mask, dtype=bool) & ~self.rejected
        rows, texts = self._visit(mask, reasons)
        for row, text in zip(rows, texts, strict=True):
            problem = Problem(self.file, int(self.lines[row]), field_name, text)
            self._problems.append((int(row), problem))
        self.rejected |= mask

    def warn(self, mask, field_name: str, reasons: Reasons) -> None:
        """Flag the kept rows in `mask`: the row is imported unchanged, the reason recorded."""
        mask = np.asarray(mask, dtype=bool) & ~self.rejected
        rows, texts = self._visit(mask, reasons)
        for row, text in zip(rows, texts, strict=True):
            # The warnings column is ';'-separated, so a ';' quoted from the data must go.
            text = text.replace(";", ",")
            self._row_warnings.setdefault(int(row), []).append(f"{field_name}: {text}")
            line = int(self.lines[row])
            self._problems.append((int(row), Problem(self.file, line, field_name, text, "warning")))

    def reject_repeated_ids(self, ids: pd.Series, field_name: str) -> None:
        """Reject a row whose id a kept row above it already has (the first one is kept)."""
        first = self.log.first_lines
        values = ids.to_numpy(dtype=object)
        mask = np.zeros(len(values), dtype=bool)
        reasons = [""] * len(values)
        for row in np.flatnonzero(~self.rejected):
            line = int(self.lines[row])
            seen = first.setdefault(values[row], line)
            if seen != line:
                mask[row] = True
                reasons[row] = f"duplicate id '{values[row]}' (first on line {seen}): rejected"
        self.reject(mask, field_name, pd.Series(reasons))
        self._repeated |= mask

    def warnings_column(self) -> pd.Series:
        """The `warnings` column: ';'-joined messages of kept rows, NA where none."""
        out = pd.Series(pd.NA, index=range(len(self.lines)), dtype="string")
        for row, texts in self._row_warnings.items():
            if not self.rejected[row]:
                out.iat[row] = ";".join(texts)
        return out

    def finish(self, kept: pd.DataFrame) -> pd.DataFrame:
        """Count this chunk into the log and return the kept rows with a fresh index."""
        for row, problem in sorted(self._problems, key=lambda item: item[1].line):
            # A repeated record is reported once, as repeated (its warnings are the first's).
            if problem.severity == "error" or not self._repeated[row]:
                self.log.add(problem)
        counts = self.log.counts
        counts.rows_read += len(self.lines)
        counts.rejected += int(self.rejected.sum())
        counts.imported += len(kept)
        kept_rows = [r for r in self._row_warnings if not self.rejected[r]]
        counts.rows_with_warnings += len(kept_rows)
        counts.warnings += sum(len(self._row_warnings[r]) for r in kept_rows)
        # Python ints: many counts near MAX_COUNT would wrap around in an int64 sum.
        counts.killed_best_total += sum(map(int, kept["killed_best"].dropna()))
        return kept.reset_index(drop=True)


def quoted(raw: pd.Series) -> pd.Series:
    """`'value'` for messages, the raw cell truncated to keep messages short."""
    return "'" + raw.fillna("").str.slice(0, 40) + "'"


def parse_dates(raw: pd.Series, extra_formats: Sequence[str] = ()) -> pd.Series:
    """Parse ISO dates (an ISO time part is allowed and dropped), then `extra_formats`."""
    text = raw.str.strip()
    # fullmatch/slice run in pyarrow; str.extract would fall back to Python per row.
    iso = text.str.slice(0, 10).where(text.str.fullmatch(_ISO_DATE).fillna(False))
    out = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    for fmt in extra_formats:
        todo = out.isna() & raw.notna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(raw[todo].str.strip(), format=fmt, errors="coerce")
    return out.astype("datetime64[s]")


def to_float(raw: pd.Series) -> pd.Series:
    """Text -> float64, NaN where the cell is empty or not a plain decimal number."""
    text = raw.str.strip()
    # Checked with a regex then cast in pyarrow: pd.to_numeric on text is a Python loop.
    valid = text.str.fullmatch(_NUMBER).fillna(False)
    return text.where(valid).astype("float64")


def parse_coordinates(issues: ChunkIssues, raw: pd.Series, name: str, limit: float) -> pd.Series:
    """Parse a latitude/longitude column; reject rows where it is missing, text or out of range."""
    value = to_float(raw)
    issues.reject(raw.isna(), name, "missing: the event cannot be placed")
    issues.reject(value.isna(), name, lambda: "not a number: " + quoted(raw))
    issues.reject(
        value.abs() > limit, name, lambda: quoted(raw) + f" outside -{limit:g}..{limit:g}"
    )
    return value


def parse_counts(issues: ChunkIssues, raw: pd.Series, name: str) -> pd.Series:
    """Parse a whole-number column (deaths); text or fractions warn and become NA; a number
    too large to keep exactly (over MAX_COUNT) rejects the row."""
    number = to_float(raw)
    issues.reject(
        number.abs() > MAX_COUNT,
        name,
        lambda: quoted(raw) + f" is too large to store exactly (over {MAX_COUNT:,}): rejected",
    )
    whole = np.isfinite(number) & (number % 1 == 0) & (number.abs() <= MAX_COUNT)
    issues.warn(
        raw.notna() & ~whole, name, lambda: "not a whole number: " + quoted(raw) + ", left empty"
    )
    issues.warn(
        whole & (number < 0), name, lambda: "negative: " + quoted(raw) + ", kept as published"
    )
    return number.where(whole).astype("Int64")


def parse_code(issues: ChunkIssues, raw: pd.Series, name: str, valid: Sequence[int]) -> pd.Series:
    """Parse a small code (precision, type); unknown codes warn and are kept if they fit."""
    number = to_float(raw)
    fits = number.between(-128, 127) & (number % 1 == 0)
    issues.warn(raw.isna(), name, "missing")
    issues.warn(raw.notna() & ~fits, name, lambda: "not a code: " + quoted(raw) + ", left empty")
    allowed = ", ".join(str(v) for v in valid)
    unknown = fits & ~number.isin(list(valid))
    issues.warn(unknown, name, lambda: quoted(raw) + f" is not one of {allowed}, kept as published")
    return number.where(fits).astype("Int8")


def join_nonempty(parts: Sequence[pd.Series], sep: str) -> pd.Series:
    """Join string columns row by row with `sep`, skipping NA parts; NA if all are NA."""
    out = parts[0].astype("string")
    for part in parts[1:]:
        both = out.notna() & part.notna()
        out = out.fillna(part).where(~both, out + sep + part)
    return out


def incident_frame(columns: dict[str, object], n: int) -> pd.DataFrame:
    """A frame with every INCIDENT_COLUMNS column (missing ones NA) in its project dtype."""
    data = {}
    for name, dtype in INCIDENT_COLUMNS.items():
        value = columns.get(name)
        if isinstance(value, pd.Series):
            data[name] = value.reset_index(drop=True).astype(dtype)
        elif value is None:
            data[name] = pd.Series(index=range(n), dtype=dtype)
        else:
            data[name] = pd.Series(value, index=range(n), dtype=dtype)
    return pd.DataFrame(data)
