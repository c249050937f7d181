"""The URL codec: every key's pair, defaults, malformed values, round trips, fuzzing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.model import CATEGORIES
from dashboard.state import (
    decode_view,
    encode_view,
    encoded_defaults,
    invalid_fields,
    ordered_layers,
    view_to_url,
)
from dashboard.view import (
    BASEMAPS,
    CHART_GROUPS,
    CONTEXT_LAYERS,
    LANGS,
    MODES,
    PRESETS,
    THEMES,
    WINDOWS,
    View,
)

SLUG = st.from_regex(r"[a-z0-9_-]{1,40}", fullmatch=True)
LAYER = st.one_of(st.sampled_from(CATEGORIES + CONTEXT_LAYERS), SLUG.map("data:{}".format))


def _optional(strategy):
    return st.one_of(st.none(), strategy)


def _float(low, high):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


views = st.builds(
    View,
    date=_optional(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))),
    window=st.sampled_from(WINDOWS),
    mode=st.sampled_from(MODES),
    layers=st.frozensets(LAYER, max_size=20),
    basemap=st.sampled_from(BASEMAPS),
    preset=_optional(st.sampled_from(PRESETS)),
    center=_optional(st.tuples(_float(-90, 90), _float(-180, 180))),
    zoom=_optional(_float(0, 22)),
    incident=_optional(st.from_regex(r"[A-Za-z0-9_.:-]{1,64}", fullmatch=True)),
    lang=st.sampled_from(LANGS),
    theme=st.sampled_from(THEMES),
    scene=_optional(st.integers(1, 99)),
    speed=_float(0.25, 8),
    chart_group=st.sampled_from(CHART_GROUPS),
)


def test_default_view_encodes_to_nothing():
    assert encode_view(View()) == ""
    assert decode_view("") == (View(), [])
    assert view_to_url(View()) == "/"


def test_encoding_is_stable_and_readable():
    view = View(
        date=dt.date(2016, 4, 27), window="day", layers=frozenset({"zones", "air_raid",
                                                                   "data:ucdp"}),
        preset=None, center=(36.2, 37.15), zoom=12.5, lang="fr", chart_group="category",
    )
    query = ("date=2016-04-27&window=day&layers=air_raid,zones,data:ucdp&preset=none"
             "&center=36.2,37.15&zoom=12.5&lang=fr&chart=category")
    assert encode_view(view) == query
    assert decode_view(query) == (view, [])
    assert decode_view("?" + query) == (view, [])
    assert view_to_url(view, "/map") == "/map?" + query
    assert view_to_url(view, "/map?embed=1") == "/map?embed=1&" + query


def test_whole_numbers_are_written_without_decimals():
    assert encode_view(View(zoom=11.0, speed=2.0, scene=4)) == "zoom=11&scene=4&speed=2"


def test_empty_layers_means_no_layer():
    view = View(layers=frozenset())
    assert encode_view(view) == "layers="
    assert decode_view("layers=") == (view, [])


def test_unknown_keys_are_ignored_silently():
    assert decode_view("utm_source=mail&foo=1&lang=fr") == (View(lang="fr"), [])


@pytest.mark.parametrize(
    "query",
    [
        "date=2016-4-30", "date=2016-02-30", "date=1999-12-31", "date=2101-01-01", "date=",
        "date=２０１６-04-30", "window=week", "mode=edit", "basemap=google", "preset=paris",
        "center=36.2", "center=36.2,37.1,1", "center=91,37", "center=36,181", "center=nan,1",
        "center=inf,1", "center=1_0,2", "zoom=23", "zoom=-1", "zoom=1e999", "zoom= 3",
        "incident=E 01", "incident=" + "a" * 65, "incident=", "lang=de", "theme=sepia",
        "scene=0", "scene=100", "scene=1.5", "speed=0.1", "speed=9", "speed=fast",
        "chart=reporter", "date=" + "9" * 5000,
    ],
)
def test_malformed_value_falls_back_to_default_and_is_reported(query):
    key = query.split("=")[0]
    view, rejected = decode_view(query)
    assert view == View()
    assert rejected == [key]


def test_unknown_layers_are_dropped_and_reported():
    view, rejected = decode_view("layers=air_raid,bogus,data:UPPER,data:ok_1,zones")
    assert view.layers == frozenset({"air_raid", "data:ok_1", "zones"})
    assert rejected == ["layers"]


def test_several_bad_keys_are_all_reported_and_good_keys_kept():
    view, rejected = decode_view("lang=fr&zoom=99&date=2016-05-01&theme=x&window=day")
    assert view == View(lang="fr", date=dt.date(2016, 5, 1), window="day")
    assert rejected == ["zoom", "theme"]


def test_repeated_key_last_value_wins():
    assert decode_view("lang=en&lang=fr")[0].lang == "fr"


def test_percent_encoded_values_are_decoded():
    assert decode_view("layers=air_raid%2Cshelling&incident=E%3A01")[0] == View(
        layers=frozenset({"air_raid", "shelling"}), incident="E:01")


def test_invalid_fields_names_what_the_codec_cannot_carry():
    assert invalid_fields(View()) == []
    bad = dataclasses.replace(View(), window="week", zoom=float("nan"), layers=frozenset({"x"}))
    assert invalid_fields(bad) == ["window", "layers", "zoom"]


@settings(max_examples=300, deadline=None)
@given(views)
def test_round_trip(view):
    assert invalid_fields(view) == []
    assert decode_view(encode_view(view)) == (view, [])


_KEYS = ["date", "window", "mode", "layers", "basemap", "preset", "center", "zoom",
         "incident", "lang", "theme", "scene", "speed", "chart", "x", ""]
_JUNK = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="%0123456789abcdefABCDEFxyz,:+&=.-", max_size=100),
    st.just("%" * 50), st.just("%ff%fe%00"), st.just("9" * 10_000),
)
queries = st.one_of(
    st.text(max_size=500),
    st.lists(st.tuples(st.sampled_from(_KEYS), _JUNK), max_size=30).map(
        lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)),
)


@settings(max_examples=400, deadline=None)
@given(queries)
def test_any_query_gives_a_valid_view_without_raising(query):
    view, rejected = decode_view(query)
    assert isinstance(view, View)
    assert invalid_fields(view) == []
    assert set(rejected) <= set(_KEYS) - {"x", ""}
    # A decoded view always survives another trip through the codec.
    assert decode_view(encode_view(view)) == (view, [])


def test_encoded_defaults_and_layer_order():
    defaults = encoded_defaults()
    assert defaults["window"] == "cumulative" and defaults["date"] is None
    assert defaults["preset"] == "aleppo" and defaults["speed"] == "1"
    assert defaults["layers"].split(",") == ordered_layers(View().layers)
    assert ordered_layers(frozenset({"data:b", "zones", "data:a", "air_raid"})) == [
        "air_raid", "zones", "data:a", "data:b"]
