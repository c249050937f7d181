"""Build geodata/ucdp_ged191_aleppo_2016.csv: UCDP GED events in Aleppo governorate in 2016.

    git -C SNAPSHOT show HEAD:data/ucdp_syria_df.rda > ucdp_syria_df.rda
    pip install pyreadr==0.5.8   # reads R data files; only this script needs it
    python scripts/make_ucdp_aleppo.py ucdp_syria_df.rda [--out OUT.csv]

Input: `data/ucdp_syria_df.rda` of the public repository knapply/data4ds4da, which stores the
UCDP GED Syria release 20160101-20191130 (version 652.1601.1911; the GED 19.1 variables and
codebook; all clear events, without the 25-deaths threshold of the global release). UCDP data
are CC BY 4.0: cite Sundberg, Ralph and Erik Melander (2013), "Introducing the UCDP
Georeferenced Event Dataset", Journal of Peace Research 50(4): 523-532, and the release
(Högbladh, Stina (2019), "UCDP GED Codebook version 19.1", Uppsala University).

Output: the rows whose `adm_1` is "Aleppo Governorate" and whose `year` is 2016, every column as
published (nothing recomputed, nothing dropped), sorted by `id`, whole numbers written without
a decimal point. The app reads the file with its UCDP importer (dashboard/data/import_ucdp.py)
as the optional layer "UCDP GED" — never merged with, or added to, the curated incidents.
The script checks the input's sha256. Reproducible: the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUT_SHA256 = "8958fc493595566ce20b284b3142e55b313e6af4f699432adef0a09c5753db96"
GOVERNORATE, YEAR = "Aleppo Governorate", 2016


def extract(frame):
    """The Aleppo-governorate 2016 rows of the Syria release, as published."""
    import pandas as pd

    rows = frame[(frame["adm_1"] == GOVERNORATE) & (frame["year"] == YEAR)].copy()
    for column in rows.columns:
        values = rows[column]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            rows[column] = values.astype("Int64")  # R stores whole numbers as doubles
    return rows.sort_values("id", kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("input", type=Path, help="ucdp_syria_df.rda from knapply/data4ds4da")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "geodata" / "ucdp_ged191_aleppo_2016.csv")
    args = parser.parse_args(argv)
    digest = hashlib.sha256(args.input.read_bytes()).hexdigest()
    if digest != INPUT_SHA256:
        print(f"{args.input}: sha256 {digest} is not the expected {INPUT_SHA256}",
              file=sys.stderr)
        return 2
    import pyreadr

    frame = next(iter(pyreadr.read_r(str(args.input)).values()))
    rows = extract(frame)
    rows.to_csv(args.out, index=False, lineterminator="\n")
    print(f"{args.out}: {len(rows)} events, best-estimate deaths {int(rows['best'].sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
