"""The dashboard in a real browser (headless Chromium via dash_duo)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from dashboard.app_factory import create_app
from dashboard.config import DEFAULT_GEODATA, load_config
from dashboard.i18n import format_date
from dashboard.runtime import get_runtime

pytestmark = pytest.mark.browser

# JS helpers evaluated in the page.
# What the map shows (assets/native.js `shown`: read back from the map's own feature states
# when MapLibre draws the incidents, from plotly's trace otherwise).
N_POINTS = """
return window.aleppoMap ? window.aleppoMap.shown().length : -1;
"""
MARKER_X = """
const gd = document.querySelector('#casualty-chart .js-plotly-plot');
const s = (gd.layout.shapes || []).find(s => s.name === 'date-marker');
return s ? String(s.x0).slice(0, 10) : null;
"""


def _app(tmp_path, geodata=DEFAULT_GEODATA):
    return create_app(load_config({"GEODATA_DIR": str(geodata),
                                   "CACHE_DIR": str(tmp_path / "cache")}))


def _open(dash_duo, tmp_path, query="", geodata=DEFAULT_GEODATA):
    dash_duo.start_server(_app(tmp_path, geodata))
    if query:
        dash_duo.driver.get(dash_duo.server_url + "/" + query)
    dash_duo.wait_for_element("#map-graph .js-plotly-plot", timeout=20)
    dash_duo.wait_for_element("#timeline-slider", timeout=10)
    _wait_points(dash_duo)


def _wait_points(dash_duo, predicate=lambda n: n > 0, timeout=15):
    import time

    _until(lambda: _label_shows_url_date(dash_duo), timeout)

    deadline = time.time() + timeout
    n = dash_duo.driver.execute_script(N_POINTS)
    while not predicate(n) and time.time() < deadline:
        time.sleep(0.1)
        n = dash_duo.driver.execute_script(N_POINTS)
    assert predicate(n), f"incident points: {n}"
    return n


def _label_shows_url_date(dash_duo) -> bool:
    """The date label agrees with the URL's date (in the URL's language): the page has applied
    the view it is asked for. Without a valid date in the URL, any shown date will do."""
    query = _query(dash_duo)
    label = dash_duo.find_element("#timeline-date").text
    try:
        day = dt.date.fromisoformat(query.get("date", ""))
    except ValueError:
        return label.strip() != ""
    lang = query.get("lang", "en")
    return label == format_date(day, lang if lang in ("en", "fr") else "en", "long")


def _until(predicate, timeout=10.0):
    import time

    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, "condition not met in time"
        time.sleep(0.1)


def _query(dash_duo) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(dash_duo.driver.current_url).query).items()}


def _severe_logs(dash_duo) -> list:
    return [e for e in dash_duo.driver.get_log("browser") if e["level"] == "SEVERE"]


def test_map001_default_view_renders_incidents_offline(dash_duo, tmp_path):
    _open(dash_duo, tmp_path)
    assert _wait_points(dash_duo) >= 20
    # Every panel is there.
    for selector in ("#layer-panel", "#play-button", "#casualty-chart .js-plotly-plot",
                     "#incident-details", "#share-button", "#lang-select", "#theme-toggle"):
        dash_duo.wait_for_element(selector, timeout=10)
    # The map style is inline and offline: no glyphs, no tile URLs.
    style = dash_duo.driver.execute_script(
        "return document.querySelector('#map-graph .js-plotly-plot')._fullLayout.map.style;")
    assert isinstance(style, dict) and "glyphs" not in style
    # No request left 127.0.0.1, and the console is clean.
    hosts = set()
    for entry in dash_duo.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http://", "https://", "ws://", "wss://")):
                hosts.add(urlparse(url).hostname)
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert _severe_logs(dash_duo) == []


def test_map002_timeline_moves_points_marker_and_url(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-05-08")
    last = _wait_points(dash_duo)
    assert dash_duo.driver.execute_script(MARKER_X) == "2016-05-08"
    handle = dash_duo.find_element("#timeline-slider [role=slider]")
    handle.click()
    for _ in range(10):
        handle.send_keys(Keys.ARROW_LEFT)
    dash_duo.wait_for_contains_text("#timeline-date", "28 April 2016", timeout=10)
    fewer = _wait_points(dash_duo, lambda n: 0 < n < last)
    assert fewer < last
    # The charts' date markers move once the map has drawn.
    _until(lambda: dash_duo.driver.execute_script(MARKER_X) == "2016-04-28")
    assert _query(dash_duo)["date"] == "2016-04-28"
    # "This day only" shows that day's incidents alone.
    dash_duo.find_element("#window-select input[value=day]").click()
    _wait_points(dash_duo, lambda n: 0 < n < fewer)
    assert _query(dash_duo)["window"] == "day"
    assert _severe_logs(dash_duo) == []


def test_map003_clicking_an_incident_shows_its_sources(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-04-27&window=day")
    driver = dash_duo.driver
    row = get_runtime().id_to_row["E09"]
    # Click where MapLibre draws the al-Quds hospital strike (E09), as a person would.
    x, y = driver.execute_script("""
        const gd = document.querySelector('#map-graph .js-plotly-plot');
        const point = window.aleppoMap.shown().find(p => Number(p.row) === arguments[0]);
        const map = gd._fullLayout.map._subplot.map;
        const p = map.project([point.lon, point.lat]);
        const r = map.getCanvas().getBoundingClientRect();
        return [Math.round(r.left + p.x), Math.round(r.top + p.y)];
    """, row)
    # Plotly picks the clicked point from its hover state: hover first, then click.
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(x - 3, y).pause(0.3).move_to_location(x, y)
    actions.pointer_action.pause(0.5).click()
    actions.perform()
    dash_duo.wait_for_contains_text("#incident-details", "Sources", timeout=10)
    details = dash_duo.find_element("#incident-details")
    assert "al-Quds" in details.text
    links = details.find_elements(By.CSS_SELECTOR, ".sources a")
    assert links and all(a.get_attribute("href").startswith("http") for a in links)
    assert _query(dash_duo)["incident"] == "E09"


def test_map004_shared_url_restores_the_view(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-04-30&window=day&lang=fr&theme=dark&incident=E17"
                              "&basemap=none&chart=category")
    dash_duo.wait_for_contains_text("#timeline-date", "30 avril 2016", timeout=10)
    assert dash_duo.find_element("#window-select input[value=day]").is_selected()
    assert "Boustane" in dash_duo.find_element("#incident-details").text or \
        "Bustan" in dash_duo.find_element("#incident-details").text
    assert dash_duo.driver.execute_script("return document.documentElement.dataset.theme") == \
        "dark"
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "fr"
    assert dash_duo.find_element("#chart-group-select input[value=category]").is_selected()
    query = _query(dash_duo)
    assert query["date"] == "2016-04-30" and query["lang"] == "fr" and query["incident"] == "E17"


def test_map005_language_switch_changes_labels_and_dates(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-05-03")
    dash_duo.wait_for_contains_text("#timeline-date", "3 May 2016")
    assert "Layers" in dash_duo.find_element("#layer-panel").text
    Select(dash_duo.find_element("#lang-select")).select_by_visible_text("Français")
    dash_duo.wait_for_contains_text("#timeline-date", "3 mai 2016", timeout=10)
    assert "Couches" in dash_duo.find_element("#layer-panel").text
    assert _query(dash_duo)["lang"] == "fr"
    assert _query(dash_duo)["date"] == "2016-05-03"
    assert _severe_logs(dash_duo) == []


def test_map006_bad_url_opens_a_working_page_with_a_notice(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-13-45&window=sideways&zoom=abc&layers=bogus,air_raid"
                              "&incident=%3Cscript%3E&scene=999")
    dash_duo.wait_for_contains_text("#url-notice", "date", timeout=10)
    notice = dash_duo.find_element("#url-notice").text
    for key in ("window", "zoom", "layers", "incident"):
        assert key in notice
    assert _wait_points(dash_duo) > 0
    assert _severe_logs(dash_duo) == []


def test_map007_text_from_data_is_shown_inert(dash_duo, tmp_path):
    geodata = tmp_path / "geodata"
    shutil.copytree(DEFAULT_GEODATA, geodata)
    (geodata / "manifest.json").unlink()
    path = geodata / "incidents.csv"
    text = path.read_text(encoding="utf-8")
    payload = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0]["description_en"] = payload
    rows[0]["title_en"] = payload
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    _open(dash_duo, tmp_path, f"?incident={rows[0]['id']}", geodata=geodata)
    dash_duo.wait_for_contains_text("#incident-details", "<script>alert(1)</script>", timeout=10)
    details = dash_duo.find_element("#incident-details")
    assert "<img src=x onerror=alert(1)>" in details.text
    assert not details.find_elements(By.TAG_NAME, "img")
    assert not details.find_elements(By.TAG_NAME, "script")
    with pytest.raises(NoAlertPresentException):
        dash_duo.driver.switch_to.alert.text  # noqa: B018 - raises when no alert is open


def test_map008_clicking_a_day_on_a_chart_moves_the_timeline(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-05-08")
    driver = dash_duo.driver
    # Wait until the histogram has been redrawn with the day's marker (a click on a plot being
    # replaced is lost, as it would be for a person).
    _until(lambda: driver.execute_script(
        MARKER_X.replace("#casualty-chart", "#day-histogram")) == "2016-05-08")
    # The centre of the 30 April bar of the day histogram above the slider (scrolled into
    # view first, as a person would).
    x, y = driver.execute_script("""
        const gd = document.querySelector('#day-histogram .js-plotly-plot');
        gd.scrollIntoView({block: 'center'});
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const r = gd.getBoundingClientRect();
        const px = xa._offset + xa.d2p('2016-04-30');
        const py = ya._offset + ya.l2p(0) - 3;
        return [Math.round(r.left + px), Math.round(r.top + py)];
    """)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(x, y - 2).pause(0.3).move_to_location(x, y)
    actions.pointer_action.pause(0.3).click()
    actions.perform()
    dash_duo.wait_for_contains_text("#timeline-date", "30 April 2016", timeout=10)
    assert _query(dash_duo)["date"] == "2016-04-30"


COUNT_POSTS = """
window.__posts = [];
const send = window.fetch;
window.fetch = function (url, init) {
  if (String(url).includes('_dash-update-component')) {
    window.__posts.push(JSON.parse(init.body).output);
  }
  return send.apply(this, arguments);
};
"""


def test_map009_timeline_steps_stay_in_the_browser(dash_duo, tmp_path):
    """With the table hidden and the day's context unchanged, a step sends nothing; with the
    table open, a step asks only for the table's rows."""
    _open(dash_duo, tmp_path, "?date=2016-04-24")
    driver = dash_duo.driver
    driver.execute_script(COUNT_POSTS)
    body = dash_duo.find_element("body")
    for day in ("25", "26", "27"):
        body.send_keys(Keys.ARROW_RIGHT)
        dash_duo.wait_for_contains_text("#timeline-date", f"{day} April 2016", timeout=10)
    _until(lambda: driver.execute_script(MARKER_X) == "2016-04-27")
    assert driver.execute_script("return window.__posts") == []

    dash_duo.find_element("#bottom-tabs .tab:nth-child(2)").click()
    _until(lambda: "incident-table.rowData" in "".join(driver.execute_script(
        "return window.__posts")))
    driver.execute_script("window.__posts = []")
    body.send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_contains_text("#timeline-date", "28 April 2016", timeout=10)
    _until(lambda: len(driver.execute_script("return window.__posts")) >= 1)
    posts = driver.execute_script("return window.__posts")
    assert len(posts) == 1 and "incident-table.rowData" in posts[0]
    assert _severe_logs(dash_duo) == []
