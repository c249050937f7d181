"""The one selector: which incidents a View shows. Nothing else states these rules; the table,
the charts, the timeline payload, the still images and the map's Python slice all call this
module (assets/timeline.js `select` is the browser's copy, held to it by
tests/test_select_parity.py).

Rules:

- dates: day ranges are inclusive at both ends (a strict `<` would drop events on the boundary
  day). A missing date_end, or one before date_start, counts as date_start; a row with no
  date_start never shows.
- window "day": an incident shows on day d when start <= d <= end, so an event that spans
  several days shows on each of them;
- window "cumulative": it shows when start <= d, i.e. everything that had started by the end
  of day d;
- layers: its category is switched on (a category outside CATEGORIES reads as "other") and,
  for imported rows (dataset other than "curated"), so is its dataset's layer `data:<dataset>`;
- the map (`select_sorted`): in the day window at most `limit` points (the latest), the rest
  counted as "capped"; in the cumulative window, when more than `limit` events qualify and the
  payload aggregates, only the events that started in the current week (d-6..d, at most
  `limit`, the latest) are points and every earlier one is summed per grid cell;
- precision: halos (location-precision rings) only when "halos" is on and there are at most
  HALO_LIMIT points.

Everything returns row positions (or a boolean mask over the rows); nothing copies the data
until `filter_incidents` is asked for the rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboard.data.model import CATEGORIES, CURATED_FIRST_DAY, CURATED_LAST_DAY
from dashboard.view import WINDOWS, View

CURATED = "curated"
DATA_LAYER_PREFIX = "data:"
OTHER_CATEGORY = "other"
HALOS_LAYER = "halos"
HALO_LIMIT = 500  # no precision halos above this many points: filled rings are costly (measured)
CURRENT_WEEK_DAYS = 7

# The period the project covers; used when a frame has no dates at all.
DEFAULT_FIRST_DAY = CURATED_FIRST_DAY
DEFAULT_LAST_DAY = CURATED_LAST_DAY


# --- dates ------------------------------------------------------------------------------------


def _days(column: pd.Series) -> np.ndarray:
    """A date/datetime column as numpy day numbers (datetime64[D]); NaT stays NaT."""
    return pd.to_datetime(column).to_numpy(dtype="datetime64[D]")


def day_span(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) per row as datetime64[D]: a missing end, or one before the start, is the
    start; a missing start stays NaT (such a row never shows)."""
    start = _days(incidents["date_start"])
    end = _days(incidents["date_end"])
    with np.errstate(invalid="ignore"):
        end = np.where(np.isnat(end) | (end < start), start, end)
    return start, end


def in_window(start: np.ndarray, end: np.ndarray, day, window: str) -> np.ndarray:
    """Boolean per event: in the `window` ending on `day`. `start`, `end` and `day` are in the
    same unit (datetime64[D] for frames, day indices for the payload); NaT never shows."""
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}")
    started = start <= day
    return started if window == "cumulative" else started & (end >= day)


def time_mask(incidents: pd.DataFrame, day: dt.date, window: str) -> np.ndarray:
    """Rows in the time window ending on `day` (see the module docstring)."""
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}")
    if len(incidents) == 0:
        return np.zeros(0, dtype=bool)
    start, end = day_span(incidents)
    return in_window(start, end, np.datetime64(day, "D"), window)


# --- layers -----------------------------------------------------------------------------------


def category_codes(values: pd.Series) -> np.ndarray:
    """Index into CATEGORIES per row (uint8); unknown or missing categories read as "other"."""
    codes, uniques = pd.factorize(values)  # a missing value gets code -1
    other = CATEGORIES.index(OTHER_CATEGORY)
    lookup = [CATEGORIES.index(u) if u in CATEGORIES else other for u in uniques]
    return np.array([*lookup, other], dtype="uint8")[codes]  # -1: the last entry, "other"


def dataset_names(values: pd.Series) -> pd.Series:
    """The dataset per row; a row without one comes from the curated files."""
    return values.fillna(CURATED).astype(str)


