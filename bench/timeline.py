"""Timeline benchmark: `python -m bench.timeline` (make bench). Prints a table, writes
bench/results.json.

Three implementations of "move the map timeline one day", on the same data, in one run:

- dashboard           our app (gunicorn, 1 worker, DATA=<csv>): the payload goes to the browser
                      once; → (assets/keys.js) moves the slider and assets/timeline.js slices
                      in the browser.
- px_animation        px.scatter_map(..., animation_frame="day"), a static page (plotly.min.js
                      from the installed plotly package); → calls Plotly.animate(next frame).
- dash_server_figure  a Dash app whose slider callback returns a whole new figure per step;
                      → sets the slider (dash_clientside.set_props).

Per implementation × window ("day" / "cumulative") × size (shipped, 10,000, 100,000,
1,000,000 events), in headless Chromium (a fresh browser per cell):

- load_s          process start → data loaded (/readyz or /ready answers 200); for px: the
                  page build (load + px figure + HTML written).
- rss_mb          peak RSS (VmHWM) of the server worker; for px, of the page builder.
- first_paint_ms  navigation start → the map's first MapLibre `idle` after a render with
                  incidents drawn.
- step_*_ms       keydown (a listener's performance.now()) → the map's first `idle` after a
                  render of the new figure (gd.calcdata replaced), over --steps presses of →.
- step_bytes      bytes over the network per step: resource-timing transferSize of requests
                  started during the step plus the request bodies sent (fetch).

Each phase (server load or page build; browser: first paint + steps) has a time limit; a cell
that runs over, or whose tab crashes, is recorded with an "error" and whatever it measured.
Every process it starts is stopped (loopback only). Other work on the machine inflates the
figures: the load average is recorded before and after each row.

This module is the benchmark itself: its settings, the data sizes, the three runners and the
command line, one module because the runners share the sizes, settings and row fields and mean
nothing apart. What it measures with is in bench/stats.py (statistics, the row schema),
bench/report.py (targets, the table), bench/procs.py (processes, ports) and bench/browser.py
(Chromium, the page scripts of bench/js/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.browser import CHROME_FLAGS, SETTLE_S, browser_cell, chromium_binary, chromium_version
from bench.procs import (
    BENCH,
    CACHE_DIR,
    DATA_DIR,
    PY,
    ROOT,
    Server,
    StaticServer,
    _env,
    free_port,
    run_json,
)
from bench.report import _fmt, check_targets, format_table, format_targets
from bench.stats import IMPLS, WINDOWS, make_row

PAGES_DIR = DATA_DIR / "pages"
RESULTS = BENCH / "results.json"

DEFAULT_SIZES = "shipped,10000,100000,1000000"
QUICK_SIZES = "shipped,100000"
SEED = 2016
# Per phase, seconds: shipped, then by event count.
TIME_LIMITS = {"shipped": 90, 10_000: 120, 100_000: 240, 1_000_000: 300}
SYNTH_START = dt.date(2016, 6, 15)  # mid-year: 30 steps stay inside 2016; cumulative ~half
# The dashboard runs as `make serve` does: two workers (memory is read per worker and for all).
DASHBOARD_WORKERS = 2
# Comparison pages: synthetic data is spread over Syria; show all of it (the "syria" preset).
SYRIA_VIEW = ("34.9,38.4", 5.4)
# px cumulative frames repeat every event once per later day. Built only up to this many
# points in all frames: a trial at 10,000 events (1.83 M points) took 6 min 16 s to build in px
# and gave a 66 MB page.
PX_MAX_POINTS = 1_000_000


# --- data ------------------------------------------------------------------------------------


def synth_csv(n: int) -> Path:
    """The synthetic CSV for `n` events (fixed seed), written once and reused."""
    path = DATA_DIR / f"synth-{n}-seed{SEED}.csv"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.csv")
        subprocess.run([PY, "-m", "dashboard", "synth", "--events", str(n), "--out", str(tmp),
                        "--seed", str(SEED)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        tmp.replace(path)
    return path


class Size:
    """One data size: its file, the shape of the loaded data and where the steps start."""

    def __init__(self, label: str, steps: int, limit_s: float):
        self.label = label
        self.key: str | int = "shipped" if label == "shipped" else int(label)
        self.csv = None if self.key == "shipped" else synth_csv(int(self.key))
        self.limit_s = limit_s
        cmd = [PY, "-m", "bench.timeline_pages", "prepare", "--data", str(self.csv or ""),
               "--cache-dir", str(CACHE_DIR)]
        self.info, self.prepare_s = run_json(cmd, max(limit_s, 600))
        self.n = self.info["incidents"]
        self.first_day = dt.date.fromisoformat(self.info["first_day"])
        self.last_day = dt.date.fromisoformat(self.info["last_day"])
        n_days = (self.last_day - self.first_day).days + 1
        start = self.first_day if self.key == "shipped" else SYNTH_START
        self.start_index = min(max((start - self.first_day).days, 0), n_days - 1)
        self.start = self.first_day + dt.timedelta(days=self.start_index)
        self.steps = max(0, min(steps, n_days - 1 - self.start_index))
        self.center, self.zoom = (None, None) if self.key == "shipped" else SYRIA_VIEW

    def dashboard_url(self, base: str, window: str) -> str:
        from dashboard.state import view_to_url
        from dashboard.view import DEFAULT_LAYERS, View

        layers = DEFAULT_LAYERS | {f"data:{x}" for x in self.info["layer_ids"]}
        view = View(date=self.start, window=window, layers=frozenset(layers),
                    preset="syria" if self.center else "aleppo")
        return base + view_to_url(view, "/")

    def page_args(self) -> list[str]:
        args = ["--data", str(self.csv or ""), "--cache-dir", str(CACHE_DIR)]
        if self.center:
            args += ["--center", self.center, "--zoom", str(self.zoom)]
        return args


# --- implementations -------------------------------------------------------------------------


def run_dashboard(size: Size, windows, steps_hint) -> list[dict]:
    port = free_port()
    env = _env(HOST="127.0.0.1", PORT=port, WORKERS=DASHBOARD_WORKERS, THREADS=4, TIMEOUT=900,
               LOG_LEVEL="warning", DATA=str(size.csv or ""), CACHE_DIR=str(CACHE_DIR))
    gunicorn = str(Path(PY).with_name("gunicorn"))
    server = Server([gunicorn, "--config", "dashboard/gunicorn_conf.py", "app:server"], env,
                    "/readyz", port, f"dashboard-{size.label}.log")
    rows = []
    try:
        try:
            load_s = server.wait_ready(size.limit_s)
        except (TimeoutError, RuntimeError) as exc:
            return [make_row("dashboard", w, size.n, size=size.key, error=str(exc),
                             rss_mb=server.rss.max_process_mb(exclude_root=True))
                    for w in windows]
        # The first page view builds the browser payload (runtime.payload); time it here so
        # that both windows' first paints are measured on a warm worker.
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(server.base + "/_dash-layout",  # noqa: S310 - loopback
                                        timeout=size.limit_s) as response:
                layout_bytes = len(response.read())
            first_layout_s = round(time.perf_counter() - started, 2)
        except (urllib.error.URLError, OSError) as exc:
            first_layout_s, layout_bytes = None, None
            print(f"  /_dash-layout failed: {exc}", file=sys.stderr)
        data_bytes = _data_resource_bytes(server.base, size.limit_s)
        memory: dict = {}
        for window in windows:
            load1 = os.getloadavg()[0]
            url = size.dashboard_url(server.base, window)
            measured = browser_cell("dashboard", url, "#map-graph .js-plotly-plot",
                                    ["incident-points", "incident-cells"], size.steps,
                                    size.limit_s, warm_visit=True)
            if not memory:
                memory = _server_memory(server, size.limit_s)
            rows.append(make_row("dashboard", window, size.n, size=size.key,
                                 load_s=round(load_s, 2),
                                 rss_mb=server.rss.max_process_mb(exclude_root=True),
                                 first_layout_s=first_layout_s, layout_bytes=layout_bytes,
                                 **data_bytes, **memory,
                                 url=url.removeprefix(server.base), loadavg_1m=round(load1, 2),
                                 loadavg_1m_after=round(os.getloadavg()[0], 2), **measured))
            _progress(rows[-1])
    finally:
        server.stop()
    return rows


def _data_resource_bytes(base: str, limit_s: float) -> dict:
    """The timeline data as the page fetches it: its size, and on the wire (brotli)."""
    import re

    try:
        with urllib.request.urlopen(base + "/", timeout=limit_s) as response:  # noqa: S310
            found = re.search(r'href="([^"]*/data/timeline-[^"]+)"', response.read().decode())
        if not found:
            return {}
        request = urllib.request.Request(base + found.group(1),  # noqa: S310 - loopback
                                         headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(request, timeout=limit_s) as response:  # noqa: S310
            wire = len(response.read())
    except (urllib.error.URLError, OSError) as exc:
        print(f"  timeline data failed: {exc}", file=sys.stderr)
        return {}
    return {"data_bytes_wire": wire}


def _server_memory(server: Server, limit_s: float) -> dict:
    """RSS and PSS of the server's workers once every worker has served a page load."""
    from bench.memory import exercise, server_memory

    try:
        exercise(server.base, 2 * DASHBOARD_WORKERS, limit_s)
    except (urllib.error.URLError, OSError) as exc:
        print(f"  page loads before the memory reading failed: {exc}", file=sys.stderr)
    mem = server_memory(server.proc.pid)
    return {"worker_rss_mb": mem["worker_rss_max_mb"], "worker_pss_mb": mem["worker_pss_max_mb"],
            "server_pss_mb": mem["total_pss_mb"], "server_workers": len(mem["per_worker"])}


