"""The browser's selector (assets/timeline.js `select`, through `slice`) against the Python one
(dashboard/filters.py, through timeline.slice_for_view), over generated cases: both windows,
the edge days (before the first event, first and last day, after the last), layers on and off
(categories, imported datasets, halos), empty data, spans, unknown categories, and aggregation
above the point threshold. Every field of the slice is compared: points, outlines, halos, cells.

node is a test dependency (`make system-deps` installs it): without it this test FAILS, it is
never skipped, because a parity test that can silently not run guards nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.data.load import load_dataset
from dashboard.data.model import CATEGORIES
from dashboard.figures.map import make_map_figure
from dashboard.figures.map_still import apply_slice
from dashboard.filters import in_window, visible_positions
from dashboard.i18n import category_label, gettext
from dashboard.timeline import build_timeline_payload, decode_array, slice_for_view
from dashboard.view import DEFAULT_LAYERS, View
from tests.test_timeline import DAY0, frame, random_frame

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "js" / "run_timeline.js"
INK, UNREPORTED = "#f2f2f2", "#8a8a8a"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: run `make system-deps` (Debian package nodejs)")
    return node


def _layer_variants() -> list[frozenset[str]]:
    base = frozenset(DEFAULT_LAYERS)
    return [base, base | {"data:ucdp"}, base - {"halos"}, base - {"shelling", "air_raid"},
            base - {"truce"} | {"data:ucdp", "data:acled"}, frozenset({"data:ucdp", "other"}),
            frozenset()]


def _cases(n_days: int, langs=("en", "fr")) -> list[dict]:
    days = sorted({-1, 0, 1, n_days // 3, n_days // 2, n_days - 2, n_days - 1, n_days})
    cases = []
    for i, (window, day, layers) in enumerate(
            (w, d, la) for w in ("day", "cumulative") for d in days for la in _layer_variants()):
        lang = langs[i % len(langs)]
        cases.append({"window": window, "day": day, "layers": sorted(layers), "lang": lang,
                      "opts": {"lang": lang, "ink": INK, "unreported": UNREPORTED,
                               "labels": [category_label(c, lang) for c in CATEGORIES],
                               "strings": {"killed": gettext("{n} killed (best estimate)", lang),
                                           "unreported": gettext("killed: not reported", lang)}}})
    return cases


def _run_js(payload: dict, cases: list[dict]) -> list[dict]:
    result = subprocess.run([_node(), str(RUNNER), str(ROOT / "assets" / "timeline.js")],
                            input=json.dumps({"payload": payload, "cases": cases}),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _gaps(values: np.ndarray) -> list:
    return [None if v != v else float(v) for v in values]  # NaN (Python) == null (JS)


def _python_counts(payload: dict, window: str, day: int, layers) -> dict[str, int]:
    """Per category, events in the window whatever the category switches, from the datasets
    that are on (the layer panel's counts)."""
    a = {k: decode_array(v) for k, v in payload["arrays"].items()}
    ds_on = np.array([d == "curated" or f"data:{d}" in set(layers)
                      for d in payload["datasets"]], dtype=bool)
    shown = in_window(a["start"], a["end"], day, window) & ds_on[a["dataset"]]
    per = np.bincount(a["category"][shown], minlength=len(CATEGORIES))
    return {c: int(per[i]) for i, c in enumerate(payload["categories"])}


def assert_same_slice(js: dict, py: dict) -> None:
    """Every field of one JS slice equals the Python slice of the same case."""
    for key in ("aggregated", "capped", "total", "shown", "in_cells"):
        assert js[key] == py[key], key
    pts, ol = py["points"], py["outlines"]
    assert js["points"]["customdata"] == pts["customdata"].tolist()
    assert js["points"]["color"] == pts["color"]
    assert js["points"]["hovertext"] == pts["hovertext"]
    for key in ("lat", "lon"):
        np.testing.assert_allclose(js["points"][key], pts[key].astype("float64"), rtol=0)
        np.testing.assert_allclose(js["outlines"][key], ol[key].astype("float64"), rtol=0)
    np.testing.assert_allclose(js["points"]["size"], pts["size"], rtol=1e-6)
    np.testing.assert_allclose(js["outlines"]["size"], ol["size"], rtol=1e-6)
    assert js["outlines"]["color"] == ol["color"]
    for key in ("lat", "lon"):
        py_halo = _gaps(py["halos"][key])
        assert [v is None for v in js["halos"][key]] == [v is None for v in py_halo]
        np.testing.assert_allclose([v for v in js["halos"][key] if v is not None],
                                   [v for v in py_halo if v is not None], rtol=1e-9)
    if py["cells"] is None:
        assert js["cells"] is None
    else:
        assert js["cells"]["z"] == py["cells"]["z"].tolist()
        np.testing.assert_allclose(js["cells"]["lat"], py["cells"]["lat"], rtol=0)
        np.testing.assert_allclose(js["cells"]["lon"], py["cells"]["lon"], rtol=0)


def _mixed_frame(n: int, days: int, seed: int):
    inc = random_frame(n, days, seed=seed)
    inc.loc[inc.index[::7], "dataset"] = "ucdp"
    inc.loc[inc.index[3::11], "dataset"] = "acled"
    inc.loc[inc.index[5::13], "category"] = "not_a_category"  # reads as "other"
    inc.loc[inc.index[::17], "geo_precision"] = 3  # wide halos
    return inc


PAYLOADS = {
    # (frame, days, point_threshold, hover strings from Python up to)
    "aggregated": (lambda: _mixed_frame(400, 30, 5), 30, 40, 5_000),
    "aggregated, browser hover": (lambda: _mixed_frame(400, 30, 6), 30, 40, 10),
    "points only": (lambda: _mixed_frame(120, 20, 7), 20, 5_000, 5_000),
    "threshold zero": (lambda: _mixed_frame(60, 10, 8), 10, 0, 5_000),
    "spans and edges": (lambda: frame([{"start": 0}, {"start": 0, "span": 4},
                                       {"start": 2, "span": 1, "category": "truce"},
                                       {"start": 9, "dataset": "ucdp"}, {"start": 9}]),
                        10, 2, 5_000),
    "empty": (lambda: frame([]), 5, 40, 5_000),
}


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_javascript_slice_matches_python(monkeypatch, name):
    make, n_days, threshold, hover_max = PAYLOADS[name]
    monkeypatch.setattr("dashboard.timeline.HOVER_STRINGS_MAX", hover_max)
    inc = make()
    payload = build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=n_days - 1),
                                     point_threshold=threshold, cell_deg=0.25)
    cases = _cases(n_days)
    results = _run_js(json.loads(json.dumps(payload)), cases)
    assert len(results) == len(cases)
    seen = {"aggregated": 0, "capped": 0, "halos": 0, "empty": 0}
    for case, js in zip(cases, results, strict=True):
        view = View(window=case["window"], layers=frozenset(case["layers"]), lang=case["lang"])
        py = slice_for_view(payload, view, case["day"], ink=INK, unreported=UNREPORTED)
        try:
            assert_same_slice(js, py)
            assert js["counts"] == _python_counts(payload, case["window"], case["day"],
                                                  case["layers"])
        except AssertionError as exc:
            raise AssertionError(f"{name}: {case['window']} day {case['day']} "
                                 f"layers {case['layers']}: {exc}") from exc
        seen["aggregated"] += py["aggregated"]
        seen["capped"] += py["capped"]
        seen["halos"] += len(py["halos"]["lat"]) > 0
        seen["empty"] += py["shown"] == 0
    # The generated cases reach the branches they are meant to (else this guards nothing).
    if name.startswith("aggregated"):
        assert seen["aggregated"] and seen["capped"]
    if name in ("points only", "spans and edges"):
        assert seen["halos"]
    assert seen["empty"]


