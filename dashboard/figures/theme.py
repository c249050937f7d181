"""Shared colours and fonts for charts: light and dark themes, and bigger type for presenting.

Colours are the Okabe–Ito set, defined once in dashboard/colours.py with the chart grounds
(the CSS themes in assets/ use the same background and text colours).
"""

from __future__ import annotations

from functools import lru_cache

import plotly.graph_objects as go

from dashboard.colours import (
    CATEGORY_COLOURS,
    CHART_SURFACES,
    DARK_THEME_BLACK,
    OKABE_ITO,
    SIDE_COLOURS,
)

__all__ = ["OKABE_ITO", "SIDE_COLOURS", "SURFACES", "category_styles", "chart_template",
           "colourway", "surface"]

SURFACES = CHART_SURFACES

FONT_FAMILY = "Inter, 'Noto Sans', 'Noto Sans Arabic', 'Helvetica Neue', Arial, sans-serif"
FONT_SIZES = {"explore": 13, "present": 20}
DATE_MARKER_WIDTH = {"explore": 2, "present": 3}


def surface(theme: str) -> dict[str, str]:
    """Background, text, grid and marker colours of a theme (unknown themes read as light)."""
    return SURFACES.get(theme, SURFACES["light"])


def colourway(theme: str) -> list[str]:
    """Series colours for a theme: Okabe–Ito, with black swapped out on dark backgrounds."""
    colours = list(OKABE_ITO)
    if theme == "dark":
        colours[-1] = DARK_THEME_BLACK
    return colours


@lru_cache(maxsize=8)
def _template(theme: str, mode: str) -> go.layout.Template:
    colours = surface(theme)
    size = FONT_SIZES.get(mode, FONT_SIZES["explore"])
    axis = {
        "gridcolor": colours["grid"],
        "linecolor": colours["muted"],
        "zerolinecolor": colours["grid"],
        "tickcolor": colours["muted"],
        "tickfont": {"size": round(size * 0.9)},
        "title": {"font": {"size": size}},
        "automargin": True,
    }
    return go.layout.Template(
        layout={
            "font": {"family": FONT_FAMILY, "size": size, "color": colours["text"]},
            "paper_bgcolor": colours["background"],
            "plot_bgcolor": colours["background"],
            "colorway": colourway(theme),
            "xaxis": axis,
            "yaxis": axis,
            "legend": {"font": {"size": round(size * 0.9)}, "bgcolor": "rgba(0,0,0,0)"},
            "hoverlabel": {"font": {"family": FONT_FAMILY, "size": size},
                           "bgcolor": colours["background"], "bordercolor": colours["muted"]},
            "margin": {"l": 48, "r": 16, "t": 24, "b": 40},
        }
    )


def chart_template(theme: str, mode: str) -> go.layout.Template:
    """The plotly template for charts in `theme` (light|dark) and `mode` (explore|present).

    A fresh copy each call, so a figure that edits its template cannot change the next one.
    """
    return go.layout.Template(_template(theme, mode))


def category_styles() -> dict[str, tuple[str, bool]]:
    """(colour, ringed) per incident category, from the map's palette so map and charts agree.

    A hue is shared only between a plain and a "ringed" category; charts draw the ringed one
    with a hatch pattern and outline so the two stay apart without relying on colour.
    """
    return {category: (str(style["fill"]), style.get("ring") is not None)
            for category, style in CATEGORY_COLOURS.items()}