def run_px(size: Size, windows, steps_hint) -> list[dict]:
    rows = []
    static = StaticServer(PAGES_DIR)
    try:
        for window in windows:
            load1 = os.getloadavg()[0]
            out_dir = PAGES_DIR / size.label
            cmd = [PY, "-m", "bench.timeline_pages", "px", "--window", window, "--out-dir",
                   str(out_dir), "--max-points", str(PX_MAX_POINTS), *size.page_args()]
            try:
                built, wall = run_json(cmd, size.limit_s)
            except (TimeoutError, RuntimeError) as exc:
                rows.append(make_row("px_animation", window, size.n, size=size.key,
                                     error=f"page build: {exc}", loadavg_1m=round(load1, 2)))
                _progress(rows[-1])
                continue
            if not built.get("ok"):
                rows.append(make_row("px_animation", window, size.n, size=size.key,
                                     error=built.get("infeasible", "page not built"),
                                     px_points=built.get("points"), loadavg_1m=round(load1, 2)))
                _progress(rows[-1])
                continue
            url = f"{static.base}/{size.label}/{built['page']}"
            measured = browser_cell("px_animation", url, "#gd", None, size.steps, size.limit_s,
                                    px_start=size.start.isoformat())
            rows.append(make_row("px_animation", window, size.n, size=size.key,
                                 load_s=round(wall, 2), rss_mb=built.get("maxrss_mb"),
                                 page_bytes=built.get("html_bytes"), px_points=built["points"],
                                 px_frames=len(built["frames"]), loadavg_1m=round(load1, 2),
                                 loadavg_1m_after=round(os.getloadavg()[0], 2), **measured))
            _progress(rows[-1])
    finally:
        static.stop()
    return rows


