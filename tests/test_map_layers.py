"""Context traces drawn as style layers (the page's map): same drawing, legend and hover kept,
switched-off layers left out by prefix, as in the browser."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dashboard.export.labels import text_placement
from dashboard.figures.map import make_map_figure
from dashboard.figures.map_layers import context_style, text_anchor
from dashboard.figures.map_still import apply_slice
from dashboard.timeline import slice_for_view
from dashboard.view import DEFAULT_LAYERS, View
from tests.test_map_figure import dataset  # noqa: F401 - the fixture

ZONE = dict(type="scattermap", meta="ctx-zones-0", name="Truce area (approximate)",
            legendgroup="zones-truce", mode="lines", fill="toself",
            fillcolor="rgba(0,158,115,0.16)", line={"color": "#009E73", "width": 1.5},
            lat=[36.0, 36.1, 36.1, None, 35.0, 35.1, 35.0],
            lon=[37.0, 37.0, 37.1, None, 36.0, 36.0, 36.1],
            hovertext="Test truce (approximate area)", hoverinfo="text")
LABELS = dict(type="scattermap", meta="ctx-places", mode="text", showlegend=False,
              lat=[36.2, None, 33.5], lon=[37.16, None, 36.29], text=["Aleppo", "x", "Damascus"],
              textfont={"color": "#555555", "size": 11}, hoverinfo="skip")
RINGS = dict(type="scattermap", meta="ctx-control-rebel_held", mode="markers+text",
             name="Rebel-held (as reported)", legendgroup="control", lat=[36.18], lon=[37.15],
             text=["al-Sukkari"], textposition="top right", textfont={"size": 11},
             marker={"color": "#E69F00", "size": 14}, hovertext=["x"], hoverinfo="skip")


def test_a_filled_trace_becomes_a_fill_and_a_line_over_closed_polygons():
    sources, layers, _ = context_style([ZONE])
    features = sources["ctx-zones-0"]["data"]["features"]
    assert [f["geometry"]["type"] for f in features] == ["Polygon", "Polygon"]
    ring = features[0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] == [37.0, 36.0] and len(ring) == 4
    fill, line = layers
    assert (fill["id"], fill["type"], fill["source"]) == ("ctx-zones-0-fill", "fill", "ctx-zones-0")
    assert fill["paint"]["fill-color"] == ZONE["fillcolor"]
    assert line["paint"] == {"line-color": "#009E73", "line-width": 1.5}


def test_text_and_markers_keep_plotlys_look_and_anchor():
    sources, layers, _ = context_style([LABELS, RINGS])
    places = sources["ctx-places"]["data"]["features"]
    assert [f["properties"]["text"] for f in places] == ["Aleppo", "Damascus"]  # gap skipped
    by_id = {layer["id"]: layer for layer in layers}
    assert by_id["ctx-places-text"]["layout"]["text-anchor"] == "center"
    ring_text = by_id["ctx-control-rebel_held-text"]["layout"]
    assert ring_text["text-anchor"] == "top-left"  # plotly: "top right" of the point
    assert by_id["ctx-control-rebel_held-circle"]["paint"]["circle-radius"] == ["get", "radius"]
    ring = sources["ctx-control-rebel_held"]["data"]["features"][0]["properties"]
    assert ring["radius"] == 7 and ring["colour"] == "#E69F00"


@pytest.mark.parametrize("position", ["top right", "bottom left", "middle center", "top center",
                                      "middle right", None])
def test_anchor_matches_the_export_label_placement(position):
    """Both mirror plotly.js's convertTextOpts: same side, same offset in ems."""
    anchor, (dx, dy) = text_anchor(position, 14)
    xanchor, yanchor, xshift, yshift = text_placement(position, 14, 10)
    assert dx * 10 == pytest.approx(xshift) and -dy * 10 == pytest.approx(yshift)
    horizontal = xanchor if xanchor in ("left", "right") else ""
    assert (horizontal in anchor) if horizontal else ("left" not in anchor
                                                      and "right" not in anchor)
    assert (yanchor in anchor) if yanchor in ("top", "bottom") else ("top" not in anchor and
                                                                     "bottom" not in anchor)


def test_legend_and_hover_stand_ins():
    _, _, stand_ins = context_style([ZONE, LABELS, RINGS])
    metas = [t["meta"] for t in stand_ins]
    assert metas == ["ctx-zones-0-legend", "ctx-control-rebel_held-legend", "ctx-zones-hover"]
    legend = stand_ins[0]
    assert legend["lat"] == [None] and legend["name"] == ZONE["name"]
    assert legend["fill"] == "toself" and legend["legendgroup"] == "zones-truce"
    hover = stand_ins[-1]
    assert len(hover["lat"]) == 6 and set(hover["hovertext"]) == {ZONE["hovertext"]}
    ring = {**ZONE, "lat": [36 + k / 100 for k in range(33)], "lon": [37.0] * 33}
    _, _, (_, thinned) = context_style([ring])
    assert 4 <= len(thinned["lat"]) <= 8  # spread along the ring, not every vertex
    assert hover["marker"]["opacity"] == 0 and hover["showlegend"] is False


def test_page_figure_redraws_only_incidents_and_stand_ins(dataset):  # noqa: F811
    view = View(date=dt.date(2016, 4, 30))
    page = make_map_figure(dataset, view, context_in_style=True)
    still = make_map_figure(dataset, view)
    traced = {t.meta for t in still.data if str(t.meta).startswith("ctx-")}
    assert traced  # zones, routes, control and places are traces in still images
    page_ctx = [t for t in page.data if str(t.meta).startswith("ctx-")]
    assert all(t.meta.endswith(("-legend", "-hover")) for t in page_ctx)
    assert all(len([v for v in t.lat if v is not None]) == 0 for t in page_ctx
               if t.meta.endswith("-legend"))
    style_ids = {layer["id"] for layer in page.layout.map.style["layers"]}
    for role in traced:
        assert any(i.startswith(role + "-") for i in style_ids), role


def test_switched_off_context_layers_leave_the_style_too(dataset):  # noqa: F811
    view = View(date=dt.date(2016, 4, 30))
    base = make_map_figure(dataset, view, context_in_style=True)
    layers = frozenset(DEFAULT_LAYERS) - {"control"}
    shown = apply_slice(base, slice_for_view(dataset.incidents, dataclasses.replace(
        view, layers=layers), 8), layers)
    ids = [layer["id"] for layer in shown.layout.map.style["layers"]]
    assert not any(i.startswith("ctx-control") for i in ids)
    assert any(i.startswith("ctx-zones") for i in ids)
    assert not any(str(t.meta).startswith("ctx-control") for t in shown.data)
