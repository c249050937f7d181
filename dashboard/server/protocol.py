"""What the server reads of Dash's callback protocol and internals: which request starts or
polls an export, which callback writes the page's export status line, the page's language,
an answer that shows a message in the page, and Dash's first-request setup."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import dash
import flask

from dashboard import ids
from dashboard.i18n import gettext as _t
from dashboard.view import LANGS

CALLBACK_PATH = "_dash-update-component"
# A callback whose `output` string contains one of these produces an export; its requests are
# rate limited and refused when the export queue is full.
EXPORT_OUTPUT_MARKERS: tuple[str, ...] = ("export-",)


def serialise_dash_setup(app: dash.Dash) -> None:
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


def from_dash_machinery(exc: BaseException) -> bool:
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


def callback_body() -> dict:
    body = flask.request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def is_export_request() -> bool:
    req = flask.request
    if req.method != "POST" or not req.path.endswith(CALLBACK_PATH):
        return False
    output = callback_body().get("output")
    return isinstance(output, str) and any(m in output for m in EXPORT_OUTPUT_MARKERS)


def is_export_poll() -> bool:
    """A background export's poll (`?cacheKey=...&job=...`)."""
    args = flask.request.args
    return bool(args.get("cacheKey") and args.get("job")) and is_export_request()


def answers_in_page() -> bool:
    """True when the callback being answered writes the page's export status line."""
    outputs = callback_body().get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    return any(isinstance(o, dict) and o.get("id") == ids.EXPORT_STATUS for o in outputs)


def request_lang() -> str:
    """The page's language: from the view store sent with the request, else the page URL
    (polls carry no state values), else English."""
    for item in callback_body().get("state") or []:
        if not isinstance(item, dict) or item.get("id") != ids.VIEW_STORE:
            continue
        value = item.get("value")
        if isinstance(value, dict) and value.get("lang") in LANGS:
            return value["lang"]
    referrer = flask.request.headers.get("Referer", "")
    lang = parse_qs(urlsplit(referrer).query).get("lang", [""])[0]
    return lang if lang in LANGS else "en"


def page_body(message: str) -> dict:
    """A callback answer that ends the export and shows `message` (English msgid) in the page's
    export status line, translated."""
    text = _t(message, request_lang())
    return {"multi": True, "response": {ids.EXPORT_STATUS: {"children": text}}}


def page_message(message: str) -> flask.Response:
    return flask.jsonify(page_body(message))


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
    output = callback_body().get("output")
    return isinstance(output, str) and any(m in output for m in EXPORT_OUTPUT_MARKERS)
