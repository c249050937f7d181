"""The page's map legend: taken out of the figure as data, drawn as HTML."""

from __future__ import annotations

import datetime as dt

from dashboard.components.map_legend import legend_rows, make_map_legend
from dashboard.figures.map import ROLE_CELLS, ROLE_POINTS, make_map_figure
from dashboard.figures.map_legend import split_legend
from dashboard.view import View
from tests.test_map_figure import dataset  # noqa: F401 - the fixture


def page_figure(ds, **view):
    fig = make_map_figure(ds, View(date=dt.date(2016, 4, 30), **view), compact_legend=True,
                          context_in_style=True)
    return split_legend(fig.to_plotly_json())


def test_legend_entries_leave_the_figure_and_keep_their_look(dataset):  # noqa: F811
    figure, items = page_figure(dataset)
    left = [t for t in figure["data"] if t.get("lat") is not None and list(t["lat"]) == [None]
            and t.get("showlegend") is not False]
    assert left == []
    # The entries that follow the timeline stay on their traces, in plotly's legend.
    metas = {t.get("meta") for t in figure["data"]}
    assert {ROLE_POINTS, ROLE_CELLS} <= metas
    by_label = {item["label"]: item for item in items}
    truce = by_label["Truce area (approximate)"]
    assert truce["layer"] == "zones" and truce["swatch"]["kind"] == "fill"
    assert truce["swatch"]["fill"].startswith("rgba(")
    road = next(item for label, item in by_label.items() if label.startswith("Castello road"))
    assert road["layer"] == "routes" and road["swatch"]["kind"] == "line"
    halo = next(label for label in by_label if label.startswith("Halo: location precision"))
    assert by_label[halo]["layer"] == "halos"
    sizes = [item for item in items if item["swatch"]["kind"] == "marker" and item["layer"] is None]
    assert sizes[0]["title"] == "Marker size: killed (best estimate)"
    assert sizes[0]["swatch"]["size"] < sizes[1]["swatch"]["size"]  # 1 killed < 10 killed


def test_legend_is_translated_and_marks_switchable_layers(dataset):  # noqa: F811
    _, items = page_figure(dataset, lang="fr")
    box = make_map_legend(items, "fr")
    assert getattr(box, "aria-label") == "Légende" and box.role == "group"
    rows = legend_rows(items)
    zones = [r for r in rows if getattr(r, "data-layer", None) == "zones"]
    assert zones and all(r.className in ("legend-item", "legend-title") for r in zones)
    swatch = zones[0].children[0].children
    assert swatch.className == "swatch swatch-fill" and "borderColor" in swatch.style


def test_present_mode_enlarges_the_labels_drawn_by_the_style(dataset):  # noqa: F811
    def text_sizes(mode):
        fig = make_map_figure(dataset, View(date=dt.date(2016, 4, 30), mode=mode),
                              context_in_style=True)
        return {layer["id"]: layer["layout"]["text-size"]
                for layer in fig.layout.map.style["layers"] if layer["type"] == "symbol"}

    explore, present = text_sizes("explore"), text_sizes("present")
    assert explore and set(explore) == set(present)
    assert all(present[k] > explore[k] for k in explore)
