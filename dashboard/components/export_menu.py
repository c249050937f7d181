"""The export menu: map, a chart, a composed slide, or the whole briefing, as PNG/SVG/PDF."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
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
    radio = {"className": "radio inline"}
    return html.Details(
        id=ids.EXPORT_MENU,
        className="export-menu",
        children=[
            html.Summary(_t("Export", lang), className="btn"),
            html.Div(className="export-panel", children=[
                _field(_t("What", lang), dcc.RadioItems(
                    id=ids.EXPORT_VIEW, value="map", **radio,
                    options=[{"label": _t(v, lang), "value": k}
                             for k, v in VIEW_LABELS.items()]), ids.EXPORT_VIEW),
                _field(_t("Format", lang), dcc.RadioItems(
                    id=ids.EXPORT_FORMAT, value="png", **radio,
                    options=[{"label": f.upper(), "value": f} for f in ("png", "svg", "pdf")]),
                    ids.EXPORT_FORMAT),
                _field(_t("Size", lang), dcc.RadioItems(
                    id=ids.EXPORT_PRESET, value="slide", **radio,
                    options=[{"label": _t(v, lang), "value": k}
                             for k, v in PRESET_LABELS.items()]), ids.EXPORT_PRESET),
                html.Div(className="export-field export-custom", children=[
                    html.Label([_t("Width (px)", lang), dcc.Input(
                        id=ids.EXPORT_WIDTH, type="number", min=200, max=4000, step=1,
                        value=1600)]),
                    html.Label([_t("Height (px)", lang), dcc.Input(
                        id=ids.EXPORT_HEIGHT, type="number", min=200, max=4000, step=1,
                        value=900)]),
                ]),
                _field(_t("Scale", lang), dcc.RadioItems(
                    id=ids.EXPORT_SCALE, value=1, **radio,
                    options=[{"label": f"{s}×", "value": s} for s in (1, 2, 3)]),
                    ids.EXPORT_SCALE),
                html.Div(className="export-actions", children=[
                    html.Button(_t("Export image", lang), id=ids.EXPORT_BUTTON,
                                className="btn btn-primary", n_clicks=0),
                    html.Button(_t("Briefing pack (PDF)", lang), id=ids.EXPORT_BRIEFING_BUTTON,
                                className="btn", n_clicks=0),
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
