"""Production hardening of the Flask server under the Dash app.

`install(app, config)` adds: /healthz and /readyz, one access-log line per request, security
headers (flask-talisman), JSON error pages without stack traces, a request-size cap, a rate
limit on exports and a "server busy" guard on the export queue. Call it after the layout and
callbacks are registered (the CSP needs the hashes of Dash's inline scripts).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from urllib.parse import parse_qs, urlsplit

import dash
import flask
from dash.exceptions import DependencyException
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from werkzeug.exceptions import HTTPException

from dashboard import __version__, ids, jobs
from dashboard.config import Config
from dashboard.i18n import gettext as _t
from dashboard.view import LANGS

log = logging.getLogger(__name__)
access_log = logging.getLogger("dashboard.access")

CALLBACK_PATH = "_dash-update-component"
# A callback whose `output` string contains one of these produces an export; its requests are
# rate limited and refused when the export queue is full.
EXPORT_OUTPUT_MARKERS: tuple[str, ...] = ("export-",)
# Hosts of the optional basemap tiles (the default basemap needs none).
TILE_HOSTS: tuple[str, ...] = (
    "https://tile.openstreetmap.org",
    "https://*.tile.openstreetmap.org",
    "https://basemaps.cartocdn.com",
    "https://*.basemaps.cartocdn.com",
)
MAX_PROBLEMS_LISTED = 500
SLOW_ENDPOINT_ENV = "ALEPPO_TEST_SLOW_ENDPOINT"


def _flag(config: Config, name: str, default: bool = False) -> bool:
    """A boolean setting: a Config attribute if it has one, else config.extra, else env."""
    value = getattr(config, name, None)
    if isinstance(value, bool):
        return value
    raw = config.extra.get(name.upper()) or os.environ.get(name.upper(), "")
    if not raw:
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def install(app: dash.Dash, config: Config) -> None:
    """Harden `app.server` for production according to `config` (see the module docstring)."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    _install_compression(server)  # first: Flask runs after_request hooks last-registered first
    _serialise_dash_setup(app)
    _install_access_log(server)
    _install_health(app, config)
    _install_errors(app)
    _install_export_guards(app, config)
    _install_headers(app, config)
    if os.environ.get(SLOW_ENDPOINT_ENV) == "1":
        _install_slow_endpoint(server)


# Responses up to this size are compressed (callback answers, the outlines, small layouts). A
# big import's layout carries tens of MB of base64 arrays that barely compress and would cost
# a second of CPU per page load, so it goes as it is.
MAX_COMPRESSED_BYTES = 2 * 1024 * 1024


def _install_compression(server: flask.Flask) -> None:
    """Brotli or gzip (flask-compress) for what the browser accepts, below a size limit."""
    server.config.update(COMPRESS_REGISTER=False, COMPRESS_ALGORITHM=["br", "gzip"],
                         COMPRESS_MIMETYPES=["application/json", "application/geo+json",
                                             "text/html", "text/css", "text/javascript",
                                             "application/javascript", "image/svg+xml"],
                         COMPRESS_BR_LEVEL=4, COMPRESS_LEVEL=6, COMPRESS_MIN_SIZE=1024)
    compress = Compress(server)

    @server.after_request
    def _compress(response: flask.Response):
        size = response.content_length
        if response.direct_passthrough or size is None or size > MAX_COMPRESSED_BYTES:
            return response
        return compress.after_request(response)


def _serialise_dash_setup(app: dash.Dash) -> None:
    """Make Dash's first-request setup thread-safe.

    Dash sets its "set up" flag at the start of `_setup_server` (a before_request hook), so in
    a threaded worker the other first requests skip it while it is still registering the
    script paths, and the browser gets 404s for React and the renderer. A lock makes them wait.
    """
    hooks = app.server.before_request_funcs.setdefault(None, [])
    lock = threading.Lock()

    for index, hook in enumerate(hooks):
        if getattr(hook, "__func__", None) is type(app)._setup_server:

            def _locked_setup(original=hook):
                with lock:
                    return original()

            hooks[index] = _locked_setup


# --- health -------------------------------------------------------------------------------


def _install_health(app: dash.Dash, config: Config) -> None:
    server = app.server

    def healthz():
        """Liveness: the process answers. Loads nothing."""
        return flask.jsonify(status="ok", version=__version__)

    def readyz():
        """Readiness: data loaded and validated, job store reachable."""
        report, ready = readiness(app, config)
        return flask.jsonify(report), 200 if ready else 503

    server.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    server.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])


