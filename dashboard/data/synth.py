"""Synthetic UCDP-GED-shaped CSV for load tests: `python -m dashboard synth --events N --out F`.

Every row is fictitious and says so (`source_original`, headlines, id range from 900000000).
The shape follows UCDP GED: points clustered around Syrian cities, precision codes, date spans,
low <= best <= high with a heavy tail, deaths split by side summing to best. Vectorised with
numpy and written in chunks through pyarrow's CSV writer, so a million rows take seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

UCDP_HEADER: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid",
    "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    "gwnoa", "gwnob",
)  # fmt: skip

# Approximate city points (lat, lon) and how often events fall near each.
CITIES: tuple[tuple[str, float, float, float], ...] = (
    ("Aleppo", 36.2012, 37.1612, 0.30),
    ("Damascus", 33.5102, 36.2913, 0.14),
    ("Homs", 34.73, 36.72, 0.08),
    ("Idlib", 35.93, 36.63, 0.12),
    ("Deir ez-Zor", 35.33, 40.14, 0.08),
    ("Raqqa", 35.95, 39.01, 0.07),
    ("Hama", 35.13, 36.75, 0.08),
    ("Daraa", 32.62, 36.10, 0.08),
    ("Latakia", 35.53, 35.79, 0.05),
)
SYRIA_CENTROID = (34.8021, 38.9968)  # approximate country centroid, used for where_prec 6
SYRIA_BOX = ((32.31, 37.32), (35.72, 42.38))  # (lat range, lon range), approximate
# (type_of_violence, side_a, side_b, weight within its type, synthetic side ids)
DYADS: tuple[tuple[int, str, str, float, int, int], ...] = (
    (1, "Government of Syria", "Syrian insurgents", 0.7, 90011, 90012),
    (1, "Government of Syria", "IS", 0.3, 90011, 90013),
    (2, "IS", "Syrian insurgents", 0.6, 90013, 90012),
    (2, "PYD", "IS", 0.4, 90014, 90013),
    (3, "Government of Syria", "Civilians", 0.5, 90011, 1),
    (3, "IS", "Civilians", 0.3, 90013, 1),
    (3, "Syrian insurgents", "Civilians", 0.2, 90012, 1),
)
VIOLENCE_SHARE = {1: 0.6, 2: 0.2, 3: 0.2}
# Share of deaths among (side A, side B, civilians, unknown) by type_of_violence.
DEATH_SHARES = {1: (0.35, 0.35, 0.15, 0.15), 2: (0.4, 0.4, 0.1, 0.1), 3: (0.0, 0.0, 0.95, 0.05)}
FOCUS = (np.datetime64("2016-04-22"), 17)  # a surge over the Aleppo crisis window (days)
YEAR_START, YEAR_DAYS = np.datetime64("2016-01-01"), 366
ID_BASE = 900_000_000


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(str), type=pa.string())


def _coordinates(rng, n: int, city: np.ndarray, where_prec: np.ndarray):
    table = np.array([(c[1], c[2]) for c in CITIES])
    k = np.arange(len(CITIES))
    # Fixed offsets stand in for admin-unit centroids, so imprecise events stack on one point.
    adm2 = table + np.column_stack([((k % 3) - 1) * 0.07, ((k % 2) * 2 - 1) * 0.05])
    adm1 = table + np.column_stack([((k % 2) * 2 - 1) * 0.2, ((k % 3) - 1) * 0.25])
    spread = np.select([where_prec == 1, where_prec == 2], [0.03, 0.12], 0.0)
    point = table[city] + rng.normal(0.0, 1.0, (n, 2)) * spread[:, None]
    point = np.where((where_prec == 3)[:, None], adm2[city], point)
    point = np.where((where_prec == 4)[:, None], adm1[city], point)
    point = np.where((where_prec == 6)[:, None], np.array(SYRIA_CENTROID), point)
    lat = np.clip(point[:, 0], *SYRIA_BOX[0]).round(4)
    lon = np.clip(point[:, 1], *SYRIA_BOX[1]).round(4)
    return lat, lon


def _dates(rng, n: int):
    uniform = rng.integers(0, YEAR_DAYS, n)
    focus = (FOCUS[0] - YEAR_START).astype(int) + rng.integers(0, FOCUS[1], n)
    start = YEAR_START + np.where(rng.random(n) < 0.15, focus, uniform).astype("timedelta64[D]")
    date_prec = rng.choice([1, 2, 3, 4], n, p=[0.8, 0.1, 0.05, 0.05])
    end = start + np.where(date_prec == 2, rng.integers(1, 6, n), 0).astype("timedelta64[D]")
    monday = start - ((start - np.datetime64("1970-01-05")).astype(int) % 7).astype("m8[D]")
    start = np.where(date_prec == 3, monday, start)
    end = np.where(date_prec == 3, monday + np.timedelta64(6, "D"), end)
    month = start.astype("datetime64[M]")
    start = np.where(date_prec == 4, month.astype("datetime64[D]"), start)
    end = np.where(date_prec == 4, (month + 1).astype("datetime64[D]") - 1, end)
    start = np.maximum(start, YEAR_START)
    end = np.minimum(end, YEAR_START + np.timedelta64(YEAR_DAYS - 1, "D"))
    return start, end, date_prec


def _deaths(rng, n: int, violence: np.ndarray):
    best = np.minimum(np.floor(rng.lognormal(0.0, 1.3, n)), 3000).astype(np.int64)
    best = np.where(rng.random(n) < 0.03, 0, best + 1)
    low = best - rng.binomial(best, 0.4 * rng.random(n))
    high = best + rng.binomial(2 * best + 1, 0.3 * rng.random(n))
    split = np.zeros((n, 4), dtype=np.int64)
    for kind, shares in DEATH_SHARES.items():
        rows = violence == kind
        split[rows] = rng.multinomial(best[rows], shares)
    return best, low, high, split


def make_chunk(rng: np.random.Generator, first_id: int, n: int) -> pa.Table:
    """`n` synthetic UCDP GED rows (ids from `first_id`) as a pyarrow table."""
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    weights = np.array([c[3] for c in CITIES])
    city = rng.choice(len(CITIES), n, p=weights / weights.sum())
    where_prec = rng.choice([1, 2, 3, 4, 6], n, p=[0.55, 0.26, 0.1, 0.06, 0.03])
    lat, lon = _coordinates(rng, n, city, where_prec)
    start, end, date_prec = _dates(rng, n)
    dyad_weights = np.array([VIOLENCE_SHARE[d[0]] * d[3] for d in DYADS])
    dyad = rng.choice(len(DYADS), n, p=dyad_weights / dyad_weights.sum())
    pick = np.array(DYADS, dtype=object)[dyad]
    violence = pick[:, 0].astype(np.int64)
    side_a, side_b = pick[:, 1].astype(str), pick[:, 2].astype(str)
    best, low, high, split = _deaths(rng, n, violence)
    names = np.array([c[0] for c in CITIES])[city]
    country_only = where_prec == 6
    start_text = np.char.add(np.datetime_as_string(start, unit="D"), " 00:00:00.000")
    day = np.datetime_as_string(start, unit="D")
    headline = np.char.add(np.char.add("Synthetic event ", ids.astype(str)), " near ")
    headline = np.char.add(headline, names)
    # A few quoted newlines, as in real source fields, to exercise CSV readers.
    headline = np.where(rng.random(n) < 0.001, np.char.add(headline, "\n(second line)"), headline)
    gid = (np.floor((lat + 90) / 0.5) * 720 + np.floor((lon + 180) / 0.5) + 1).astype(np.int64)
    government = side_a == "Government of Syria"
    columns = {
        "id": ids, "relid": _text(np.char.add("SYN-2016-", ids.astype(str))),
        "year": np.full(n, 2016), "active_year": (rng.random(n) < 0.95).astype(np.int64),
        "code_status": _text(np.full(n, "Clear")), "type_of_violence": violence,
        "conflict_dset_id": 90000 + violence, "conflict_new_id": 90000 + violence,
        "conflict_name": _text(np.char.add(np.char.add(side_a, " - "), side_b)),
        "dyad_dset_id": 91000 + dyad, "dyad_new_id": 91000 + dyad,
        "dyad_name": _text(np.char.add(np.char.add(side_a, " - "), side_b)),
        "side_a_dset_id": pick[:, 4].astype(np.int64), "side_a_new_id": pick[:, 4].astype(np.int64),
        "side_a": _text(side_a),
        "side_b_dset_id": pick[:, 5].astype(np.int64), "side_b_new_id": pick[:, 5].astype(np.int64),
        "side_b": _text(side_b), "number_of_sources": 1 + rng.poisson(1.0, n),
        "source_article": _text(np.char.add(np.char.add('Synthetic Wire,"', day), '",synthetic')),
        "source_office": _text(np.full(n, "Synthetic Wire")), "source_date": _text(day),
        "source_headline": _text(headline),
        "source_original": _text(np.full(n, "synthetic; not a real report")),
        "where_prec": where_prec, "where_coordinates": _text(names),
        "where_description": _text(np.char.add("synthetic: near ", names)),
        "adm_1": pa.array(np.char.add(names, " governorate"), mask=country_only),
        "adm_2": pa.array(np.char.add(names, " district"), mask=country_only),
        "latitude": lat, "longitude": lon,
        "geom_wkt": _text(np.char.add(np.char.add(np.char.add(np.char.add(
            "POINT (", lon.astype(str)), " "), lat.astype(str)), ")")),
        "priogrid_gid": gid, "country": _text(np.full(n, "Syria")),
        "country_id": np.full(n, 652), "region": _text(np.full(n, "Middle East")),
        "event_clarity": rng.choice([1, 2], n, p=[0.9, 0.1]), "date_prec": date_prec,
        "date_start": _text(start_text),
        "date_end": _text(np.char.add(np.datetime_as_string(end, unit="D"), " 00:00:00.000")),
        "deaths_a": split[:, 0], "deaths_b": split[:, 1], "deaths_civilians": split[:, 2],
        "deaths_unknown": split[:, 3], "best": best, "high": high, "low": low,
        "gwnoa": pa.array(np.full(n, 652), mask=~government), "gwnob": pa.nulls(n, pa.int64()),
    }  # fmt: skip
    return pa.table({name: columns[name] for name in UCDP_HEADER})


def write_synthetic(
    out: Path | str, events: int, seed: int = 2016, chunk_rows: int = 100_000
) -> None:
    """Write `events` synthetic UCDP GED rows to `out`; the same seed gives the same file."""
    rng = np.random.default_rng(seed)
    out = Path(out)
    writer = None
    try:
        for first in range(0, max(events, 0), chunk_rows):
            table = make_chunk(rng, ID_BASE + first, min(chunk_rows, events - first))
            if writer is None:
                writer = pacsv.CSVWriter(str(out), table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # zero events: a header-only file
        out.write_text('"' + '","'.join(UCDP_HEADER) + '"\n', encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard synth --events N --out FILE [--seed S]`."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard synth", description="Write a synthetic UCDP-GED-shaped CSV."
    )
    parser.add_argument("--events", type=int, required=True, help="number of rows")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=2016, help="random seed (default 2016)")
    args = parser.parse_args(argv)
    if args.events < 0:
        parser.error("--events must be 0 or more")
    started = time.perf_counter()
    try:
        write_synthetic(args.out, args.events, args.seed)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {args.events} synthetic events to {args.out} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0
