"""Private: read one geodata file (CSV, GeoJSON or scenes JSON) into a validated `Table`.

Frames are indexed by the line each record starts on. For a JSON file whose items don't each
start on their own line (e.g. written on one line), the index is -(item number) instead and
`fix_lines` turns that into "item N" in the Problem.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely
import shapely.geometry
from shapely.errors import ShapelyError

from dashboard.data._io import array_item_lines, read_csv_text, read_json
from dashboard.data._parse import empty_frame, frame_from_csv, json_cell, text_frame
from dashboard.data.model import Problem
from dashboard.data.schema import FileSpec, validate_records

_VIEW_KEYS = ("lat", "lon", "zoom")


@dataclass
class Table:
    """One file, read and validated. `frame` holds only the valid records."""

    spec: FileSpec
    label: str
    present: bool = False  # the file could be read (its records may still be invalid)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    declared: frozenset[str] = frozenset()  # every key in the file, rejected records included
    geometry: dict[int, object] = field(default_factory=dict)  # GeoJSON: line -> shapely geom
    items: dict[int, dict] = field(default_factory=dict)  # scenes.json: line -> the object
    records: int = 0  # records in the file, valid or not

    def reject(self, lines: set[int]) -> None:
        """Leave out the records starting on `lines` (their problems are already recorded)."""
        self.frame = self.frame[~self.frame.index.isin(lines)]

    def bad_geometry_lines(self) -> set[int]:
        """Records whose geometry (or scene view) could not be read."""
        return {line for line, geom in self.geometry.items() if geom is None}


def fix_lines(problems: list[Problem]) -> list[Problem]:
    """Negative "lines" are JSON item numbers: say "item N" instead of pointing at a line."""
    return [
        dataclasses.replace(p, line=None, reason=f"{p.reason} (item {-p.line})")
        if p.line is not None and p.line < 0
        else p
        for p in problems
    ]


def read_table(spec: FileSpec, path: Path, label: str) -> Table:
    """Read and validate one file. Never raises for bad input: everything wrong is a Problem."""
    table = Table(spec, label, frame=empty_frame(spec.kinds))
    suffix = spec.name.rsplit(".", 1)[-1]
    if suffix == "csv":
        raw = _csv_records(table, path)
    else:
        value, text, problems = read_json(path, label)
        table.problems += problems
        if value is None:
            raw = None
        elif suffix == "geojson":
            raw = _geojson_records(table, value, text)
        else:
            raw = _scene_records(table, value, text)
    table.present = raw is not None
    if spec.name == "zones.geojson" and not path.exists():
        table.problems = [dataclasses.replace(p, reason=f"{p.reason}; run python -m dashboard "
                                              "derive") for p in table.problems]
    if raw is not None:
        if spec.key is not None:
            table.declared = frozenset(raw[spec.key].dropna().astype(str))
        reported = {p.line for p in table.problems if p.line is not None}
        frame, problems = validate_records(spec, raw, label, reported)
        table.frame = frame[~frame.index.isin(table.bad_geometry_lines())]
        table.problems += problems
    table.problems = fix_lines(sorted(table.problems, key=line_order))
    return table


def line_order(problem: Problem) -> int:
    """Sort key: file-level problems first, then by line (JSON item numbers last)."""
    return -1 if problem.line is None else problem.line if problem.line > 0 else 10**9


def _csv_records(table: Table, path: Path) -> pd.DataFrame | None:
    text, problems = read_csv_text(path, table.label)
    table.problems += problems
    if text is None:
        return None
    table.records = len(text.rows)
    raw, problems = frame_from_csv(text, list(table.spec.kinds), table.label,
                                   table.spec.may_be_absent)
    table.problems += problems
    return raw


def _item_index(text: str, key: str | None, count: int) -> list[int]:
    lines = array_item_lines(text, key, count)
    if None in lines or len(set(lines)) != count:
        return [-(n + 1) for n in range(count)]
    return [int(line) for line in lines if line is not None]


def _text_frame(rows: list[dict], index: list[int], columns: list[str]) -> pd.DataFrame:
    return text_frame([[row.get(c) for c in columns] for row in rows], index, columns)


def _warn_unknown(table: Table, keys: dict[str, int]) -> None:
    for key, line in keys.items():
        table.problems.append(Problem(table.label, line, key, "unknown property, ignored",
                                      "warning"))


def _geojson_records(table: Table, value: object, text: str | None) -> pd.DataFrame | None:
    label, columns = table.label, list(table.spec.kinds)
    if not (isinstance(value, dict) and value.get("type") == "FeatureCollection"
            and isinstance(value.get("features"), list)):
        table.problems.append(Problem(label, 1, None, "not a GeoJSON FeatureCollection"))
        return None
    features = value["features"]
    table.records = len(features)
    index = _item_index(text or "", "features", len(features))
    rows, kept, unknown = [], [], {}
    for feature, line in zip(features, index, strict=True):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            table.problems.append(Problem(label, line, None, "not a Feature with properties"))
            continue
        geometry, reason = _shape(feature.get("geometry"), table.spec.geometry_types)
        if reason:
            table.problems.append(Problem(label, line, "geometry", reason))
        table.geometry[line] = geometry
        rows.append({key: json_cell(properties.get(key)) for key in columns})
        kept.append(line)
        for key in properties.keys() - set(columns):
            unknown.setdefault(key, line)
    _warn_unknown(table, unknown)
    return _text_frame(rows, kept, columns)


def _shape(geometry: object, allowed: tuple[str, ...]) -> tuple[object, str | None]:
    """A shapely geometry from GeoJSON, or (None, why not)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in allowed:
        return None, "geometry must be a GeoJSON " + " or ".join(allowed)
    try:
        shape = shapely.geometry.shape(geometry)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        return None, f"invalid {geometry['type']} coordinates ({exc})"
    if shape.is_empty:
        return None, "geometry is empty"
    west, south, east, north = shape.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None, "coordinates must be lon -180..180, lat -90..90 (lon first)"
    if not shape.is_valid:
        return None, f"invalid geometry ({shapely.is_valid_reason(shape)})"
    return shape, None


def _scene_records(table: Table, value: object, text: str | None) -> pd.DataFrame | None:
    label, columns = table.label, list(table.spec.kinds)
    if not isinstance(value, list):
        table.problems.append(Problem(label, 1, None, "must be a JSON list of scenes"))
        return None
    table.records = len(value)
    index = _item_index(text or "", None, len(value))
    rows, kept, unknown = [], [], {}
    known = {c for c in columns if not c.startswith("view_")} | {"view"}
    for item, line in zip(value, index, strict=True):
        if not isinstance(item, dict):
            table.problems.append(Problem(label, line, None, "a scene must be a JSON object"))
            continue
        row = {key: json_cell(item.get(key)) for key in columns if not key.startswith("view_")}
        view = item.get("view")
        if isinstance(view, dict):
            row.update({f"view_{key}": json_cell(view.get(key)) for key in _VIEW_KEYS})
        elif view is not None:
            table.problems.append(Problem(label, line, "view", "must be {lat, lon, zoom}"))
            table.geometry[line] = None  # reject, via the same path as a bad geometry
        rows.append(row)
        kept.append(line)
        table.items[line] = item
        for key in item.keys() - known:
            unknown.setdefault(key, line)
    _warn_unknown(table, unknown)
    return _text_frame(rows, kept, columns)
