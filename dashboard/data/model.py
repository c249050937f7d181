"""The shapes every part of the app agrees on: problems, the loaded dataset, incident columns.

An incident frame (curated or imported) always has the columns in `INCIDENT_COLUMNS`, in any
order, with `geometry` Points in EPSG:4326 (None for unmapped incidents, whose lat/lon are NaN).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

CRS = "EPSG:4326"

# The period the curated data tells (and the default timeline): 22 April - 8 May 2016.
CURATED_FIRST_DAY = dt.date(2016, 4, 22)
CURATED_LAST_DAY = dt.date(2016, 5, 8)

CATEGORIES: tuple[str, ...] = (
    "air_raid",
    "shelling",
    "hospital_strike",
    "armed_clash",
    "attack_on_civilians",
    "displacement",
    "siege_route",
    "truce",
    "humanitarian_convoy",
    "diplomacy",
    "protest",
    "statement",
    "other",
)

SIDES: tuple[str, ...] = (
    "rebel_held",
    "government_held",
    "kurdish_held",
    "contested",
    "outside_aleppo",
    "not_applicable",
)

# Default halo radius (metres) per geo_precision when a record has no uncertainty_m.
DEFAULT_UNCERTAINTY_M: dict[int, float] = {
    1: 1_000.0,
    2: 25_000.0,
    3: 50_000.0,
    4: 100_000.0,
    5: 150_000.0,
    6: 300_000.0,
    7: 50_000.0,
}

# Columns of every incident frame (curated and imported), with their pandas dtypes.
INCIDENT_COLUMNS: dict[str, str] = {
    "id": "string",
    "dataset": "string",  # "curated", or the layer id of an imported file
    "date_start": "datetime64[s]",
    "date_end": "datetime64[s]",
    "date_precision": "Int8",
    "time_local": "string",
    "date_note_en": "string",
    "date_note_fr": "string",
    "category": "string",
    "place_id": "string",
    "place_en": "string",
    "place_fr": "string",
    "lat": "float64",
    "lon": "float64",
    "geo_precision": "Int8",
    "uncertainty_m": "float64",
    "side": "string",
    "attributed_to": "string",
    "attribution_claimant": "string",
    "killed_low": "Int64",
    "killed_best": "Int64",
    "killed_high": "Int64",
    "killed_best_reporter": "string",
    "injured": "Int64",
    "title_en": "string",
    "title_fr": "string",
    "description_en": "string",
    "description_fr": "string",
    "source_ids": "string",  # ';'-separated source ids (curated)
    "source_text": "string",  # free-text sources (imports: UCDP source_article, ACLED source)
    "warnings": "string",  # ';'-separated data warnings kept from import (never "fixed")
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and why. Rendered `FILE:LINE: FIELD: reason`."""

    file: str
    line: int | None
    field: str | None
    reason: str
    severity: str = "error"  # "error" (record rejected) or "warning" (kept, flagged)

    def __str__(self) -> str:
        line = "" if self.line is None else str(self.line)
        field_name = self.field or "-"
        return f"{self.file}:{line}: {field_name}: {self.reason}"


@dataclass(frozen=True)
class Dataset:
    """Everything loaded from geodata (and imports), validated. Read-only by convention."""

    incidents: gpd.GeoDataFrame
    casualty_reports: pd.DataFrame
    places: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    route_status: pd.DataFrame
    control: gpd.GeoDataFrame  # control.csv joined to places (Point geometry)
    sources: pd.DataFrame  # indexed by source_id
    context_facts: pd.DataFrame
    scenes: tuple[dict, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    # The offline map's land, boundaries and country labels (a GeoJSON FeatureCollection, see
    # dashboard/data/outlines.py); None when geodata has none.
    outlines: dict | None = None
    # Aleppo's neighbourhood polygons (dashboard/data/neighbourhoods.py); empty when none.
    neighbourhoods: gpd.GeoDataFrame | None = None


def errors_of(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The problems that made a record be left out (severity "error"), in their order."""
    return tuple(p for p in problems if p.severity == "error")