def readiness(app: dash.Dash, config: Config) -> tuple[dict, bool]:
    """(report, ready): what /readyz returns. Never raises; never includes a traceback."""
    from dashboard.runtime import get_runtime

    report: dict = {"version": __version__}
    data_ok = False
    try:
        runtime = get_runtime()
    except Exception as exc:  # any load failure means "not ready", said briefly
        log.exception("data failed to load")
        report["data"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
    else:
        rejected = [str(p) for p in runtime.problems if p.severity == "error"]
        warnings = sum(1 for p in runtime.problems if p.severity != "error")
        counts = runtime.counts()
        # Rejected records are reported, not fatal; an app with nothing at all to show is.
        data_ok = counts["incidents"] > 0
        report["data"] = {"ok": data_ok, "counts": counts, "warnings": warnings}
        if not data_ok:
            report["data"]["error"] = "no incidents loaded"
        report["rejected"] = rejected[:MAX_PROBLEMS_LISTED]
        if len(rejected) > MAX_PROBLEMS_LISTED:
            report["rejected_truncated"] = len(rejected) - MAX_PROBLEMS_LISTED
    manager = getattr(app, "_background_manager", None)
    jobs_ok, detail = jobs.job_store_status(config, manager)
    report["jobs"] = {"ok": jobs_ok, "detail": detail}
    ready = data_ok and jobs_ok
    report["status"] = "ready" if ready else "not ready"
    return report, ready


# --- logging ------------------------------------------------------------------------------


def _install_access_log(server: flask.Flask) -> None:
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


# --- errors -------------------------------------------------------------------------------


def _error(status: int, message: str) -> flask.Response:
    response = flask.jsonify(error=message, status=status)
    response.status_code = status
    return response


def _from_dash_machinery(exc: BaseException) -> bool:
    """True when `exc` was raised by Dash reading the request, not by a callback body.

    Dash marks the frame that calls a callback with `_invoke_callback`; an exception that never
    went through it came from Dash parsing the payload, i.e. a malformed request (400). Errors
    inside callbacks, and background-callback failures, stay 500s.
    """
    from dash import _callback  # private module: only its frame markers
    from dash.exceptions import BackgroundCallbackError, InvalidCallbackReturnValue

    if isinstance(exc, BackgroundCallbackError | InvalidCallbackReturnValue):
        return False
    markers = {_callback._invoke_callback.__code__, _callback._async_invoke_callback.__code__}
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code in markers:
            return False
        tb = tb.tb_next
    return True


def _install_errors(app: dash.Dash) -> None:
    server = app.server
    server.config["PROPAGATE_EXCEPTIONS"] = False

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc  # redirects (e.g. a missing trailing slash) stay redirects
        if exc.code == 429:
            return _error(429, f"Too many export requests: limit is {exc.description}. "
                               "Try again in a minute.")
        if exc.code == 413:
            limit = server.config.get("MAX_CONTENT_LENGTH")
            return _error(413, f"Request body too large (limit {limit} bytes).")
        return _error(exc.code, exc.name)

    @server.errorhandler(DependencyException)
    def _unknown_resource(_exc: DependencyException):
        # Dash raises this for a component-suite path it does not serve: a plain 404.
        return _error(404, "Not Found")

    @server.errorhandler(Exception)
    def _unhandled(exc: Exception):
        if _is_export_request() and _answers_in_page():
            # The job store failed under a running export (e.g. Redis stopped): the export
            # ends with a message in the page; the rest of the app is unaffected.
            log.warning("export request failed: %s: %s", type(exc).__name__, exc)
            store_down = isinstance(exc, _store_errors())
            return _page_message(jobs.UNAVAILABLE_MESSAGE if store_down
                                 else "The export failed. Please try again.")
        if flask.request.path.endswith(CALLBACK_PATH) and _from_dash_machinery(exc):
            log.info("malformed callback request: %s: %s", type(exc).__name__, exc)
            return _error(400, "Malformed callback request.")
        log.exception("unhandled error on %s %s", flask.request.method, flask.request.path)
        return _error(500, "Internal server error.")


def _store_errors() -> tuple[type[BaseException], ...]:
    """What a dead Redis raises under Dash's CeleryManager (redis-py directly, kombu when
    sending a task)."""
    import redis
    from kombu.exceptions import OperationalError

    return redis.RedisError, OperationalError, OSError


# --- exports: rate limit and queue guard --------------------------------------------------


def _callback_body() -> dict:
    body = flask.request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _is_export_request() -> bool:
    req = flask.request
    if req.method != "POST" or not req.path.endswith(CALLBACK_PATH):
        return False
    output = _callback_body().get("output")
    return isinstance(output, str) and any(m in output for m in EXPORT_OUTPUT_MARKERS)


def _is_export_poll() -> bool:
    """A background export's poll (`?cacheKey=...&job=...`)."""
    args = flask.request.args
    return bool(args.get("cacheKey") and args.get("job")) and _is_export_request()


def _answers_in_page() -> bool:
    """True when the callback being answered writes the page's export status line."""
    outputs = _callback_body().get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    return any(isinstance(o, dict) and o.get("id") == ids.EXPORT_STATUS for o in outputs)


def _request_lang() -> str:
    """The page's language: from the view store sent with the request, else the page URL
    (polls carry no state values), else English."""
    for item in _callback_body().get("state") or []:
        if not isinstance(item, dict) or item.get("id") != ids.VIEW_STORE:
            continue
        value = item.get("value")
        if isinstance(value, dict) and value.get("lang") in LANGS:
            return value["lang"]
    referrer = flask.request.headers.get("Referer", "")
    lang = parse_qs(urlsplit(referrer).query).get("lang", [""])[0]
    return lang if lang in LANGS else "en"


def _page_body(message: str) -> dict:
    """A callback answer that ends the export and shows `message` (English msgid) in the page's
    export status line, translated."""
    text = _t(message, _request_lang())
    return {"multi": True, "response": {ids.EXPORT_STATUS: {"children": text}}}


def _page_message(message: str) -> flask.Response:
    return flask.jsonify(_page_body(message))


def is_new_export_request() -> bool:
    """True for the POST that starts an export (not the polls that follow it).

    Dash background callbacks poll the same URL with `cacheKey`/`job` in the query string;
    only the first request of a job, which has neither, counts.
    """
    req = flask.request
    if req.method != "POST" or not req.path.endswith(CALLBACK_PATH):
        return False
    if req.args.get("cacheKey") or req.args.get("job"):
        return False
    output = _callback_body().get("output")
    return isinstance(output, str) and any(m in output for m in EXPORT_OUTPUT_MARKERS)


def _install_export_guards(app: dash.Dash, config: Config) -> None:
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
        if _answers_in_page():
            return _page_message(reason)  # the page says why and re-enables its buttons
        return _error(503, reason)

    give_up_after = jobs.abandon_after_s(config)

    @server.after_request
    def _abandon_silent_job(response: flask.Response):
        """End the page's wait for a job that has not answered within its time limit.

        A Celery worker that died or froze mid-job never reports back and Dash would keep
        polling ("still running") forever. Once a job is older than `abandon_after_s`, its
        "still running" poll answer is replaced by a final one saying it did not finish; a
        result that did arrive always passes through unchanged.
        """
        if response.status_code != 200 or not _is_export_poll() or not _answers_in_page():
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
        response.set_data(json.dumps(_page_body(jobs.ABANDONED_MESSAGE)))
        return response


# --- security headers ---------------------------------------------------------------------


def content_security_policy(app: dash.Dash, config: Config) -> dict[str, list[str] | str]:
    """The Content-Security-Policy for `app` (no 'unsafe-eval': plotly.js and MapLibre run
    without it; tests/test_server.py checks the page in headless Chromium)."""
    return {
        "default-src": "'self'",
        # Dash renders its config and renderer as inline scripts: allow exactly those by hash.
        "script-src": ["'self'", *app.csp_hashes()],
        # MapLibre (plotly map traces) starts its workers from blob: URLs.
        "worker-src": ["'self'", "blob:"],
        # Dash, React and plotly.js set style attributes and inject <style> elements (checked in
        # headless Chromium: without 'unsafe-inline' dcc, the renderer and plotly.js all fail).
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *TILE_HOSTS],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *TILE_HOSTS],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": config.frame_ancestors,
    }


def _install_headers(app: dash.Dash, config: Config) -> None:
    force_https = _flag(config, "force_https")
    frame_options = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(config.frame_ancestors.strip())
    Talisman(
        app.server,
        content_security_policy=content_security_policy(app, config),
        force_https=force_https,
        # HSTS only makes sense when the site is served over https.
        strict_transport_security=force_https,
        session_cookie_secure=force_https,
        # X-Frame-Options cannot express a list of origins; CSP frame-ancestors does, and
        # browsers that know CSP ignore X-Frame-Options, so send it only when it agrees.
        frame_options=frame_options,
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
    )


# --- test-only --------------------------------------------------------------------------


def _install_slow_endpoint(server: flask.Flask) -> None:
    """/_test/slow?s=N sleeps N seconds (graceful-shutdown test; only with the env var set)."""

    def slow():
        seconds = min(float(flask.request.args.get("s", "2")), 30.0)
        time.sleep(seconds)
        return flask.jsonify(slept=seconds, pid=os.getpid())

    server.add_url_rule("/_test/slow", "test_slow", slow, methods=["GET"])
