"""Exports end to end through the job machinery, and the export faults.

* Celery + Redis: a real redis-server and a real Celery worker process (tests/conftest_redis.py)
  run the page's background export; the web side is the app created with REDIS_URL, driven
  over HTTP exactly as the page drives it (first request, then polls with cacheKey/job).
* Faults: the export browser killed mid-render, the Celery worker killed or frozen mid-job,
  Redis unreachable at start or stopped while running, a corrupted geodata file.

With CI set, a Redis or worker that cannot start fails these tests instead of skipping them.
"""

from __future__ import annotations

import base64
import csv
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from dashboard import ids, jobs
from dashboard.config import DEFAULT_GEODATA
from dashboard.export.render import png_size
from tests.conftest_redis import REDIS_SERVER, find_free_port, stop_process, wait_for_port
from tests.test_export_render import pixel, png_pixels

CALLBACK = "/_dash-update-component"
DAY = "2016-04-27"


# --- driving the export callback over HTTP --------------------------------------------------


def _export_dependency(client) -> dict:
    deps = client.get("/_dash-dependencies").get_json()
    return next(d for d in deps if ids.EXPORT_STATUS in d["output"]
                and d["output"].startswith("..") and ids.EXPORT_DOWNLOAD in d["output"])


def export_payload(client, *, width=640, height=360, fmt="png", view="map", lang="en") -> dict:
    """The body the page posts when "Export image" is clicked (custom size)."""
    dep = _export_dependency(client)
    values = {
        (ids.EXPORT_BUTTON, "n_clicks"): 1, ("export-briefing-button", "n_clicks"): 0,
        (ids.EXPORT_VIEW, "value"): view, (ids.EXPORT_FORMAT, "value"): fmt,
        (ids.EXPORT_PRESET, "value"): "custom", (ids.EXPORT_WIDTH, "value"): width,
        (ids.EXPORT_HEIGHT, "value"): height, (ids.EXPORT_SCALE, "value"): 1,
        ("url-sync", "data"): f"?date={DAY}&lang={lang}",
        (ids.URL, "href"): f"http://127.0.0.1/?date={DAY}&lang={lang}",
        (ids.VIEW_STORE, "data"): {"lang": lang},
    }

    def filled(items):
        return [{**d, "value": values.get((d["id"], d["property"]))} for d in items]

    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
               for part in dep["output"].strip(".").split("...")]
    return {"output": dep["output"], "outputs": outputs, "inputs": filled(dep["inputs"]),
            "state": filled(dep["state"]), "changedPropIds": [f"{ids.EXPORT_BUTTON}.n_clicks"]}


def run_export_over_http(client, payload: dict, timeout: float = 90.0) -> tuple[dict, list]:
    """Post an export and poll it like the page does; return (final response, progress seen)."""
    first = client.post(CALLBACK, json=payload)
    assert first.status_code == 200, first.data[:500]
    body = first.get_json()
    if "response" in body:  # refused or answered at once
        return body["response"], []
    url = f"{CALLBACK}?cacheKey={body['cacheKey']}&job={body['job']}"
    # Polls carry the inputs and state as null, like the renderer's.
    poll = {**payload, "inputs": [{**d, "value": None} for d in payload["inputs"]],
            "state": [{**d, "value": None} for d in payload["state"]]}
    progress: list = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.post(url, json=poll)
        assert response.status_code in (200, 204), response.data[:500]
        if response.status_code == 200:
            body = response.get_json()
            if body.get("progress"):
                progress.append(body["progress"])
            if "response" in body:
                return body["response"], progress
        time.sleep(0.3)
    raise AssertionError(f"the export did not finish in {timeout} s")


def _png_from(response: dict) -> bytes:
    download = response[ids.EXPORT_DOWNLOAD]["data"]
    assert download["base64"] is True
    return base64.b64decode(download["content"])


def _not_blank(png: bytes) -> bool:
    """Many colours in the image (text, legend and map; a blank render is one flat colour)."""
    pixels = png_pixels(png)
    width, height = pixels[0], pixels[1]
    colours = {pixel(pixels, x, y) for x in range(0, width, 5) for y in range(0, height, 5)}
    return len(colours) > 10


# --- Celery + Redis, end to end -------------------------------------------------------------


def test_export_runs_in_the_celery_worker(celery_worker, make_serving_app, tmp_path):
    process, redis_url = celery_worker
    app = make_serving_app(REDIS_URL=redis_url)
    assert jobs.uses_celery(app._background_manager)
    client = app.server.test_client()
    response, progress = run_export_over_http(client, export_payload(client, width=640,
                                                                      height=360))
    assert response[ids.EXPORT_STATUS]["children"].startswith("Ready: ")
    png = _png_from(response)
    assert png_size(png) == (640, 360)
    assert _not_blank(png)
    assert progress, "no progress reached the page"
    # The job ran in the worker process: its log shows the task, and it holds the browser.
    log = (tmp_path / "celery.log").read_text()
    assert "background_callback_" in log and "succeeded" in log, log[-2000:]
    browsers = [p for p in psutil.Process(process.pid).children(recursive=True)
                if "chrom" in p.name().lower()]
    assert browsers, "the worker has no export browser"


