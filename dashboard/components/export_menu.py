"""The export menu: map, a chart, a composed slide, or the whole briefing, as PNG/SVG/PDF; the
briefing as a PowerPoint deck; the timeline as a video (MP4/GIF/WebM)."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.components.controls import radio_group
from dashboard.export.video import VIDEO_FORMATS
from dashboard.i18n import N_
from dashboard.i18n import gettext as _t

VIEW_LABELS = {"map": N_("Map"), "casualties": N_("Casualty reports"),
               "daily": N_("Killed per day"),
               "slide": N_("Slide (map, chart, title, caption)")}
PRESET_LABELS = {"slide": N_("Slide 1920×1080"), "hd": N_("1280×720"), "a4": N_("A4 landscape"),
                 "custom": N_("Custom size")}


def _field(label: str, control, field_id: str) -> html.Div:
    return html.Div(className="export-field", children=[
        html.Span(label, id=ids.label_of(field_id), className="export-label"), control])


def make_export_menu(lang: str) -> html.Details:
    """A disclosure (keyboard-friendly without script) holding the export form."""
    return html.Details(
        id=ids.EXPORT_MENU,
        className="export-menu",
        children=[
            html.Summary(_t("Export", lang), className="btn"),
            html.Div(className="export-panel", children=[
                _field(_t("What", lang), radio_group(
                    ids.EXPORT_VIEW, [{"label": _t(v, lang), "value": k}
                                      for k, v in VIEW_LABELS.items()], "map", inline=True),
                    ids.EXPORT_VIEW),
                _field(_t("Format", lang), radio_group(
                    ids.EXPORT_FORMAT, [{"label": f.upper(), "value": f}
                                        for f in ("png", "svg", "pdf")], "png", inline=True),
                    ids.EXPORT_FORMAT),
                _field(_t("Size", lang), radio_group(
                    ids.EXPORT_PRESET, [{"label": _t(v, lang), "value": k}
                                        for k, v in PRESET_LABELS.items()], "slide",
                    inline=True), ids.EXPORT_PRESET),
                html.Div(className="export-field export-custom", children=[
                    html.Label([_t("Width (px)", lang), dcc.Input(
                        id=ids.EXPORT_WIDTH, type="number", min=200, max=4000, step=1,
                        value=1600)]),
                    html.Label([_t("Height (px)", lang), dcc.Input(
                        id=ids.EXPORT_HEIGHT, type="number", min=200, max=4000, step=1,
                        value=900)]),
                ]),
                _field(_t("Scale", lang), radio_group(
                    ids.EXPORT_SCALE, [{"label": f"{s}×", "value": s} for s in (1, 2, 3)], 1,
                    inline=True),
                    ids.EXPORT_SCALE),
                _field(_t("Video", lang), radio_group(
                    ids.EXPORT_VIDEO_FORMAT,
                    [{"label": f.upper() if f != "webm" else "WebM", "value": f}
                     for f in VIDEO_FORMATS], "mp4", inline=True), ids.EXPORT_VIDEO_FORMAT),
                html.Div(className="export-actions", children=[
                    html.Button(_t("Export image", lang), id=ids.EXPORT_BUTTON,
                                className="btn btn-primary", n_clicks=0),
                    html.Button(_t("Briefing pack (PDF)", lang), id=ids.EXPORT_BRIEFING_BUTTON,
                                className="btn", n_clicks=0),
                    html.Button(_t("Briefing deck (PowerPoint)", lang),
                                id=ids.EXPORT_DECK_BUTTON, className="btn", n_clicks=0),
                    html.Button(_t("Timeline video", lang), id=ids.EXPORT_VIDEO_BUTTON,
                                className="btn", n_clicks=0,
                                title=_t("Every day of the timeline up to the day shown, as "
                                         "the map or the slide", lang)),
                    html.Button(_t("Cancel", lang), id=ids.EXPORT_CANCEL, className="btn",
                                n_clicks=0, disabled=True),
                ]),
                html.Progress(id=ids.EXPORT_PROGRESS, max="1", value="0",
                              className="export-progress",
                              **{"aria-label": _t("Export progress", lang)}),
                html.P(id=ids.EXPORT_STATUS, role="status", className="hint",
                       **{"aria-live": "polite"}),
                dcc.Download(id=ids.EXPORT_DOWNLOAD),
            ]),
        ],
    )
