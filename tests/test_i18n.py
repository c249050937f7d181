"""i18n: catalogue completeness, dates, numbers, ranges, labels."""

from __future__ import annotations

import datetime as dt
import string
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import dashboard
from dashboard import i18n
from dashboard.data.model import CATEGORIES, SIDES

PACKAGE_DIR = Path(dashboard.__file__).resolve().parent
FR_PO = PACKAGE_DIR / "locale" / "fr.po"
KEYWORDS = {"gettext": None, "_t": None, "ngettext": (1, 2), "N_": None}
DAY = dt.date(2016, 4, 30)

# Strings the app needs from the catalogue even before its code uses them.
UI_MSGIDS = [
    "Aleppo situation map", "Layers", "Timeline", "Play", "Pause", "Speed", "Up to this day",
    "This day only", "Casualty reports", "Killed per day", "Incident details", "Incidents",
    "Sources", "Share link", "Copy link", "Link copied", "Language", "Theme", "Light", "Dark",
    "Basemap", "Outline map (offline)", "OpenStreetMap", "Carto light", "Carto dark", "Map view",
    "Aleppo city", "Northern Syria", "All of Syria", "Zones in force", "Routes",
    "Neighbourhood control (as reported)", "Places", "Precision halos", "approximate",
    "Estimated geometry", "Date", "Category", "Place", "Side", "Killed", "Injured",
    "Location precision", "Date precision", "Attributed to {target} by {claimant}",
    "Figures by reporter", "Download CSV", "Table", "Export", "Present", "Explore",
    "Some link parameters were not understood and were reset: {params}",
    "No incident selected. Click a point on the map.",
    "Loaded {n} records; {rejected} were left out.",
    "Aggregated: older periods summed per cell",
]


def _catalog():
    with FR_PO.open("rb") as fh:
        return read_po(fh, locale="fr")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_msgid_used_in_the_package_has_a_french_translation():
    catalog = _catalog()
    missing = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE_DIR, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or not all(strings):
            missing.append(f"dashboard/{filename}:{lineno}: {message!r}")
    assert not missing, "untranslated (add to dashboard/locale/fr.po):\n" + "\n".join(missing)


def test_catalogue_entries_are_translated_and_keep_placeholders():
    catalog = _catalog()
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), message.id
        assert not message.fuzzy, message.id
        for text in strings:
            assert _fields(text) == _fields(ids[-1]), message.id


@pytest.mark.parametrize("msgid", UI_MSGIDS)
def test_ui_strings_are_seeded(msgid):
    assert _catalog().get(msgid) is not None
    assert i18n.gettext(msgid, "en") == msgid


def test_gettext_translates_falls_back_and_fills_placeholders():
    assert i18n.gettext("Air raid", "fr") == "Raid aérien"
    assert i18n._t("Layers", "fr") == "Couches"
    assert i18n.gettext("Air raid", "en") == "Air raid"
    assert i18n.gettext("Air raid", "xx") == "Air raid"
    assert i18n.gettext("A string nobody translated", "fr") == "A string nobody translated"
    text = i18n.gettext("Attributed to {target} by {claimant}", "fr", target="A", claimant="B")
    assert text == "Attribué à A par B"


def test_ngettext_uses_french_plural_rule():
    assert i18n.ngettext("{n} incident", "{n} incidents", 1, "fr") == "1 événement"
    assert i18n.ngettext("{n} incident", "{n} incidents", 0, "fr") == "0 événement"
    assert i18n.ngettext("{n} incident", "{n} incidents", 0, "en") == "0 incidents"
    assert i18n.ngettext("{n} incident", "{n} incidents", 1200, "fr") == "1\u202f200 événements"


@pytest.mark.parametrize(
    ("lang", "style", "expected"),
    [
        ("en", "long", "30 April 2016"),
        ("fr", "long", "30 avril 2016"),
        ("en", "medium", "30 Apr 2016"),
        ("fr", "medium", "30 avr. 2016"),
        ("en", "short", "30/04/2016"),
        ("fr", "short", "30/04/2016"),
    ],
)
def test_format_date(lang, style, expected):
    assert i18n.format_date(DAY, lang, style) == expected


def test_format_date_accepts_datetimes_and_iso_strings_and_rejects_unknown_styles():
    assert i18n.format_date(dt.datetime(2016, 4, 30, 21, 37), "en") == "30 April 2016"
    assert i18n.format_date("2016-04-30", "fr") == "30 avril 2016"
    with pytest.raises(ValueError, match="style"):
        i18n.format_date(DAY, "en", "full")


def test_format_day_short():
    assert i18n.format_day_short(DAY, "en") == "30 Apr"
    assert i18n.format_day_short(DAY, "fr") == "30 avr."


def test_format_number_uses_language_separators():
    assert i18n.format_number(12345, "en") == "12,345"
    assert i18n.format_number(12345, "fr") == "12\u202f345"
    assert i18n.format_number(2.5, "fr") == "2,5"
    assert i18n.number_separators("en") == ".,"
    assert i18n.number_separators("fr") == ",\u202f"


