"""Load test: `python -m bench.load` (make loadtest).

Starts gunicorn (2 workers) on a free loopback port, derives the request plan from the running
app (/_dash-layout, /_dash-dependencies), runs locust headless with 50 viewers and 3 presenters
for 60 s, samples the memory of every process under gunicorn, then prints a table and writes
bench/load.json. Loopback only; it stops by itself.

Environment: LOAD_VIEWERS (50), LOAD_PRESENTERS (3), LOAD_SECONDS (60), LOAD_VIEW_QUERY.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "load.json"
# Callbacks whose outputs name these ids are what a viewer triggers, by kind.
VIEWER_KINDS = {"timeline": ("timeline-", "daily-chart", "casualty-chart", "day-histogram"),
                "details": ("incident-details",), "table": ("incident-table",)}
EXPORT_MARKER = "export-"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback URL
        return json.loads(response.read())


def _walk(node, found: dict) -> None:
    """Collect {component id: props} from a serialised Dash layout."""
    if isinstance(node, list):
        for child in node:
            _walk(child, found)
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            if isinstance(props.get("id"), str):
                found[props["id"]] = props
            for value in props.values():
                _walk(value, found)


def _payload(dep: dict, props: dict) -> dict:
    def filled(items):
        return [{**d, "value": props.get(d["id"], {}).get(d["property"])} for d in items]

    output = dep["output"]
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    for spec in outputs:
        spec["property"] = spec["property"].split("@")[0]
    inputs = filled(dep["inputs"])
    return {"output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": inputs, "state": filled(dep["state"]),
            "changedPropIds": [f"{d['id']}.{d['property']}" for d in inputs[:1]]}


def build_plan(base: str) -> dict:
    """The requests viewers and presenters make, from the app's own layout and callbacks."""
    props: dict = {}
    _walk(_get_json(base + "/_dash-layout"), props)
    deps = _get_json(base + "/_dash-dependencies")
    viewer, export = [], None
    for dep in deps:
        if dep.get("clientside_function") or "{" in dep["output"]:
            continue
        if EXPORT_MARKER in dep["output"]:
            export = export or {"payload": _payload(dep, props)}
            continue
        for kind, markers in VIEWER_KINDS.items():
            if any(m in dep["output"] for m in markers):
                viewer.append({"kind": kind, "payload": _payload(dep, props)})
                break
    slider = props.get("timeline-slider", {})
    return {"view_query": os.environ.get("LOAD_VIEW_QUERY", "lang=en&day=2016-04-28"),
            "viewer_payloads": viewer, "export": export,
            "days": int(slider.get("max") or 0) + 1}


class RssSampler(threading.Thread):
    """Peak RSS per process under the gunicorn master, split into web and export workers."""

    def __init__(self, master_pid: int):
        super().__init__(daemon=True)
        self.master = psutil.Process(master_pid)
        self.web: dict[int, int] = {}
        self.export: dict[int, int] = {}
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.5):
            try:
                workers = self.master.children()
            except psutil.NoSuchProcess:
                return
            for worker in workers:
                self._record(self.web, worker)
                try:
                    for child in worker.children(recursive=True):
                        self._record(self.export, child)
                except psutil.NoSuchProcess:
                    continue

    @staticmethod
    def _record(table: dict[int, int], proc: psutil.Process) -> None:
        try:
            table[proc.pid] = max(table.get(proc.pid, 0), proc.memory_info().rss)
        except psutil.NoSuchProcess:
            pass


def _read_stats(prefix: Path) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0), "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
    return rows


def _print_table(result: dict) -> None:
    print(f"\n{'kind':<28}{'requests':>9}{'failures':>9}{'p50':>8}{'p95':>8}{'p99':>8}  (ms)")
    for name, row in sorted(result["requests"].items()):
        print(f"{name:<28}{row['requests']:>9}{row['failures']:>9}"
              f"{row['p50_ms']:>8.0f}{row['p95_ms']:>8.0f}{row['p99_ms']:>8.0f}")
    print(f"exports completed: {result['exports_completed']}")
    mb = 1024 * 1024
    for role in ("web_workers", "export_workers"):
        peaks = ", ".join(f"{v / mb:.0f} MB" for v in result["peak_rss_bytes"][role].values())
        print(f"peak RSS {role.replace('_', ' ')}: {peaks or 'none seen'}")


def main() -> int:
    """Run the load test; exit 1 if anything failed to start."""
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="aleppo-load-"))
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), WORKERS="2",
               CACHE_DIR=os.environ.get("CACHE_DIR") or str(work / "cache"),
               EXPORT_RATE_LIMIT=os.environ.get("EXPORT_RATE_LIMIT") or "1000 per minute")
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "--config",
                               "dashboard/gunicorn_conf.py", "app:server"],
                              cwd=ROOT, env=env, stdout=open(work / "gunicorn.log", "wb"),
                              stderr=subprocess.STDOUT)
    try:
        for _ in range(120):  # bounded wait for the first worker
            try:
                _get_json(base + "/healthz")
                break
            except OSError:
                time.sleep(0.5)
        else:
            print(f"gunicorn did not start; see {work / 'gunicorn.log'}", file=sys.stderr)
            return 1
        plan = build_plan(base)
        print(f"{len(plan['viewer_payloads'])} viewer callbacks: "
              f"{sorted({p['kind'] for p in plan['viewer_payloads']})}")
        if not plan["export"]:
            print("exports not available: the app has no export callback yet; "
                  "presenters idle")
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        viewers = int(os.environ.get("LOAD_VIEWERS", "50"))
        presenters = int(os.environ.get("LOAD_PRESENTERS", "3"))
        sampler = RssSampler(server.pid)
        sampler.start()
        prefix = work / "locust"
        subprocess.run(
            [sys.executable, "-W", "ignore", "-m", "bench.locustfile",
             "-f", "bench/locustfile.py", "--headless", "--host", base,
             "-u", str(viewers + presenters), "-r", "10", "-t", f"{seconds}s",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "30",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=dict(env, ALEPPO_LOAD_PLAN=str(plan_path)),
            timeout=seconds + 120, check=False,
        )
        sampler.done.set()
        sampler.join(5)
        stats = _read_stats(prefix)
        result = {
            "viewers": viewers, "presenters": presenters, "seconds": seconds, "workers": 2,
            "requests": stats,
            "exports_available": bool(plan["export"]),
            "exports_completed": stats.get("export completed", {}).get("requests", 0)
            - stats.get("export completed", {}).get("failures", 0),
            "peak_rss_bytes": {"web_workers": {str(k): v for k, v in sampler.web.items()},
                               "export_workers": {str(k): v for k, v in sampler.export.items()}},
        }
        OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        _print_table(result)
        print(f"wrote {OUT.relative_to(ROOT)}")
        return 0
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
