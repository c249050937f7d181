"""Locust users for `python -m bench.load`: viewers browsing the map, presenters exporting.

The request plan (page query, callback payloads, export payload) is derived by bench.load from
the running app's /_dash-layout and /_dash-dependencies and passed in ALEPPO_LOAD_PLAN (a JSON
file), so nothing here hard-codes callback ids or hashes.

Run through `python -m bench.locustfile <locust args>`: the venv's urllib3 is 1.26 (selenium
4.2, from dash[testing], pins it) while locust 2.47 imports one name only urllib3 2 exports;
the shim below supplies it before locust is imported.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

from gevent import monkey

monkey.patch_all()

import urllib3.util  # noqa: E402 - must follow gevent's patching
import urllib3.util.ssl_  # noqa: E402

if not hasattr(urllib3.util, "create_urllib3_context"):
    urllib3.util.create_urllib3_context = urllib3.util.ssl_.create_urllib3_context

from locust import HttpUser, between, events, task  # noqa: E402
from requests.exceptions import ConnectionError as RequestConnectionError  # noqa: E402

CALLBACK_URL = "/_dash-update-component"
MAX_POLLS = 600  # bounded: one export is given at most this many polls
# Every response time by request name, written at the end for exact percentiles (locust's CSV
# has per-name percentiles only, and bench.load also needs them over all viewer callbacks).
TIMES: dict[str, list[float]] = {}


@events.request.add_listener
def _record(name, response_time, exception=None, **_kwargs):
    TIMES.setdefault(name, []).append(float(response_time))


@events.quitting.add_listener
def _dump(**_kwargs):
    path = os.environ.get("ALEPPO_LOAD_TIMES")
    if path:
        Path(path).write_text(json.dumps(TIMES), encoding="utf-8")


def _plan() -> dict:
    path = os.environ.get("ALEPPO_LOAD_PLAN")
    if not path:
        return {"view_query": "", "viewer_payloads": [], "export": None, "days": 1}
    return json.loads(Path(path).read_text(encoding="utf-8"))


PLAN = _plan()


def _with_day(payload: dict, day: int) -> dict:
    """A copy of `payload` with the timeline slider (if it is an input) set to `day`, and the
    day of a table request (what the page sends while its table is open)."""
    def moved(item: dict) -> dict:
        if item.get("id") == "timeline-slider":
            return {**item, "value": day}
        if item.get("id") == "table-request" and isinstance(item.get("value"), dict):
            return {**item, "value": {**item["value"], "day": day}}
        return item

    return {**payload, "inputs": [moved(item) for item in payload["inputs"]]}


class Viewer(HttpUser):
    """Opens the shared view, then moves around: timeline, details, table."""

    fixed_count = int(os.environ.get("LOAD_VIEWERS", "50"))
    wait_time = between(1, 3)

    def on_start(self):
        self.open_page()

    @task(1)
    def open_page(self):
        query = PLAN["view_query"]
        self.client.get("/?" + query if query else "/", name="GET /")
        self.client.get("/_dash-layout", name="GET /_dash-layout")
        self.client.get("/_dash-dependencies", name="GET /_dash-dependencies")
        for item in PLAN["viewer_payloads"]:  # the browser then asks for the page body
            if item["kind"] == "page":
                self._post(item, item["payload"])

    def _post(self, item: dict, payload: dict) -> None:
        with self.client.post(CALLBACK_URL, json=payload, name=f"callback {item['kind']}",
                              catch_response=True) as response:
            if response.status_code in (200, 204):
                response.success()

    @task(6)
    def use_callback(self):
        """Move the timeline (table, charts), open an incident, now and then a new view."""
        items = [i for i in PLAN["viewer_payloads"] if i["kind"] != "page"]
        if not items:
            return
        item = random.choice(items)
        payload = _with_day(item["payload"], random.randrange(max(PLAN["days"], 1)))
        self._post(item, payload)


class Presenter(HttpUser):
    """Requests an export, polls it to the end, waits, repeats."""

    fixed_count = int(os.environ.get("LOAD_PRESENTERS", "3"))
    wait_time = between(5, 10)

    @task
    def export(self):
        spec = PLAN["export"]
        if not spec:
            time.sleep(5)
            return
        started = time.perf_counter()
        url = CALLBACK_URL
        old_job = None
        retried = False
        for _ in range(MAX_POLLS):
            payload = spec["payload"]
            name = "export request" if url == CALLBACK_URL else "export poll"
            with self.client.post(url, json=payload, name=name,
                                  catch_response=True) as response:
                if (response.status_code == 0 and url == CALLBACK_URL and not retried
                        and isinstance(response.error, RequestConnectionError)):
                    # After its 5-10 s pause the presenter reuses a connection the server
                    # closed after KEEPALIVE (5 s) idle, and the two crossed. A browser sends
                    # the request again on a fresh connection in that case; so does this.
                    retried = True
                    response.success()
                    self.environment.events.request.fire(
                        request_type="INFO", name="export request resent (idle connection "
                        "closed)", response_time=0, response_length=0, context={},
                        exception=None)
                    continue
                if response.status_code == 204:
                    # The page would stop here: the job ended without a result for it.
                    response.success()
                    self.environment.events.request.fire(
                        request_type="JOB", name="export completed", response_time=0,
                        response_length=0, context={},
                        exception=RuntimeError("export ended without a result (204)"))
                    return
                if response.status_code != 200:
                    # Status 0: no answer at all; say what the client saw.
                    detail = f": {response.error!r}" if response.status_code == 0 else ""
                    response.failure(f"HTTP {response.status_code}{detail}")
                    return
                body = response.json()
                response.success()
            if "cacheKey" in body:  # a background job: poll until it answers
                old_job = body.get("job")
                url = f"{CALLBACK_URL}?cacheKey={body['cacheKey']}&job={old_job}"
                time.sleep(0.5)
                continue
            if body.get("response"):
                # Finished: a file to download, or a message (busy, failed, timed out).
                elapsed_ms = (time.perf_counter() - started) * 1000
                status = (body["response"].get("export-status") or {}).get("children", "")
                ok = bool((body["response"].get("export-download") or {}).get("data"))
                self.environment.events.request.fire(
                    request_type="JOB", name="export completed", response_time=elapsed_ms,
                    response_length=0, context={},
                    exception=None if ok else RuntimeError(f"export ended: {status}"),
                )
                return
            time.sleep(0.5)
        self.environment.events.request.fire(
            request_type="JOB", name="export completed", response_time=0, response_length=0,
            exception=RuntimeError("export did not finish"), context={},
        )


if __name__ == "__main__":
    import sys

    from locust.main import main

    sys.argv[0] = "locust"
    sys.exit(main())