def test_the_frame_path_and_the_payload_path_pick_the_same_rows():
    """filters.visible_positions (table, charts, exports) and the map's selection (payload)
    agree on which mapped rows a view shows, for every generated case."""
    inc = _mixed_frame(300, 25, 9)
    inc.loc[inc.index[4::19], "lat"] = np.nan  # unmapped: in the table, not on the map
    payload = build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=24),
                                     point_threshold=10_000)
    mapped = np.isfinite(pd.to_numeric(inc["lat"], errors="coerce").to_numpy(dtype="float64"))
    checked = 0
    for case in _cases(25, langs=("en",)):
        layers = frozenset(case["layers"])
        day = DAY0 + dt.timedelta(days=case["day"])
        view = View(date=day, window=case["window"], layers=layers)
        rows = visible_positions(inc, view)
        map_rows = slice_for_view(payload, view, case["day"])["points"]["customdata"]
        assert sorted(map_rows.tolist()) == [r for r in rows.tolist() if mapped[r]]
        checked += len(rows)
    assert checked > 0


def _summary(figure: dict) -> dict:
    """The JS runner's `figureSummary` of a Python figure (plotly JSON)."""
    keys = ("lat", "lon", "customdata", "hovertext", "text", "name", "showlegend")
    traces = []
    for t in figure["data"]:
        o = {"meta": t.get("meta")}
        o.update({k: t[k] for k in keys if k in t})
        if "marker" in t:
            o["marker"] = {k: t["marker"][k] for k in ("color", "size") if k in t["marker"]}
        traces.append(o)
    style = figure["layout"].get("map", {}).get("style") or {}
    return {"traces": traces,
            "styleLayers": [la["id"] for la in style["layers"]] if style.get("layers") else None}


