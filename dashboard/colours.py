"""Every colour the figures use, in one place (no imports: any layer may read it).

The hues are the Okabe–Ito set (Okabe & Ito 2008, "Color Universal Design"), which stays
distinguishable with the common colour-vision deficiencies; each is typed once, here.
figures/palette.py (the map) and figures/theme.py (the charts) build on these constants, and
the timeline payload (dashboard/timeline.py) reads the category colours from here too.

Map categories: 13 categories cannot all get their own colour-blind-safe hue (Okabe–Ito has 8,
and its black vanishes on a dark map). So 8 categories get a solid Okabe–Ito hue (grey in place
of black), and 5 reuse one of those hues *with an outline ring* in the theme's ink colour. A hue
is only ever shared between a solid and a ringed category, so hue + ring tells all 13 apart.
A marker whose killed figure is not reported is small and gets a grey ring (UNREPORTED_OUTLINE),
which differs from the ink ring of the ringed categories.
"""

from __future__ import annotations

BLUE, ORANGE, GREEN, PURPLE = "#0072B2", "#E69F00", "#009E73", "#CC79A7"
SKY, VERMILLION, YELLOW, BLACK = "#56B4E9", "#D55E00", "#F0E442", "#000000"
GREY = "#999999"  # not Okabe–Ito: stands in for black where black would vanish

# Okabe–Ito in the order charts take them (black is swapped for a light grey in the dark theme).
OKABE_ITO: tuple[str, ...] = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW, BLACK)
DARK_THEME_BLACK = "#dddddd"

# plotly.js's own colourway, for export figures that come without a template.
PLOTLY_COLOURWAY: tuple[str, ...] = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")

# fill: the marker colour; ring: None (solid) or "ink" (an outline in the theme's ink colour).
CATEGORY_COLOURS: dict[str, dict[str, str | None]] = {
    "air_raid": {"fill": VERMILLION, "ring": None},
    "shelling": {"fill": ORANGE, "ring": None},
    "hospital_strike": {"fill": PURPLE, "ring": None},
    "armed_clash": {"fill": BLUE, "ring": None},
    "attack_on_civilians": {"fill": VERMILLION, "ring": "ink"},
    "displacement": {"fill": SKY, "ring": None},
    "siege_route": {"fill": YELLOW, "ring": "ink"},  # yellow alone is too faint on light maps
    "truce": {"fill": GREEN, "ring": None},
    "humanitarian_convoy": {"fill": SKY, "ring": "ink"},
    "diplomacy": {"fill": GREY, "ring": None},
    "protest": {"fill": PURPLE, "ring": "ink"},
    "statement": {"fill": GREY, "ring": "ink"},
    "other": {"fill": ORANGE, "ring": "ink"},
}

# Ring of a marker whose killed figure is not reported (mid grey: >= 3:1 on both map grounds).
UNREPORTED_OUTLINE = "#8a8a8a"

# Where an incident happened. Red/blue are avoided as "sides" colours on purpose: they read as
# a judgement; these only need to tell the groups apart.
SIDE_COLOURS: dict[str, str] = {
    "rebel_held": ORANGE,
    "government_held": BLUE,
    "kurdish_held": GREEN,
    "contested": PURPLE,
    "outside_aleppo": SKY,
    "not_applicable": GREY,
}

ROUTE_STATUS_COLOURS: dict[str, str] = {
    "open": GREEN,
    "under_fire": ORANGE,
    "cut": VERMILLION,
}

# Neighbourhood control as reported: the same hues as the sides of the line in the charts.
CONTROL_COLOURS: dict[str, str] = {
    key: SIDE_COLOURS[key] for key in ("rebel_held", "government_held", "kurdish_held")
}

# Zones: fill (translucent) and line. Truce areas green, besieged areas vermillion.
ZONE_COLOURS: dict[str, dict[str, str]] = {
    "truce": {"fill": "rgba(0,158,115,0.16)", "line": GREEN},
    "besieged": {"fill": "rgba(213,94,0,0.14)", "line": VERMILLION},
}

# Map grounds and label colours. Text/background contrast is >= 4.5:1 (tested).
MAP_SURFACES: dict[str, dict[str, str]] = {
    "light": {
        "background": "#f4f3ef",
        "text": "#1a1a1a",
        "muted": "#555555",
        "ink": "#1a1a1a",
        "halo_fill": "rgba(26,26,26,0.035)",
        "halo_line": "rgba(26,26,26,0.45)",
        "cells": "#5f6b7a",
        "sea": "#d9e3e8",
        "coast": "#9aa6ad",
        "boundary": "#8c8c8c",
        "country_text": "#5c5c5c",
        "city_fill": "#e7e3da",
        "city_line": "#b3ab9c",
        "nbhd_text": "#57514a",
        "control_opacity": "0.36",  # reported control fills (inferred: 40 % of it)
    },
    "dark": {
        "background": "#15181c",
        "text": "#f2f2f2",
        "muted": "#b4b4b4",
        "ink": "#f2f2f2",
        "halo_fill": "rgba(242,242,242,0.05)",
        "halo_line": "rgba(242,242,242,0.45)",
        "cells": "#9aa7b5",
        "sea": "#0b1a26",
        "coast": "#4a5561",
        "boundary": "#6e747b",
        "country_text": "#a8a8a8",
        "city_fill": "#22262c",
        "city_line": "#4b525b",
        "nbhd_text": "#bcc1c7",
        "control_opacity": "0.55",  # translucent fills read darker on a dark ground
    },
}

# Chart grounds. The CSS themes (assets/) use the same background and text colours.
CHART_SURFACES: dict[str, dict[str, str]] = {
    "light": {
        "background": "#ffffff",
        "text": "#1a1a1a",
        "muted": "#5f5f5f",
        "grid": "#e3e3e3",
        "marker": "#1a1a1a",  # the date marker line
        "bar": "#5f6b7a",
    },
    "dark": {
        "background": "#15181c",
        "text": "#f2f2f2",
        "muted": "#b4b4b4",
        "grid": "#30353b",
        "marker": "#ffffff",
        "bar": "#9aa7b5",
    },
}
