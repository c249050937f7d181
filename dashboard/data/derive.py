"""Derive zone polygons from sourced points: `python -m dashboard derive` writes zones.geojson.

Each zone is the convex hull of its member places (a single place: the point itself), buffered
by `buffer_km` in a metric projection, so the drawn area is approximate by construction. The
output is rounded and lightly simplified so re-running it gives the same small file.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.config import DEFAULT_GEODATA
from dashboard.data._io import write_generated
from dashboard.data.load import load_tables
from dashboard.data.model import CRS, errors_of

METRIC_CRS = "EPSG:32637"  # UTM zone 37N: Aleppo, Damascus and Latakia lie in or next to it
DECIMALS = 5  # about 1 m: far finer than the approximation itself
SIMPLIFY_M = 25.0  # drops near-collinear buffer vertices without changing the shape visibly
QUAD_SEGMENTS = 8  # vertices per quarter circle of the buffer


def derive_zones(zones: pd.DataFrame, places: pd.DataFrame) -> gpd.GeoDataFrame:
    """Zone areas from zones.csv records and the gazetteer.

    `zones` has the zones.csv columns (typed as `load_tables` gives them); `places` needs
    place_id, lat and lon. Member places without coordinates are skipped; a zone with none
    raises ValueError. Returns one row per zone: every zones.csv column, `approximate` = True
    and a Polygon geometry in EPSG:4326 with coordinates rounded to 5 decimals.
    """
    located = places.dropna(subset=["lat", "lon"]).drop_duplicates("place_id")
    coordinates = located.set_index("place_id")[["lon", "lat"]].astype("float64")
    hulls = []
    for zone in zones.itertuples(index=False):
        members = [m for m in str(zone.member_place_ids).split(";") if m in coordinates.index]
        if not members:
            raise ValueError(f"zone {zone.zone_id!r}: no member place has coordinates")
        xy = coordinates.loc[members].to_numpy()
        points = gpd.GeoSeries(shapely.points(xy), crs=CRS).to_crs(METRIC_CRS)
        hull = shapely.MultiPoint(list(points)).convex_hull
        area = hull.buffer(float(zone.buffer_km) * 1000.0, quad_segs=QUAD_SEGMENTS)
        hulls.append(area.simplify(SIMPLIFY_M, preserve_topology=True))
    geographic = gpd.GeoSeries(hulls, crs=METRIC_CRS).to_crs(CRS).to_numpy()
    rounded = [_rounded(geom) for geom in geographic]
    frame = zones.reset_index(drop=True).copy()
    frame["approximate"] = pd.Series(True, index=frame.index, dtype="boolean")  # as loaded
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(rounded, crs=CRS), crs=CRS)


def _rounded(geom: shapely.Geometry) -> shapely.Geometry:
    # set_precision keeps the polygon valid after snapping; transform makes each coordinate
    # the exact 5-decimal double so json.dumps writes it short.
    snapped = shapely.set_precision(geom, 10.0**-DECIMALS)
    rounded = shapely.transform(snapped, lambda xy: np.round(xy, DECIMALS))
    return shapely.orient_polygons(rounded)  # RFC 7946: exterior rings counter-clockwise


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value)
    return str(value)


def zones_geojson_text(zones: gpd.GeoDataFrame) -> str:
    """GeoJSON text of derived zones: one feature per line, fixed key order, final newline."""
    columns = [c for c in zones.columns if c != zones.geometry.name]
    lines = []
    for _, row in zones.iterrows():
        properties = {column: _json_value(row[column]) for column in columns}
        feature = {
            "type": "Feature",
            "properties": properties,
            "geometry": shapely.geometry.mapping(row[zones.geometry.name]),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard derive [--geodata DIR]`: rewrite DIR/zones.geojson."""
    parser = argparse.ArgumentParser(prog="python -m dashboard derive", description=__doc__)
    parser.add_argument("--geodata", type=Path, default=DEFAULT_GEODATA, help="geodata folder")
    args = parser.parse_args(argv)
    tables = load_tables(args.geodata, label_prefix="")
    problems = [p for name in ("zones.csv", "places.csv") for p in tables[name].problems]
    for problem in problems:
        print(problem)
    if not tables["zones.csv"].present or not tables["places.csv"].present:
        print("zones.geojson not written: zones.csv and places.csv must both be readable",
              file=sys.stderr)
        return 1
    zones = derive_zones(tables["zones.csv"].frame, tables["places.csv"].frame)
    if not write_generated(args.geodata / "zones.geojson", zones_geojson_text(zones),
                           f"{len(zones)} zones"):
        return 1
    return 1 if errors_of(problems) else 0
