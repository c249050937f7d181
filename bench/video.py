"""Video export benchmark: `python -m bench.video [--runs N] [--format mp4] [--view map]`.

Prints the warm time of one frame (build + compose + render of one day's still at the video's
size, median of N after a warm-up that starts the browser), the encoding time per day, and a
whole video end to end (every day of the timeline, 17 days, at 1920×1080 by default), with
its size and length. Files go to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from dashboard.export.build import build_content
from dashboard.export.cli import _load_data
from dashboard.export.deliver import export_video
from dashboard.export.render import get_session, render
from dashboard.export.video import duration_s, encode_video, make_video_spec
from dashboard.view import View


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its results."""
    parser = argparse.ArgumentParser(prog="python -m bench.video", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="timed frames (default 5)")
    parser.add_argument("--format", default="mp4", help="mp4, gif or webm (default mp4)")
    parser.add_argument("--view", default="map", help="map or slide (default map)")
    parser.add_argument("--fps", default=None, help="frames per second (default 5)")
    args = parser.parse_args(argv)

    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    print(f"load average (1 min) {load:.1f} on {cores} cores: figures scale with it")
    t = time.perf_counter()
    data, config = _load_data()
    print(f"data loaded in {time.perf_counter() - t:.2f} s")
    get_session(config.export_time_limit_s)
    spec = make_video_spec(args.format, data.days(), view=args.view, fps=args.fps)
    width, height = spec.size

    def frame(day) -> bytes:
        view = View(date=day, window=spec.window)
        content = build_content(data, view, spec.frame.view)
        return render(content.figure(spec.frame), spec.frame)

    days = spec.days
    t = time.perf_counter()
    frame(days[0])
    print(f"cold frame (starts the browser): {time.perf_counter() - t:.2f} s")
    timings, stills = [], []
    for k in range(args.runs):
        t = time.perf_counter()
        stills.append(frame(days[(k * 5) % len(days)]))
        timings.append(time.perf_counter() - t)
    print(f"warm frame {width}x{height} ({args.view}), median of {args.runs}: "
          f"{statistics.median(timings):.2f} s (min {min(timings):.2f}, max {max(timings):.2f})")
    t = time.perf_counter()
    encode_video(stills, spec)
    encode_s = time.perf_counter() - t
    print(f"encoding {args.format}: {encode_s / len(stills):.3f} s per day "
          f"({spec.frames_per_day} frames per day)")
    with tempfile.TemporaryDirectory(prefix="bench-video-") as tmp:
        t = time.perf_counter()
        path = export_video(data, spec, Path(tmp))
        seconds = time.perf_counter() - t
        print(f"{len(days)}-day {args.format.upper()} at {width}x{height} end to end: "
              f"{seconds:.1f} s ({seconds / len(days):.2f} s per day); "
              f"{path.stat().st_size / 1e6:.2f} MB, {duration_s(spec):g} s at {spec.fps} fps")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
