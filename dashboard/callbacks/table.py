"""The incident table and its CSV download."""

from __future__ import annotations

import csv
import io
import re

from dash import ClientsideFunction, Input, Output, State, dcc, no_update

from dashboard import ids
from dashboard.callbacks.inputs import day_iso, view_from_controls
from dashboard.components.table import COLUMNS, MAX_TABLE_ROWS, table_rows
from dashboard.filters import filter_incidents
from dashboard.i18n import gettext as _t
from dashboard.runtime import get_runtime
from dashboard.safety import neutralise_csv_cell


def rows_to_csv(rows: list[dict]) -> str:
    """CSV of the rows exactly as given (order and values), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise_csv_cell(row.get(c, "")) for c in COLUMNS])
    return out.getvalue()


def register(app) -> None:
    """Bind the table callbacks to `app`."""

    # Only while the table is on screen does a timeline step reach the server: the browser
    # passes the controls on (assets/app.js tableRequest) only then, so otherwise a step sends
    # nothing at all. The request carries no day list: the server knows its own timeline.
    app.clientside_callback(
        ClientsideFunction("app", "tableRequest"),
        Output(ids.TABLE_REQUEST, "data"),
        Input(ids.TIMELINE_SLIDER, "value"),
        Input(ids.WINDOW_SELECT, "value"),
        Input(ids.LAYER_CHECKLIST, "value"),
        Input(ids.DATA_LAYER_CHECKLIST, "value"),
        Input(ids.BOTTOM_TABS, "value"),
    )

    @app.callback(
        Output(ids.INCIDENT_TABLE, "rowData"),
        Output(ids.TABLE_COUNT, "children"),
        Input(ids.TABLE_REQUEST, "data"),
        State(ids.VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    def _rows(request, basics):
        if not isinstance(request, dict):
            return no_update, no_update
        view = view_from_controls(request.get("day"), None, basics,
                                  (request.get("categories"), request.get("data_layers")),
                                  window=request.get("window"))
        frame = filter_incidents(get_runtime().incidents, view)
        rows = table_rows(frame, view.lang)
        count = _t("{shown} of {total} matching incidents", view.lang, shown=len(rows),
                   total=len(frame))
        if len(frame) > MAX_TABLE_ROWS:
            count += " — " + _t("the most recent are shown", view.lang)
        return rows, count

    @app.callback(
        Output(ids.TABLE_DOWNLOAD, "data"),
        Input(ids.TABLE_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.INCIDENT_TABLE, "virtualRowData"),
        State(ids.INCIDENT_TABLE, "rowData"),
        State(ids.DAYS_STORE, "data"),
        State(ids.TIMELINE_SLIDER, "value"),
        prevent_initial_call=True,
    )
    def _download(_clicks, shown, all_rows, days, day_index):
        rows = shown if isinstance(shown, list) else all_rows
        rows = [r for r in rows if isinstance(r, dict)][:MAX_TABLE_ROWS] if isinstance(
            rows, list) else []
        day = day_iso(day_index, days) or "all"
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|all", day):
            day = "all"
        return dcc.send_string(rows_to_csv(rows), f"aleppo-{day}-incidents.csv")
