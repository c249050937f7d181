"""The one URL codec: a View <-> a query string, through one schema with a pair per key.

Only keys whose value differs from the default are written, in a fixed order, so the same view
always gives the same link. Decoding never raises: unknown keys are ignored (links from newer or
older versions still open), and a malformed value of a known key falls back to that key's
default and is reported by name, so the app can show a notice instead of an error page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from dashboard.data.model import CATEGORIES
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

DATA_LAYER_PREFIX = "data:"
_DATA_LAYER_RE = re.compile(r"data:[a-z0-9_-]{1,40}")
_INCIDENT_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Plain decimal numbers only: float() alone would also take "nan", "inf", "1_0" and " 1 ".
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_MAX_VALUE_LEN = 2_000  # a layers list of every known layer plus imports fits well within this
_NO_PRESET = "none"  # `preset=none`: the map view comes from center/zoom alone

_LAYER_ORDER = {name: i for i, name in enumerate(CATEGORIES + CONTEXT_LAYERS)}


def is_known_layer(name: str) -> bool:
    """A category, a context layer, or an imported dataset layer `data:<slug>`."""
    return name in _LAYER_ORDER or _DATA_LAYER_RE.fullmatch(name) is not None


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def decode(raw: str) -> str:
        if raw not in options:
            raise ValueError(raw)
        return raw

    return decode


def _number(raw: str, low: float, high: float) -> float:
    if _NUMBER_RE.fullmatch(raw) is None:
        raise ValueError(raw)
    value = float(raw)
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(raw)
    return value


def _format_number(value: float) -> str:
    """Shortest text that reads back as the same float ("11", "11.2", "1e-05")."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _decode_date(raw: str) -> dt.date:
    if _DATE_RE.fullmatch(raw) is None:
        raise ValueError(raw)
    value = dt.date.fromisoformat(raw)
    if not 2000 <= value.year <= 2100:
        raise ValueError(raw)
    return value


def ordered_layers(layers: frozenset[str]) -> list[str]:
    """Layer names in the URL's order: known layers as displayed, then imports alphabetically."""
    return sorted(layers, key=lambda name: (_LAYER_ORDER.get(name, len(_LAYER_ORDER)), name))


def _encode_layers(layers: frozenset[str]) -> str:
    return ",".join(ordered_layers(layers))


def _decode_layers(raw: str) -> frozenset[str]:
    """Keep the known layer names; an unknown one is dropped and the key is reported."""
    names = [name for name in raw.split(",") if name]
    known = frozenset(name for name in names if is_known_layer(name))
    if len(known) != len(set(names)):
        raise _PartlyValid(known)
    return known


def _decode_center(raw: str) -> tuple[float, float]:
    parts = raw.split(",")
    if len(parts) != 2:
        raise ValueError(raw)
    return _number(parts[0], -90.0, 90.0), _number(parts[1], -180.0, 180.0)


def _decode_scene(raw: str) -> int:
    if re.fullmatch(r"[0-9]{1,2}", raw) is None or not 1 <= int(raw) <= 99:
        raise ValueError(raw)
    return int(raw)


def _decode_incident(raw: str) -> str:
    if _INCIDENT_RE.fullmatch(raw) is None:
        raise ValueError(raw)
    return raw


def _decode_preset(raw: str) -> str | None:
    return None if raw == _NO_PRESET else _choice(PRESETS)(raw)


class _PartlyValid(ValueError):
    """A value that was partly understood: keep `value`, but still report the key."""

    def __init__(self, value: Any) -> None:
        super().__init__("partly valid")
        self.value = value


@dataclass(frozen=True)
class _Key:
    """One URL parameter: the View field it sets and its encode/decode pair."""

    name: str
    attr: str
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]


# The schema, in the order keys are written.
SCHEMA: tuple[_Key, ...] = (
    _Key("date", "date", lambda d: d.isoformat(), _decode_date),
    _Key("window", "window", str, _choice(WINDOWS)),
    _Key("mode", "mode", str, _choice(MODES)),
    _Key("layers", "layers", _encode_layers, _decode_layers),
    _Key("basemap", "basemap", str, _choice(BASEMAPS)),
    _Key("preset", "preset", lambda p: _NO_PRESET if p is None else p, _decode_preset),
    _Key("center", "center", lambda c: f"{_format_number(c[0])},{_format_number(c[1])}",
         _decode_center),
    _Key("zoom", "zoom", _format_number, lambda raw: _number(raw, 0.0, 22.0)),
    _Key("incident", "incident", str, _decode_incident),
    _Key("lang", "lang", str, _choice(LANGS)),
    _Key("theme", "theme", str, _choice(THEMES)),
    _Key("scene", "scene", str, _decode_scene),
    _Key("speed", "speed", _format_number, lambda raw: _number(raw, 0.25, 8.0)),
    _Key("chart", "chart_group", str, _choice(CHART_GROUPS)),
)

_DEFAULT = View()


def encode_view(view: View) -> str:
    """The query string (no leading '?') for `view`: non-default keys only, in schema order."""
    parts = []
    for key in SCHEMA:
        value = getattr(view, key.attr)
        if value == getattr(_DEFAULT, key.attr):
            continue
        parts.append(f"{key.name}={quote(key.encode(value), safe=',:')}")
    return "&".join(parts)


def decode_view(query: str) -> tuple[View, list[str]]:
    """Parse a query string (with or without '?') into a View and the names of the keys whose
    values were not understood (each such key falls back to its default).

    Unknown keys are ignored. When a key is repeated, the last value wins.
    """
    raw_values = dict(parse_qsl(query.removeprefix("?"), keep_blank_values=True,
                                errors="replace"))
    changes: dict[str, Any] = {}
    rejected: list[str] = []
    for key in SCHEMA:
        if key.name not in raw_values:
            continue
        raw = raw_values[key.name]
        try:
            if len(raw) > _MAX_VALUE_LEN:
                raise ValueError("too long")
            changes[key.attr] = key.decode(raw)
        except _PartlyValid as partial:
            changes[key.attr] = partial.value
            rejected.append(key.name)
        except ValueError:
            rejected.append(key.name)
    return dataclasses.replace(_DEFAULT, **changes), rejected


def invalid_fields(view: View) -> list[str]:
    """Names of the URL keys whose View value the codec could not write and read back.

    An empty list means `view` is valid: `decode_view(encode_view(view))` gives it back.
    """
    bad = []
    for key in SCHEMA:
        value = getattr(view, key.attr)
        if value == getattr(_DEFAULT, key.attr):
            continue
        try:
            if key.decode(key.encode(value)) != value:
                bad.append(key.name)
        except (ValueError, TypeError, AttributeError, IndexError):
            bad.append(key.name)
    return bad


def encoded_defaults() -> dict[str, str | None]:
    """Each URL key's default as the codec writes it (None where the default is "unset"), so
    code in the browser can leave defaults out of a link just as `encode_view` does."""
    return {key.name: None if getattr(_DEFAULT, key.attr) is None
            else key.encode(getattr(_DEFAULT, key.attr)) for key in SCHEMA}


def view_to_url(view: View, base: str = "/") -> str:
    """A link that reopens `view`: `base` plus the encoded query (nothing added for defaults)."""
    query = encode_view(view)
    if not query:
        return base
    return f"{base}{'&' if '?' in base else '?'}{query}"
