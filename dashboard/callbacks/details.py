"""Incident details: a click on the map (or a link naming an incident) shows its sources."""

from __future__ import annotations

from dash import Input, Output, State, no_update

from dashboard import ids
from dashboard.components.details import render_details
from dashboard.runtime import get_runtime
from dashboard.timeline import selected_halo
from dashboard.view import LANGS


def incident_row_from_click(click_data) -> int | None:
    """The row index a map click refers to, or None when the click was not on an incident."""
    try:
        point = click_data["points"][0]
        row = point["customdata"]
        if isinstance(row, list):
            row = row[0]
        if isinstance(row, bool) or not isinstance(row, int | float | str):
            return None
        row = int(row)
    except (KeyError, IndexError, TypeError, ValueError, OverflowError):
        return None
    return row if 0 <= row < len(get_runtime().incidents) else None


def register(app) -> None:
    """Bind the details callback to `app`."""

    @app.callback(
        Output(ids.INCIDENT_DETAILS, "children"),
        Output(ids.SELECTED_INCIDENT, "data"),
        Output(ids.SELECTED_HALO, "data"),
        Input(ids.MAP_GRAPH, "clickData"),
        State(ids.VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    def _show(click_data, basics):
        row = incident_row_from_click(click_data)
        if row is None:
            return no_update, no_update, no_update
        runtime = get_runtime()
        lang = basics.get("lang") if isinstance(basics, dict) else "en"
        lang = lang if lang in LANGS else "en"
        record = runtime.incidents.iloc[row]
        return (render_details(record, runtime.dataset, lang), str(record["id"]),
                selected_halo(runtime.incidents, row))
