"""The timeline payload reaches the map as its own resource (dashboard/payload_resource.py):
fetched once, preloaded, decoded into typed arrays, and the map draws its points."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.runtime import get_runtime
from dashboard.server.preload import FIRST_VIEW_SCRIPTS
from tests.browser.test_dashboard import _open, _severe_logs, _wait_points

pytestmark = pytest.mark.browser

FETCHES = """
return performance.getEntriesByType('resource')
    .filter(e => e.name.indexOf('/data/timeline-') >= 0).map(e => e.name);
"""
SCRIPT_FETCHES = """
return performance.getEntriesByType('resource')
    .filter(e => e.name.indexOf('/_dash-component-suites/') >= 0)
    .map(e => [new URL(e.name).pathname, e.initiatorType]);
"""
LOADED = """
const tl = window.dash_clientside.timeline;
const link = document.querySelector('link[rel=preload][data-timeline-payload]');
const p = tl.loaded({url: link.getAttribute('href')});
return p ? {n: p.meta.n, typed: ArrayBuffer.isView(p.arrays.lat), ids: p.id} : null;
"""


def test_res001_map_draws_points_from_the_payload_resource(dash_duo, tmp_path):
    _open(dash_duo, tmp_path, "?window=cumulative&date=2016-05-08")
    resource = get_runtime().payload_resource
    n = _wait_points(dash_duo, lambda k: k > 20)
    loaded = dash_duo.driver.execute_script(LOADED)
    assert loaded == {"n": get_runtime().payload["meta"]["n"], "typed": True,
                      "ids": resource.payload_id}
    assert n <= loaded["n"]
    # One request for the payload (the preload, reused by timeline.js), named by its digest.
    fetches = dash_duo.driver.execute_script(FETCHES)
    assert len(fetches) == 1 and fetches[0].endswith(resource.path)
    # The first view's async scripts (plotly.js among them) come from their preloads in the
    # <head>: one request each, which Dash's loader reuses instead of asking again.
    scripts = dash_duo.driver.execute_script(SCRIPT_FETCHES)
    for path in FIRST_VIEW_SCRIPTS:
        assert [kind for name, kind in scripts if name.endswith("/" + path)] == ["link"], path
    # Steps use the arrays already in the page: still one request after a step.
    handle = dash_duo.find_element("#timeline-slider [role=slider]")
    handle.click()
    for _ in range(5):
        handle.send_keys(Keys.ARROW_LEFT)
    dash_duo.wait_for_contains_text("#timeline-date", "3 May 2016", timeout=10)
    _wait_points(dash_duo, lambda k: 0 < k < n)
    assert dash_duo.driver.execute_script(FETCHES) == fetches
    assert _severe_logs(dash_duo) == []
