"""Casualty and timeline charts: pure functions from frames and a View to `go.Figure`.

Shared rules: both axes are fixed from the whole data and the whole period, so nothing rescales
while the timeline moves; the chosen day is a plain line shape named "date-marker" (x0/x1 as
"YYYY-MM-DD") that the browser moves without rebuilding the figure; tick labels are written with
Babel, because plotly's own locales need extra JS bundles; and every point's x is an ISO date,
so a click on a chart (clickData.points[0].x) can move the timeline.

One module (about 340 lines) on purpose: the three charts share the base figure, the date
marker, the hover writing and the killed ranges above; split, each part would import the rest.
"""

from __future__ import annotations

import datetime as dt
from html import escape as html_escape

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.colours import GREY
from dashboard.data.model import CATEGORIES, SIDES
from dashboard.figures.theme import (
    DATE_MARKER_WIDTH,
    SIDE_COLOURS,
    category_styles,
    chart_template,
    colourway,
    surface,
)
from dashboard.filters import layer_mask
from dashboard.i18n import N_, _t, data_layer_label
from dashboard.view import View

CUMULATIVE_SINCE = dt.date(2016, 4, 22)
DATE_MARKER = "date-marker"
QUALIFIER_SYMBOL = {"exact": "circle", "at_least": "triangle-up", "more_than": "arrow-up",
                    "about": "diamond", "up_to": "triangle-down"}
MAX_HOVER_INCIDENTS = 8  # longer hover boxes run off small screens
_HALF_DAY = dt.timedelta(hours=12)


def _html(text: object) -> str:
    """Text made safe for plotly's hover HTML (quotes are harmless there and stay readable)."""
    return html_escape(str(text), quote=False)


def _pair(label: str, value: str, lang: str) -> str:
    """"Label: value", with the language's own spacing before the colon."""
    return _t("{label}: {value}", lang, label=label, value=value)


def _iso(day: dt.date) -> str:
    return day.strftime("%Y-%m-%d")  # the form the browser's date-marker and clickData use


