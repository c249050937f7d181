"""A click on a neighbourhood of the map shows its names and control in the details panel.

The click is caught in the browser (assets/app.js: MapLibre's click on the neighbourhood
layer, unless an incident point was under the pointer) and handed over as
{"id": nbhd_id, "n": count}; this callback renders the answer for the timeline's day.
"""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, State, no_update

from dashboard import ids
from dashboard.callbacks.inputs import day_iso
from dashboard.components.details import render_neighbourhood
from dashboard.runtime import get_runtime
from dashboard.view import LANGS


def register(app) -> None:
    """Bind the neighbourhood details callback to `app`."""

    @app.callback(
        Output(ids.INCIDENT_DETAILS, "children", allow_duplicate=True),
        Input(ids.NEIGHBOURHOOD_CLICK, "data"),
        State(ids.TIMELINE_SLIDER, "value"),
        State(ids.VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    def _show(click, day_index, basics):
        nbhd_id = click.get("id") if isinstance(click, dict) else None
        iso = day_iso(day_index)
        if not isinstance(nbhd_id, str) or iso is None:
            return no_update
        lang = basics.get("lang") if isinstance(basics, dict) else "en"
        lang = lang if lang in LANGS else "en"
        body = render_neighbourhood(nbhd_id, dt.date.fromisoformat(iso), get_runtime().dataset,
                                    lang)
        return no_update if body is None else body
