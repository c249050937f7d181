"""The selector: layers, inclusive day windows, spans, empty frames, imported datasets."""

from __future__ import annotations

import dataclasses
import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from dashboard.data.model import CATEGORIES, CRS, INCIDENT_COLUMNS
from dashboard.filters import (
    DEFAULT_FIRST_DAY,
    DEFAULT_LAST_DAY,
    category_codes,
    clamp_date,
    dataset_days,
    filter_incidents,
    layer_mask,
    visible_mask,
    visible_positions,
)
from dashboard.view import View

D = dt.date


def make_incidents(rows: list[dict]) -> gpd.GeoDataFrame:
    """A small incident frame with every contract column and its dtype."""
    defaults = {"dataset": "curated", "category": "air_raid", "lat": 36.2, "lon": 37.15}
    records = [{**defaults, **row} for row in rows]
    frame = pd.DataFrame(records, columns=list(INCIDENT_COLUMNS))
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column])
    frame = frame.astype(INCIDENT_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                            crs=CRS)


@pytest.fixture
def incidents() -> gpd.GeoDataFrame:
    return make_incidents([
        {"id": "E01", "date_start": "2016-04-22", "date_end": "2016-04-22"},
        {"id": "E02", "date_start": "2016-04-27", "date_end": "2016-04-29",
         "category": "hospital_strike"},
        {"id": "E03", "date_start": "2016-04-30", "date_end": "2016-04-30",
         "category": "truce"},
        {"id": "E04", "date_start": "2016-05-08", "date_end": None, "category": "diplomacy"},
        {"id": "U1", "dataset": "ucdp", "date_start": "2016-04-28", "date_end": "2016-04-28",
         "category": "armed_clash"},
    ])


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["id"])


def on(day: dt.date, window: str = "day", **changes) -> View:
    return View(date=day, window=window, **changes)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2016, 4, 26), []),                # day before the span starts
        (D(2016, 4, 27), ["E02"]),           # first day of the span (inclusive)
        (D(2016, 4, 28), ["E02"]),           # inside the span
        (D(2016, 4, 29), ["E02"]),           # last day of the span (inclusive)
        (D(2016, 4, 30), ["E03"]),           # the day after the span
        (D(2016, 4, 22), ["E01"]),           # first day of the data
        (D(2016, 5, 8), ["E04"]),            # last day; a missing date_end counts as the start
    ],
)
def test_day_window_is_inclusive_at_both_ends(incidents, day, expected):
    assert ids(filter_incidents(incidents, on(day))) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2016, 4, 21), []),
        (D(2016, 4, 22), ["E01"]),                       # started that very day
        (D(2016, 4, 27), ["E01", "E02"]),                # a span counts from its first day
        (D(2016, 5, 7), ["E01", "E02", "E03"]),
        (D(2016, 5, 8), ["E01", "E02", "E03", "E04"]),
    ],
)
def test_cumulative_window_shows_everything_started_by_that_day(incidents, day, expected):
    assert ids(filter_incidents(incidents, on(day, "cumulative"))) == expected


def test_no_date_means_last_day_or_day0(incidents):
    assert ids(filter_incidents(incidents, View(window="day"))) == ["E04"]
    mask = visible_mask(incidents, View(window="day"), day0=D(2016, 4, 28))
    assert list(incidents.loc[mask, "id"]) == ["E02"]


def test_layers_filter_categories(incidents):
    view = on(D(2016, 5, 8), "cumulative", layers=frozenset({"truce", "diplomacy", "zones"}))
    assert ids(filter_incidents(incidents, view)) == ["E03", "E04"]
    assert ids(filter_incidents(incidents, dataclasses.replace(view, layers=frozenset()))) == []


def test_imported_rows_need_their_dataset_layer(incidents):
    day = on(D(2016, 4, 28))
    assert ids(filter_incidents(incidents, day)) == ["E02"]
    with_ucdp = dataclasses.replace(day, layers=day.layers | {"data:ucdp"})
    assert ids(filter_incidents(incidents, with_ucdp)) == ["E02", "U1"]
    # The dataset layer alone is not enough: the category must be on too.
    only_dataset = dataclasses.replace(day, layers=frozenset({"data:ucdp", "hospital_strike"}))
    assert ids(filter_incidents(incidents, only_dataset)) == ["E02"]


