"""The bounded export queue and its time limit: slot files under a lock (diskcache), the
queue's depth (Redis with Celery), why a new export is refused, `export_slot()`."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import redis

from dashboard.config import Config
from dashboard.i18n import N_
from dashboard.jobs.manager import uses_celery
from dashboard.jobs.worker import EXPORT_QUEUE, in_celery_task

log = logging.getLogger("dashboard.jobs")  # one logger for the whole jobs package

# Messages for the page (English msgids, translated where shown; see dashboard/locale).
BUSY_MESSAGE = N_("Server busy, try again in a minute.")
UNAVAILABLE_MESSAGE = N_("Exports are unavailable right now (the job queue cannot be reached). "
                         "The map keeps working.")
_SLOT_POLL_S = 0.25


class ServerBusy(RuntimeError):
    """The export queue is full; the message is fit to show to the user."""

    def __init__(self, message: str = BUSY_MESSAGE):
        super().__init__(message)


class ExportTimeout(RuntimeError):
    """An export ran past `config.export_time_limit_s`."""


# --- bounded queue: disk slots ------------------------------------------------------------
#
# Without Celery each export is a subprocess of a web worker, and several web workers share the
# machine, so the queue is a folder of slot files (one per export, named by pid) guarded by an
# flock. A slot whose process has died no longer counts, so a killed export never leaks one.


def _slot_dir(config: Config) -> Path:
    return config.cache_dir / "export-slots"


@contextlib.contextmanager
def _slot_lock(config: Config) -> Iterator[Path]:
    folder = _slot_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _live_slots(folder: Path) -> tuple[list[Path], list[Path]]:
    """(waiting, running) slot files of processes still alive; removes the others."""
    waiting, running = [], []
    for path in folder.glob("*-*-*.slot"):
        state, pid_text, _token = path.stem.split("-", 2)
        if not (pid_text.isdigit() and psutil.pid_exists(int(pid_text))):
            path.unlink(missing_ok=True)
            continue
        (running if state == "run" else waiting).append(path)
    return waiting, running


def _disk_depth(config: Config) -> int:
    folder = _slot_dir(config)
    if not folder.is_dir():
        return 0
    with _slot_lock(config) as folder:
        waiting, running = _live_slots(folder)
    return len(waiting) + len(running)


@contextlib.contextmanager
def _disk_slot(config: Config, on_wait: Callable[[int], None] | None) -> Iterator[None]:
    token = uuid.uuid4().hex[:12]
    pid = os.getpid()
    with _slot_lock(config) as folder:
        waiting, running = _live_slots(folder)
        if len(waiting) + len(running) >= config.export_queue_length:
            raise ServerBusy()
        slot = folder / f"wait-{pid}-{token}.slot"
        slot.touch()
    deadline = time.monotonic() + config.export_time_limit_s
    try:
        while True:
            with _slot_lock(config) as folder:
                waiting, running = _live_slots(folder)
                if len(running) < config.export_concurrency:
                    started = folder / f"run-{pid}-{token}.slot"
                    slot.rename(started)
                    slot = started
                    break
            if time.monotonic() > deadline:
                raise ServerBusy()
            if on_wait is not None:
                on_wait(len(running) + len(waiting) - 1)
            time.sleep(_SLOT_POLL_S)
        yield
    finally:
        slot.unlink(missing_ok=True)


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Raise ExportTimeout after `seconds` (main thread only: SIGALRM is per process)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(_signum, _frame):
        raise ExportTimeout(f"export took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def queue_depth(config: Config, manager=None) -> int:
    """Exports waiting or running now (Celery: jobs waiting in the Redis queue)."""
    if manager is not None and uses_celery(manager):
        client = redis.Redis.from_url(config.redis_url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return int(client.llen(EXPORT_QUEUE))
        finally:
            client.close()
    return _disk_depth(config)


def refusal(config: Config, manager=None) -> str | None:
    """Why a new export must be refused now (BUSY_MESSAGE, UNAVAILABLE_MESSAGE), or None."""
    try:
        full = queue_depth(config, manager) >= config.export_queue_length
    except (redis.RedisError, OSError, ValueError) as exc:
        log.warning("export queue unreadable (%s): refusing new exports", exc)
        return UNAVAILABLE_MESSAGE
    return BUSY_MESSAGE if full else None


@contextlib.contextmanager
def export_slot(
    config: Config | None = None, on_wait: Callable[[int], None] | None = None
) -> Iterator[None]:
    """Run the body of an export inside the bounded queue and its time limit.

    In a Celery worker, Celery already bounds concurrency and time, so this only yields.
    Otherwise: raises ServerBusy when `export_queue_length` exports are already waiting or
    running, waits (calling `on_wait(n_ahead)`) until fewer than `export_concurrency` run,
    then runs the body under `export_time_limit_s` (ExportTimeout when exceeded).
    """
    if config is None:
        from dashboard.runtime import get_runtime

        config = get_runtime().config
    if in_celery_task():
        yield
        return
    with _disk_slot(config, on_wait), _time_limit(config.export_time_limit_s):
        yield
