"""Write a corpus of hostile but realistic UCDP GED and ACLED files for the importer's tests.

    python scripts/make_import_corpus.py OUT_DIR

Each file holds what real exports and re-saved spreadsheets contain: casualty figures too
large for any column, repeated event ids, a field over Python csv's size limit, a BOM, UTF-16,
Latin-1, a file cut inside a quote, NaN/inf coordinates, spreadsheet formulas and HTML in text
fields, gzip (whole and cut short), an empty and a header-only file, columns missing, an
unknown format. tests/test_import_corpus.py builds it in a temporary folder and states what
each file must give (rows imported, each rejection's line and field). Reproducible: the same
script writes the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Callable
from pathlib import Path

UCDP_HEADER = (
    "id", "relid", "year", "type_of_violence", "conflict_name", "side_a", "side_b",
    "source_article", "source_headline", "where_prec", "where_description", "adm_1", "country",
    "latitude", "longitude", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
)  # fmt: skip
ACLED_HEADER = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "admin1", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities",
)  # fmt: skip

# Text a spreadsheet would run or a browser would render, if either were given the chance.
FORMULA = '=HYPERLINK("http://example.invalid/x","click")'
HTML = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
OVERSIZED = 300_000  # characters; Python csv's default field limit is 131,072


def ucdp(event_id: object, **cells: object) -> dict[str, str]:
    """A valid UCDP GED record (Aleppo, 22 April 2016, 3 killed) with `cells` changed."""
    row = {
        "id": event_id, "relid": f"SYR-2016-1-{event_id}", "year": 2016,
        "type_of_violence": 1, "conflict_name": "Syria: Government",
        "side_a": "Government of Syria", "side_b": "Syrian insurgents",
        "source_article": "AFP 2016-04-22", "source_headline": "Shelling in Aleppo",
        "where_prec": 1, "where_description": "Aleppo city", "adm_1": "Aleppo governorate",
        "country": "Syria", "latitude": 36.2, "longitude": 37.15, "date_prec": 1,
        "date_start": "2016-04-22", "date_end": "2016-04-22", "deaths_a": 1, "deaths_b": 1,
        "deaths_civilians": 1, "deaths_unknown": 0, "best": 3, "high": 5, "low": 2,
    }  # fmt: skip
    row.update(cells)
    return {k: str(v) for k, v in row.items()}


def acled(event_id: object, **cells: object) -> dict[str, str]:
    """A valid ACLED record (an air strike in Aleppo, 28 April 2016, 2 killed) with `cells`."""
    row = {
        "event_id_cnty": event_id, "event_date": "2016-04-28", "year": 2016,
        "time_precision": 1, "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike", "actor1": "Military Forces of Syria",
        "actor2": "Civilians", "admin1": "Aleppo", "location": "Aleppo", "latitude": 36.2,
        "longitude": 37.16, "geo_precision": 1, "source": "SOHR", "source_scale": "National",
        "notes": "Air strike on a market.", "fatalities": 2,
    }  # fmt: skip
    row.update(cells)
    return {k: str(v) for k, v in row.items()}


def _cell(text: str) -> str:
    if any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(header: tuple[str, ...], rows: list[dict[str, str]], newline: str = "\n") -> str:
    """Header and rows as CSV text (quoted only where needed, as spreadsheets write)."""
    lines = [",".join(header)]
    lines += [",".join(_cell(row.get(name, "")) for name in header) for row in rows]
    return newline.join(lines) + newline


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def huge_numbers() -> bytes:
    """2^31 fits (kept exactly); 10^20, 2^63 and 1e400 cannot be stored: those rows are out."""
    rows = [
        ucdp(1),
        ucdp(2, best=2**31, high=2**31, deaths_unknown=2**31 - 3),
        ucdp(3, best=10**20, high=10**20),
        ucdp(4, deaths_a=2**63),
        ucdp(5, high="1e400"),
        ucdp(6),
    ]
    return _utf8(csv_text(UCDP_HEADER, rows))


def ucdp_duplicate_ids() -> bytes:
    """Id 10 twice (the second is out); id 11's first row cannot be dated, so its second stays."""
    rows = [
        ucdp(10),
        ucdp(12),
        ucdp(10, best=9, high=9),
        ucdp(11, date_start="not a date"),
        ucdp(11),
    ]
    return _utf8(csv_text(UCDP_HEADER, rows))


def acled_duplicate_ids() -> bytes:
    """The same ACLED event exported twice, a line apart."""
    rows = [acled("SYR100"), acled("SYR101"), acled("SYR100")]
    return _utf8(csv_text(ACLED_HEADER, rows))


