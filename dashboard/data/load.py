"""Load the curated geodata once: validated frames in EPSG:4326 plus what was left out, and why.

`load_dataset()` never raises for bad input. A missing or unreadable file is an error
`Problem`; the other files still load and its frame comes back empty, with its columns.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.config import DEFAULT_GEODATA
from dashboard.data._refs import check_references
from dashboard.data._tables import Table, fix_lines, line_order, read_table
from dashboard.data.model import CRS, INCIDENT_COLUMNS, Dataset, Problem
from dashboard.data.neighbourhoods import NEIGHBOURHOODS_FILE, load_neighbourhoods
from dashboard.data.outlines import OUTLINES_FILE, load_outlines
from dashboard.data.schema import FILE_SPECS

# Every file of the contract is required; manifest.json is checked by `validate`, not here.
DATA_FILES: tuple[str, ...] = tuple(FILE_SPECS)


def load_tables(geodata_dir: Path, label_prefix: str = "") -> dict[str, Table]:
    """Read and validate every data file of `geodata_dir`, then check ids across files.

    Problems name each file as `label_prefix + file name`.
    """
    tables = {
        name: read_table(spec, geodata_dir / name, label_prefix + name)
        for name, spec in FILE_SPECS.items()
    }
    check_references(tables)
    for table in tables.values():
        table.problems = fix_lines(sorted(table.problems, key=line_order))
    return tables


def load_dataset(geodata_dir: Path | None = None) -> Dataset:
    """Load and validate the geodata folder (default: the shipped `geodata/`).

    Returns clean frames (GeoDataFrames in EPSG:4326 where the data has a place) and, in
    `Dataset.problems`, every record left out or flagged, with file, line, field and reason.
    """
    folder = Path(geodata_dir) if geodata_dir is not None else DEFAULT_GEODATA
    dataset = dataset_from_tables(load_tables(folder))
    outlines, problems = load_outlines(folder / OUTLINES_FILE, OUTLINES_FILE)
    neighbourhoods, nbhd_problems = load_neighbourhoods(folder / NEIGHBOURHOODS_FILE,
                                                        NEIGHBOURHOODS_FILE)
    problems += nbhd_problems + unknown_neighbourhoods(dataset.places, neighbourhoods)
    return dataclasses.replace(dataset, outlines=outlines, neighbourhoods=neighbourhoods,
                               problems=(*dataset.problems, *problems))


def unknown_neighbourhoods(places: pd.DataFrame, neighbourhoods: pd.DataFrame,
                           label: str = "places.csv") -> list[Problem]:
    """A warning per place whose `neighbourhood_id` names no loaded polygon: the place still
    loads, but its control cannot be drawn as an area."""
    if "neighbourhood_id" not in places or len(neighbourhoods) == 0:
        return []
    known = set(neighbourhoods["nbhd_id"])
    return [Problem(label, None, "neighbourhood_id",
                    f"place '{row.place_id}': unknown neighbourhood '{row.neighbourhood_id}' "
                    f"(not in {NEIGHBOURHOODS_FILE}); its control is not drawn as an area",
                    "warning")
            for row in places.itertuples()
            if isinstance(row.neighbourhood_id, str) and row.neighbourhood_id
            and row.neighbourhood_id not in known]


def dataset_from_tables(tables: dict[str, Table]) -> Dataset:
    """Assemble a `Dataset` from tables read by `load_tables`."""
    places = _points(_plain(tables["places.csv"]))
    scenes = tables["scenes.json"]
    scene_order = scenes.frame.sort_values("scene").index
    return Dataset(
        incidents=_with_arabic(normalise_incidents(tables["incidents.csv"].frame, "curated"),
                               tables["incidents.csv"].frame, places),
        casualty_reports=_plain(tables["casualty_reports.csv"]),
        places=places,
        zones=_with_geometry(tables["zones.geojson"]),
        routes=_with_geometry(tables["routes.geojson"]),
        route_status=_plain(tables["route_status.csv"]),
        control=_control(_plain(tables["control.csv"]), places),
        sources=_plain(tables["sources.csv"]).set_index("source_id"),
        context_facts=_plain(tables["context_facts.csv"]),
        scenes=tuple(scenes.items[line] for line in scene_order),
        problems=tuple(p for table in tables.values() for p in table.problems),
    )


def _with_arabic(incidents: gpd.GeoDataFrame, raw: pd.DataFrame,
                 places: pd.DataFrame) -> gpd.GeoDataFrame:
    """Arabic fields of the curated incidents: `place_ar` is the name (places.csv name_ar) of
    the place the point is put at, and `title_ar` the file's optional Arabic title. Pages in
    Arabic fall back to English where these are empty."""
    names = places.set_index("place_id")["name_ar"] if "name_ar" in places else pd.Series()
    incidents = incidents.copy()
    incidents["place_ar"] = incidents["place_id"].map(names).astype("string")
    titles = raw["title_ar"].reset_index(drop=True) if "title_ar" in raw else None
    incidents["title_ar"] = (titles.astype("string") if titles is not None
                             else pd.Series(pd.NA, index=incidents.index, dtype="string"))
    return incidents


def _plain(table: Table) -> pd.DataFrame:
    return table.frame.reset_index(drop=True)


def _point_array(lat: pd.Series, lon: pd.Series) -> np.ndarray:
    """Points from lat/lon; None where either is missing (unmapped records)."""
    lat_values = pd.to_numeric(lat).astype("float64").to_numpy()
    lon_values = pd.to_numeric(lon).astype("float64").to_numpy()
    located = np.isfinite(lat_values) & np.isfinite(lon_values)
    points = np.full(len(lat_values), None, dtype=object)
    points[located] = shapely.points(lon_values[located], lat_values[located])
    return points


def _points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        frame, geometry=_point_array(frame["lat"], frame["lon"]), crs=CRS
    )


def _with_geometry(table: Table) -> gpd.GeoDataFrame:
    geometry = [table.geometry[line] for line in table.frame.index]
    frame = table.frame.reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=CRS), crs=CRS)


def _control(control: pd.DataFrame, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """control.csv with each place's name and Point (None if the place has no coordinate)."""
    names = places[["place_id", "name_en", "name_fr", "name_ar", "lat", "lon"]]
    joined = control.merge(names, on="place_id", how="left", validate="many_to_one")
    return _points(joined)


