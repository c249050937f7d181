"""Incident details: what happened, when, where, how sure we are, and who says so.

Everything from the data is passed to Dash as text (never as HTML or Markdown), so a
description holding markup is shown inert.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import ids
from dashboard.data.model import Dataset
from dashboard.i18n import (
    N_,
    category_label,
    date_precision_label,
    format_date,
    format_number,
    format_range,
    geo_precision_label,
    side_label,
)
from dashboard.i18n import gettext as _t

QUALIFIER_SIGNS = {"exact": "", "at_least": "≥", "more_than": ">", "about": "~", "up_to": "≤"}
MEASURES = {
    "killed": N_("killed"),
    "injured": N_("injured"),
    "killed_or_injured": N_("killed or injured"),
    "strikes": N_("strikes"),
}


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _localised(row, field: str, lang: str) -> str:
    return _text(row.get(f"{field}_{lang}")) or _text(row.get(f"{field}_en"))


def _source_items(source_ids: str, sources: pd.DataFrame, lang: str) -> list:
    items = []
    for sid in filter(None, _text(source_ids).split(";")):
        if sid not in sources.index:
            items.append(html.Li(sid))
            continue
        src = sources.loc[sid]
        date = _text(src.get("date"))
        label = f"{_text(src.get('publisher'))}, “{_text(src.get('title'))}”"
        if date:
            label += f", {format_date(date, lang, 'medium')}"
        url = _text(src.get("url")) or _text(src.get("via"))
        link = html.A(label, href=url, target="_blank", rel="noopener noreferrer") if url else label
        extra = []
        if _text(src.get("via")) and _text(src.get("url")):
            extra = [" (", html.A(_t("copy read", lang), href=_text(src.get("via")),
                                  target="_blank", rel="noopener noreferrer"), ")"]
        if _text(src.get("reliability")) == "low":
            extra.append(f" — {_t('low reliability', lang)}")
        items.append(html.Li([link, *extra]))
    return items


def _figure_items(incident_id: str, reports: pd.DataFrame, lang: str) -> list:
    if reports.empty or "incident_id" not in reports:
        return []
    rows = reports[reports["incident_id"].astype("string") == incident_id]
    items = []
    for _, r in rows.sort_values("report_date").iterrows():
        figure = QUALIFIER_SIGNS.get(_text(r.get("qualifier")), "") + format_number(
            int(r["figure_low"]), lang)
        if _text(r.get("figure_high")):
            figure += f"–{format_number(int(r['figure_high']), lang)}"
        measure = _t(MEASURES.get(_text(r.get("measure")), MEASURES["killed"]), lang)
        when = format_date(r["report_date"], lang, "medium")
        items.append(html.Li(f"{_text(r.get('reporter'))}: {figure} {measure} ({when})"))
    return items


def _control_items(place_id: str, dataset: Dataset, lang: str) -> list:
    control = dataset.control
    if not place_id or control.empty:
        return []
    items = []
    for _, r in control[control["place_id"].astype("string") == place_id].iterrows():
        text = f"{side_label(_text(r.get('control')), lang)}, "
        text += _t("as reported on {date}", lang, date=format_date(r["as_of"], lang, "medium"))
        if bool(r.get("inferred")):
            text += f" ({_t('inferred', lang)})"
        note = _localised(r, "note", lang)
        sources = [li.children for li in _source_items(_text(r.get("source_ids")),
                                                       dataset.sources, lang)]
        items.append(html.Li([text, *([" — ", note] if note else []), html.Ul(
            [html.Li(s) for s in sources], className="sources")]))
    return items


def render_details(row: pd.Series, dataset: Dataset, lang: str) -> list:
    """The details panel's children for one incident row."""
    iid = _text(row.get("id"))
    start, end = pd.Timestamp(row["date_start"]).date(), pd.Timestamp(row["date_end"]).date()
    when = format_date(start, lang)
    if end != start:
        when += f" – {format_date(end, lang)}"
    if _text(row.get("time_local")):
        when += f", {_text(row.get('time_local'))}"
    facts = [
        (_t("Date", lang), when),
        (_t("Date precision", lang), date_precision_label(int(row["date_precision"]), lang)),
        (_t("Place", lang), _localised(row, "place", lang)),
        (_t("Location precision", lang),
         geo_precision_label(int(row["geo_precision"]), lang) if pd.notna(row.get("geo_precision"))
         else _t("Not on the map: no sourced location", lang)),
        (_t("Category", lang), category_label(_text(row.get("category")), lang)),
        (_t("Side", lang), side_label(_text(row.get("side")) or "not_applicable", lang)),
    ]
    if pd.notna(row.get("killed_best")):
        killed = format_range(row.get("killed_low"), row.get("killed_best"), row.get("killed_high"),
                              lang)
        reporter = _text(row.get("killed_best_reporter"))
        facts.append((_t("Killed", lang), f"{killed}" + (f" ({reporter})" if reporter else "")))
    if pd.notna(row.get("injured")):
        facts.append((_t("Injured", lang), format_number(int(row["injured"]), lang)))
    notes = [_localised(row, "date_note", lang)]
    body = [
        html.H3(_localised(row, "title", lang) or iid, className="details-title"),
        html.Dl([part for label, value in facts for part in (html.Dt(label), html.Dd(value))]),
        html.P(_localised(row, "description", lang), className="details-description"),
    ]
    if _text(row.get("attributed_to")):
        body.append(html.P(_t("Attributed to {target} by {claimant}", lang,
                              target=_text(row.get("attributed_to")),
                              claimant=_text(row.get("attribution_claimant"))),
                           className="claim"))
    body += [html.P(n, className="hint") for n in notes if n]
    figures = _figure_items(iid, dataset.casualty_reports, lang)
    if figures:
        body += [html.H4(_t("Figures by reporter", lang)), html.Ul(figures),
                 html.P(_t("Figures are as reported, per reporter; they are not added up.", lang),
                        className="hint")]
    control = _control_items(_text(row.get("place_id")), dataset, lang)
    if control:
        body += [html.H4(_t("Neighbourhood control (as reported)", lang)), html.Ul(control)]
    sources = _source_items(_text(row.get("source_ids")), dataset.sources, lang)
    if _text(row.get("source_text")):
        sources.append(html.Li(_text(row.get("source_text"))))
    body += [html.H4(_t("Sources", lang)), html.Ul(sources, className="sources")]
    if _text(row.get("warnings")):
        body.append(html.P(f"{_t('Data warnings', lang)}: {_text(row.get('warnings'))}",
                           className="warning"))
    return body


