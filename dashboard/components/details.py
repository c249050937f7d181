"""Incident details: what happened, when, where, how sure we are, and who says so.

Everything from the data is passed to Dash as text (never as HTML or Markdown), so a
description holding markup is shown inert.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components.text import clean, isolated, localised
from dashboard.data.model import Dataset
from dashboard.figures.map_city import control_on, gazetteer_names
from dashboard.i18n import (
    N_,
    category_label,
    date_precision_label,
    format_date,
    format_number,
    format_range,
    geo_precision_label,
    is_rtl,
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


_text = clean
_localised = localised


def _place_name(place_id: str, dataset: Dataset | None, lang: str) -> str:
    """The place's own name in `lang` from places.csv (Arabic: name_ar), "" if none."""
    places = getattr(dataset, "places", None)
    if not place_id or places is None or places.empty or f"name_{lang}" not in places:
        return ""
    match = places[places["place_id"].astype("string") == place_id]
    return _text(match.iloc[0][f"name_{lang}"]) if len(match) else ""


def _source_items(source_ids: str, sources: pd.DataFrame, lang: str) -> list:
    items = []
    for sid in filter(None, _text(source_ids).split(";")):
        if sid not in sources.index:
            items.append(html.Li(sid))
            continue
        src = sources.loc[sid]
        date = _text(src.get("date"))
        label = f"{_text(src.get('publisher'))}, “{_text(src.get('title'))}”"
        # Publisher and title keep their own direction inside a right-to-left page.
        label = [isolated(label), f"، {format_date(date, lang, 'medium')}" if lang == "ar"
                 else f", {format_date(date, lang, 'medium')}"] if date else [isolated(label)]
        url = _text(src.get("url")) or _text(src.get("via"))
        link = html.A(label, href=url, target="_blank", rel="noopener noreferrer") if url else label
        extra = []
        if _text(src.get("via")) and _text(src.get("url")):
            extra = [" (", html.A(_t("copy read", lang), href=_text(src.get("via")),
                                  target="_blank", rel="noopener noreferrer"), ")"]
        if _text(src.get("reliability")) == "low":
            extra.append(f" — {_t('low reliability', lang)}")
        items.append(html.Li([*(link if isinstance(link, list) else [link]), *extra]))
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
        items.append(html.Li([isolated(_text(r.get("reporter"))),
                              f": {figure} {measure} ({when})"]))
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


def _place(row, dataset: Dataset, lang: str):
    """Where: the place's name in the page's language when the incident's own place text is
    missing in it (Arabic), followed by the English place text, isolated."""
    own = _text(row.get(f"place_{lang}"))
    if own or lang == "en":
        return own or _text(row.get("place_en"))
    name = _place_name(_text(row.get("place_id")), dataset, lang)
    english = _localised(row, "place", lang)
    return [name, " — ", english] if name and english else (name or english)


def _attribution(row, lang: str) -> list:
    """"Attributed to X by Y" with X and Y (data text, English) isolated in the sentence."""
    marker = "\u2063"  # invisible separator: splits the translated sentence at its fields
    sentence = _t("Attributed to {target} by {claimant}", lang, target=marker + "T" + marker,
                  claimant=marker + "C" + marker)
    values = {"T": _text(row.get("attributed_to")), "C": _text(row.get("attribution_claimant"))}
    parts = sentence.split(marker)
    return [isolated(values[p], None if lang == "en" else "en") if p in values and i % 2 else p
            for i, p in enumerate(parts) if p]


