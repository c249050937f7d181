"""Streaming CSV reading for imports: header, chunks of records, physical line numbers.

The csv module (not pandas) does the parsing because a rejection must name the physical line
where its record starts, and quoted fields may contain newlines, so record number != line.
Files may be gzip-compressed, UTF-8 (with or without BOM) or UTF-16 with a BOM; what goes
wrong inside one record (see `_records`) is a note on that record, never the end of the file.
"""

from __future__ import annotations

import gzip
import io
import operator
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np
import pandas as pd

from dashboard.data._records import read_records
from dashboard.data.model import Problem


class ImportFileError(Exception):
    """The file as a whole cannot be read (the CLI exits 2); the message names it and says why."""


@dataclass
class RawChunk:
    """Records of one chunk: text columns (blank cells are NA) and where each record starts."""

    frame: pd.DataFrame
    lines: np.ndarray  # physical line (1 = header) where each record starts
    notes: list[Problem] = field(default_factory=list)  # per record, found while reading


def layer_slug(path: Path | str) -> str:
    """A layer id from a file name: `GED 25.1 Syria.csv` -> `ged_25_1_syria` (`.gz` dropped)."""
    name = Path(path).name.lower().removesuffix(".gz")
    slug = re.sub(r"[^a-z0-9]+", "_", Path(name).stem).strip("_")
    return slug or "import"


def _check_path(path: Path) -> None:
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if path.is_dir():
        raise ImportFileError(f"{path}: is a directory, expected a CSV file")
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path}: empty file")


# What a compressed or cut-short file raises while it is read.
_READ_ERRORS = (OSError, EOFError, zlib.error)


def _open_text(path: Path) -> TextIO:
    """The file as text lines: gzip undone, a UTF-16 BOM honoured, else UTF-8 (BOM dropped)
    with undecodable bytes kept as surrogates for `_records` to report per record."""
    with path.open("rb") as fh:
        compressed = fh.read(2) == b"\x1f\x8b"

    def binary() -> BinaryIO:
        return gzip.open(path, "rb") if compressed else path.open("rb")

    with binary() as fh:
        head = fh.read(2)
    if head in (b"\xff\xfe", b"\xfe\xff"):
        encoding, errors = "utf-16", "replace"
    else:
        encoding, errors = "utf-8-sig", "surrogateescape"
    # newline="" keeps quoted newlines and counts CRLF as one line.
    return io.TextIOWrapper(binary(), encoding=encoding, errors=errors, newline="")


class CsvSource:
    """An open CSV file whose header has been read. Iterate `chunks()` once; then `close()`.

    A read that fails part way (a truncated gzip, an I/O error) ends the records there and
    sets `stopped` to (line, reason); the records before it are kept.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.stopped: tuple[int, str] | None = None
        _check_path(self.path)
        try:
            self._fh = _open_text(self.path)
        except _READ_ERRORS as exc:
            raise ImportFileError(f"{self.path}: cannot be read ({_reason(exc)})") from exc
        self._records = read_records(self._fh)
        try:
            first = next(self._records, None)
        except _READ_ERRORS as exc:
            self.close()
            raise ImportFileError(f"{self.path}: cannot be read ({_reason(exc)})") from exc
        if first is None:
            self.close()
            raise ImportFileError(f"{self.path}: empty file (no header line)")
        _, header, _ = first
        if any("\x00" in name for name in header):
            self.close()
            raise ImportFileError(
                f"{self.path}: NUL characters in the header: UTF-16 without a byte-order "
                "mark? Save the file as UTF-8"
            )
        self.header = [name.strip().lower() for name in header]

    def close(self) -> None:
        """Close the file (safe to call twice)."""
        self._fh.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _field_name(self, column: int | None) -> str:
        if column is None:
            return "row"
        return self.header[column] if column < len(self.header) else f"column {column + 1}"

    def chunks(self, columns: Sequence[str], size: int = 50_000) -> Iterator[RawChunk]:
        """Yield records in chunks of `size`, keeping only `columns` (absent ones are NA)."""
        width = len(self.header)
        index = {name: i for i, name in reversed(list(enumerate(self.header)))}
        present = [name for name in columns if name in index]
        absent = [name for name in columns if name not in index]
        # Keep only the wanted cells at read time: half the strings, half the memory.
        positions = [index[name] for name in present] + [0, 0]  # 2 pads keep tuples
        pick = operator.itemgetter(*positions)
        file = str(self.path)
        rows: list[tuple[str, ...]] = []
        lines: list[int] = []
        notes: list[Problem] = []
        records = self._records
        start = 1
        try:
            while True:
                try:
                    item = next(records, None)
                except _READ_ERRORS as exc:
                    self.stopped = (start, _reason(exc))
                    if lines and lines[-1] == start:  # read up to the cut: it may be partial
                        reason = "the file is cut short in or after this record: rejected"
                        notes.append(Problem(file, start, "row", reason, "error"))
                    break
                if item is None:
                    break
                start, row, row_notes = item
                for note in row_notes:
                    name = self._field_name(note.column)
                    notes.append(Problem(file, start, name, note.reason, note.severity))
                if len(row) != width:
                    reason = f"{len(row)} fields but the header has {width}"
                    notes.append(Problem(file, start, "row", reason, "warning"))
                    row = (row + [""] * width)[:width]
                rows.append(pick(row))
                lines.append(start)
                if len(rows) >= size:
                    yield _to_chunk(rows, lines, notes, present, absent)
                    rows, lines, notes = [], [], []
        finally:
            self.close()
        if rows:
            yield _to_chunk(rows, lines, notes, present, absent)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError | zlib.error):
        return f"the compressed data is cut short or damaged: {exc}"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _to_chunk(
    rows: list[tuple[str, ...]],
    lines: list[int],
    notes: list[Problem],
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
    return RawChunk(pd.DataFrame(data), np.asarray(lines, dtype=np.int64), notes)
