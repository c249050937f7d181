"""The incident map: the base figure the page animates (still images: figures/map_still.py).
One module because its parts (outline map, city, context, incident traces, legend) are the one
figure's layers, drawn in one order; each part's own rules live in map_city, map_context and
map_layers.

The base figure holds the context layers for the view's day and the incident traces with EMPTY
arrays; assets/timeline.js fills those per timeline step from the payload (no server round
trip). Drawing order, bottom to top: context, then incident cells, halos, outlines, points, so
points stay on top. Each trace's `meta` names its role ("incident-points", "ctx-zones-0",
…): the browser finds traces by it, not by position (plotly.py drops `uid` when serialising).
Legend entries for categories, marker size and halos are one-null-point traces (they cost no
render time). Pure functions: nothing from dash, no globals read.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import plotly.graph_objects as go
import shapely
import shapely.geometry

from dashboard.data.context import context_periods
from dashboard.data.model import CATEGORIES, Dataset
from dashboard.figures.map_city import (
    DAY_STATE,
    cache_for,
    control_legend,
    control_name_trace,
    control_on,
    control_style,
    day_bound,
    fabric_style,
    gazetteer_names,
    neighbourhood_collection,
    still_control_style,
)
from dashboard.figures.map_context import (
    control_traces,
    place_traces,
    route_traces,
    zone_traces,
)
from dashboard.figures.map_layers import context_style, periodic_context_style
from dashboard.figures.palette import (
    CATEGORY_COLOURS,
    OUTLINES_ATTRIBUTION,
    TILE_BASEMAPS,
    UNREPORTED_OUTLINE,
    map_style,
    map_surface,
)
from dashboard.filters import dataset_days
from dashboard.i18n import category_label, country_name, gettext, ngettext
from dashboard.timeline import (
    SIZE_UNREPORTED_PX,
    marker_sizes,
)
from dashboard.view import View

ROLE_CELLS, ROLE_HALOS = "incident-cells", "incident-halos"
ROLE_SELECTED_HALO = "incident-halo-selected"
ROLE_OUTLINES, ROLE_POINTS = "incident-outlines", "incident-points"
# Cells are a Scattermap of cell centres sized by sqrt(count): measured as fast as a
# densitymap whose z changes, and it reads as counts (hover gives the number).
CELL_MIN_PX, CELL_MAX_PX = 6.0, 34.0
_SIZE_SAMPLES = (1, 10, 100, 1000)


def view_day(dataset: Dataset, view: View) -> dt.date:
    """The day the view shows: `view.date`, or the dataset's last day when that is None."""
    return view.date or dataset_days(dataset.incidents)[1]



def _legend_entry(name: str, colour: str, group: str, title: str | None = None,
                  size: float = 10, role: str | None = None) -> dict:
    entry = dict(type="scattermap", lat=[None], lon=[None], mode="markers", name=name,
                 legendgroup=group, marker={"color": colour, "size": size}, hoverinfo="skip",
                 meta=role)
    if title:
        entry["legendgrouptitle"] = {"text": title}
    return entry


def _legend_traces(lang: str, theme: str, max_killed: float, compact: bool = False) -> list[dict]:
    surface = map_surface(theme)
    traces = []
    # In the page the layer panel already shows every category's colour: the compact legend
    # leaves them out (fewer traces per timeline step, more map to see).
    for i, cat in enumerate(() if compact else CATEGORIES):
        colours = CATEGORY_COLOURS[cat]
        label = category_label(cat, lang)
        if colours["ring"]:
            label = gettext("{label} (ringed marker)", lang, label=label)
        title = gettext("Incidents by category", lang) if i == 0 else None
        traces.append(_legend_entry(label, colours["fill"], "categories", role=f"legend-{cat}",
                                    title=title))
    samples = [k for k in _SIZE_SAMPLES if k <= max(max_killed, 1)]
    sizes = marker_sizes(np.array(samples, dtype="float64"), max(max_killed, 1))
    for i, (k, size) in enumerate(zip(samples, sizes, strict=True)):
        traces.append(_legend_entry(
            ngettext("{n} killed", "{n} killed", k, lang), surface["muted"], "size",
            size=float(size), role=f"legend-size-{k}",
            title=gettext("Marker size: killed (best estimate)", lang) if i == 0 else None))
    traces.append(_legend_entry(gettext("killed not reported (small, grey ring)", lang),
                                UNREPORTED_OUTLINE, "size", size=SIZE_UNREPORTED_PX + 4,
                                role="legend-size-unreported"))
    traces.append(dict(type="scattermap", meta="legend-halo", lat=[None], lon=[None],
                       mode="lines", line={"color": surface["halo_line"], "width": 1},
                       hoverinfo="skip",
                       name=gettext("Halo: location precision (wide ones: selected incident "
                                    "only)", lang)))
    return traces


