"""GeoParquet cache of imported incident files, so a large CSV is parsed once, not per start.

The cache sits next to its source (`<file>.incidents.parquet`) or, where that folder is not
writable, in the configured cache dir. A sidecar `<cache>.json` holds the key (source path,
size, mtime_ns, CACHE_FORMAT_VERSION), the parquet's own size/mtime (so a half-replaced pair
is never trusted) and the problems found at parse time. Both are written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from functools import partial
from pathlib import Path

import geopandas as gpd
import pyarrow as pa

from dashboard.data.model import Problem

# Bump when the cached columns or their meaning change: old caches are then rebuilt.
CACHE_FORMAT_VERSION = 1
SUFFIX = ".incidents.parquet"


def source_key(source: Path | str) -> dict[str, object]:
    """What must be unchanged for a cache of `source` to be reused."""
    source = Path(source).resolve()
    stat = source.stat()
    return {
        "path": str(source),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "version": CACHE_FORMAT_VERSION,
    }


def cache_locations(source: Path | str, cache_dir: Path | str | None = None) -> list[Path]:
    """Where a cache of `source` may be: next to it first, then in the cache dir."""
    source = Path(source).resolve()
    if cache_dir is None:
        from dashboard.config import load_config  # read the environment only when needed

        cache_dir = load_config().cache_dir
    digest = hashlib.sha256(str(source).encode()).hexdigest()[:16]
    from dashboard.config import DEFAULT_GEODATA

    if source.parent == Path(DEFAULT_GEODATA).resolve():
        # A layer shipped in geodata/ (a reviewed, versioned folder): cache it elsewhere.
        return [Path(cache_dir) / f"{source.name}.{digest}{SUFFIX}"]
    return [
        source.with_name(source.name + SUFFIX),
        Path(cache_dir) / f"{source.name}.{digest}{SUFFIX}",
    ]


def _sidecar(parquet: Path) -> Path:
    return parquet.with_name(parquet.name + ".json")


def _file_stamp(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def read_cached(
    source: Path | str, key: dict[str, object], cache_dir: Path | str | None = None
) -> tuple[gpd.GeoDataFrame, list[Problem]] | None:
    """The cached frame and problems for `source` if a cache matches `key`, else None."""
    for parquet in cache_locations(source, cache_dir):
        try:
            meta = json.loads(_sidecar(parquet).read_text(encoding="utf-8"))
            if meta.get("source") != key or meta.get("parquet") != _file_stamp(parquet):
                continue
            gdf = gpd.read_parquet(parquet)
            problems = [Problem(**p) for p in meta.get("problems", [])]
        except (OSError, ValueError, TypeError, pa.ArrowException):
            # Missing, unreadable or corrupt caches are simply rebuilt.
            continue
        return gdf, problems
    return None


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _replace_atomically(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_cached(
    source: Path | str,
    key: dict[str, object],
    gdf: gpd.GeoDataFrame,
    problems: list[Problem],
    cache_dir: Path | str | None = None,
) -> Path | None:
    """Write the cache of `source` at the first writable location; None if none is.

    `key` should be taken before parsing, so a source edited meanwhile is re-parsed next time.
    """
    for parquet in cache_locations(source, cache_dir):
        try:
            parquet.parent.mkdir(parents=True, exist_ok=True)
            _replace_atomically(parquet, lambda tmp: gdf.to_parquet(tmp, index=False))
            meta = {
                "source": key,
                "parquet": _file_stamp(parquet),
                "problems": [asdict(p) for p in problems],
            }
            text = json.dumps(meta, ensure_ascii=False)
            _replace_atomically(_sidecar(parquet), partial(_write_text, text=text))
        except OSError:
            continue  # e.g. a read-only data folder: try the cache dir
        return parquet
    return None
