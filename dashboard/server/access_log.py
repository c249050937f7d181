"""One access-log line per request (logger `dashboard.access`): method, path, status, time."""

from __future__ import annotations

import logging
import time

import flask

access_log = logging.getLogger("dashboard.access")


def install_access_log(server: flask.Flask) -> None:
    @server.before_request
    def _start_clock():
        flask.g.request_started = time.perf_counter()

    @server.after_request
    def _log_request(response: flask.Response):
        started = flask.g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else -1.0
        req = flask.request
        access_log.info(
            "%s %s %s %.1fms", req.method, req.path, response.status_code, elapsed_ms
        )
        return response
