"""How long the page waits for an export job, and whether the job store answers (readiness)."""

from __future__ import annotations

import os
import time

import redis

from dashboard.config import Config
from dashboard.i18n import N_
from dashboard.jobs.manager import uses_celery
from dashboard.jobs.worker import HARD_KILL_MARGIN_S, redis_reachable

ABANDONED_MESSAGE = N_("The export did not finish within its time limit (the export worker may "
                       "have stopped). Try again.")


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
