"""Import UCDP GED and ACLED CSV files as incident layers: library API and `import` command.

`import_file` streams a CSV in chunks of incident rows; `load_incident_file` gives the app a
GeoDataFrame for an extra layer (from a CSV or the import command's GeoJSON), via the cache.
Published values are imported as published: rows that break invariants are kept and flagged;
only rows that cannot be dated or placed are rejected.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data import cache
from dashboard.data.import_acled import ACLED_COLUMNS, ACLED_REQUIRED, convert_acled_chunk
from dashboard.data.import_csv import CsvSource, ImportFileError, RawChunk, layer_slug
from dashboard.data.import_rows import ChunkIssues, ImportCounts, ProblemLog
from dashboard.data.import_ucdp import UCDP_COLUMNS, UCDP_REQUIRED, convert_ucdp_chunk
from dashboard.data.incident_geojson import (
    coerce_incident_columns,
    read_incident_geojson,
    write_incident_geojson,
)
from dashboard.data.model import CRS, INCIDENT_COLUMNS, Problem, errors_of

__all__ = [
    "ImportFileError",
    "ImportResult",
    "detect_format",
    "import_file",
    "load_incident_file",
    "main",
]


@dataclass(frozen=True)
class _Format:
    label: str
    required: tuple[str, ...]
    columns: tuple[str, ...]
    convert: Callable[[pd.DataFrame, ChunkIssues, str], pd.DataFrame]


FORMATS: dict[str, _Format] = {
    "ucdp": _Format("UCDP GED", UCDP_REQUIRED, UCDP_COLUMNS, convert_ucdp_chunk),
    "acled": _Format("ACLED", ACLED_REQUIRED, ACLED_COLUMNS, convert_acled_chunk),
}
GEOJSON_SUFFIXES = (".geojson", ".json")


def detect_format(header: Sequence[str], fmt: str = "auto") -> str:
    """Return `ucdp` or `acled` for a header; raise ImportFileError naming missing columns."""
    names = set(header)
    if fmt == "auto":
        for key, spec in FORMATS.items():
            if names.issuperset(spec.required):
                return key
        shared = set(UCDP_REQUIRED) & set(ACLED_REQUIRED)  # latitude, longitude
        overlap = {k: len((set(s.required) - shared) & names) for k, s in FORMATS.items()}
        fmt = max(overlap, key=overlap.__getitem__)
        if overlap[fmt] < 2:  # too little in common to say which one was meant
            expected = " or ".join(
                f"{s.label} columns ({', '.join(s.required)})" for s in FORMATS.values()
            )
            raise ImportFileError(f"unknown format: expected {expected}")
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}: expected ucdp, acled or auto")
    spec = FORMATS[fmt]
    missing = [c for c in spec.required if c not in names]
    if missing:
        raise ImportFileError(f"missing {spec.label} columns: {', '.join(missing)}")
    return fmt


@dataclass
class ImportResult:
    """One import in progress. `chunks` yields incident frames (INCIDENT_COLUMNS) lazily;
    `log` (counts and problems) fills as they are consumed. Iterate `chunks` once."""

    path: Path
    fmt: str
    dataset: str
    chunks: Iterator[pd.DataFrame]
    log: ProblemLog

    @property
    def counts(self) -> ImportCounts:
        """Rows read, imported, rejected, warnings, killed_best total (so far)."""
        return self.log.counts

    @property
    def problems(self) -> list[Problem]:
        """Rejections (severity error) and warnings, as kept by the log."""
        return self.log.problems

    def frame(self) -> pd.DataFrame:
        """Consume all chunks into one frame (for files that fit in memory)."""
        frames = list(self.chunks)
        if not frames:
            return coerce_incident_columns(pd.DataFrame())
        return pd.concat(frames, ignore_index=True)


def _convert_chunks(
    source: CsvSource, spec: _Format, file: str, dataset: str, log: ProblemLog, chunk_rows: int
) -> Iterator[pd.DataFrame]:
    for raw in source.chunks(spec.columns, chunk_rows):
        issues = ChunkIssues(file, raw.lines, log)
        _apply_notes(issues, raw)
        yield spec.convert(raw.frame, issues, dataset)
    if source.stopped is not None:
        line, reason = source.stopped
        log.add(Problem(file, line, None, f"reading stopped here: {reason}"))


def _apply_notes(issues: ChunkIssues, raw: RawChunk) -> None:
    """Reject or flag the records the reader found wrong (errors first, so a rejected
    record collects no warnings)."""
    for severity in ("error", "warning"):
        for note in raw.notes:
            if note.severity == severity:
                act = issues.reject if severity == "error" else issues.warn
                act(raw.lines == note.line, note.field or "row", note.reason)


def import_file(
    path: Path | str, fmt: str = "auto", *, dataset: str | None = None, chunk_rows: int = 50_000
) -> ImportResult:
    """Open a UCDP GED or ACLED CSV and return its import, streamed in chunks.

    Raises ImportFileError (naming the file) at once if the file is missing, a directory,
    empty, of unknown format or lacking required columns. Whatever is wrong further in is a
    problem of its record (see `import_csv`), never an exception.
    """
    path = Path(path)
    source = CsvSource(path)
    try:
        fmt = detect_format(source.header, fmt)
    except ImportFileError as exc:
        source.close()
        raise ImportFileError(f"{path}: {exc}") from None
    dataset = dataset or layer_slug(path)
    log = ProblemLog()
    chunks = _convert_chunks(source, FORMATS[fmt], str(path), dataset, log, chunk_rows)
    return ImportResult(path, fmt, dataset, chunks, log)


def to_geodataframe(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Incident columns + Point geometry in EPSG:4326 (None where lat/lon are missing)."""
    lon, lat = frame["lon"].to_numpy(), frame["lat"].to_numpy()
    points = gpd.points_from_xy(lon, lat, crs=CRS)
    unmapped = np.isnan(lon) | np.isnan(lat)
    if unmapped.any():
        points[unmapped] = None
    return gpd.GeoDataFrame(frame, geometry=points, crs=CRS)


