"""Incidents drawn by the map's own style (assets/native.js), in a real browser: a step
switches features on and off without a plotly redraw or a request, what the map draws is what
the page says it shows, and hover and click answer as they did with plotly's points."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.keys import Keys

from dashboard.runtime import get_runtime
from tests.browser._page import until
from tests.browser.test_dashboard import COUNT_POSTS, N_POINTS, _open, _severe_logs, _until

pytestmark = pytest.mark.browser

MAP = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
const map = gd._fullLayout.map._subplot.map;
"""
# The incidents MapLibre itself has drawn (switched on, in view), as rows.
RENDERED_ROWS = MAP + """
if (!map.loaded() || map.isMoving()) { return null; }
return map.queryRenderedFeatures({layers: ['aleppo-incident-points']})
  .filter(f => f.state && f.state.on).map(f => f.properties.row).sort((a, b) => a - b);
"""
SHOWN_ROWS = "return window.aleppoMap.shown().map(p => p.row).sort((a, b) => a - b);"
# Plotly's incident trace, which stays empty while the map draws the incidents.
PLOTLY_POINTS = MAP + """
const t = gd.data.find(d => d.meta === 'incident-points');
return t.lat.length;
"""


def _screen_point(driver, row):
    return driver.execute_script(MAP + """
        const point = window.aleppoMap.shown().find(p => Number(p.row) === arguments[0]);
        const p = map.project([point.lon, point.lat]);
        const r = map.getCanvas().getBoundingClientRect();
        return [Math.round(r.left + p.x), Math.round(r.top + p.y)];""", row)


def test_native001_a_step_switches_features_without_a_redraw_or_request(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-04-26&window=day&preset=aleppo")
    driver = dash_duo.driver
    assert driver.execute_script(MAP + "return !!gd.__aleppoNative;"), "shipped data: native"
    assert driver.execute_script(PLOTLY_POINTS) == 0
    driver.execute_script(COUNT_POSTS)
    driver.execute_script("window.__calcdata = document.querySelector("
                          "'#map-graph .js-plotly-plot').calcdata;")
    body = dash_duo.find_element("body")
    counts = []
    for label in ("27 April", "28 April", "29 April"):
        before = driver.execute_script(MAP + "return gd.__aleppoNative.version;")
        body.send_keys(Keys.ARROW_RIGHT)
        dash_duo.wait_for_contains_text("#timeline-date", label, timeout=10)
        _until(lambda before=before: driver.execute_script(
            MAP + "return gd.__aleppoNative.version;") > before)
        # What the map has drawn is what the page lists (the keyboard list, the tests).
        shown = driver.execute_script(SHOWN_ROWS)
        rendered = until(lambda: driver.execute_script(RENDERED_ROWS), 10, "incidents drawn")
        assert set(rendered) <= set(shown) and rendered, (rendered, shown)
        counts.append(len(shown))
    assert len(set(counts)) > 1, counts  # the days differ
    # No plotly redraw, no request: the map's feature states alone changed.
    assert driver.execute_script(
        "return document.querySelector('#map-graph .js-plotly-plot').calcdata "
        "=== window.__calcdata;")
    assert driver.execute_script("return window.__posts") == []
    assert _severe_logs(dash_duo) == []


def test_native002_hover_names_the_incident_and_a_click_opens_it(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-04-27&window=day")
    driver = dash_duo.driver
    row = get_runtime().id_to_row["E09"]
    x, y = _screen_point(driver, row)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(x - 4, y).pause(0.2).move_to_location(x + 1, y)
    actions.pointer_action.pause(0.3)
    actions.perform()
    tip = until(lambda: driver.execute_script(
        "const t = document.querySelector('#map-graph .map-tip');"
        "return t && !t.hidden ? t.textContent : null;"), 10, "hover box")
    assert "al-Quds" in tip or "Quds" in tip, tip
    assert driver.execute_script("return document.querySelector('#map-graph .map-tip')"
                                 ".getAttribute('role')") == "tooltip"
    # Away from every point, the box goes.
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(x + 200, y + 150).pause(0.3)
    actions.perform()
    _until(lambda: driver.execute_script(
        "return document.querySelector('#map-graph .map-tip').hidden;"))
    # A click a few pixels off the marker's centre still picks it.
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(x + 3, y).pause(0.2).click()
    actions.perform()
    dash_duo.wait_for_contains_text("#incident-details", "Sources", timeout=10)
    assert "al-Quds" in dash_duo.find_element("#incident-details").text
    assert driver.execute_script(N_POINTS) > 0
    assert _severe_logs(dash_duo) == []
