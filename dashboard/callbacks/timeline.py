"""The timeline: every step is handled in the browser (assets/timeline.js, assets/app.js).

Why clientside: a server round trip per step costs about a second with 100,000 events (a new
figure each time); the browser already holds the compact arrays, so it slices them locally and
sends nothing over the network.
"""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State

from dashboard import ids
from dashboard.callbacks.inputs import LAYER_INPUTS


def register(app) -> None:
    """Bind the browser-side timeline callbacks to `app`."""
    app.clientside_callback(
        ClientsideFunction("app", "renderMap"),
        Output(ids.MAP_GRAPH, "figure"),
        Input(ids.TIMELINE_SLIDER, "value"),
        Input(ids.WINDOW_SELECT, "value"),
        *LAYER_INPUTS,
        Input(ids.BASE_MAP_STORE, "data"),
        Input(ids.SELECTED_HALO, "data"),
        State(ids.PAYLOAD_STORE, "data"),
        State(ids.DAYS_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("app", "onDay"),
        Output(ids.DATE_LABEL, "children"),
        Input(ids.TIMELINE_SLIDER, "value"),
        State(ids.DAYS_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("app", "moveMarkers"),
        Output(ids.CASUALTY_CHART, "figure"),
        Output(ids.DAILY_CHART, "figure"),
        Output(ids.HISTOGRAM, "figure"),
        Input(ids.MAP_DRAWN, "data"),
        Input(ids.BOTTOM_TABS, "value"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.DAYS_STORE, "data"),
        State(ids.CASUALTY_CHART, "figure"),
        State(ids.DAILY_CHART, "figure"),
        State(ids.HISTOGRAM, "figure"),
    )
    app.clientside_callback(
        ClientsideFunction("app", "layerCounts"),
        Output({"type": ids.LAYER_COUNTS, "layer": ALL}, "children"),
        Input(ids.TIMELINE_SLIDER, "value"),
        Input(ids.WINDOW_SELECT, "value"),
        Input(ids.DATA_LAYER_CHECKLIST, "value"),
        State({"type": ids.LAYER_COUNTS, "layer": ALL}, "id"),
        State(ids.PAYLOAD_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("app", "togglePlay"),
        Output(ids.PLAY_INTERVAL, "disabled"),
        Output(ids.PLAY_BUTTON, "children"),
        Output(ids.PLAY_BUTTON, "aria-pressed"),
        Input(ids.PLAY_BUTTON, "n_clicks"),
        State(ids.PLAY_INTERVAL, "disabled"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.TIMELINE_SLIDER, "max"),
        State(ids.VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("app", "tick"),
        Output(ids.TIMELINE_SLIDER, "value"),
        Output(ids.PLAY_INTERVAL, "disabled", allow_duplicate=True),
        Output(ids.PLAY_BUTTON, "children", allow_duplicate=True),
        Input(ids.PLAY_INTERVAL, "n_intervals"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.TIMELINE_SLIDER, "max"),
        State(ids.VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("app", "dayFromChart"),
        Output(ids.TIMELINE_SLIDER, "value", allow_duplicate=True),
        Input(ids.CASUALTY_CHART, "clickData"),
        Input(ids.DAILY_CHART, "clickData"),
        Input(ids.HISTOGRAM, "clickData"),
        State(ids.DAYS_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("app", "speed"),
        Output(ids.PLAY_INTERVAL, "interval"),
        Input(ids.SPEED_SELECT, "value"),
    )
