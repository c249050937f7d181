"""Load test: `python -m bench.load` (make loadtest).

Starts gunicorn (2 workers, as `make serve`) on a free loopback port, derives the request plan
from the running app (/_dash-layout, /_dash-dependencies), then runs locust headless twice:

1. "viewers": 50 viewers alone for 60 s (the baseline);
2. "viewers+exports": the same 50 viewers plus 3 presenters exporting slides for 60 s.

It samples the memory of every process under gunicorn (web workers; export jobs with their
browser, summed per job) and the machine's load average, prints a table per phase, checks the
targets and writes bench/load.json. Loopback only; it stops by itself.

Environment: LOAD_VIEWERS (50), LOAD_PRESENTERS (3), LOAD_SECONDS (60 per phase),
LOAD_VIEW_QUERY, REDIS_URL (then start `make worker` yourself: exports go to Celery),
BENCH_PORTS or DASH_TEST_PORT_BASE (the ports it may use, as the timeline benchmark's).

One module (about 390 lines) on purpose: the request plan, the memory sampler, the phase
runner and the target checks all read the one running server and its locust output; the
shared plumbing (ports) is bench/procs.py, the user behaviour bench/locustfile.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from bench.procs import free_port

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "load.json"
# Callbacks whose outputs name these ids are what a viewer triggers, by kind.
# "page" is the page body for a URL (opening a link, switching language or theme); moving the
# timeline itself is browser-side, the server answers the charts and table that follow it.
VIEWER_KINDS = {"page": ("page.children",),
                "timeline": ("timeline-", "daily-chart", "casualty-chart", "day-histogram"),
                "details": ("incident-details",), "table": ("incident-table",)}
EXPORT_MARKER = "export-"
MB = 1024 * 1024
TARGETS = {"viewer_p95_ms": 250, "export_slowdown": 2.0, "web_worker_mb": 400,
           "export_worker_mb": 1024}
# What a presenter exports: a 1920×1080 slide PNG of the shared view.
SLIDE_EXPORT = {"export-view": "slide", "export-format": "png", "export-preset": "slide",
                "export-width": 1920, "export-height": 1080, "export-scale": 1}


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


def _export_payload(dep: dict, base: str) -> dict:
    """The export callback's first request as the page sends it for a slide of the view."""
    query = "?" + os.environ.get("LOAD_VIEW_QUERY", "lang=en&day=2016-04-28")
    values = {**SLIDE_EXPORT, "export-button": 1, "export-briefing-button": 0,
              "url-sync": query, "url": base + "/" + query, "view-store": {"lang": "en"}}
    payload = _payload(dep, {})
    for item in payload["inputs"] + payload["state"]:
        item["value"] = values.get(item["id"])
    payload["changedPropIds"] = ["export-button.n_clicks"]
    return payload


def _post_json(url: str, body: dict):
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def build_plan(base: str) -> dict:
    """The requests viewers and presenters make, from the app's own layout and callbacks.

    The page body is built by a callback, so its components' values come from rendering the
    shared view once (as a browser would) and reading them out of that answer."""
    view_query = os.environ.get("LOAD_VIEW_QUERY", "lang=en&day=2016-04-28")
    props: dict = {}
    _walk(_get_json(base + "/_dash-layout"), props)
    deps = _get_json(base + "/_dash-dependencies")
    props["url"] = {**props.get("url", {}), "search": "?" + view_query,
                    "href": f"{base}/?{view_query}", "pathname": "/"}
    for dep in deps:
        if "page.children" in dep["output"] and not dep.get("clientside_function"):
            answer = _post_json(base + "/_dash-update-component", _payload(dep, props))
            for component_id, values in answer.get("response", {}).items():
                props.setdefault(component_id, {}).update(values)
                _walk(values, props)
    # A viewer with the table open (the table follows the timeline), clicking incidents.
    props.setdefault("bottom-tabs", {})["value"] = "table"
    # What the page's tableRequest passes to the server while the table is open.
    props["table-request"] = {"data": {
        "day": props.get("timeline-slider", {}).get("value", 0),
        "window": props.get("window-select", {}).get("value"),
        "categories": props.get("layer-checklist", {}).get("value"),
        "data_layers": props.get("data-layer-checklist", {}).get("value")}}
    props.setdefault("map-graph", {})["clickData"] = {"points": [{"customdata": [0]}]}
    viewer, export = [], None
    for dep in deps:
        if dep.get("clientside_function") or "{" in dep["output"]:
            continue
        if EXPORT_MARKER in dep["output"]:
            if "export-status" in dep["output"] and "export-download" in dep["output"]:
                export = {"payload": _export_payload(dep, base)}
            continue
        for kind, markers in VIEWER_KINDS.items():
            if any(m in dep["output"] for m in markers):
                viewer.append({"kind": kind, "payload": _payload(dep, props)})
                break
    slider = props.get("timeline-slider", {})
    return {"view_query": view_query, "viewer_payloads": viewer, "export": export,
            "days": int(slider.get("max") or 0) + 1}