def run_server_figure(size: Size, windows, steps_hint) -> list[dict]:
    port = free_port()
    cmd = [PY, "-m", "bench.timeline_pages", "server", "--port", str(port), *size.page_args()]
    server = Server(cmd, _env(), "/ready", port, f"server-figure-{size.label}.log")
    rows = []
    try:
        try:
            load_s = server.wait_ready(size.limit_s)
        except (TimeoutError, RuntimeError) as exc:
            return [make_row("dash_server_figure", w, size.n, size=size.key, error=str(exc),
                             rss_mb=server.rss.max_process_mb()) for w in windows]
        for window in windows:
            load1 = os.getloadavg()[0]
            url = f"{server.base}/?window={window}&date={size.start.isoformat()}"
            measured = browser_cell("dash_server_figure", url, "#graph .js-plotly-plot", None,
                                    size.steps, size.limit_s, start_index=size.start_index)
            rows.append(make_row("dash_server_figure", window, size.n, size=size.key,
                                 load_s=round(load_s, 2), rss_mb=server.rss.max_process_mb(),
                                 loadavg_1m=round(load1, 2),
                                 loadavg_1m_after=round(os.getloadavg()[0], 2), **measured))
            _progress(rows[-1])
    finally:
        server.stop()
    return rows


RUNNERS = {"dashboard": run_dashboard, "px_animation": run_px,
           "dash_server_figure": run_server_figure}


