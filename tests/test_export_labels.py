"""Map labels as annotations in exports: the Web Mercator projection, text placement,
clipping and collisions (pure), and one real SVG render showing the labels are vector text."""

from __future__ import annotations

import math
import os

import plotly.graph_objects as go
import pytest

from dashboard.export.compose import ExportMeta, compose_figure
from dashboard.export.labels import (
    TILE_PX,
    labels_to_annotations,
    legend_boxes,
    project,
    text_placement,
    world_px,
    wrap_label,
)
from dashboard.export.spec import make_spec

STYLE = {"version": 8,  # one empty source: with none, plotly.js reports "Map error."
         "sources": {"empty": {"type": "geojson",
                               "data": {"type": "FeatureCollection", "features": []}}},
         "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#fff"}}]}
CENTRE = (36.2, 37.15)
ZOOM = 11.0
META = ExportMeta(title="Aleppo, 30 April 2016")


def figure(traces: list[dict], *, domain=None, width=1000, height=800, **map_extra) -> dict:
    """A figure dict like compose_figure's: no margins, one map subplot."""
    subplot = {"style": STYLE, "center": {"lat": CENTRE[0], "lon": CENTRE[1]}, "zoom": ZOOM,
               "domain": domain or {"x": [0.1, 0.6], "y": [0.2, 0.9]}, **map_extra}
    return {"data": traces, "layout": {"width": width, "height": height, "map": subplot,
                                       "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}


def label(lat, lon, text, **extra) -> dict:
    return {"type": "scattermap", "mode": "text", "lat": lat, "lon": lon, "text": text,
            "textfont": {"size": 12, "color": "#333"}, "showlegend": False, **extra}


def one_tile_east(lon: float, zoom: float) -> float:
    return lon + 360 / 2 ** zoom  # 512 px at `zoom` (a tile is 512 px wide)


# ---------------------------------------------------------------- projection


def test_the_centre_projects_to_the_middle_of_the_map():
    assert project(*CENTRE, CENTRE, ZOOM, (800, 600)) == pytest.approx((400, 300))


def test_one_tile_east_is_512_px_right_at_any_zoom():
    for zoom in (0.0, 3.0, 11.0, 13.5):
        x, y = project(CENTRE[0], one_tile_east(CENTRE[1], zoom), CENTRE, zoom, (800, 600))
        assert x == pytest.approx(400 + TILE_PX)
        assert y == pytest.approx(300)


def test_web_mercator_world_and_latitude_direction():
    assert world_px(0, 0, 0) == pytest.approx((256, 256))
    assert world_px(0, -180, 1) == pytest.approx((0, 512))
    north = project(CENTRE[0] + 0.01, CENTRE[1], CENTRE, ZOOM, (800, 600))
    assert north[1] < 300  # north is up
    # Mercator stretches latitude by 1/cos(φ): 0.01° north is more px than 0.01° east.
    east = project(CENTRE[0], CENTRE[1] + 0.01, CENTRE, ZOOM, (800, 600))
    ratio = (300 - north[1]) / (east[0] - 400)
    assert ratio == pytest.approx(1 / math.cos(math.radians(CENTRE[0])), rel=0.01)


def test_text_placement_follows_plotly_offsets():
    assert text_placement("middle center", 0, 12) == ("center", "middle", 0, 0)
    xanchor, yanchor, xshift, yshift = text_placement("top right", 14, 10)
    assert (xanchor, yanchor) == ("left", "top")
    assert xshift == pytest.approx(6.4) and yshift == pytest.approx(16.4)
    assert text_placement("bottom left", 0, 10)[:2] == ("right", "bottom")


def test_long_labels_wrap_like_maplibre():
    assert wrap_label("Handarat camp (Ein al-Tal)") == ["Handarat camp", "(Ein al-Tal)"]
    assert wrap_label("al-Sukkari") == ["al-Sukkari"]
    assert wrap_label("one<br>two") == ["one", "two"]


# ---------------------------------------------------------------- annotations


def test_a_label_at_the_centre_lands_at_the_domain_centre():
    out = labels_to_annotations(figure([label([CENTRE[0]], [CENTRE[1]], ["Aleppo"])]))
    (note,) = out["layout"]["annotations"]
    assert note["x"] == pytest.approx(0.35) and note["y"] == pytest.approx(0.55)
    assert (note["xanchor"], note["yanchor"]) == ("center", "middle")
    assert note["text"] == "Aleppo" and note["font"] == {"size": 12, "color": "#333"}
    assert (note["xref"], note["yref"], note["showarrow"]) == ("paper", "paper", False)
    assert out["data"] == []  # a text-only trace leaves the map


def test_a_label_one_tile_east_is_512_px_right_in_paper_units():
    east = one_tile_east(CENTRE[1], ZOOM - 1)  # zoom 10: 512 px, half the 1000 px canvas
    fig = figure([label([CENTRE[0]], [east], ["E"])], domain={"x": [0, 1], "y": [0, 1]},
                 width=2000, zoom=ZOOM - 1)
    (note,) = labels_to_annotations(fig)["layout"]["annotations"]
    assert note["x"] == pytest.approx(0.5 + TILE_PX / 2000)


def test_labels_outside_the_map_or_across_its_edge_are_dropped():
    # The map is 500 × 560 px; at zoom 11 one degree of longitude is ~1456 px.
    traces = [label([CENTRE[0], CENTRE[0], 40.0, CENTRE[0]],
                    [CENTRE[1], CENTRE[1] + 1, CENTRE[1], CENTRE[1] + 0.17],
                    ["in", "far east", "far north", "across the east edge"])]
    notes = labels_to_annotations(figure(traces))["layout"]["annotations"]
    assert [n["text"] for n in notes] == ["in"]


def test_markers_stay_on_the_map_and_their_labels_are_offset():
    trace = {"type": "scattermap", "mode": "markers+text", "lat": [CENTRE[0]],
             "lon": [CENTRE[1]], "text": ["al-Sukkari"], "textposition": "top right",
             "textfont": {"size": 10, "color": "#111"}, "marker": {"size": 14},
             "name": "Rebel-held"}
    out = labels_to_annotations(figure([trace]))
    (kept,) = out["data"]
    assert kept["mode"] == "markers" and kept["name"] == "Rebel-held"
    assert "textfont" not in kept and "textposition" not in kept
    (note,) = out["layout"]["annotations"]
    assert (note["xanchor"], note["yanchor"]) == ("left", "top")
    assert note["xshift"] == pytest.approx(6.4) and note["yshift"] == pytest.approx(16.4)


def test_overlapping_labels_keep_the_topmost_trace_like_maplibre():
    below = label([CENTRE[0]], [CENTRE[1]], ["Castello road (approx.)"])
    above = label([CENTRE[0]], [CENTRE[1] + 0.0005], ["Aleppo"])
    apart = label([CENTRE[0] - 0.05], [CENTRE[1]], ["Ramouseh"])
    notes = labels_to_annotations(figure([below, above, apart]))["layout"]["annotations"]
    assert [n["text"] for n in notes] == ["Aleppo", "Ramouseh"]


def test_labels_under_a_legend_on_the_map_are_dropped():
    entries = [{"type": "scattermap", "lat": [None], "lon": [None], "mode": "markers",
                "name": name} for name in ("Government-held (as reported)", "Kurdish-held",
                                           "Rebel-held")]
    # The map is 500 × 560 px; at zoom 11 a degree of longitude is ~2913 px.
    under = label([CENTRE[0] + 0.06], [CENTRE[1] - 0.04], ["Kafr Hamrah"])  # top left
    clear = label([CENTRE[0]], [CENTRE[1]], ["Aleppo"])
    fig = figure([*entries, under, clear])
    assert len(labels_to_annotations(fig)["layout"]["annotations"]) == 2
    fig["layout"]["legend"] = {"x": 0.1, "y": 0.9, "xanchor": "left", "yanchor": "top",
                               "font": {"size": 15}}
    ((x0, y0, x1, y1),) = legend_boxes(fig)
    assert (x0, y1) == pytest.approx((0.1, 0.9))
    assert 0.2 < x1 - x0 < 0.35 and 0.05 < y1 - y0 < 0.15  # ~260 × 80 px
    notes = labels_to_annotations(fig)["layout"]["annotations"]
    assert [n["text"] for n in notes] == ["Aleppo"]


def test_per_point_fonts_positions_and_escaping():
    trace = label([CENTRE[0], CENTRE[0] - 0.02], [CENTRE[1], CENTRE[1]], ["a<b", "c"],
                  textfont={"size": [10, 14], "color": ["#111", "#222"]},
                  textposition=["middle center", "bottom center"])
    notes = labels_to_annotations(figure([trace]))["layout"]["annotations"]
    assert [n["text"] for n in notes] == ["a&lt;b", "c"]
    assert [n["font"]["size"] for n in notes] == [10, 14]
    assert [n["font"]["color"] for n in notes] == ["#111", "#222"]
    assert notes[1]["yanchor"] == "bottom"


def test_rotated_maps_and_templated_text_keep_maplibre_labels():
    fig = figure([label([CENTRE[0]], [CENTRE[1]], ["x"])], bearing=30)
    assert labels_to_annotations(fig) == fig
    templated = figure([label([CENTRE[0]], [CENTRE[1]], ["x"], texttemplate="%{text}!")])
    assert "annotations" not in labels_to_annotations(templated)["layout"]


def test_existing_annotations_stay_on_top_and_the_input_is_not_changed():
    fig = figure([label([CENTRE[0]], [CENTRE[1]], ["Aleppo"])])
    fig["layout"]["annotations"] = [{"text": "Title", "x": 0, "y": 1}]
    before = repr(fig)
    notes = labels_to_annotations(fig)["layout"]["annotations"]
    assert [n["text"] for n in notes] == ["Aleppo", "Title"]
    assert repr(fig) == before


def test_compose_moves_the_map_labels_into_annotations():
    fig = go.Figure([go.Scattermap(lat=[CENTRE[0]], lon=[CENTRE[1]], mode="markers+text",
                                   text=["al-Sukkari"], textposition="top right",
                                   marker={"size": 14}, name="Rebel-held"),
                     go.Scattermap(lat=[CENTRE[0] - 0.02], lon=[CENTRE[1]], mode="text",
                                   text=["Ramouseh"], showlegend=False)])
    fig.update_layout(map={"style": STYLE, "center": {"lat": CENTRE[0], "lon": CENTRE[1]},
                           "zoom": ZOOM})
    out = compose_figure("map", {"map": fig}, META, make_spec("map"))
    assert [t.mode for t in out.data] == ["markers"]
    texts = [a.text for a in out.layout.annotations]
    assert "al-Sukkari" in texts and "Ramouseh" in texts
    note = next(a for a in out.layout.annotations if a.text == "Ramouseh")
    dom = out.layout.map.domain
    assert dom.x[0] < note.x < dom.x[1] and dom.y[0] < note.y < dom.y[1]


# ---------------------------------------------------------------- a real render


def test_svg_export_has_the_map_labels_as_text():
    from dashboard.export.render import BrowserSession, find_browser, render

    if find_browser() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the export tests in CI")
        pytest.skip("Chromium not installed")
    fig = go.Figure(go.Scattermap(lat=[CENTRE[0]], lon=[CENTRE[1]], mode="text",
                                  text=["Bustan al-Qasr"], showlegend=False))
    fig.update_layout(map={"style": STYLE, "center": {"lat": CENTRE[0], "lon": CENTRE[1]},
                           "zoom": ZOOM})
    spec = make_spec("map", "svg", preset="hd")
    session = BrowserSession(time_limit_s=60)
    try:
        svg = render(compose_figure("map", {"map": fig}, META, spec), spec, session=session)
    finally:
        session.close()
    assert b"Bustan al-Qasr</text>" in svg
