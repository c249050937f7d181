"""Presentation mode fits one screen: every scene, stepped through with the keys, at the
viewport sizes presenters share (issue 13). For each scene: no scrolling, the date on screen in
large type, the caption readable, and each point the scene is about (dashboard.scenes.
scene_focus) on the map, neither under the caption nor under the inset (or inside the inset)."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.data.load import load_dataset
from dashboard.scenes import scene_centre, scene_focus, scene_text
from tests.browser.test_dashboard import _open, _severe_logs, _until

pytestmark = pytest.mark.browser

MEASURE = """
const [focus] = arguments;
const rect = (el) => el ? el.getBoundingClientRect().toJSON() : null;
const mapGd = document.querySelector('#map-graph .js-plotly-plot');
const insetGd = document.querySelector('#scene-inset .js-plotly-plot');
const project = (gd, lat, lon) => {
  const p = gd._fullLayout.map._subplot.map.project([lon, lat]);
  const box = gd.getBoundingClientRect();
  return {x: box.left + p.x, y: box.top + p.y};
};
const root = document.documentElement;
const date = document.getElementById('timeline-date');
const caption = document.getElementById('scene-caption');
return {
  innerWidth, innerHeight, scrollWidth: root.scrollWidth, scrollHeight: root.scrollHeight,
  dateFont: parseFloat(getComputedStyle(date).fontSize), date: rect(date),
  captionFont: parseFloat(getComputedStyle(caption.querySelector('.caption-text')).fontSize),
  caption: rect(caption), map: rect(mapGd), inset: rect(insetGd),
  timeline: rect(document.querySelector('.timeline-panel')),
  play: rect(document.getElementById('play-button')),
  focus: focus.map(([lat, lon]) => ({
    main: project(mapGd, lat, lon),
    inset: insetGd ? project(insetGd, lat, lon) : null})),
};
"""

# The map has drawn the scene's framing (not the previous scene's) at its box's size.
MAP_READY = """
const [lat, lon] = arguments;
const gd = document.querySelector('#map-graph .js-plotly-plot');
const m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
  && gd._fullLayout.map._subplot.map;
if (!m || !m.loaded() || m.isMoving()) { return false; }
const c = m.getCenter(), canvas = m.getCanvas(), box = gd.getBoundingClientRect();
const inset = document.querySelector('#scene-inset .js-plotly-plot');
const insetReady = !document.getElementById('scene-inset') || (inset && inset._fullLayout
  && inset._fullLayout.map && inset._fullLayout.map._subplot.map.loaded());
// Every other graph has finished drawing too (the charts hidden in their strip included),
// margin redraws and all: a graph replaced mid-draw by the next scene's page would log an
// error from plotly (a test that presses on sooner than a presenter would).
const drawn = [...document.querySelectorAll('.js-plotly-plot')].every((g) => g._fullLayout
  && g.querySelector('.main-svg') && !g._fullLayout._replotting
  && !g._fullLayout._redrawFromAutoMarginCount);
return drawn && Math.abs(c.lat - lat) < 1e-3 && Math.abs(c.lng - lon) < 1e-3 && insetReady
  && Math.abs(canvas.clientWidth - box.width) < 2 && Math.abs(canvas.clientHeight - box.height) < 2;
"""


def _inside(point, box, margin=0.0) -> bool:
    return (box["left"] + margin <= point["x"] <= box["right"] - margin
            and box["top"] + margin <= point["y"] <= box["bottom"] - margin)


# Every graph on screen has been laid out again at its box's width (plotly resizes a graph a
# moment after its box changes; a page replaced before that resize has run logs an error
# from plotly, as a presenter who resizes and presses a key within ~0.1 s would see).
GRAPHS_RESIZED = """
return [...document.querySelectorAll('.js-plotly-plot')].every((g) => g.clientWidth === 0
  || (g._fullLayout && !g._fullLayout._replotting
      && Math.abs(g._fullLayout.width - g.clientWidth) < 2));
