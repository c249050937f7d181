"""Accessibility audit in a real browser: axe-core (pinned in package.json) finds no critical
and no serious violation on the pages of issue 14, and the keyboard reaches what a map click
does. Five page loads serve every page in both themes and all three languages."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser._page import axe, blocking, load, start, until

pytestmark = pytest.mark.browser

# query -> what it covers (default view, each language, present mode, incident selected,
# table open, both themes).
PAGES = (
    ("", "default view, English, light"),
    ("?lang=fr&theme=dark", "French, dark"),
    ("?lang=ar&incident=E09&date=2016-04-27", "Arabic, an incident selected (then the table)"),
    # Scene 3 has an inset map (a second MapLibre canvas) and a legend that scrolls in its panel.
    ("?mode=present&scene=3", "present mode, English, light, a scene with an inset"),
    ("?lang=ar&theme=dark&mode=present", "present mode, Arabic, dark"),
)


def test_axe_finds_no_critical_or_serious_violation(dash_duo, tmp_path):
    start(dash_duo, tmp_path)
    driver, failures = dash_duo.driver, {}
    for query, what in PAGES:
        load(dash_duo, query)
        if "incident=" in query:
            until(lambda: driver.find_elements("css selector", "#incident-details h3"), 10,
                  "details shown")
        failures[what] = blocking(axe(driver))
        if "incident=" in query:  # the same page with the table tab open
            dash_duo.find_element("#bottom-tabs .tab:nth-child(2)").click()
            until(lambda: driver.find_elements("css selector", "#incident-table .ag-row"), 15,
                  "table rows")
            failures[what + ", table open"] = blocking(axe(driver))
    assert not any(failures.values()), failures


def test_keyboard_reaches_incidents_and_steps_days(dash_duo, tmp_path):
    """The skip link, the list of the map's incidents (Enter opens the details, as a click on
    the point does) and the previous/next day buttons, all from the keyboard."""
    start(dash_duo, tmp_path)
    load(dash_duo, "?date=2016-04-27")
    driver = dash_duo.driver
    skip = driver.find_element("css selector", "#map-section .skip-link")
    target = skip.get_attribute("href").split("#")[1]
    assert driver.find_elements("css selector", f"#{target}")
    summary = dash_duo.find_element("#incident-list-box > summary")
    summary.send_keys(Keys.ENTER)
    buttons = until(lambda: driver.find_elements("css selector", "#incident-list button"), 10,
                    "incident list")
    shown = driver.execute_script("return window.aleppoMap.shown().length")
    assert len(buttons) == shown
    hospital = next(b for b in buttons if "Hospital strike" in b.text)
    hospital.send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#incident-details", "Al-Quds hospital", timeout=10)
    # Focus is visible: the focused control gets an outline.
    assert driver.execute_script(
        "return getComputedStyle(document.activeElement).outlineStyle") != "none"
    dash_duo.find_element("#timeline-next").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#timeline-date", "28 April 2016", timeout=10)
    # The open list follows the map: made again once the map has drawn the new day.
    until(lambda: driver.execute_script(
        "return document.querySelectorAll('#incident-list button').length === "
        "window.aleppoMap.shown().length && window.aleppoMap.shown().length !== arguments[0]",
        shown), 10, "the list of 28 April")
    dash_duo.find_element("#timeline-prev").send_keys(Keys.ENTER)
    dash_duo.find_element("#timeline-prev").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#timeline-date", "26 April 2016", timeout=10)
    # Play never starts by itself.
    assert dash_duo.find_element("#play-button").get_attribute("aria-pressed") == "false"


ZOOM_IN_AT_ONCE = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
const map = gd._fullLayout.map._subplot.map;
map.jumpTo({zoom: 10});
map.zoomIn();
const moved = map.getZoom() - 10;
map.stop();
return moved;
"""
MOVING_ELEMENTS = """
return [...document.querySelectorAll('*')].filter(e => {
  const s = getComputedStyle(e);
  return [s.transitionDuration, s.animationDuration].join(',').split(',')
    .some(d => parseFloat(d) > 0);
}).map(e => e.tagName + '#' + e.id + '.' + (e.className.baseVal ?? e.className)).slice(0, 5);
"""


def test_reduced_motion_stops_transitions_and_map_animation(dash_duo, tmp_path):
    """With prefers-reduced-motion the page's transitions and the map's own zoom animation
    are gone (the map jumps), and play does not start by itself; without it they are there,
    so the check can tell the difference."""
    start(dash_duo, tmp_path)
    load(dash_duo, "?mode=present&scene=2")
    driver = dash_duo.driver
    until(lambda: driver.execute_script(
        "const g = document.querySelector('#map-graph .js-plotly-plot');"
        "return !!(g && g._fullLayout && g._fullLayout.map);"), 15, "map")
    assert driver.execute_script(ZOOM_IN_AT_ONCE) < 0.5  # animated: barely begun
    assert driver.execute_script(MOVING_ELEMENTS) != []
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    assert driver.execute_script(ZOOM_IN_AT_ONCE) == pytest.approx(1.0)
    assert driver.execute_script(MOVING_ELEMENTS) == []
    assert dash_duo.find_element("#play-button").get_attribute("aria-pressed") == "false"
