"""A second cue for each incident category besides its colour: a shape, the same in every
language (a letter would change with the language), shown in the layer panel's swatches and
the table's category column."""

from __future__ import annotations

CATEGORY_MARKS: dict[str, str] = {
    "air_raid": "▲",
    "shelling": "●",
    "hospital_strike": "✚",
    "armed_clash": "✖",
    "attack_on_civilians": "◆",
    "displacement": "◐",
    "siege_route": "▬",
    "truce": "○",
    "humanitarian_convoy": "■",
    "diplomacy": "◇",
    "protest": "★",
    "statement": "□",
    "other": "△",
}


def category_mark(cat: str) -> str:
    """The category's shape ("" for an unknown code)."""
    return CATEGORY_MARKS.get(cat, "")
