"""Switches that change what the page is: language, theme, mode (a new page from a new URL),
and the map's base figure (basemap, preset, context layers)."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, no_update

from dashboard import ids
from dashboard.callbacks.inputs import LAYER_INPUTS, view_from_controls
from dashboard.components.map_legend import legend_rows
from dashboard.figures.charts import make_daily_chart
from dashboard.layout import page_map
from dashboard.runtime import get_runtime


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
        Output(ids.DOM_SYNC, "data"),
        Input(ids.VIEW_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("app", "syncUrl"),
        Output(ids.URL_SYNC, "data"),
        Input(ids.TIMELINE_SLIDER, "value"),
        Input(ids.WINDOW_SELECT, "value"),
        *LAYER_INPUTS,
        Input(ids.BASEMAP_SELECT, "value"),
        Input(ids.PRESET_SELECT, "value"),
        Input(ids.CHART_GROUP_SELECT, "value"),
        Input(ids.SPEED_SELECT, "value"),
        Input(ids.MAP_GRAPH, "relayoutData"),
        Input(ids.SELECTED_INCIDENT, "data"),
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
        Input(ids.CONTEXT_CHECKLIST, "value"),
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
