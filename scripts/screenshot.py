"""Take the README's screenshots with the app itself: `python scripts/screenshot.py`.

Starts the app on a free loopback port, opens it in headless Chromium and saves PNGs under
docs/. Nothing here is drawn by hand.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

ROOT = Path(__file__).resolve().parent.parent
SHOTS = {
    "screenshot.png": "?date=2016-04-30&incident=E17",
    "screenshot-present-dark.png": "?mode=present&scene=5&theme=dark",
    "screenshot-arabic.png": "?lang=ar&date=2016-04-27&incident=E09",
    "screenshot-phone-arabic.png": "?lang=ar&date=2016-04-27",
}
# Shots taken as a 390×844 touch phone (the rest in a 1600×1000 window).
PHONE_SHOTS = {"screenshot-phone-arabic.png"}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


MAP_IDLE = """
const gd = document.querySelector('#map-graph .js-plotly-plot');
const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
const points = gd && gd.data && gd.data.find(d => d.meta === 'incident-points');
return !!(sub && sub.map && sub.map.loaded() && points && points.lat && points.lat.length);
"""


def _wait_for_map(driver, timeout: float = 90) -> None:
    """Until the map has drawn its points and MapLibre is idle (software WebGL is slow)."""
    deadline = time.time() + timeout
    while not driver.execute_script(MAP_IDLE) and time.time() < deadline:
        time.sleep(0.5)
    time.sleep(2)  # the canvas paints the frame after the map reports it is loaded


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    """Serve, shoot, stop."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        options = Options()
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1600,1000",
                    "--disable-background-networking", "--disable-dev-shm-usage"):
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        driver = webdriver.Chrome(options=options)
        try:
            for name, query in SHOTS.items():
                if name in PHONE_SHOTS:
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
                else:
                    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
                driver.get(f"http://127.0.0.1:{port}/{query}")
                _wait_for_map(driver)
                (ROOT / "docs").mkdir(exist_ok=True)
                driver.save_screenshot(str(ROOT / "docs" / name))
                print(ROOT / "docs" / name)
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
