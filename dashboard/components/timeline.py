"""The timeline: per-day histogram, slider, play/pause, speed and window."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from dashboard import ids
from dashboard.components.controls import fieldset, native_select, radio_group
from dashboard.i18n import format_date, format_day_short
from dashboard.i18n import gettext as _t
from dashboard.view import View

SPEEDS = (0.5, 1.0, 2.0, 4.0)


def day_labels(days: list[dt.date], lang: str) -> list[dict]:
    """ISO date and localised long label of every timeline day (the browser picks from these)."""
    return [{"iso": d.isoformat(), "label": format_date(d, lang, "long")} for d in days]


def _marks(days: list[dt.date], lang: str, lo: int, hi: int) -> dict:
    # A mark every few days keeps the labels readable whatever the period's length.
    step = max(1, (hi - lo + 1) // 8)
    return {i: format_day_short(days[i], lang) for i in range(lo, hi + 1) if (i - lo) % step == 0}


def make_timeline(view: View, days: list[dt.date], histogram,
                  window: tuple[int, int] | None = None) -> html.Section:
    """Timeline controls for `days`, positioned at the view's date. The slider runs over the
    positions `window` (first, last) of `days` (default: all of them): positions stay those
    of `days`, so the browser's day arrays need no offset."""
    lang = view.lang
    lo, hi = window if window is not None else (0, len(days) - 1)
    index = days.index(view.date) if view.date in days[lo:hi + 1] else hi
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
                *native_select(ids.SPEED_SELECT, _t("Speed", lang),
                               [{"label": f"{s:g}×", "value": f"{s:g}"} for s in SPEEDS],
                               f"{view.speed if view.speed in SPEEDS else 1.0:g}",
                               label_class="inline-label", class_name="speed-select"),
                fieldset(_t("Days shown", lang), radio_group(
                    ids.WINDOW_SELECT,
                    [{"label": _t("Up to this day", lang), "value": "cumulative"},
                     {"label": _t("This day only", lang), "value": "day"}],
                    view.window, inline=True), legend_class="sr-label", className="bare"),
            ]),
            dcc.Graph(id=ids.HISTOGRAM, figure=histogram, className="day-histogram",
                      config={"displayModeBar": False, "staticPlot": False}),
            html.Div(id=ids.TIMELINE_SLIDER_LABEL, className="sr-only",
                     children=_t("Timeline", lang)),
            # Earlier days on the left in every language, Arabic included (README "Languages"),
            # so this row stays left to right; the step buttons take a thumb's tap.
            html.Div(className="slider-row", dir="ltr", children=[
                html.Button("◀", id=ids.TIMELINE_PREV, className="btn step-btn", n_clicks=0,
                            title=_t("Previous day", lang),
                            **{"aria-label": _t("Previous day", lang)}),
                html.Div(className="slider-box", children=[
                    dcc.Slider(
                        id=ids.TIMELINE_SLIDER,
                        min=lo, max=hi, step=1, value=index,
                        marks=_marks(days, lang, lo, hi), updatemode="drag",
                        allow_direct_input=False,
                    ),
                ]),
                html.Button("▶", id=ids.TIMELINE_NEXT, className="btn step-btn", n_clicks=0,
                            title=_t("Next day", lang), **{"aria-label": _t("Next day", lang)}),
            ]),
            dcc.Interval(id=ids.PLAY_INTERVAL, interval=int(1000 / view.speed), disabled=True),
        ],
    )