def layer_tables(categories: Iterable[str], datasets: Iterable[str],
                 layers: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """(category on, dataset on) lookup tables for `layers`: a dataset is on when it is the
    curated one or its layer "data:<name>" is on."""
    layers = frozenset(layers)
    cat_on = np.array([c in layers for c in categories], dtype=bool)
    ds_on = np.array([d == CURATED or DATA_LAYER_PREFIX + d in layers for d in datasets],
                     dtype=bool)
    return cat_on, ds_on


def layer_mask(incidents: pd.DataFrame, view: View) -> np.ndarray:
    """Rows in an active layer (see the module docstring)."""
    if len(incidents) == 0:
        return np.zeros(0, dtype=bool)
    ds_codes, datasets = pd.factorize(incidents["dataset"])  # a missing dataset gets -1
    cat_on, ds_on = layer_tables(CATEGORIES, [*map(str, datasets), CURATED], view.layers)
    return cat_on[category_codes(incidents["category"])] & ds_on[ds_codes]  # -1: curated


# --- rows -------------------------------------------------------------------------------------


def view_day(incidents: pd.DataFrame, view: View, day0: dt.date | None = None) -> dt.date:
    """The day `view` shows: its date; when that is None ("the last day"), `day0` if given,
    else the frame's last day."""
    return view.date or day0 or dataset_days(incidents)[1]


def visible_mask(incidents: pd.DataFrame, view: View, day0: dt.date | None = None) -> np.ndarray:
    """Boolean array: rows in an active layer and in the view's time window."""
    day = view_day(incidents, view, day0)
    return layer_mask(incidents, view) & time_mask(incidents, day, view.window)


def visible_positions(incidents: pd.DataFrame, view: View,
                      day0: dt.date | None = None) -> np.ndarray:
    """Row positions (0-based, in frame order) of the rows `view` shows."""
    return np.flatnonzero(visible_mask(incidents, view, day0))


def filter_incidents(incidents: pd.DataFrame, view: View) -> pd.DataFrame:
    """The rows `view` shows, as a new frame (the input is never changed)."""
    return incidents.iloc[visible_positions(incidents, view)]


# --- the map ----------------------------------------------------------------------------------


def select_sorted(start: np.ndarray, end: np.ndarray, enabled: np.ndarray, day: int,
                  window: str, limit: int, max_span: int, aggregate: bool,
                  cell: np.ndarray | None = None, n_cells: int = 0) -> dict:
    """Which events the map shows as points, and how many each grid cell sums.

    Events are sorted by `start` (day indices), so a window is found by binary search;
    `end - start <= max_span` for every event. `enabled` is the layer rule per event
    (`layer_tables`). Returns {"points": sorted positions, "total": events in the window and
    layers, "capped", "aggregated", "cell_counts": counts per cell of the events summed in
    cells, or None}.
    """
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}")
    hi = int(np.searchsorted(start, day, side="right"))
    out = {"aggregated": False, "capped": False, "cell_counts": None}
    if window == "day":
        lo = int(np.searchsorted(start, day - max_span, side="left"))
        pos = lo + np.flatnonzero(enabled[lo:hi] & in_window(start[lo:hi], end[lo:hi], day, window))
        out.update(total=len(pos), capped=len(pos) > limit,
                   points=pos[-limit:] if limit else pos[:0])
        return out
    pos = np.flatnonzero(enabled[:hi])
    out["total"] = len(pos)
    if not aggregate or len(pos) <= limit:
        out["points"] = pos
        return out
    week_lo = int(np.searchsorted(start, day - CURRENT_WEEK_DAYS + 1, side="left"))
    recent = pos[pos >= week_lo]
    out["capped"] = len(recent) > limit
    points = recent[-limit:] if limit else recent[:0]
    cut = int(points[0]) if len(points) else hi
    out.update(points=points, aggregated=True,
               cell_counts=np.bincount(cell[pos[pos < cut]], minlength=n_cells))
    return out


def halos_shown(layers: Iterable[str], n_points: int) -> bool:
    """Precision halos are drawn: switched on, and few enough points to stay fast."""
    return HALOS_LAYER in frozenset(layers) and 0 < n_points <= HALO_LIMIT


# --- period -----------------------------------------------------------------------------------


def dataset_days(incidents: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First start day and last end day of the incidents (the project period if none)."""
    if len(incidents) == 0:
        return DEFAULT_FIRST_DAY, DEFAULT_LAST_DAY
    start, end = day_span(incidents)
    dated = ~np.isnat(start)
    if not dated.any():
        return DEFAULT_FIRST_DAY, DEFAULT_LAST_DAY
    return (pd.Timestamp(start[dated].min()).date(), pd.Timestamp(end[dated].max()).date())


def clamp_date(view: View, first: dt.date, last: dt.date) -> View:
    """`view` with its date moved inside [first, last]; None ("last day") is left alone."""
    if view.date is None or first <= view.date <= last:
        return view
    return dataclasses.replace(view, date=min(max(view.date, first), last))