def _incident_traces(lang: str, theme: str) -> list[dict]:
    surface = map_surface(theme)
    cells_hover = gettext("{n} earlier events, summed per cell", lang, n="%{text}")
    return [
        dict(type="scattermap", meta=ROLE_CELLS, mode="markers", lat=[], lon=[], text=[],
             name=gettext("Aggregated: older periods summed per cell", lang), showlegend=False,
             marker={"color": surface["cells"], "size": [], "opacity": 0.55},
             hovertemplate=cells_hover + "<extra></extra>"),
        # Smooth circles with a faint fill, only up to district size (timeline.HALO_WIDE_M):
        # wider ones (a whole city) are drawn for the selected incident alone.
        dict(type="scattermap", meta=ROLE_HALOS, mode="lines", lat=[], lon=[], fill="toself",
             fillcolor=surface["halo_fill"], line={"color": surface["halo_line"], "width": 0.8},
             hoverinfo="skip", showlegend=False),
        dict(type="scattermap", meta=ROLE_SELECTED_HALO, mode="lines", lat=[], lon=[],
             fill="toself", fillcolor=surface["halo_fill"],
             line={"color": surface["ink"], "width": 2.2}, hoverinfo="skip", showlegend=False),
        dict(type="scattermap", meta=ROLE_OUTLINES, mode="markers", lat=[], lon=[],
             marker={"color": [], "size": []}, hoverinfo="skip", showlegend=False),
        dict(type="scattermap", meta=ROLE_POINTS, mode="markers", lat=[], lon=[], customdata=[],
             hovertext=[], hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
             name=gettext("Incidents", lang), marker={"color": [], "size": []}),
    ]


COUNTRY_LABEL_MAX_ZOOM = 8  # country names only where whole countries are in view
BOUNDARY_LEGEND_MAX_ZOOM = 10  # from Aleppo city, Turkey's border is ~45 km away


def _outline_map(dataset: Dataset, view: View, lang: str,
                 outlines_url: str | None) -> tuple[dict, list[dict]]:
    """(style, extra traces): the chosen tile basemap, or the offline outline map.

    In the page (`outlines_url` given) the browser fetches the outlines once and MapLibre
    names the countries: nothing is added to the figure a timeline step re-sends. In still
    images the outlines go inline and the names are a text trace, which exports draw as SVG
    text (dashboard/export/labels.py) instead of rasterising glyphs in software WebGL."""
    outlines = dataset.outlines if view.basemap not in TILE_BASEMAPS else None
    if outlines is None:
        return map_style(view.theme, view.basemap), []
    scale = PRESENT_TEXT_FACTOR if view.mode == "present" else 1.0
    labels = [f for f in outlines["features"] if f["properties"]["kind"] == "label"]
    names = {f["properties"]["iso_a2"]: country_name(f["properties"]["iso_a2"], lang)
             for f in labels}
    credit = gettext(OUTLINES_ATTRIBUTION, lang)
    if outlines_url:
        return map_style(view.theme, view.basemap, outlines_url, names, scale, credit), []
    style = map_style(view.theme, view.basemap, clip_outlines(outlines, *view.map_view()),
                      attribution=credit)
    if not labels or view.map_view()[2] >= COUNTRY_LABEL_MAX_ZOOM:
        return style, []
    surface = map_surface(view.theme)
    trace = dict(type="scattermap", meta="basemap-countries", mode="text", hoverinfo="skip",
                 showlegend=False,
                 lat=[f["geometry"]["coordinates"][1] for f in labels],
                 lon=[f["geometry"]["coordinates"][0] for f in labels],
                 text=[names[f["properties"]["iso_a2"]].upper() for f in labels],
                 textfont={"color": surface["country_text"], "size": 13})  # enlarged later
    return style, [trace]


STILL_MAX_PX = 12_000  # the widest still image (4000 px at scale 3)
TILE_PX = 512  # MapLibre's tile size: the world is 512 * 2^zoom px wide


def clip_outlines(outlines: dict, lat: float, lon: float, zoom: float) -> dict:
    """The outlines' land and boundaries cut to what a still image centred on lat/lon at
    `zoom` can show (labels kept): a city view inlines a few hundred bytes, not 200 kB,
    and every copy of the figure on the way to the image is that much cheaper."""
    half = STILL_MAX_PX / 2 * 360.0 / (TILE_PX * 2.0 ** zoom)
    if half >= 90:
        return outlines
    window = shapely.box(lon - half, max(-85.0, lat - half), lon + half, min(85.0, lat + half))
    features = []
    for feature in outlines["features"]:
        if feature["properties"]["kind"] == "label":
            features.append(feature)
            continue
        part = shapely.geometry.shape(feature["geometry"]).intersection(window)
        if not part.is_empty:
            features.append({**feature, "geometry": shapely.geometry.mapping(part)})
    return {**outlines, "features": features}


