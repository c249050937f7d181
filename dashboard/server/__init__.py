"""Production hardening of the Flask server under the Dash app, one concern per module.

`install(app, config)` adds: /healthz and /readyz (`health`), one access-log line per request
(`access_log`), security headers (`headers`), JSON error pages without stack traces
(`errors`), a request-size cap, a rate limit on exports and a "server busy" guard on the export
queue (`exports`, reading Dash's callback protocol through `protocol`), compression
(`compression`), preloads of the first view's scripts (`preload`) and, for tests only, a slow
endpoint (`test_endpoint`). Call it after the layout and callbacks are registered (the CSP
needs the hashes of Dash's inline scripts).
"""

from __future__ import annotations

import os

import dash

from dashboard.config import Config
from dashboard.server.access_log import install_access_log
from dashboard.server.compression import install_compression
from dashboard.server.errors import install_errors
from dashboard.server.exports import install_export_guards
from dashboard.server.headers import content_security_policy, install_headers
from dashboard.server.health import install_health, readiness
from dashboard.server.preload import install_script_preloads
from dashboard.server.protocol import is_new_export_request, serialise_dash_setup
from dashboard.server.test_endpoint import SLOW_ENDPOINT_ENV, install_slow_endpoint

__all__ = [
    "SLOW_ENDPOINT_ENV",
    "content_security_policy",
    "install",
    "is_new_export_request",
    "readiness",
]


def install(app: dash.Dash, config: Config) -> None:
    """Harden `app.server` for production according to `config` (see the module docstring)."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    # First: Flask runs after_request hooks last-registered first.
    install_compression(server, app.config.routes_pathname_prefix)
    serialise_dash_setup(app)
    install_access_log(server)
    install_health(app, config)
    install_errors(app)
    install_export_guards(app, config)
    install_headers(app, config)
    install_script_preloads(app)
    if os.environ.get(SLOW_ENDPOINT_ENV) == "1":
        install_slow_endpoint(server)