def _date_ticks(first: dt.date, last: dt.date, lang: str) -> tuple[list[str], list[str]]:
    count = (last - first).days + 1
    step = 1 if count <= 10 else 2 if count <= 24 else -(-count // 12)
    days = [first + dt.timedelta(days=i) for i in range(0, count, step)]
    return [_iso(d) for d in days], [i18n.format_day_short(d, lang) for d in days]


def _base_figure(view: View, first: dt.date, last: dt.date, y_max: float, name: str,
                 compact: bool = False) -> go.Figure:
    """An empty figure with the fixed axes, localised ticks, theme and the date marker."""
    lang = view.lang
    tickvals, ticktext = _date_ticks(first, last, lang)
    day = view.date or last
    fig = go.Figure()
    fig.update_layout(
        template=chart_template(view.theme, view.mode),
        separators=i18n.number_separators(lang),
        meta={"chart": name, "first_day": _iso(first), "last_day": _iso(last)},
        hovermode="closest",
        xaxis={
            "type": "date",
            # Half a day of padding so the first and last day's bars are not cut in half.
            "range": [str(pd.Timestamp(first) - _HALF_DAY), str(pd.Timestamp(last) + _HALF_DAY)],
            "fixedrange": True,
            "tickmode": "array",
            "tickvals": tickvals,
            "ticktext": ticktext,
            "title": {"text": "" if compact else _t("Date", lang)},
        },
        yaxis={"range": [0, y_max if y_max > 0 else 1], "fixedrange": True, "rangemode": "tozero"},
        shapes=[{
            "type": "line", "name": DATE_MARKER, "xref": "x", "yref": "paper",
            "x0": _iso(day), "x1": _iso(day), "y0": 0, "y1": 1,
            "line": {"color": surface(view.theme)["marker"],
                     "width": DATE_MARKER_WIDTH.get(view.mode, 2)},
        }],
    )
    return fig


def _add_no_data(fig: go.Figure, lang: str) -> None:
    fig.add_annotation(text=_t("No data", lang), name="no-data", xref="paper", yref="paper",
                       x=0.5, y=0.5, showarrow=False)


def _nonempty(value: object) -> bool:
    return value is not None and not pd.isna(value) and str(value) != ""


def _source_lines(source_ids: object, sources: pd.DataFrame, lang: str) -> list[str]:
    """One line per cited source: publisher, title, date (unknown ids are shown as ids)."""
    lines = []
    ids = str(source_ids).split(";") if _nonempty(source_ids) else []
    for source_id in filter(None, (s.strip() for s in ids)):
        if source_id not in sources.index:
            lines.append(_html(source_id))
            continue
        row = sources.loc[source_id]
        parts = [str(row.get(col)) for col in ("publisher", "title") if _nonempty(row.get(col))]
        if _nonempty(row.get("date")):
            parts.append(i18n.format_date(pd.Timestamp(row["date"]), lang, "medium"))
        lines.append(_html(", ".join(parts)))
    return lines


def _report_hover(row: pd.Series, reporter: str, sources: pd.DataFrame, lang: str) -> str:
    """Hover of one reported figure: who, how much, over what period, when, and sources."""
    period = row.get(f"period_label_{lang}")
    lines = [f"<b>{_html(reporter)}</b>",
             i18n.format_reported(row["qualifier"], row["figure_low"], row.get("figure_high"),
                                  lang),
             _html(period if _nonempty(period) else row.get("period_label_en") or ""),
             i18n.format_date(row["report_day"], lang)]
    sourced = _source_lines(row.get("source_ids"), sources, lang)
    if sourced:
        lines.append(_pair(_t("Sources", lang), "<br>" + "<br>".join(sourced), lang))
    return "<br>".join(line for line in lines if line)


def _cumulative_rows(reports: pd.DataFrame) -> pd.DataFrame:
    """Running totals of civilians killed since 22 April, one row per reported figure."""
    if len(reports) == 0:
        return reports
    since = pd.to_datetime(reports["cumulative_since"], errors="coerce").dt.date
    civilians = reports["civilians_only"]
    if civilians.dtype != bool:  # as read from CSV: "true"/"false"
        civilians = civilians.astype("string").str.lower().isin(["true", "1"])
    keep = (since == CUMULATIVE_SINCE) & (reports["measure"] == "killed") & civilians
    rows = reports.loc[keep.fillna(False).to_numpy(dtype=bool)].copy()
    rows["report_day"] = pd.to_datetime(rows["report_date"]).dt.date
    return rows.sort_values(["reporter_key", "report_day"])


def _qualifier_key(rows: pd.DataFrame, lang: str) -> str:
    words = {"at_least": ("▲", N_("at least")), "more_than": ("↑", N_("more than")),
             "about": ("◆", N_("about")), "up_to": ("▼", N_("up to"))}
    present = [q for q in words if q in set(rows["qualifier"].astype(str))]
    return " · ".join(f"{words[q][0]} {_t(words[q][1], lang)}" for q in present)


def make_cumulative_chart(reports: pd.DataFrame, sources: pd.DataFrame, view: View,
                          first_day: dt.date, last_day: dt.date) -> go.Figure:
    """Reported cumulative civilian deaths since 22 April: one series per reporter, never summed.

    y is the figure as reported (figure_low), with figure_high as an error bar for a reported
    range; the qualifier (≥, >, ~, ≤) is the marker symbol and is spelled out in the hover, with
    the period and the sources. `sources` is indexed by source_id (or has that column).
    """
    lang = view.lang
    if "source_id" in sources.columns:
        sources = sources.set_index("source_id")
    rows = _cumulative_rows(reports)
    # Only figures reported within the timeline: a later total (e.g. months on) would sit off
    # the x-axis yet stretch the y-axis until the period's figures were unreadable.
    if len(rows):
        report_days = pd.to_datetime(rows["report_day"]).dt.date
        rows = rows[(report_days >= first_day) & (report_days <= last_day)]
    highs = pd.to_numeric(rows.get("figure_high", pd.Series(dtype=float)), errors="coerce")
    lows = pd.to_numeric(rows.get("figure_low", pd.Series(dtype=float)), errors="coerce")
    y_max = float(pd.concat([lows, highs]).max()) * 1.12 if len(rows) else 0.0
    fig = _base_figure(view, first_day, last_day, y_max, "cumulative")
    fig.update_layout(yaxis_title_text=_t("Civilians killed since 22 April, as reported", lang),
                      legend_title_text=_t("Reported by", lang))
    if len(rows) == 0:
        _add_no_data(fig, lang)
        return fig
    colours = colourway(view.theme)
    for i, (reporter_key, series) in enumerate(rows.groupby("reporter_key", sort=True)):
        reporter = str(series["reporter"].iloc[0])
        hover = [_report_hover(row, reporter, sources, lang) for _, row in series.iterrows()]
        plus = [float(high) - float(low) if _nonempty(high) else None
                for low, high in zip(series["figure_low"], series["figure_high"], strict=True)]
        days = [_iso(d) for d in series["report_day"]]
        fig.add_trace(go.Scatter(
            x=days, y=series["figure_low"].astype(float).tolist(), name=reporter,
            legendgroup=str(reporter_key), mode="lines+markers", customdata=days,
            meta={"reporter_key": str(reporter_key)},
            line={"color": colours[i % len(colours)], "width": 1.5},
            marker={"size": 9, "symbol": [QUALIFIER_SYMBOL.get(str(q), "circle")
                                          for q in series["qualifier"]]},
            error_y={"type": "data", "symmetric": False, "array": plus,
                     "arrayminus": [0] * len(plus), "visible": any(p is not None for p in plus)},
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        ))
    note = _t("Figures are as reported, per reporter; they are not added up.", lang)
    key = _qualifier_key(rows, lang)
    fig.add_annotation(text=note + (f"<br>{key}" if key else ""), name="note", xref="paper",
                       yref="paper", x=0, y=1, xanchor="left", yanchor="top", align="left",
                       showarrow=False, font={"size": 11 if view.mode == "explore" else 16})
    return fig


def _killed_ranges(incidents: pd.DataFrame) -> pd.DataFrame:
    """best/low/high per incident, each filled from the others where not reported."""
    best = incidents["killed_best"].astype("Float64")
    low = incidents["killed_low"].astype("Float64")
    high = incidents["killed_high"].astype("Float64")
    best = best.fillna(low).fillna(high)
    return pd.DataFrame({"best": best, "low": low.fillna(best), "high": high.fillna(best)},
                        index=incidents.index)


def _incident_line(row: dict | pd.Series, lang: str) -> str:
    title = row.get(f"title_{lang}")
    title = title if _nonempty(title) else row.get("title_en", row.get("id", ""))
    figure = i18n.format_range(row["low"], row["best"], row["high"], lang)
    return "• " + _pair(_html(title), figure, lang)


def _day_group_hover(total: pd.Series, day: dt.date, name: str, incidents: list[str],
                     count: int, lang: str) -> str:
    """Hover of one bar: the day, the group, its total range and (the first of) its
    `count` incidents, one line each."""
    lines = [f"<b>{i18n.format_date(day, lang)} · {_html(name)}</b>",
             _pair(_t("Killed", lang),
                   i18n.format_range(total["low"], total["best"], total["high"], lang), lang),
             *incidents]
    if count > MAX_HOVER_INCIDENTS:
        lines.append(_t("… and {n} more", lang, n=count - MAX_HOVER_INCIDENTS))
    return "<br>".join(lines)


def _listed_incidents(frame: pd.DataFrame, group_col: str, lang: str) -> dict[tuple, list[str]]:
    """Per (group, day), the hover lines of its first incidents (vectorised: a day of a big
    import can hold thousands of incidents, and only the first few are listed)."""
    top = frame.groupby([group_col, "day"], sort=False).head(MAX_HOVER_INCIDENTS)
    listed: dict[tuple, list[str]] = {}
    for key, row in zip(zip(top[group_col], top["day"], strict=True), top.to_dict("records"),
                        strict=True):
        listed.setdefault(key, []).append(_incident_line(row, lang))
    return listed


def _daily_rows(incidents: pd.DataFrame, view: View, group_col: str, first_day: dt.date,
                last_day: dt.date) -> pd.DataFrame:
    """Incidents in the active layers with a killed figure, starting within the period."""
    if len(incidents) == 0:
        return pd.DataFrame(columns=[group_col, "day", "best", "low", "high"])
    shown = incidents.loc[layer_mask(incidents, view)]
    keep = [c for c in (group_col, "id", "title_en", f"title_{view.lang}") if c in shown]
    frame = pd.concat([shown[list(dict.fromkeys(keep))], _killed_ranges(shown)], axis=1)
    if "dataset" in shown:
        # Imported layers (UCDP GED…) are their own series: never added to curated bars.
        imported = (shown["dataset"] != "curated").fillna(False).to_numpy(dtype=bool)
        frame[group_col] = frame[group_col].astype("object")
        frame.loc[imported, group_col] = ("data:" + shown["dataset"].astype(str))[imported]
    # Midnight timestamps rather than date objects: much faster to group over many rows.
    frame["day"] = pd.to_datetime(shown["date_start"]).dt.floor("D")
    in_period = (frame["day"].between(pd.Timestamp(first_day), pd.Timestamp(last_day))
                 & frame["best"].notna())
    return frame.loc[in_period.fillna(False).to_numpy(dtype=bool)]


def make_daily_chart(incidents: pd.DataFrame, view: View, first_day: dt.date,
                     last_day: dt.date) -> go.Figure:
    """Killed per day from the incidents in the active layers (the whole period, not the time
    window), by side or category (`view.chart_group`): bars at the best figure, error bars to
    the low and high figures. An incident spanning days counts on its date_start."""
    lang = view.lang
    by_side = view.chart_group == "side"
    group_col = "side" if by_side else "category"
    frame = _daily_rows(incidents, view, group_col, first_day, last_day)
    grouped = frame.groupby([group_col, "day"], sort=True)
    totals = grouped[["best", "low", "high"]].sum()
    counts = grouped.size()
    listed = _listed_incidents(frame, group_col, lang)
    y_max = float(totals["high"].max()) * 1.12 if len(totals) else 0.0
    fig = _base_figure(view, first_day, last_day, y_max, "daily")
    fig.update_layout(yaxis_title_text=_t("Killed (range as reported)", lang), barmode="group",
                      legend_title_text=_t("Side", lang) if by_side else _t("Category", lang))
    if len(totals) == 0:
        _add_no_data(fig, lang)
        return fig
    styles = ({side: (colour, False) for side, colour in SIDE_COLOURS.items()} if by_side
              else category_styles())
    label = i18n.side_label if by_side else i18n.category_label
    ink = surface(view.theme)["text"]
    order = SIDES if by_side else CATEGORIES
    present = set(totals.index.get_level_values(0))
    for group in [g for g in order if g in present] + sorted(present - set(order)):
        part = totals.loc[group]
        name = (data_layer_label(str(group)[5:], lang) if str(group).startswith("data:")
                else label(group, lang))
        days = [_iso(d) for d in part.index]
        colour, ringed = styles.get(group, (GREY, False))
        marker = {"color": colour}
        if ringed:
            marker.update(pattern={"shape": "/", "fgcolor": ink, "solidity": 0.25},
                          line={"color": ink, "width": 1.5})
        fig.add_trace(go.Bar(
            x=days, y=part["best"].astype(float).tolist(), name=name, customdata=days,
            meta={"group": str(group)}, marker=marker,
            error_y={"type": "data", "symmetric": False,
                     "array": (part["high"] - part["best"]).astype(float).tolist(),
                     "arrayminus": (part["best"] - part["low"]).astype(float).tolist()},
            hovertext=[_day_group_hover(part.loc[day], day, name, listed[(group, day)],
                                        int(counts[(group, day)]), lang)
                       for day in part.index],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    return fig


def make_day_histogram(incidents: pd.DataFrame, first_day: dt.date, last_day: dt.date,
                       view: View) -> go.Figure:
    """A compact per-day count of incidents in the active layers (by date_start), to sit above
    the timeline slider; no axes, only the bars and the date marker."""
    lang = view.lang
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    counts = pd.Series(0, index=days, dtype="int64")
    if len(incidents):
        # Day numbers, not date objects: this runs over every imported row.
        starts = pd.to_datetime(incidents.loc[layer_mask(incidents, view), "date_start"])
        per_day = pd.Series(starts.to_numpy(dtype="datetime64[D]")).value_counts()
        per_day.index = [pd.Timestamp(d).date() for d in per_day.index]
        counts = counts.add(per_day, fill_value=0).reindex(days).fillna(0).astype("int64")
    fig = _base_figure(view, first_day, last_day, float(counts.max()) * 1.05, "histogram",
                       compact=True)
    fig.update_layout(showlegend=False, bargap=0.15, margin={"l": 4, "r": 4, "t": 4, "b": 4},
                      height=90 if view.mode == "explore" else 130)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    if counts.sum() == 0:
        _add_no_data(fig, lang)
        return fig
    iso_days = [_iso(d) for d in days]
    hover = [_pair(i18n.format_date(d, lang),
                   i18n.ngettext("{n} incident", "{n} incidents", int(n), lang), lang)
             for d, n in counts.items()]
    fig.add_trace(go.Bar(x=iso_days, y=counts.tolist(), customdata=iso_days,
                         name=_t("Incidents", lang), marker_color=surface(view.theme)["bar"],
                         hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    return fig
