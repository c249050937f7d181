"""The city on the map, in a real browser: every day's context chosen in the page (no request
per step), and a click on a neighbourhood that shows its control and who reported it."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.keys import Keys

from dashboard.data.context import context_periods
from dashboard.runtime import get_runtime
from tests.browser.test_dashboard import COUNT_POSTS, _open, _severe_logs, _until

pytestmark = pytest.mark.browser

MAP = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot &&
  gd._fullLayout.map._subplot.map;
"""
# Visible style layers of the zones and the road on the map as MapLibre has it: drawn, and
# at an opacity above 0 as MapLibre evaluated it for the day (figures/map_city.day_switch).
VISIBLE_CONTEXT = MAP + """
// (_styleDirty: a new state is evaluated on the next frame; until then, not yet.)
if (!map || !map.isStyleLoaded() || !map.loaded() || map._styleDirty) { return null; }
const OPACITY = {fill: 'fill-opacity', line: 'line-opacity', symbol: 'text-opacity',
                 circle: 'circle-opacity'};
const shown = (id) => {
  const layer = map.style.getLayer(id);
  let value = layer.paint.get(OPACITY[layer.type]);
  if (value && value.constantOr) { value = value.constantOr(1); }
  return value > 0;
};
const ids = map.getStyle().layers.map(l => l.id)
  .filter(id => /^ctx-(zones|routes)/.test(id) && shown(id));
const drawn = new Set(map.queryRenderedFeatures({layers: ids}).map(f => f.layer.id));
return Array.from(drawn).sort().join(',');
"""
DAY_STATE = MAP + "return map ? map.getGlobalState().day : null;"
# Counts the map's style resets: plotly.js calls setStyle when the style it is given differs
# (as JSON) from the last one, and MapLibre then reloads every source (a step ~3x longer).
COUNT_STYLE_RESETS = MAP + """
window.__styleResets = 0;
const setStyle = map.setStyle;
map.setStyle = function () { window.__styleResets += 1; return setStyle.apply(this, arguments); };
"""


def test_city001_every_step_stays_in_the_browser_and_shows_the_days_context(dash_duo, tmp_path):
    """All 17 days of the shipped data, stepped with the keyboard: not one request, not one
    style reset, and on the days where the zones or the road's status change, the map's
    context changes too."""
    _open(dash_duo, tmp_path, "?date=2016-04-22&preset=north")
    driver = dash_duo.driver
    runtime = get_runtime()
    periods = context_periods(runtime.dataset, runtime.first_day, runtime.last_day)
    assert len(periods) > 1
    driver.execute_script(COUNT_POSTS)
    driver.execute_script(COUNT_STYLE_RESETS)
    body = dash_duo.find_element("body")
    seen = {}
    # The map's state holds the first day of the day's context period (figures/map.py).
    start = {d: lo for lo, hi in periods for d in range(lo, hi + 1)}
    lo_day, hi_day = runtime.index_range(set())  # the curated period (UCDP GED off)
    assert hi_day - lo_day + 1 == 17
    for day in range(lo_day, hi_day + 1):
        if day > lo_day:
            body.send_keys(Keys.ARROW_RIGHT)
        dash_duo.wait_for_contains_text("#timeline-date", runtime.days[day].strftime("%-d %B"),
                                        timeout=10)
        _until(lambda day=day: driver.execute_script(DAY_STATE) == start[day])
        _until(lambda: driver.execute_script(VISIBLE_CONTEXT) is not None)
        seen[day] = driver.execute_script(VISIBLE_CONTEXT)
    assert driver.execute_script("return window.__posts") == []
    assert driver.execute_script("return window.__styleResets") == 0
    assert driver.execute_script(MAP + "return map._fadeDuration;") == 0  # assets/app.js
    # Within a period the context is the same; it differs between some periods.
    for lo, hi in periods:
        days = [d for d in range(lo, hi + 1) if d in seen]
        assert len({seen[d] for d in days}) <= 1
    assert len(set(seen.values())) > 1
    # The legend follows: on 30 April (a truce in force) the truce entry shows, not on the 22nd.
    truce = "Array.from(document.querySelectorAll('#map-legend li')).some(" \
            "li => !li.hidden && li.textContent.startsWith('Truce area'))"
    assert driver.execute_script(f"return {truce}") is True
    body.send_keys(Keys.HOME)
    _until(lambda: driver.execute_script(DAY_STATE) == start[lo_day])
    _until(lambda: driver.execute_script(f"return {truce}") is False)
    assert _severe_logs(dash_duo) == []


def test_city002_clicking_a_neighbourhood_shows_its_control_and_source(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?date=2016-04-22&preset=none&center=36.197,37.152&zoom=13.4")
    driver = dash_duo.driver
    # al-Masharqa: government-held as reported by SOHR via BFM TV (AFP) on 3 May (its only
    # report, so it stands for 22 April too); no incident of 22 April lies inside it.
    where = MAP + """
    if (!map || !map.isStyleLoaded()) { return null; }
    const f = map.querySourceFeatures('nbhd').find(f => f.properties.nbhd_id === 'al_masharqa');
    if (!f) { return null; }
    const p = map.project([37.14295, 36.20055]);
    const r = map.getCanvas().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
    """
    _until(lambda: driver.execute_script(where) is not None, timeout=20)
    x, y = driver.execute_script(where)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x), int(y)).click()
    actions.perform()
    dash_duo.wait_for_contains_text("#incident-details", "al-Masharqa", timeout=15)
    details = dash_duo.find_element("#incident-details").text
    assert "المشارقة" in details  # the Arabic name
    assert "Government-held, as reported on 3 May 2016" in details
    assert "BFM" in details or "AFP" in details
    assert _severe_logs(dash_duo) == []


