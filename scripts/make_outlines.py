"""Build geodata/outlines.geojson, the offline map's land, country boundaries and country labels.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/make_outlines.py package/ [--out geodata/outlines.geojson]

Input: the `world-atlas` npm package 2.0.2 (ISC), Natural Earth 4.1.0's 1:50m admin-0 countries
as TopoJSON (Natural Earth is public domain). Natural Earth draws boundaries as they are held on
the ground (de facto), so the map says so in its legend; the lines are not a statement on
sovereignty. Output (EPSG:4326, coordinates rounded to 0.001°, about 100 m):

- one "land" MultiPolygon: the union of every country inside EXTENT, simplified;
- one "boundary" MultiLineString: every arc two countries share (coasts come from the land);
- one "label" Point per country in LABELLED (its largest part's representative point), with
  its ISO 3166 alpha-2 code: the page names it in the viewer's language (CLDR, through Babel).

Reproducible: the same package gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from shapely import set_precision
from shapely.geometry import LineString, Polygon, box, mapping
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
# West to east, the mid-Atlantic to India; south to north, the equator to the Arctic: enough for
# the widest briefing view (Geneva to Damascus at zoom 3.2 on a 1920 px screen).
EXTENT = (-45.0, 0.0, 95.0, 72.0)
SIMPLIFY_DEG = 0.02  # ~2 km: under 2 px at the "northern Syria" zoom
PRECISION_DEG = 0.001
# ISO 3166-1 numeric (Natural Earth's id) to alpha-2, for the countries the map names.
LABELLED = {
    "760": "SY", "792": "TR", "368": "IQ", "422": "LB", "400": "JO", "376": "IL", "275": "PS",
    "196": "CY", "818": "EG", "682": "SA", "364": "IR", "756": "CH", "643": "RU", "276": "DE",
    "250": "FR", "380": "IT", "300": "GR", "804": "UA",
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list, indices: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(arcs: list, geometry: dict) -> list[Polygon]:
    parts = {"Polygon": [geometry.get("arcs", [])],
             "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
    return [Polygon(_ring(arcs, rings[0]), [_ring(arcs, r) for r in rings[1:]]).buffer(0)
            for rings in parts if rings]


def _arc_uses(geometries: list[dict]) -> Counter:
    uses: Counter = Counter()
    for geometry in geometries:
        parts = {"Polygon": [geometry.get("arcs", [])],
                 "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
        for rings in parts:
            for ring in rings:
                uses.update(i if i >= 0 else ~i for i in ring)
    return uses


def _clean(geom):
    return set_precision(geom.simplify(SIMPLIFY_DEG, preserve_topology=True), PRECISION_DEG)


def build_outlines(topology: dict) -> dict:
    """The FeatureCollection described in the module docstring."""
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    extent = box(*EXTENT)
    land = unary_union([p for g in geometries for p in _polygons(arcs, g)]).intersection(extent)
    shared = [LineString(arcs[i]) for i, n in sorted(_arc_uses(geometries).items()) if n >= 2]
    boundaries = unary_union([line for line in shared if line.intersects(extent)])
    features = [
        {"type": "Feature", "properties": {"kind": "land"}, "geometry": mapping(_clean(land))},
        {"type": "Feature", "properties": {"kind": "boundary"},
         "geometry": mapping(_clean(boundaries.intersection(extent)))},
    ]
    for geometry in geometries:
        code = LABELLED.get(str(geometry.get("id")))
        parts = _polygons(arcs, geometry) if code else []
        if not parts:
            continue
        inside = [p.intersection(extent) for p in parts if p.intersects(extent)]
        if not inside:
            continue
        largest = max(inside, key=lambda p: p.area)  # Russia: its part inside the extent
        point = set_precision(largest.representative_point(), 0.01)
        features.append({"type": "Feature",
                         "properties": {"kind": "label", "iso_a2": code,
                                        "name_en": geometry["properties"]["name"]},
                         "geometry": mapping(point)})
    return {"type": "FeatureCollection",
            "name": "Natural Earth 1:50m admin-0 (world-atlas 2.0.2), de facto boundaries",
            "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked world-atlas package folder")
    parser.add_argument("--out", type=Path, default=ROOT / "geodata" / "outlines.geojson")
    args = parser.parse_args(argv)
    topology = json.loads((args.package / "countries-50m.json").read_text(encoding="utf-8"))
    outlines = build_outlines(topology)
    # One feature per line: a problem can name its line, and a diff shows what changed.
    lines = [json.dumps(f, separators=(",", ":"), ensure_ascii=False)
             for f in outlines["features"]]
    text = ('{"type":"FeatureCollection","name":' + json.dumps(outlines["name"]) +
            ',"features":[\n' + ",\n".join(lines) + "\n]}\n")
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text):,} bytes, {len(outlines['features'])} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