def _parse_incident_file(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse a CSV or GeoJSON source into incident columns (the cache's miss path)."""
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        try:
            return read_incident_geojson(path, layer_slug(path))
        except (OSError, ValueError, RuntimeError) as exc:
            raise ImportFileError(f"{path}: not a readable GeoJSON ({exc})") from exc
    result = import_file(path)
    return result.frame(), list(result.problems)


def load_incident_file(
    path: Path | str, cache_dir: Path | str | None = None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Load an extra incident layer (UCDP/ACLED CSV or the import command's GeoJSON).

    Converted once to GeoParquet (see `dashboard.data.cache`) and reused while the source is
    unchanged. Returns every INCIDENT_COLUMNS column in its dtype plus Point geometry, and the
    problems found when it was parsed. Raises ImportFileError if the file cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: {'is a directory' if path.is_dir() else 'no such file'}")
    key = cache.source_key(path)
    cached = cache.read_cached(path, key, cache_dir)
    if cached is not None:
        gdf, problems = cached
        for name, dtype in INCIDENT_COLUMNS.items():
            if str(gdf[name].dtype) != dtype:  # parquet has no seconds unit for timestamps
                gdf[name] = gdf[name].astype(dtype)
        return gdf, problems
    frame, problems = _parse_incident_file(path)
    gdf = to_geodataframe(frame)
    cache.write_cached(path, key, gdf, problems, cache_dir)
    return gdf, problems


def _print_summary(result: ImportResult, out: Path, written: int, seconds: float) -> None:
    counts = result.counts
    errors = errors_of(result.problems)
    warnings = [p for p in result.problems if p.severity == "warning"]
    print(f"{result.path}: {FORMATS[result.fmt].label}, layer '{result.dataset}'")
    print(f"rows read: {counts.rows_read}")
    print(f"imported: {counts.imported}")
    print(f"rejected: {counts.rejected}")
    for problem in errors:
        print(f"  {problem}")
    if len(errors) < counts.rejected:
        print(f"  (only the first {len(errors)} rejection reasons are kept)")
    print(f"warnings: {counts.warnings} on {counts.rows_with_warnings} rows")
    for problem in warnings[:20]:
        print(f"  {problem}")
    if counts.warnings > 20:
        print(f"  ... {counts.warnings - 20} more (see each feature's 'warnings' property)")
    print(f"killed_best total: {counts.killed_best_total}")
    rate = counts.rows_read / seconds if seconds > 0 else 0
    print(f"wrote {out} ({written} features) in {seconds:.1f} s ({rate:,.0f} rows/s)")


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard import FILE --out OUT.geojson [--format ...] [--strict]`."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard import", description="Import a UCDP GED or ACLED CSV as GeoJSON."
    )
    parser.add_argument("file", help="UCDP GED or ACLED CSV (UTF-8 or UTF-16, may be .gz)")
    parser.add_argument("--out", required=True, help="GeoJSON file to write")
    parser.add_argument("--format", choices=("auto", "ucdp", "acled"), default="auto")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any row is rejected")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        print(f"error: {out}: the output must be a file in an existing folder", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        result = import_file(args.file, args.format)
        written = write_incident_geojson(result.chunks, out)
    except ImportFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    _print_summary(result, out, written, time.perf_counter() - started)
    return 1 if args.strict and result.counts.rejected else 0