def test_city003_layers_of_other_days_are_skipped_and_hide_no_name(dash_duo, tmp_path):
    """On 22 April no truce is in force: the truce's label (at the city centre, opacity 0
    that day) is skipped by MapLibre (assets/app.js skipUnshown), so the neighbourhood names
    under its place are drawn; every day-bound layer of the figure gets the skip. The first
    view is drawn whole, in one frame (drawFirstViewWhole)."""
    _open(dash_duo, tmp_path, "?date=2016-04-22&window=day")
    driver = dash_duo.driver
    state = MAP + """
    if (!map || !map.isStyleLoaded() || !map.loaded() || map._styleDirty) { return null; }
    const ids = gd.layout.meta.day_layers;
    const names = map.queryRenderedFeatures({layers: ['nbhd-label']})
      .map(f => f.properties.name_en);
    // The road's label: its layers for each period differ only in paint, so MapLibre places
    // them as one bucket, under the first one's id, hidden that day or not.
    const roads = map.getStyle().layers.filter(l => /^ctx-routes-label/.test(l.id))
      .map(l => l.id);
    return {ids: ids.length, skipped: ids.filter(id => map.style.getLayer(id).__aleppoSkip)
              .length, names: names, road: map.queryRenderedFeatures({layers: roads}).length,
            first: map.__aleppoFirstView};
    """
    # Other days' labels are loaded too (keepDayBoundLoaded), and still take no place.
    _until(lambda: driver.execute_script(KEPT) is True, timeout=20)
    _until(lambda: (driver.execute_script(state) or {}).get("names"), timeout=20)
    seen = driver.execute_script(state)
    assert seen["ids"] > 20 and seen["skipped"] == seen["ids"]
    assert "al-'Aziziyeh" in seen["names"]
    # The first view was drawn once, whole: the frames before it (tiles still arriving) drew
    # nothing (assets/app.js drawFirstViewWhole), and the tiles that arrived meanwhile are all
    # drawn: every neighbourhood name that fits, not those of one tile (as when the painter had
    # no style while they arrived and their buckets were left empty).
    assert seen["first"]["held"] >= 1 and seen["first"]["complete"] is True, seen["first"]
    assert len(set(seen["names"])) >= 30, seen["names"]
    assert seen["road"] > 0  # "Castello road (approx.)" is placed and drawn
    assert _severe_logs(dash_duo) == []


# Frames MapLibre draws from a key press until the map is idle again.
COUNT_FRAMES = MAP + """
window.__frames = [];
window.__framesNow = 0;
map.on('render', () => { window.__framesNow += 1; });
map.on('idle', () => { if (window.__framesNow) { window.__frames.push(window.__framesNow); }
                       window.__framesNow = 0; });
"""


KEPT = MAP + """
if (!map || !map.isStyleLoaded() || !map.loaded()) { return null; }
const ids = gd.layout.meta.day_layers;
const sources = new Set(ids.map(id => map.style.getLayer(id).source));
return ids.length > 20 && Array.from(sources).every(id => {
  const manager = map.style.tileManagers[id];
  return manager.__aleppoKept === true && manager.used === true && manager.loaded() &&
    manager.getIds().length > 0;
});
"""


def test_city004_a_change_of_the_days_context_is_drawn_in_one_frame(dash_duo, tmp_path):
    """A step to a day whose context differs (a new value of the style's global state) is
    drawn in one frame: MapLibre's own follow-up frame, which drew the same picture again,
    is dropped (assets/app.js oneFramePerStyleChange); city001 checks that what is drawn is
    the day's context."""
    _open(dash_duo, tmp_path, "?date=2016-04-22&window=day")
    driver = dash_duo.driver
    runtime = get_runtime()
    periods = context_periods(runtime.dataset, runtime.first_day, runtime.last_day)
    start = {d: lo for lo, hi in periods for d in range(lo, hi + 1)}
    lo_day, _ = runtime.index_range(set())
    # Once the map has drawn, every day-bound layer's source stays loaded (assets/app.js
    # keepDayBoundLoaded): the first day of a period finds its tiles made.
    _until(lambda: driver.execute_script(KEPT) is True, timeout=20)
    driver.execute_script(COUNT_FRAMES)
    body = dash_duo.find_element("body")
    changed = []
    for day in range(lo_day + 1, lo_day + 9):
        count = driver.execute_script("return window.__frames.length")
        body.send_keys(Keys.ARROW_RIGHT)
        dash_duo.wait_for_contains_text("#timeline-date", runtime.days[day].strftime("%-d %B"),
                                        timeout=10)
        _until(lambda day=day: driver.execute_script(DAY_STATE) == start[day])
        _until(lambda count=count: driver.execute_script("return window.__frames.length")
               > count)
        if start[day] != start[day - 1]:
            changed.append(driver.execute_script("return window.__frames.slice(-1)[0]"))
    assert len(changed) >= 4, changed  # most of these days change the context
    # One frame each: before, MapLibre drew a second frame with the same picture, and the
    # first day of a period took 3-4 while its labels were tiled and shaped.
    assert max(changed) == 1, changed
    assert driver.execute_script(MAP + "return map.__aleppoOneFrame;") is True
    assert _severe_logs(dash_duo) == []
