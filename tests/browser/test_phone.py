"""A 390×844 touch phone (issue 14): nothing scrolls sideways, every visible tap target is at
least 24×24 CSS px, the map comes first with the layer panel and details folded, and axe-core
finds no critical or serious violation, in English, French and Arabic right to left."""

from __future__ import annotations

import pytest

from tests.browser._page import axe, blocking, load, start, until

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
MIN_TARGET = 24  # CSS px, WCAG 2.2 target size (minimum)

MEASURE = """
const de = document.documentElement;
const sel = 'a[href], button, input:not([type=hidden]), select, summary, [role=slider], ' +
            '[role=button], .modebar-btn, [tabindex]:not([tabindex="-1"])';
const small = [...document.querySelectorAll(sel)].filter(e => {
  if (!e.checkVisibility({visibilityProperty: true}) || e.classList.contains('skip-link')) {
    return false;
  }
  const b = e.getBoundingClientRect();
  return b.width > 0 && b.height > 0 && (b.width < arguments[0] || b.height < arguments[0]);
}).map(e => {
  const b = e.getBoundingClientRect();
  return `${e.tagName}#${e.id}.${e.className.baseVal ?? e.className} ${b.width}x${b.height}`;
});
const order = ['#map-section', '#layer-panel'].map(s =>
  document.querySelector(s).getBoundingClientRect().top);
return {scroll: de.scrollWidth - de.clientWidth, small: small, mapFirst: order[0] < order[1],
        folded: [...document.querySelectorAll('details.sheet')].map(d => d.open)};
"""


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_phone_has_no_sideways_scroll_and_big_enough_targets(dash_duo, tmp_path, lang):
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    start(dash_duo, tmp_path)
    load(dash_duo, f"?lang={lang}&date=2016-04-27")
    until(lambda: driver.find_elements("css selector", "#map-graph .modebar-btn"), 10,
          "modebar")
    result = driver.execute_script(MEASURE, MIN_TARGET)
    assert result["scroll"] <= 0, f"sideways scroll of {result['scroll']} px"
    assert result["small"] == [], result["small"]
    assert result["mapFirst"] and result["folded"] == [False, False], result
    assert blocking(axe(driver)) == []
    # A folded sheet opens with a tap on its bar, and its controls are then big enough too.
    dash_duo.find_element("#layer-panel summary").click()
    until(lambda: driver.execute_script(
        "return document.querySelector('#layer-panel details').open"), 5, "layer sheet open")
    result = driver.execute_script(MEASURE, MIN_TARGET)
    assert result["small"] == [] and result["scroll"] <= 0, result
