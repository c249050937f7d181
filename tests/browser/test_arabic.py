"""Arabic in a real browser: document language and direction, Arabic dates, the mirrored
layout, Arabic names on the map and in the details (issue 14). One page load."""

from __future__ import annotations

import pytest

from tests.browser._page import load, start, until

pytestmark = pytest.mark.browser

MAP_TEXT = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
return gd.data.map(t => [].concat(t.text || [], t.hovertext || [], t.name || [])).flat()
  .filter(x => typeof x === 'string').join('\\n') + JSON.stringify(gd.layout)
  + window.aleppoMap.shown().map(p => p.text).join('\\n');
"""
RECT = ("const b = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return [b.left, b.right];")


def test_arabic_page_is_right_to_left_with_arabic_dates_names_and_details(dash_duo, tmp_path):
    start(dash_duo, tmp_path)
    load(dash_duo, "?lang=ar&date=2016-04-27&incident=E09")
    driver = dash_duo.driver
    root = driver.execute_script(
        "return [document.documentElement.lang, document.documentElement.dir]")
    assert root == ["ar", "rtl"]
    # Arabic (Syrian) month name, Western digits.
    dash_duo.wait_for_contains_text("#timeline-date", "27 نيسان 2016", timeout=10)
    assert "الطبقات" in dash_duo.find_element("#layer-panel").text
    # Mirrored: the layer panel sits to the right of the map, the details to its left.
    layers, map_box = driver.execute_script(RECT, "#layer-panel"), driver.execute_script(
        RECT, "#map-section")
    details = driver.execute_script(RECT, ".details-panel")
    assert layers[0] >= map_box[1] - 1 and details[1] <= map_box[0] + 1, (layers, map_box)
    # The graphs stay left to right inside (plotly lays out and hovers for ltr).
    assert driver.execute_script(
        "return getComputedStyle(document.querySelector('#map-graph .js-plotly-plot'))"
        ".direction") == "ltr"
    # Arabic place names in the map's own text: the incident's hover line and the labels of
    # the places layer (drawn by the map style) ...
    text = until(lambda: driver.execute_script(MAP_TEXT), 10, "map text")
    assert "السكري" in text and "Ayn al-Tal" not in text
    # Neighbourhood names come with the polygons the map fetches once; the label layer shows
    # their Arabic names on an Arabic page.
    assert '"text-field":["get","name_ar"]' in text
    polygons = until(lambda: driver.execute_script(
        "return window.__nbhd || (fetch('/geodata/neighbourhoods.geojson').then(r => r.text())"
        ".then(t => { window.__nbhd = t; }), null)"), 10, "neighbourhood names")
    assert "عين التل" in polygons and "السكري" in polygons
    # ... and in the details: the Arabic title, the place's Arabic name, the English
    # description marked as English and isolated.
    details_box = dash_duo.find_element("#incident-details")
    until(lambda: "مستشفى القدس" in details_box.text, 10, "Arabic title in the details")
    assert "السكري" in details_box.text
    assert driver.execute_script(
        "return document.querySelectorAll('#incident-details bdi[lang=en]').length") > 0
    # The language menu offers Arabic by its own name.
    assert "العربية" in dash_duo.find_element("#lang-select").text
