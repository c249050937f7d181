"""The layer panel: categories with colour and count, context layers, imported data, basemap."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.colours import CATEGORY_COLOURS
from dashboard.data.model import CATEGORIES
from dashboard.i18n import N_, category_label
from dashboard.i18n import gettext as _t
from dashboard.view import BASEMAPS, CONTEXT_LAYERS, PRESETS, View

CONTEXT_LABELS = {
    "zones": N_("Zones in force"),
    "routes": N_("Routes"),
    "control": N_("Neighbourhood control (as reported)"),
    "places": N_("Places"),
    "halos": N_("Precision halos"),
}
BASEMAP_LABELS = {
    "none": N_("Outline map (offline)"),
    "osm": N_("OpenStreetMap"),
    "carto-light": N_("Carto light"),
    "carto-dark": N_("Carto dark"),
}
PRESET_LABELS = {
    "aleppo": N_("Aleppo city"), "north": N_("Northern Syria"), "syria": N_("All of Syria")
}


def count_id(layer: str) -> dict:
    """Pattern-matching id of the count badge next to a layer."""
    return {"type": ids.LAYER_COUNTS, "layer": layer}


def _category_option(cat: str, lang: str) -> dict:
    style = CATEGORY_COLOURS[cat]
    ring = "ringed" if style.get("ring") else "solid"
    label = html.Span(
        className="layer-option",
        children=[
            html.Span(className=f"swatch {ring}", style={"backgroundColor": style["fill"]},
                      **{"aria-hidden": "true"}),
            html.Span(category_label(cat, lang)),
            html.Span("", id=count_id(cat), className="layer-count"),
        ],
    )
    return {"label": label, "value": cat}


def make_layer_panel(
    view: View, layer_ids: tuple[str, ...], present_categories: set[str]
) -> html.Section:
    """Layer switches. Only categories that occur in the data are listed."""
    lang = view.lang
    cats = [c for c in CATEGORIES if c in present_categories]
    data_options = [{"label": f"{_t('Imported data', lang)}: {lid}", "value": f"data:{lid}"}
                    for lid in layer_ids]
    return html.Section(
        id=ids.LAYER_PANEL,
        className="panel layer-panel",
        **{"aria-labelledby": ids.LAYER_PANEL_TITLE},
        children=[
            html.H2(_t("Layers", lang), id=ids.LAYER_PANEL_TITLE),
            html.Fieldset([
                html.Legend(_t("Incidents", lang)),
                dcc.Checklist(
                    id=ids.LAYER_CHECKLIST,
                    options=[_category_option(c, lang) for c in cats],
                    value=[c for c in cats if c in view.layers],
                    className="checklist",
                ),
            ]),
            html.Fieldset([
                html.Legend(_t("Context", lang)),
                dcc.Checklist(
                    id=ids.CONTEXT_CHECKLIST,
                    options=[{"label": _t(CONTEXT_LABELS[k], lang), "value": k}
                             for k in CONTEXT_LAYERS],
                    value=[k for k in CONTEXT_LAYERS if k in view.layers],
                    className="checklist",
                ),
            ]),
            html.Fieldset(
                hidden=not data_options,
                children=[
                    html.Legend(_t("Imported data", lang)),
                    dcc.Checklist(
                        id=ids.DATA_LAYER_CHECKLIST,
                        options=data_options,
                        value=[o["value"] for o in data_options if o["value"] in view.layers],
                        className="checklist",
                    ),
                ],
            ),
            html.Fieldset([
                html.Legend(_t("Map view", lang)),
                dcc.RadioItems(
                    id=ids.PRESET_SELECT,
                    options=[{"label": _t(PRESET_LABELS[p], lang), "value": p} for p in PRESETS],
                    value=view.preset or "aleppo",
                    className="radio",
                ),
            ]),
            html.Fieldset([
                html.Legend(_t("Basemap", lang)),
                dcc.RadioItems(
                    id=ids.BASEMAP_SELECT,
                    options=[{"label": _t(BASEMAP_LABELS[b], lang), "value": b} for b in BASEMAPS],
                    value=view.basemap,
                    className="radio",
                ),
                html.P(_t("Tile basemaps load from the internet; the default needs no network.",
                          lang), className="hint"),
            ]),
        ],
    )
