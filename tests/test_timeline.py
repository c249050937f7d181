"""Timeline payload and slicing: encoding round trip, inclusive windows, layers, aggregation.
(That assets/timeline.js slices exactly like the Python: tests/test_select_parity.py.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from dashboard.data.model import CATEGORIES, INCIDENT_COLUMNS
from dashboard.timeline import (
    HALO_VERTICES,
    build_timeline_payload,
    decode_array,
    encode_array,
    select_positions,
    selected_halo,
    slice_for_view,
)
from dashboard.view import DEFAULT_LAYERS, View

DAY0 = dt.date(2016, 4, 22)
ROOT = Path(__file__).resolve().parent.parent


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """An incident frame with every INCIDENT_COLUMN; rows give start/end day offsets etc."""
    n = len(rows)
    data = {c: pd.Series([None] * n).astype(t) for c, t in INCIDENT_COLUMNS.items()}
    df = pd.DataFrame(data)
    for i, row in enumerate(rows):
        start = pd.Timestamp(DAY0) + pd.Timedelta(days=row.get("start", 0))
        df.loc[i, "id"] = f"T{i:03d}"
        df.loc[i, "dataset"] = row.get("dataset", "curated")
        df.loc[i, "date_start"] = start
        df.loc[i, "date_end"] = start + pd.Timedelta(days=row.get("span", 0))
        df.loc[i, "category"] = row.get("category", "air_raid")
        df.loc[i, "lat"] = row.get("lat", 36.2 + 0.001 * i)
        df.loc[i, "lon"] = row.get("lon", 37.15)
        df.loc[i, "geo_precision"] = row.get("geo_precision", 1)
        df.loc[i, "killed_best"] = row.get("killed", pd.NA)
        df.loc[i, "place_en"] = df.loc[i, "place_fr"] = f"Place {i}"
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")


def random_frame(n: int, days: int, seed: int = 3) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return frame([{"start": int(rng.integers(0, days)), "span": int(rng.integers(0, 3)),
                   "category": CATEGORIES[int(rng.integers(0, len(CATEGORIES)))],
                   "lat": float(rng.uniform(35, 37)), "lon": float(rng.uniform(36, 38)),
                   "killed": int(rng.integers(0, 20)) if rng.random() < 0.7 else pd.NA}
                  for _ in range(n)])


@pytest.mark.parametrize("dtype", ["f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4"])
def test_encode_decode_round_trip(dtype):
    values = np.arange(-3, 50).astype(dtype) if dtype[0] != "u" else np.arange(50).astype(dtype)
    spec = encode_array(values, dtype)
    assert set(spec) == {"dtype", "bdata"} and isinstance(spec["bdata"], str)
    np.testing.assert_array_equal(decode_array(spec), values)


def test_payload_arrays_match_the_frame_and_are_sorted_by_start():
    inc = frame([{"start": 5, "killed": 3}, {"start": 1, "span": 2}, {"start": 3, "lat": np.nan}])
    payload = build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=16))
    json.dumps(payload)  # JSON-serialisable
    a = {k: decode_array(v) for k, v in payload["arrays"].items()}
    assert payload["meta"]["n"] == 2  # the unmapped row is left out
    np.testing.assert_array_equal(a["row"], [1, 0])
    np.testing.assert_array_equal(a["start"], [1, 5])
    np.testing.assert_array_equal(a["end"], [3, 5])
    np.testing.assert_allclose(a["lat"], inc["lat"].to_numpy()[[1, 0]].astype("float32"))
    assert np.isnan(a["killed"][0]) and a["killed"][1] == 3
    assert a["start"].dtype == np.int16 and a["category"].dtype == np.uint8
    assert payload["meta"]["aggregate"] is False and payload["cells"] is None
    assert payload["hover"]["en"][1].startswith("27 Apr 2016 · Air raid · Place 0 · 3 killed")


def view(day_window: str = "cumulative", layers=DEFAULT_LAYERS) -> View:
    return View(window=day_window, layers=frozenset(layers))


def shown_rows(payload, v: View, day: int) -> list[int]:
    return sorted(slice_for_view(payload, v, day)["points"]["customdata"].tolist())


def test_windows_are_inclusive_at_both_ends():
    inc = frame([{"start": 2, "span": 2}, {"start": 0}, {"start": 4}])
    payload = build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=10))
    assert shown_rows(payload, view("day"), 1) == []
    assert shown_rows(payload, view("day"), 2) == [0]
    assert shown_rows(payload, view("day"), 4) == [0, 2]  # last day of the span, start of E2
    assert shown_rows(payload, view("day"), 5) == []
    assert shown_rows(payload, view("cumulative"), 0) == [1]
    assert shown_rows(payload, view("cumulative"), 2) == [0, 1]
    assert shown_rows(payload, view("cumulative"), 9) == [0, 1, 2]


def test_layers_leave_out_categories_and_inactive_datasets():
    inc = frame([{"category": "air_raid"}, {"category": "shelling"},
                 {"category": "air_raid", "dataset": "ucdp"}])
    payload = build_timeline_payload(inc, DAY0, DAY0)
    assert shown_rows(payload, view(), 0) == [0, 1]
    assert shown_rows(payload, view(layers=DEFAULT_LAYERS | {"data:ucdp"}), 0) == [0, 1, 2]
    assert shown_rows(payload, view(layers=DEFAULT_LAYERS - {"shelling"}), 0) == [0]


def test_cumulative_switches_to_cells_above_the_threshold():
    inc = random_frame(400, 40)
    payload = build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=39), point_threshold=50)
    assert payload["meta"]["aggregate"] is True
    start = pd.to_datetime(inc["date_start"]).dt.date
    early = slice_for_view(payload, view(), 2)  # few events yet: points only
    assert not early["aggregated"] and early["cells"] is None
    layers = DEFAULT_LAYERS - {"truce"}
    for day in (10, 25, 39):
        s = slice_for_view(payload, view(layers=layers), day)
        assert s["aggregated"]
        rows = s["points"]["customdata"]
        expected = [i for i in range(len(inc)) if (start[i] - DAY0).days <= day
                    and inc["category"][i] != "truce"]
        # Nothing the window hides is a point; points + cells account for every event.
        assert set(rows) <= set(expected)
        assert all(day - 6 <= (start[i] - DAY0).days <= day for i in rows)
        assert len(rows) <= 50
        assert s["in_cells"] + s["shown"] == s["total"] == len(expected)
        assert int(s["cells"]["z"].sum()) == s["in_cells"]


def test_day_window_caps_points_and_says_so():
    inc = frame([{"start": 1}] * 12)
    payload = build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=2), point_threshold=5)
    s = slice_for_view(payload, view("day"), 1)
    assert s["capped"] and s["shown"] == 5 and s["total"] == 12 and s["cells"] is None


def test_halos_only_when_switched_on():
    inc = frame([{"start": 0}, {"start": 0, "geo_precision": 2}])
    payload = build_timeline_payload(inc, DAY0, DAY0)
    on = slice_for_view(payload, view(), 0)["halos"]
    # One ring, closed by a gap: the second halo (geo_precision 2, 25 km) is wider than
    # HALO_WIDE_M and is drawn only for a selected incident.
    assert np.isnan(on["lat"]).sum() == 1
    assert np.nanmax(on["lat"]) - 36.2 < 0.01  # the 1 km ring, not the 25 km one
    off = slice_for_view(payload, view(layers=DEFAULT_LAYERS - {"halos"}), 0)["halos"]
    assert len(off["lat"]) == 0


def test_selected_halo_is_drawn_at_any_radius():
    inc = frame([{"start": 0}, {"start": 0, "geo_precision": 2}])
    ring = selected_halo(inc, 1)
    assert ring["row"] == 1 and len(ring["lat"]) == HALO_VERTICES + 1
    assert max(ring["lat"]) - min(ring["lat"]) == pytest.approx(2 * 25_000 / 111_320, rel=1e-3)
    assert selected_halo(inc, None) is None and selected_halo(inc, 7) is None


def test_slice_accepts_a_frame():
    inc = frame([{"start": 0}, {"start": 3}])
    assert slice_for_view(inc, view(), 3)["shown"] == 2


def test_select_positions_is_a_prefix_in_cumulative_mode():
    inc = random_frame(120, 20)
    payload = build_timeline_payload(inc, DAY0, DAY0 + dt.timedelta(days=19))
    a = {k: decode_array(v) for k, v in payload["arrays"].items()}
    sel = select_positions(payload, a, DEFAULT_LAYERS, "cumulative", 7)
    np.testing.assert_array_equal(sel["points"], np.arange(int((a["start"] <= 7).sum())))


def test_small_data_is_drawn_by_the_map_itself(monkeypatch):
    """Up to NATIVE_MAX events, and never with cells, the page holds every incident in the
    map's style (assets/native.js); above, plotly draws each step's slice."""
    import dashboard.timeline as timeline

    inc = random_frame(400, 40)
    last = DAY0 + dt.timedelta(days=39)
    assert build_timeline_payload(inc, DAY0, last)["meta"]["native"] is True
    aggregated = build_timeline_payload(inc, DAY0, last, point_threshold=50)["meta"]
    assert aggregated["aggregate"] is True and aggregated["native"] is False
    monkeypatch.setattr(timeline, "NATIVE_MAX", 399)
    assert build_timeline_payload(inc, DAY0, last)["meta"]["native"] is False
