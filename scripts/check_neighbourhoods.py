"""Check that every Aleppo neighbourhood point of the geodata lies inside its OCHA polygon.

    python scripts/check_neighbourhoods.py OCHA_JSON [--geodata DIR]

OCHA_JSON is the UN-OCHA neighbourhood file the coordinates were read from (see
geodata/SOURCES.md: `aleppo_neighborhoods_v1.json`, items with `pCode` and `boundaryWkt`). It is
not shipped (its licence is not stated), so this is a check to run by hand, not a test.
Places whose `coord_source` names an OCHA unit (`OCHA-N N0xxx`) are checked, and so are the
incidents and control rows placed at them. Exit 0 when all are inside, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from shapely import wkt
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parent.parent
OCHA_CODE = re.compile(r"OCHA-N (N\d{4})")


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ocha_json", type=Path)
    parser.add_argument("--geodata", type=Path, default=ROOT / "geodata")
    args = parser.parse_args(argv)
    polygons = {item["pCode"]: wkt.loads(item["boundaryWkt"])
                for item in json.loads(args.ocha_json.read_text(encoding="utf-8"))["items"]}
    places = {row["place_id"]: row for row in _rows(args.geodata / "places.csv")}
    checked = outside = 0
    for file_name in ("places.csv", "incidents.csv", "control.csv"):
        for line, row in enumerate(_rows(args.geodata / file_name), start=2):
            place = places.get(row.get("place_id", ""))
            code = OCHA_CODE.search(place["coord_source"] if place else "")
            lat, lon = (row.get("lat") or place["lat"], row.get("lon") or place["lon"]) \
                if code else ("", "")
            if not code or not lat or not lon:
                continue
            polygon = polygons.get(code.group(1))
            checked += 1
            if polygon is None or not polygon.contains(Point(float(lon), float(lat))):
                outside += 1
                print(f"{file_name}:{line}: lat/lon: {row['place_id']} ({lat}, {lon}) is not "
                      f"inside OCHA unit {code.group(1)}")
    print(f"{checked} neighbourhood points checked, {outside} outside their OCHA polygon")
    return 1 if outside else 0


if __name__ == "__main__":
    sys.exit(main())
