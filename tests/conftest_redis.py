"""Pytest plugin: servers the serving-layer tests start for real, on loopback only.

Fixtures:
  redis_server          session: a throwaway redis-server on a free port; yields its URL
  redis_url             function: `redis_server`'s URL with the database emptied first
  celery_worker         function: a Celery worker (dashboard.celery_worker) on that Redis
  make_serving_app      function: factory `(**env) -> dash.Dash` with a private CACHE_DIR
  free_port             function: factory returning an unused loopback TCP port

With CI set in the environment, a redis-server that cannot start fails the test (it must run
in CI); elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = "/usr/bin/redis-server"


def find_free_port() -> int:
    """An unused TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0, process: subprocess.Popen | None = None):
    """Wait until something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM `process`, then SIGKILL if it has not exited after `timeout` s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"redis-server is required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def free_port():
    """Factory: an unused loopback port each call."""
    return find_free_port


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """Start redis-server on a free loopback port (no persistence); yield `redis://...`."""
    binary = REDIS_SERVER if os.path.exists(REDIS_SERVER) else shutil.which("redis-server")
    if not binary:
        _unavailable("redis-server is not installed (make system-deps installs it)")
    folder = tmp_path_factory.mktemp("redis")
    port = find_free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes"]
    log_path = folder / "redis.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(args, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, timeout=10, process=process)
    except (RuntimeError, TimeoutError) as exc:
        stop_process(process)
        _unavailable(f"redis-server did not start: {exc}: {log_path.read_text()[-500:]}")
    yield f"redis://127.0.0.1:{port}/0"
    stop_process(process)


@pytest.fixture
def redis_url(redis_server):
    """The test Redis, emptied."""
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    client.close()
    return redis_server


@pytest.fixture
def celery_worker(redis_url, tmp_path):
    """A Celery export worker process on `redis_url`; yields (process, redis_url)."""
    env = dict(os.environ, REDIS_URL=redis_url, CACHE_DIR=str(tmp_path / "worker-cache"))
    log_path = tmp_path / "celery.log"
    celery = str(Path(sys.executable).with_name("celery"))
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [celery, "--app", "dashboard.celery_worker:celery_app", "worker", "--loglevel=INFO",
             "--concurrency=1", "--without-gossip", "--without-mingle", "--pool=solo"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            pytest.fail(f"celery worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    yield process, redis_url
    stop_process(process, timeout=20)


@pytest.fixture
def make_serving_app(tmp_path):
    """Factory: `make_serving_app(**env)` builds the full app with a private cache folder."""
    from dashboard.app_factory import create_app
    from dashboard.config import load_config

    def _make(**env):
        values = {"CACHE_DIR": str(tmp_path / "cache"), **{k: str(v) for k, v in env.items()}}
        return create_app(load_config(values))

    return _make
