"""First paint, broken down: `python -m bench.first_paint [--data FILE] [--runs 3] [--compare DIR]`.

Starts the app as `make serve` does (gunicorn, 2 workers, DATA=FILE) and opens the default view
`--runs` times, each in a fresh headless Chromium (cold: empty cache) and once more in the same
browser (warm: the browser's cache holds what it may keep). Per visit, at the map's first paint
with incidents drawn: Chrome's main-thread counters (script, layout, style, all tasks; CDP
Performance.getMetrics), long tasks, requests, bytes and Dash callbacks (bench/js/first_load.js).

`--compare DIR` runs another checkout of the app too (e.g. `git worktree add /tmp/base
<commit>`), alternating visits between the two in one run, so a change is measured against
what it replaced under the same load. Prints one JSON object per checkout: medians and the
median visit's slowest requests.

`--network cable|4g` throttles the browser as WebPageTest's profiles of those names do
(bandwidth down/up and round trip): what a visitor who is not on the server's machine waits for.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from bench.browser import browser_cell
from bench.procs import CACHE_DIR, ROOT, Server, _env, free_port

FIELDS = ("first_paint_ms", "first_paint_warm_ms")
# WebPageTest's connection profiles: bytes per second down and up, and the round trip in ms.
NETWORKS = {
    "cable": {"downloadThroughput": 5_000_000 / 8, "uploadThroughput": 1_000_000 / 8,
              "latency": 28},
    "4g": {"downloadThroughput": 9_000_000 / 8, "uploadThroughput": 9_000_000 / 8,
           "latency": 170},
}
LOAD_FIELDS = ("script_s", "layout_s", "style_s", "task_s", "long_task_ms", "requests",
               "bytes", "callbacks")


def start(root: Path, data: str, label: str) -> Server:
    port = free_port()
    env = _env(HOST="127.0.0.1", PORT=port, WORKERS=2, THREADS=4, TIMEOUT=900,
               LOG_LEVEL="warning", DATA=data, CACHE_DIR=str(CACHE_DIR), PYTHONPATH=str(root))
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return Server([gunicorn, "--config", "dashboard/gunicorn_conf.py", "app:server"], env,
                  "/readyz", port, f"first-paint-{label}.log", cwd=root)


def summary(visits: list[dict]) -> dict:
    def med(values):
        values = [v for v in values if v is not None]
        return round(statistics.median(values), 3) if values else None

    out = {f: med([v.get(f) for v in visits]) for f in FIELDS}
    for key in ("first_load", "first_load_warm"):
        out[key] = {f: med([(v.get(key) or {}).get(f) for v in visits]) for f in LOAD_FIELDS}
    ranked = sorted((v for v in visits if v.get("first_paint_ms")),
                    key=lambda v: v["first_paint_ms"])
    if ranked:
        middle = ranked[len(ranked) // 2]
        out["median_visit_slowest"] = (middle.get("first_load") or {}).get("slowest")
        out["median_visit_dom_content_loaded_ms"] = (middle.get("first_load") or {}).get(
            "dom_content_loaded_ms")
    out["errors"] = [v["error"] for v in visits if v.get("error")]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.first_paint", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="", help="extra incident file (DATA)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", type=Path, default=None, help="another checkout")
    parser.add_argument("--query", default="", help="the view, e.g. ?window=day")
    parser.add_argument("--time-limit", type=float, default=300)
    parser.add_argument("--network", choices=sorted(NETWORKS), default=None,
                        help="throttle the browser (default: none, the server on this machine)")
    args = parser.parse_args(argv)
    roots = {"this": ROOT}
    if args.compare:
        roots["compare"] = args.compare.resolve()
    servers: dict[str, Server] = {}
    visits: dict[str, list[dict]] = {label: [] for label in roots}
    try:
        for label, root in roots.items():  # one after the other: each takes its own free port
            servers[label] = start(root, args.data, label)
            servers[label].wait_ready(args.time_limit)
        for _ in range(args.runs):
            for label, server in servers.items():
                visits[label].append(browser_cell(
                    "dashboard", server.base + "/" + args.query, "#map-graph .js-plotly-plot",
                    ["incident-points", "incident-cells"], 0, args.time_limit,
                    warm_visit=True, network=NETWORKS.get(args.network)))
    finally:
        for server in servers.values():
            server.stop()
    result = {label: {"root": str(roots[label]), "network": args.network, **summary(v)}
              for label, v in visits.items()}
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
