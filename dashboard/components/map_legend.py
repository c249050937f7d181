"""The page's map legend: HTML under the map (see figures/map_legend.py for why).

Real text (read by screen readers, translated, laid out with logical properties so it flips
for right-to-left), beside the map rather than over it, and each entry of a switchable layer
marked with that layer, so switching the layer off hides its entry too (assets/30-map.css,
with no callback at all).
"""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.i18n import gettext as _t


def _swatch(swatch: dict) -> html.Span:
    colour = swatch.get("colour") or "currentColor"
    if swatch["kind"] == "fill":
        return html.Span(className="swatch swatch-fill",
                         style={"background": swatch.get("fill") or "transparent",
                                "borderColor": colour})
    if swatch["kind"] == "line":
        width = max(1.0, float(swatch.get("width") or 2))
        return html.Span(className="swatch swatch-line",
                         style={"borderBlockStart": f"{width:g}px solid {colour}"})
    size = max(4.0, float(swatch.get("size") or 10))
    return html.Span(className="swatch swatch-marker",
                     style={"inlineSize": f"{size:g}px", "blockSize": f"{size:g}px",
                            "background": colour})


def legend_rows(items: list[dict]) -> list:
    """The legend's list items (the part that changes with the base map)."""
    rows: list = []
    for item in items:
        layer = {"data-layer": item["layer"]} if item.get("layer") else {}
        if item.get("days"):
            # Shown only on these timeline days (assets/app.js, on every step).
            layer["data-days"] = item["days"]
        if item.get("title"):
            rows.append(html.Li(item["title"], className="legend-title", **layer))
        rows.append(html.Li([html.Span(_swatch(item["swatch"]), className="swatch-box"),
                             html.Span(item["label"])], className="legend-item", **layer))
    return rows


def make_map_legend(items: list[dict], lang: str) -> html.Div:
    """The legend, a strip under the map (it never covers a point), with `items` from
    figures.map_legend.split_legend."""
    # Focusable (tabIndex 0): in presentation mode the legend scrolls inside its side panel,
    # and a scrolling region must be reachable by keyboard to be read.
    return html.Div(className="map-legend", id=ids.MAP_LEGEND_BOX, role="group", tabIndex=0,
                    **{"aria-label": _t("Legend", lang)},
                    children=html.Ul(legend_rows(items), id=ids.MAP_LEGEND))