def context_facts(dataset: Dataset, lang: str) -> list:
    """Background figures that are not map events (war toll, population), with sources."""
    facts = dataset.context_facts
    if facts.empty:
        return []
    items = []
    for _, fact in facts.iterrows():
        sources = [li.children for li in _source_items(_text(fact.get("source_ids")),
                                                       dataset.sources, lang)]
        items.append(html.Li([_localised(fact, "text", lang), html.Ul(
            [html.Li(s) for s in sources], className="sources")]))
    return [html.H3(_t("Context", lang)), html.Ul(items, className="context-facts")]


def make_details_panel(lang: str, children: list | None = None,
                       dataset: Dataset | None = None) -> html.Section:
    """The details panel: the chosen incident, or the hint and the background facts."""
    if not children:
        children = [html.P(_t("No incident selected. Click a point on the map.", lang),
                           className="hint")]
        if dataset is not None:
            children += context_facts(dataset, lang)
    return html.Section(
        className="panel details-panel",
        **{"aria-labelledby": ids.DETAILS_TITLE},
        children=[
            html.H2(_t("Incident details", lang), id=ids.DETAILS_TITLE),
            html.Div(
                id=ids.INCIDENT_DETAILS,
                role="region",
                **{"aria-live": "polite"},
                children=children,
            ),
        ],
    )
