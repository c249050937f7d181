"""Private readers: a file on disk -> text, CSV records with their line numbers, JSON; and
the one writer of generated geodata files (`write_generated`).

Every reader returns what it could read plus a list of `Problem`s; none raises for bad input
(missing file, a directory, wrong encoding, binary garbage, malformed CSV or JSON).
"""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.data._records import read_records
from dashboard.data.model import Problem


@dataclass
class CsvText:
    """The records of one CSV file. `lines[i]` is the line where `rows[i]` starts (header = 1)."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _line_of(data: bytes | str, offset: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1


def read_text(path: Path, label: str) -> tuple[str | None, list[Problem]]:
    """Read `path` as UTF-8 text (a leading BOM is dropped). None plus a Problem if it can't be."""
    if path.is_dir():
        return None, [Problem(label, None, None, "is a directory, expected a file")]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(label, None, None, "file not found")]
    except PermissionError:
        return None, [Problem(label, None, None, "permission denied")]
    except OSError as exc:
        return None, [Problem(label, None, None, f"cannot be read ({exc.strerror or exc})")]
    if not data.strip():
        return None, [Problem(label, None, None, "file is empty")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        reason = f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        return None, [Problem(label, line, None, reason)]
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        # csv and json would fail further on with a less helpful message.
        line = _line_of(text, text.index("\x00"))
        return None, [Problem(label, line, None, "contains NUL bytes (a binary file?)")]
    return text, []


def read_csv_text(path: Path, label: str) -> tuple[CsvText | None, list[Problem]]:
    """Read a CSV file into header + records, each with the line number it starts on.

    Read with the csv module (not pandas) so a quoted field spanning several lines still gives
    the record's true starting line. Blank lines are skipped. A record the csv module cannot
    read (a quote never closed) is reported and left out; a field over its size limit is cut
    with a warning (see `_records`); the records around them are kept.
    """
    text, problems = read_text(path, label)
    if text is None:
        return None, problems
    table: CsvText | None = None
    for start, record, notes in read_records(io.StringIO(text, newline="")):
        for note in notes:
            header = table.header if table else []
            column = note.column if note.column is not None else len(header)
            name = header[column] if column < len(header) else None
            reason = f"not valid CSV: {note.reason}" if note.severity == "error" else note.reason
            problems.append(Problem(label, start, name, reason, note.severity))
        if any(note.severity == "error" for note in notes):
            continue
        if table is None:
            table = CsvText(header=record)
        else:
            table.rows.append(record)
            table.lines.append(start)
    if table is None:
        problems.append(Problem(label, 1, None, "no header row"))
    return table, problems


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def read_json(path: Path, label: str) -> tuple[object, str | None, list[Problem]]:
    """Parse a JSON file. Returns (value, text, problems); value and text are None on failure."""
    text, problems = read_text(path, label)
    if text is None:
        return None, None, problems
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        reason = f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        return None, None, [Problem(label, exc.lineno, None, reason)]
    except ValueError as exc:  # NaN / Infinity, via _reject_constant
        return None, None, [Problem(label, None, None, f"invalid JSON: {exc}")]
    except RecursionError:
        return None, None, [Problem(label, None, None, "invalid JSON: nested too deeply")]
    return value, text, []


_WS = " \t\r\n"


def array_item_lines(text: str, key: str | None, count: int) -> list[int | None]:
    """Line numbers where each item of a JSON array starts.

    The array is the top-level value (`key` None) or the value of the first `"key": [` in the
    text. Falls back to None for every item if the scan does not find `count` items, so a
    Problem never points at a wrong line.
    """
    fallback: list[int | None] = [None] * count
    if key is None:
        pos = len(text) - len(text.lstrip(_WS))
    else:
        match = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
        if match is None:
            return fallback
        pos = match.end() - 1
    if not text.startswith("[", pos):
        return fallback
    decoder = json.JSONDecoder()
    lines: list[int | None] = []
    line, counted_to = 1, 0
    pos += 1
    try:
        while True:
            while text[pos] in _WS + ",":
                pos += 1
            if text[pos] == "]":
                break
            line += text.count("\n", counted_to, pos)
            counted_to = pos
            lines.append(line)
            _, pos = decoder.raw_decode(text, pos)
    except (json.JSONDecodeError, IndexError):
        return fallback
    return lines if len(lines) == count else fallback


def read_shape(geometry: object, types: tuple[str, ...]):
    """(shape, None) for a GeoJSON geometry of one of `types` that reads and is not empty;
    (None, reason) otherwise. Shared by the optional GeoJSON layers (outlines, neighbourhoods)."""
    import shapely.geometry
    from shapely.errors import ShapelyError

    if not isinstance(geometry, dict) or geometry.get("type") not in types:
        return None, f"must be a {' or '.join(types)}"
    try:
        shape = shapely.geometry.shape(geometry)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None, "coordinates cannot be read"
    if shape.is_empty:
        return None, "is empty"
    return shape, None


def write_generated(target: Path, text: str, what: str) -> bool:
    """Write a generated geodata file (LF line ends) and say so; on failure print why,
    naming the file, and return False (the CLI's derive and manifest commands)."""
    try:
        target.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        print(f"{target}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return False
    print(f"wrote {target} ({what})")
    return True