def render_details(row: pd.Series, dataset: Dataset, lang: str) -> list:
    """The details panel's children for one incident row."""
    iid = _text(row.get("id"))
    start, end = pd.Timestamp(row["date_start"]).date(), pd.Timestamp(row["date_end"]).date()
    when = format_date(start, lang)
    if end != start:
        when += f" – {format_date(end, lang)}"
    if _text(row.get("time_local")):  # data text (English): isolated, marked in other pages
        when = [when, "، " if is_rtl(lang) else ", ",
                isolated(_text(row.get("time_local")), None if lang == "en" else "en")]
    facts = [
        (_t("Date", lang), when),
        (_t("Date precision", lang), date_precision_label(int(row["date_precision"]), lang)),
        (_t("Place", lang), _place(row, dataset, lang)),
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
        facts.append((_t("Killed", lang), [killed, *([" (", isolated(reporter), ")"]
                                                      if reporter else [])]))
    if pd.notna(row.get("injured")):
        facts.append((_t("Injured", lang), format_number(int(row["injured"]), lang)))
    notes = [_localised(row, "date_note", lang)]
    body = [
        html.H3(_localised(row, "title", lang) or iid, className="details-title"),
        html.Dl([part for label, value in facts for part in (html.Dt(label), html.Dd(value))]),
        html.P(_localised(row, "description", lang), className="details-description"),
    ]
    if _text(row.get("attributed_to")):
        body.append(html.P(_attribution(row, lang), className="claim"))
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
        children=html.Details(className="sheet", open=True, children=[
            html.Summary(html.H2(_t("Incident details", lang), id=ids.DETAILS_TITLE)),
            html.Div(
                id=ids.INCIDENT_DETAILS,
                role="region",
                **{"aria-live": "polite"},
                children=children,
            ),
        ]),
    )


def render_neighbourhood(nbhd_id: str, day, dataset: Dataset, lang: str) -> list | None:
    """A clicked neighbourhood: its names (English, French, Arabic), its control on `day`
    (as reported, with who reported it and when; or inferred, with the rule; or not
    reported) and where the polygon comes from. None for an unknown id."""
    nbhd = dataset.neighbourhoods
    if nbhd is None or nbhd_id not in set(nbhd["nbhd_id"]):
        return None
    poly = nbhd[nbhd["nbhd_id"] == nbhd_id].iloc[0]
    own = gazetteer_names(dataset).get(nbhd_id, {})
    names = [(_t("English", lang), "en", own.get("en") or _text(poly["name_en"])),
             (_t("French", lang), "fr", own.get("fr") or own.get("en") or _text(poly["name_en"])),
             (_t("Arabic", lang), "ar", own.get("ar") or _text(poly.get("name_ar")))]
    title = names[2][2] if lang == "ar" and names[2][2] else names[0][2]
    body: list = [html.H3(title, className="details-title")]
    body.append(html.Dl([part for label, code, value in names if value
                         for part in (html.Dt(label), html.Dd(value, lang=code))]))
    control, _ = control_on(dataset, day)
    row = control[control["nbhd_id"] == nbhd_id]
    when = format_date(day, lang, "long")
    body.append(html.H4(_t("Control on {date}", lang, date=when)))
    if len(row) == 0:
        body.append(html.P(_t("Not reported in the sources of this map; not inferred.", lang)))
    else:
        r = row.iloc[0]
        side = side_label(_text(r["control"]), lang)
        if r["status"] == "reported":
            text = _t("{side}, as reported on {date}", lang, side=side,
                      date=format_date(r["as_of"], lang, "medium"))
        elif _text(r.get("method")).startswith("neighbours:"):
            neighbours = _text(r["method"]).removeprefix("neighbours:").replace(";", ", ")
            text = _t("{side}, inferred, not reported. Rule: the neighbouring areas with "
                      "reported control ({neighbours}) all have this side, and AFP reports the "
                      "city split since 2012 (government west, rebels east).", lang, side=side,
                      neighbours=neighbours)
        else:
            text = _t("{side}, inferred, not reported", lang, side=side)
        note = _localised(r, "note", lang)
        body.append(html.P([text, *([" — ", note] if note else [])]))
        body += [html.H4(_t("Sources", lang)),
                 html.Ul(_source_items(_text(r.get("source_ids")), dataset.sources, lang),
                         className="sources")]
    body.append(html.P(_t("Neighbourhood outline: Columbia Center for Spatial Research (MIT); "
                          "its origin is not stated, so its edges are approximate.", lang),
                       className="muted"))
    return body
