"""The timeline: per-day histogram, slider, play/pause, speed and window."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import format_date, format_day_short
from dashboard.i18n import gettext as _t
from dashboard.view import View

SPEEDS = (0.5, 1.0, 2.0, 4.0)


def day_labels(days: list[dt.date], lang: str) -> list[dict]:
    """ISO date and localised long label of every timeline day (the browser picks from these)."""
    return [{"iso": d.isoformat(), "label": format_date(d, lang, "long")} for d in days]


def _marks(days: list[dt.date], lang: str) -> dict:
    # A mark every few days keeps the labels readable whatever the period's length.
    step = max(1, len(days) // 8)
    return {i: format_day_short(d, lang) for i, d in enumerate(days) if i % step == 0}


def make_timeline(view: View, days: list[dt.date], histogram) -> html.Section:
    """Timeline controls for `days`, positioned at the view's date."""
    lang = view.lang
    index = days.index(view.date) if view.date in days else len(days) - 1
    return html.Section(
        className="panel timeline-panel",
        **{"aria-labelledby": ids.TIMELINE_TITLE},
        children=[
            html.Div(className="timeline-head", children=[
                html.H2(_t("Timeline", lang), id=ids.TIMELINE_TITLE, className="sr-only"),
                html.Output(format_date(days[index], lang, "long"), id=ids.DATE_LABEL,
                            className="timeline-date", **{"aria-live": "polite"}),
                html.Button(_t("Play", lang), id=ids.PLAY_BUTTON, className="btn btn-primary",
                            n_clicks=0, **{"aria-pressed": "false"}),
                html.Span(_t("Speed", lang), id=ids.SPEED_SELECT_LABEL, className="inline-label"),
                dcc.Dropdown(
                    id=ids.SPEED_SELECT,
                    options=[{"label": f"{s:g}×", "value": s} for s in SPEEDS],
                    value=view.speed if view.speed in SPEEDS else 1.0,
                    clearable=False, searchable=False, className="speed-select",
                ),
                dcc.RadioItems(
                    id=ids.WINDOW_SELECT,
                    options=[{"label": _t("Up to this day", lang), "value": "cumulative"},
                             {"label": _t("This day only", lang), "value": "day"}],
                    value=view.window,
                    className="radio inline",
                ),
            ]),
            dcc.Graph(id=ids.HISTOGRAM, figure=histogram, className="day-histogram",
                      config={"displayModeBar": False, "staticPlot": False}),
            html.Div(id=ids.TIMELINE_SLIDER_LABEL, className="sr-only",
                     children=_t("Timeline", lang)),
            dcc.Slider(
                id=ids.TIMELINE_SLIDER,
                min=0, max=len(days) - 1, step=1, value=index,
                marks=_marks(days, lang), updatemode="drag", allow_direct_input=False,
            ),
            dcc.Interval(id=ids.PLAY_INTERVAL, interval=int(1000 / view.speed), disabled=True),
        ],
    )
