"""Exports: a rate limit on new export requests, a "server busy" refusal when the queue is
full, and a watchdog that ends the page's wait for a job that never answers."""

from __future__ import annotations

import json
import logging

import dash
import flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from dashboard import jobs
from dashboard.config import Config
from dashboard.server.errors import error_response
from dashboard.server.protocol import (
    CALLBACK_PATH,
    answers_in_page,
    is_export_poll,
    is_new_export_request,
    page_body,
    page_message,
)

log = logging.getLogger("dashboard.server")  # one logger for the whole server package


def install_export_guards(app: dash.Dash, config: Config) -> None:
    server = app.server
    manager = getattr(app, "_background_manager", None)
    shared = bool(config.redis_url) and jobs.uses_celery(manager)
    limiter = Limiter(
        get_remote_address,
        app=server,
        # Several gunicorn workers and machines share the count through Redis when there is
        # one; otherwise each worker counts on its own (the limit is then per worker).
        storage_uri=config.redis_url if shared else "memory://",
        headers_enabled=True,
        swallow_errors=True,  # a dead Redis must not turn every export into a 500
        in_memory_fallback_enabled=shared,
        key_prefix="aleppo",
    )
    endpoint = app.config.routes_pathname_prefix + CALLBACK_PATH
    view = server.view_functions[endpoint]
    server.view_functions[endpoint] = limiter.limit(
        config.export_rate_limit,
        exempt_when=lambda: not is_new_export_request(),
    )(view)
    server.extensions["aleppo_limiter"] = limiter

    @server.before_request
    def _refuse_when_busy():
        if not is_new_export_request():
            return None
        reason = jobs.refusal(config, manager)
        if reason is None:
            return None
        log.warning("export refused: %s", reason)
        if answers_in_page():
            return page_message(reason)  # the page says why and re-enables its buttons
        return error_response(503, reason)

    give_up_after = jobs.abandon_after_s(config)

    @server.after_request
    def _abandon_silent_job(response: flask.Response):
        """End the page's wait for a job that has not answered within its time limit.

        A Celery worker that died or froze mid-job never reports back and Dash would keep
        polling ("still running") forever. Once a job is older than `abandon_after_s`, its
        "still running" poll answer is replaced by a final one saying it did not finish; a
        result that did arrive always passes through unchanged.
        """
        if response.status_code != 200 or not is_export_poll() or not answers_in_page():
            return response
        try:
            body = json.loads(response.get_data())
        except ValueError:
            return response
        if not isinstance(body, dict) or "response" in body:
            return response
        try:
            age = jobs.job_age_s(config, manager, flask.request.args["job"])
        except Exception as exc:  # noqa: BLE001 - the store's own failure shows elsewhere
            log.warning("export watchdog: job store unreadable: %s", exc)
            return response
        if age <= give_up_after:
            return response
        log.warning("export job gave no answer in %.0f s (limit %d s): the page stops waiting",
                    age, give_up_after)
        response.set_data(json.dumps(page_body(jobs.ABANDONED_MESSAGE)))
        return response
