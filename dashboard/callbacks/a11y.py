"""The incident list (components/incident_list.py): filled by the browser from the drawn map,
and a button in it does what a click on the map point does."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State

from dashboard import ids
from dashboard.components.incident_list import ITEM_TYPE, LIST_ID


def register(app) -> None:
    """Bind the list's two clientside callbacks to `app`."""
    app.clientside_callback(
        ClientsideFunction("a11y", "incidentList"),
        Output(LIST_ID, "children"),
        Input(ids.MAP_GRAPH, "figure"),
        State("selected-incident", "data"),
    )
    app.clientside_callback(
        ClientsideFunction("a11y", "pickIncident"),
        Output(ids.MAP_GRAPH, "clickData"),
        Input({"type": ITEM_TYPE, "row": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
