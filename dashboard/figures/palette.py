"""Map colours and the map style (offline by default).

Categories: 13 categories cannot all get their own colour-blind-safe hue (Okabe–Ito has 8, and
its black vanishes on a dark map). So 8 categories get a solid Okabe–Ito hue (grey in place of
black), and 5 reuse one of those hues *with an outline ring* in the theme's ink colour. A hue is
only ever shared between a solid and a ringed category, so hue + ring tells all 13 apart. Map
markers never use symbols for category (Scattermap symbols are icons from a remote sprite).
Plotly's Scattermap has no marker outline, so a ring is a slightly larger circle drawn beneath.

A marker whose killed figure is not reported is small and gets a grey ring (UNREPORTED_OUTLINE),
which differs from the ink ring of the ringed categories.
"""

from __future__ import annotations

from dashboard.figures.theme import SIDE_COLOURS

__all__ = [
    "CATEGORY_COLOURS",
    "CONTROL_COLOURS",
    "MAP_SURFACES",
    "OUTLINES_ATTRIBUTION",
    "ROUTE_STATUS_COLOURS",
    "SIDE_COLOURS",
    "TILE_BASEMAPS",
    "UNREPORTED_OUTLINE",
    "ZONE_COLOURS",
    "contrast_ratio",
    "map_style",
    "map_surface",
]

_VERMILLION, _ORANGE, _PURPLE, _BLUE = "#D55E00", "#E69F00", "#CC79A7", "#0072B2"
_SKY, _GREEN, _YELLOW, _GREY = "#56B4E9", "#009E73", "#F0E442", "#999999"

# fill: the marker colour; ring: None (solid) or "ink" (an outline in the theme's ink colour).
CATEGORY_COLOURS: dict[str, dict[str, str | None]] = {
    "air_raid": {"fill": _VERMILLION, "ring": None},
    "shelling": {"fill": _ORANGE, "ring": None},
    "hospital_strike": {"fill": _PURPLE, "ring": None},
    "armed_clash": {"fill": _BLUE, "ring": None},
    "attack_on_civilians": {"fill": _VERMILLION, "ring": "ink"},
    "displacement": {"fill": _SKY, "ring": None},
    "siege_route": {"fill": _YELLOW, "ring": "ink"},  # yellow alone is too faint on light maps
    "truce": {"fill": _GREEN, "ring": None},
    "humanitarian_convoy": {"fill": _SKY, "ring": "ink"},
    "diplomacy": {"fill": _GREY, "ring": None},
    "protest": {"fill": _PURPLE, "ring": "ink"},
    "statement": {"fill": _GREY, "ring": "ink"},
    "other": {"fill": _ORANGE, "ring": "ink"},
}

# Ring of a marker whose killed figure is not reported (mid grey: >= 3:1 on both map grounds).
UNREPORTED_OUTLINE = "#8a8a8a"

ROUTE_STATUS_COLOURS: dict[str, str] = {
    "open": _GREEN,
    "under_fire": _ORANGE,
    "cut": _VERMILLION,
}

# Neighbourhood control as reported: the same hues as the sides of the line in the charts.
CONTROL_COLOURS: dict[str, str] = {
    key: SIDE_COLOURS[key] for key in ("rebel_held", "government_held", "kurdish_held")
}

