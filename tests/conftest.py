"""Shared test set-up: headless Chromium for dash_duo, and the app under test."""

from __future__ import annotations

import os
import shutil

import pytest

# Redis and Celery fixtures (a real redis-server on a free loopback port).
pytest_plugins = ["tests.conftest_redis"]


def _first_app_port() -> None:
    """dash_duo numbers its app servers from 58050 in every pytest process; two suites run at
    once (two checkouts on one machine) would collide. DASH_TEST_PORT_BASE moves the range."""
    from dash.testing.application_runners import BaseDashRunner

    base = os.environ.get("DASH_TEST_PORT_BASE")
    if base:
        BaseDashRunner._next_port = int(base)


_first_app_port()


def pytest_setup_options():
    """Chrome options for dash[testing]'s webdriver (selenium 4.2 uses /usr/bin/chromedriver)."""
    from selenium.webdriver.chrome.options import Options

    class KeepLogPrefs(Options):
        """dash[testing] resets the log preferences to severe browser logs only; keep ours
        (every console level, and the network log that proves no request leaves the host)."""

        def set_capability(self, name, value):
            if name == "goog:loggingPrefs" and "performance" in self._caps.get(name, {}):
                return
            super().set_capability(name, value)

    options = KeepLogPrefs()
    for arg in ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-features=MediaRouter"):
        options.add_argument(arg)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    # Keep every console message (not only severe ones) so tests can assert a clean console.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return options


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium; in CI a missing browser is a failure, never a skip."""
    have_browser = shutil.which("chromium") and shutil.which("chromedriver")
    if have_browser or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="chromium/chromedriver not installed (run make test)")
    for item in items:
        if "dash_duo" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)
