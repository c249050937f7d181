"""Background jobs for exports: Dash's DiskcacheManager by default, CeleryManager with Redis.

* No `REDIS_URL`: exports run in subprocesses of the web worker, results in a diskcache under
  `cache_dir/jobs`; nothing else to start.
* `REDIS_URL` set: exports run in `make worker` (`celery --app dashboard.celery_worker
  worker`), results in Redis. If Redis cannot be reached when the app starts, the app logs it
  and falls back to the diskcache so the map still works (a dead Redis stops only exports).

Bounded queue and time limit: `refusal()` tells the web process why to refuse a new export;
`export_slot()` wraps the export work itself (waits for a free slot, applies the time limit).
Nothing here connects to Redis or writes a file at import time.

Modules: `worker` (Celery app and settings), `manager` (which Dash manager), `slots` (the
bounded queue and time limit), `watchdog` (how long the page waits; job store health),
`priority` (exports at the lowest CPU priority).
"""

from __future__ import annotations

from dashboard.jobs.manager import RESULT_TTL_S, make_background_manager, uses_celery
from dashboard.jobs.priority import JOB_NICENESS, lower_job_priority
from dashboard.jobs.slots import (
    BUSY_MESSAGE,
    UNAVAILABLE_MESSAGE,
    ExportTimeout,
    ServerBusy,
    export_slot,
    queue_depth,
    refusal,
)
from dashboard.jobs.watchdog import (
    ABANDONED_MESSAGE,
    abandon_after_s,
    job_age_s,
    job_store_status,
)
from dashboard.jobs.worker import (
    EXPORT_QUEUE,
    HARD_KILL_MARGIN_S,
    celery_app,
    celery_settings,
    make_celery,
    redis_reachable,
)

__all__ = [
    "ABANDONED_MESSAGE", "BUSY_MESSAGE", "EXPORT_QUEUE", "HARD_KILL_MARGIN_S", "JOB_NICENESS",
    "RESULT_TTL_S", "UNAVAILABLE_MESSAGE", "ExportTimeout", "ServerBusy", "abandon_after_s",
    "celery_app", "celery_settings", "export_slot", "job_age_s", "job_store_status",
    "lower_job_priority", "make_background_manager", "make_celery", "queue_depth",
    "redis_reachable", "refusal", "uses_celery",
]  # fmt: skip
