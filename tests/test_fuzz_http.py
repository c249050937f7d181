"""Random requests never produce a 500 or a traceback (Flask test client: fast, no server)."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.state import SCHEMA, encoded_defaults

FUZZ = settings(max_examples=1000, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
# The URL keys come from the codec itself, so a key added or renamed there is fuzzed too.
VIEW_KEYS = [key.name for key in SCHEMA]
# Values near valid ones: what the codec writes for the defaults, then cut or extended.
NEAR_VALID = st.sampled_from([v for v in encoded_defaults().values() if v]).flatmap(
    lambda v: st.sampled_from([v, v[:-1], v + ",", v + "x", "-" + v, v * 40]))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from dashboard.app_factory import create_app
    from dashboard.config import load_config

    cache = tmp_path_factory.mktemp("fuzz-cache")
    # A generous rate limit: this test is about crashes, not limits.
    return create_app(load_config({"CACHE_DIR": str(cache), "EXPORT_RATE_LIMIT": "100000/minute"}))


@pytest.fixture(scope="module")
def client(fuzz_app):
    return fuzz_app.server.test_client()


def _outputs(output: str) -> list[dict]:
    """'..a.x...b.y..' or 'a.x' -> [{'id': 'a', 'property': 'x'}, ...] (string ids only)."""
    multi = output.startswith("..")
    parts = output.strip(".").split("...") if multi else [output]
    specs = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        specs.append({"id": ident, "property": prop.split("@")[0]})
    return specs


@pytest.fixture(scope="module")
def server_callbacks(client, fuzz_app):
    """Server-side, non-background callbacks with plain string ids, from /_dash-dependencies."""
    deps = client.get("/_dash-dependencies").get_json()
    usable = []
    for dep in deps:
        callback = fuzz_app.callback_map.get(dep["output"], {})
        if dep.get("clientside_function") or callback.get("background"):
            continue  # not served here / would start real export jobs
        ids = [d["id"] for d in dep["inputs"] + dep["state"]]
        if any(i.startswith("{") for i in ids) or "{" in dep["output"]:
            continue  # pattern-matching ids: covered by the envelope fuzz only
        usable.append(dep)
    return usable


def _assert_safe(response):
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (response.status_code, body[:500])
    assert "Traceback" not in body and 'File "' not in body


@FUZZ
@given(
    query=st.one_of(
        st.dictionaries(st.sampled_from(VIEW_KEYS) | st.text(max_size=6),
                        NEAR_VALID | st.text(max_size=30), max_size=6).map(urlencode),
        st.text(max_size=80).map(lambda t: quote(t, safe="=&;,:/")),
    )
)
def test_random_query_strings_on_page(client, query):
    _assert_safe(client.get("/?" + query))


@FUZZ
@given(data=st.data())
def test_random_callback_payloads(client, server_callbacks, data):
    kind = data.draw(st.sampled_from(["raw", "envelope", "callback"]), label="kind")
    if kind == "raw":
        body = json.dumps(data.draw(json_values, label="body"))
    elif kind == "envelope" or not server_callbacks:
        body = json.dumps(data.draw(st.fixed_dictionaries({}, optional={
            "output": st.text(max_size=30) | json_values,
            "outputs": json_values,
            "inputs": json_values,
            "state": json_values,
            "changedPropIds": json_values,
        }), label="envelope"))
    else:
        dep = data.draw(st.sampled_from(server_callbacks), label="callback")

        def filled(items):
            return [{**d, "value": data.draw(json_values, label=d["id"])} for d in items]

        outputs = _outputs(dep["output"])
        inputs = filled(dep["inputs"])
        body = json.dumps({
            "output": dep["output"],
            "outputs": outputs if dep["output"].startswith("..") else outputs[0],
            "inputs": inputs,
            "state": filled(dep["state"]),
            "changedPropIds": [f"{d['id']}.{d['property']}" for d in inputs[:1]],
        })
    response = client.post("/_dash-update-component", data=body,
                           content_type="application/json")
    _assert_safe(response)
