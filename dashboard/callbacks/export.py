"""Exports from the page, as background jobs with progress and a cancel button.

They run through Dash's background-callback manager (diskcache in-process by default, Celery
workers when REDIS_URL is set), so a slow render never holds up a viewer's request.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from dash import Input, Output, State, ctx, dcc

from dashboard import ids
from dashboard.callbacks.inputs import view_from_search
from dashboard.export.build import ExportData
from dashboard.export.spec import ExportRequestError, make_spec
from dashboard.i18n import gettext as _t
from dashboard.jobs import ExportTimeout, ServerBusy, export_slot, lower_job_priority
from dashboard.runtime import Runtime, get_runtime
from dashboard.view import LANGS

log = logging.getLogger(__name__)


def _base_url(href) -> str:
    """The page's own address (scheme, host, path) for the permalink burnt into images."""
    parts = urlsplit(href if isinstance(href, str) else "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "/"
    return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"


def _export_data(runtime: Runtime) -> ExportData:
    return ExportData(dataset=runtime.dataset, incidents=runtime.incidents,
                      payload=runtime.payload, first_day=runtime.first_day,
                      last_day=runtime.last_day)


def run_export(request: dict, set_progress=None) -> tuple[bytes, str]:
    """Render one export request (validated here); return the file's bytes and name."""
    from dashboard.export.cli import export_briefing, export_view

    lower_job_priority()
    runtime = get_runtime()
    view, _notices = view_from_search(request.get("search"), runtime)
    briefing = request.get("briefing") is True
    preset = request.get("preset")
    custom = preset == "custom"
    spec = make_spec("slide" if briefing else request.get("view"), request.get("format"),
                     preset=preset, width=request.get("width") if custom else None,
                     height=request.get("height") if custom else None,
                     scale=request.get("scale", 1))
    base_url = _base_url(request.get("href"))

    def on_wait(ahead: int) -> None:
        if set_progress:
            set_progress(("0", "1", _t("Waiting: {n} export(s) ahead", view.lang, n=ahead)))

    with export_slot(runtime.config, on_wait), tempfile.TemporaryDirectory() as tmp:
        if briefing:
            def progress(i: int, n: int) -> None:
                if set_progress:
                    set_progress((str(i), str(n), _t("Scene {i} of {n}", view.lang, i=i, n=n)))

            paths = export_briefing(_export_data(runtime), Path(tmp), lang=view.lang,
                                    theme=view.theme, spec=spec, base_url=base_url,
                                    progress=progress)
            path = paths[-1]
        else:
            path = export_view(_export_data(runtime), view, spec, Path(tmp), base_url=base_url)
        return path.read_bytes(), path.name


def register(app) -> None:
    """Bind the export callbacks to `app`."""

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        Input(ids.EXPORT_BRIEFING_BUTTON, "n_clicks"),
        State(ids.EXPORT_VIEW, "value"),
        State(ids.EXPORT_FORMAT, "value"),
        State(ids.EXPORT_PRESET, "value"),
        State(ids.EXPORT_WIDTH, "value"),
        State(ids.EXPORT_HEIGHT, "value"),
        State(ids.EXPORT_SCALE, "value"),
        State(ids.URL_SYNC, "data"),
        State(ids.URL, "href"),
        State(ids.VIEW_STORE, "data"),
        background=True,
        running=[
            (Output(ids.EXPORT_BUTTON, "disabled"), True, False),
            (Output(ids.EXPORT_BRIEFING_BUTTON, "disabled"), True, False),
            (Output(ids.EXPORT_CANCEL, "disabled"), False, True),
        ],
        progress=[Output(ids.EXPORT_PROGRESS, "value"), Output(ids.EXPORT_PROGRESS, "max"),
                  Output(ids.EXPORT_STATUS, "children")],
        progress_default=["0", "1", ""],
        cancel=[Input(ids.EXPORT_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def _export(set_progress, image_clicks, briefing_clicks, view_kind, fmt, preset, width,
                height, scale, search, href, basics):
        lang = basics.get("lang") if isinstance(basics, dict) else "en"
        lang = lang if lang in LANGS else "en"
        request = {"view": view_kind, "format": fmt, "preset": preset, "width": width,
                   "height": height, "scale": scale,
                   "search": search if isinstance(search, str) else "",
                   "href": href, "briefing": ctx.triggered_id == "export-briefing-button"}
        set_progress(("0", "1", _t("Rendering…", lang)))
        try:
            data, name = run_export(request, set_progress)
        except ExportRequestError as exc:
            return None, _t("Export refused: {reason}", lang, reason=str(exc))
        except ServerBusy:
            return None, _t("Server busy, try again in a minute.", lang)
        except ExportTimeout:
            return None, _t("The export took too long and was stopped. Try a smaller size.",
                            lang)
        except Exception:  # noqa: BLE001 - a failed render must end with a message, not a trace
            log.exception("export failed")
            return None, _t("The export failed. Please try again.", lang)
        set_progress(("1", "1", ""))
        return dcc.send_bytes(data, name), _t("Ready: {name}", lang, name=name)
