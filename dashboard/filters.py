"""The one selector: which incidents a View shows. Figures and tables never filter by themselves.

Day ranges are inclusive at both ends (a strict `<` would drop events on the boundary day):

- window "day": an incident shows on day d when date_start <= d <= date_end, so an event that
  spans several days shows on each of them;
- window "cumulative": it shows when date_start <= d, i.e. everything that had started by the
  end of day d.

Masks are numpy arrays over the frame's rows; nothing here copies the data until
`filter_incidents` is asked for the rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from dashboard.data.model import CURATED_FIRST_DAY, CURATED_LAST_DAY
from dashboard.view import View

CURATED = "curated"
DATA_LAYER_PREFIX = "data:"

# The period the project covers; used when a frame has no dates at all.
DEFAULT_FIRST_DAY = CURATED_FIRST_DAY
DEFAULT_LAST_DAY = CURATED_LAST_DAY


def _days(column: pd.Series) -> np.ndarray:
    """A date/datetime column as numpy day numbers (datetime64[D]); NaT stays NaT."""
    return pd.to_datetime(column).to_numpy(dtype="datetime64[D]")


def layer_mask(incidents: pd.DataFrame, view: View) -> np.ndarray:
    """Rows in an active layer: their category is switched on and, for imported rows (dataset
    other than "curated"), so is their dataset's layer `data:<dataset>`."""
    if len(incidents) == 0:
        return np.zeros(0, dtype=bool)
    in_category = incidents["category"].isin(view.layers).fillna(False).to_numpy(dtype=bool)
    active_datasets = [name.removeprefix(DATA_LAYER_PREFIX) for name in view.layers
                       if name.startswith(DATA_LAYER_PREFIX)]
    # A row without a dataset comes from the curated files (older frames lack the value).
    dataset = incidents["dataset"].fillna(CURATED)
    in_dataset = (dataset == CURATED) | dataset.isin(active_datasets)
    return in_category & in_dataset.to_numpy(dtype=bool)


def time_mask(incidents: pd.DataFrame, day: dt.date, window: str) -> np.ndarray:
    """Rows in the time window ending on `day` (inclusive semantics, see the module docstring).

    Rows with no date_start never show; a missing date_end counts as date_start.
    """
    if window not in ("day", "cumulative"):
        raise ValueError(f"unknown window {window!r}")
    if len(incidents) == 0:
        return np.zeros(0, dtype=bool)
    target = np.datetime64(day, "D")
    start = _days(incidents["date_start"])
    started = start <= target  # NaT compares False
    if window == "cumulative":
        return started
    end = _days(incidents["date_end"])
    end = np.where(np.isnat(end), start, end)
    return started & (end >= target)


def visible_mask(incidents: pd.DataFrame, view: View, day0: dt.date | None = None) -> np.ndarray:
    """Boolean array: rows in an active layer and in the view's time window.

    The day is `view.date`; when that is None (meaning "the last day"), `day0` if given, else
    the frame's last day.
    """
    day = view.date or day0 or dataset_days(incidents)[1]
    return layer_mask(incidents, view) & time_mask(incidents, day, view.window)


def filter_incidents(incidents: pd.DataFrame, view: View) -> pd.DataFrame:
    """The rows `view` shows, as a new frame (the input is never changed)."""
    return incidents.loc[visible_mask(incidents, view)]


def dataset_days(incidents: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First start day and last end day of the incidents (the project period if none)."""
    if len(incidents) == 0:
        return DEFAULT_FIRST_DAY, DEFAULT_LAST_DAY
    start = pd.to_datetime(incidents["date_start"])
    end = pd.to_datetime(incidents["date_end"]).fillna(start)
    first, last = start.min(), end.max()
    if pd.isna(first) or pd.isna(last):
        return DEFAULT_FIRST_DAY, DEFAULT_LAST_DAY
    return first.date(), last.date()


def clamp_date(view: View, first: dt.date, last: dt.date) -> View:
    """`view` with its date moved inside [first, last]; None ("last day") is left alone."""
    if view.date is None or first <= view.date <= last:
        return view
    return dataclasses.replace(view, date=min(max(view.date, first), last))
