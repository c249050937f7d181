"""Streaming CSV reading for imports: header, chunks of records, physical line numbers.

The csv module (not pandas) does the parsing because a rejection must name the physical line
where its record starts, and quoted fields may contain newlines, so record number != line.
"""

from __future__ import annotations

import csv
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


class ImportFileError(Exception):
    """The file as a whole cannot be read (the CLI exits 2); the message says why."""


@dataclass
class RawChunk:
    """Records of one chunk: text columns (blank cells are NA) and where each record starts."""

    frame: pd.DataFrame
    lines: np.ndarray  # physical line (1 = header) where each record starts
    ragged: list[tuple[int, int]] = field(default_factory=list)  # (line, field count)


def layer_slug(path: Path | str) -> str:
    """A layer id from a file name: `GED 25.1 Syria.csv` -> `ged_25_1_syria`."""
    slug = re.sub(r"[^a-z0-9]+", "_", Path(path).stem.lower()).strip("_")
    return slug or "import"


def _locate_bad_utf8(path: Path) -> str:
    """Describe where a file first stops being UTF-8 (line and offending byte)."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return "line 1 (the file looks like UTF-16; re-save it as UTF-8)"
        fh.seek(0)
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.start + 1].hex()
                return f"line {number}, byte 0x{bad} at column {exc.start + 1}"
    return "unknown position"


def _check_path(path: Path) -> None:
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if path.is_dir():
        raise ImportFileError(f"{path}: is a directory, expected a CSV file")
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path}: empty file")


class CsvSource:
    """An open CSV file whose header has been read. Iterate `chunks()` once; then `close()`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        _check_path(self.path)
        try:
            # utf-8-sig drops a BOM; newline="" keeps quoted newlines and counts CRLF as one.
            self._fh = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise ImportFileError(f"{self.path}: cannot open ({exc.strerror})") from exc
        self._reader = csv.reader(self._fh)
        try:
            header = self._next_record()
        except BaseException:
            self.close()
            raise
        if header is None:
            self.close()
            raise ImportFileError(f"{self.path}: empty file (no header line)")
        self.header = [name.strip().lower() for name in header]
        self._header_end = self._reader.line_num

    def _next_record(self) -> list[str] | None:
        try:
            for row in self._reader:
                if row and any(cell.strip() for cell in row):
                    return row
        except UnicodeDecodeError as exc:
            where = _locate_bad_utf8(self.path)
            raise ImportFileError(f"{self.path}: bad encoding, not UTF-8 ({where})") from exc
        except csv.Error as exc:
            raise ImportFileError(f"{self.path}:{self._reader.line_num}: {exc}") from exc
        return None

    def close(self) -> None:
        """Close the file (safe to call twice)."""
        self._fh.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def chunks(self, columns: Sequence[str], size: int = 50_000) -> Iterator[RawChunk]:
        """Yield records in chunks of `size`, keeping only `columns` (absent ones are NA)."""
        width = len(self.header)
        index = {name: i for i, name in reversed(list(enumerate(self.header)))}
        present = [name for name in columns if name in index]
        absent = [name for name in columns if name not in index]
        # Keep only the wanted cells at read time: half the strings, half the memory.
        positions = [index[name] for name in present] + [0, 0]  # 2 pads keep tuples
        pick = operator.itemgetter(*positions)
        reader = self._reader
        previous_end = self._header_end
        rows: list[tuple[str, ...]] = []
        lines: list[int] = []
        ragged: list[tuple[int, int]] = []
        try:
            for row in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if not row:  # a blank physical line: not a record
                    continue
                if len(row) != width:
                    ragged.append((start, len(row)))
                    row = (row + [""] * width)[:width]
                rows.append(pick(row))
                lines.append(start)
                if len(rows) >= size:
                    yield _to_chunk(rows, lines, ragged, present, absent)
                    rows, lines, ragged = [], [], []
        except UnicodeDecodeError as exc:
            where = _locate_bad_utf8(self.path)
            raise ImportFileError(f"{self.path}: bad encoding, not UTF-8 ({where})") from exc
        except csv.Error as exc:
            raise ImportFileError(f"{self.path}:{reader.line_num}: unreadable CSV: {exc}") from exc
        finally:
            self.close()
        if rows:
            yield _to_chunk(rows, lines, ragged, present, absent)


def _to_chunk(
    rows: list[tuple[str, ...]],
    lines: list[int],
    ragged: list[tuple[int, int]],
    present: list[str],
    absent: list[str],
) -> RawChunk:
    n = len(rows)
    data = {}
    for name, cells in zip(present, zip(*rows, strict=True), strict=False):
        column = pd.Series(cells, dtype="string")
        # An empty or blank cell means "not reported": NA, never "" or 0.
        data[name] = column.mask(column.str.strip() == "")
    for name in absent:
        data[name] = pd.Series(pd.NA, index=range(n), dtype="string")
    return RawChunk(pd.DataFrame(data), np.asarray(lines, dtype=np.int64), ragged)
