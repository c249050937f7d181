"""Exports from the page, as background jobs with progress and a cancel button.

They run through Dash's background-callback manager (diskcache in-process by default, Celery
workers when REDIS_URL is set), so a slow render never holds up a viewer's request.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from dash import Input, Output, State, ctx, dcc

from dashboard import ids
from dashboard.callbacks.inputs import view_from_search
from dashboard.export.build import ExportData
from dashboard.export.links import permalink_base
from dashboard.export.render import ExportTimeoutError
from dashboard.export.spec import ExportRequestError, make_spec
from dashboard.export.video import make_video_spec
from dashboard.i18n import gettext as _t
from dashboard.jobs import ExportTimeout, ServerBusy, export_slot, lower_job_priority
from dashboard.runtime import get_runtime
from dashboard.view import LANGS

log = logging.getLogger(__name__)

# Which button asked for what.
KINDS = {ids.EXPORT_BUTTON: "image", ids.EXPORT_BRIEFING_BUTTON: "briefing",
         ids.EXPORT_DECK_BUTTON: "deck", ids.EXPORT_VIDEO_BUTTON: "video"}


# Both time limits: the job's (jobs.export_slot) and the browser render's (export.render).
TIMEOUTS = (ExportTimeout, ExportTimeoutError)
EXPECTED_FAILURES = (ExportRequestError, ServerBusy, *TIMEOUTS)


def failure_message(exc: BaseException, lang: str) -> str:
    """What the page says when an export ends with `exc` (never a trace)."""
    if isinstance(exc, ExportRequestError):
        return _t("Export refused: {reason}", lang, reason=str(exc))
    if isinstance(exc, ServerBusy):
        return _t("Server busy, try again in a minute.", lang)
    if isinstance(exc, TIMEOUTS):
        return _t("The export took too long and was stopped. Try a smaller size.", lang)
    return _t("The export failed. Please try again.", lang)


def _spec(request: dict, kind: str, data: ExportData, view):
    """The validated spec of the request (refused here, before it waits for a slot)."""
    preset = request.get("preset")
    custom = preset == "custom"
    size = {"preset": preset, "width": request.get("width") if custom else None,
            "height": request.get("height") if custom else None,
            "scale": request.get("scale", 1)}
    if kind == "video":  # the timeline up to the day on screen
        return make_video_spec(request.get("video_format"), data.days(), last=view.date,
                               window=view.window, view=request.get("view"), **size)
    if kind == "deck":
        return None
    return make_spec("slide" if kind == "briefing" else request.get("view"),
                     request.get("format"), **size)


def run_export(request: dict, set_progress=None) -> tuple[bytes, str]:
    """Render one export request (validated here); return the file's bytes and name."""
    from dashboard.export import deliver

    lower_job_priority()
    runtime = get_runtime()
    view, _notices = view_from_search(request.get("search"), runtime)
    kind = request.get("kind", "image")
    if kind not in KINDS.values():
        raise ExportRequestError("kind", f"unknown export {kind!r}")
    data = runtime.export_data(view.layers)
    spec = _spec(request, kind, data, view)
    base_url = permalink_base(runtime.config.public_url, request.get("href"))
    lang, theme = view.lang, view.theme

    def on_wait(ahead: int) -> None:
        if set_progress:
            set_progress(("0", "1", _t("Waiting: {n} export(s) ahead", lang, n=ahead)))

    def progress(i: int, n: int) -> None:
        if set_progress:
            unit = _t("Day {i} of {n}", lang, i=i, n=n) if kind == "video" else \
                _t("Scene {i} of {n}", lang, i=i, n=n)
            set_progress((str(i), str(n), unit))

    with export_slot(runtime.config, on_wait), tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if kind == "briefing":
            path = deliver.export_briefing(data, out, lang=lang, theme=theme, spec=spec,
                                           base_url=base_url, progress=progress)[-1]
        elif kind == "deck":
            path = deliver.export_deck(data, out, lang=lang, theme=theme, base_url=base_url,
                                       progress=progress)
        elif kind == "video":
            path = deliver.export_video(data, spec, out, lang=lang, theme=theme,
                                        base_url=base_url, progress=progress)
        else:
            path = deliver.export_view(data, view, spec, out, base_url=base_url)
        return path.read_bytes(), path.name


def register(app) -> None:
    """Bind the export callbacks to `app`."""

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        Input(ids.EXPORT_BRIEFING_BUTTON, "n_clicks"),
        Input(ids.EXPORT_DECK_BUTTON, "n_clicks"),
        Input(ids.EXPORT_VIDEO_BUTTON, "n_clicks"),
        State(ids.EXPORT_VIEW, "value"),
        State(ids.EXPORT_FORMAT, "value"),
        State(ids.EXPORT_PRESET, "value"),
        State(ids.EXPORT_WIDTH, "value"),
        State(ids.EXPORT_HEIGHT, "value"),
        State(ids.EXPORT_SCALE, "value"),
        State(ids.EXPORT_VIDEO_FORMAT, "value"),
        State(ids.URL_SYNC, "data"),
        State(ids.URL, "href"),
        State(ids.VIEW_STORE, "data"),
        background=True,
        running=[
            (Output(ids.EXPORT_BUTTON, "disabled"), True, False),
            *((Output(button, "disabled"), True, False) for button in
              (ids.EXPORT_BRIEFING_BUTTON, ids.EXPORT_DECK_BUTTON, ids.EXPORT_VIDEO_BUTTON)),
            (Output(ids.EXPORT_CANCEL, "disabled"), False, True),
        ],
        progress=[Output(ids.EXPORT_PROGRESS, "value"), Output(ids.EXPORT_PROGRESS, "max"),
                  Output(ids.EXPORT_STATUS, "children")],
        progress_default=["0", "1", ""],
        cancel=[Input(ids.EXPORT_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def _export(set_progress, _image, _briefing, _deck, _video, view_kind, fmt, preset, width,
                height, scale, video_format, search, href, basics):
        lang = basics.get("lang") if isinstance(basics, dict) else "en"
        lang = lang if lang in LANGS else "en"
        request = {"view": view_kind, "format": fmt, "preset": preset, "width": width,
                   "height": height, "scale": scale,
                   "search": search if isinstance(search, str) else "",
                   "video_format": video_format, "href": href,
                   "kind": KINDS.get(ctx.triggered_id, "image")}
        set_progress(("0", "1", _t("Rendering…", lang)))
        try:
            data, name = run_export(request, set_progress)
        except Exception as exc:  # noqa: BLE001 - a failed render ends with a message, not a trace
            if not isinstance(exc, EXPECTED_FAILURES):
                log.exception("export failed")
            return None, failure_message(exc, lang)
        set_progress(("1", "1", ""))
        return dcc.send_bytes(data, name), _t("Ready: {name}", lang, name=name)
