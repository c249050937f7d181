"""One pandera schema per geodata file (see `geodata/FORMAT.md`, the contract).

Records arrive as text, are parsed to typed columns (`_parse.parse_cells`), then validated
here with `lazy=True`; every failure becomes a `Problem` and its record is left out.
Cross-file references are checked in `dashboard.data._refs`.

One module (about 320 lines) on purpose: the schemas share their column checks (ids,
coordinates, precisions, counts) and the table of file name -> schema; a module per file
would each import the same checks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from dashboard.data._checks import (
    DATE_PREC,
    GEO_PREC,
    ID_CHECK,
    IDS_CHECK,
    LAT,
    LON,
    NON_NEGATIVE,
    POSITIVE,
    URL_CHECK,
    between,
    both_or_neither,
    isin,
    matches,
    ordered,
    required_if,
    row_check,
)
from dashboard.data._parse import KIND_DTYPES, failures_to_problems, parse_cells
from dashboard.data.model import CATEGORIES, SIDES, Problem, errors_of

PLACE_KINDS = ("neighbourhood", "city", "town", "region", "building", "venue")
RELIABILITIES = ("normal", "low")
MEASURES = ("killed", "injured", "killed_or_injured", "strikes")
QUALIFIERS = ("exact", "at_least", "more_than", "about", "up_to")
SCOPES = ("east", "west", "both", "city", "hospital", "site", "camp", "town", "other")
ZONE_KINDS = ("truce", "besieged")
ROUTE_STATUSES = ("open", "under_fire", "cut")
CONTROLS = ("rebel_held", "government_held", "kurdish_held")
WINDOWS = ("day", "cumulative")
PRESETS = ("aleppo", "north", "syria")



@dataclass(frozen=True)
class FileSpec:
    """How one geodata file is read and checked."""

    name: str  # file name in geodata/, e.g. "incidents.csv"
    kinds: dict[str, str]  # column -> kind (str, list, int, float, date, datetime, bool)
    schema: pa.DataFrameSchema
    key: str | None = None  # the id column other files refer to
    warn_if_empty: frozenset[str] = frozenset()  # empty here keeps the record, with a warning
    geometry_types: tuple[str, ...] = ()  # GeoJSON files: allowed geometry types
    may_be_absent: frozenset[str] = frozenset()  # optional columns (translations): NA if absent


def _build(
    name: str,
    columns: dict[str, tuple],
    checks: tuple[pa.Check, ...] = (),
    key: str | None = None,
    warn_if_empty: tuple[str, ...] = (),
    geometry_types: tuple[str, ...] = (),
    may_be_absent: tuple[str, ...] = (),
) -> FileSpec:
    """columns: name -> (kind, required, *checks). The key column must be unique."""
    schema_columns = {}
    for column, (kind, required, *column_checks) in columns.items():
        schema_columns[column] = pa.Column(
            KIND_DTYPES[kind] if kind != "datetime" else None,
            checks=column_checks,
            nullable=not required,
            unique=column == key,
            report_duplicates="exclude_first",
        )
    schema = pa.DataFrameSchema(schema_columns, checks=list(checks), name=name)
    kinds = {column: spec[0] for column, spec in columns.items()}
    return FileSpec(name, kinds, schema, key, frozenset(warn_if_empty), geometry_types,
                    frozenset(may_be_absent))


_SOURCES = ("list", True, IDS_CHECK)
_TEXT = ("str", True)
_OPT_TEXT = ("str", False)

SOURCES = _build("sources.csv", {
    "source_id": ("str", True, ID_CHECK),
    "publisher": _TEXT,
    "title": _TEXT,
    "date": ("date", False),
    "language": ("str", True, matches(r"[a-z]{2,3}", "must be an ISO 639-1 code such as en")),
    "url": ("str", False, URL_CHECK),
    "via": ("str", False, URL_CHECK),
    "reliability": ("str", True, isin(RELIABILITIES)),
    "licence": _TEXT,
}, key="source_id")

PLACES = _build("places.csv", {
    "place_id": ("str", True, matches(r"[a-z0-9]+(_[a-z0-9]+)*", "must be snake_case")),
    "name_en": _TEXT,
    "name_fr": _TEXT,
    "name_ar": _TEXT,
    "kind": ("str", True, isin(PLACE_KINDS)),
    "lat": ("float", False, LAT),
    "lon": ("float", False, LON),
    "geo_precision": ("int", False, GEO_PREC),
    "uncertainty_m": ("int", False, NON_NEGATIVE),
    "coord_source": _OPT_TEXT,
    "source_ids": ("list", False, IDS_CHECK),
    # The polygon of neighbourhoods.geojson this gazetteer entry stands for (matched by name).
    "neighbourhood_id": ("str", False, matches(r"[a-z0-9]+(_[a-z0-9]+)*", "must be snake_case")),
    "notes": _OPT_TEXT,
}, checks=(
    both_or_neither("lat", "lon"),
    required_if("coord_source", "lat", "lat/lon are set"),
    required_if("source_ids", "lat", "lat/lon are set (the coordinate's source)"),
), key="place_id", warn_if_empty=("name_ar",))


def _killed_in_order(df: pd.DataFrame) -> pd.Series:
    low, best, high = df["killed_low"], df["killed_best"], df["killed_high"]
    return (low.isna() | best.isna() | (low <= best)) & (best.isna() | high.isna() | (best <= high))


INCIDENTS = _build("incidents.csv", {
    "id": ("str", True, ID_CHECK),
    "date_start": ("date", True),
    "date_end": ("date", True),
    "date_precision": ("int", True, DATE_PREC),
    "time_local": _OPT_TEXT,
    "date_note_en": _OPT_TEXT,
    "date_note_fr": _OPT_TEXT,
    "category": ("str", True, isin(CATEGORIES)),
    "place_id": ("str", False),
    "place_en": _TEXT,
    "place_fr": _TEXT,
    "lat": ("float", False, LAT),
    "lon": ("float", False, LON),
    "geo_precision": ("int", False, GEO_PREC),
    "uncertainty_m": ("int", False, NON_NEGATIVE),
    "side": ("str", True, isin(SIDES)),
    "attributed_to": _OPT_TEXT,
    "attribution_claimant": _OPT_TEXT,
    "killed_low": ("int", False, NON_NEGATIVE),
    "killed_best": ("int", False, NON_NEGATIVE),
    "killed_high": ("int", False, NON_NEGATIVE),
    "killed_best_reporter": _OPT_TEXT,
    "injured": ("int", False, NON_NEGATIVE),
    "title_en": _TEXT,
    "title_fr": _TEXT,
    "title_ar": _OPT_TEXT,
    "description_en": _TEXT,
    "description_fr": _TEXT,
    "source_ids": _SOURCES,
}, checks=(
    ordered("date_start", "date_end"),
    both_or_neither("lat", "lon"),
    required_if("geo_precision", "lat", "lat/lon are set"),
    required_if("attribution_claimant", "attributed_to", "attributed_to is set"),
    row_check("killed_best", "must satisfy killed_low <= killed_best <= killed_high",
              _killed_in_order),
    row_check("killed_high", "must not be below killed_low",
              lambda df: df["killed_low"].isna() | df["killed_high"].isna()
              | (df["killed_low"] <= df["killed_high"])),
), key="id", warn_if_empty=("description_en", "description_fr"), may_be_absent=("title_ar",))

CASUALTY_REPORTS = _build("casualty_reports.csv", {
    "report_id": ("str", True, ID_CHECK),
    "report_date": ("date", True),
    "period_start": ("date", True),
    "period_end": ("date", True),
    "period_label_en": _TEXT,
    "period_label_fr": _TEXT,
    "measure": ("str", True, isin(MEASURES)),
    "qualifier": ("str", True, isin(QUALIFIERS)),
    "figure_low": ("int", True, NON_NEGATIVE),
    "figure_high": ("int", False, NON_NEGATIVE),
    "civilians_only": ("bool", True),
    "scope": ("str", True, isin(SCOPES)),
    "side": ("str", True, isin(SIDES)),
    "reporter": _TEXT,
    "reporter_key": ("str", True, matches(r"[a-z0-9_]+", "must be a lower-case slug")),
    "incident_id": ("str", False),
    "cumulative_since": ("date", False),
    "note_en": _OPT_TEXT,
    "note_fr": _OPT_TEXT,
    "source_ids": _SOURCES,
}, checks=(
    ordered("period_start", "period_end"),
    ordered("figure_low", "figure_high", "be less than"),
), key="report_id")

CONTEXT_FACTS = _build("context_facts.csv", {
    "fact_id": ("str", True, ID_CHECK),
    "value": _TEXT,
    "unit": _OPT_TEXT,
    "text_en": _TEXT,
    "text_fr": _TEXT,
    "source_ids": _SOURCES,
}, key="fact_id")

_ZONE_COLUMNS: dict[str, tuple] = {
    "zone_id": ("str", True, ID_CHECK),
    "kind": ("str", True, isin(ZONE_KINDS)),
    "name_en": _TEXT,
    "name_fr": _TEXT,
    "name_ar": _OPT_TEXT,
    "valid_from": ("datetime", True),
    "valid_to": ("datetime", True),
    "start_times_reported_en": _OPT_TEXT,
    "start_times_reported_fr": _OPT_TEXT,
    "member_place_ids": ("list", True, IDS_CHECK),
    "buffer_km": ("float", True, POSITIVE),
    "method": _TEXT,
    "incident_ids": ("list", False, IDS_CHECK),
    "description_en": _TEXT,
    "description_fr": _TEXT,
    "source_ids": _SOURCES,
}
_ZONE_CHECKS = (ordered("valid_from", "valid_to"),)
_DESCRIPTIONS = ("description_en", "description_fr")

ZONES = _build("zones.csv", _ZONE_COLUMNS, _ZONE_CHECKS, "zone_id", _DESCRIPTIONS,
               may_be_absent=("name_ar",))

ZONES_GEOJSON = _build(
    "zones.geojson",
    {**_ZONE_COLUMNS, "approximate": ("bool", True, pa.Check.eq(True, error="must be true"))},
    _ZONE_CHECKS, "zone_id", _DESCRIPTIONS,
    geometry_types=("Polygon", "MultiPolygon"),
)

ROUTES = _build("routes.geojson", {
    "route_id": ("str", True, ID_CHECK),
    "name_en": _TEXT,
    "name_fr": _TEXT,
    "name_ar": _OPT_TEXT,
    "approximate": ("bool", True),
    "method": _TEXT,
    "description_en": _TEXT,
    "description_fr": _TEXT,
    "source_ids": _SOURCES,
}, key="route_id", warn_if_empty=_DESCRIPTIONS, geometry_types=("LineString", "MultiLineString"))

ROUTE_STATUS = _build("route_status.csv", {
    "route_id": ("str", True),
    "date_from": ("date", True),
    "date_to": ("date", False),
    "status": ("str", True, isin(ROUTE_STATUSES)),
    "note_en": _OPT_TEXT,
    "note_fr": _OPT_TEXT,
    "source_ids": _SOURCES,
}, checks=(ordered("date_from", "date_to"),))

CONTROL = _build("control.csv", {
    "place_id": ("str", True),
    "control": ("str", True, isin(CONTROLS)),
    "as_of": ("date", True),
    "inferred": ("bool", True),
    "note_en": _OPT_TEXT,
    "note_fr": _OPT_TEXT,
    "source_ids": _SOURCES,
}, checks=(row_check("as_of", "duplicate place_id and as_of",
                     lambda df: ~df.duplicated(["place_id", "as_of"], keep="first")),))

SCENES = _build("scenes.json", {
    "scene": ("int", True, pa.Check.ge(1, error="must be 1 or more")),
    "title_en": _TEXT,
    "title_fr": _TEXT,
    "title_ar": _OPT_TEXT,
    "caption_en": _TEXT,
    "caption_fr": _TEXT,
    "caption_ar": _OPT_TEXT,
    "date": ("date", True),
    "window": ("str", True, isin(WINDOWS)),
    "layers": ("list", False, IDS_CHECK),
    "view_lat": ("float", False, LAT),
    "view_lon": ("float", False, LON),
    "view_zoom": ("float", False, between(0, 22, "a zoom")),
    "preset": ("str", False, isin(PRESETS)),
    "highlight": ("list", False, IDS_CHECK),
    "inset": ("list", False, IDS_CHECK),
    "source_ids": ("list", False, IDS_CHECK),
}, checks=(
    row_check("view", "needs either view {lat, lon, zoom} or preset (not both)",
              lambda df: df[["view_lat", "view_lon", "view_zoom"]].notna().all(axis=1)
              ^ df["preset"].notna()),
), key="scene")

FILE_SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (SOURCES, PLACES, INCIDENTS, CASUALTY_REPORTS, CONTEXT_FACTS, ZONES,
                 ZONES_GEOJSON, ROUTES, ROUTE_STATUS, CONTROL, SCENES)
}


def validate_records(
    spec: FileSpec, raw: pd.DataFrame, label: str, reported_lines: Collection[int] = ()
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse and validate a text frame (indexed by line). Returns the valid typed records and
    the problems; a record with any error is left out, warnings keep it. Cross-field checks
    are not reported again on `reported_lines` (records the reader already found wrong)."""
    typed, problems = parse_cells(raw, spec.kinds, label)
    try:
        spec.schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        reported = {(p.line, p.field) for p in problems}
        unparsed = {p.line for p in problems if p.line is not None} | set(reported_lines)
        cases = exc.failure_cases
        for problem in failures_to_problems(cases, label, spec.warn_if_empty, unparsed):
            # A cell that didn't parse is NA now; don't also call it "required, but empty".
            if (problem.line, problem.field) not in reported:
                problems.append(problem)
    rejected = {p.line for p in errors_of(problems) if p.line is not None}
    return typed[~typed.index.isin(rejected)], problems