def test_two_viewers_exporting_the_same_view_each_get_it(make_serving_app):
    """Identical requests at once are separate jobs: neither takes the other's result."""
    client = make_serving_app().server.test_client()
    payload = export_payload(client, width=400, height=300)
    first = client.post(CALLBACK, json=payload).get_json()
    second = client.post(CALLBACK, json=payload).get_json()
    assert first["cacheKey"] != second["cacheKey"]
    results = []
    for started in (first, second):
        url = f"{CALLBACK}?cacheKey={started['cacheKey']}&job={started['job']}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            response = client.post(url, json=payload)
            assert response.status_code == 200, "a job ended without its result"
            if "response" in response.get_json():
                results.append(response.get_json()["response"])
                break
            time.sleep(0.3)
    assert len(results) == 2
    assert all(png_size(_png_from(r)) == (400, 300) for r in results)


# --- fault: the Celery worker stops in the middle of a job ----------------------------------


def _wait_for_log(path: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"{text!r} not in {path}"
        time.sleep(0.05)


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and everything under it (the worker and its browser)."""
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "frozen"])
def test_worker_stopped_mid_job_page_stops_waiting(celery_worker, make_serving_app, tmp_path,
                                                   sig):
    process, redis_url = celery_worker
    app = make_serving_app(REDIS_URL=redis_url, EXPORT_TIME_LIMIT=5)
    give_up = jobs.abandon_after_s(app.server.config["APP_CONFIG"])
    client = app.server.test_client()
    payload = export_payload(client, width=4000, height=4000, lang="fr")
    first = client.post(CALLBACK, json=payload).get_json()
    started = time.monotonic()
    _wait_for_log(tmp_path / "celery.log", "Task background_callback_", timeout=20)
    try:
        if sig == signal.SIGKILL:
            _kill_tree(process.pid)
        else:
            os.kill(process.pid, signal.SIGSTOP)
        url = f"{CALLBACK}?cacheKey={first['cacheKey']}&job={first['job']}"
        poll = {**payload, "inputs": [{**d, "value": None} for d in payload["inputs"]],
                "state": [{**d, "value": None} for d in payload["state"]]}
        body: dict = {}
        while "response" not in body and time.monotonic() - started < give_up + 20:
            response = client.post(url, json=poll,
                                   headers={"Referer": f"http://127.0.0.1/?lang=fr&date={DAY}"})
            assert response.status_code == 200, response.data[:300]
            body = response.get_json()
            time.sleep(0.5)
        waited = time.monotonic() - started
    finally:
        if sig == signal.SIGSTOP:
            _kill_tree(process.pid)  # a frozen worker would ignore the fixture's SIGTERM
    assert "response" in body, f"still waiting after {waited:.0f} s"
    assert give_up - 1 <= waited <= give_up + 8, waited
    status = body["response"][ids.EXPORT_STATUS]["children"]
    assert status.startswith("L’export ne s’est pas terminé dans le temps imparti"), status
    assert ids.EXPORT_DOWNLOAD not in body["response"]


# --- fault: Redis unreachable at start, or stopped while the app runs -----------------------


def _viewer_requests_work(client) -> None:
    """The page, its layout and every viewer callback (map, timeline, charts, table) answer."""
    import json

    from bench.load import VIEWER_KINDS, _payload, _walk

    assert client.get("/").status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    props: dict = {}
    _walk(layout.get_json(), props)
    page_dep = None
    kinds = set()
    for dep in client.get("/_dash-dependencies").get_json():
        if dep.get("clientside_function") or "{" in dep["output"] or "export-" in dep["output"]:
            continue
        if any(d["id"] == ids.URL for d in dep["inputs"]):
            page_dep = dep
        for kind, markers in VIEWER_KINDS.items():
            if any(m in dep["output"] for m in markers):
                response = client.post(CALLBACK, json=_payload(dep, props))
                assert response.status_code in (200, 204), (kind, response.data[:300])
                assert b"Traceback" not in response.data
                kinds.add(kind)
    assert kinds == set(VIEWER_KINDS), kinds
    if page_dep is not None:  # the page body (map, timeline, charts, table) for a URL
        props[ids.URL] = {"search": f"?date={DAY}", "href": f"http://127.0.0.1/?date={DAY}",
                          "pathname": "/"}
        response = client.post(CALLBACK, json=_payload(page_dep, props))
        assert response.status_code == 200, response.data[:300]
        assert "map-graph" in json.dumps(response.get_json())


def test_redis_unreachable_at_start_exports_run_in_process(make_serving_app, caplog):
    import logging

    url = f"redis://127.0.0.1:{find_free_port()}/0"  # nothing listens there
    with caplog.at_level(logging.INFO, logger="dashboard.jobs"):
        app = make_serving_app(REDIS_URL=url)
    assert "exports will run in-process" in caplog.text
    assert not jobs.uses_celery(app._background_manager)
    client = app.server.test_client()
    _viewer_requests_work(client)
    response, _ = run_export_over_http(client, export_payload(client, width=400, height=300))
    assert response[ids.EXPORT_STATUS]["children"].startswith("Ready: ")
    assert png_size(_png_from(response)) == (400, 300)


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server this test may stop: yields (process, url)."""
    if not os.path.exists(REDIS_SERVER) and not shutil.which("redis-server"):
        if os.environ.get("CI"):
            pytest.fail("redis-server is required in CI")
        pytest.skip("redis-server is not installed")
    port = find_free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server") or REDIS_SERVER, "--port", str(port), "--bind",
         "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_for_port(port, timeout=10, process=process)
    yield process, f"redis://127.0.0.1:{port}/0"
    stop_process(process)


def test_redis_stopped_while_running(own_redis, make_serving_app, caplog):
    import logging

    process, url = own_redis
    app = make_serving_app(REDIS_URL=url)
    assert jobs.uses_celery(app._background_manager)
    client = app.server.test_client()
    payload = export_payload(client, width=400, height=300, lang="fr")
    first = client.post(CALLBACK, json=payload).get_json()  # queued; no worker runs it
    assert "job" in first
    stop_process(process)
    _viewer_requests_work(client)
    with caplog.at_level(logging.WARNING):
        # The export in flight ends with a message in the page...
        poll_url = f"{CALLBACK}?cacheKey={first['cacheKey']}&job={first['job']}"
        poll = client.post(poll_url, json=payload,
                           headers={"Referer": "http://127.0.0.1/?lang=fr"})
        # ...and a new one is refused with the reason, in the page's language.
        again = client.post(CALLBACK, json=payload)
    for response in (poll, again):
        assert response.status_code == 200, response.data[:300]
        assert b"Traceback" not in response.data
        status = response.get_json()["response"][ids.EXPORT_STATUS]["children"]
        assert status.startswith("Les exports sont indisponibles"), status
    assert "export refused" in caplog.text
    # Readiness says why exports are down; the rest of the app carries on.
    ready = client.get("/readyz").get_json()
    assert ready["jobs"]["ok"] is False and ready["jobs"]["detail"].startswith("redis:")
    assert client.get("/healthz").status_code == 200


# --- fault: a corrupted geodata file ----------------------------------------------------------


def test_corrupted_geodata_page_notice_and_readyz(make_serving_app, tmp_path):
    import json

    from bench.load import _payload, _walk

    geodata = tmp_path / "geodata"
    shutil.copytree(DEFAULT_GEODATA, geodata)
    path = geodata / "incidents.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("killed_best")] = "lots"  # line 2 of the file
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    app = make_serving_app(GEODATA_DIR=geodata)
    client = app.server.test_client()
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready"
    assert any(line.startswith("incidents.csv:2:") for line in ready["rejected"]), ready
    # Curated incidents only (the bundled UCDP layer is counted in "incidents" too).
    assert ready["data"]["counts"]["curated_incidents"] == len(rows) - 2  # every other record
    props: dict = {}
    _walk(client.get("/_dash-layout").get_json(), props)
    dep = next(d for d in client.get("/_dash-dependencies").get_json()
               if any(i["id"] == ids.URL for i in d["inputs"]) and "{" not in d["output"]
               and not d.get("clientside_function"))
    props[ids.URL] = {"search": "", "href": "http://127.0.0.1/", "pathname": "/"}
    page = json.dumps(client.post(CALLBACK, json=_payload(dep, props)).get_json())
    assert "were left out" in page
    assert "incidents.csv:2:" in page


# --- in a real page (headless Chromium via dash_duo) ------------------------------------------


def _export_browsers(app_pid: int) -> list[psutil.Process]:
    """The export Chromiums under `app_pid`: each main browser process whose parent is Python
    (kaleido's choreographer wrapper, under the job process with diskcache or the Celery
    worker). dash_duo's own Chromium hangs under chromedriver and is never picked."""
    found = []
    for proc in psutil.Process(app_pid).children(recursive=True):
        try:
            name = proc.name().lower()
            if ("chrom" in name and "driver" not in name
                    and "python" in proc.parent().name().lower()):
                found.append(proc)
        except (psutil.NoSuchProcess, AttributeError):
            continue
    return found


def _until_rendering(browser: psutil.Process, deadline: float) -> None:
    """Wait until the export browser has a page open (a renderer process), so a kill lands
    while it renders rather than while it starts; return early if it exits or time is up."""
    while time.monotonic() < deadline:
        try:
            children = browser.children(recursive=True)
            if any("--type=renderer" in " ".join(child.cmdline()) for child in children):
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.05)


