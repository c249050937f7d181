"""The page: a static shell (URL, the data sent once), and the page body built from a View.

The body is rebuilt by the server only when the language, theme or mode changes; everything a
timeline step changes happens in the browser (see assets/timeline.js).
"""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.controls import fieldset, radio_group
from dashboard.components.details import make_details_panel
from dashboard.components.header import make_header
from dashboard.components.help import make_help_overlay
from dashboard.components.incident_list import make_incident_list, skip_past_map
from dashboard.components.layers import make_layer_panel
from dashboard.components.map_legend import make_map_legend
from dashboard.components.table import make_table_panel
from dashboard.components.timeline import day_labels, make_timeline
from dashboard.data.neighbourhoods import NEIGHBOURHOODS_PATH
from dashboard.data.outlines import OUTLINES_PATH
from dashboard.figures.charts import make_cumulative_chart, make_daily_chart, make_day_histogram
from dashboard.figures.map import make_map_figure
from dashboard.figures.map_legend import split_legend
from dashboard.i18n import gettext as _t
from dashboard.i18n import is_rtl
from dashboard.payload_route import page_reference
from dashboard.runtime import Runtime
from dashboard.timeline import selected_halo
from dashboard.view import View

GRAPH_CONFIG = {"displaylogo": False, "scrollZoom": True}


def graph_config(name: str, view: View, runtime: Runtime) -> dict:
    """Plotly's own camera button: slide size and the same file name as the export menu.
    (It draws what is on screen; the export menu adds title, sources and permalink.)"""
    day = (view.date or runtime.last_day).isoformat()
    return {**GRAPH_CONFIG, "toImageButtonOptions": {
        "format": "png", "width": 1920, "height": 1080, "scale": 1,
        "filename": f"aleppo-{day}-{name}"}}


def app_shell() -> html.Div:
    """The layout served once per page load. The timeline payload is fetched on its own
    (payload_resource.py): the page carries only where to find it."""
    return html.Div(
        id=ids.APP_ROOT,
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.PAYLOAD_STORE, data=page_reference()),
            dcc.Store(id=ids.DAYS_STORE),
            dcc.Store(id=ids.VIEW_STORE),
            dcc.Store(id=ids.DOM_SYNC),
            html.A(_t("Skip to the map", "en"), href="#map-section", className="skip-link"),
            html.Div(id=ids.PAGE, children=html.P("…", className="loading")),
        ],
    )


def chart_figures(runtime: Runtime, view: View) -> tuple:
    """The casualty chart, the killed-per-day chart and the day histogram for a view."""
    ds = runtime.dataset
    first, last = runtime.view_range(view.layers)
    cumulative = make_cumulative_chart(ds.casualty_reports, ds.sources, view, first, last)
    daily = make_daily_chart(runtime.incidents, view, first, last)
    histogram = make_day_histogram(runtime.incidents, first, last, view)
    return cumulative, daily, histogram


def page_map(runtime: Runtime, view: View) -> tuple[dict, list[dict]]:
    """The page's base map and its legend entries: outlines fetched by the browser (not
    inline), context drawn by the style and the legend in HTML (timeline steps redraw only
    the incident traces)."""
    outlines_url = dash.get_relative_path(OUTLINES_PATH) if runtime.outlines_json else None
    nbhd_url = (dash.get_relative_path(NEIGHBOURHOODS_PATH) if runtime.neighbourhoods_json
                else None)
    figure = make_map_figure(runtime.dataset, view, runtime.payload, view.lang,
                             compact_legend=True, outlines_url=outlines_url,
                             context_in_style=True, nbhd_url=nbhd_url)
    return split_legend(figure.to_plotly_json())


