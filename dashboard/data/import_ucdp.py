"""UCDP GED CSV rows -> incident columns. Published values are kept; oddities are warned about."""

from __future__ import annotations

import pandas as pd

from dashboard.data.import_rows import (
    ChunkIssues,
    incident_frame,
    join_nonempty,
    parse_code,
    parse_coordinates,
    parse_counts,
    parse_dates,
    quoted,
)

UCDP_REQUIRED: tuple[str, ...] = (
    "id", "date_start", "date_end", "date_prec", "latitude", "longitude",
    "where_prec", "type_of_violence", "low", "best", "high",
)  # fmt: skip
# Kept when a release has them; every other column is ignored.
UCDP_EXTRAS: tuple[str, ...] = (
    "side_a", "side_b", "conflict_name", "where_description", "adm_1", "adm_2", "country",
    "source_article", "source_headline", "source_original",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
)  # fmt: skip
UCDP_COLUMNS = UCDP_REQUIRED + UCDP_EXTRAS

# type_of_violence: 1 state-based, 2 non-state (both fighting between armed groups), 3 one-sided.
UCDP_CATEGORY = {1: "armed_clash", 2: "armed_clash", 3: "attack_on_civilians"}
REPORTER = "UCDP GED"


def _dates(raw: pd.DataFrame, issues: ChunkIssues) -> tuple[pd.Series, pd.Series]:
    start = parse_dates(raw["date_start"])
    issues.reject(raw["date_start"].isna(), "date_start", "missing: the event cannot be dated")
    issues.reject(
        start.isna(), "date_start", lambda: "unparseable date " + quoted(raw["date_start"])
    )
    end = parse_dates(raw["date_end"])
    issues.warn(raw["date_end"].isna(), "date_end", "missing, date_start used")
    bad_end = raw["date_end"].notna() & end.isna()
    issues.warn(
        bad_end,
        "date_end",
        lambda: "unparseable date " + quoted(raw["date_end"]) + ", date_start used",
    )
    end = end.fillna(start)
    issues.warn(end < start, "date_end", "before date_start, kept as published")
    return start, end


def _deaths(raw: pd.DataFrame, issues: ChunkIssues) -> dict[str, pd.Series]:
    deaths = {name: parse_counts(issues, raw[name], name) for name in ("low", "best", "high")}
    low, best, high = deaths["low"], deaths["best"], deaths["high"]
    issues.warn(raw["best"].isna(), "best", "missing")
    issues.warn((low > high).fillna(False), "low", "low > high, kept as published")
    outside = ((best < low) | (best > high)).fillna(False)
    issues.warn(
        outside,
        "best",
        lambda: (
            "best "
            + best.astype("string")
            + " outside low-high "
            + low.astype("string")
            + "-"
            + high.astype("string")
            + ", kept as published"
        ),
    )
    parts = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
    for name in parts:
        deaths[name] = parse_counts(issues, raw[name], name)
    total = sum(
        (deaths[name] for name in parts), start=pd.Series(0, index=raw.index, dtype="Int64")
    )
    differs = (total != best).fillna(False)
    issues.warn(
        differs,
        "deaths_civilians",
        lambda: (
            "deaths_a+deaths_b+deaths_civilians+deaths_unknown = "
            + total.astype("string")
            + " but best = "
            + best.astype("string")
        ),
    )
    return deaths


def _description(raw: pd.DataFrame, deaths: dict[str, pd.Series]) -> pd.Series:
    place = join_nonempty(
        [raw[c] for c in ("where_description", "adm_2", "adm_1", "country")], "; "
    )
    labels = {
        "deaths_a": "side A",
        "deaths_b": "side B",
        "deaths_civilians": "civilians",
        "deaths_unknown": "unknown",
    }
    counted = [labels[k] + " " + deaths[k].astype("string") for k in labels]
    breakdown = join_nonempty(counted, ", ")
    breakdown = "deaths by UCDP: " + breakdown
    return join_nonempty([place, breakdown], ". ")


def _titles(raw: pd.DataFrame, uid: pd.Series) -> tuple[pd.Series, pd.Series]:
    side_a, side_b = raw["side_a"], raw["side_b"]
    both = side_a.notna() & side_b.notna()
    one = side_a.fillna(side_b).fillna(raw["conflict_name"])
    head = "UCDP " + uid
    title_en = head.where(~both, head + ": " + side_a + " vs " + side_b)
    title_fr = head.where(~both, head + " : " + side_a + " contre " + side_b)
    alone = ~both & one.notna()
    title_en = title_en.where(~alone, head + ": " + one)
    title_fr = title_fr.where(~alone, head + " : " + one)
    return title_en, title_fr


def convert_ucdp_chunk(raw: pd.DataFrame, issues: ChunkIssues, dataset: str) -> pd.DataFrame:
    """Turn one chunk of UCDP GED records into incident rows; rejected rows are dropped."""
    lat = parse_coordinates(issues, raw["latitude"], "latitude", 90)
    lon = parse_coordinates(issues, raw["longitude"], "longitude", 180)
    start, end = _dates(raw, issues)
    issues.warn((lat == 0) & (lon == 0), "latitude", "coordinates 0,0, kept as published")
    date_prec = parse_code(issues, raw["date_prec"], "date_prec", range(1, 6))
    where_prec = parse_code(issues, raw["where_prec"], "where_prec", range(1, 8))
    issues.warn(
        (where_prec == 7).fillna(False),
        "where_prec",
        "7 (water or airspace) but coordinates given, kept as published",
    )
    violence = parse_code(issues, raw["type_of_violence"], "type_of_violence", (1, 2, 3))
    deaths = _deaths(raw, issues)
    issues.warn(raw["id"].isna(), "id", "missing, id made from the line number")
    line_ids = pd.Series(
        "line" + pd.Series(issues.lines).astype("string").to_numpy(),
        index=raw.index,
        dtype="string",
    )
    uid = raw["id"].str.strip().fillna(line_ids)
    title_en, title_fr = _titles(raw, uid)
    place = join_nonempty([raw["where_description"], raw["adm_1"]], ", ")
    one_sided = (violence == 3).fillna(False)
    issues.reject_repeated_ids(uid, "id")
    columns = {
        "id": "ucdp-" + uid,
        "dataset": dataset,
        "date_start": start,
        "date_end": end,
        "date_precision": date_prec,
        "category": violence.map(UCDP_CATEGORY, na_action="ignore").fillna("other"),
        "place_en": place,
        "place_fr": place,
        "lat": lat,
        "lon": lon,
        "geo_precision": where_prec,
        "side": "not_applicable",
        # In one-sided violence side_a is the perpetrator, as coded by UCDP.
        "attributed_to": raw["side_a"].where(one_sided),
        "attribution_claimant": pd.Series(REPORTER, index=raw.index).where(
            one_sided & raw["side_a"].notna()
        ),
        "killed_low": deaths["low"],
        "killed_best": deaths["best"],
        "killed_high": deaths["high"],
        "killed_best_reporter": REPORTER,
        "title_en": title_en,
        "title_fr": title_fr,
        "description_en": _description(raw, deaths),
        "source_text": join_nonempty(
            [raw["source_headline"], raw["source_original"], raw["source_article"]], " | "
        ),
    }
    frame = incident_frame(columns, len(raw))
    frame["warnings"] = issues.warnings_column()
    return issues.finish(frame[~issues.rejected])


__all__ = ["UCDP_COLUMNS", "UCDP_EXTRAS", "UCDP_REQUIRED", "convert_ucdp_chunk"]
