"""Aleppo's neighbourhood polygons (geodata/neighbourhoods.geojson): the city's fabric.

Made by scripts/make_neighbourhoods.py from the Columbia Center for Spatial Research's file (MIT).
The map draws them at city zoom; control as reported (control.csv, through each place's
`neighbourhood_id` in places.csv) fills them by day. The file is optional (a map without it still
works); a bad feature is an error naming its line and field and is left out, the rest loads.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import shapely.geometry

from dashboard.data._io import array_item_lines, read_json, read_shape
from dashboard.data.model import CRS, Problem

NEIGHBOURHOODS_FILE = "neighbourhoods.geojson"
# Where the page fetches the validated polygons from (MapLibre loads them once per page).
NEIGHBOURHOODS_PATH = "/geodata/neighbourhoods.geojson"
COLUMNS = ("nbhd_id", "name_en", "name_ar", "csr_id", "source_id")
_SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
# Aleppo city with a wide margin: a polygon outside it is a wrong file or swapped lat/lon.
CITY_BOUNDS = (36.9, 36.0, 37.5, 36.5)  # west, south, east, north


def _feature_problem(feature: object, seen: set[str]) -> tuple[str, str] | None:
    """(field, reason) of what is wrong with one feature, or None."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "type", 'must be a GeoJSON "Feature"'
    props = feature.get("properties")
    if not isinstance(props, dict):
        return "properties", "must be an object"
    nbhd_id = props.get("nbhd_id")
    if not isinstance(nbhd_id, str) or not _SNAKE.match(nbhd_id):
        return "nbhd_id", "must be snake_case text"
    if nbhd_id in seen:
        return "nbhd_id", f"{nbhd_id!r} is used by an earlier feature"
    if not isinstance(props.get("name_en"), str) or not props["name_en"].strip():
        return "name_en", "is required"
    shape, reason = read_shape(feature.get("geometry"), ("Polygon", "MultiPolygon"))
    if shape is None:
        return "geometry", reason
    west, south, east, north = shape.bounds
    cw, cs, ce, cn = CITY_BOUNDS
    if not (cw <= west <= east <= ce and cs <= south <= north <= cn):
        return "geometry", (f"lies outside Aleppo city (longitude {cw}..{ce}, latitude "
                            f"{cs}..{cn}); swapped latitude and longitude?")
    if not shape.is_valid:
        return "geometry", f"is not a valid polygon ({shapely.is_valid_reason(shape)})"
    return None


def empty_neighbourhoods() -> gpd.GeoDataFrame:
    """A frame with the neighbourhood columns and no rows."""
    return gpd.GeoDataFrame({c: [] for c in COLUMNS}, geometry=[], crs=CRS)


def load_neighbourhoods(path: Path, label: str | None = None
                        ) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """The valid neighbourhoods of `path` (EPSG:4326, one row each) and a problem per bad
    feature (left out) or unreadable file. A missing file is no problem: the map is drawn
    without the city's fabric. Never raises for bad input."""
    label = label or str(path)
    if not path.exists():
        return empty_neighbourhoods(), []
    value, text, problems = read_json(path, label)
    if value is None:
        return empty_neighbourhoods(), problems
    features = value.get("features") if isinstance(value, dict) else None
    if not isinstance(features, list):
        problems.append(Problem(label, 1, "features", 'must be a GeoJSON "FeatureCollection"'))
        return empty_neighbourhoods(), problems
    lines = array_item_lines(text or "", "features", len(features))
    rows, shapes, seen = [], [], set()
    for number, (feature, line) in enumerate(zip(features, lines, strict=True), start=1):
        wrong = _feature_problem(feature, seen)
        if wrong is not None:
            field, reason = wrong
            where = f" (feature {number})" if line is None else ""
            problems.append(Problem(label, line, field, f"{reason}{where}, left out"))
            continue
        props = feature["properties"]
        seen.add(props["nbhd_id"])
        if not str(props.get("name_ar") or "").strip():
            problems.append(Problem(label, line, "name_ar", "no Arabic name", "warning"))
        rows.append({c: props.get(c) for c in COLUMNS})
        shapes.append(shapely.geometry.shape(feature["geometry"]))
    if not rows:
        return empty_neighbourhoods(), problems
    frame = gpd.GeoDataFrame(rows, geometry=shapes, crs=CRS)
    return frame, problems