def test_missing_dataset_counts_as_curated(incidents):
    frame = incidents.copy()
    frame["dataset"] = pd.Series([pd.NA] * len(frame), dtype="string", index=frame.index)
    assert layer_mask(frame, View()).all()


def test_mask_is_a_numpy_bool_array_aligned_with_rows(incidents):
    mask = visible_mask(incidents, on(D(2016, 4, 30), "cumulative"))
    assert isinstance(mask, np.ndarray)
    assert mask.dtype == bool
    assert mask.tolist() == [True, True, True, False, False]


def test_filter_never_mutates_its_input(incidents):
    before = incidents.copy()
    result = filter_incidents(incidents, on(D(2016, 4, 28)))
    result["category"] = "other"
    pd.testing.assert_frame_equal(incidents, before)
    assert isinstance(result, gpd.GeoDataFrame)
    assert result.crs == incidents.crs


def test_rows_without_start_date_never_show():
    frame = make_incidents([{"id": "X", "date_start": None, "date_end": None}])
    assert not visible_mask(frame, on(D(2016, 4, 30), "cumulative")).any()
    assert not visible_mask(frame, on(D(2016, 4, 30))).any()


def test_empty_frame():
    empty = make_incidents([])
    assert visible_mask(empty, View()).shape == (0,)
    assert len(filter_incidents(empty, on(D(2016, 4, 30)))) == 0
    assert dataset_days(empty) == (DEFAULT_FIRST_DAY, DEFAULT_LAST_DAY)


def test_unknown_window_is_an_error(incidents):
    with pytest.raises(ValueError, match="window"):
        visible_mask(incidents, dataclasses.replace(View(), window="week"))


def test_dataset_days_spans_starts_and_ends():
    frame = make_incidents([
        {"id": "A", "date_start": "2016-04-25", "date_end": "2016-05-02"},
        {"id": "B", "date_start": "2016-04-23", "date_end": "2016-04-23"},
    ])
    assert dataset_days(frame) == (D(2016, 4, 23), D(2016, 5, 2))


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (None, None),
        (D(2016, 4, 1), D(2016, 4, 22)),
        (D(2016, 4, 22), D(2016, 4, 22)),
        (D(2016, 5, 1), D(2016, 5, 1)),
        (D(2016, 5, 8), D(2016, 5, 8)),
        (D(2020, 1, 1), D(2016, 5, 8)),
    ],
)
def test_clamp_date(date, expected):
    view = View(date=date, lang="fr")
    clamped = clamp_date(view, D(2016, 4, 22), D(2016, 5, 8))
    assert clamped == dataclasses.replace(view, date=expected)


def test_unknown_or_missing_category_reads_as_other():
    frame = make_incidents([
        {"id": "A", "date_start": "2016-04-30", "date_end": "2016-04-30", "category": "new_kind"},
        {"id": "B", "date_start": "2016-04-30", "date_end": "2016-04-30", "category": None},
        {"id": "C", "date_start": "2016-04-30", "date_end": "2016-04-30"},
    ])
    assert category_codes(frame["category"]).tolist() == [
        CATEGORIES.index("other"), CATEGORIES.index("other"), CATEGORIES.index("air_raid")]
    assert ids(filter_incidents(frame, on(D(2016, 4, 30), layers=frozenset({"other"})))) == [
        "A", "B"]


def test_an_end_before_the_start_counts_as_the_start():
    frame = make_incidents([{"id": "A", "date_start": "2016-04-30", "date_end": "2016-04-20"}])
    assert ids(filter_incidents(frame, on(D(2016, 4, 30)))) == ["A"]
    assert ids(filter_incidents(frame, on(D(2016, 4, 29)))) == []
    assert dataset_days(frame) == (D(2016, 4, 30), D(2016, 4, 30))


def test_positions_are_row_positions_not_labels(incidents):
    relabelled = incidents.set_axis([10, 20, 30, 40, 50])
    positions = visible_positions(relabelled, on(D(2016, 4, 30), "cumulative"))
    assert positions.tolist() == [0, 1, 2]
