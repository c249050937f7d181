"""Briefing scenes: a scene is a prepared view (date, window, layers, map view) with a caption.

`scene=N` in the URL applies scene N; any other key in the same URL overrides what the scene
says, so a presenter who steps a day inside a scene still has a link to exactly that view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from dash import html

from dashboard.i18n import gettext as _t
from dashboard.view import View


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


def scene_caption(scene: dict | None, total: int, lang: str) -> list:
    """The caption block shown above the map while a scene is on."""
    if scene is None:
        return []
    title = scene.get(f"title_{lang}") or scene.get("title_en", "")
    caption = scene.get(f"caption_{lang}") or scene.get("caption_en", "")
    counter = _t("Scene {n} of {total}", lang, n=scene.get("scene"), total=total)
    return [html.Strong(f"{counter} · {title}"), html.P(caption, className="caption-text")]
