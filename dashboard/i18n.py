"""Every visible string goes through here: translations, dates, numbers, casualty ranges.

Message ids are English; translations live in gettext catalogues (`dashboard/locale/<lang>.po`),
read with Babel on first use and cached. Nothing is read at import time.

Strings that must be known before a language is (label tables) are marked with `N_`, which the
extractor also recognises, so the catalogue test sees them.

Arabic (`ar`) is written right to left (`is_rtl`). Two deliberate choices:

- Dates use the Syrian (Levantine) month names of CLDR's `ar_SY` - "30 نيسان 2016", not the
  Egyptian/Gulf "أبريل" - as the Syrian and Lebanese press of 2016 wrote them, and every style
  spells the month out (CLDR's Arabic has no abbreviated month names; the numeric "medium" form
  "03/05/2016" is ambiguous and mirrors oddly).
- Numbers use Western digits (0-9) with the Arabic-script text, never Arabic-Indic (٠-٩), in
  the page, the charts, the map and the exports alike. Plotly formats axis ticks and the map
  draws its labels with Western digits only, so one system on one screen means Western; the
  Arabic-language news sites the sources come from (Al Jazeera, BBC Arabic, Enab Baladi) wrote
  Western digits in 2016; and figures stay copyable and comparable with the en/fr views.
  `ar_SY`'s default numbering system is Arabic-Indic, so the Latin one is asked for by name.
"""

from __future__ import annotations

import datetime as dt
import gettext as stdlib_gettext
import io
import math
from functools import lru_cache
from numbers import Real
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from dashboard.view import LANGS

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANG = "en"

# Babel locale per UI language: British English reads "30 April 2016", not "April 30, 2016".
# Arabic: Syrian month names (see the module docstring).
_BABEL_LOCALES = {"en": "en_GB", "fr": "fr_FR", "ar": "ar_SY"}
# The digits every number is written with, in every language (see the module docstring).
NUMBERING_SYSTEM = "latn"
# Languages whose dates always spell the month out (no abbreviated months in CLDR's Arabic).
_SPELLED_MONTHS = frozenset({"ar"})

# Range dash between two figures (an en dash, no spaces: "8–15").
RANGE_DASH = "\u2013"
# How a reported figure's qualifier (casualty_reports.csv) is written before the number.
QUALIFIER_SIGNS = {"exact": "", "at_least": "≥", "more_than": ">", "about": "~", "up_to": "≤"}


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it (translated later, per language)."""
    return msgid


CATEGORY_LABELS: dict[str, str] = {
    "air_raid": N_("Air raid"),
    "shelling": N_("Shelling"),
    "hospital_strike": N_("Hospital strike"),
    "armed_clash": N_("Armed clash"),
    "attack_on_civilians": N_("Attack on civilians"),
    "displacement": N_("Displacement"),
    "siege_route": N_("Siege route"),
    "truce": N_("Truce"),
    "humanitarian_convoy": N_("Humanitarian convoy"),
    "diplomacy": N_("Diplomacy"),
    "protest": N_("Protest"),
    "statement": N_("Statement"),
    "other": N_("Other"),
}

SIDE_LABELS: dict[str, str] = {
    "rebel_held": N_("Rebel-held"),
    "government_held": N_("Government-held"),
    "kurdish_held": N_("Kurdish-held"),
    "contested": N_("Contested"),
    "outside_aleppo": N_("Outside Aleppo"),
    "not_applicable": N_("Not applicable"),
}

GEO_PRECISION_LABELS: dict[int, str] = {
    1: N_("Named place (neighbourhood or town)"),
    2: N_("Within about 25 km"),
    3: N_("District (centroid)"),
    4: N_("Governorate (centroid)"),
    5: N_("Wider area"),
    6: N_("Country only"),
    7: N_("At sea or in the air"),
}

DATE_PRECISION_LABELS: dict[int, str] = {
    1: N_("Exact day"),
    2: N_("Span of 2–6 days"),
    3: N_("Week"),
    4: N_("Month"),
    5: N_("Year"),
}


def _lang(lang: str) -> str:
    """The language to use: `lang` if the app knows it, else the source language."""
    return lang if lang in LANGS or lang in _BABEL_LOCALES else SOURCE_LANG


def babel_locale(lang: str) -> Locale:
    """The Babel locale behind a UI language code (unknown codes fall back to English)."""
    return Locale.parse(_BABEL_LOCALES.get(_lang(lang), "en_GB"))


def country_name(iso_a2: str, lang: str) -> str:
    """A country's name in `lang` from CLDR (Babel), e.g. "SY" -> "Syrie"; the code if unknown."""
    return babel_locale(lang).territories.get(iso_a2, iso_a2)


@lru_cache(maxsize=8)
def _translations(lang: str) -> stdlib_gettext.NullTranslations:
    """Read `<lang>.po` once and compile it in memory, so plural rules come from its header."""
    path = LOCALE_DIR / f"{lang}.po"
    if lang == SOURCE_LANG or not path.is_file():
        return stdlib_gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=_BABEL_LOCALES.get(lang, lang))
    buffer = io.BytesIO()
    # Fuzzy entries are work in progress; a half-checked translation is worse than English.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return stdlib_gettext.GNUTranslations(buffer)


