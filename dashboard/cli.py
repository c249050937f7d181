"""Command-line interface: `python -m dashboard <command>`.

Each command lives in the module of its feature; this file only dispatches, importing the
feature module when its command runs so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command -> (module, function, one-line help). The function receives argv (a list of str)
# and returns an exit code.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("dashboard.data.validate", "main", "validate geodata files or folders"),
    "derive": ("dashboard.data.derive", "main", "derive zone geometry (writes zones.geojson)"),
    "manifest": ("dashboard.data.manifest", "main", "rewrite geodata/manifest.json"),
    "import": ("dashboard.data.importers", "main", "import a UCDP GED or ACLED CSV"),
    "synth": ("dashboard.data.synth", "main", "write a synthetic UCDP-GED-shaped CSV"),
    "export": ("dashboard.export.cli", "main", "export map/chart images or the briefing pack"),
}


def main(argv: list[str] | None = None) -> int:
    """Dispatch to a command; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("command", choices=sorted(COMMANDS), help="what to do")
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        lines = [f"  {name:<9} {spec[2]}" for name, spec in sorted(COMMANDS.items())]
        print("\ncommands:\n" + "\n".join(lines))
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        parser.error(f"unknown command {argv[0]!r}")
    module_name, function_name, _ = COMMANDS[argv[0]]
    command = getattr(importlib.import_module(module_name), function_name)
    return int(command(argv[1:]) or 0)
