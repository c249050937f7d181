"""Which Dash background-callback manager: diskcache by default, Celery when Redis answers."""

from __future__ import annotations

import logging
import uuid

from dashboard.config import Config
from dashboard.jobs.worker import celery_for, redact, redis_reachable

log = logging.getLogger("dashboard.jobs")  # one logger for the whole jobs package


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

    log.info("background jobs: Celery on %s", redact(config.redis_url))
    return CeleryManager(celery_for(config), cache_by=[_unique_request], expire=RESULT_TTL_S)


def uses_celery(manager) -> bool:
    """True when `manager` sends jobs to Celery workers."""
    from dash import CeleryManager

    return isinstance(manager, CeleryManager)
