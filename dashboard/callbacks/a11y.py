"""The incident list (components/incident_list.py): filled by the browser from the drawn map,
and a button in it does what a click on the map point does. The timeline's step buttons."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State

from dashboard import ids


def register(app) -> None:
    """Bind the incident list's and the timeline step buttons' callbacks to `app`."""
    # Filled once the map has drawn (MAP_DRAWN), like the charts' date markers: up to 300
    # buttons made on the main thread between a step's map frames delayed the map itself.
    app.clientside_callback(
        ClientsideFunction("a11y", "incidentList"),
        Output(ids.INCIDENT_LIST, "children"),
        Input(ids.MAP_DRAWN, "data"),
        State(ids.MAP_GRAPH, "figure"),
        State(ids.SELECTED_INCIDENT, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("a11y", "pickIncident"),
        Output(ids.MAP_GRAPH, "clickData"),
        Input({"type": ids.INCIDENT_ITEM, "row": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("a11y", "step"),
        Output(ids.TIMELINE_SLIDER, "value", allow_duplicate=True),
        Input(ids.TIMELINE_PREV, "n_clicks"),
        Input(ids.TIMELINE_NEXT, "n_clicks"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.TIMELINE_SLIDER, "max"),
        State(ids.TIMELINE_SLIDER, "min"),
        prevent_initial_call=True,
    )
