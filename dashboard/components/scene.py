"""The page's scene parts: the caption block and the inset map (their data: dashboard/scenes.py)."""

from __future__ import annotations

import dataclasses

from dash import dcc, html

from dashboard import ids
from dashboard.figures.map_still import make_static_map_figure
from dashboard.i18n import gettext as _t
from dashboard.runtime import Runtime
from dashboard.scenes import Inset, scene_text
from dashboard.view import View


def scene_caption(scene: dict | None, total: int, lang: str) -> list:
    """The caption block shown beside the map while a scene is on: counter, title, caption."""
    if scene is None:
        return []
    text = scene_text(scene, total, lang)
    return [html.P(text.counter, className="scene-counter"),
            html.H2(text.title, className="scene-title"),
            html.P(text.caption, className="caption-text")]


def scene_inset(inset: Inset | None, view: View, runtime: Runtime) -> html.Div | None:
    """A small still map of the scene's far-away places, drawn as the page draws the scene's
    day (presentation mode shows it in a corner of the map; 80-present.css)."""
    if inset is None:
        return None
    inset_view = dataclasses.replace(view, center=(inset.lat, inset.lon), zoom=inset.zoom)
    figure = make_static_map_figure(runtime.dataset, inset_view, runtime.payload, view.lang)
    figure.update_layout(showlegend=False)
    return html.Div(
        className="scene-inset", id=ids.SCENE_INSET, role="img",
        **{"aria-label": _t("Inset map: {places}", view.lang, places=inset.label)},
        children=[
            html.P(inset.label, className="scene-inset-label"),
            dcc.Graph(figure=figure, className="scene-inset-graph",
                      config={"staticPlot": True, "displayModeBar": False}),
        ],
    )
