"""The benchmarks' headless Chromium driver: the browser (`Browser`, its flags, the binary and
its version), the page scripts of bench/js/, and `browser_cell`, which opens a page, times its
first paint and a run of → presses, and turns what the page recorded into step fields
(`_step_fields`: statistics, and the bytes each step sent and received)."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import threading
import time
import urllib.parse

from bench.procs import BENCH, kill_tree
from bench.stats import percentile, step_stats

SETTLE_S = 0.15  # pause after each step's idle before the next key press
STEP_TIMEOUT_S = 120
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--window-size=1280,1000", "--no-first-run", "--disable-sync")


def _js(name: str) -> str:
    """A script of bench/js/ (evaluated in the page by selenium)."""
    return (BENCH / "js" / name).read_text(encoding="utf-8")


# Installed before any page script (CDP Page.addScriptToEvaluateOnNewDocument), after a line
# that sets window.__benchCfg = {impl, selector, roles}.
BOOT_JS = _js("boot.js")

WAIT_STEP_JS = _js("wait_step.js")

# px: go to the start frame (not timed), then wait for the map to settle.
PX_GOTO_JS = _js("px_goto.js")

COLLECT_JS = _js("collect.js")
FIRST_LOAD_JS = _js("first_load.js")
# Chrome's own counters (CDP Performance.getMetrics, seconds of main-thread work), read at the
# first paint: where the page load's time went.
CDP_METRICS = {"ScriptDuration": "script_s", "LayoutDuration": "layout_s",
               "RecalcStyleDuration": "style_s", "TaskDuration": "task_s"}


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_version() -> str | None:
    binary = chromium_binary()
    if not binary:
        return None
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


class Browser:
    """Headless Chromium via selenium (chromedriver from PATH), with a kill switch."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        options = Options()
        for flag in CHROME_FLAGS:
            options.add_argument(flag)
        if chromium_binary():
            options.binary_location = chromium_binary()
        options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.service = Service(driver_path)
        self.driver = webdriver.Chrome(service=self.service, options=options)
        self.pid = self.service.process.pid if self.service.process else None
        self.killed = False

    def kill(self):
        self.killed = True
        if self.pid:
            kill_tree(self.pid, timeout=3)

    def quit(self):
        if not self.killed:
            done = threading.Event()

            def _quit():
                with contextlib.suppress(Exception):
                    self.driver.quit()
                done.set()

            threading.Thread(target=_quit, daemon=True).start()
            if done.wait(20):
                return
        self.kill()


def _is_crash(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "crash" in text or "target window already closed" in text


def _phase_deadline(limit_s: float) -> float:
    return time.perf_counter() + limit_s


def _wait_first_paint(driver, deadline: float, timeout_exc) -> tuple[float, int]:
    while True:
        fp = driver.execute_script(
            "var B = window.__bench; return B ? [B.firstPaint, B.firstDrawn] : [null, null];")
        if fp[0] is not None:
            return round(fp[0], 1), fp[1]
        if time.perf_counter() > deadline:
            raise timeout_exc("first paint")
        time.sleep(0.1)


def _first_load(driver) -> dict:
    """The page load up to the first paint: Chrome's main-thread counters and the requests."""
    metrics = {m["name"]: m["value"]
               for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
    out = {key: round(metrics[name], 3) for name, key in CDP_METRICS.items() if name in metrics}
    out.update(driver.execute_script(FIRST_LOAD_JS))
    return out


def browser_cell(impl: str, url: str, selector: str, roles: list[str] | None, steps: int,
                 limit_s: float, px_start: str | None = None, start_index: int = 0,
                 patch_js: str | None = None, warm_visit: bool = False,
                 network: dict | None = None) -> dict:
    """Open `url`, time the first paint and `steps` presses of →. Returns measured fields
    (and "error" when the tab crashed or the time limit ran out). With `warm_visit`, open
    `url` once more in the same browser (its cache warm) and time that first paint too.
    `network` (CDP Network.emulateNetworkConditions) throttles every request of the visit."""
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    out: dict = {}
    deadline = _phase_deadline(limit_s)
    browser = None
    watchdog = None
    step_results: list[dict] = []
    try:
        browser = Browser()
        watchdog = threading.Timer(limit_s + 30, browser.kill)
        watchdog.daemon = True
        watchdog.start()
        driver = browser.driver
        cfg = {"impl": impl, "selector": selector, "roles": roles}
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
            "source": f"window.__benchCfg = {json.dumps(cfg)};\n{BOOT_JS}"})
        driver.set_page_load_timeout(max(5, int(deadline - time.perf_counter())))
        driver.set_script_timeout(30)
        driver.execute_cdp_cmd("Performance.enable", {})
        if network:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                                   {"offline": False, **network})
        driver.get(url)
        out["first_paint_ms"], out["first_paint_points"] = _wait_first_paint(
            driver, deadline, TimeoutException)
        out["first_load"] = _first_load(driver)
        if impl == "px_animation":
            driver.set_script_timeout(max(5, int(deadline - time.perf_counter())))
            index, n_frames = driver.execute_async_script(PX_GOTO_JS, px_start)
            steps = min(steps, n_frames - 1 - index)
        elif impl == "dash_server_figure":
            driver.execute_script("window.__bench.index = arguments[0];", start_index)
        time.sleep(0.5)  # let the page settle (other callbacks after the first paint)
        if patch_js:  # experiments only (never in the default run)
            out["patch"] = driver.execute_script(patch_js)
        actions = ActionChains(driver)
        for i in range(steps):
            remaining = deadline - time.perf_counter()
            if remaining <= 1:
                raise TimeoutException(f"time limit during step {i + 1}")
            driver.set_script_timeout(max(1, min(STEP_TIMEOUT_S, int(remaining))))
            actions.send_keys(Keys.ARROW_RIGHT).perform()
            step_results.append(driver.execute_async_script(WAIT_STEP_JS, i))
            time.sleep(SETTLE_S)
        info = driver.execute_script(COLLECT_JS)
        out.update(_step_fields(step_results, info))
        if warm_visit:
            driver.get(url)
            out["first_paint_warm_ms"], _ = _wait_first_paint(driver, deadline, TimeoutException)
            out["first_load_warm"] = _first_load(driver)
        severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"
                  and "favicon.ico" not in e.get("message", "")]
        out["console_errors"] = len(severe)
        if severe:
            out["console_error_sample"] = severe[0].get("message", "")[:200]
    except TimeoutException as exc:
        what = (exc.msg or "").strip() or "page load"
        out["error"] = f"timeout after {limit_s:.0f} s ({what}; {len(step_results)} of " \
                       f"{steps} steps measured)"
        out.update(_partial_steps(step_results))
    except WebDriverException as exc:
        if browser is not None and browser.killed:
            out["error"] = f"timeout after {limit_s:.0f} s (browser killed; " \
                           f"{len(step_results)} of {steps} steps measured)"
        elif _is_crash(exc):
            out["error"] = f"tab crashed ({len(step_results)} of {steps} steps measured)"
        else:
            out["error"] = "browser error: " + (exc.msg or str(exc)).strip().splitlines()[0][:200]
        out.update(_partial_steps(step_results))
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if browser is not None:
            browser.quit()
    return out