def normalise_incidents(df: pd.DataFrame, dataset: str) -> gpd.GeoDataFrame:
    """Coerce an incident table (curated or imported) to the shared incident frame.

    Returns a GeoDataFrame with exactly the `INCIDENT_COLUMNS` (missing ones filled with NA),
    each with its dtype, `dataset` set to `dataset`, a fresh RangeIndex and a `geometry` of
    Points in EPSG:4326 (None where lat or lon is missing). Other columns are dropped.
    The caller validates first: a value that can't be converted raises ValueError naming
    the column (nothing is silently dropped).
    """
    frame = df.reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    for column, dtype in INCIDENT_COLUMNS.items():
        if column == "dataset":
            values = pd.Series(dataset, index=frame.index)
        elif column in frame:
            values = frame[column]
        else:
            values = pd.Series(pd.NA, index=frame.index, dtype="object")
        try:
            columns[column] = _coerce(values, dtype)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"incident column {column!r}: {exc}") from exc
    out = pd.DataFrame(columns, index=frame.index)
    return gpd.GeoDataFrame(out, geometry=_point_array(out["lat"], out["lon"]), crs=CRS)


def _coerce(values: pd.Series, dtype: str) -> pd.Series:
    if dtype.startswith("datetime64"):
        parsed = pd.to_datetime(values)
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_localize(None)
        return parsed.astype(dtype)
    if dtype == "string":
        return values.astype("string")
    numbers = pd.to_numeric(values.astype("object").where(values.notna(), None))
    if dtype == "float64":
        return numbers.astype("Float64").astype("float64")
    return numbers.astype(dtype)

