"""The map style (offline by default) and the map's colours.

The colours themselves are constants in dashboard/colours.py (re-exported here for the map
figures); why categories share hues with rings is said there. Map markers never use symbols
for category (Scattermap symbols are icons from a remote sprite). Plotly's Scattermap has no
marker outline, so a ring is a slightly larger circle drawn beneath.
"""

from __future__ import annotations

from dashboard.colours import (
    CATEGORY_COLOURS,
    CONTROL_COLOURS,
    MAP_SURFACES,
    ROUTE_STATUS_COLOURS,
    SIDE_COLOURS,
    UNREPORTED_OUTLINE,
    ZONE_COLOURS,
)
from dashboard.i18n import N_

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

# Natural Earth draws boundaries as held on the ground: said in the attribution and legend
# (a msgid: the figures translate it, map_style takes it as given).
OUTLINES_ATTRIBUTION = N_("Natural Earth (de facto boundaries, approximate)")

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
              country_names: dict[str, str] | None = None, text_scale: float = 1.0,
              attribution: str = OUTLINES_ATTRIBUTION) -> dict:
    """An inline MapLibre style: the offline outline map, or a raster tile basemap.

    There is never a "glyphs" key (MapLibre would fetch fonts from it; without it labels use a
    local font) nor a sprite. Offline, `outlines` (dashboard/data/outlines.py) is either the
    address the page fetches it from (the app: the figure stays small and plotly's per-update
    comparison of the style stays cheap) or the FeatureCollection itself (image exports): sea
    as the background, land, dashed country boundaries, and country names from
    `country_names` (ISO alpha-2 -> name in the viewer's language). Without outlines the
    style keeps one (empty) source, because with "sources": {} plotly.js logs "Map error." on
    every update. `attribution` is the outline map's credit in the viewer's language.
    Tile basemaps are only used when the viewer asks for them (view.basemap);
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
                                     "attribution": attribution}},
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