@pytest.mark.parametrize(
    ("low", "best", "high", "lang", "expected"),
    [
        (8, 12, 15, "en", "12 (8–15)"),
        (8, None, 15, "en", "8–15"),
        (None, 12, None, "en", "12"),
        (12, 12, 12, "en", "12"),
        (7, None, 7, "en", "7"),
        (5, None, None, "en", "at least 5"),
        (None, None, 9, "fr", "jusqu'à 9"),
        (None, None, None, "en", "not reported"),
        (float("nan"), None, float("nan"), "fr", "non communiqué"),
        (1000, 1200, 1500, "fr", "1\u202f200 (1\u202f000–1\u202f500)"),
    ],
)
def test_format_range(low, best, high, lang, expected):
    assert i18n.format_range(low, best, high, lang) == expected


def test_format_range_accepts_pandas_missing_values():
    assert i18n.format_range(pd.NA, 3, pd.NA, "en") == "3"


def test_is_rtl():
    assert i18n.is_rtl("en") is False
    assert i18n.is_rtl("fr") is False
    assert i18n.is_rtl("ar") is True


def test_labels_cover_every_code_in_both_languages():
    for lang in ("en", "fr"):
        assert all(i18n.category_label(c, lang) != c for c in CATEGORIES)
        assert all(i18n.side_label(s, lang) != s for s in SIDES)
        assert len({i18n.geo_precision_label(code, lang) for code in range(1, 8)}) == 7
        assert len({i18n.date_precision_label(code, lang) for code in range(1, 6)}) == 5
    assert i18n.category_label("hospital_strike", "fr") == "Frappe sur un hôpital"
    assert i18n.side_label("rebel_held", "en") == "Rebel-held"
    assert i18n.geo_precision_label(2, "en") == "Within about 25 km"
    assert i18n.date_precision_label(2, "fr") == "Période de 2 à 6 jours"
    assert i18n.category_label("new_kind", "fr") == "new_kind"


def test_nothing_is_read_at_import():
    # An audit hook in a fresh interpreter sees every file the import opens.
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append(str(args[0]))"
        " if event == 'open' and args and str(args[0]).endswith('.po') else None)\n"
        "import dashboard.i18n as i18n\n"
        "assert opened == [], opened\n"
        "i18n.gettext('Layers', 'fr')\n"
        "assert any(path.endswith('fr.po') for path in opened), opened\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PACKAGE_DIR.parent, timeout=60)
    assert result.returncode == 0, result.stderr


def test_catalogue_is_compiled_once_per_language():
    """Reading and compiling the .po file costs milliseconds; per string it made a French
    page of a big import take 15 s (found while profiling)."""
    from dashboard.i18n import _translations

    assert _translations("fr") is _translations("fr")


# Arabic (issue 14): the third catalogue follows the French one string for string.
AR_PO = PACKAGE_DIR / "locale" / "ar.po"
ARABIC_LETTER = r"[\u0600-\u06FF]"


def _ar_catalog():
    with AR_PO.open("rb") as fh:
        return read_po(fh, locale="ar")


def test_every_french_msgid_has_an_arabic_translation_with_its_placeholders():
    """New strings land in fr.po first; this names every one still missing from ar.po."""
    import re

    french, arabic = _catalog(), _ar_catalog()
    missing, broken = [], []
    for message in french:
        if not message.id:
            continue
        entry = arabic.get(message.id)
        strings = entry.string if entry is not None else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or not all(strings) or entry.fuzzy:
            missing.append(repr(message.id))
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in strings:
            # Placeholders kept; Latin-only msgids ("1280×720", brand names) may stay Latin.
            if _fields(text) != _fields(ids[-1]):
                broken.append(repr(message.id))
            elif re.search("[A-Za-z]{4,}", re.sub(r"\{\w*\}", "", ids[-1])) and \
                    not re.search(ARABIC_LETTER, text) and ids[-1] != "OpenStreetMap":
                broken.append(f"{message.id!r} (not Arabic)")
    assert not missing, "untranslated (add to dashboard/locale/ar.po):\n" + "\n".join(missing)
    assert not broken, "\n".join(broken)


def test_arabic_plural_forms_follow_the_six_arabic_categories():
    forms = [i18n.ngettext("{n} killed", "{n} killed", n, "ar") for n in (0, 1, 2, 3, 11, 100)]
    assert forms == ["0 قتيل", "1 قتيل", "2 قتيلان", "3 قتلى", "11 قتيلًا", "100 قتيل"]


def test_arabic_dates_use_syrian_month_names_and_western_digits():
    assert i18n.format_date(DAY, "ar") == "30 نيسان 2016"
    assert i18n.format_date(dt.date(2016, 5, 3), "ar", "medium") == "3 أيار 2016"
    assert i18n.format_day_short(DAY, "ar") == "30 نيسان"
    assert i18n.format_number(12345, "ar") == "12,345"
    assert i18n.number_separators("ar") == ".,"
    assert i18n.format_range(8, 12, 15, "ar") == "12 (8–15)"
    assert i18n.format_range(5, None, None, "ar") == "5 على الأقل"


def test_labels_cover_every_code_in_arabic():
    assert all(i18n.category_label(c, "ar") != i18n.category_label(c, "en") for c in CATEGORIES)
    assert all(i18n.side_label(s, "ar") != i18n.side_label(s, "en") for s in SIDES)
    assert i18n.category_label("hospital_strike", "ar") == "استهداف مستشفى"


def test_every_category_has_its_own_shape():
    """Colour is never the only cue: each category also has a distinct shape (issue 14)."""
    from dashboard.components.category_marks import CATEGORY_MARKS

    assert set(CATEGORY_MARKS) == set(CATEGORIES)
    assert len(set(CATEGORY_MARKS.values())) == len(CATEGORY_MARKS)