def oversized_field() -> bytes:
    """A 300,000-character description, and a quoted multi-line notes field just as long."""
    long_notes = ("Witnesses said:\n" + "x" * 99 + "\n") * (OVERSIZED // 116)
    rows = [
        ucdp(20),
        ucdp(21, where_description="A" * OVERSIZED),
        ucdp(22, source_article=long_notes),
        ucdp(23),
    ]
    return _utf8(csv_text(UCDP_HEADER, rows))


def bom_crlf() -> bytes:
    """Excel's "CSV UTF-8": a byte-order mark and CRLF line ends."""
    rows = [ucdp(30, where_description="Alep, quartier Bustan al-Qasr"), ucdp(31)]
    return _utf8("\ufeff" + csv_text(UCDP_HEADER, rows, newline="\r\n"))


def utf16() -> bytes:
    """Excel's "Unicode text": UTF-16 with a BOM, with Arabic place names."""
    rows = [acled("SYR200", location="حلب"), acled("SYR201", location="أعزاز")]
    return csv_text(ACLED_HEADER, rows, newline="\r\n").encode("utf-16")


def latin1() -> bytes:
    """A file re-saved in Windows-1252: one row has é, one is plain ASCII."""
    rows = [ucdp(40, where_description="Alep, quartier Salaheddine (été)"), ucdp(41)]
    return csv_text(UCDP_HEADER, rows).encode("cp1252")


def truncated_quote() -> bytes:
    """A download cut off inside the last record's quoted notes."""
    text = csv_text(ACLED_HEADER, [acled("SYR300"), acled("SYR301", notes="Shelling, then")])
    return _utf8(text[: text.rindex("then")])


def nan_inf_coordinates() -> bytes:
    """Coordinates a program wrote from NaN or infinity: those events cannot be placed."""
    rows = [
        ucdp(50),
        ucdp(51, latitude="nan"),
        ucdp(52, longitude="inf"),
        ucdp(53, latitude="-Infinity"),
        ucdp(54, longitude="1e999"),
        ucdp(55, latitude="NaN", longitude="NaN"),
        ucdp(56),
    ]
    return _utf8(csv_text(UCDP_HEADER, rows))


def formulas_html() -> bytes:
    """Spreadsheet formulas and HTML in text fields: data, kept as published."""
    rows = [
        acled("SYR400", notes=FORMULA, actor1="+cmd|' /C calc'!A0"),
        acled("SYR401", location=HTML, notes="@SUM(1+1)*cmd|' /C calc'!A0"),
        acled("SYR402", notes="-2+3"),
    ]
    return _utf8(csv_text(ACLED_HEADER, rows))


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # mtime=0: the same bytes every time


def gzipped() -> bytes:
    """A UCDP file as .csv.gz."""
    return _gzip(_utf8(csv_text(UCDP_HEADER, [ucdp(60), ucdp(61), ucdp(62)])))


def gzip_cut_short() -> bytes:
    """A .csv.gz download that stopped part way: what was read is kept."""
    rows = [ucdp(70 + i, where_description=f"place {i:05d}") for i in range(2000)]
    whole = _gzip(_utf8(csv_text(UCDP_HEADER, rows)))
    return whole[: len(whole) // 2]


def header_only() -> bytes:
    """An export with no events in its period."""
    return _utf8(csv_text(ACLED_HEADER, []))


def empty() -> bytes:
    """A zero-byte file (a failed download)."""
    return b""


def missing_columns() -> bytes:
    """A UCDP file with its casualty columns removed."""
    header = tuple(c for c in UCDP_HEADER if c not in ("best", "high"))
    return _utf8(csv_text(header, [ucdp(80)]))


def unknown_format() -> bytes:
    """Some other CSV altogether."""
    return b"name,lat,lon\nAleppo,36.2,37.15\n"


CORPUS: dict[str, Callable[[], bytes]] = {
    "ucdp_huge_numbers.csv": huge_numbers,
    "ucdp_duplicate_ids.csv": ucdp_duplicate_ids,
    "acled_duplicate_ids.csv": acled_duplicate_ids,
    "ucdp_oversized_field.csv": oversized_field,
    "ucdp_bom_crlf.csv": bom_crlf,
    "acled_utf16.csv": utf16,
    "ucdp_latin1.csv": latin1,
    "acled_truncated_quote.csv": truncated_quote,
    "ucdp_nan_inf_coordinates.csv": nan_inf_coordinates,
    "acled_formulas_html.csv": formulas_html,
    "ucdp.csv.gz": gzipped,
    "ucdp_cut_short.csv.gz": gzip_cut_short,
    "acled_header_only.csv": header_only,
    "empty.csv": empty,
    "ucdp_missing_columns.csv": missing_columns,
    "unknown_format.csv": unknown_format,
}


def write_corpus(out: Path) -> list[Path]:
    """Write every corpus file into `out` (created if needed); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in CORPUS.items():
        path = out / name
        path.write_bytes(build())
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: write the corpus into OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the files into")
    args = parser.parse_args(argv)
    for path in write_corpus(args.out):
        print(f"{path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
