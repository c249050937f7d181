"""Switches that change what the page is: language, theme, mode (a new page from a new URL),
and the map's base figure (basemap, preset, context layers)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dash import ClientsideFunction, Input, Output, State, no_update

from dashboard import ids
from dashboard.callbacks.timeline import LAYER_INPUTS
from dashboard.figures.charts import make_daily_chart
from dashboard.figures.map import make_map_figure
from dashboard.runtime import get_runtime
from dashboard.view import View


def view_from_controls(day_index, days, basics, layers=(), **changes) -> View:
    """A View from the page's controls (the URL is written by the browser from the same)."""
    runtime = get_runtime()
    date = None
    if isinstance(day_index, int) and days and 0 <= day_index < len(days):
        date = dt.date.fromisoformat(days[day_index]["iso"])
    basics = basics or {}
    view = View(date=date, lang=basics.get("lang", "en"), theme=basics.get("theme", "light"),
                mode=basics.get("mode", "explore"))
    chosen = frozenset(x for group in layers for x in (group or []))
    view = dataclasses.replace(view, layers=chosen, **changes)
    if view.date is None:
        view = dataclasses.replace(view, date=runtime.last_day)
    return view


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
        Input(ids.BASEMAP_SELECT, "value"),
        Input(ids.PRESET_SELECT, "value"),
        Input("context-checklist", "value"),
        Input("zone-signature", "data"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.DAYS_STORE, "data"),
        State(ids.VIEW_STORE, "data"),
        State(ids.LAYER_CHECKLIST, "value"),
    )
    def _base_map(basemap, preset, context, _signature, day_index, days, basics, categories):
        if not days:
            return no_update
        view = view_from_controls(day_index, days, basics, (categories, context),
                                  basemap=basemap or "none", preset=preset or "aleppo")
        runtime = get_runtime()
        return make_map_figure(runtime.dataset, view, runtime.payload, view.lang)

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
                                  chart_group=group or "side")
        runtime = get_runtime()
        return make_daily_chart(runtime.incidents, view, runtime.first_day, runtime.last_day)
