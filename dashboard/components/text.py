"""Text from the data inside a page of another language, kept readable in both directions.

Sourced facts (incident titles, descriptions, notes, source titles) exist in English and French
only; an Arabic page shows the English, marked as English (`lang="en"`, so screen readers switch
voice) and isolated in a `<bdi>` (so its Latin letters, digits and brackets keep their own order
inside right-to-left text). Nothing here translates anything.
"""

from __future__ import annotations

import pandas as pd
from dash import html


def clean(value) -> str:
    """A cell as text: "" for None, NaN and pandas NA."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def isolated(text: str, lang: str | None = None) -> html.Bdi:
    """`text` isolated from the text around it (and marked as `lang` if given)."""
    return html.Bdi(text, lang=lang) if lang else html.Bdi(text)


def localised(row, field: str, lang: str):
    """`row[field_<lang>]`, else the English `field_en`: marked and isolated when it is not
    the page's language; "" when neither exists."""
    own = clean(row.get(f"{field}_{lang}"))
    if own:
        return own
    english = clean(row.get(f"{field}_en"))
    if not english or lang == "en":
        return english
    return isolated(english, "en")
