"""Data loading benchmark: `python -m bench.dataset [--runs N] [--geodata DIR] [--events N]`.

Prints how long `load_dataset` takes on the shipped geodata (the first call, which imports
pandera and builds the CRS transformers, then the median and best of N more), and how long
an incident file of N synthetic events takes to import cold (parsed) and warm (from the
import cache). Figures, not pass/fail: the machine is shared, so compare within one run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from dashboard.data import importers
from dashboard.data.load import load_dataset
from dashboard.data.synth import write_synthetic


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its results."""
    parser = argparse.ArgumentParser(prog="python -m bench.dataset", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="timed loads (default 5)")
    parser.add_argument("--geodata", type=Path, default=None,
                        help="geodata folder (default: the shipped one)")
    parser.add_argument("--events", type=int, default=100_000,
                        help="synthetic events for the import cache figures (default 100000)")
    args = parser.parse_args(argv)

    first_ms, data = _timed(lambda: load_dataset(args.geodata))
    runs = [_timed(lambda: load_dataset(args.geodata))[0] for _ in range(args.runs)]
    print(f"load_dataset ({len(data.incidents)} incidents, {len(data.zones)} zones, "
          f"{len(data.routes)} routes): first {first_ms:.0f} ms, then median "
          f"{statistics.median(runs):.0f} ms, best {min(runs):.0f} ms over {args.runs}")

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "events.csv"
        write_synthetic(src, args.events, seed=1)
        cold_ms, (frame, _) = _timed(
            lambda: importers.load_incident_file(src, cache_dir=Path(tmp) / "cache"))
        warm_ms, _ = _timed(
            lambda: importers.load_incident_file(src, cache_dir=Path(tmp) / "cache"))
        print(f"import of {len(frame):,} events: cold (parse) {cold_ms:.0f} ms, "
              f"warm (cache) {warm_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