# Zones: fill (translucent) and line. Truce areas green, besieged areas vermillion.
ZONE_COLOURS: dict[str, dict[str, str]] = {
    "truce": {"fill": "rgba(0,158,115,0.16)", "line": _GREEN},
    "besieged": {"fill": "rgba(213,94,0,0.14)", "line": _VERMILLION},
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
# Natural Earth draws boundaries as held on the ground: said in the attribution and legend.
OUTLINES_ATTRIBUTION = "Natural Earth (boundaries de facto, approximate)"

_OSM_ATTRIBUTION = "© OpenStreetMap contributors"
TILE_BASEMAPS: dict[str, tuple[list[str], str]] = {
    "osm": (["https://tile.openstreetmap.org/{z}/{x}/{y}.png"], _OSM_ATTRIBUTION),
    "carto-light": (
        [f"https://{s}.basemaps.cartocdn.com/light_all/{{z}}/{{x}}/{{y}}.png" for s in "abcd"],
        f"{_OSM_ATTRIBUTION} © CARTO",
    ),
    "carto-dark": (
        [f"https://{s}.basemaps.cartocdn.com/dark_all/{{z}}/{{x}}/{{y}}.png" for s in "abcd"],
        f"{_OSM_ATTRIBUTION} © CARTO",
    ),
}


def map_surface(theme: str) -> dict[str, str]:
    """Map ground, text, ink and overlay colours of a theme (unknown themes read as light)."""
    return MAP_SURFACES.get(theme, MAP_SURFACES["light"])


def map_style(theme: str, basemap: str = "none", outlines: str | dict | None = None,
              country_names: dict[str, str] | None = None, text_scale: float = 1.0) -> dict:
    """An inline MapLibre style: the offline outline map, or a raster tile basemap.

    There is never a "glyphs" key (MapLibre would fetch fonts from it; without it labels use a
    local font) nor a sprite. Offline, `outlines` (dashboard/data/outlines.py) is either the
    address the page fetches it from (the app: the figure stays small and plotly's per-update
    comparison of the style stays cheap) or the FeatureCollection itself (image exports): sea
    as the background, land, dashed country boundaries, and country names from
    `country_names` (ISO alpha-2 -> name in the viewer's language). Without outlines the
    style keeps one (empty) source, because with "sources": {} plotly.js logs "Map error." on
    every update. Tile basemaps are only used when the viewer asks for them (view.basemap);
    unknown names fall back to offline.
    """
    background = {
        "id": "background",
        "type": "background",
        "paint": {"background-color": map_surface(theme)["background"]},
    }
    if basemap in TILE_BASEMAPS:
        tiles, attribution = TILE_BASEMAPS[basemap]
        source = {"type": "raster", "tiles": tiles, "tileSize": 256,
                  "attribution": attribution, "maxzoom": 19}
        return {
            "version": 8,
            "sources": {"basemap": source},
            "layers": [background, {"id": "basemap", "type": "raster", "source": "basemap"}],
        }
    if outlines is None:
        empty = {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}
        return {"version": 8, "sources": {"empty": empty}, "layers": [background]}
    return {"version": 8,
            "sources": {"outlines": {"type": "geojson", "data": outlines,
                                     "attribution": OUTLINES_ATTRIBUTION}},
            "layers": _outline_layers(theme, country_names or {}, text_scale)}


def _outline_layers(theme: str, country_names: dict[str, str], text_scale: float) -> list:
    surface = map_surface(theme)

    def kind(name: str) -> list:
        return ["==", ["get", "kind"], name]

    layers = [
        {"id": "sea", "type": "background", "paint": {"background-color": surface["sea"]}},
        {"id": "land", "type": "fill", "source": "outlines", "filter": kind("land"),
         "paint": {"fill-color": surface["background"], "fill-outline-color": surface["coast"]}},
        {"id": "boundaries", "type": "line", "source": "outlines", "filter": kind("boundary"),
         "paint": {"line-color": surface["boundary"], "line-width": 1.2,
                   "line-dasharray": [4, 2]}},
    ]
    if country_names:
        names = ["match", ["get", "iso_a2"]]
        for code, name in sorted(country_names.items()):
            names += [code, name]
        layers.append({
            "id": "countries", "type": "symbol", "source": "outlines", "filter": kind("label"),
            "maxzoom": 8,  # only where whole countries are in view
            "layout": {"text-field": [*names, ""], "text-size": round(13 * text_scale),
                       "text-letter-spacing": 0.08, "text-transform": "uppercase"},
            "paint": {"text-color": surface["country_text"],
                      "text-halo-color": surface["background"], "text-halo-width": 1.2},
        })
    return layers


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
