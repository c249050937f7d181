"""The scene caption block of the page (its texts come from dashboard/scenes.py)."""

from __future__ import annotations

from dash import html

from dashboard.scenes import scene_text


def scene_caption(scene: dict | None, total: int, lang: str) -> list:
    """The caption block shown beside the map while a scene is on: counter, title, caption."""
    if scene is None:
        return []
    text = scene_text(scene, total, lang)
    return [html.P(text.counter, className="scene-counter"),
            html.H2(text.title, className="scene-title"),
            html.P(text.caption, className="caption-text")]
