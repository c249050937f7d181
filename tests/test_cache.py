"""GeoParquet cache of imported incident files: reuse, invalidation, fallback location."""

from __future__ import annotations

import os

import pytest

from dashboard.data import cache, importers
from dashboard.data.synth import write_synthetic


@pytest.fixture
def parse_counter(monkeypatch):
    """Count how often a source is actually parsed (the cache's miss path)."""
    calls = []
    real = importers._parse_incident_file

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(importers, "_parse_incident_file", counting)
    return calls


def test_second_load_uses_cache_and_change_invalidates(tmp_path, parse_counter):
    src = tmp_path / "ged.csv"
    write_synthetic(src, 4000, seed=2)
    cold, problems = importers.load_incident_file(src, cache_dir=tmp_path / "c")
    assert (tmp_path / "ged.csv.incidents.parquet").exists() and len(parse_counter) == 1

    # (How much faster the cache is: `python -m bench.dataset` prints it.)
    warm, warm_problems = importers.load_incident_file(src, cache_dir=tmp_path / "c")
    assert len(parse_counter) == 1, "the source was parsed again"
    assert warm.equals(cold) and warm_problems == problems
    assert warm.crs == cold.crs

    with src.open("a", encoding="utf-8") as fh:  # one more (rejected) row: size changes
        fh.write("1,\n")
    changed, changed_problems = importers.load_incident_file(src, cache_dir=tmp_path / "c")
    assert len(parse_counter) == 2 and len(changed_problems) == len(problems) + 2


def test_same_size_new_mtime_invalidates(tmp_path, parse_counter):
    src = tmp_path / "ged.csv"
    write_synthetic(src, 50, seed=2)
    importers.load_incident_file(src, cache_dir=tmp_path / "c")
    stat = src.stat()
    os.utime(src, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    importers.load_incident_file(src, cache_dir=tmp_path / "c")
    assert len(parse_counter) == 2


def test_unwritable_sibling_falls_back_to_cache_dir(tmp_path, parse_counter):
    src = tmp_path / "ged.csv"
    write_synthetic(src, 50, seed=2)
    (tmp_path / "ged.csv.incidents.parquet").mkdir()  # the sibling cannot be written
    importers.load_incident_file(src, cache_dir=tmp_path / "c")
    written = list((tmp_path / "c").glob("ged.csv.*.incidents.parquet"))
    assert len(written) == 1
    importers.load_incident_file(src, cache_dir=tmp_path / "c")
    assert len(parse_counter) == 1
    assert not list(tmp_path.glob(".*.tmp")) and not list((tmp_path / "c").glob(".*.tmp"))


def test_corrupt_cache_is_rebuilt(tmp_path, parse_counter):
    src = tmp_path / "ged.csv"
    write_synthetic(src, 50, seed=2)
    importers.load_incident_file(src, cache_dir=tmp_path / "c")
    parquet = tmp_path / "ged.csv.incidents.parquet"
    parquet.write_bytes(b"not parquet")
    gdf, _ = importers.load_incident_file(src, cache_dir=tmp_path / "c")
    assert len(gdf) == 50 and len(parse_counter) == 2


def test_format_version_is_part_of_the_key(tmp_path, monkeypatch):
    src = tmp_path / "x.csv"
    src.write_text("a\n", encoding="utf-8")
    before = cache.source_key(src)
    monkeypatch.setattr(cache, "CACHE_FORMAT_VERSION", cache.CACHE_FORMAT_VERSION + 1)
    assert cache.source_key(src) != before