class RssSampler(threading.Thread):
    """Peak RSS of each web worker, and of each export job together with its browser.

    With the default diskcache manager every export is a process under a web worker, and its
    Chromium (about ten processes) hangs under that. A job's figure is summed over its tree:
    PSS (each shared page counted once, split between its sharers: the memory the job really
    adds) and the RSS sum (an upper bound: Chromium's processes share most of their pages, and
    the job shares the web worker's pages until it writes them). Also the peak load average."""

    def __init__(self, master_pid: int):
        super().__init__(daemon=True)
        self.master = psutil.Process(master_pid)
        self.web: dict[int, int] = {}
        self.export: dict[int, int] = {}
        self.export_rss_sum: dict[int, int] = {}
        self.load_peak = 0.0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.5):
            self.load_peak = max(self.load_peak, os.getloadavg()[0])
            try:
                workers = self.master.children()
            except psutil.NoSuchProcess:
                return
            for worker in workers:
                self.web[worker.pid] = max(self.web.get(worker.pid, 0), _rss(worker))
                try:
                    jobs = worker.children()
                except psutil.NoSuchProcess:
                    continue
                for job in jobs:
                    try:
                        tree = [job, *job.children(recursive=True)]
                    except psutil.NoSuchProcess:
                        continue
                    pss = sum(_pss(proc) for proc in tree)
                    rss = sum(_rss(proc) for proc in tree)
                    self.export[job.pid] = max(self.export.get(job.pid, 0), pss)
                    self.export_rss_sum[job.pid] = max(self.export_rss_sum.get(job.pid, 0), rss)


def _rss(proc: psutil.Process) -> int:
    try:
        return proc.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def _pss(proc: psutil.Process) -> int:
    try:
        return proc.memory_full_info().pss
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0


def _percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), as locust reports them; 0 for no values. (Not
    bench.stats.percentile, which interpolates between ranks as numpy does: these figures are
    read next to locust's own.)"""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _summary(times: dict[str, list[float]], stats: dict) -> dict:
    """Per request name: count, failures (from locust) and exact p50/p95/p99 (ms); plus the
    same over every viewer callback together ("viewer callbacks")."""
    rows = {}
    viewer = [t for name, values in times.items() if name.startswith("callback ")
              for t in values]
    groups = {**times, "viewer callbacks": viewer}
    for name, values in groups.items():
        failures = (sum(stats.get(n, {}).get("failures", 0) for n in times
                        if n.startswith("callback ")) if name == "viewer callbacks"
                    else stats.get(name, {}).get("failures", 0))
        rows[name] = {"requests": len(values), "failures": failures,
                      "p50_ms": _percentile(values, 50), "p95_ms": _percentile(values, 95),
                      "p99_ms": _percentile(values, 99)}
    return rows


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


def _print_phase(name: str, phase: dict) -> None:
    print(f"\n== {name}: {phase['users']} users, {phase['seconds']} s, load average "
          f"{phase['load_before']:.2f} -> peak {phase['load_peak']:.2f}")
    print(f"{'kind':<28}{'requests':>9}{'failures':>9}{'p50':>8}{'p95':>8}{'p99':>8}  (ms)")
    for kind, row in sorted(phase["requests"].items()):
        print(f"{kind:<28}{row['requests']:>9}{row['failures']:>9}"
              f"{row['p50_ms']:>8.0f}{row['p95_ms']:>8.0f}{row['p99_ms']:>8.0f}")


def _run_phase(base: str, env: dict, plan_path: Path, work: Path, name: str, users: int,
               classes: list[str], seconds: int, server_pid: int) -> dict:
    sampler = RssSampler(server_pid)
    load_before = os.getloadavg()[0]
    sampler.start()
    prefix = work / name.replace("+", "_")
    times_path = work / f"{name.replace('+', '_')}_times.json"
    subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "bench.locustfile",
         "-f", "bench/locustfile.py", "--headless", "--host", base,
         "-u", str(users), "-r", "10", "-t", f"{seconds}s",
         "--csv", str(prefix), "--only-summary", "--stop-timeout", "30",
         "--loglevel", "WARNING", *classes],
        cwd=ROOT, env=dict(env, ALEPPO_LOAD_PLAN=str(plan_path),
                           ALEPPO_LOAD_TIMES=str(times_path)),
        timeout=seconds + 180, check=False,
    )
    sampler.done.set()
    sampler.join(5)
    times = json.loads(times_path.read_text()) if times_path.exists() else {}
    requests = _summary(times, _read_stats(prefix))
    completed = requests.get("export completed", {})
    return {"users": users, "seconds": seconds, "requests": requests,
            "exports_completed": completed.get("requests", 0) - completed.get("failures", 0),
            "load_before": load_before, "load_peak": sampler.load_peak,
            "load_after": os.getloadavg()[0],
            "peak_rss_mb": {"web_workers": {str(k): round(v / MB) for k, v in sampler.web.items()},
                            "export_jobs": {str(k): round(v / MB)
                                            for k, v in sampler.export.items()},
                            "export_jobs_rss_sum": {str(k): round(v / MB)
                                                    for k, v in sampler.export_rss_sum.items()}}}