def _close(js, py, where: str) -> None:
    """Equal, numbers to float32 precision (lat/lon travel as float32), null == None; a
    number equals its text (plotly.py stores a trace's `text` as strings, the same label)."""
    if isinstance(py, str) and isinstance(js, int) and not isinstance(js, bool):
        assert str(js) == py, where
    elif isinstance(py, float) or isinstance(js, float):
        assert js == pytest.approx(py, rel=1e-6), where
    elif isinstance(py, list) and isinstance(js, list):
        assert len(js) == len(py), where
        for i, (a, b) in enumerate(zip(js, py, strict=True)):
            _close(a, b, f"{where}[{i}]")
    elif isinstance(py, dict) and isinstance(js, dict):
        assert js.keys() == py.keys(), where
        for key in py:
            _close(js[key], py[key], f"{where}.{key}")
    else:
        assert js == py, where


@pytest.fixture(scope="module")
def map_data():
    """The shipped context (zones, routes, control, places) with generated incidents."""
    inc = _mixed_frame(300, 17, 12)
    inc["title_en"] = "Generated"
    dataset = dataclasses.replace(load_dataset(), incidents=inc)
    return dataset, build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=16),
                                           point_threshold=30)


@pytest.mark.parametrize("day_offset", [0, 9])
def test_javascript_render_matches_the_still_image(map_data, day_offset):
    """The render step: assets/timeline.js `render` on the base figure gives the same incident
    traces, legend and context layers as figures.map.apply_slice (the still images)."""
    dataset, payload = map_data
    date = DAY0 + dt.timedelta(days=day_offset)
    cases = []
    for window in ("day", "cumulative"):
        base_layers = frozenset(DEFAULT_LAYERS)
        for layers in (base_layers | {"data:ucdp"}, base_layers - {"zones", "control", "halos"},
                       base_layers - {"shelling", "places", "routes"}):
            view = View(date=date, window=window, layers=layers)
            base = make_map_figure(dataset, view, payload, compact_legend=True,
                                   context_in_style=True, outlines_url="/outlines.geojson")
            cases.append({"window": window, "day": day_offset, "layers": sorted(layers),
                          "opts": {}, "base": json.loads(base.to_json()), "view": view,
                          "figure": base})
    results = _run_js(json.loads(json.dumps(payload)),
                      [{k: v for k, v in c.items() if k not in ("view", "figure")} for c in cases])
    rendered = 0
    for case, js in zip(cases, results, strict=True):
        settings = case["figure"].layout.meta["timeline"]
        view_slice = slice_for_view(payload, case["view"], day_offset, ink=settings["ink"],
                                    unreported=settings["unreported"])
        py = json.loads(apply_slice(case["figure"], view_slice, case["view"].layers,
                                    day_index=day_offset).to_json())
        _close(js["render"], _summary(py), f"{case['window']} {case['layers']}")
        rendered += sum(len(t.get("lat") or ()) for t in js["render"]["traces"])
    assert rendered > 0
