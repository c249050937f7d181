"""Composition and scaling of export figures (pure: inspects figure dicts, no browser)."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest

from dashboard.export.compose import ExportMeta, compose_figure
from dashboard.export.scale import has_map, scale_figure, to_render
from dashboard.export.spec import make_spec

OFFLINE_STYLE = {
    "version": 8,
    "sources": {"empty": {"type": "geojson",
                          "data": {"type": "FeatureCollection", "features": []}}},
    "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#fff"}}],
}
META = ExportMeta(title="Aleppo, 30 April 2016", subtitle="Incidents up to 30 April 2016",
                  sources="Sources: AFP, SOHR, MSF",
                  permalink="http://example.org/?date=2016-04-30&lang=fr",
                  caption="A caption that explains the scene.")


def map_figure() -> go.Figure:
    fig = go.Figure(go.Scattermap(lat=[36.2, 36.21], lon=[37.15, 37.16], mode="markers",
                                  name="Air raid", marker={"size": 12, "color": "#D55E00"}))
    fig.update_layout(map={"style": OFFLINE_STYLE, "center": {"lat": 36.2, "lon": 37.15},
                           "zoom": 11, "layers": [{"type": "line", "line": {"width": 2}}]},
                      title="dropped", uirevision="x", font={"size": 13})
    return fig


def bar_figure() -> go.Figure:
    fig = go.Figure([go.Bar(x=["a", "b"], y=[3, 4], name="SOHR", width=0.4,
                            error_y={"array": [1, 1], "thickness": 2, "width": 4}),
                     go.Bar(x=["a", "b"], y=[1, 2], name="MSF")])
    fig.update_layout(title="Reported deaths", yaxis_title="killed", font={"size": 13},
                      legend_title_text="Reported by",
                      annotations=[{"text": "note", "xref": "paper", "yref": "paper",
                                    "x": 0, "y": 1, "showarrow": False}])
    return fig


def texts(fig: go.Figure) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


@pytest.mark.parametrize("kind", ["map", "casualties", "daily", "slide"])
def test_every_kind_carries_title_date_sources_permalink_and_its_size(kind):
    spec = make_spec(kind, preset="hd")
    fig = compose_figure(kind, {"map": map_figure(), "chart": bar_figure()}, META, spec)
    assert (fig.layout.width, fig.layout.height) == (1280, 720)
    for part in ("Aleppo, 30 April 2016", "Incidents up to 30 April 2016",
                 "Sources: AFP, SOHR, MSF", "example.org/?date=2016-04-30&amp;lang=fr"):
        assert part in texts(fig)
    assert fig.layout.showlegend
    assert fig.layout.updatemenus == () and fig.layout.title.text is None


def test_slide_puts_map_and_chart_side_by_side_with_two_legends():
    fig = compose_figure("slide", {"map": map_figure(), "chart": bar_figure()}, META,
                         make_spec("slide"))
    map_x = fig.layout.map.domain.x
    chart_x = fig.layout.xaxis.domain
    assert 0 < map_x[0] < map_x[1] < chart_x[0] < chart_x[1] <= 1
    map_y, chart_y = fig.layout.map.domain.y, fig.layout.yaxis.domain
    assert 0 < map_y[0] and map_y[1] < 1 and 0 < chart_y[0] < chart_y[1] < 1
    assert [t.legend for t in fig.data if t.type == "bar"] == ["legend2", "legend2"]
    assert fig.layout.legend2.title.text == "Reported by"
    assert fig.layout.legend2.orientation == "h"
    assert "A caption that explains the scene." in texts(fig)
    assert "Reported deaths" in texts(fig)  # the chart's own title, above the chart
    # The chart keeps its own colours although the map's traces come first.
    bar_colours = [t.marker.color for t in fig.data if t.type == "bar"]
    assert len(set(bar_colours)) == 2


def test_paper_annotations_of_a_chart_move_into_its_slot():
    fig = compose_figure("daily", {"chart": bar_figure()}, META, make_spec("daily"))
    note = next(a for a in fig.layout.annotations if a.text == "note")
    assert note.x == pytest.approx(fig.layout.xaxis.domain[0])
    assert note.y == pytest.approx(fig.layout.yaxis.domain[1])


def test_bands_do_not_overlap_the_plot_area():
    fig = compose_figure("map", {"map": map_figure()}, META, make_spec("map", preset="a4"))
    top_band = [a for a in fig.layout.annotations if a.yanchor == "top" and a.y > 0.5]
    footer = [a for a in fig.layout.annotations if a.yanchor == "bottom"]
    assert top_band and footer
    assert fig.layout.map.domain.y[1] < min(a.y for a in top_band)
    assert fig.layout.map.domain.y[0] > max(a.y for a in footer)


def test_fonts_grow_with_the_canvas():
    small = compose_figure("map", {"map": map_figure()}, META, make_spec(preset="hd"))
    big = compose_figure("map", {"map": map_figure()}, META, make_spec(preset="slide"))
    assert big.layout.annotations[0].font.size > small.layout.annotations[0].font.size
    assert big.layout.legend.font.size > small.layout.legend.font.size


def test_scale_figure_scales_pixels_not_data_units():
    fig = compose_figure("slide", {"map": map_figure(), "chart": bar_figure()}, META,
                         make_spec("slide"))
    before = fig.to_dict()
    after = scale_figure(fig, 2)
    assert after["layout"]["font"]["size"] == 2 * before["layout"]["font"]["size"]
    title_before = before["layout"]["annotations"][-1]["font"]["size"]
    assert after["layout"]["annotations"][-1]["font"]["size"] == 2 * title_before
    points = next(t for t in after["data"] if t["type"] == "scattermap")
    assert points["marker"]["size"] == 24
    bar = next(t for t in after["data"] if t["type"] == "bar")
    assert bar["width"] == 0.4  # a bar width is in data units
    assert bar["error_y"]["thickness"] == 4 and bar["error_y"]["width"] == 8
    assert after["layout"]["map"]["zoom"] == pytest.approx(12)  # 2× px: one zoom level up
    assert after["layout"]["map"]["layers"][0]["line"]["width"] == 4
    assert after["layout"]["map"]["domain"] == before["layout"]["map"]["domain"]
    assert before["layout"]["map"]["zoom"] == 11  # the input is not changed


def test_scale_figure_handles_typed_arrays():
    fig = go.Figure(go.Scattermap(lat=[1, 2], lon=[1, 2], marker={"size": [4, 6]}))
    data = fig.to_dict()
    assert isinstance(data["data"][0]["marker"]["size"], (dict, list))
    assert scale_figure(data, 1.5)["data"][0]["marker"]["size"] == [6.0, 9.0]


def test_to_render_uses_browser_scale_for_charts_and_layout_scale_for_maps():
    chart = compose_figure("daily", {"chart": bar_figure()}, META,
                           make_spec("daily", preset="hd", scale=2))
    _, opts = to_render(chart, make_spec("daily", preset="hd", scale=2))
    assert opts == {"format": "png", "width": 1280, "height": 720, "scale": 2.0}
    spec = make_spec("map", "svg", preset="hd", scale=2)
    fig = compose_figure("map", {"map": map_figure()}, META, spec)
    data, opts = to_render(fig, spec)
    assert opts == {"format": "svg", "width": 2560, "height": 1440, "scale": 1}
    assert (data["layout"]["width"], data["layout"]["height"]) == (2560, 1440)
    assert data["layout"]["map"]["zoom"] == pytest.approx(11 + math.log2(2))
    assert has_map(fig) and not has_map(chart)


def test_composition_does_not_change_the_app_figures():
    source = map_figure()
    before = source.to_dict()
    compose_figure("map", {"map": source}, META, make_spec(scale=3, preset="hd"))
    assert source.to_dict() == before


def test_text_only_map_labels_get_an_invisible_marker_so_plotly_can_offset_them():
    label = go.Scattermap(lat=[36.2], lon=[37.1], mode="text", text=["Castello road"],
                          textposition="middle right", showlegend=False)
    fig = map_figure()
    fig.add_trace(label)
    fig.update_layout(map_bearing=10)  # a rotated map keeps its labels in MapLibre
    out = compose_figure("map", {"map": fig}, META, make_spec())
    placed = next(t for t in out.data if t.text == ("Castello road",))
    assert "markers" in placed.mode and placed.marker.size == 0 and placed.marker.opacity == 0


def test_map_labels_become_annotations_on_a_flat_map():
    label = go.Scattermap(lat=[36.2], lon=[37.15], mode="text", text=["Castello road"],
                          textposition="middle right", showlegend=False)
    fig = map_figure()
    fig.add_trace(label)
    out = compose_figure("map", {"map": fig}, META, make_spec())
    assert all(t.text != ("Castello road",) for t in out.data)
    note = next(a for a in out.layout.annotations if a.text == "Castello road")
    assert note.x == pytest.approx(sum(out.layout.map.domain.x) / 2)  # the map's centre
    assert note.xanchor == "left" and note.xshift > 0  # "middle right": right of the point


def test_map_legend_keeps_only_the_categories_shown():
    from dashboard.export.build import trim_map_legend

    fig = map_figure()
    for i, cat in enumerate(("air_raid", "shelling", "hospital_strike")):
        fig.add_trace(go.Scattermap(lat=[None], lon=[None], name=cat, meta=f"legend-{cat}",
                                    legendgrouptitle={"text": "By category"} if i == 0 else None))
    trimmed = trim_map_legend(fig, {"shelling", "hospital_strike"})
    names = [t.name for t in trimmed.data]
    assert names == ["Air raid", "shelling", "hospital_strike"]
    assert trimmed.data[1].legendgrouptitle.text == "By category"
    assert fig.data[1].name == "air_raid"  # the input is not changed


def test_a_scene_inset_is_a_second_map_in_the_maps_lower_corner():
    inset = map_figure().update_layout(map={"center": {"lat": 33.7, "lon": 36.1}, "zoom": 10.6},
                                       showlegend=False)
    inset.layout.map.style = {**OFFLINE_STYLE, "sources": {
        "empty": {**OFFLINE_STYLE["sources"]["empty"], "attribution": "Natural Earth"}}}
    meta = ExportMeta(**{**META.__dict__, "inset_label": "Madaya · al-Zabadani"})
    fig = compose_figure("slide", {"map": map_figure(), "chart": bar_figure(), "inset": inset},
                         meta, make_spec("slide"))
    main, corner = fig.layout.map.domain, fig.layout.map2.domain
    assert main.x[0] < corner.x[0] < corner.x[1] < (main.x[0] + main.x[1]) / 2
    assert main.y[0] < corner.y[0] < corner.y[1] < (main.y[0] + main.y[1]) / 2
    assert fig.layout.map2.center.lat == 33.7 and fig.layout.map2.zoom == 10.6
    assert "attribution" not in fig.layout.map2.style["sources"]["empty"]  # once, on the main
    on_inset = [t for t in fig.data if getattr(t, "subplot", None) == "map2"]
    assert on_inset and not any(t.showlegend for t in on_inset)
    assert "Madaya · al-Zabadani" in texts(fig)
    # Without an inset figure, nothing of it.
    plain = compose_figure("slide", {"map": map_figure(), "chart": bar_figure()}, META,
                           make_spec("slide"))
    assert "map2" not in plain.to_dict()["layout"]