def _progress(row: dict) -> None:
    p95 = _fmt(row.get("step_p95_ms"), 1)
    extra = f"  ERROR {row['error']}" if row.get("error") else ""
    print(f"  {row['impl']:<19} {row['window']:<10} n={_fmt(row['n']):>9}  "
          f"load {_fmt(row['load_s'], 1)} s  "
          f"rss {_fmt(row['rss_mb'], 0)} MB  first paint {_fmt(row['first_paint_ms'], 0)} ms  "
          f"(warm {_fmt(row.get('first_paint_warm_ms'), 0)})  "
          f"p50 {_fmt(row['step_p50_ms'], 1)}  p95 {p95} ms  bytes {_fmt(row['step_bytes'], 0)}"
          f"{extra}", flush=True)


def machine_info() -> dict:
    import dash
    import plotly

    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        total = None
    return {"cpu_count": os.cpu_count(), "mem_gb": round(total, 1) if total else None,
            "loadavg_before": [round(x, 2) for x in os.getloadavg()],
            "chromium": chromium_version(), "python": sys.version.split()[0],
            "dash": dash.__version__, "plotly_py": plotly.__version__,
            "platform": sys.platform}


def write_results(payload: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    tmp.replace(RESULTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"comma-separated: shipped and/or event counts ({DEFAULT_SIZES})")
    parser.add_argument("--steps", type=int, default=30, help="key presses per cell (30)")
    parser.add_argument("--impl", default=",".join(IMPLS), help="comma-separated implementations")
    parser.add_argument("--window", default=",".join(WINDOWS), help="day,cumulative")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per phase for every size (default: 90 shipped, 120 "
                             "10k, 240 100k, 300 1M)")
    parser.add_argument("--quick", action="store_true",
                        help="CI mode: --sizes shipped,100000 --steps 15 --time-limit 120")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.steps = QUICK_SIZES, min(args.steps, 15)
        args.time_limit = args.time_limit or 120.0
    impls = [x.strip() for x in args.impl.split(",") if x.strip()]
    windows = [x.strip() for x in args.window.split(",") if x.strip()]
    sizes = [x.strip() for x in args.sizes.split(",") if x.strip()]
    bad = [x for x in impls if x not in IMPLS] + [x for x in windows if x not in WINDOWS]
    if bad:
        parser.error(f"unknown: {', '.join(bad)}")
    if not chromium_binary() or not shutil.which("chromedriver"):
        print("chromium and chromedriver are needed (make system-deps)", file=sys.stderr)
        return 2
    for stale in PAGES_DIR.glob("*/px-*.html"):
        stale.unlink()
    started = time.perf_counter()
    machine = machine_info()
    print(f"timeline benchmark: {machine['cpu_count']} CPUs, load average "
          f"{machine['loadavg_before']}, {machine['chromium']}", flush=True)
    payload = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "machine": machine,
               "config": {"sizes": sizes, "steps": args.steps, "impls": impls,
                          "windows": windows, "settle_s": SETTLE_S, "seed": SEED,
                          "px_max_points": PX_MAX_POINTS, "chrome_flags": list(CHROME_FLAGS)},
               "sizes": {}, "rows": []}
    rows: list[dict] = payload["rows"]
    for label in sizes:
        key = "shipped" if label == "shipped" else int(label)
        limit = args.time_limit or TIME_LIMITS.get(key) or max(120.0, 300.0 * int(key) / 1e6)
        print(f"\n== {label}: preparing data", flush=True)
        try:
            size = Size(label, args.steps, limit)
        except (TimeoutError, RuntimeError, subprocess.CalledProcessError) as exc:
            for impl in impls:
                rows.extend(make_row(impl, w, None, size=key, error=f"data: {exc}")
                            for w in windows)
            continue
        payload["sizes"][label] = {**size.info, "prepare_s": round(size.prepare_s, 2),
                                   "start": size.start.isoformat(), "steps": size.steps,
                                   "time_limit_s": limit, "csv": str(size.csv or "")}
        print(f"   {size.n:,} incidents served, {size.info['default_incidents']:,} in the default "
              f"view (bundled layers off), steps from {size.start} ({size.steps} steps), "
              f"limit {limit:.0f} s per phase", flush=True)
        for impl in impls:
            rows.extend(RUNNERS[impl](size, windows, args.steps))
            write_results(payload)
    machine["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    payload["elapsed_s"] = round(time.perf_counter() - started, 1)
    payload["targets"] = check_targets(rows)
    write_results(payload)
    print("\n" + format_table(rows))
    print(f"\nload average before {machine['loadavg_before']}, after "
          f"{machine['loadavg_after']} ({machine['cpu_count']} CPUs); "
          f"{payload['elapsed_s']:.0f} s in all")
    print("\ntargets:\n" + format_targets(payload["targets"]))
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
