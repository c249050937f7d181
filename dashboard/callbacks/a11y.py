"""The timeline's step buttons. (The incident list, components/incident_list.py, is made and
answered in the browser alone: assets/a11y.js.)"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State

from dashboard import ids


def register(app) -> None:
    """Bind the timeline step buttons' callback to `app`."""
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
