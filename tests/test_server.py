"""The serving layer through Flask's test client: health, headers, errors, limits."""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil

import pytest
from dash import Input, Output

from dashboard import __version__
from dashboard import server as serving
from dashboard.config import DEFAULT_GEODATA

TRACE_MARKERS = ("Traceback", 'File "')


def _no_trace(body: bytes) -> bool:
    text = body.decode("utf-8", "replace")
    return not any(marker in text for marker in TRACE_MARKERS)


def _callback_payload(output_id: str, input_id: str, value=1) -> dict:
    return {
        "output": f"{output_id}.children",
        "outputs": {"id": output_id, "property": "children"},
        "inputs": [{"id": input_id, "property": "value", "value": value}],
        "changedPropIds": [f"{input_id}.value"],
        "state": [],
    }


@pytest.fixture
def client(make_serving_app):
    return make_serving_app().server.test_client()


def test_healthz_is_alive_with_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": __version__}


def test_readyz_ready_with_shipped_data(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert body["data"]["counts"]["incidents"] > 0
    assert body["jobs"] == {"ok": True, "detail": "diskcache: ok"}


def test_readyz_503_as_json_when_data_missing(make_serving_app, tmp_path):
    empty = tmp_path / "empty-geodata"
    empty.mkdir()
    response = make_serving_app(GEODATA_DIR=empty).server.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["status"] == "not ready"
    assert body["data"]["ok"] is False
    assert any(line.startswith("incidents.csv:") for line in body["rejected"]), body
    assert _no_trace(response.data)


def test_readyz_lists_corrupted_line(make_serving_app, tmp_path):
    geodata = tmp_path / "geodata"
    shutil.copytree(DEFAULT_GEODATA, geodata)
    path = geodata / "incidents.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("date_start")] = "not-a-date"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    response = make_serving_app(GEODATA_DIR=geodata).server.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body  # one bad record is reported, not fatal
    assert any(line.startswith("incidents.csv:2:") for line in body["rejected"]), body
    assert body["data"]["counts"]["rejected"] >= 1


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/healthz"])
def test_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert all(s.startswith("'sha256-") for s in directives["script-src"][1:])
    assert "'unsafe-eval'" not in csp
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "blob:" in directives["worker-src"]
    assert "https://tile.openstreetmap.org" in directives["img-src"]
    assert "https://basemaps.cartocdn.com" in directives["connect-src"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Strict-Transport-Security" not in response.headers


def test_csp_hashes_cover_inline_scripts(client):
    """Every inline script the browser would run is allowed by one of the CSP hashes."""
    import base64
    import hashlib
    import re

    response = client.get("/")
    # Scripts inside HTML comments (Dash's IE warning) and JSON data blocks never run.
    html = re.sub(r"<!--.*?-->", "", response.data.decode(), flags=re.S)
    csp = response.headers["Content-Security-Policy"]
    tags = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    inline = [body for attrs, body in tags if "application/json" not in attrs]
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_frame_ancestors_from_config(make_serving_app):
    app = make_serving_app(FRAME_ANCESTORS="https://newsroom.example")
    response = app.server.test_client().get("/")
    assert "frame-ancestors https://newsroom.example" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_plain_http_is_not_redirected(client):
    response = client.get("/healthz", base_url="http://localhost")
    assert response.status_code == 200


def test_https_forcing_is_configurable(make_serving_app, monkeypatch):
    response = make_serving_app(FORCE_HTTPS=1).server.test_client().get("/healthz", base_url="http://example")
    assert response.status_code in (301, 302)
    assert response.headers["Location"].startswith("https://")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/assets/no-such-file.css", 404), ("delete", "/healthz", 405),
     ("get", "/_dash-component-suites/dash/no-such.js", 404)],
)
def test_error_pages_are_short(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert _no_trace(response.data)
    assert len(response.data) < 500


def test_request_too_large_is_413(client):
    body = b"{" + b" " * 1_100_000 + b"}"
    response = client.post("/_dash-update-component", data=body,
                           content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]


def test_unhandled_error_is_500_without_trace(make_serving_app, caplog):
    app = make_serving_app()

    def boom():
        raise RuntimeError("secret detail /etc/passwd")

    app.server.add_url_rule("/_test/boom", "boom", boom)
    with caplog.at_level(logging.ERROR):
        response = app.server.test_client().get("/_test/boom")
    assert response.status_code == 500
    assert response.get_json() == {"error": "Internal server error.", "status": 500}
    assert b"secret detail" not in response.data
    assert "secret detail" in caplog.text  # the log keeps what the response hides


def test_callback_exception_is_500_without_trace(make_serving_app):
    app = make_serving_app()

    @app.callback(Output("test-boom", "children"), Input("test-boom-in", "value"))
    def _boom(value):
        raise ValueError(f"callback internals {value}")

    payload = _callback_payload("test-boom", "test-boom-in")
    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 500
    assert b"callback internals" not in response.data
    assert _no_trace(response.data)


@pytest.mark.parametrize(
    "body",
    [{}, {"output": "nope.children"}, {"output": 5, "inputs": "x"}, [], "text",
     {"output": "test-ok.children", "outputs": {"id": "test-ok"}, "inputs": [{}]}],
)
def test_malformed_callback_request_is_400(make_serving_app, body):
    app = make_serving_app()
    app.callback(Output("test-ok", "children"), Input("test-ok-in", "value"))(lambda v: v)
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 400
    assert _no_trace(response.data)


def test_export_requests_are_rate_limited(make_serving_app):
    app = make_serving_app(EXPORT_RATE_LIMIT="2 per minute")
    app.callback(Output("export-test", "children"), Input("export-test-in", "value"))(str)
    app.callback(Output("other-test", "children"), Input("other-test-in", "value"))(str)
    client = app.server.test_client()
    export = _callback_payload("export-test", "export-test-in")
    other = _callback_payload("other-test", "other-test-in")
    statuses = [client.post("/_dash-update-component", json=export).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.post("/_dash-update-component", json=export)
    assert "Too many export requests" in refused.get_json()["error"]
    # Other callbacks, and the polls of a running export, are not counted.
    assert all(client.post("/_dash-update-component", json=other).status_code == 200
               for _ in range(5))
    poll = client.post("/_dash-update-component?cacheKey=k&job=1", json=export)
    assert poll.status_code == 200


def test_export_refused_when_queue_full(make_serving_app, tmp_path):
    app = make_serving_app(EXPORT_QUEUE_LENGTH=1)
    app.callback(Output("export-test", "children"), Input("export-test-in", "value"))(str)
    slots = tmp_path / "cache" / "export-slots"
    slots.mkdir(parents=True)
    (slots / f"run-{os.getpid()}-test.slot").touch()  # a live export of this process
    response = app.server.test_client().post(
        "/_dash-update-component", json=_callback_payload("export-test", "export-test-in"))
    assert response.status_code == 503
    assert response.get_json()["error"] == "Server busy, try again in a minute."


def test_one_access_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="dashboard.access"):
        client.get("/healthz")
        client.get("/assets/no-such-file.css")
    lines = [r.getMessage() for r in caplog.records if r.name == "dashboard.access"]
    assert len(lines) == 2
    method, path, status, latency = lines[0].split()
    assert (method, path, status) == ("GET", "/healthz", "200")
    assert latency.endswith("ms") and float(latency[:-2]) >= 0
    assert lines[1].startswith("GET /assets/no-such-file.css 404 ")


def test_slow_endpoint_only_when_asked(make_serving_app, monkeypatch):
    hidden = make_serving_app().server.test_client().get("/_test/slow?s=0")
    assert b"slept" not in hidden.data  # Dash's catch-all serves the page instead
    monkeypatch.setenv(serving.SLOW_ENDPOINT_ENV, "1")
    response = make_serving_app().server.test_client().get("/_test/slow?s=0")
    assert json.loads(response.data)["slept"] == 0


def test_dash_setup_is_serialised(client):
    """Concurrent first requests wait for Dash's setup instead of getting 404s for scripts."""
    hooks = client.application.before_request_funcs[None]
    assert any(getattr(h, "__name__", "") == "_locked_setup" for h in hooks)
    assert not any(getattr(h, "__name__", "") == "_setup_server" for h in hooks)


@pytest.mark.browser
def test_page_runs_under_csp_in_chromium(dash_duo, tmp_path):
    """A map (MapLibre), a chart and a clientside callback run with no CSP console errors."""
    import dash
    import plotly.graph_objects as go
    from dash import dcc, html

    from dashboard.config import load_config

    app = dash.Dash(__name__, serve_locally=True)
    world = go.Figure(go.Scattermap(lat=[36.2], lon=[37.15], mode="markers"))
    world.update_layout(map={"style": "white-bg", "center": {"lat": 36.2, "lon": 37.15}})
    app.layout = html.Div([dcc.Graph(id="csp-map", figure=world),
                           dcc.Graph(id="csp-bar", figure=go.Figure(go.Bar(y=[1, 2]))),
                           dcc.Input(id="csp-in", value="x"), html.Div(id="csp-out")])
    app.clientside_callback("function(v){return 'client:' + v;}",
                            Output("csp-out", "children"), Input("csp-in", "value"))
    serving.install(app, load_config({"CACHE_DIR": str(tmp_path)}))
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal("#csp-out", "client:x")
    dash_duo.wait_for_element(".maplibregl-canvas", timeout=15)
    dash_duo.wait_for_element("#csp-bar .bars path")
    errors = [e["message"] for e in dash_duo.get_logs() or []]
    assert not [m for m in errors if "Content Security Policy" in m], errors


def test_responses_are_compressed_when_accepted_and_not_too_big(monkeypatch):
    import brotli

    from dashboard.app_factory import create_app
    from dashboard.config import load_config
    from dashboard.server import compression

    client = create_app(load_config({})).server.test_client()
    plain = client.get("/geodata/outlines.geojson")
    packed = client.get("/geodata/outlines.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 2
    assert brotli.decompress(packed.data) == plain.data
    # Past the size limit (a big import's layout) the response goes as it is.
    monkeypatch.setattr(compression, "MAX_COMPRESSED_BYTES", 1000)
    big = client.get("/geodata/outlines.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert big.headers.get("Content-Encoding") is None and big.data == plain.data


def test_dash_scripts_are_compressed_once_whatever_their_size(monkeypatch):
    import brotli
    import flask_compress.flask_compress as fc

    from dashboard.app_factory import create_app
    from dashboard.config import load_config
    from dashboard.server import compression

    calls = []
    real = fc._compress_data
    monkeypatch.setattr(fc, "_compress_data", lambda *a: calls.append(a[2]) or real(*a))
    client = create_app(load_config({})).server.test_client()
    path = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    plain = client.get(path)
    assert len(plain.data) > compression.MAX_COMPRESSED_BYTES  # plotly.js: past the limit
    accept = {"Accept-Encoding": "gzip, br"}
    first, again = client.get(path, headers=accept), client.get(path + "?v=2", headers=accept)
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.data) == plain.data and again.data == first.data
    assert len(first.data) < len(plain.data) / 3
    assert calls == ["br"]  # the second URL has the same content (ETag): no second compression
    assert client.get(path, headers={**accept, "If-None-Match": first.headers["ETag"]}
                      ).status_code == 304


def test_page_preloads_the_first_views_scripts(client):
    import re

    from dashboard.server.preload import FIRST_VIEW_SCRIPTS

    page = client.get("/").get_data(as_text=True)
    head = page[:page.index("</head>")]
    links = re.findall(r'<link rel="preload" href="([^"]+)" as="script">', head)
    assert [link.rsplit("/_dash-component-suites/", 1)[1] for link in links] == list(
        FIRST_VIEW_SCRIPTS)
    for link in links:  # each names a file Dash serves
        assert client.get(link).status_code == 200, link