def _checks(result: dict) -> dict:
    """Each target: the measured value, the limit, and whether it was met."""
    base, load = result["phases"]["viewers"], result["phases"]["viewers+exports"]
    failed = sum(row["failures"] for phase in (base, load) for name, row in
                 phase["requests"].items() if name != "viewer callbacks")
    p95_alone = base["requests"].get("viewer callbacks", {}).get("p95_ms", 0)
    p95_busy = load["requests"].get("viewer callbacks", {}).get("p95_ms", 0)
    web = max([*base["peak_rss_mb"]["web_workers"].values(),
               *load["peak_rss_mb"]["web_workers"].values()], default=0)
    export = max(load["peak_rss_mb"]["export_jobs"].values(), default=0)
    ratio = p95_busy / p95_alone if p95_alone else 0.0
    rows = {
        "failed requests": (failed, 0, failed == 0),
        "viewer callback p95 alone (ms)": (p95_alone, TARGETS["viewer_p95_ms"],
                                           p95_alone <= TARGETS["viewer_p95_ms"]),
        "viewer callback p95 with exports (ms)": (p95_busy, TARGETS["viewer_p95_ms"],
                                                  p95_busy <= TARGETS["viewer_p95_ms"]),
        "p95 with exports / alone": (round(ratio, 2), TARGETS["export_slowdown"],
                                     ratio <= TARGETS["export_slowdown"]),
        "peak RSS per web worker (MB)": (web, TARGETS["web_worker_mb"],
                                         web <= TARGETS["web_worker_mb"]),
        "peak PSS per export job + browser (MB)": (export, TARGETS["export_worker_mb"],
                                                   export <= TARGETS["export_worker_mb"]),
        "exports completed": (load["exports_completed"], 1, load["exports_completed"] >= 1),
    }
    return {k: {"value": v, "target": t, "met": bool(m)} for k, (v, t, m) in rows.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the load test; exit 1 if anything failed to start or a target was missed."""
    # Settings come from the environment (the docstring); parsing the command line still
    # matters: `--help` prints them instead of starting two minutes of load.
    argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    port = free_port()
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
              f"{sorted({p['kind'] for p in plan['viewer_payloads']})}; "
              f"exports: {'slide PNG' if plan['export'] else 'not available'}")
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        viewers = int(os.environ.get("LOAD_VIEWERS", "50"))
        presenters = int(os.environ.get("LOAD_PRESENTERS", "3"))
        # Warm both workers (first page build, caches) so the baseline is not a cold start.
        for _ in range(6):
            urllib.request.urlopen(base + "/", timeout=60).read()  # noqa: S310 - loopback
        phases = {
            "viewers": _run_phase(base, dict(env, LOAD_VIEWERS=str(viewers)), plan_path, work,
                                  "viewers", viewers, ["Viewer"], seconds, server.pid),
            "viewers+exports": _run_phase(
                base, dict(env, LOAD_VIEWERS=str(viewers), LOAD_PRESENTERS=str(presenters)),
                plan_path, work, "viewers+exports", viewers + presenters,
                ["Viewer", "Presenter"], seconds, server.pid),
        }
        result = {"viewers": viewers, "presenters": presenters, "seconds_per_phase": seconds,
                  "workers": 2, "cpus": os.cpu_count(),
                  "job_manager": "celery" if env.get("REDIS_URL") else "diskcache",
                  "exports_available": bool(plan["export"]), "phases": phases}
        result["targets"] = _checks(result)
        OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        for name, phase in phases.items():
            _print_phase(name, phase)
        for name, phase in phases.items():
            print(f"{name}: peak RSS web workers (MB) {phase['peak_rss_mb']['web_workers']}")
        mem = phases["viewers+exports"]["peak_rss_mb"]
        jobs_mb = list(mem["export_jobs"].values())
        rss_mb = list(mem["export_jobs_rss_sum"].values())
        print(f"export jobs seen: {len(jobs_mb)}; per job + browser, peak PSS (MB): max "
              f"{max(jobs_mb, default=0)}, all {sorted(jobs_mb)}; peak RSS sum (MB): max "
              f"{max(rss_mb, default=0)}")
        print("\ntargets:")
        for name, row in result["targets"].items():
            print(f"  {'met ' if row['met'] else 'MISS'}  {name}: {row['value']} "
                  f"(target {row['target']})")
        print(f"wrote {OUT.relative_to(ROOT)}")
        return 0 if all(row["met"] for row in result["targets"].values()) else 1
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
