"""Synthetic UCDP-GED-shaped CSV: header, determinism, realism, clean import."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.data.importers import import_file
from dashboard.data.synth import SYRIA_CENTROID, main, write_synthetic

# The 49-column header from /work/shared/ANCHORS.md section 3.
ANCHORS_HEADER = (
    "id, relid, year, active_year, code_status, type_of_violence, conflict_dset_id, "
    "conflict_new_id, conflict_name, dyad_dset_id, dyad_new_id, dyad_name, side_a_dset_id, "
    "side_a_new_id, side_a, side_b_dset_id, side_b_new_id, side_b, number_of_sources, "
    "source_article, source_office, source_date, source_headline, source_original, where_prec, "
    "where_coordinates, where_description, adm_1, adm_2, latitude, longitude, geom_wkt, "
    "priogrid_gid, country, country_id, region, event_clarity, date_prec, date_start, date_end, "
    "deaths_a, deaths_b, deaths_civilians, deaths_unknown, best, high, low, gwnoa, gwnob"
).split(", ")


def test_same_seed_same_file_other_seed_other_file(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    write_synthetic(a, 500, seed=7, chunk_rows=200)
    write_synthetic(b, 500, seed=7, chunk_rows=200)
    write_synthetic(c, 500, seed=8, chunk_rows=200)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_rows_are_realistic(tmp_path):
    path = tmp_path / "s.csv"
    write_synthetic(path, 3000, seed=1)
    df = pd.read_csv(path)
    assert list(df.columns) == ANCHORS_HEADER and len(df) == 3000
    assert df["id"].is_unique
    assert ((df["low"] <= df["best"]) & (df["best"] <= df["high"])).all()
    parts = df[["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]].sum(axis=1)
    assert (parts == df["best"]).all()
    assert df["best"].max() > 20 * df["best"].median()  # a heavy tail
    assert set(df["where_prec"]) == {1, 2, 3, 4, 6}
    assert (df["where_prec"] <= 2).mean() > 0.7
    country = df[df["where_prec"] == 6]
    assert np.allclose(country[["latitude", "longitude"]], SYRIA_CENTROID, atol=1e-3)
    assert set(df["date_prec"]) <= {1, 2, 3, 4} and (df["date_prec"] == 1).mean() > 0.7
    start = pd.to_datetime(df["date_start"])
    end = pd.to_datetime(df["date_end"])
    assert (end >= start).all() and ((end - start).dt.days > 0).any()
    assert start.min().year == 2016 and end.max() <= pd.Timestamp("2016-12-31")
    assert set(df["type_of_violence"]) == {1, 2, 3}
    near_aleppo = (df["latitude"] - 36.2012).abs().lt(0.3) & (df["longitude"] - 37.1612).abs().lt(
        0.3
    )
    assert near_aleppo.mean() > 0.2
    assert df["source_original"].str.contains("synthetic").all()


def test_imports_with_zero_rejections_and_no_warnings(tmp_path, capsys):
    path = tmp_path / "s.csv"
    assert main(["--events", "2500", "--out", str(path), "--seed", "3"]) == 0
    result = import_file(path)
    frame = result.frame()
    assert len(frame) == 2500
    assert result.counts.rejected == 0 and result.counts.warnings == 0
    assert result.counts.killed_best_total == int(pd.read_csv(path)["best"].sum())


def test_zero_events_writes_header_only(tmp_path):
    path = tmp_path / "s.csv"
    write_synthetic(path, 0)
    assert pd.read_csv(path).columns.tolist() == ANCHORS_HEADER