def _set_custom_size(dash_duo, width: int, height: int) -> None:
    dash_duo.find_element("#export-preset input[value=custom]").click()
    for field, value in (("#export-width", width), ("#export-height", height)):
        element = dash_duo.find_element(field)
        element.clear()
        element.send_keys(str(value))


@pytest.mark.browser
def test_export_browser_killed_mid_render(dash_duo, tmp_path):
    from tests.browser.test_dashboard import _open

    _open(dash_duo, tmp_path, f"?date={DAY}")
    dash_duo.find_element("#export-menu summary").click()
    _set_custom_size(dash_duo, 4000, 4000)  # a slow render, so it can be caught in the middle
    dash_duo.find_element("#export-button").click()
    # Kill the job's browser, and the replacement the renderer starts once, until the job gives
    # up: each kill lands while a render is under way.
    killed = 0
    deadline = time.monotonic() + 60
    status = ""
    while time.monotonic() < deadline:
        status = dash_duo.find_element("#export-status").text
        if status and not status.startswith("Rendering"):
            break
        for browser in _export_browsers(os.getpid()):
            _until_rendering(browser, deadline)
            try:
                browser.kill()
                killed += 1
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.2)
    assert killed >= 1
    assert status == "The export failed. Please try again.", (status, killed)
    assert dash_duo.find_element("#export-button").is_enabled()
    # The next export succeeds (a new job, a new browser).
    _set_custom_size(dash_duo, 640, 360)
    dash_duo.find_element("#export-button").click()
    dash_duo.wait_for_contains_text("#export-status", "Ready: ", timeout=60)
    assert dash_duo.find_element("#export-button").is_enabled()


