"""JSON error pages without stack traces: HTTP errors, malformed callback requests (400), a
job store failing under a running export (a message in the page), anything else (500)."""

from __future__ import annotations

import logging

import dash
import flask
from dash.exceptions import DependencyException
from werkzeug.exceptions import HTTPException

from dashboard import jobs
from dashboard.server.protocol import (
    CALLBACK_PATH,
    answers_in_page,
    from_dash_machinery,
    is_export_request,
    page_message,
)

log = logging.getLogger("dashboard.server")  # one logger for the whole server package


def error_response(status: int, message: str) -> flask.Response:
    response = flask.jsonify(error=message, status=status)
    response.status_code = status
    return response


def install_errors(app: dash.Dash) -> None:
    server = app.server
    server.config["PROPAGATE_EXCEPTIONS"] = False

    @server.errorhandler(HTTPException)
    def _httperror_response(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc  # redirects (e.g. a missing trailing slash) stay redirects
        if exc.code == 429:
            return error_response(429, f"Too many export requests: limit is {exc.description}. "
                               "Try again in a minute.")
        if exc.code == 413:
            limit = server.config.get("MAX_CONTENT_LENGTH")
            return error_response(413, f"Request body too large (limit {limit} bytes).")
        return error_response(exc.code, exc.name)

    @server.errorhandler(DependencyException)
    def _unknown_resource(_exc: DependencyException):
        # Dash raises this for a component-suite path it does not serve: a plain 404.
        return error_response(404, "Not Found")

    @server.errorhandler(Exception)
    def _unhandled(exc: Exception):
        if is_export_request() and answers_in_page():
            # The job store failed under a running export (e.g. Redis stopped): the export
            # ends with a message in the page; the rest of the app is unaffected.
            log.warning("export request failed: %s: %s", type(exc).__name__, exc)
            store_down = isinstance(exc, _store_errors())
            return page_message(jobs.UNAVAILABLE_MESSAGE if store_down
                                 else "The export failed. Please try again.")
        if flask.request.path.endswith(CALLBACK_PATH) and from_dash_machinery(exc):
            log.info("malformed callback request: %s: %s", type(exc).__name__, exc)
            return error_response(400, "Malformed callback request.")
        log.exception("unhandled error on %s %s", flask.request.method, flask.request.path)
        return error_response(500, "Internal server error.")


def _store_errors() -> tuple[type[BaseException], ...]:
    """What a dead Redis raises under Dash's CeleryManager (redis-py directly, kombu when
    sending a task)."""
    import redis
    from kombu.exceptions import OperationalError

    return redis.RedisError, OperationalError, OSError
