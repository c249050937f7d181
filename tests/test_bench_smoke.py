"""The timeline benchmark's pure parts (no browser, no server): row schema, statistics,
target checks, the per-step byte accounting, the choice of a loopback port; and the load
test's percentile. The benchmark itself is `make bench`."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from bench import browser, procs, report, stats


def test_percentile_matches_numpy_linear():
    rng = np.random.default_rng(1)
    for size in (1, 2, 5, 30, 101):
        values = rng.lognormal(5, 1, size).tolist()
        for q in (0, 50, 95, 100):
            assert stats.percentile(values, q) == pytest.approx(np.percentile(values, q))
    assert stats.percentile([], 95) is None
    assert stats.percentile([3, 1, 2], 50) == 2
    with pytest.raises(ValueError):
        stats.percentile([1.0], 101)


def test_step_stats_p95_between_the_top_ranks():
    values = list(range(1, 31))  # 30 steps: p95 interpolates between the 28th and 29th
    got = stats.step_stats(values)
    assert got["n"] == 30 and got["p50"] == 15.5 and got["p95"] == pytest.approx(28.6)
    assert got["min"] == 1 and got["max"] == 30 and got["mean"] == 15.5
    assert stats.step_stats([])["p95"] is None


def test_row_schema():
    row = stats.make_row("dashboard", "day", 100_000, load_s=2.5, rss_mb=900.0,
                      first_paint_ms=1500.0, step_p50_ms=80.0, step_p95_ms=120.0, step_bytes=0)
    assert list(row)[:len(stats.ROW_KEYS)] == list(stats.ROW_KEYS)
    assert stats.validate_row(row) == []
    failed = stats.make_row("dash_server_figure", "cumulative", 1_000_000,
                         error="timeout after 300 s (first paint; 0 of 30 steps measured)")
    assert failed["step_p95_ms"] is None and stats.validate_row(failed) == []
    assert stats.validate_row(stats.make_row("px_animation", "day", 10)) == [
        "no figures and no error"]
    assert "p95 < p50" in stats.validate_row({**row, "step_p95_ms": 10.0})
    assert stats.validate_row({**row, "rss_mb": -1})
    with pytest.raises(ValueError):
        stats.make_row("nope", "day", 1)
    with pytest.raises(ValueError):
        stats.make_row("dashboard", "week", 1)


def _row(impl, window, size, p95, **extra):
    return stats.make_row(impl, window, size, size=size, step_p50_ms=p95 / 2, step_p95_ms=p95,
                       **extra)


def test_targets_met_and_missed_with_margins():
    rows = [
        _row("dashboard", "cumulative", 100_000, 200.0, step_bytes_max=0),
        _row("dash_server_figure", "cumulative", 100_000, 1000.0),
        _row("dashboard", "day", 100_000, 100.0, step_bytes_max=0),
        _row("px_animation", "day", 100_000, 120.0),
        _row("dashboard", "day", 1_000_000, 300.0, load_s=25.0, rss_mb=2000.0,
             first_paint_ms=4000.0, step_bytes_max=24_000,
             step_request_paths=["/_dash-update-component"], step_requests=1.0),
        _row("dashboard", "cumulative", 1_000_000, 500.0, load_s=25.0, rss_mb=2000.0,
             first_paint_ms=6000.0, step_bytes_max=0),
        _row("dash_server_figure", "cumulative", 1_000_000, 5000.0),
    ]
    checks = {c["target"]: c for c in report.check_targets(rows)}
    assert checks["100k cumulative: dashboard step p95 <= 250 ms"]["met"] is True
    ratio = checks["100k cumulative: dashboard >= 3.5x faster (p95) than dash_server_figure"]
    assert ratio["met"] is True and ratio["value"] == 5.0
    assert checks["100k day: dashboard step p95 at least as fast as px_animation"]["met"] is True
    assert checks["100k day: (aim) 1.5x faster than px_animation"]["met"] is False
    load = checks["1M: server loads the data in <= 20 s"]
    assert load["met"] is False and "missed by 5" in load["detail"]
    assert checks["1M: peak memory per worker <= 3 GB"]["met"] is True
    assert checks["1M day: first paint <= 5 s"]["met"] is True
    assert checks["1M cumulative: first paint <= 5 s"]["met"] is False
    fifteen = checks["1M cumulative: dashboard >= 15x faster (p95) than dash_server_figure"]
    assert fifteen["met"] is False and fifteen["value"] == 10.0
    assert checks["1M: no crashed tab (dashboard)"]["met"] is True
    net = [c for t, c in checks.items() if t.startswith("dashboard: bytes")][0]
    assert net["met"] is False and "/_dash-update-component" in net["detail"]
    assert checks["dashboard: 0 bytes per step (the step stays in the browser)"]["met"] is False


def test_targets_not_measured_and_crash():
    rows = [stats.make_row("dashboard", "cumulative", 1_000_000, size=1_000_000,
                        error="tab crashed (3 of 30 steps measured)")]
    checks = {c["target"]: c for c in report.check_targets(rows)}
    assert checks["1M cumulative: dashboard step p95 <= 750 ms"]["met"] is None
    assert checks["1M: no crashed tab (dashboard)"]["met"] is False
    text = report.format_targets(report.check_targets(rows))
    assert "n/a" in text and "MISSED" in text


def test_step_bytes_are_split_by_key_press():
    steps = [{"ms": 10.0, "t0": 100.0, "drawn": 5}, {"ms": 30.0, "t0": 200.0, "drawn": 7}]
    info = {"now": 300.0, "heap": 2**20, "plotly": "4.1.1", "lateAttach": False,
            "keysDay": 2, "index": 0,
            "resources": [
                {"name": "http://127.0.0.1:1/_dash-layout", "start": 50.0, "transfer": 999},
                {"name": "http://127.0.0.1:1/_dash-update-component", "start": 150.0,
                 "transfer": 300},
                {"name": "http://127.0.0.1:1/_dash-update-component", "start": 250.0,
                 "transfer": 500}],
            "sent": [{"t": 150.0, "url": "/_dash-update-component", "bytes": 1000,
                      "output": "incident-table.rowData"},
                     {"t": 40.0, "url": "/_dash-layout", "bytes": 7}]}
    out = browser._step_fields(steps, info)
    assert out["steps"] == 2 and out["step_p50_ms"] == 20.0
    assert out["step_bytes_max"] == 1300 and out["step_bytes"] == 900
    assert out["step_bytes_in"] == 400 and out["step_bytes_out"] == 500
    assert out["step_request_paths"] == ["/_dash-update-component"]
    assert out["step_callbacks"] == {"incident-table.rowData": 1}
    assert out["points_p50"] == 6 and out["end_position"] == 2 and out["js_heap_mb"] == 1.0


def test_step_tail_counts_long_tasks_between_idle_and_the_next_key():
    steps = [{"ms": 50.0, "t0": 100.0, "tIdle": 150.0, "drawn": 1},
             {"ms": 50.0, "t0": 1100.0, "tIdle": 1150.0, "drawn": 1}]
    info = {"now": 1300.0, "resources": [], "sent": [],
            # before the first idle (the step's own work), after it, after the second idle
            "longTasks": [[120.0, 60.0], [160.0, 900.0], [1200.0, 70.0]]}
    out = browser._step_fields(steps, info)
    tails = sorted([900.0, 70.0])
    assert out["step_tail_p95_ms"] == round(tails[0] + 0.95 * (tails[1] - tails[0]), 1)


def test_table_lists_every_row_and_errors():
    rows = [_row("dashboard", "day", 42, 50.0, load_s=1.0, rss_mb=200.0, first_paint_ms=900.0,
                 step_bytes=0),
            stats.make_row("px_animation", "cumulative", 100_000, size=100_000,
                        error="infeasible: cumulative frames would hold 18,000,000 points")]
    text = report.format_table(rows)
    assert "dashboard" in text and "px_animation" in text and "infeasible" in text
    assert len(text.splitlines()) >= 4


def test_issue11_targets():
    rows = [
        stats.make_row("dashboard", "day", 42, size="shipped", step_p50_ms=50.0, step_p95_ms=100.0,
                    first_paint_ms=2000.0),
        stats.make_row("px_animation", "day", 42, size="shipped", step_p50_ms=60.0,
                    step_p95_ms=120.0, first_paint_ms=2500.0),
        _row("dashboard", "cumulative", 1_000_000, 350.0, layout_bytes=2_000,
             first_paint_warm_ms=3500.0, worker_rss_mb=2000.0, server_pss_mb=2100.0,
             server_workers=2),
    ]
    checks = {c["target"]: c for c in report.check_targets(rows)}
    assert checks["shipped day: step p95 >= 1.5x faster than px_animation"]["met"] is False
    assert checks["shipped day: first paint no slower than px_animation"]["met"] is True
    assert checks["1M cumulative: layout <= 300 kB"]["met"] is True
    warm = checks["1M cumulative: first paint on a second visit (data cached) <= 3 s"]
    assert warm["met"] is False and "missed by 500" in warm["detail"]
    assert checks["1M cumulative: step p95 <= 400 ms"]["met"] is True
    memory = [c for t, c in checks.items() if t.startswith("1M: RSS per worker")][0]
    assert memory["met"] is True and "1.05x" in memory["detail"]
    assert "warm_fp_ms" in report.format_table(rows)


def test_ports_from_bench_ports_then_the_tests_base(monkeypatch):
    monkeypatch.delenv("BENCH_PORTS", raising=False)
    monkeypatch.delenv("DASH_TEST_PORT_BASE", raising=False)
    assert procs.port_range() == range(0)
    assert 0 < procs.free_port() < 65536
    monkeypatch.setenv("DASH_TEST_PORT_BASE", "41000")
    assert procs.port_range() == range(41090, 41100)
    monkeypatch.setenv("BENCH_PORTS", "41200-41203")
    assert procs.port_range() == range(41200, 41204)
    monkeypatch.setenv("BENCH_PORTS", "41210")
    assert procs.port_range() == range(41210, 41211)


def test_free_port_stays_in_its_range(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        monkeypatch.setenv("BENCH_PORTS", f"{port}-{port}")
        with pytest.raises(RuntimeError, match="no free port"):
            procs.free_port()
    assert procs.free_port() == port


def test_load_test_percentile_is_nearest_rank_not_interpolated():
    from bench import load

    values = [4.0, 1.0, 3.0, 2.0]
    assert load._percentile(values, 50) == 2.0 and stats.percentile(values, 50) == 2.5
    assert load._percentile(values, 95) == 4.0
    assert stats.percentile(values, 95) == pytest.approx(3.85)
    assert load._percentile([], 95) == 0.0


def test_references_show_what_the_default_view_shows(tmp_path):
    """The shipped data's references (px animation, server figure) hold the curated incidents
    over the curated period, as the dashboard's default view does: the bundled UCDP layer is
    off by default, so its 1,975 events of 2016 are not in them."""
    from bench.timeline_pages import compact_frame, day_names, load_runtime

    runtime = load_runtime("", str(tmp_path))
    assert runtime.bundled_layer_ids  # the UCDP layer is served (in the payload) ...
    frame = compact_frame(runtime)
    curated = runtime.dataset.incidents
    mapped = curated["lat"].notna() & curated["lon"].notna()
    assert len(frame) == int(mapped.sum()) < len(runtime.incidents)  # ... but not shown
    names = day_names(runtime)
    assert (names[0], names[-1]) == ("2016-04-22", "2016-05-08")
    assert frame["start"].between(0, len(names) - 1).all()
