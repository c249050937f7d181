"""Exports at the lowest CPU priority, in their own process only."""

from __future__ import annotations

import logging
import os

from dashboard.jobs.worker import in_celery_task

log = logging.getLogger("dashboard.jobs")  # one logger for the whole jobs package


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

    if not (in_celery_task() or multiprocess.current_process().name != "MainProcess"):
        return
    try:
        os.nice(JOB_NICENESS)
    except OSError as exc:  # not allowed here: carry on at normal priority
        log.info("could not lower export priority: %s", exc)
    _niced = True