def gettext(msgid: str, lang: str, **values: object) -> str:
    """Translate `msgid` into `lang`; with keyword `values`, fill its `{placeholders}`.

    Unknown languages and untranslated strings fall back to the English msgid.
    """
    text = _translations(_lang(lang)).gettext(msgid)
    return text.format(**values) if values else text


_t = gettext


def ngettext(singular: str, plural: str, n: int, lang: str, **values: object) -> str:
    """Translate a message that depends on a count; `{n}` in the text is filled with `n`."""
    text = _translations(_lang(lang)).ngettext(singular, plural, n)
    return text.format(n=format_number(n, lang), **values)


def is_rtl(lang: str) -> bool:
    """Whether `lang` is written right to left (False for en/fr; True for ar)."""
    return babel_locale(lang).character_order == "right-to-left"


def _as_date(d: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(d, str):
        return dt.date.fromisoformat(d[:10])
    if isinstance(d, dt.datetime):  # pandas Timestamps are datetimes too
        return d.date()
    return d


def format_date(d: dt.date | dt.datetime | str, lang: str, style: str = "long") -> str:
    """A date as people write it: long "30 April 2016" / "30 avril 2016", medium
    "30 Apr 2016" / "30 avr. 2016", short "30/04/2016"."""
    if style not in ("long", "medium", "short"):
        raise ValueError(f"unknown date style {style!r}")
    if style != "short" and _lang(lang) in _SPELLED_MONTHS:
        style = "long"
    return babel_format_date(_as_date(d), style, locale=babel_locale(lang))


def format_day_short(d: dt.date | dt.datetime | str, lang: str) -> str:
    """Day and abbreviated month, for axis ticks: "30 Apr" / "30 avr." / "30 نيسان"."""
    skeleton = "MMMMd" if _lang(lang) in _SPELLED_MONTHS else "MMMd"
    return format_skeleton(skeleton, _as_date(d), locale=babel_locale(lang))


def format_number(n: Real, lang: str) -> str:
    """A number with the language's separators (fr groups with a narrow no-break space)."""
    return format_decimal(n, locale=babel_locale(lang), numbering_system=NUMBERING_SYSTEM)


def number_separators(lang: str) -> str:
    """Decimal mark then group mark, as plotly's `layout.separators` wants them (fr: ",\u202f")."""
    symbols = babel_locale(lang).number_symbols[NUMBERING_SYSTEM]
    return symbols["decimal"] + symbols["group"]


def _present(value: object) -> bool:
    """True for a real number; False for None, NaN and pandas NA."""
    if value is None or not isinstance(value, Real):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def format_range(low: object, best: object, high: object, lang: str) -> str:
    """A casualty figure with its range: "12 (8–15)", "8–15", "12", or "not reported".

    Missing values may be None, NaN or pandas NA; a range collapses when its ends agree.
    """
    low_ok, best_ok, high_ok = _present(low), _present(best), _present(high)
    span = ""
    if low_ok and high_ok and low != high:
        span = f"{format_number(low, lang)}{RANGE_DASH}{format_number(high, lang)}"
    elif low_ok and high_ok and not best_ok:
        return format_number(low, lang)
    elif low_ok != high_ok and not best_ok:
        # Only one end reported: say which end it is rather than inventing the other.
        if low_ok:
            return gettext("at least {n}", lang, n=format_number(low, lang))
        return gettext("up to {n}", lang, n=format_number(high, lang))
    if best_ok:
        best_text = format_number(best, lang)
        return f"{best_text} ({span})" if span else best_text
    return span or gettext("not reported", lang)


def format_reported(qualifier: str, low: Real, high: object, lang: str) -> str:
    """A figure as reported, with its qualifier sign: "≥19", ">250", "~200–250", "12"."""
    text = format_number(low, lang)
    if _present(high) and high != low:
        text += RANGE_DASH + format_number(high, lang)
    return QUALIFIER_SIGNS.get(str(qualifier), "") + text


def _label(table: dict, key: object, lang: str) -> str:
    msgid = table.get(key)
    return gettext(msgid, lang) if msgid is not None else str(key)


def category_label(cat: str, lang: str) -> str:
    """The display name of an incident category (unknown codes are shown as they are)."""
    return _label(CATEGORY_LABELS, cat, lang)


def side_label(side: str, lang: str) -> str:
    """The display name of a side of the front line (unknown codes shown as they are)."""
    return _label(SIDE_LABELS, side, lang)


def geo_precision_label(code: int, lang: str) -> str:
    """What a geo_precision code (UCDP where_prec 1–7) means, in words."""
    return _label(GEO_PRECISION_LABELS, int(code), lang)


def date_precision_label(code: int, lang: str) -> str:
    """What a date_precision code (UCDP date_prec 1–5) means, in words."""
    return _label(DATE_PRECISION_LABELS, int(code), lang)


# Imported layers with a name of their own (the rest read "Imported data: <id>").
DATA_LAYER_LABELS = {"ucdp_ged191_aleppo_2016": N_("UCDP GED (as published)")}


def data_layer_label(layer_id: str, lang: str) -> str:
    """The display name of an imported incident layer, as charts and legends show it."""
    if layer_id in DATA_LAYER_LABELS:
        return gettext(DATA_LAYER_LABELS[layer_id], lang)
    return gettext("Imported data: {layer}", lang, layer=layer_id)
