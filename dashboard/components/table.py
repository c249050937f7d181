"""The incident table: the incidents that match the current date and filters."""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.components.category_marks import category_mark
from dashboard.components.text import clean
from dashboard.i18n import category_label, format_range, is_rtl, side_label
from dashboard.i18n import gettext as _t

# Past this many rows the table shows the most recent ones and says so; the map and charts
# still show everything (a grid of a million rows helps nobody and costs the browser).
MAX_TABLE_ROWS = 5_000

COLUMNS = ("id", "date", "category", "place", "killed", "side", "title", "sources")


def table_rows(frame: pd.DataFrame, lang: str) -> list[dict]:
    """Rows for the grid and the CSV: plain text values, localised, in a stable order."""
    if frame.empty:
        return []
    frame = frame.sort_values(["date_start", "id"], ascending=[False, True]).head(MAX_TABLE_ROWS)
    rows = []
    for r in frame.itertuples(index=False):
        start = pd.Timestamp(r.date_start).date().isoformat()
        end = pd.Timestamp(r.date_end).date().isoformat()
        place = clean(getattr(r, f"place_{lang}", None)) or clean(r.place_en)
        title = clean(getattr(r, f"title_{lang}", None)) or clean(r.title_en)
        sources = r.source_ids if isinstance(r.source_ids, str) and r.source_ids else r.source_text
        rows.append({
            "id": str(r.id),
            "date": start if start == end else f"{start} – {end}",
            "category": category_label(str(r.category), lang),
            "mark": category_mark(str(r.category)),  # shown before the category, not in CSV
            "place": place,
            "killed": format_range(r.killed_low, r.killed_best, r.killed_high, lang),
            "side": side_label(str(r.side), lang) if isinstance(r.side, str) else "",
            "title": title,
            "sources": "" if pd.isna(sources) else str(sources).replace(";", "; "),
        })
    return rows


def column_defs(lang: str) -> list[dict]:
    """Grid columns with localised headers."""
    headers = {
        "id": "ID", "date": _t("Date", lang), "category": _t("Category", lang),
        "place": _t("Place", lang), "killed": _t("Killed", lang), "side": _t("Side", lang),
        "title": _t("Title", lang), "sources": _t("Sources", lang),
    }
    columns = [{"field": c, "headerName": headers[c], "sortable": True, "filter": True,
                "flex": 2 if c in ("title", "place", "sources") else 1} for c in COLUMNS]
    for column in columns:
        if column["field"] == "category":  # the category's shape too, as in the layer panel
            column["valueGetter"] = {"function": "(params.data.mark ? params.data.mark + ' ' : '')"
                                                 " + params.data.category"}
    return columns


def make_table_panel(lang: str) -> html.Div:
    """The table and its CSV download (of exactly the rows shown, in the order shown)."""
    return html.Div(
        className="table-panel",
        children=[
            html.Div(className="table-head", children=[
                html.Span(id=ids.TABLE_COUNT, className="hint", **{"aria-live": "polite"}),
                html.Button(_t("Download CSV", lang), id=ids.TABLE_DOWNLOAD_BUTTON,
                            className="btn", n_clicks=0),
                dcc.Download(id=ids.TABLE_DOWNLOAD),
            ]),
            dag.AgGrid(
                id=ids.INCIDENT_TABLE,
                columnDefs=column_defs(lang),
                rowData=[],
                getRowId="params.data.id",
                dashGridOptions={"animateRows": False, "pagination": True,
                                 "paginationPageSize": 50, "domLayout": "normal",
                                 "enableRtl": is_rtl(lang)},
                className="ag-theme-quartz incident-grid",
                style={"height": "420px"},
            ),
        ],
    )