@pytest.mark.browser
def test_page_export_through_celery_then_worker_frozen(dash_duo, celery_worker,
                                                       make_serving_app, tmp_path):
    from tests.browser.test_dashboard import _wait_points

    process, redis_url = celery_worker
    app = make_serving_app(REDIS_URL=redis_url, EXPORT_TIME_LIMIT=5)
    assert jobs.uses_celery(app._background_manager)
    give_up = jobs.abandon_after_s(app.server.config["APP_CONFIG"])
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + f"/?date={DAY}")
    dash_duo.wait_for_element("#map-graph .js-plotly-plot", timeout=20)
    _wait_points(dash_duo)
    dash_duo.find_element("#export-menu summary").click()
    _set_custom_size(dash_duo, 800, 450)
    dash_duo.find_element("#export-button").click()
    dash_duo.wait_for_contains_text("#export-status", "Ready: ", timeout=60)
    log = tmp_path / "celery.log"
    assert "succeeded" in log.read_text(), log.read_text()[-2000:]
    # Freeze the worker as soon as it takes the next job: the page must stop waiting.
    received = log.read_text().count("Task background_callback_")
    dash_duo.find_element("#export-button").click()
    deadline = time.monotonic() + 30
    while log.read_text().count("Task background_callback_") <= received:
        assert time.monotonic() < deadline, "the worker never received the job"
        time.sleep(0.05)
    started = time.monotonic()
    os.kill(process.pid, signal.SIGSTOP)
    try:
        dash_duo.wait_for_contains_text("#export-status", "did not finish",
                                        timeout=give_up + 15)
        waited = time.monotonic() - started
        assert dash_duo.find_element("#export-button").is_enabled()
        assert not dash_duo.find_element("#export-cancel").is_enabled()
    finally:
        _kill_tree(process.pid)
    assert waited <= give_up + 10, waited


def test_both_time_limits_say_the_export_took_too_long():
    """The job's limit and the browser render's limit end with the same message (a render
    timeout was reported as a failure before)."""
    from dashboard.callbacks.export import failure_message
    from dashboard.export.render import ExportTimeoutError
    from dashboard.export.spec import ExportRequestError
    from dashboard.jobs import ExportTimeout, ServerBusy

    too_long = "The export took too long and was stopped. Try a smaller size."
    assert failure_message(ExportTimeout("job"), "en") == too_long
    assert failure_message(ExportTimeoutError("render"), "en") == too_long
    assert failure_message(ServerBusy(), "en").startswith("Server busy")
    assert failure_message(ExportRequestError("width", "too wide"), "en").startswith(
        "Export refused: ")
    assert failure_message(RuntimeError("boom"), "en") == "The export failed. Please try again."
    assert failure_message(ExportTimeoutError("render"), "fr") != too_long
