"""The layer panel: categories with colour and count, context layers, imported data, basemap."""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.colours import CATEGORY_COLOURS
from dashboard.components.category_marks import category_mark
from dashboard.components.controls import checkbox_group, fieldset, radio_group
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


# Layers shipped with the app (runtime.BUNDLED_LAYERS), named for what they are.
BUNDLED_LABELS = {
    "ucdp_ged191_aleppo_2016": N_("UCDP GED events, Aleppo governorate, all of 2016 "
                                  "(widens the timeline)"),
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
            # The shape is the second cue; the name beside it says it in words.
            html.Span(category_mark(cat), className="cat-mark", **{"aria-hidden": "true"}),
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
    data_options = [{"label": _t(BUNDLED_LABELS[lid], lang) if lid in BUNDLED_LABELS
                     else f"{_t('Imported data', lang)}: {lid}", "value": f"data:{lid}"}
                    for lid in layer_ids]
    return html.Section(
        id=ids.LAYER_PANEL,
        className="panel layer-panel",
        **{"aria-labelledby": ids.LAYER_PANEL_TITLE},
        # A sheet: open on wide screens, folded on phones so the map comes first (assets/a11y.js).
        children=html.Details(className="sheet", open=True, children=[
            html.Summary(html.H2(_t("Layers", lang), id=ids.LAYER_PANEL_TITLE)),
            fieldset(_t("Incidents", lang), checkbox_group(
                ids.LAYER_CHECKLIST, [_category_option(c, lang) for c in cats],
                [c for c in cats if c in view.layers])),
            fieldset(_t("Context", lang), checkbox_group(
                ids.CONTEXT_CHECKLIST,
                [{"label": _t(CONTEXT_LABELS[k], lang), "value": k} for k in CONTEXT_LAYERS],
                [k for k in CONTEXT_LAYERS if k in view.layers])),
            fieldset(_t("Imported data", lang), checkbox_group(
                ids.DATA_LAYER_CHECKLIST, data_options,
                [o["value"] for o in data_options if o["value"] in view.layers]),
                hidden=not data_options),
            fieldset(_t("Map view", lang), radio_group(
                ids.PRESET_SELECT,
                [{"label": _t(PRESET_LABELS[p], lang), "value": p} for p in PRESETS],
                view.preset or "aleppo")),
            fieldset(
                _t("Basemap", lang),
                radio_group(ids.BASEMAP_SELECT,
                            [{"label": _t(BASEMAP_LABELS[b], lang), "value": b}
                             for b in BASEMAPS], view.basemap),
                html.P(_t("Tile basemaps load from the internet; the default needs no network.",
                          lang), className="hint"),
            ),
        ]),
    )
