"""Briefing scenes: a scene is a prepared view (date, window, layers, map view) with a caption.

`scene=N` in the URL applies scene N; any other key in the same URL overrides what the scene
says, so a presenter who steps a day inside a scene still has a link to exactly that view.

Pure state only (lookup, applying a scene to a view, its texts, its focus and inset): the page's
component is components/scene.py, so the still exports use scenes without importing Dash.
(Loading and ordering happen once, in data/load.py: `Dataset.scenes` is sorted by number.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import gettext as _t
from dashboard.view import PRESET_VIEWS, View


@dataclass(frozen=True)
class SceneText:
    """What a scene says, in one language."""

    counter: str
    title: str
    caption: str


@dataclass(frozen=True)
class Inset:
    """A second, small map for a scene whose subject also lies far from the main view."""

    lat: float
    lon: float
    zoom: float
    label: str


def find_scene(scenes: tuple[dict, ...], number: int | None) -> dict | None:
    """The scene with that number, or None."""
    if number is None:
        return None
    return next((s for s in scenes if int(s.get("scene", 0)) == number), None)


def apply_scene(view: View, scene: dict, explicit: set[str]) -> View:
    """`view` with the scene's settings, except for the URL keys in `explicit`."""
    changes: dict = {}
    if "date" not in explicit and scene.get("date"):
        changes["date"] = dt.date.fromisoformat(str(scene["date"]))
    if "window" not in explicit and scene.get("window") in ("day", "cumulative"):
        changes["window"] = scene["window"]
    if "layers" not in explicit and scene.get("layers"):
        changes["layers"] = frozenset(scene["layers"])
    map_view = scene.get("view") or {}
    if not explicit & {"preset", "center", "zoom"}:
        if scene.get("preset"):
            changes.update(preset=scene["preset"], center=None, zoom=None)
        elif {"lat", "lon", "zoom"} <= set(map_view):
            changes.update(center=(float(map_view["lat"]), float(map_view["lon"])),
                           zoom=float(map_view["zoom"]))
    if "incident" not in explicit and scene.get("highlight"):
        changes["incident"] = str(scene["highlight"][0])
    return dataclasses.replace(view, **changes)


def scene_text(scene: dict, total: int, lang: str) -> SceneText:
    """The scene's counter, title and caption in `lang` (English where a text is missing)."""
    return SceneText(
        counter=_t("Scene {n} of {total}", lang, n=scene.get("scene"), total=total),
        title=scene.get(f"title_{lang}") or scene.get("title_en", ""),
        caption=scene.get(f"caption_{lang}") or scene.get("caption_en", ""),
    )


def scene_centre(scene: dict) -> tuple[float, float]:
    """The centre (lat, lon) of the scene's own framing: its view, or its preset's."""
    map_view = scene.get("view") or {}
    if {"lat", "lon"} <= set(map_view):
        return float(map_view["lat"]), float(map_view["lon"])
    lat, lon, _zoom = PRESET_VIEWS[scene.get("preset") or "aleppo"]
    return lat, lon


def scene_focus(scene: dict, incidents: pd.DataFrame) -> list[tuple[float, float]]:
    """The points (lat, lon) a scene is about: its highlighted incidents that have a position
    inside the scene's main view region, else the centre of its framing. The page keeps the
    caption off them (tests/browser/test_present_fit.py)."""
    ids = [str(i) for i in scene.get("highlight") or ()]
    rows = incidents[incidents["id"].astype(str).isin(ids)] if ids else incidents.iloc[:0]
    points = [(float(lat), float(lon)) for lat, lon in zip(rows["lat"], rows["lon"], strict=True)
              if pd.notna(lat) and pd.notna(lon)]
    return points or [scene_centre(scene)]


INSET_SPAN_PX = 100  # the inset's places spread over about this many pixels (box ~300 px)


def inset_view(scene: dict, places: pd.DataFrame, lang: str) -> Inset | None:
    """The scene's inset map (`inset`: place ids), framed on those places, or None."""
    wanted = [str(p) for p in scene.get("inset") or ()]
    if not wanted:
        return None
    rows = places[places["place_id"].astype(str).isin(wanted)]
    if rows.empty:
        return None
    lat = (float(rows["lat"].min()) + float(rows["lat"].max())) / 2
    lon = (float(rows["lon"].min()) + float(rows["lon"].max())) / 2
    # Web Mercator: 512 * 2^zoom px per 360 degrees of longitude (MapLibre's tile size).
    span_deg = max(float(rows["lon"].max() - rows["lon"].min()),
                   float(rows["lat"].max() - rows["lat"].min()) / math.cos(math.radians(lat)),
                   0.01)
    zoom = min(12.0, math.log2(INSET_SPAN_PX * 360 / (512 * span_deg)))
    names = rows.set_index("place_id").reindex(wanted)
    name_col = f"name_{lang}" if f"name_{lang}" in names else "name_en"
    label = " · ".join(str(n) for n in names[name_col].dropna())
    return Inset(lat=round(lat, 5), lon=round(lon, 5), zoom=round(zoom, 2), label=label)
