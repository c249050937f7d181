"""Switches that change what the page is: language, theme, mode (a new page from a new URL),
and the map's base figure (basemap, preset, context layers)."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import ClientsideFunction, Input, Output, State, no_update

from dashboard import ids
from dashboard.callbacks.timeline import LAYER_INPUTS
from dashboard.components.map_legend import legend_rows
from dashboard.figures.charts import make_daily_chart
from dashboard.filters import clamp_date
from dashboard.layout import page_map
from dashboard.runtime import get_runtime
from dashboard.state import decode_view, is_known_layer, ordered_layers
from dashboard.view import View


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def day_iso(day_index, days=None) -> str | None:
    """The ISO date of a slider position, or None when either is malformed. Without `days`
    (the page's day list), from this process's timeline: a request need not carry the list."""
    if isinstance(day_index, bool) or not isinstance(day_index, int):
        return None
    if days is None:
        timeline = get_runtime().days
        return timeline[day_index].isoformat() if 0 <= day_index < len(timeline) else None
    if not isinstance(days, list):
        return None
    if not 0 <= day_index < len(days) or not isinstance(days[day_index], dict):
        return None
    return _text(days[day_index].get("iso"))


def view_from_controls(day_index, days, basics, layers=(), **changes) -> View:
    """A View from the page's controls, read through the URL codec so that whatever a request
    carries (a tampered payload included) becomes a valid View: bad values fall back."""
    runtime = get_runtime()
    basics = basics if isinstance(basics, dict) else {}
    raw = {
        "date": day_iso(day_index, days),
        "lang": _text(basics.get("lang")),
        "theme": _text(basics.get("theme")),
        "mode": _text(basics.get("mode")),
    }
    if layers:
        chosen = [x for group in layers if isinstance(group, list) for x in group
                  if isinstance(x, str)]
        raw["layers"] = ",".join(ordered_layers(frozenset(x for x in chosen if is_known_layer(x))))
    for key, value in changes.items():
        raw[KEY_FOR_FIELD.get(key, key)] = _text(value)
    query = urlencode({k: v for k, v in raw.items() if v is not None})
    view, _rejected = decode_view(query)
    return clamp_date(view, runtime.first_day, runtime.last_day)


KEY_FOR_FIELD = {"chart_group": "chart"}


def register(app) -> None:
    """Bind the control callbacks to `app`."""
    app.clientside_callback(
        ClientsideFunction("app", "navigate"),
        Output(ids.URL, "search"),
        Input(ids.LANG_SELECT, "value"),
        Input(ids.THEME_TOGGLE, "n_clicks"),
        Input(ids.MODE_TOGGLE, "n_clicks"),
        State(ids.VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("app", "applyDocument"),
        Output("dom-sync", "data"),
        Input(ids.VIEW_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("app", "syncUrl"),
        Output("url-sync", "data"),
        Input(ids.TIMELINE_SLIDER, "value"),
        Input(ids.WINDOW_SELECT, "value"),
        *LAYER_INPUTS,
        Input(ids.BASEMAP_SELECT, "value"),
        Input(ids.PRESET_SELECT, "value"),
        Input(ids.CHART_GROUP_SELECT, "value"),
        Input(ids.SPEED_SELECT, "value"),
        Input(ids.MAP_GRAPH, "relayoutData"),
        Input("selected-incident", "data"),
        State(ids.DAYS_STORE, "data"),
        State(ids.VIEW_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("app", "share"),
        Output(ids.SHARE_URL_TEXT, "value"),
        Input(ids.SHARE_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.BASE_MAP_STORE, "data"),
        Output(ids.MAP_LEGEND, "children"),
        Input(ids.BASEMAP_SELECT, "value"),
        Input(ids.PRESET_SELECT, "value"),
        Input("context-checklist", "value"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.VIEW_STORE, "data"),
        State(ids.LAYER_CHECKLIST, "value"),
        prevent_initial_call=True,
    )
    def _base_map(basemap, preset, context, day_index, basics, categories):
        view = view_from_controls(day_index, None, basics, (categories, context),
                                  basemap=basemap, preset=preset)
        figure, legend = page_map(get_runtime(), view)
        return figure, legend_rows(legend)

    @app.callback(
        Output(ids.DAILY_CHART, "figure", allow_duplicate=True),
        Input(ids.CHART_GROUP_SELECT, "value"),
        Input(ids.LAYER_CHECKLIST, "value"),
        Input(ids.DATA_LAYER_CHECKLIST, "value"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.DAYS_STORE, "data"),
        State(ids.VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    def _daily_chart(group, categories, data_layers, day_index, days, basics):
        if not days:
            return no_update
        view = view_from_controls(day_index, days, basics, (categories, data_layers),
                                  chart_group=group)
        runtime = get_runtime()
        return make_daily_chart(runtime.incidents, view, runtime.first_day, runtime.last_day)
