"""The shipped geodata/ validates: no record is left out."""

from __future__ import annotations

from dashboard.data.load import load_dataset
from dashboard.data.model import errors_of
from dashboard.data.validate import main


def test_shipped_geodata_validates(capsys):
    code = main([])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1].startswith("OK: 0 errors")


def test_shipped_geodata_loads_complete():
    """(How long it takes is a figure `python -m bench.dataset` prints, not a test.)"""
    data = load_dataset()
    assert errors_of(data.problems) == ()
    assert len(data.incidents) >= 40 and data.incidents["id"].is_unique
    assert len(data.zones) and len(data.routes) and len(data.scenes)
