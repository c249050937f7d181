"""The timeline payload as its own resource: the packed body round-trips, the route caches it
(content-hash URL, immutable, ETag, 304, compressed), the page layout carries only a reference
(small at any size), and assets/timeline.js reads the body exactly as Python wrote it."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import subprocess

import brotli
import numpy as np
import pytest

from dashboard.app_factory import create_app
from dashboard.config import load_config
from dashboard.data.synth import write_synthetic
from dashboard.payload_resource import (
    MAGIC,
    build_resource,
    pack_payload,
    unpack_payload,
)
from dashboard.payload_route import preload_tag
from dashboard.runtime import get_runtime
from dashboard.timeline import build_timeline_payload, decode_array, slice_for_view
from dashboard.view import DEFAULT_LAYERS, View
from tests.test_timeline import DAY0, ROOT, random_frame


@pytest.fixture(scope="module")
def payload():
    inc = random_frame(400, 30, seed=11)
    inc.loc[inc.index[::5], "dataset"] = "ucdp"
    return build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=29), point_threshold=50)


def test_packed_body_round_trips_and_is_aligned(payload):
    body = pack_payload(payload)
    assert body[:4] == MAGIC
    back = unpack_payload(body)
    assert back["meta"] == payload["meta"] and back["hover"] == payload["hover"]
    assert set(back["arrays"]) == set(payload["arrays"])
    for key, spec in payload["arrays"].items():
        np.testing.assert_array_equal(back["arrays"][key], decode_array(spec))
        # Every array starts on an 8-byte boundary: the browser views it without a copy.
        assert back["arrays"][key].ctypes.data % 8 == np.frombuffer(body, "u1").ctypes.data % 8
    np.testing.assert_array_equal(back["cells"]["lat"], decode_array(payload["cells"]["lat"]))
    assert back["cells"]["n"] == payload["cells"]["n"]


def test_digest_names_the_content(payload):
    one, two = build_resource(payload), build_resource(payload)
    assert one.digest == two.digest and one.path == f"/data/timeline-{one.digest}.bin"
    other = build_timeline_payload(random_frame(30, 5, seed=2), DAY0, DAY0 + dt.timedelta(days=4))
    assert build_resource(other).digest != one.digest


@pytest.fixture
def client():
    app = create_app(load_config({}))
    return app.server.test_client()  # the next create_app drops this runtime (configure)


def test_resource_is_cacheable_forever_and_compressed(client):
    resource = get_runtime().payload_resource
    smaller = min(("br", "gzip"), key=lambda e: len(resource.encoded(e)))
    for accept, encoding, decompress in (("br, gzip", smaller, {"br": brotli.decompress,
                                                               "gzip": gzip.decompress}[smaller]),
                                         ("br", "br", brotli.decompress),
                                         ("gzip", "gzip", gzip.decompress),
                                         ("identity", None, lambda b: b)):
        response = client.get(resource.path, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == encoding
        assert decompress(response.data) == resource.body
        cache = response.headers["Cache-Control"]
        assert "public" in cache and "immutable" in cache and "max-age=31536000" in cache
        assert response.headers["Vary"] == "Accept-Encoding"
        etag = response.headers["ETag"]
        assert resource.digest in etag
        again = client.get(resource.path, headers={"Accept-Encoding": accept,
                                                   "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
    # Another data version's URL (a page from before a restart) is not this payload.
    assert client.get("/data/timeline-0000.bin").status_code == 404


def test_page_names_the_resource_and_preloads_it(client):
    resource = get_runtime().payload_resource
    html = client.get("/").get_data(as_text=True)
    assert preload_tag(resource.path) in html
    layout = client.get("/_dash-layout").get_json()
    store = next(c for c in layout["props"]["children"]
                 if c["props"].get("id") == "timeline-payload")
    assert store["props"]["data"] == {"id": resource.payload_id, "url": resource.path,
                                      "bytes": len(resource.body)}


def test_layout_stays_small_with_a_big_import(tmp_path):
    """30,000 imported events: the layout is a reference (the old layout carried ~1.3 MB of
    base64 here, 41.5 MB at a million)."""
    data = tmp_path / "big.csv"
    write_synthetic(data, 30_000, seed=3)
    app = create_app(load_config({"DATA": str(data), "CACHE_DIR": str(tmp_path / "cache")}))
    client = app.server.test_client()
    layout = client.get("/_dash-layout", headers={"Accept-Encoding": "identity"})
    assert layout.status_code == 200 and len(layout.data) < 10_000
    resource = get_runtime().payload_resource
    assert len(resource.body) > 30_000 * 20  # the arrays went to the resource
    assert unpack_payload(resource.body)["meta"]["n"] >= 30_000


def test_javascript_loads_the_body_and_slices_like_python(payload, tmp_path):
    body = tmp_path / "payload.bin"
    body.write_bytes(pack_payload(payload))
    script = """
        global.window = {};
        global.document = {querySelector: () => null};
        const fs = require('fs');
        const bytes = fs.readFileSync(process.argv[2]);
        global.fetch = async () => ({ok: true, arrayBuffer: async () =>
            bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)});
        require(process.argv[1]);
        const tl = window.dash_clientside.timeline;
        const ref = {url: '/data/x.bin'};
        if (tl.loaded(ref) !== null) { throw new Error('loaded before load'); }
        tl.load(ref).then((p) => {
            if (tl.loaded(ref) !== p) { throw new Error('not kept'); }
            const typed = Object.values(p.arrays).every((a) => ArrayBuffer.isView(a));
            const s = tl.slice(p, 29, 'cumulative', process.argv[3].split(','), {lang: 'en'});
            process.stdout.write(JSON.stringify({typed: typed, rows: s.points.customdata,
                cells: s.cells ? Array.from(s.cells.z) : null, total: s.total}));
        });
    """
    layers = sorted(DEFAULT_LAYERS)
    result = subprocess.run(["node", "-e", script, str(ROOT / "assets" / "timeline.js"),
                             str(body), ",".join(layers)],
                            capture_output=True, text=True, timeout=60, check=True)
    js = json.loads(result.stdout)
    py = slice_for_view(payload, View(window="cumulative", layers=frozenset(layers)), 29)
    assert js["typed"]
    assert js["rows"] == py["points"]["customdata"].tolist()
    assert js["cells"] == py["cells"]["z"].tolist()
    assert js["total"] == py["total"]
