"""The timeline benchmark's statistics and result rows: percentiles (linear interpolation,
numpy's default), a cell's step statistics, and the row schema (`make_row`, `validate_row`,
`ROW_KEYS`) with the implementations and windows a row may name. Pure functions (tested in
tests/test_bench_smoke.py)."""

from __future__ import annotations

import math

IMPLS = ("dashboard", "px_animation", "dash_server_figure")
WINDOWS = ("day", "cumulative")

ROW_KEYS = ("impl", "window", "n", "load_s", "rss_mb", "first_paint_ms", "step_p50_ms",
            "step_p95_ms", "step_bytes")


def percentile(values, q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between closest ranks (numpy's
    default method); None for no values."""
    data = sorted(float(v) for v in values)
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0..100")
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def step_stats(values) -> dict:
    """p50, p95, mean, min, max (ms, 1 decimal) and the sample count."""
    data = [float(v) for v in values]
    if not data:
        return {"n": 0, "p50": None, "p95": None, "mean": None, "min": None, "max": None}

    def r(x):
        return round(x, 1)

    return {"n": len(data), "p50": r(percentile(data, 50)), "p95": r(percentile(data, 95)),
            "mean": r(sum(data) / len(data)), "min": r(min(data)), "max": r(max(data))}


def make_row(impl: str, window: str, n: int | None, **fields) -> dict:
    """A result row: every key of ROW_KEYS present (None when not measured), then extras."""
    if impl not in IMPLS:
        raise ValueError(f"unknown impl {impl!r}")
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}")
    row = {key: None for key in ROW_KEYS}
    row.update(impl=impl, window=window, n=n)
    row.update(fields)
    return row


def validate_row(row: dict) -> list[str]:
    """Problems with a row's shape (empty when it is well formed)."""
    problems = [f"missing {k}" for k in ROW_KEYS if k not in row]
    if row.get("impl") not in IMPLS:
        problems.append(f"impl {row.get('impl')!r}")
    if row.get("window") not in WINDOWS:
        problems.append(f"window {row.get('window')!r}")
    for key in ROW_KEYS[3:]:
        value = row.get(key)
        if value is not None and (not isinstance(value, int | float) or value < 0):
            problems.append(f"{key}={value!r}")
    if row.get("step_p50_ms") is not None and row.get("step_p95_ms") is not None \
            and row["step_p95_ms"] < row["step_p50_ms"]:
        problems.append("p95 < p50")
    if all(row.get(k) is None for k in ROW_KEYS[3:]) and not row.get("error"):
        problems.append("no figures and no error")
    return problems
