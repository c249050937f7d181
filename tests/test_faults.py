"""Gunicorn under faults: a killed worker is replaced; SIGTERM lets in-flight requests finish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest_redis import PROJECT_ROOT, find_free_port, stop_process, wait_for_port

pytestmark = pytest.mark.slow


def _get(url: str, timeout: float = 10.0) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _healthy(url: str) -> bool:
    """/healthz answered 200; False while no worker accepts yet (a worker loads its data
    before it accepts, which takes more than one request's timeout on a busy machine)."""
    try:
        return _get(url)[0] == 200
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        return False


def _workers(master: subprocess.Popen) -> set[int]:
    return {p.pid for p in psutil.Process(master.pid).children() if p.is_running()}


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def gunicorn(tmp_path):
    """Gunicorn with 2 workers on a free loopback port; yields (process, base_url)."""
    port = find_free_port()
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), WORKERS="2", THREADS="2",
               GRACEFUL_TIMEOUT="20", CACHE_DIR=str(tmp_path / "cache"),
               ALEPPO_TEST_SLOW_ENDPOINT="1")
    env.pop("REDIS_URL", None)
    log_path = tmp_path / "gunicorn.log"
    gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [gunicorn_bin, "--config", "dashboard/gunicorn_conf.py", "app:server"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, timeout=30, process=process)
        _wait_for(lambda: len(_workers(process)) == 2, 30, "two workers")
        _wait_for(lambda: _healthy(base + "/healthz"), 60, "/healthz")
    except (AssertionError, RuntimeError, TimeoutError) as exc:
        stop_process(process)
        pytest.fail(f"gunicorn did not start: {exc}\n{log_path.read_text()[-3000:]}")
    yield process, base
    stop_process(process, timeout=30)


def test_server_header_has_no_version(gunicorn):
    _process, base = gunicorn
    status, headers, body = _get(base + "/assets/no-such-file.css")
    assert status == 404
    assert headers.get("Server", "") in ("", "gunicorn")
    assert b"Traceback" not in body


def test_killed_worker_is_replaced(gunicorn):
    process, base = gunicorn
    before = _workers(process)
    victim = sorted(before)[0]
    results: list[int] = []
    stop = threading.Event()

    def traffic():
        for _ in range(2000):  # bounded
            if stop.is_set():
                return
            try:
                results.append(_get(base + "/healthz", timeout=5)[0])
            except OSError:
                results.append(-1)  # the connection the killed worker held

    thread = threading.Thread(target=traffic)
    thread.start()
    time.sleep(0.5)
    os.kill(victim, signal.SIGKILL)
    after = _wait_for(
        lambda: (w := _workers(process)) and len(w) == 2 and victim not in w and w,
        30, "a replacement worker",
    )
    time.sleep(0.5)
    stop.set()
    thread.join(30)
    assert victim not in after and len(after) == 2
    assert results.count(200) > 10
    # Once the replacement is up every request succeeds.
    assert all(_get(base + "/healthz")[0] == 200 for _ in range(20))
    assert _get(base + "/")[0] == 200


def test_sigterm_finishes_in_flight_request(gunicorn):
    process, base = gunicorn
    outcome: dict = {}

    def slow_request():
        outcome["status"], _, outcome["body"] = _get(base + "/_test/slow?s=3", timeout=30)

    thread = threading.Thread(target=slow_request)
    thread.start()
    time.sleep(1.0)  # the request is now being served
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    thread.join(30)
    process.wait(30)
    assert outcome.get("status") == 200, outcome
    assert b'"slept":3' in outcome["body"]
    assert process.returncode == 0
    assert time.monotonic() - started < 20  # well inside graceful_timeout