def _partial_steps(step_results: list[dict]) -> dict:
    if not step_results:
        return {"steps": 0}
    stats = step_stats([s["ms"] for s in step_results])
    return {"steps": stats["n"], "step_p50_ms": stats["p50"], "step_p95_ms": stats["p95"],
            "step_mean_ms": stats["mean"], "step_max_ms": stats["max"],
            "step_first_ms": round(step_results[0]["ms"], 1),
            "points_p50": _median_int([s["drawn"] for s in step_results])}


def _median_int(values):
    value = percentile([v for v in values if v is not None], 50)
    return None if value is None else int(round(value))


def _step_fields(step_results: list[dict], info: dict) -> dict:
    """Step statistics, and the bytes of the requests started during each step (from its key
    press to the next one; the last step ends when the results were collected)."""
    out = _partial_steps(step_results)
    if not step_results:
        return out
    bounds = [s["t0"] for s in step_results] + [info["now"]]
    # The main thread's work left after the map is drawn: long tasks from a step's idle to
    # the next key press. A key pressed then waits for them; `ms` does not show that wait
    # (WebDriver hands the key over only once the page's main thread takes it).
    tails = [sum(d for start, d in info.get("longTasks") or []
                 if s.get("tIdle") is not None and s["tIdle"] <= start < bounds[k + 1])
             for k, s in enumerate(step_results)]
    out["step_tail_p95_ms"] = step_stats(tails)["p95"]
    per_in = [0] * len(step_results)
    per_out = [0] * len(step_results)
    per_req = [0] * len(step_results)
    paths: set[str] = set()

    def slot(t):
        for k in range(len(step_results)):
            if bounds[k] <= t < bounds[k + 1]:
                return k
        return None

    for entry in info["resources"]:
        k = slot(entry["start"])
        if k is not None:
            per_in[k] += int(entry["transfer"] or 0)
            per_req[k] += 1
            paths.add(urllib.parse.urlparse(entry["name"]).path)
    outputs: dict[str, int] = {}
    for entry in info["sent"]:
        k = slot(entry["t"])
        if k is not None:
            per_out[k] += int(entry["bytes"] or 0)
            if entry.get("output"):
                outputs[entry["output"]] = outputs.get(entry["output"], 0) + 1
    per_total = [a + b for a, b in zip(per_in, per_out, strict=True)]
    n = len(step_results)
    out.update(
        step_bytes=int(round(sum(per_total) / n)), step_bytes_max=max(per_total),
        step_bytes_in=int(round(sum(per_in) / n)), step_bytes_out=int(round(sum(per_out) / n)),
        step_requests=round(sum(per_req) / n, 2), step_request_paths=sorted(paths),
        step_callbacks=outputs,
        js_heap_mb=round(info["heap"] / 2**20, 1) if info.get("heap") else None,
        plotly_js=info.get("plotly"), late_attach=info.get("lateAttach"),
        end_position=info.get("keysDay") if info.get("keysDay") is not None else info.get("index"),
    )
    return out
