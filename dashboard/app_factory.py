"""Create the Dash app: layout shell, callbacks, server hardening. Loads no data itself."""

from __future__ import annotations

import importlib

import dash

from dashboard.config import PROJECT_ROOT, Config, load_config, resolve_secret_key
from dashboard.data.neighbourhoods import NEIGHBOURHOODS_PATH
from dashboard.data.outlines import OUTLINES_PATH
from dashboard.jobs import make_background_manager
from dashboard.runtime import configure
from dashboard.server import install as install_server

# Feature modules that register callbacks. Each exposes `register(app)`: callbacks are bound
# to the app passed in (not to dash's global registry), because tests and gunicorn build more
# than one app per process and dash hands its global registry to the first app only.
CALLBACK_MODULES = (
    "dashboard.callbacks.page",
    "dashboard.callbacks.timeline",
    "dashboard.callbacks.details",
    "dashboard.callbacks.neighbourhood",
    "dashboard.callbacks.table",
    "dashboard.callbacks.controls",
    "dashboard.callbacks.export",
    "dashboard.callbacks.a11y",
)


# Dash's own page, with the document's language and direction in the first response (the page
# sets them again when the language changes, assets/app.js applyDocument) and its scripts in a
# plain <div>: Dash's <footer> would be a second "contentinfo" landmark beside the page's own.
INDEX_STRING = """<!DOCTYPE html>
<html lang="{%lang%}" dir="{%dir%}">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


def document_attributes(query_lang: str | None) -> tuple[str, str]:
    """The `<html>` element's lang and dir for a page asked for with `?lang=query_lang`."""
    from dashboard.i18n import is_rtl
    from dashboard.view import LANGS

    lang = query_lang if query_lang in LANGS else "en"
    return lang, "rtl" if is_rtl(lang) else "ltr"


def _localise_index(app: dash.Dash) -> None:
    """Fill the index's {%lang%} and {%dir%} from the request's `lang` parameter."""
    import flask

    interpolate = app.interpolate_index

    def interpolate_index(**kwargs):
        lang, direction = document_attributes(flask.request.args.get("lang"))
        page = interpolate(**kwargs)
        return page.replace("{%lang%}", lang, 1).replace("{%dir%}", direction, 1)

    app.interpolate_index = interpolate_index


def create_app(config: Config | None = None) -> dash.Dash:
    """Build the app for `config` (default: from the environment). This is where the job
    folder and its database are made, the secret read or written and Redis checked."""
    config = config or load_config()
    configure(config)
    manager = make_background_manager(config)
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
    app.index_string = INDEX_STRING
    _localise_index(app)
    app.server.secret_key = resolve_secret_key(config)
    app.server.config["APP_CONFIG"] = config
    from dashboard.layout import app_shell

    app.layout = app_shell
    for module_name in CALLBACK_MODULES:
        importlib.import_module(module_name).register(app)
    _serve_outlines(app)
    importlib.import_module("dashboard.payload_route").register(app)
    _serve_ids(app)
    install_server(app, config)
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
    """GET OUTLINES_PATH and NEIGHBOURHOODS_PATH: the offline map's land and boundaries, and
    the city's neighbourhood polygons, fetched once per page by MapLibre (and cached by the
    browser) instead of riding inside every map figure."""
    import hashlib

    import flask

    from dashboard.runtime import get_runtime

    def serve(attribute: str):
        def view():
            body = getattr(get_runtime(), attribute)
            if body is None:
                flask.abort(404)
            response = flask.Response(body, mimetype="application/geo+json")
            response.set_etag(hashlib.sha256(body).hexdigest()[:32])
            response.cache_control.public = True
            response.cache_control.max_age = 86_400
            return response.make_conditional(flask.request)
        return view

    app.server.add_url_rule(OUTLINES_PATH, "outlines", serve("outlines_json"), methods=["GET"])
    app.server.add_url_rule(NEIGHBOURHOODS_PATH, "neighbourhoods",
                            serve("neighbourhoods_json"), methods=["GET"])
