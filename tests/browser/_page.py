"""Helpers shared by the Arabic, accessibility and phone browser tests (issue 14)."""

from __future__ import annotations

import time
from pathlib import Path

from dashboard.app_factory import create_app
from dashboard.config import DEFAULT_GEODATA, load_config

PROJECT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
# The bar every audited page must meet (issue 14).
BLOCKING = ("critical", "serious")

MAP_READY = """
return !!(window.aleppoMap && window.aleppoMap.shown().length &&
          document.querySelector('#timeline-slider [role=slider]'));
"""


def until(predicate, timeout: float = 15.0, what: str = "condition"):
    """Wait for `predicate()` to be truthy and return it; fail naming `what`."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.time() < deadline, f"{what}: not met in {timeout:g} s"
        time.sleep(0.1)


def start(dash_duo, tmp_path) -> None:
    dash_duo.start_server(create_app(load_config({"GEODATA_DIR": str(DEFAULT_GEODATA),
                                                  "CACHE_DIR": str(tmp_path / "cache")})))


def load(dash_duo, query: str = "") -> None:
    """Open the page at `query` and wait until the map shows its incident points."""
    dash_duo.driver.get(dash_duo.server_url + "/" + query)
    until(lambda: dash_duo.driver.execute_script(MAP_READY), 30, f"map drawn for {query!r}")


def axe(driver) -> list[dict]:
    """Run axe-core (the pinned npm package, `make test` installs it) on the page; returns
    its violations as [{id, impact, nodes}]."""
    assert AXE_JS.is_file(), f"{AXE_JS} missing: run `npm ci` (make test does)"
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
            id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))));
    """)


def blocking(violations: list[dict]) -> list[str]:
    """The violations that fail the bar, one readable line each."""
    return [f"{v['impact']}: {v['id']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][:3]})"
            for v in violations if v["impact"] in BLOCKING]
