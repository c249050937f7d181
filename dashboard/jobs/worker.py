"""The Celery app (`celery --app dashboard.jobs.celery_app worker`) and its settings; whether
code runs inside a Celery task; whether Redis answers."""

from __future__ import annotations

import logging

import redis
from celery import Celery

from dashboard.config import Config, load_config

log = logging.getLogger("dashboard.jobs")  # one logger for the whole jobs package

# Past the soft limit Celery gives a task this long before killing it (task_time_limit).
HARD_KILL_MARGIN_S = 15
# Celery's default queue; with the Redis broker it is a Redis list of this name.
EXPORT_QUEUE = "celery"


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


# The Celery instance CeleryManager requires; its settings come from the environment on first
# use. Workers start from dashboard/celery_worker.py, which also builds the Dash app there.
celery_app = make_celery()




def celery_for(config: Config) -> Celery:
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


def in_celery_task() -> bool:
    """True inside a task a Celery worker is running."""
    from celery import current_task

    return bool(current_task and current_task.request.id)


def redact(url: str) -> str:
    """`url` without a password, for logs."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
