"""Build geodata/neighbourhoods.geojson, Aleppo's neighbourhood polygons (the city's fabric).

    git -C SNAPSHOT show 3f750b94c646839365f93b41d23d4db99fc32d45:map/data/Neighborhoods.geojson \
        > Neighborhoods.geojson
    python scripts/make_neighbourhoods.py Neighborhoods.geojson [--out OUT.geojson]

Input: `map/data/Neighborhoods.geojson` of the public repository
CenterForSpatialResearch/aleppo_test at commit 3f750b9 (MIT licence, (c) 2019 Columbia Center
for Spatial Research): 133 MultiPolygon features with `Id`, `NAME` (English transliteration) and
`NAME_A` (Arabic). The repository does not say where the polygons came from (geodata/SOURCES.md
says so too). The script checks the input's sha256, so a different file is refused, not
silently converted.

Output (EPSG:4326, coordinates rounded to 1e-6 degree, about 0.1 m, so shared edges stay shared):
one feature per distinct (Id, NAME) pair, its parts dissolved into one MultiPolygon, with
`nbhd_id` (a slug of NAME, unique), `name_en`, `name_ar`, `csr_id` (the input's Id) and
`source_id`. Features sorted by nbhd_id. Reproducible: the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from shapely import make_valid, set_precision
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
INPUT_SHA256 = "33d687e7b333851c115ea2c4edbd9d4b1a0b8a593137a365bb9cc085195bb28a"
SOURCE_ID = "csr-2019-aleppo-neighbourhoods"
PRECISION_DEG = 1e-6


def slug(name: str) -> str:
    """'ash-Sheikh Maqsoud' -> 'ash_sheikh_maqsoud' (ASCII, snake_case)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def _multipolygon(geometry) -> MultiPolygon:
    geometry = make_valid(set_precision(geometry, PRECISION_DEG))
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == "Polygon"]
    for g in getattr(geometry, "geoms", []):
        if g.geom_type == "MultiPolygon":
            parts += list(g.geoms)
    return MultiPolygon(sorted(parts, key=lambda p: p.bounds))


def _rounded(coords):
    if isinstance(coords, tuple | list) and coords and isinstance(coords[0], float | int):
        return [round(float(c), 6) for c in coords]
    return [_rounded(c) for c in coords]


def convert(data: dict) -> dict:
    """The project's FeatureCollection from the input's."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    arabic: dict[tuple[int, str], str] = {}
    for feature in data["features"]:
        props = feature["properties"]
        key = (int(props["Id"]), str(props["NAME"]).strip())
        groups[key].append(shape(feature["geometry"]))
        arabic.setdefault(key, str(props.get("NAME_A") or "").strip())
    features = []
    seen: set[str] = set()
    for (csr_id, name), parts in sorted(groups.items()):
        nbhd_id = slug(name)
        if nbhd_id in seen:
            nbhd_id = f"{nbhd_id}_{csr_id}"
        seen.add(nbhd_id)
        geometry = mapping(_multipolygon(unary_union(parts)))
        features.append({
            "type": "Feature",
            "properties": {"nbhd_id": nbhd_id, "name_en": name, "name_ar": arabic[(csr_id, name)],
                           "csr_id": csr_id, "source_id": SOURCE_ID},
            "geometry": {"type": "MultiPolygon",
                         "coordinates": _rounded(geometry["coordinates"])},
        })
    features.sort(key=lambda f: f["properties"]["nbhd_id"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("input", type=Path, help="Neighborhoods.geojson from aleppo_test@3f750b9")
    parser.add_argument("--out", type=Path, default=ROOT / "geodata" / "neighbourhoods.geojson")
    args = parser.parse_args(argv)
    raw = args.input.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != INPUT_SHA256:
        print(f"{args.input}: sha256 {digest} is not the expected {INPUT_SHA256} "
              "(aleppo_test@3f750b9 map/data/Neighborhoods.geojson)", file=sys.stderr)
        return 2
    out = convert(json.loads(raw))
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    # One feature per line: reviewable in a diff, and validation can name the line.
    text = text.replace('},{"type":"Feature"', '},\n{"type":"Feature"')
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(out['features'])} neighbourhoods, {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
