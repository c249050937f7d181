"""The shipped geodata/ validates: no record is left out."""

from __future__ import annotations

import time

from dashboard.data.load import load_dataset
from dashboard.data.model import errors_of
from dashboard.data.validate import main


def test_shipped_geodata_validates(capsys):
    code = main([])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1].startswith("OK: 0 errors")


def test_shipped_geodata_loads_fast_and_complete():
    load_dataset()  # warm-up (first use of pandera, pyproj)
    timings = []
    for _ in range(3):  # best of 3: a busy CI machine shouldn't fail this
        start = time.perf_counter()
        data = load_dataset()
        timings.append(time.perf_counter() - start)
    elapsed = min(timings)
    assert errors_of(data.problems) == ()
    assert len(data.incidents) >= 40 and data.incidents["id"].is_unique
    assert len(data.zones) and len(data.routes) and len(data.scenes)
    assert elapsed < 1.0, f"load_dataset took {elapsed:.2f} s"
