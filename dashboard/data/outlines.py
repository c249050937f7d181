"""The offline map's outlines (geodata/outlines.geojson): land, country boundaries, labels.

Made by scripts/make_outlines.py from Natural Earth (public domain). They are not incidents
and not part of the sourced record: a map without them still works, so the file is optional,
a broken one is a warning, and each bad feature is left out with its line and reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.data._io import array_item_lines, read_json, read_shape
from dashboard.data.model import Problem

OUTLINES_FILE = "outlines.geojson"
# Where the page fetches the validated outlines from (MapLibre loads them once per page).
OUTLINES_PATH = "/geodata/outlines.geojson"
GEOMETRY_TYPES: dict[str, tuple[str, ...]] = {
    "land": ("Polygon", "MultiPolygon"),
    "boundary": ("LineString", "MultiLineString"),
    "label": ("Point",),
}
_ISO_A2 = re.compile(r"^[A-Z]{2}$")


def _feature_problem(feature: object) -> tuple[str, str] | None:
    """(field, reason) of what is wrong with one feature, or None."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "type", 'must be a GeoJSON "Feature"'
    properties = feature.get("properties")
    kind = properties.get("kind") if isinstance(properties, dict) else None
    if kind not in GEOMETRY_TYPES:
        return "kind", f"must be one of {', '.join(GEOMETRY_TYPES)}"
    if kind == "label" and not _ISO_A2.match(str(properties.get("iso_a2", ""))):
        return "iso_a2", "a label needs an ISO 3166 alpha-2 code (two capital letters)"
    shape, reason = read_shape(feature.get("geometry"), GEOMETRY_TYPES[kind])
    if shape is None:
        return "geometry", (f"a {kind} {reason}" if reason.startswith("must") else reason)
    west, south, east, north = shape.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return "geometry", "coordinates outside longitude -180..180 / latitude -90..90"
    return None


def load_outlines(path: Path, label: str | None = None) -> tuple[dict | None, list[Problem]]:
    """The valid features of `path` as a FeatureCollection (None when none is usable), and
    a warning per feature or file problem. Never raises for bad input."""
    label = label or str(path)
    if not path.exists():
        return None, []  # optional: the map is drawn without land and boundaries
    value, text, problems = read_json(path, label)
    problems = [Problem(p.file, p.line, p.field, p.reason, "warning") for p in problems]
    if value is None:
        return None, problems
    features = value.get("features") if isinstance(value, dict) else None
    if not isinstance(features, list):
        problems.append(Problem(label, 1, "features", 'must be a GeoJSON "FeatureCollection"',
                                "warning"))
        return None, problems
    lines = array_item_lines(text or "", "features", len(features))
    kept = []
    for number, (feature, line) in enumerate(zip(features, lines, strict=True), start=1):
        wrong = _feature_problem(feature)
        if wrong is None:
            kept.append(feature)
            continue
        field, reason = wrong
        where = "" if line is not None else f" (feature {number})"
        problems.append(Problem(label, line, field, reason + where + ", left out", "warning"))
    if not kept:
        return None, problems
    return {"type": "FeatureCollection", "features": kept}, problems