def _boundary_legend(lang: str, theme: str) -> dict:
    return dict(type="scattermap", meta="legend-boundaries", lat=[None], lon=[None],
                mode="lines", hoverinfo="skip",
                line={"color": map_surface(theme)["boundary"], "width": 1.2},
                name=gettext("Boundaries: de facto, approximate (Natural Earth)", lang))


def _city_context(dataset: Dataset, day: dt.date, view: View, lang: str,
                  payload: dict | None, nbhd_url: str | None) -> tuple[dict, list, list, set]:
    """(sources, layers, traces, place ids drawn as areas) of the city: its fabric and control
    as areas. With `nbhd_url` (the page) every period of the timeline is drawn and the browser
    shows the day's (global state); otherwise (stills) only `day`'s."""
    if dataset.neighbourhoods is None or len(dataset.neighbourhoods) == 0:
        return {}, [], [], set()
    scale = PRESENT_TEXT_FACTOR if view.mode == "present" else 1.0
    data = nbhd_url if nbhd_url else neighbourhood_collection(dataset)
    sources, layers = fabric_style(dataset, view.theme, lang, data, scale, labels=bool(nbhd_url),
                                   zoom=None if nbhd_url else view.map_view()[2])
    if nbhd_url and payload is not None:
        first = dt.date.fromisoformat(payload["meta"]["first_day"])
        last = dt.date.fromisoformat(payload["meta"]["last_day"])
        periods: list = []
        for lo, hi in context_periods(dataset, first, last):
            control, line = control_on(dataset, first + dt.timedelta(days=lo))
            if periods and periods[-1][1].equals(control):
                periods[-1][0].append((lo, hi))  # the same control: one set of layers
            else:
                periods.append(([(lo, hi)], control, line))
    else:
        periods = [(None, *control_on(dataset, day))]
    if nbhd_url:
        control_sources, control_layers = control_style(periods, view.theme, lang, scale)
    else:
        control_sources, control_layers = still_control_style(*periods[0][1:], data, view.theme)
    traces = control_legend(periods, view.theme, lang)
    if not nbhd_url:
        names = control_name_trace(periods[0][1], view.theme, lang, gazetteer_names(dataset))
        traces += [names] if names else []
    drawn = {p for _, control, _ in periods for p in control["place_id"].dropna()}
    return ({**sources, **control_sources}, [*layers, *control_layers], traces, drawn)


