"""The benchmarks' process and OS plumbing (loopback only): free ports (`port_range`,
`free_port`), peak memory of a process tree (`vm_hwm_mb`, `PeakRss`), stopping a tree
(`kill_tree`), a server subprocess waited for and stopped (`Server`), a static file server
(`StaticServer`), a command that prints JSON (`run_json`) and the environment children run
with (`_env`), and the paths they use."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA_DIR = BENCH / "data"
CACHE_DIR = DATA_DIR / "cache"
PY = sys.executable


def port_range() -> range:
    """Ports the benchmark may use: BENCH_PORTS="first-last", else DASH_TEST_PORT_BASE + 90..99
    (the tests' convention for sharing one machine), else any free port (an empty range)."""
    spec = os.environ.get("BENCH_PORTS", "").strip()
    if spec:
        first, _, last = spec.partition("-")
        return range(int(first), int(last or first) + 1)
    base = os.environ.get("DASH_TEST_PORT_BASE", "").strip()
    return range(int(base) + 90, int(base) + 100) if base else range(0)


def free_port() -> int:
    """A free loopback port, inside `port_range()` when one is set."""
    for port in port_range() or [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {port_range()}")


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident set size of a live process (Linux VmHWM), MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        return None
    return None


class PeakRss:
    """Peak RSS of a process tree: VmHWM per process, read every 0.2 s and at the end
    (processes that exit between reads keep the last value read)."""

    def __init__(self, pid: int):
        import psutil

        self.root = psutil.Process(pid)
        self.peak: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _read(self):
        import psutil

        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        for proc in procs:
            value = vm_hwm_mb(proc.pid)
            if value is not None:
                self.peak[proc.pid] = max(value, self.peak.get(proc.pid, 0.0))

    def _run(self):
        while not self._stop.wait(0.2):
            self._read()

    def max_process_mb(self, exclude_root: bool = False) -> float | None:
        self._read()
        values = [v for pid, v in self.peak.items() if not (exclude_root and pid == self.root.pid)]
        return round(max(values), 1) if values else None

    def stop(self):
        self._stop.set()


def kill_tree(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM a process and its descendants, then SIGKILL what is left."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(signal.SIGTERM)
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=5)


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


class Server:
    """A server subprocess on 127.0.0.1: start, wait for its ready URL (timed), stop."""

    def __init__(self, cmd: list[str], env: dict, ready_path: str, port: int, log_name: str,
                 cwd: Path = ROOT):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.ready_url = self.base + ready_path
        self.log_path = DATA_DIR / "logs" / log_name
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.rss = PeakRss(self.proc.pid)

    def wait_ready(self, limit_s: float) -> float:
        """Seconds from process start to the ready URL answering 200."""
        deadline = self.started + limit_s
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} "
                                   f"(log: {self.log_path.relative_to(ROOT)})")
            if http_ok(self.ready_url, timeout=max(0.5, min(5.0, deadline - time.perf_counter()))):
                return time.perf_counter() - self.started
            time.sleep(0.1)
        raise TimeoutError(f"timeout after {limit_s:.0f} s (data not loaded)")

    def stop(self):
        self.rss.stop()
        if self.proc.poll() is None:
            kill_tree(self.proc.pid)
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=10)
        self._log.close()


class StaticServer:
    """Serves a directory on 127.0.0.1 from a thread (the px pages)."""

    def __init__(self, directory: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = partial(Quiet, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run_json(cmd: list[str], limit_s: float) -> tuple[dict, float]:
    """Run a command that prints one JSON line; (its result, wall seconds)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=limit_s)
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        proc.communicate()
        raise TimeoutError(f"timeout after {limit_s:.0f} s") from None
    finally:
        if proc.poll() is None:
            kill_tree(proc.pid)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        tail = (stderr or "").strip().splitlines()[-1:] or ["?"]
        raise RuntimeError(f"exit {proc.returncode}: {tail[0][:200]}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]), elapsed


def _env(**extra) -> dict:
    """The environment a child runs with: this one's without the app's settings (DATA,
    REDIS_URL, CACHE_DIR, POINT_THRESHOLD, DEBUG), the checkout on PYTHONPATH, then `extra`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATA", "REDIS_URL", "CACHE_DIR", "POINT_THRESHOLD", "DEBUG")}
    env["PYTHONPATH"] = str(ROOT)
    env.update({k: str(v) for k, v in extra.items()})
    return env