def build_page(
    view: View,
    runtime: Runtime,
    notices: list[str],
    details: list | None = None,
    caption: list | None = None,
    inset: html.Div | None = None,
) -> list:
    """The page body for a view, with any URL notices shown on top (and a scene's caption
    and inset map, components/scene.py)."""
    lang = view.lang
    cumulative, daily, histogram = chart_figures(runtime, view)
    base_map, legend = page_map(runtime, view)
    categories = set(runtime.categories)
    notice_children = []
    if notices:
        notice_children.append(html.P(
            _t("Some link parameters were not understood and were reset: {params}", lang,
               params=", ".join(notices)), className="notice", role="status"))
    if runtime.problems:
        rejected = sum(1 for p in runtime.problems if p.severity == "error")
        if rejected:
            notice_children.append(html.Details(className="notice", children=[
                html.Summary(_t("Loaded {n} records; {rejected} were left out.", lang,
                                n=len(runtime.incidents), rejected=rejected)),
                html.Ul([html.Li(str(p)) for p in runtime.problems[:50]]),
            ]))
    stores = [
        dcc.Store(id=ids.BASE_MAP_STORE, data=base_map),
        # Small browser-side state, written by clientside callbacks (see assets/app.js). They
        # live in the page, not the shell, so every input of a callback appears at once.
        dcc.Store(id=ids.URL_SYNC),
        dcc.Store(id=ids.SELECTED_INCIDENT, data=view.incident),
        dcc.Store(id=ids.SELECTED_HALO, data=selected_halo(
            runtime.incidents, runtime.id_to_row.get(view.incident))),
        dcc.Store(id=ids.NEIGHBOURHOOD_CLICK),
        dcc.Store(id=ids.MAP_DRAWN),
        dcc.Store(id=ids.TABLE_REQUEST),
    ]
    return [
        *stores,
        html.A(_t("Skip to the map", lang), href="#map-section", className="skip-link"),
        make_header(view),
        html.Div(notice_children, id=ids.NOTICE, className="notices"),
        html.Main(
            className=f"layout mode-{view.mode}",
            children=[
                make_layer_panel(view, runtime.layer_ids, categories),
                html.Section(
                    id=ids.MAP_SECTION,
                    className="panel map-panel",
                    # Not just "Map": MapLibre names its canvas region "Map" already.
                    **{"aria-label": _t("Map and timeline", lang)},
                    children=[
                        html.Div(caption or [], id=ids.SCENE_CAPTION, className="scene-caption",
                                 **{"aria-live": "polite"}),
                        skip_past_map(lang),
                        dcc.Graph(id=ids.MAP_GRAPH, figure=base_map,
                                  config=graph_config("map", view, runtime),
                                  className="map-graph"),
                        make_map_legend(legend, lang),
                        make_incident_list(lang),
                        make_timeline(view, runtime.days, histogram,
                                      runtime.index_range(view.layers)),
                        # Last, so a scene with an inset leaves the other children where
                        # they were (React keeps them, their graphs are not redrawn).
                        *([inset] if inset is not None else []),
                    ],
                ),
                make_details_panel(lang, details, runtime.dataset),
                html.Section(
                    className="panel charts-panel",
                    **{"aria-label": _t("Casualty reports", lang)},
                    children=[
                        dcc.Tabs(id=ids.BOTTOM_TABS, value="charts", className="bottom-tabs",
                                 content_className="bottom-tabs-content", children=[
                            dcc.Tab(label=_t("Casualty reports", lang), value="charts", children=[
                                html.Div(className="charts-row", children=[
                                    dcc.Graph(id=ids.CASUALTY_CHART, figure=cumulative,
                                              config=graph_config("casualties", view, runtime),
                                              className="chart"),
                                    html.Div(className="chart", children=[
                                        fieldset(_t("Group the chart", lang), radio_group(
                                            ids.CHART_GROUP_SELECT,
                                            [{"label": _t("By side", lang), "value": "side"},
                                             {"label": _t("By category", lang),
                                              "value": "category"}],
                                            view.chart_group, inline=True),
                                            legend_class="sr-label", className="bare"),
                                        dcc.Graph(id=ids.DAILY_CHART, figure=daily,
                                                  config=graph_config("daily", view, runtime)),
                                    ]),
                                ]),
                            ]),
                            dcc.Tab(label=_t("Table", lang), value="table",
                                    children=[make_table_panel(lang)]),
                        ]),
                    ],
                ),
            ],
        ),
        make_help_overlay(lang),
        html.Footer(className="app-footer", children=[
            html.P(_t("Figures are as reported, per reporter; they are not added up.", lang)),
            html.P(_t("Positions are neighbourhood or town centres, not impact points.", lang)),
        ]),
    ]


def page_stores(view: View, runtime: Runtime) -> tuple[list[dict], dict]:
    """The day labels for the browser, and the view basics as JSON."""
    days = day_labels(runtime.days, view.lang)
    basics = {
        "lang": view.lang,
        "dir": "rtl" if is_rtl(view.lang) else "ltr",
        "theme": view.theme,
        "mode": view.mode,
        "labels": {"play": _t("Play", view.lang), "pause": _t("Pause", view.lang)},
    }
    return days, basics
