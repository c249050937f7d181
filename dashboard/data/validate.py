"""`python -m dashboard validate [PATH ...]`: check geodata folders or single files.

Prints one line per problem, `FILE:LINE: FIELD: reason`, then a one-line summary. Exits 0
when nothing is in error (warnings are printed but keep the record), else 1. Bad input of any
kind (missing path, directory, wrong encoding, truncated JSON, binary) is reported, not raised.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.config import DEFAULT_GEODATA
from dashboard.data._io import read_json
from dashboard.data._tables import Table, read_table
from dashboard.data.load import load_tables
from dashboard.data.manifest import MANIFEST, check_manifest
from dashboard.data.model import Problem, errors_of
from dashboard.data.neighbourhoods import NEIGHBOURHOODS_FILE, load_neighbourhoods
from dashboard.data.outlines import OUTLINES_FILE, load_outlines
from dashboard.data.schema import FILE_SPECS


@dataclass
class Report:
    """What one run found: problems, and valid/total record counts per file label."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add_tables(self, tables: dict[str, Table]) -> None:
        """Add the problems and counts of tables read by `load_tables` or `read_table`."""
        for table in tables.values():
            self.problems += table.problems
            if table.present:
                self.counts[table.label] = (len(table.frame), table.records)

    @property
    def errors(self) -> int:
        """How many problems left a record (or file) out."""
        return len(errors_of(self.problems))


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


def check_path(arg: str, report: Report) -> None:
    """Check one PATH argument (a geodata folder or a single file) into `report`."""
    path = Path(arg)
    if path.name == OUTLINES_FILE and not path.is_dir():
        report.problems += load_outlines(path, arg)[1]
    elif path.name == NEIGHBOURHOODS_FILE and not path.is_dir():
        report.problems += load_neighbourhoods(path, arg)[1]
    elif path.name in FILE_SPECS:
        # A single file is checked on its own: references into other files are not followed.
        # (A folder with a data file's name is reported as "is a directory".)
        report.add_tables({path.name: read_table(FILE_SPECS[path.name], path, arg)})
    elif path.is_dir():
        prefix = arg.rstrip("/\\") + "/"
        report.add_tables(load_tables(path, label_prefix=prefix))
        report.problems += load_outlines(path / OUTLINES_FILE, prefix + OUTLINES_FILE)[1]
        report.problems += load_neighbourhoods(path / NEIGHBOURHOODS_FILE,
                                               prefix + NEIGHBOURHOODS_FILE)[1]
        report.problems += check_manifest(path, label_prefix=prefix)
    elif path.name == MANIFEST:
        report.problems += _manifest_shape(path, arg)
    elif not path.exists():
        report.problems.append(Problem(arg, None, None, "no such file or folder"))
    else:
        names = ", ".join([*FILE_SPECS, OUTLINES_FILE, NEIGHBOURHOODS_FILE])
        reason = f"not a geodata file name (expected a folder or one of: {names})"
        report.problems.append(Problem(arg, None, None, reason))


def _manifest_shape(path: Path, label: str) -> list[Problem]:
    value, _, problems = read_json(path, label)
    if value is not None and not (isinstance(value, dict) and isinstance(value.get("files"),
                                                                          dict)):
        problems.append(Problem(label, 1, "files", 'must be {"files": {name: {...}}}'))
    return problems


def summary_line(report: Report) -> str:
    """`OK|FAILED: N errors, M warnings; file valid/total, ...`."""
    warnings = len(report.problems) - report.errors
    counts = ", ".join(
        f"{label} {valid}" if valid == total else f"{label} {valid}/{total}"
        for label, (valid, total) in report.counts.items()
    )
    verdict = "FAILED" if report.errors else "OK"
    return f"{verdict}: {report.errors} errors, {warnings} warnings; valid records: {counts or '-'}"


def main(argv: list[str] | None = None) -> int:
    """Validate each PATH (default: the shipped geodata/); print problems and a summary."""
    parser = argparse.ArgumentParser(prog="python -m dashboard validate", description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="geodata folder or file")
    args = parser.parse_args(argv)
    report = Report()
    for arg in args.paths or [_shown(DEFAULT_GEODATA)]:
        check_path(arg, report)
    for problem in report.problems:
        print(problem)
    print(summary_line(report))
    return 1 if report.errors else 0
