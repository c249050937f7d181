"""Background jobs for exports: Dash's DiskcacheManager by default, CeleryManager with Redis.

* No `REDIS_URL`: exports run in subprocesses of the web worker, results in a diskcache under
  `cache_dir/jobs`; nothing else to start.
* `REDIS_URL` set: exports run in `make worker` (`celery --app dashboard.jobs.celery_app
  worker`), results in Redis. If Redis cannot be reached when the app starts, the app logs it
  and falls back to the diskcache so the map still works (a dead Redis stops only exports).

Bounded queue and time limit: `refusal()` tells the web process why to refuse a new export;
`export_slot()` wraps the export work itself (waits for a free slot, applies the time limit).
Nothing here connects to Redis or writes a file at import time.
"""

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
from celery import Celery, signals

from dashboard.config import Config, load_config
from dashboard.i18n import N_

log = logging.getLogger(__name__)

# Messages for the page (English msgids, translated where shown; see dashboard/locale).
BUSY_MESSAGE = N_("Server busy, try again in a minute.")
UNAVAILABLE_MESSAGE = N_("Exports are unavailable right now (the job queue cannot be reached). "
                         "The map keeps working.")
ABANDONED_MESSAGE = N_("The export did not finish within its time limit (the export worker may "
                       "have stopped). Try again.")
# Past the soft limit Celery gives a task this long before killing it (task_time_limit).
HARD_KILL_MARGIN_S = 15
# Celery's default queue; with the Redis broker it is a Redis list of this name.
EXPORT_QUEUE = "celery"
_SLOT_POLL_S = 0.25


class ServerBusy(RuntimeError):
    """The export queue is full; the message is fit to show to the user."""

    def __init__(self, message: str = BUSY_MESSAGE):
        super().__init__(message)


class ExportTimeout(RuntimeError):
    """An export ran past `config.export_time_limit_s`."""


# --- Celery -------------------------------------------------------------------------------


def celery_settings(config: Config) -> dict:
    """Celery settings for `config` (broker and result backend are both `config.redis_url`)."""
    limit = config.export_time_limit_s
    return {
        "broker_url": config.redis_url,
        "result_backend": config.redis_url,
        # The soft limit raises inside the task so it can clean up; the hard limit kills it.
        "task_soft_time_limit": limit,
        "task_time_limit": limit + HARD_KILL_MARGIN_S,
        "worker_concurrency": config.export_concurrency,
        # One task per worker process at a time, so the queue length we read is the real one.
        "worker_prefetch_multiplier": 1,
        "result_expires": 3600,
        "broker_connection_retry_on_startup": True,
        "redis_socket_connect_timeout": 2,
        "broker_transport_options": {"socket_connect_timeout": 2},
        "worker_hijack_root_logger": False,
    }


def make_celery(config: Config | None = None) -> Celery:
    """A Celery app for `config`, or one that reads the environment when first used.

    Creating it connects to nothing: Celery reads its configuration on first access to
    `app.conf` and opens connections only when a task is sent or a result read.
    """
    app = Celery("aleppo", set_as_current=False)
    if config is not None:
        app.config_from_object(celery_settings(config))
        return app

    def _configure_from_env(sender: Celery, **_kwargs) -> None:
        env_config = load_config()
        if not env_config.redis_url:
            log.info("REDIS_URL is not set: Celery has no broker unless given one")
        sender.config_from_object(celery_settings(env_config))

    # weak=False: the handler is a closure that would otherwise be garbage-collected.
    app.on_configure.connect(_configure_from_env, weak=False)
    return app


# `celery --app dashboard.jobs.celery_app worker` resolves this attribute (a Celery instance,
# as CeleryManager requires); its settings come from the environment on first use.
celery_app = make_celery()


def _build_app_in_worker(sender: Celery, **_kwargs) -> None:
    """A Celery worker builds the Dash app as it starts (when it imports its task modules), so
    the app's background callbacks are registered as tasks there too (Dash names each task
    from a hash of its callback)."""
    from dashboard.app_factory import create_app

    _worker_apps.append(create_app())


_worker_apps: list = []  # the worker's app, kept for the life of the process


signals.import_modules.connect(_build_app_in_worker, sender=celery_app, weak=False)


def _celery_for(config: Config) -> Celery:
    """`celery_app` when it has `config`'s settings, else a separate app (tests, mostly)."""
    if not celery_app.configured:
        # Settings given before configuration take precedence over the environment's.
        celery_app.conf.update(celery_settings(config))
        return celery_app
    wanted = celery_settings(config)
    if all(celery_app.conf.get(key) == wanted[key] for key in
           ("broker_url", "task_soft_time_limit", "task_time_limit", "worker_concurrency")):
        return celery_app
    return make_celery(config)


