"""Incident frames <-> GeoJSON: streamed writing for imports, reading back for extra layers."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from dashboard.data.import_rows import DATE_COLUMNS
from dashboard.data.model import INCIDENT_COLUMNS, Problem

PROPERTY_COLUMNS = tuple(c for c in INCIDENT_COLUMNS if c not in ("lat", "lon"))


def _feature_lines(chunk: pd.DataFrame) -> list[str]:
    props = chunk.loc[:, list(PROPERTY_COLUMNS)].copy()
    for name in DATE_COLUMNS:
        props[name] = props[name].dt.strftime("%Y-%m-%d")
    if not len(props):
        return []
    # pandas encodes JSON in C. Its `lines=True` post-processing is slow Python, so the array
    # is split here instead: `id` is the first key and a quote inside a JSON string is always
    # escaped, so `},{"id":` can only occur between two records.
    text = props.to_json(orient="records", force_ascii=False, double_precision=15)
    parts = text[1:-1].split('},{"id":')
    records = [parts[0]] + ['{"id":' + part for part in parts[1:]]
    records = [record + "}" for record in records[:-1]] + records[-1:]
    lons = chunk["lon"].tolist()
    lats = chunk["lat"].tolist()
    return [
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x!r},{y!r}]}},'
        f'"properties":{p}}}'
        for x, y, p in zip(lons, lats, records, strict=True)
    ]


def write_incident_geojson(chunks: Iterable[pd.DataFrame], out: Path | str) -> int:
    """Write incident chunks as one GeoJSON FeatureCollection, chunk by chunk, atomically.

    Memory holds one chunk at a time. The file appears only when complete (temp + os.replace).
    Returns the number of features written.
    """
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    written = 0
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write('{"type":"FeatureCollection","features":[\n')
            for chunk in chunks:
                lines = _feature_lines(chunk)
                if not lines:
                    continue
                fh.write((",\n" if written else "") + ",\n".join(lines))
                written += len(lines)
            fh.write("\n]}\n")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written


def coerce_incident_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Every INCIDENT_COLUMNS column in its dtype (missing ones NA); values that don't fit -> NA."""
    n = len(frame)
    data = {}
    for name, dtype in INCIDENT_COLUMNS.items():
        if name not in frame:
            data[name] = pd.Series(index=range(n), dtype=dtype)
            continue
        column = frame[name].reset_index(drop=True)
        if dtype.startswith("datetime64"):
            column = pd.to_datetime(column, errors="coerce").astype(dtype)
        elif dtype.startswith("Int"):
            number = pd.to_numeric(column, errors="coerce")
            column = number.where(number % 1 == 0).astype(dtype)
        elif dtype == "float64":
            column = pd.to_numeric(column, errors="coerce").astype(dtype)
        else:
            column = column.astype("string")
        data[name] = column
    return pd.DataFrame(data)


def read_incident_geojson(path: Path | str, dataset: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a GeoJSON of incident features into incident columns (lat/lon from the Points).

    Features without a date_start are left out (reported); features without a Point are
    kept unmapped (lat/lon NaN). `dataset` fills features that do not name their layer.
    """
    import geopandas as gpd  # deferred: only this path needs GDAL

    path = Path(path)
    gdf = gpd.read_file(path, engine="pyogrio", use_arrow=True)
    frame = coerce_incident_columns(pd.DataFrame(gdf.drop(columns="geometry")))
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    # shapely returns NaN for anything that is not a Point (or is missing): kept unmapped.
    frame["lon"] = shapely.get_x(geoms)
    frame["lat"] = shapely.get_y(geoms)
    frame["dataset"] = frame["dataset"].fillna(dataset)
    problems = []
    undated = frame["date_start"].isna().to_numpy()
    for i in np.flatnonzero(undated):
        name = frame["id"].iat[i]
        reason = f"feature {i + 1} ({'no id' if pd.isna(name) else name}): no valid date_start"
        problems.append(Problem(str(path), None, "date_start", reason))
    frame["date_end"] = frame["date_end"].fillna(frame["date_start"])
    return frame[~undated].reset_index(drop=True), problems
