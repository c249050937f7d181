"""Export benchmark: `python -m bench.export [--runs N]`.

Prints the warm time of one 1920×1080 map PNG export (median of N, after one warm-up that
starts the browser) split into build (figures from data), compose and render, and the time of
the whole briefing pack (every scene as a PNG slide, plus the pack PDF). Aim: ≤ 2 s per warm
map PNG on a 2-core machine. The same map is also rendered through MapLibre's software WebGL
(how stills were drawn before dashboard/export/flatmap.py), alternating with the SVG map, so
the two compare within one run. Files go to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from dashboard.export.build import build_content
from dashboard.export.cli import _load_data
from dashboard.export.deliver import export_briefing
from dashboard.export.render import get_session, render, write_atomic
from dashboard.export.spec import default_filename, make_spec
from dashboard.view import View


def _map_png(data, view: View, out: Path, flat_maps: bool = True) -> dict[str, float]:
    """One export of the map as a slide PNG, timed per stage (seconds)."""
    spec = make_spec("map", "png", preset="slide")
    t0 = time.perf_counter()
    content = build_content(data, view, "map")
    t1 = time.perf_counter()
    fig = content.figure(spec)
    t2 = time.perf_counter()
    image = render(fig, spec, flat_maps=flat_maps)
    t3 = time.perf_counter()
    write_atomic(out / default_filename(spec, content.day), image)
    t4 = time.perf_counter()
    return {"build": t1 - t0, "compose": t2 - t1, "render": t3 - t2, "write": t4 - t3,
            "total": t4 - t0}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its results."""
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="timed map exports (default 7)")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2016, 4, 30))
    parser.add_argument("--no-briefing", action="store_true", help="skip the briefing pack")
    args = parser.parse_args(argv)

    t = time.perf_counter()
    data, config = _load_data()
    print(f"data loaded in {time.perf_counter() - t:.2f} s")
    get_session(config.export_time_limit_s)
    view = View(date=args.date)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        out = Path(tmp)
        cold = _map_png(data, view, out)
        print(f"cold map PNG (starts the browser): {cold['total']:.2f} s")
        _map_png(data, view, out, flat_maps=False)  # warm the WebGL path too
        runs, webgl = [], []
        for _ in range(args.runs):
            runs.append(_map_png(data, view, out))
            webgl.append(_map_png(data, view, out, flat_maps=False))
        for label, timed in (("map drawn as SVG", runs), ("map through MapLibre WebGL", webgl)):
            median = {k: statistics.median(r[k] for r in timed) for k in timed[0]}
            parts = ", ".join(f"{k} {v:.3f}" for k, v in median.items() if k != "total")
            print(f"warm map PNG 1920x1080, {label}, median of {args.runs}: "
                  f"{median['total']:.2f} s ({parts}); min {min(r['total'] for r in timed):.2f}"
                  f" s, max {max(r['total'] for r in timed):.2f} s")
        median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"load average {[round(x, 2) for x in os.getloadavg()]} (2 CPUs is the "
              "reference machine)")
        print("target <= 2 s per warm map PNG: "
              + ("met" if median["total"] <= 2.0 else "NOT met"))
        if not args.no_briefing:
            t = time.perf_counter()
            paths = export_briefing(data, out)
            seconds = time.perf_counter() - t
            scenes = len(paths) - 1
            print(f"briefing pack: {scenes} scenes (PNG slide + PDF page each) and the pack "
                  f"PDF in {seconds:.2f} s ({seconds / max(scenes, 1):.2f} s per scene)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
