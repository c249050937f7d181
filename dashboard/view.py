"""The view state: what a person is looking at. The URL is a serialised View (see state.py).

A View is immutable; change it with `dataclasses.replace`. It holds no data, only choices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.data.model import CATEGORIES

WINDOWS = ("cumulative", "day")  # up to the chosen day / that day only
MODES = ("explore", "present")
LANGS = ("en", "fr", "ar")
THEMES = ("light", "dark")
BASEMAPS = ("none", "osm", "carto-light", "carto-dark")
PRESETS = ("aleppo", "north", "syria")
CHART_GROUPS = ("side", "category")
CONTEXT_LAYERS = ("zones", "routes", "control", "places", "halos")

# Preset map views: centre (lat, lon) and zoom.
PRESET_VIEWS: dict[str, tuple[float, float, float]] = {
    "aleppo": (36.205, 37.150, 11.2),
    "north": (35.60, 37.00, 6.6),
    "syria": (34.90, 38.40, 5.4),
}

DEFAULT_LAYERS: frozenset[str] = frozenset(CATEGORIES) | frozenset(CONTEXT_LAYERS)


@dataclass(frozen=True)
class View:
    """Everything the URL can say. `date=None` means the dataset's last day."""

    date: dt.date | None = None
    window: str = "cumulative"
    mode: str = "explore"
    layers: frozenset[str] = field(default=DEFAULT_LAYERS)
    basemap: str = "none"
    preset: str | None = "aleppo"
    center: tuple[float, float] | None = None  # (lat, lon); overrides preset when set
    zoom: float | None = None
    incident: str | None = None
    lang: str = "en"
    theme: str = "light"
    scene: int | None = None
    speed: float = 1.0  # timeline play speed, days per second
    chart_group: str = "side"

    def map_view(self) -> tuple[float, float, float]:
        """Centre latitude, longitude and zoom to show."""
        lat, lon, zoom = PRESET_VIEWS[self.preset or "aleppo"]
        if self.center is not None:
            lat, lon = self.center
        if self.zoom is not None:
            zoom = self.zoom
        return lat, lon, zoom
