"""The export worker's entry point: `celery --app dashboard.celery_worker:celery_app worker`
(`make worker`).

A Celery worker builds the Dash app as it starts (when it imports its task modules), so the
app's background callbacks are registered as tasks there too (Dash names each task from a hash
of its callback). This module sits on top of both the job queue (dashboard/jobs) and the app
factory, so neither has to import the other to make that happen.
"""

from __future__ import annotations

from celery import Celery, signals

from dashboard.app_factory import create_app
from dashboard.jobs import celery_app

_worker_apps: list = []  # the worker's app, kept for the life of the process


def _build_app_in_worker(sender: Celery, **_kwargs) -> None:
    _worker_apps.append(create_app())


signals.import_modules.connect(_build_app_in_worker, sender=celery_app, weak=False)

__all__ = ["celery_app"]