def redis_reachable(url: str, timeout: float = 1.0) -> tuple[bool, str]:
    """(True, "") when Redis at `url` answers PING, else (False, why)."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return True, ""


# --- the manager ----------------------------------------------------------------------------


# Every export request is its own job. Dash keys a job's result by a hash of the callback's
# inputs, so two viewers exporting the same view at once would share one key and the first
# poll to read the result would take it from the other (whose page then stops silently). A
# random part in the key (`cache_by`) keeps them apart; results then live until read plus
# this long (or Celery's result_expires), instead of being deleted on first read.
RESULT_TTL_S = 600


def _unique_request() -> str:
    return uuid.uuid4().hex


def _diskcache_manager(config: Config):
    import diskcache
    from dash import DiskcacheManager

    return DiskcacheManager(diskcache.Cache(str(config.cache_dir / "jobs")),
                            cache_by=[_unique_request], expire=RESULT_TTL_S)


def make_background_manager(config: Config):
    """The Dash background-callback manager for `config` (see the module docstring)."""
    if not config.redis_url:
        return _diskcache_manager(config)
    ok, why = redis_reachable(config.redis_url)
    if not ok:
        log.warning(
            "REDIS_URL is set but Redis is unreachable (%s): exports will run in-process with "
            "the diskcache manager until this worker restarts",
            why,
        )
        return _diskcache_manager(config)
    from dash import CeleryManager

    log.info("background jobs: Celery on %s", _redact(config.redis_url))
    return CeleryManager(_celery_for(config), cache_by=[_unique_request], expire=RESULT_TTL_S)


def uses_celery(manager) -> bool:
    """True when `manager` sends jobs to Celery workers."""
    from dash import CeleryManager

    return isinstance(manager, CeleryManager)


def _redact(url: str) -> str:
    """`url` without a password, for logs."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


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


def _in_celery_task() -> bool:
    from celery import current_task

    return bool(current_task and current_task.request.id)


# Exports yield the CPU to viewers: a render keeps a core busy for seconds, and on a small
# machine the viewers' requests would otherwise queue behind it.
JOB_NICENESS = 19  # the lowest: a viewer's request always goes first
_niced = False


def lower_job_priority() -> None:
    """In an export job's own process (diskcache) or a Celery worker, lower its CPU priority
    once; the browser it starts afterwards inherits it. Never touches a web worker."""
    global _niced
    if _niced:
        return
    import multiprocess  # what DiskcacheManager starts its job processes with

    if not (_in_celery_task() or multiprocess.current_process().name != "MainProcess"):
        return
    try:
        os.nice(JOB_NICENESS)
    except OSError as exc:  # not allowed here: carry on at normal priority
        log.info("could not lower export priority: %s", exc)
    _niced = True


# --- public queue API -------------------------------------------------------------------


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


# --- watchdog: how long the page waits for a job ------------------------------------------
#
# A Celery worker killed (or frozen) in the middle of a job never reports back: its task stays
# PENDING in Redis and Dash's poll would say "still running" forever. The web side therefore
# notes when it first sees each job polled and gives up on it after `abandon_after_s`.


def abandon_after_s(config: Config) -> int:
    """Seconds after which the page stops waiting for an export job.

    One time limit waiting for a free slot (the disk queue gives up after that too), one
    running, and the margin Celery allows past the soft limit before it kills the task."""
    return 2 * config.export_time_limit_s + HARD_KILL_MARGIN_S


_redis_clients: dict[str, redis.Redis] = {}


def _redis(url: str) -> redis.Redis:
    """A per-process client (redis-py's pool reconnects by itself, and after a fork)."""
    client = _redis_clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        _redis_clients[url] = client
    return client


def job_age_s(config: Config, manager, job_handle: str) -> float:
    """Seconds since this job was first seen (0 on first sight). Shared by every web worker:
    kept in Redis with Celery, in the diskcache otherwise. Raises on a store error."""
    key = "aleppo-job-seen:" + job_handle[-64:]
    now = time.time()
    if uses_celery(manager):
        client = _redis(config.redis_url)
        client.set(key, repr(now), nx=True, ex=6 * 3600)
        first = float(client.get(key) or now)
    else:
        cache = manager.handle
        cache.add(key, now, expire=6 * 3600)
        first = float(cache.get(key, now))
    return max(0.0, now - first)


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
    if _in_celery_task():
        yield
        return
    with _disk_slot(config, on_wait), _time_limit(config.export_time_limit_s):
        yield


def job_store_status(config: Config, manager=None) -> tuple[bool, str]:
    """(ok, detail) for readiness: Redis answers PING, or the diskcache folder is writable."""
    if manager is not None and uses_celery(manager):
        ok, why = redis_reachable(config.redis_url)
        return ok, "redis: ok" if ok else f"redis: {why}"
    folder = config.cache_dir / "jobs"
    probe = folder / f".ready-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return False, f"diskcache: {folder} not writable ({exc.strerror or exc})"
    fallback = " (REDIS_URL set but unreachable at start)" if config.redis_url else ""
    return True, "diskcache: ok" + fallback