"""


def _set_viewport(dash_duo, width, height):
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    _until(lambda: dash_duo.driver.execute_script("return [innerWidth, innerHeight]")
           == [width, height])
    _until(lambda: dash_duo.driver.execute_script(GRAPHS_RESIZED))


def _check_scene(dash_duo, dataset, scene, size, lang="en") -> dict:
    text = scene_text(scene, len(dataset.scenes), lang)
    dash_duo.wait_for_contains_text("#scene-caption", text.counter, timeout=20)
    _until(lambda: dash_duo.driver.execute_script(MAP_READY, *scene_centre(scene)), timeout=30)
    focus = scene_focus(scene, dataset.incidents)
    m = dash_duo.driver.execute_script(MEASURE, focus)
    where = f"scene {scene['scene']} at {size}"
    assert m["scrollHeight"] <= m["innerHeight"], f"{where}: page scrolls ({m['scrollHeight']})"
    assert m["scrollWidth"] <= m["innerWidth"], f"{where}: page scrolls sideways"
    assert m["dateFont"] >= 24, f"{where}: date {m['dateFont']} px"
    assert _inside({"x": m["date"]["left"], "y": m["date"]["top"]},
                   {"left": 0, "top": 0, "right": m["innerWidth"], "bottom": m["innerHeight"]})
    assert m["date"]["bottom"] <= m["innerHeight"] and m["play"]["bottom"] <= m["innerHeight"]
    assert m["captionFont"] >= 22, f"{where}: caption {m['captionFont']} px"
    # The whole caption is on screen, above the timeline strip.
    assert m["caption"]["bottom"] <= m["timeline"]["top"] + 1, where
    # The map takes most of the screen.
    area = m["map"]["width"] * m["map"]["height"] / (m["innerWidth"] * m["innerHeight"])
    assert area >= 0.5, f"{where}: map is {area:.0%} of the screen"
    for (lat, lon), p in zip(focus, m["focus"], strict=True):
        on_main = (_inside(p["main"], m["map"], margin=8)
                   and not _inside(p["main"], m["caption"])
                   and not (m["inset"] and _inside(p["main"], m["inset"])))
        in_inset = bool(m["inset"]) and _inside(p["inset"], m["inset"], margin=8)
        assert on_main or in_inset, f"{where}: focus {lat}, {lon} at {p} hidden or off the map"
    return {"scene": scene["scene"], "scroll_height": m["scrollHeight"],
            "viewport": [m["innerWidth"], m["innerHeight"]], "date_px": m["dateFont"],
            "caption_px": m["captionFont"], "map_share": round(area, 2),
            "caption": [round(m["caption"][k]) for k in ("left", "top", "right", "bottom")],
            "focus": [[round(p["main"]["x"]), round(p["main"]["y"])] for p in m["focus"]]}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.mark.parametrize(("size", "lang"), [((1280, 720), "en"), ((1920, 1080), "en"),
                                            ((1366, 768), "en"), ((1280, 720), "fr"),
                                            ((3840, 2160), "en"), ((1280, 720), "ar")],
                         ids=["1280x720", "1920x1080", "1366x768", "1280x720-fr", "3840x2160",
                              "1280x720-ar"])
def test_present_fit001_every_scene_fits_one_screen(dash_duo, tmp_path, dataset, size, lang):
    """(French captions are longer than English ones, and Arabic runs right to left with the
    caption panel on the other side: the smallest screen shows both too.)"""
    scenes = dataset.scenes
    # Open on a scene with incidents (_open waits for points), then go to scene 1.
    _open(dash_duo, tmp_path, f"?mode=present&scene=3&lang={lang}")
    _set_viewport(dash_duo, *size)
    dash_duo.find_element("body").send_keys("1")
    figures = [_check_scene(dash_duo, dataset, scenes[0], size, lang)]
    for scene in scenes[1:]:
        dash_duo.find_element("body").send_keys(Keys.ARROW_RIGHT)
        figures.append(_check_scene(dash_duo, dataset, scene, size, lang))
    print(json.dumps({"size": size, "lang": lang, "scenes": figures}))
    assert _page_errors(dash_duo) == []


# plotly.js (4.1.1) logs this when a cartesian graph (the charts, hidden in presentation
# mode, or the timeline's histogram) is removed by a scene's new page while a draw of it is
# still pending: its draw then reads the removed graph's layout. Nothing on screen changes (the
# graph is gone). Seen at some point of these tests in 2 of 3 full CI runs and in about 1 of
# 20 runs of them alone; every other console error still fails them.
PLOTLY_REMOVED_GRAPH = "reading '_rangeSliderData'"


def _page_errors(dash_duo) -> list:
    return [e for e in _severe_logs(dash_duo) if not (
        "plotly.min.js" in e.get("message", "") and PLOTLY_REMOVED_GRAPH in e["message"])]


def _map_width(dash_duo) -> float:
    return dash_duo.driver.execute_script(
        "return document.querySelector('#map-graph .js-plotly-plot').getBoundingClientRect().width")


def _fits(dash_duo) -> bool:
    return dash_duo.driver.execute_script(
        "const r = document.documentElement;"
        "return r.scrollHeight <= innerHeight && r.scrollWidth <= innerWidth;")


def test_present_fit002_keys_hide_the_caption_and_open_the_charts(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?mode=present&scene=2")
    _set_viewport(dash_duo, 1280, 720)
    dash_duo.wait_for_element("#scene-caption .scene-title", timeout=10)
    body = dash_duo.find_element("body")
    narrow = _map_width(dash_duo)
    body.send_keys("c")
    _until(lambda: not dash_duo.find_element("#scene-caption").is_displayed())
    _until(lambda: _map_width(dash_duo) > narrow + 200)  # the map takes the caption's place
    assert _fits(dash_duo)
    # The choice holds across scenes; C brings the caption back.
    body.send_keys(Keys.ARROW_RIGHT)
    _until(lambda: "Scene 3 of" in dash_duo.driver.execute_script(  # hidden: no .text
        "return document.getElementById('scene-caption').textContent"), timeout=20)
    assert not dash_duo.find_element("#scene-caption").is_displayed()
    dash_duo.find_element("body").send_keys("C")
    _until(lambda: dash_duo.find_element("#scene-caption").is_displayed())
    _until(lambda: _map_width(dash_duo) < narrow + 50)
    # G opens the charts as a strip: the map shrinks, the page still fits.
    assert not dash_duo.find_element("#casualty-chart").is_displayed()
    dash_duo.find_element("body").send_keys("g")
    _until(lambda: dash_duo.find_element("#casualty-chart").is_displayed())
    _until(lambda: _fits(dash_duo))
    chart = dash_duo.driver.execute_script(
        "return document.getElementById('casualty-chart').getBoundingClientRect().bottom")
    assert chart <= 720
    dash_duo.find_element("body").send_keys("g")
    _until(lambda: not dash_duo.find_element("#casualty-chart").is_displayed())
    # Space plays the timeline from the strip and pauses it again.
    dash_duo.find_element("body").send_keys(Keys.SPACE)
    dash_duo.wait_for_text_to_equal("#play-button", "Pause", timeout=10)
    dash_duo.find_element("body").send_keys(Keys.SPACE)
    dash_duo.wait_for_text_to_equal("#play-button", "Play", timeout=10)
    # The help lists the new keys.
    dash_duo.find_element("body").send_keys("?")
    dash_duo.wait_for_element("#help-overlay:not([hidden])", timeout=5)
    help_text = dash_duo.find_element("#help-overlay").text
    assert "scene caption" in help_text and "charts strip" in help_text
    assert _page_errors(dash_duo) == []


CHART_MARKER = """
const gd = document.querySelector('#casualty-chart .js-plotly-plot');
const marker = gd && (gd.layout.shapes || []).find((s) => s.name === 'date-marker');
return marker ? String(marker.x0).slice(0, 10) : null;
"""


def test_present_fit003_hidden_charts_catch_up_when_the_strip_opens(dash_duo, tmp_path):
    """Steps taken while the charts strip is closed leave the hidden charts alone; G opens
    the strip with the chart's date marker on the day shown."""
    _open(dash_duo, tmp_path, "?mode=present&date=2016-04-24")
    _until(lambda: dash_duo.driver.execute_script(CHART_MARKER) == "2016-04-24")
    for _ in range(3):
        dash_duo.find_element("body").send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_contains_text("#timeline-date", "27 April 2016", timeout=10)
    dash_duo.find_element("body").send_keys("g")
    _until(lambda: dash_duo.find_element("#casualty-chart").is_displayed())
    _until(lambda: dash_duo.driver.execute_script(CHART_MARKER) == "2016-04-27")
    assert _page_errors(dash_duo) == []
