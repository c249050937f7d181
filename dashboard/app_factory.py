"""Create the Dash app: layout shell, callbacks, server hardening. Loads no data itself."""

from __future__ import annotations

import importlib

import dash

from dashboard.config import PROJECT_ROOT, Config, load_config, resolve_secret_key
from dashboard.data.outlines import OUTLINES_PATH
from dashboard.runtime import configure

# Feature modules that register callbacks. Each exposes `register(app)`: callbacks are bound
# to the app passed in (not to dash's global registry), because tests and gunicorn build more
# than one app per process and dash hands its global registry to the first app only.
CALLBACK_MODULES = (
    "dashboard.callbacks.page",
    "dashboard.callbacks.timeline",
    "dashboard.callbacks.details",
    "dashboard.callbacks.table",
    "dashboard.callbacks.controls",
    "dashboard.callbacks.export",
)


def _optional(module_name: str):
    """Import a feature module that may not be built yet; None when it is absent."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def create_app(config: Config | None = None) -> dash.Dash:
    """Build the app for `config` (default: from the environment)."""
    config = config or load_config()
    configure(config)
    jobs = _optional("dashboard.jobs")
    manager = jobs.make_background_manager(config) if jobs else None
    app = dash.Dash(
        __name__,
        title="Aleppo situation map",
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,
        update_title=None,
        suppress_callback_exceptions=True,
        background_callback_manager=manager,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.server.secret_key = resolve_secret_key(config)
    app.server.config["APP_CONFIG"] = config
    from dashboard.layout import app_shell

    app.layout = app_shell
    for module_name in CALLBACK_MODULES:
        module = _optional(module_name)
        if module is not None:
            module.register(app)
    _serve_outlines(app)
    _serve_ids(app)
    server = _optional("dashboard.server")
    if server is not None:
        server.install(app, config)
    return app


def _serve_ids(app: dash.Dash) -> None:
    """GET ids.SCRIPT_PATH: `window.dash_clientside.ids`, loaded before assets/*.js (Dash puts
    external scripts first), so the browser code reads every component id from ids.py."""
    import hashlib

    import flask

    from dashboard import ids

    body = ids.script()
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]

    def ids_script():
        response = flask.Response(body, mimetype="text/javascript")
        response.cache_control.no_cache = True  # ids change with a deploy; revalidate
        response.set_etag(etag)
        return response.make_conditional(flask.request)

    app.server.add_url_rule(app.config.routes_pathname_prefix + ids.SCRIPT_PATH, "ids_script",
                            ids_script, methods=["GET"])
    app.config.external_scripts.append(
        {"src": app.config.requests_pathname_prefix + ids.SCRIPT_PATH})


def _serve_outlines(app: dash.Dash) -> None:
    """GET OUTLINES_PATH: the offline map's land and boundaries, fetched once per page by
    MapLibre (and cached by the browser) instead of riding inside every map figure."""
    import hashlib

    import flask

    from dashboard.runtime import get_runtime

    def outlines():
        body = get_runtime().outlines_json
        if body is None:
            flask.abort(404)
        response = flask.Response(body, mimetype="application/geo+json")
        response.set_etag(hashlib.sha256(body).hexdigest()[:32])
        response.cache_control.public = True
        response.cache_control.max_age = 86_400
        return response.make_conditional(flask.request)

    app.server.add_url_rule(OUTLINES_PATH, "outlines", outlines, methods=["GET"])