def make_map_figure(dataset: Dataset, view: View, payload: dict | None = None,
                    lang: str = "en", compact_legend: bool = False,
                    outlines_url: str | None = None,
                    context_in_style: bool = False,
                    nbhd_url: str | None = None) -> go.Figure:
    """The base map figure for `view`: offline outline map (or the chosen tile basemap),
    context layers for the view's day (all of them: switching one off is the browser's job),
    and empty incident traces plus legend entries. `payload` (timeline.build_timeline_payload)
    fixes the size and cell scales; without it they come from the dataset. `outlines_url` is
    where the page fetches the dataset's outlines from (None: inline, for still images).
    `context_in_style` draws the context as style layers (map_layers.py: the page, where
    every timeline step redraws the traces) instead of traces (still images). `nbhd_url`
    is where the page fetches the neighbourhood polygons (None: inline, one day)."""
    day = view_day(dataset, view)
    theme, surface = view.theme, map_surface(view.theme)
    if payload is not None:
        max_killed = payload["meta"]["max_killed"]
        cell_max = (payload.get("cells") or {}).get("max_count", 1)
    else:
        killed = dataset.incidents["killed_best"].astype("Float64")
        max_killed = float(killed.max()) if killed.notna().any() else 0.0
        cell_max = 1
    city_sources, city_layers, city_traces, as_areas = _city_context(
        dataset, day, view, lang, payload, nbhd_url)

    def context_on(when: dt.date) -> list[dict]:
        traces = [*zone_traces(dataset, when, lang), *route_traces(dataset, when, lang),
                  *control_traces(dataset, when, lang, theme, skip=as_areas),
                  *place_traces(dataset, lang, theme, named_by_style=bool(nbhd_url))]
        if context_in_style and view.mode == "present":
            _enlarge_text(traces)  # before they become style layers
        return traces

    style, country_traces = _outline_map(dataset, view, lang, outlines_url)
    if city_layers:
        # Above land and boundaries, below everything drawn from traces or context layers.
        style = {**style, "sources": {**style["sources"], **city_sources},
                 "layers": [*style["layers"], *city_layers]}
    hover_days: dict = {}
    context_bounds: list = []
    if context_in_style and payload is not None:
        # Every day's context at once; the browser shows the day's by setting the map's global
        # state on each step (assets/app.js): the style never changes with the day.
        first = dt.date.fromisoformat(payload["meta"]["first_day"])
        last = dt.date.fromisoformat(payload["meta"]["last_day"])
        bounds = context_periods(dataset, first, last)
        # The same for every view of this data in one language, theme and mode (~0.5 s, most
        # of a page's render): worked out once. go.Figure copies what it is given, so a figure
        # changed later never changes the next page's (tests/test_map_city.py).
        cache = cache_for(dataset)
        key = ("periodic-context", first, last, lang, theme, view.mode == "present",
               bool(nbhd_url), frozenset(as_areas))
        if key not in cache:
            periods = [([(lo, hi)], context_on(first + dt.timedelta(days=lo)))
                       for lo, hi in bounds]
            cache[key] = periodic_context_style(periods, (last - first).days + 1)
        sources, layers, context, hover_days = cache[key]
        # The state holds the first day of the day's period (what every layer's day switch
        # reads is whole periods), so the browser changes it only when the period changes.
        # No paint transitions: a day's layers appear with it, in one frame (MapLibre's
        # default 300 ms fade kept drawing frames after each step).
        index = (day - first).days
        start = next((lo for lo, hi in bounds if lo <= index <= hi), index)
        style = {**style, "sources": {**style["sources"], **sources},
                 "layers": [*style["layers"], *layers],
                 "state": {DAY_STATE: {"default": start}},
                 "transition": {"duration": 0, "delay": 0}}
        context_bounds = [list(b) for b in bounds]
    elif context_in_style:
        sources, layers, context = context_style(context_on(day))
        style = {**style, "sources": {**style["sources"], **sources},
                 "layers": [*style["layers"], *layers]}
    else:
        context = context_on(day)
    data = [*country_traces, *context, *city_traces, *_incident_traces(lang, theme),
            *_legend_traces(lang, theme, max_killed, compact_legend)]
    # The map's attribution always says the boundaries are de facto; the legend says it too
    # where a boundary can be in view.
    if "outlines" in style["sources"] and view.map_view()[2] < BOUNDARY_LEGEND_MAX_ZOOM:
        data.append(_boundary_legend(lang, theme))
    lat, lon, zoom = view.map_view()
    uirevision = f"map:{lat:.4f},{lon:.4f},{zoom:.2f}"  # constant across timeline steps
    timeline_meta = {
        "lang": lang, "ink": surface["ink"], "unreported": UNREPORTED_OUTLINE,
        "labels": [category_label(c, lang) for c in CATEGORIES],
        "strings": {
            "killed": gettext("{n} killed (best estimate)", lang),
            "unreported": gettext("killed: not reported", lang),
            "capped": gettext("Showing {shown} of {total} incidents (capped)", lang),
        },
        "cell_min_px": CELL_MIN_PX, "cell_max_px": CELL_MAX_PX, "cell_max": cell_max,
    }
    layout = dict(
        map={"style": style, "center": {"lat": lat, "lon": lon},
             "zoom": zoom, "uirevision": uirevision},
        uirevision=uirevision, margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor=surface["background"], font={"color": surface["text"]},
        showlegend=True,
        legend={"itemclick": False, "itemdoubleclick": False,
                "itemsizing": "trace", "x": 0.01, "y": 0.01 if compact_legend else 0.99,
                "xanchor": "left", "yanchor": "bottom" if compact_legend else "top",
                "bgcolor": surface["background"], "bordercolor": surface["muted"],
                "borderwidth": 1,
                "font": {"color": surface["text"], "size": 10 if compact_legend else 12}},
        hoverlabel={"bgcolor": surface["background"], "font": {"color": surface["text"]}},
        meta={"timeline": timeline_meta, "day": day.isoformat(), "context_hover": hover_days,
              "context_periods": context_bounds,
              "day_layers": [layer["id"] for layer in style.get("layers", [])
                             if day_bound(layer)]},
    )
    if view.mode == "present":
        _enlarge_text(data, layout)
    return go.Figure(data=data, layout=layout)


PRESENT_TEXT_FACTOR = 1.5


def _enlarge_text(data: list[dict], layout: dict | None = None) -> None:
    """Presentation mode: labels (and the legend) readable from the back of a room."""
    for trace in data:
        font = trace.get("textfont")
        if font and font.get("size"):
            trace["textfont"] = {**font, "size": round(font["size"] * PRESENT_TEXT_FACTOR)}
    if layout is None:
        return
    legend_font = layout["legend"]["font"]
    legend_font["size"] = round(legend_font.get("size", 12) * PRESENT_TEXT_FACTOR)
    layout["hoverlabel"]["font"] = {**layout["hoverlabel"].get("font", {}), "size": 18}


__all__ = ["make_map_figure", "view_day"]
