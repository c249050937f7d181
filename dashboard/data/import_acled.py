"""ACLED export CSV rows -> incident columns, mapping ACLED's codes onto the project's scales."""

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

ACLED_REQUIRED: tuple[str, ...] = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
    "latitude", "longitude", "geo_precision", "fatalities",
)  # fmt: skip
ACLED_EXTRAS: tuple[str, ...] = (
    "actor1", "actor2", "location", "admin1", "admin2", "country", "source", "source_scale",
    "notes",
)  # fmt: skip
ACLED_COLUMNS = ACLED_REQUIRED + ACLED_EXTRAS

# Older exports wrote dates as `22 April 2016` or `22-April-2016`.
ACLED_DATE_FORMATS = ("%d %B %Y", "%d-%B-%Y")
# ACLED precision codes on the project (UCDP) scales, see geodata/FORMAT.md.
GEO_PRECISION = {1: 1, 2: 2, 3: 4}
TIME_PRECISION = {1: 1, 2: 3, 3: 4}

EVENT_CATEGORY = {
    "Battles": "armed_clash",
    "Violence against civilians": "attack_on_civilians",
    "Protests": "protest",
    "Riots": "protest",
    "Strategic developments": "other",
    "Explosions/Remote violence": "other",
}
SUB_EVENT_CATEGORY = {
    "Air/drone strike": "air_raid",
    "Shelling/artillery/missile attack": "shelling",
}
# Categories where ACLED's actor1 is the party said to have done it.
ATTRIBUTED = ("air_raid", "shelling", "attack_on_civilians")

# French for ACLED's fixed vocabulary (titles only; names and notes stay as published).
LABEL_FR = {
    "Battles": "Combats",
    "Armed clash": "Affrontement armé",
    "Government regains territory": "Le gouvernement reprend du terrain",
    "Non-state actor overtakes territory": "Un acteur non étatique prend du terrain",
    "Explosions/Remote violence": "Explosions/violence à distance",
    "Air/drone strike": "Frappe aérienne ou de drone",
    "Shelling/artillery/missile attack": "Bombardement d'artillerie ou de missiles",
    "Remote explosive/landmine/IED": "Engin explosif/mine/EEI",
    "Suicide bomb": "Attentat-suicide",
    "Grenade": "Grenade",
    "Chemical weapon": "Arme chimique",
    "Violence against civilians": "Violence contre des civils",
    "Attack": "Attaque",
    "Abduction/forced disappearance": "Enlèvement/disparition forcée",
    "Sexual violence": "Violence sexuelle",
    "Protests": "Manifestations",
    "Peaceful protest": "Manifestation pacifique",
    "Protest with intervention": "Manifestation avec intervention",
    "Excessive force against protesters": "Force excessive contre des manifestants",
    "Riots": "Émeutes",
    "Violent demonstration": "Manifestation violente",
    "Mob violence": "Violence collective",
    "Strategic developments": "Évolutions stratégiques",
    "Agreement": "Accord",
    "Arrests": "Arrestations",
    "Change to group/activity": "Changement de groupe ou d'activité",
    "Disrupted weapons use": "Usage d'armes empêché",
    "Headquarters or base established": "Quartier général ou base établi",
    "Looting/property destruction": "Pillage/destruction de biens",
    "Non-violent transfer of territory": "Transfert de territoire sans violence",
    "Other": "Autre",
}


def _category(raw: pd.DataFrame, issues: ChunkIssues) -> pd.Series:
    event_type = raw["event_type"].str.strip()
    category = event_type.map(EVENT_CATEGORY, na_action="ignore")
    issues.warn(
        category.isna(),
        "event_type",
        lambda: "unknown event type " + quoted(raw["event_type"]) + ", category other",
    )
    sub = raw["sub_event_type"].str.strip().map(SUB_EVENT_CATEGORY, na_action="ignore")
    explosion = event_type == "Explosions/Remote violence"
    category = category.where(~(explosion & sub.notna()).fillna(False), sub)
    return category.fillna("other").astype("string")


def _mapped_code(issues, raw: pd.Series, name: str, mapping: dict[int, int]) -> pd.Series:
    code = parse_code(issues, raw, name, tuple(mapping))
    # Codes outside ACLED's 1-3 have no meaning on the project scale: warned above, left empty.
    return code.map(mapping, na_action="ignore").astype("Int8")


def convert_acled_chunk(raw: pd.DataFrame, issues: ChunkIssues, dataset: str) -> pd.DataFrame:
    """Turn one chunk of ACLED records into incident rows; rejected rows are dropped."""
    lat = parse_coordinates(issues, raw["latitude"], "latitude", 90)
    lon = parse_coordinates(issues, raw["longitude"], "longitude", 180)
    date = parse_dates(raw["event_date"], ACLED_DATE_FORMATS)
    issues.reject(raw["event_date"].isna(), "event_date", "missing: the event cannot be dated")
    issues.reject(
        date.isna(), "event_date", lambda: "unparseable date " + quoted(raw["event_date"])
    )
    issues.warn((lat == 0) & (lon == 0), "latitude", "coordinates 0,0, kept as published")
    time_prec = _mapped_code(issues, raw["time_precision"], "time_precision", TIME_PRECISION)
    geo_prec = _mapped_code(issues, raw["geo_precision"], "geo_precision", GEO_PRECISION)
    category = _category(raw, issues)
    fatalities = parse_counts(issues, raw["fatalities"], "fatalities")
    issues.warn(raw["fatalities"].isna(), "fatalities", "missing")
    issues.warn(
        raw["event_id_cnty"].isna(), "event_id_cnty", "missing, id made from the line number"
    )
    line_ids = pd.Series(
        "line" + pd.Series(issues.lines).astype("string").to_numpy(),
        index=raw.index,
        dtype="string",
    )
    uid = raw["event_id_cnty"].str.strip().fillna(line_ids)

    label = raw["sub_event_type"].fillna(raw["event_type"]).fillna("Event").str.strip()
    label_fr = label.map(LABEL_FR, na_action="ignore").fillna(label).astype("string")
    place = raw["location"].fillna(raw["admin1"]).fillna(raw["country"])
    title_en = label.where(place.isna(), label + " in " + place)
    title_fr = label_fr.where(place.isna(), label_fr + " à " + place)
    attributed = category.isin(ATTRIBUTED) & raw["actor1"].notna()
    issues.reject_repeated_ids(uid, "event_id_cnty")
    columns = {
        "id": "acled-" + uid,
        "dataset": dataset,
        "date_start": date,
        "date_end": date,  # ACLED codes each day of a campaign as its own event
        "date_precision": time_prec,
        "category": category,
        "place_en": place,
        "place_fr": place,
        "lat": lat,
        "lon": lon,
        "geo_precision": geo_prec,
        "side": "not_applicable",
        "attributed_to": raw["actor1"].where(attributed),
        "attribution_claimant": pd.Series("ACLED", index=raw.index).where(attributed),
        "killed_low": fatalities,
        "killed_best": fatalities,
        "killed_high": fatalities,
        "killed_best_reporter": "ACLED",
        "title_en": title_en,
        "title_fr": title_fr,
        "description_en": raw["notes"],
        "source_text": join_nonempty([raw["source"], raw["source_scale"]], " | "),
    }
    frame = incident_frame(columns, len(raw))
    frame["warnings"] = issues.warnings_column()
    return issues.finish(frame[~issues.rejected])
