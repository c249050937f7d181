"""Server memory: `python -m bench.memory [--data FILE] [--workers 2] [--preload 1|0]`.

Starts the app as `make serve` does (gunicorn, WORKERS workers, DATA=FILE), waits until every
worker is ready, then makes each worker serve what a visitor asks for (the page, the layout,
the timeline payload, a page render) and reads /proc/PID/smaps_rollup of the master and each
worker. Prints one JSON line: RSS and PSS (MB) per process and for the whole server.

RSS counts every page a process maps, shared or not; PSS splits each shared page between the
processes that share it, so the sum of PSS is what the server really costs the machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path

from bench.procs import CACHE_DIR, PY, ROOT, Server, _env, free_port, http_ok


def smaps_rollup(pid: int) -> dict | None:
    """RSS, PSS, and their anonymous/shared parts (MB) from /proc/PID/smaps_rollup."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kb: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-1] == "kB":
            kb[parts[0].rstrip(":")] = int(parts[1])
    mb = {k: round(v / 1024, 1) for k, v in kb.items()}
    return {"rss_mb": mb.get("Rss"), "pss_mb": mb.get("Pss"), "pss_anon_mb": mb.get("Pss_Anon"),
            "shared_mb": round((kb.get("Shared_Clean", 0) + kb.get("Shared_Dirty", 0)) / 1024, 1),
            "private_mb": round((kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0))
                                / 1024, 1)}


def server_memory(root_pid: int) -> dict:
    """smaps_rollup of a gunicorn master and its workers, and the totals."""
    import psutil

    root = psutil.Process(root_pid)
    workers = [p.pid for p in root.children(recursive=False)]
    master = smaps_rollup(root_pid) or {}
    per_worker = {pid: smaps_rollup(pid) or {} for pid in workers}
    everything = [master, *per_worker.values()]
    return {
        "master": master,
        "per_worker": list(per_worker.values()),
        "worker_rss_max_mb": max((w.get("rss_mb") or 0 for w in per_worker.values()), default=None),
        "worker_pss_max_mb": max((w.get("pss_mb") or 0 for w in per_worker.values()), default=None),
        "total_pss_mb": round(sum(m.get("pss_mb") or 0 for m in everything), 1),
        "total_rss_mb": round(sum(m.get("rss_mb") or 0 for m in everything), 1),
    }


def _get(url: str, timeout: float, headers: dict | None = None) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.read()


def exercise(base: str, requests: int, timeout: float) -> None:
    """What a visitor's page load asks for, `requests` times (spread over the workers)."""
    import re

    for _ in range(requests):
        html = _get(base + "/", timeout).decode()
        _get(base + "/_dash-layout", timeout, {"Accept-Encoding": "br, gzip"})
        found = re.search(r'href="([^"]*/data/timeline-[^"]+)"', html)
        if found:
            _get(base + found.group(1), timeout, {"Accept-Encoding": "br, gzip"})


def measure(data: str, workers: int, preload: bool, limit_s: float = 600,
            requests: int = 6) -> dict:
    port = free_port()
    env = _env(HOST="127.0.0.1", PORT=port, WORKERS=workers, THREADS=4, TIMEOUT=900,
               LOG_LEVEL="warning", DATA=data, CACHE_DIR=str(CACHE_DIR),
               PRELOAD_APP="1" if preload else "0")
    gunicorn = str(Path(PY).with_name("gunicorn"))
    server = Server([gunicorn, "--config", "dashboard/gunicorn_conf.py", "app:server"], env,
                    "/readyz", port, f"memory-{workers}w-{int(preload)}.log")
    try:
        load_s = server.wait_ready(limit_s)
        # Every worker has loaded (or inherited) the data once /readyz answers several times.
        deadline = time.perf_counter() + limit_s
        while sum(http_ok(server.ready_url, timeout=limit_s) for _ in range(2 * workers)) < \
                2 * workers and time.perf_counter() < deadline:
            time.sleep(0.5)
        exercise(server.base, requests, limit_s)
        memory = server_memory(server.proc.pid)
        memory.update(workers=workers, preload=preload, load_s=round(load_s, 1), data=data)
        return memory
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="", help="extra incident file (DATA)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--preload", default="1", choices=("0", "1"))
    parser.add_argument("--time-limit", type=float, default=900)
    args = parser.parse_args(argv)
    result = measure(args.data, args.workers, args.preload == "1", args.time_limit)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
