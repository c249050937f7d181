"""Table, charts and map agree for the same view: the table's rows (filters.filter_incidents,
as the table callback reads them), the day histogram's and the daily chart's bars, and the
still map's points and cells (figures.map.make_static_map_figure) all come from the one
selector, so for several views they count the same incidents."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from dashboard.components.table import table_rows
from dashboard.data.load import load_dataset
from dashboard.data.model import SIDES
from dashboard.figures.charts import make_daily_chart, make_day_histogram
from dashboard.figures.map_still import make_static_map_figure
from dashboard.filters import dataset_days, filter_incidents
from dashboard.timeline import build_timeline_payload
from dashboard.view import DEFAULT_LAYERS, View
from tests.test_timeline import random_frame


@pytest.fixture(scope="module")
def shipped():
    return load_dataset()


@pytest.fixture(scope="module")
def large(shipped):
    """The shipped context with 600 generated incidents (some imported, some unmapped), and
    a payload that aggregates above 40 points."""
    inc = random_frame(600, 17, seed=11)
    inc["id"] = [f"G{i:04d}" for i in range(len(inc))]
    inc.loc[inc.index[::6], "dataset"] = "ucdp"
    inc.loc[inc.index[2::23], "lat"] = np.nan
    inc["title_en"] = "Generated"
    inc["side"] = [SIDES[i % len(SIDES)] for i in range(len(inc))]
    inc["killed_low"] = inc["killed_best"]
    inc["killed_high"] = inc["killed_best"]
    dataset = dataclasses.replace(shipped, incidents=inc)
    first, last = dataset_days(inc)
    return dataset, build_timeline_payload(inc, first, last, point_threshold=40)


def _views(first: dt.date, last: dt.date) -> list[View]:
    middle = first + (last - first) / 2
    layers = frozenset(DEFAULT_LAYERS)
    return [
        View(date=first, window="day"),
        View(date=middle, window="day", layers=layers | {"data:ucdp"}),
        View(date=middle, window="cumulative", layers=layers - {"air_raid"},
             chart_group="category"),
        View(date=last, window="cumulative", layers=layers | {"data:ucdp"}),
        View(date=last, window="cumulative", layers=frozenset({"shelling", "data:ucdp"})),
        View(date=None, window="day", layers=layers - {"halos"}),
    ]


def _map(figure) -> tuple[list[int], int, int | None]:
    """(rows drawn as points, events summed in cells, the total a capped map states) of a
    still map."""
    traces = {t.meta: t for t in figure.data if isinstance(t.meta, str)}
    points = traces["incident-points"]
    cells = traces["incident-cells"].text
    stated = None
    if points.showlegend:  # capped: "Showing {shown} of {total} incidents (capped)"
        shown, stated = (int(n) for n in re.findall(r"\d+", points.name))
        assert shown == len(points.customdata)
    return ([int(r) for r in points.customdata], sum(int(n) for n in cells or ()),
            stated)


def _bars(figure) -> dict[str, float]:
    """Per ISO day, the sum of the figure's bar heights."""
    out: dict[str, float] = {}
    for trace in figure.data:
        for x, y in zip(trace.x or (), trace.y or (), strict=True):
            out[str(x)[:10]] = out.get(str(x)[:10], 0.0) + float(y)
    return out


def _check(dataset, payload, view: View) -> int:
    inc = dataset.incidents
    first, last = dataset_days(inc)
    day = view.date or last
    table = filter_incidents(inc, view)
    assert sorted(r["id"] for r in table_rows(table, "en")) == sorted(table["id"])

    # Map: every mapped table row is a point or counted in a cell, and nothing else is.
    points, in_cells, stated = _map(make_static_map_figure(dataset, view, payload))
    mapped = table[np.isfinite(pd.to_numeric(table["lat"], errors="coerce"))]
    positions = {inc.index.get_loc(i) for i in mapped.index}
    assert set(points) <= positions
    assert stated in (None, len(positions))  # a capped map names the table's count
    if stated is not None and view.window == "day":  # capped day: the rest is not drawn
        assert in_cells == 0
    else:
        assert len(points) + in_cells == len(positions)

    # Histogram: incidents per start day in the active layers, whatever the window.
    bars = _bars(make_day_histogram(inc, first, last, view))
    starts = pd.to_datetime(table["date_start"]).dt.date
    if view.window == "cumulative":
        upto = sum(n for iso, n in bars.items() if dt.date.fromisoformat(iso) <= day)
        assert upto == len(table)
    else:
        assert bars.get(day.isoformat(), 0) == int((starts == day).sum())

    # Daily chart: killed per start day; summed up to the day, the cumulative table's killed.
    if view.window == "cumulative":
        killed = _bars(make_daily_chart(inc, view, first, last))
        upto = sum(k for iso, k in killed.items() if dt.date.fromisoformat(iso) <= day)
        best = table["killed_best"].astype("Float64").fillna(
            table["killed_low"].astype("Float64")).fillna(table["killed_high"].astype("Float64"))
        assert upto == pytest.approx(float(best.sum()))
    return len(table)


def test_table_charts_and_map_agree_on_the_shipped_data(shipped):
    first, last = dataset_days(shipped.incidents)
    payload = build_timeline_payload(shipped.incidents, first, last)
    counted = [_check(shipped, payload, view) for view in _views(first, last)]
    assert any(counted) and len(set(counted)) > 1  # the views differ, and show something


def test_table_charts_and_map_agree_when_the_map_aggregates(large):
    dataset, payload = large
    first, last = dataset_days(dataset.incidents)
    counted = [_check(dataset, payload, view) for view in _views(first, last)]
    assert max(counted) > payload["meta"]["point_threshold"]  # cells were in play
