"""Private: CSV records with the physical line each starts on, surviving hostile files.

The csv module parses; this module catches what it refuses or gets wrong, one record at a
time, so a bad record is a note on that record and never stops the file:

- a field over the csv module's size limit (131,072 characters by default) is cut to the
  limit with a warning (the module would raise and lose the rest of the file);
- a file that ends inside a quoted field (cut short) has its last record rejected;
- bytes that are not UTF-8 (files opened with `errors="surrogateescape"`) are read as
  Windows-1252, the usual encoding of a CSV re-saved by a spreadsheet, with a warning.

Blank lines are skipped. Notes name the record's first line and, where known, the column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# A lone surrogate is an undecodable byte kept by errors="surrogateescape".
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_FIELD_END = re.compile(r"[,\r\n]")
_START, _IN_FIELD, _IN_QUOTED, _QUOTE_IN_QUOTED = range(4)


@dataclass(frozen=True)
class RecordNote:
    """Something wrong with one record: `severity` "error" rejects it, "warning" keeps it."""

    line: int
    column: int | None  # position in the record, None for the record as a whole
    reason: str
    severity: str = "warning"


class _Lines:
    """Numbered physical lines; `taken` holds the lines read since `forget()` was last called
    (the current record's). A generator feeds the csv module: cheaper than a __next__ call."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.taken: list[str] = []
        self._before = 0
        self.iterator = self._read(iter(lines))

    def _read(self, lines: Iterator[str]) -> Iterator[str]:
        keep = self.taken.append
        for line in lines:
            keep(line)
            yield line

    @property
    def number(self) -> int:
        """The number of the last line read (0 before the first)."""
        return self._before + len(self.taken)

    def forget(self) -> None:
        self._before += len(self.taken)
        self.taken.clear()


def _has_escaped_bytes(lines: list[str]) -> bool:
    return any(not line.isascii() and _ESCAPED_BYTE.search(line) for line in lines)


class _Splitter:
    """The csv module's default (excel) dialect by hand, one line at a time, for the records
    the module refuses. Fields are kept up to `limit` characters; `lengths` has their sizes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.fields: list[str] = []
        self.lengths: list[int] = []
        self._parts: list[str] = []
        self._size = 0
        self.state = _START

    def _add(self, text: str) -> None:
        room = self.limit - self._size
        if room > 0:
            self._parts.append(text[:room])
        self._size += len(text)

    def _save(self) -> None:
        self.fields.append("".join(self._parts))
        self.lengths.append(self._size)
        self._parts, self._size = [], 0

    def feed(self, line: str) -> bool:
        """Parse one physical line; True once the record is complete."""
        i, n = 0, len(line)
        while i < n:
            if self.state == _IN_QUOTED:
                j = line.find('"', i)
                if j < 0:
                    self._add(line[i:])
                    return False
                self._add(line[i:j])
                self.state, i = _QUOTE_IN_QUOTED, j + 1
                continue
            if self.state == _QUOTE_IN_QUOTED:
                if line[i] == '"':  # a doubled quote inside quotes
                    self._add('"')
                    self.state, i = _IN_QUOTED, i + 1
                    continue
                self.state = _IN_FIELD  # the quote closed the field; what follows is read on
            elif self.state == _START and line[i] == '"':
                self.state, i = _IN_QUOTED, i + 1
                continue
            match = _FIELD_END.search(line, i)
            end = match.start() if match else n
            self._add(line[i:end])
            self.state, i = _IN_FIELD, end + 1
            if match and line[end] == ",":
                self._save()
                self.state = _START
            elif match:
                self._save()
                return True
        return False

    def finish(self) -> bool:
        """End of file: save the last field; False if it was still inside quotes."""
        closed = self.state != _IN_QUOTED
        if self.state != _START or self.fields:
            self._save()
        return closed


def _recover(lines: _Lines, start: int, limit: int) -> tuple[list[str], list[RecordNote]]:
    """Re-read the record the csv module refused, from its first line, by hand."""
    splitter = _Splitter(limit)
    done = False
    for line in lines.taken:
        done = splitter.feed(line)
    lines.forget()  # the lines are parsed as they come; don't keep them twice
    while not done:
        try:
            line = next(lines.iterator)
        except StopIteration:
            break
        lines.forget()
        done = splitter.feed(line)
    notes = []
    if not done and not splitter.finish():
        notes.append(_unclosed(start, lines.number))
    for column, length in enumerate(splitter.lengths):
        if length > limit:
            reason = (f"{length:,} characters, over the CSV field limit of {limit:,}: "
                      f"cut to the first {limit:,}")  # fmt: skip
            notes.append(RecordNote(start, column, reason))
    return splitter.fields, notes


def _unclosed(start: int, last: int) -> RecordNote:
    reason = (f"a quoted field opened here is never closed (the file ends at line {last}, "
              "cut short?): record rejected")  # fmt: skip
    return RecordNote(start, None, reason, "error")


def _ends_inside_quotes(taken: list[str]) -> bool:
    """True if these lines (a whole record) leave a quoted field open."""
    quotes = taken[0].count('"') if len(taken) == 1 else sum(t.count('"') for t in taken)
    if quotes % 2 == 0:
        return False  # the usual case: quotes come in pairs
    splitter = _Splitter(0)
    done = False
    for line in taken:
        done = splitter.feed(line)
    return not done and not splitter.finish()


def _redecode(record: list[str], start: int) -> tuple[list[str], list[RecordNote]]:
    notes = []
    for column, cell in enumerate(record):
        if not _ESCAPED_BYTE.search(cell):
            continue
        raw = cell.encode("utf-8", "surrogateescape")
        try:
            raw.decode("utf-8")
            bad = 0
        except UnicodeDecodeError as exc:
            bad = raw[exc.start]
        record[column] = raw.decode("cp1252", errors="replace")
        reason = (f"not UTF-8 (byte 0x{bad:02x}): read as Windows-1252 "
                  f"{record[column][:40]!r}; save the file as UTF-8")  # fmt: skip
        notes.append(RecordNote(start, column, reason))
    return record, notes


def read_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str], list[RecordNote]]]:
    """Yield (first line, fields, notes) for each non-blank record of CSV `lines`.

    `lines` are physical lines with their line ends (a file opened with `newline=""`).
    Never raises csv.Error; errors from `lines` itself (I/O, decoding) propagate.
    """
    source = _Lines(lines)
    reader = csv.reader(source.iterator)
    while True:
        start = source.number + 1
        source.forget()
        notes: list[RecordNote] = []
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # Over the field limit, usually; the module's reader starts afresh on the next line.
            record, notes = _recover(source, start, csv.field_size_limit())
            escaped = _has_escaped_bytes(record)
        else:
            if len(record) <= 1 and not (record and record[0].strip()):
                continue  # a blank line
            if _ends_inside_quotes(source.taken):
                notes.append(_unclosed(start, source.number))
            escaped = _has_escaped_bytes(source.taken)
        if escaped:
            record, more = _redecode(record, start)
            notes.extend(more)
        yield start, record, notes
