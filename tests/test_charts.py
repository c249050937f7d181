"""Charts: pure figures checked through fig.data and fig.layout."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.figures.charts import (
    DATE_MARKER,
    make_cumulative_chart,
    make_daily_chart,
    make_day_histogram,
)
from dashboard.figures.theme import chart_template, surface
from dashboard.view import View
from tests.test_filters import make_incidents

FIRST, LAST = dt.date(2016, 4, 22), dt.date(2016, 5, 8)
NOTE_EN = "Figures are as reported, per reporter; they are not added up."


def report(rid, date, reporter, key, low, high=None, qualifier="exact", **extra):
    row = {
        "report_id": rid, "report_date": date, "period_start": "2016-04-22",
        "period_end": date, "period_label_en": "since 22 April",
        "period_label_fr": "depuis le 22 avril", "measure": "killed", "qualifier": qualifier,
        "figure_low": low, "figure_high": high, "civilians_only": True, "scope": "city",
        "side": "not_applicable", "reporter": reporter, "reporter_key": key,
        "incident_id": None, "cumulative_since": "2016-04-22", "note_en": None,
        "note_fr": None, "source_ids": "src-a",
    }
    row.update(extra)
    return row


@pytest.fixture
def reports() -> pd.DataFrame:
    return pd.DataFrame([
        report("R1", "2016-04-28", "SOHR", "sohr", 202),
        report("R2", "2016-04-30", "SOHR", "sohr", 246, qualifier="at_least"),
        report("R3", "2016-04-29", "AFP tally", "afp_tally", 200, 250, qualifier="about",
               source_ids="src-a;src-b;missing-id"),
        report("R4", "2016-04-30", "MSF", "msf", 999, measure="injured"),
        report("R5", "2016-04-30", "SANA", "sana", 999, cumulative_since=None),
        report("R6", "2016-04-30", "SOHR", "sohr", 999, civilians_only=False),
    ])


@pytest.fixture
def sources() -> pd.DataFrame:
    return pd.DataFrame([
        {"source_id": "src-a", "publisher": "AFP", "title": "Alep <sous les bombes>",
         "date": "2016-04-30", "language": "fr"},
        {"source_id": "src-b", "publisher": "Reuters", "title": "Aleppo toll rises",
         "date": "2016-04-29", "language": "en"},
    ]).set_index("source_id")


@pytest.fixture
def incidents():
    return make_incidents([
        {"id": "E01", "date_start": "2016-04-27", "date_end": "2016-04-27",
         "category": "hospital_strike", "side": "rebel_held", "killed_low": 14,
         "killed_best": 27, "killed_high": 55, "title_en": "Al-Quds hospital hit",
         "title_fr": "L'hôpital al-Quds touché"},
        {"id": "E02", "date_start": "2016-04-27", "date_end": "2016-04-28",
         "category": "air_raid", "side": "rebel_held", "killed_best": 3,
         "title_en": "Raid on Bustan al-Qasr", "title_fr": "Raid sur Bustan al-Qasr"},
        {"id": "E03", "date_start": "2016-04-29", "date_end": "2016-04-29",
         "category": "shelling", "side": "government_held", "killed_low": 10,
         "killed_high": 19, "title_en": "Shelling of the west", "title_fr": "Tirs sur l'ouest"},
        {"id": "E04", "date_start": "2016-04-30", "date_end": "2016-04-30",
         "category": "truce", "side": "not_applicable", "title_en": "Truce"},
        {"id": "U1", "dataset": "ucdp", "date_start": "2016-04-29", "date_end": "2016-04-29",
         "category": "armed_clash", "side": "contested", "killed_best": 500},
    ])


def marker_shape(fig: go.Figure):
    shapes = [s for s in fig.layout.shapes if s.name == DATE_MARKER]
    assert len(shapes) == 1
    return shapes[0]


def assert_fixed_axes(fig: go.Figure):
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange
    assert fig.layout.xaxis.range[0].startswith("2016-04-21 12:00")
    assert fig.layout.xaxis.range[1].startswith("2016-05-08 12:00")


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


# -- cumulative chart -------------------------------------------------------------------------

def test_cumulative_one_series_per_reporter_never_summed(reports, sources):
    fig = make_cumulative_chart(reports, sources, View(), FIRST, LAST)
    by_key = {trace.meta["reporter_key"]: trace for trace in fig.data}
    assert set(by_key) == {"sohr", "afp_tally"}  # injured / not cumulative / combatants left out
    sohr = by_key["sohr"]
    assert list(sohr.x) == ["2016-04-28", "2016-04-30"]
    assert list(sohr.y) == [202, 246]
    assert list(sohr.customdata) == ["2016-04-28", "2016-04-30"]
    assert list(sohr.marker.symbol) == ["circle", "triangle-up"]
    afp = by_key["afp_tally"]
    assert list(afp.error_y.array) == [50]
    assert list(afp.marker.symbol) == ["diamond"]
    assert max(t for trace in fig.data for t in trace.y) == 246  # nothing is added up


def test_cumulative_axes_fixed_from_whole_data_and_date_marker(reports, sources):
    early = make_cumulative_chart(reports, sources, View(date=dt.date(2016, 4, 23)), FIRST, LAST)
    late = make_cumulative_chart(reports, sources, View(), FIRST, LAST)
    assert_fixed_axes(early)
    assert early.layout.yaxis.range == late.layout.yaxis.range
    assert early.layout.yaxis.range[1] >= 250  # the top of AFP's range fits
    shape = marker_shape(early)
    assert shape.type == "line" and shape.xref == "x"
    assert (shape.x0, shape.x1) == ("2016-04-23", "2016-04-23")
    assert marker_shape(late).x0 == "2016-05-08"  # no date: the last day


def test_cumulative_leaves_out_totals_reported_after_the_timeline(reports, sources):
    later = reports.iloc[[0]].copy()
    later["report_date"] = pd.Timestamp("2016-08-22")
    later["period_end"] = pd.Timestamp("2016-08-22")
    later["figure_low"] = 1396
    fig = make_cumulative_chart(pd.concat([reports, later], ignore_index=True), sources, View(),
                                FIRST, LAST)
    assert max(t for trace in fig.data for t in trace.y) == 246
    assert fig.layout.yaxis.range[1] < 1396


def test_cumulative_hover_names_reporter_qualifier_period_and_sources(reports, sources):
    fig = make_cumulative_chart(reports, sources, View(lang="fr"), FIRST, LAST)
    afp = next(t for t in fig.data if t.meta["reporter_key"] == "afp_tally")
    text = afp.hovertext[0]
    assert "AFP tally" in text and "~200–250" in text and "depuis le 22 avril" in text
    assert "Reuters, Aleppo toll rises, 29 avr. 2016" in text
    assert "Alep &lt;sous les bombes&gt;" in text  # titles are escaped, not read as HTML
    assert "missing-id" in text
    sohr = next(t for t in fig.data if t.meta["reporter_key"] == "sohr")
    assert "≥246" in sohr.hovertext[1]
    assert any("ne sont pas additionnés" in a for a in annotation_texts(fig))
    assert fig.layout.separators == ",\u202f"
    assert "30 avr." in fig.layout.xaxis.ticktext


def test_cumulative_note_in_english(reports, sources):
    fig = make_cumulative_chart(reports, sources, View(), FIRST, LAST)
    assert any(a.startswith(NOTE_EN) for a in annotation_texts(fig))
    assert fig.layout.separators == ".,"
    assert fig.layout.xaxis.title.text == "Date"


def test_cumulative_accepts_string_booleans_and_source_id_column(reports, sources):
    as_csv = reports.assign(civilians_only=reports["civilians_only"].map(
        {True: "true", False: "false"}))
    fig = make_cumulative_chart(as_csv, sources.reset_index(), View(), FIRST, LAST)
    assert len(fig.data) == 2


def test_cumulative_empty_is_valid_with_no_data_note(reports, sources):
    fig = make_cumulative_chart(reports.iloc[0:0], sources, View(lang="fr"), FIRST, LAST)
    assert len(fig.data) == 0
    assert "Aucune donnée" in annotation_texts(fig)
    marker_shape(fig)
    go.Figure(fig.to_dict())  # round-trips through plotly's validation


# -- daily chart --------------------------------------------------------------------------------

def test_daily_by_side_ranges_and_layers_not_time(incidents):
    view = View(date=dt.date(2016, 4, 22), window="day")  # the time window must not matter
    fig = make_daily_chart(incidents, view, FIRST, LAST)
    by_group = {trace.meta["group"]: trace for trace in fig.data}
    assert set(by_group) == {"rebel_held", "government_held"}  # U1 needs its data layer
    rebel = by_group["rebel_held"]
    assert list(rebel.x) == ["2016-04-27"]  # E02 spans two days, counts on its start
    assert list(rebel.y) == [30]  # 27 + 3
    assert list(rebel.error_y.array) == [28]  # high 55 + 3 = 58
    assert list(rebel.error_y.arrayminus) == [13]  # low 14 + 3 = 17
    west = by_group["government_held"]
    assert list(west.y) == [10]  # no best figure: the low end
    assert list(west.error_y.array) == [9]
    assert list(rebel.customdata) == ["2016-04-27"]
    assert fig.layout.yaxis.range[1] >= 58
    assert_fixed_axes(fig)
    assert marker_shape(fig).x0 == "2016-04-22"
    assert "Al-Quds hospital hit: 27 (14–55)" in rebel.hovertext[0]
    assert "Raid on Bustan al-Qasr: 3" in rebel.hovertext[0]


def test_daily_by_category_with_imported_layer_in_french(incidents):
    view = View(chart_group="category", lang="fr",
                layers=View().layers | {"data:ucdp"})
    fig = make_daily_chart(incidents, view, FIRST, LAST)
    names = [trace.name for trace in fig.data]
    # The imported layer is a series of its own, never added to the curated categories.
    assert names == ["Raid aérien", "Bombardement", "Frappe sur un hôpital",
                     "Données importées : ucdp"]
    assert fig.layout.legend.title.text == "Catégorie"
    hospital = fig.data[2]
    assert "L'hôpital al-Quds touché" in hospital.hovertext[0]
    assert "27 avril 2016" in hospital.hovertext[0]


def test_daily_layers_switch_groups_off(incidents):
    view = View(layers=frozenset({"shelling"}))
    fig = make_daily_chart(incidents, view, FIRST, LAST)
    assert [trace.meta["group"] for trace in fig.data] == ["government_held"]


def test_daily_empty_and_no_figures(incidents):
    for frame in (incidents.iloc[0:0], incidents[incidents["id"] == "E04"]):
        fig = make_daily_chart(frame, View(), FIRST, LAST)
        assert len(fig.data) == 0
        assert "No data" in annotation_texts(fig)
        marker_shape(fig)


# -- day histogram ------------------------------------------------------------------------------

def test_histogram_counts_every_day(incidents):
    fig = make_day_histogram(incidents, FIRST, LAST, View(lang="fr"))
    (bars,) = fig.data
    assert len(bars.x) == 17 and bars.x[0] == "2016-04-22" and bars.x[-1] == "2016-05-08"
    counts = dict(zip(bars.x, bars.y, strict=True))
    assert counts["2016-04-27"] == 2 and counts["2016-04-29"] == 1 and counts["2016-04-30"] == 1
    assert sum(bars.y) == 4  # U1's dataset layer is off
    assert bars.hovertext[5] == "27 avril 2016\u202f: 2 événements"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.showlegend is False
    marker_shape(fig)


def test_histogram_empty(incidents):
    fig = make_day_histogram(incidents.iloc[0:0], FIRST, LAST, View())
    assert len(fig.data) == 0
    assert "No data" in annotation_texts(fig)


# -- theme --------------------------------------------------------------------------------------

@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_and_presentation_fonts(incidents, theme):
    explore = make_daily_chart(incidents, View(theme=theme), FIRST, LAST)
    present = make_daily_chart(incidents, View(theme=theme, mode="present"), FIRST, LAST)
    assert explore.layout.template.layout.paper_bgcolor == surface(theme)["background"]
    assert (present.layout.template.layout.font.size
            > explore.layout.template.layout.font.size)
    assert marker_shape(explore).line.color == surface(theme)["marker"]


def test_chart_template_is_a_fresh_copy():
    first = chart_template("light", "explore")
    first.layout.font.size = 99
    assert chart_template("light", "explore").layout.font.size != 99
