"""A test-only endpoint, installed only when ALEPPO_TEST_SLOW_ENDPOINT=1."""

from __future__ import annotations

import os
import time

import flask

SLOW_ENDPOINT_ENV = "ALEPPO_TEST_SLOW_ENDPOINT"


def install_slow_endpoint(server: flask.Flask) -> None:
    """/_test/slow?s=N sleeps N seconds (graceful-shutdown test; only with the env var set)."""

    def slow():
        seconds = min(float(flask.request.args.get("s", "2")), 30.0)
        time.sleep(seconds)
        return flask.jsonify(slept=seconds, pid=os.getpid())

    server.add_url_rule("/_test/slow", "test_slow", slow, methods=["GET"])
