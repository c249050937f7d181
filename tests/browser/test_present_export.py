"""Presenters and exporters in a real browser: keys, scenes, and an export job from the page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser._page import until
from tests.browser.test_dashboard import _open, _query, _severe_logs, _wait_points

pytestmark = pytest.mark.browser


def _press(dash_duo, key):
    dash_duo.find_element("body").send_keys(key)


def test_present001_keys_move_the_day_and_the_url(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-04-30&mode=present")
    assert dash_duo.driver.execute_script("return document.documentElement.dataset.mode") == \
        "present"
    # Body text is large in presentation mode (24 px at least).
    size = dash_duo.driver.execute_script(
        "return parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 24
    dash_duo.find_element("#map-section").click()
    _press(dash_duo, Keys.ARROW_RIGHT)
    dash_duo.wait_for_contains_text("#timeline-date", "1 May 2016", timeout=10)
    assert _query(dash_duo)["date"] == "2016-05-01"
    _press(dash_duo, Keys.HOME)
    dash_duo.wait_for_contains_text("#timeline-date", "22 April 2016", timeout=10)
    assert _query(dash_duo)["date"] == "2016-04-22"
    _press(dash_duo, Keys.END)
    dash_duo.wait_for_contains_text("#timeline-date", "8 May 2016", timeout=10)
    # Help overlay opens with ? and closes with Esc.
    _press(dash_duo, "?")
    dash_duo.wait_for_element("#help-overlay:not([hidden])", timeout=5)
    _press(dash_duo, Keys.ESCAPE)
    dash_duo.wait_for_element("#help-overlay[hidden]", timeout=5)
    assert _severe_logs(dash_duo) == []


def test_present002_scenes_run_from_the_keyboard(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?mode=present&lang=fr")
    _press(dash_duo, "3")
    dash_duo.wait_for_contains_text("#scene-caption", "Scène 3", timeout=10)
    assert _query(dash_duo)["scene"] == "3"
    _press(dash_duo, Keys.ARROW_RIGHT)
    dash_duo.wait_for_contains_text("#scene-caption", "Scène 4", timeout=10)
    assert _query(dash_duo)["scene"] == "4"
    url = dash_duo.driver.current_url
    caption = dash_duo.find_element("#scene-caption").text
    # The step's URL reopens that step.
    dash_duo.driver.get(url)
    dash_duo.wait_for_contains_text("#scene-caption", caption.splitlines()[0], timeout=15)
    _wait_points(dash_duo, lambda n: n >= 0)
    # Esc leaves presentation mode, P enters it again.
    _press(dash_duo, Keys.ESCAPE)
    # The layer panel is in the page in both modes: wait for the mode itself.
    dash_duo.wait_for_element("html[data-mode=explore]", timeout=10)
    assert dash_duo.find_element("#layer-panel").is_displayed()
    assert "mode" not in _query(dash_duo)
    _press(dash_duo, "p")
    dash_duo.wait_for_element("html[data-mode=present]", timeout=10)
    assert _query(dash_duo).get("mode") == "present", dash_duo.driver.current_url
    # F asks the browser for fullscreen, and F again leaves it.
    fullscreen = "return !!document.fullscreenElement"
    _press(dash_duo, "f")
    until(lambda: dash_duo.driver.execute_script(fullscreen), 5, "fullscreen")
    _press(dash_duo, "f")
    until(lambda: not dash_duo.driver.execute_script(fullscreen), 5, "fullscreen left")


def test_export001_image_from_the_page(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-04-27")
    dash_duo.find_element("#export-menu summary").click()
    dash_duo.find_element("#export-preset input[value=hd]").click()
    dash_duo.find_element("#export-button").click()
    dash_duo.wait_for_contains_text("#export-status", "aleppo-2016-04-27-map.png", timeout=120)
    assert dash_duo.find_element("#export-button").is_enabled()
    # A refused request says why, and the page carries on.
    dash_duo.find_element("#export-preset input[value=custom]").click()
    width = dash_duo.find_element("#export-width")
    width.clear()
    width.send_keys("99999")
    dash_duo.find_element("#export-button").click()
    dash_duo.wait_for_contains_text("#export-status", "width", timeout=60)
    assert "refused" in dash_duo.find_element("#export-status").text.lower()
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#map-graph .js-plotly-plot")


def test_export002_timeline_video_from_the_page(dash_duo, tmp_path):
    """The "Timeline video" button: a GIF of every day up to the one on screen, with progress
    per day, and the buttons usable again afterwards."""
    _open(dash_duo, tmp_path, "?date=2016-04-23")
    dash_duo.find_element("#export-menu summary").click()
    dash_duo.find_element("#export-preset input[value=custom]").click()
    for field, value in (("#export-width", "480"), ("#export-height", "270")):
        box = dash_duo.find_element(field)
        box.clear()
        box.send_keys(value)
    dash_duo.find_element("#export-video-format input[value=gif]").click()
    dash_duo.find_element("#export-video-button").click()
    dash_duo.wait_for_contains_text("#export-status", "aleppo-2016-04-22-to-2016-04-23-map.gif",
                                    timeout=180)
    assert dash_duo.find_element("#export-video-button").is_enabled()
    assert dash_duo.find_element("#export-deck-button").is_enabled()
    assert _severe_logs(dash_duo) == []


def test_export003_a_video_job_shows_each_day_and_can_be_cancelled(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-05-08")
    dash_duo.find_element("#export-menu summary").click()
    dash_duo.find_element("#export-preset input[value=hd]").click()
    # The slide (map and chart): frames slow enough that the page sees the job running.
    dash_duo.find_element("#export-view input[value=slide]").click()
    dash_duo.find_element("#export-video-button").click()
    # Any day's progress ("Day 3 of 17"): frames drawn as SVG take ~1 s, so the page's poll
    # may not see day 1 itself.
    dash_duo.wait_for_contains_text("#export-status", " of 17", timeout=120)
    assert not dash_duo.find_element("#export-video-button").is_enabled()
    dash_duo.find_element("#export-cancel").click()
    dash_duo.wait_for_element("#export-video-button:not([disabled])", timeout=30)
    assert "Ready" not in dash_duo.find_element("#export-status").text
    assert not dash_duo.find_element("#export-cancel").is_enabled()
