"""The details panel, from data to components (no browser)."""

from __future__ import annotations

import json

import pytest

from dashboard.components.details import context_facts, render_details
from dashboard.data.load import load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def _text(component) -> str:
    return json.dumps(component, default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def test_details_show_sources_figures_per_reporter_and_control(dataset):
    row = dataset.incidents.set_index("id").loc["E09"]
    row["id"] = "E09"
    text = _text(render_details(row, dataset, "en"))
    assert "MSF" in text and "SOHR" in text  # each reporter's own figures, not a sum
    assert "Figures are as reported, per reporter; they are not added up." in text
    assert "https://" in text  # sources as links
    assert "Neighbourhood control (as reported)" in text  # al-Sukkari, rebel-held, with source


def test_details_in_french_use_french_labels_and_dates(dataset):
    row = dataset.incidents.set_index("id").loc["E30"]
    row["id"] = "E30"
    text = _text(render_details(row, dataset, "fr"))
    assert "3 mai 2016" in text and "Sources" in text and "Précision" in text


def test_context_facts_carry_their_sources(dataset):
    text = _text(context_facts(dataset, "en"))
    assert "270,000" in text and "200,000" in text
    assert "AFP" in text
