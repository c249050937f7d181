"""geodata/manifest.json: rows, columns, geometry type and sha256 of every data file.

`python -m dashboard manifest [--geodata DIR]` rewrites it; `check_manifest` compares.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from dashboard.config import DEFAULT_GEODATA
from dashboard.data._io import read_csv_text, read_json, write_generated
from dashboard.data.model import Problem

MANIFEST = "manifest.json"
DATA_SUFFIXES = (".csv", ".geojson", ".json")
_RERUN = "run python -m dashboard manifest"


def data_files(folder: Path) -> list[Path]:
    """The files a manifest describes: csv, geojson and json in `folder` (not manifest.json)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.suffix in DATA_SUFFIXES and p.name != MANIFEST and p.is_file()
            and ".incidents.parquet" not in p.name]  # an import's cache is not data


def _keys(items: list) -> list[str]:
    keys: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):
            keys.update(dict.fromkeys(item))
    return list(keys)


def describe_file(path: Path) -> dict:
    """rows, columns, geometry_type and sha256 of one data file (None where unreadable)."""
    entry: dict = {"rows": None, "columns": None, "geometry_type": None, "sha256": None}
    try:
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return entry
    if path.suffix == ".csv":
        table, _ = read_csv_text(path, path.name)
        if table is not None:
            entry["rows"], entry["columns"] = len(table.rows), table.header
            if {"lat", "lon"} <= set(table.header):
                entry["geometry_type"] = "Point"
        return entry
    value, _, _ = read_json(path, path.name)
    if isinstance(value, dict) and isinstance(value.get("features"), list):
        features = [f for f in value["features"] if isinstance(f, dict)]
        entry["rows"] = len(value["features"])
        entry["columns"] = _keys([f.get("properties") for f in features])
        types = sorted({str(f["geometry"].get("type")) for f in features
                        if isinstance(f.get("geometry"), dict)})
        entry["geometry_type"] = types[0] if len(types) == 1 else (types or None)
    elif isinstance(value, list):
        entry["rows"], entry["columns"] = len(value), _keys(value)
    return entry


def build_manifest(folder: Path) -> dict:
    """The manifest of `folder`, as written to manifest.json."""
    return {"files": {path.name: describe_file(path) for path in data_files(folder)}}


def manifest_text(manifest: dict) -> str:
    """JSON text with stable key order and a final newline."""
    return json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"


def check_manifest(folder: Path, label_prefix: str = "") -> list[Problem]:
    """Compare `folder`'s data files with its manifest.json (none -> no problems)."""
    path = folder / MANIFEST
    if not path.exists():
        return []
    value, _, problems = read_json(path, label_prefix + MANIFEST)
    if problems:
        return problems
    listed = value.get("files") if isinstance(value, dict) else None
    if not isinstance(listed, dict) or not all(isinstance(v, dict) for v in listed.values()):
        return [Problem(label_prefix + MANIFEST, 1, "files",
                        f'must be {{"files": {{name: {{rows, columns, ...}}}}}}; {_RERUN}')]
    actual = build_manifest(folder)["files"]
    for name in sorted(listed.keys() | actual.keys()):
        label = label_prefix + name
        if name not in actual:
            problems.append(Problem(label, None, None, f"listed in manifest.json but missing; "
                                                       f"{_RERUN}"))
        elif name not in listed:
            problems.append(Problem(label, None, None, f"not listed in manifest.json; {_RERUN}"))
        elif actual[name]["sha256"] != listed[name].get("sha256"):
            rows, expected_rows = actual[name]["rows"], listed[name].get("rows")
            detail = f" ({rows} rows, manifest says {expected_rows})" if rows != expected_rows \
                else ""
            problems.append(Problem(label, None, None,
                                    f"sha256 differs from manifest.json{detail}; {_RERUN}"))
        elif actual[name]["rows"] != listed[name].get("rows"):
            problems.append(Problem(label, None, None, f"has {actual[name]['rows']} rows, "
                                    f"manifest.json says {listed[name].get('rows')}; {_RERUN}"))
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard manifest [--geodata DIR]`: rewrite DIR/manifest.json."""
    parser = argparse.ArgumentParser(prog="python -m dashboard manifest", description=__doc__)
    parser.add_argument("--geodata", type=Path, default=DEFAULT_GEODATA, help="geodata folder")
    args = parser.parse_args(argv)
    if not args.geodata.is_dir():
        print(f"{args.geodata}: not a folder", file=sys.stderr)
        return 1
    manifest = build_manifest(args.geodata)
    ok = write_generated(args.geodata / MANIFEST, manifest_text(manifest),
                         f"{len(manifest['files'])} files")
    return 0 if ok else 1
