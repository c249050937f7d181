"""The bundled UCDP GED layer (Aleppo governorate, 2016): conversion, import, off by default,
widening the timeline when on, and its own series in the charts (never summed with curated)."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from dashboard.callbacks.inputs import view_from_search
from dashboard.config import DEFAULT_GEODATA, load_config
from dashboard.data.importers import load_incident_file
from dashboard.figures.charts import make_daily_chart
from dashboard.runtime import BUNDLED_LAYERS, build_runtime
from scripts.make_ucdp_aleppo import extract

SHIPPED = DEFAULT_GEODATA / BUNDLED_LAYERS[0]
LAYER = "data:ucdp_ged191_aleppo_2016"


@pytest.fixture(scope="module")
def rows():
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    return build_runtime(load_config({"CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}))


def test_shipped_extract_is_aleppo_governorate_in_2016(rows):
    assert len(rows) == 1975
    assert {r["adm_1"] for r in rows} == {"Aleppo Governorate"}
    assert {r["year"] for r in rows} == {"2016"}
    assert len({r["id"] for r in rows}) == len(rows)
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)


def test_import_keeps_every_row_and_the_best_estimate_total(rows, tmp_path):
    frame, problems = load_incident_file(SHIPPED, cache_dir=tmp_path)
    assert len(frame) == len(rows)
    assert int(frame["killed_best"].sum()) == sum(int(r["best"]) for r in rows) == 13214
    assert not [p for p in problems if p.severity == "error"]
    assert set(frame["dataset"]) == {"ucdp_ged191_aleppo_2016"}
    assert frame["geo_precision"].notna().all()  # UCDP's own where_prec


def test_extract_filters_governorate_and_year_and_keeps_whole_numbers():
    frame = pd.DataFrame({
        "id": [3.0, 1.0, 2.0, 4.0], "year": [2016.0, 2016.0, 2017.0, 2016.0],
        "adm_1": ["Aleppo Governorate", "Aleppo Governorate", "Aleppo Governorate",
                  "Idlib Governorate"],
        "best": [5.0, None, 1.0, 2.0], "latitude": [36.2, 36.1, 36.0, 35.9]})
    out = extract(frame)
    assert out["id"].tolist() == [1, 3]
    assert str(out["best"].dtype) == "Int64" and out["latitude"].tolist() == [36.1, 36.2]


def test_layer_is_off_by_default_and_widens_the_timeline_when_on(runtime):
    assert runtime.bundled_layer_ids == ("ucdp_ged191_aleppo_2016",)
    view, notices = view_from_search("", runtime)
    assert LAYER not in view.layers and notices == []
    assert runtime.view_range(view.layers) == (dt.date(2016, 4, 22), dt.date(2016, 5, 8))
    assert runtime.first_day == dt.date(2016, 1, 1) and runtime.last_day == dt.date(2016, 12, 31)
    wide, notices = view_from_search(f"?date=2016-12-13&layers=air_raid,{LAYER}", runtime)
    assert LAYER in wide.layers and wide.date == dt.date(2016, 12, 13) and notices == []
    assert runtime.index_range(wide.layers) == (0, 365)
    # Without the layer, a December link falls back into the curated period, and says so.
    narrow, notices = view_from_search("?date=2016-12-13", runtime)
    assert narrow.date == dt.date(2016, 5, 8) and "date" in notices


def test_daily_chart_keeps_ucdp_as_its_own_series(runtime):
    view, _ = view_from_search(f"?layers=air_raid,armed_clash,{LAYER}", runtime)
    fig = make_daily_chart(runtime.incidents, view, dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    names = [t.name for t in fig.data]
    assert "UCDP GED (as published)" in names
    ucdp = next(t for t in fig.data if t.name == "UCDP GED (as published)")
    curated = runtime.incidents[runtime.incidents["dataset"] == "curated"]
    curated_days = set(pd.to_datetime(curated["date_start"]).dt.strftime("%Y-%m-%d"))
    # Curated bars hold curated incidents only: a day with no curated incident has no curated
    # bar, however many UCDP events it has.
    for trace in fig.data:
        if trace is not ucdp:
            assert set(trace.x) <= curated_days
    assert sum(ucdp.y) > 1000
