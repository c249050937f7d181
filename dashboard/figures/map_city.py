"""The city on the map: its neighbourhoods (the fabric), control drawn as areas, and the east-west
line derived from it. MapLibre style sources and layers. Pure: dicts in, dicts out. One module:
the page's and the still's versions of the same layers sit side by side so they stay alike.

The page draws every day's control at once and shows the timeline's day with MapLibre's
global state (`day_switch`): a step changes one number in the browser, never the style, so
MapLibre keeps everything it has loaded (no round trip, no style reset). Still images draw one
day. The neighbourhood polygons themselves are one source: a URL the page fetches once (cached,
compressed), or the polygons inline for a still. Below CITY_ZOOM the city is one shape.
"""

from __future__ import annotations

import weakref

import pandas as pd
import shapely
import shapely.geometry

from dashboard.data.context import front_line, neighbourhood_control
from dashboard.data.model import Dataset
from dashboard.figures.palette import CONTROL_COLOURS, map_surface
from dashboard.i18n import gettext, side_label

DAY_STATE = "day"  # the global-state property the browser sets on every timeline step
CITY_ZOOM = 10.5  # below: the city as one outline; from here: its neighbourhoods
LABEL_ZOOM = 11.0  # neighbourhood names from here (the "Aleppo city" view is 11.2); MapLibre
# drops names that would collide with each other or with place labels
SOURCE_NBHD, SOURCE_CITY = "nbhd", "city"
INFERRED_SHARE = 0.4  # an inferred fill is this much as opaque as a reported one

# Per neighbourhood frame (frames are not hashable: keyed by id, checked by a weak reference).
_caches: dict[int, tuple[weakref.ref, dict]] = {}


def cache_for(frame) -> dict:
    """A dict kept for as long as `frame` (a dataset or one of its frames) lives: what is
    worked out once per loaded data, whatever the view."""
    hit = _caches.get(id(frame))
    if hit is None or hit[0]() is not frame:
        hit = (weakref.ref(frame), {})
        _caches[id(frame)] = hit
    return hit[1]


# The paint properties that show a layer of each type; a day switch scales them to 0.
_OPACITY = {"fill": ("fill-opacity",), "line": ("line-opacity",),
            "circle": ("circle-opacity", "circle-stroke-opacity"),
            "symbol": ("text-opacity", "icon-opacity")}
# Where a day-bound label may go around its point when its own place collides.
_ANCHORS = ("top", "bottom", "left", "right", "center")


def day_switch(layer: dict, ranges: list[tuple[int, int]] | None) -> dict:
    """`layer` shown only on its days: inclusive (first, last) day-index ranges, read against
    the map's global state `day` (None: every day, unchanged).

    Why paint, not layout: MapLibre reloads and re-tiles every source read by a layer whose
    visibility, layout or filter reads the global state, on each change of it (measured in
    headless Chromium: 300-420 ms a step with the city's 126 polygons, against 150-190 ms
    when the day picks the opacity); a paint property is evaluated again on the next frame.
    MapLibre draws and places a layer at opacity 0 as any other (each frame; a hidden label
    keeps names off its place): the page tells it to skip those (assets/app.js `skipUnshown`,
    for the layers `day_bound` names; after the first paint their sources stay loaded and
    placement leaves the hidden ones out, `keepDayBoundLoaded`, so the first day of a period
    finds its labels tiled), which made a step at 100,000 events ~90 ms shorter and
    gave back the names under the Aleppo truce's label on the days it is not shown. Since
    the labels of other days are skipped, a day-bound label takes part in MapLibre's
    collision detection like any other (it had been let overlap, and at regional zoom the
    names of nearby zones piled up: Kafriya on al-Fu'ah, Madaya on al-Zabadani and the
    Eastern Ghouta truce); it may move to another side of its point
    (`text-variable-anchor`, its own anchor first) before it is left out.
    """
    if ranges is None:
        return layer
    day = ["global-state", DAY_STATE]
    inside = ["any", *(["all", [">=", day, lo], ["<=", day, hi]] for lo, hi in ranges)]
    paint = dict(layer.get("paint", {}))
    for name in _OPACITY[layer["type"]]:
        if name == "icon-opacity" and "icon-image" not in layer.get("layout", {}):
            continue
        paint[name] = ["case", inside, paint.get(name, 1), 0]
    switched = {**layer, "paint": paint}
    if layer["type"] == "symbol":
        layout = dict(layer.get("layout", {}))
        anchor = layout.pop("text-anchor", "center")
        layout["text-variable-anchor"] = [anchor, *(a for a in _ANCHORS if a != anchor)]
        switched["layout"] = layout
    return switched


def day_bound(layer: dict) -> bool:
    """Whether `layer` has a day switch (`day_switch`): the browser skips drawing and placing
    it while its opacity is 0 (assets/app.js, `skipUnshown`)."""
    opacity = layer.get("paint", {}).get(_OPACITY.get(layer.get("type"), ("",))[0])
    return isinstance(opacity, list) and opacity[:1] == ["case"] and "global-state" in str(opacity)


def control_on(dataset: Dataset, day) -> tuple[pd.DataFrame, dict]:
    """(neighbourhood_control, front_line) for `day`, worked out once per dataset and day."""
    frame = dataset.neighbourhoods
    if frame is None:
        return neighbourhood_control(dataset, day), {"reported": None, "inferred": None}
    cache = cache_for(frame)
    key = (id(dataset.control), day)
    if key not in cache:
        control = neighbourhood_control(dataset, day)
        cache[key] = (control, front_line(control))
    return cache[key]


def city_outline(dataset: Dataset):
    """The city as one shape: the neighbourhoods' union with the slivers between them closed."""
    frame = dataset.neighbourhoods
    cache = cache_for(frame)
    if "outline" not in cache:
        merged = shapely.union_all(shapely.buffer(frame.geometry.array, 0.0004))
        cache["outline"] = shapely.buffer(merged, -0.0004).simplify(0.0002)
    return cache["outline"]


def gazetteer_names(dataset: Dataset) -> dict[str, dict[str, str]]:
    """nbhd_id -> the names (en, fr, ar) of the gazetteer place that stands for it. The map and
    the details name a linked neighbourhood as the incidents do: the polygons' own names come
    from a source that does not say where they are from (one reads "Ayn at-Tal" / عين التينة
    where the gazetteer has عين التل)."""
    places = dataset.places
    if "neighbourhood_id" not in places:
        return {}
    linked = places[places["neighbourhood_id"].notna()]
    return {str(r.neighbourhood_id): {"en": str(r.name_en), "fr": str(r.name_fr),
                                      "ar": str(r.name_ar) if isinstance(r.name_ar, str) else ""}
            for r in linked.itertuples()}


def neighbourhood_collection(dataset: Dataset) -> dict:
    """The neighbourhoods as the FeatureCollection the map style takes (ids and names: the
    gazetteer's for a linked neighbourhood, the polygon's own otherwise)."""
    frame = dataset.neighbourhoods
    names = gazetteer_names(dataset)
    features = []
    for r in frame.itertuples():
        own = names.get(r.nbhd_id, {})
        features.append({"type": "Feature",
                         "properties": {"nbhd_id": r.nbhd_id,
                                        "name_en": own.get("en") or r.name_en,
                                        "name_ar": own.get("ar") or r.name_ar or r.name_en},
                         "geometry": shapely.geometry.mapping(r.geometry)})
    return {"type": "FeatureCollection", "features": features}


def fabric_style(dataset: Dataset, theme: str, lang: str, data: str | dict,
                 text_scale: float = 1.0, labels: bool = True,
                 zoom: float | None = None) -> tuple[dict, list[dict]]:
    """(sources, layers) of the city's fabric: one light shape at regional zoom, the
    neighbourhoods with thin boundaries and their names at city zoom. `data` is where the
    polygons come from (a URL, or the FeatureCollection). A still image gives its `zoom` and
    gets only the layers that zoom shows, without zoom ranges (export/flatmap.py)."""
    if dataset.neighbourhoods is None or len(dataset.neighbourhoods) == 0:
        return {}, []
    surface = map_surface(theme)
    # Not an empty `properties`: in the page, the feature reached plotly.js with and without
    # its empty `properties` on alternate steps (an empty object is not kept on the way), so
    # plotly's JSON comparison of the style failed on every step and it reset the style,
    # which reloads every source (tests/browser/test_city_map.py counts the resets).
    outline = {"type": "Feature", "properties": {"part": "city"},
               "geometry": shapely.geometry.mapping(city_outline(dataset))}
    sources = {SOURCE_NBHD: {"type": "geojson", "data": data},
               SOURCE_CITY: {"type": "geojson",
                             "data": {"type": "FeatureCollection", "features": [outline]}}}
    layers = [
        {"id": "city-fill", "type": "fill", "source": SOURCE_CITY, "maxzoom": CITY_ZOOM,
         "paint": {"fill-color": surface["city_fill"], "fill-outline-color": surface["city_line"]}},
        {"id": "nbhd-fill", "type": "fill", "source": SOURCE_NBHD, "minzoom": CITY_ZOOM,
         "paint": {"fill-color": surface["city_fill"]}},
        {"id": "nbhd-line", "type": "line", "source": SOURCE_NBHD, "minzoom": CITY_ZOOM,
         "paint": {"line-color": surface["city_line"], "line-width": 0.7}},
    ]
    if zoom is not None:
        keep = ("nbhd-fill", "nbhd-line") if zoom >= CITY_ZOOM else ("city-fill",)
        layers = [{k: v for k, v in layer.items() if k not in ("minzoom", "maxzoom")}
                  for layer in layers if layer["id"] in keep]
        sources = {layer["source"]: sources[layer["source"]] for layer in layers}
    if labels:
        name = ["get", "name_ar" if lang == "ar" else "name_en"]
        layers.append({
            "id": "nbhd-label", "type": "symbol", "source": SOURCE_NBHD, "minzoom": LABEL_ZOOM,
            "layout": {"text-field": name, "text-size": round(10 * text_scale),
                       "text-max-width": 7, "text-padding": 3},
            "paint": {"text-color": surface["nbhd_text"], "text-halo-color": surface["background"],
                      "text-halo-width": 1.2}})
    return sources, layers


def _colour_by_id(rows: pd.DataFrame) -> list:
    match = ["match", ["get", "nbhd_id"]]
    for row in rows.itertuples():
        match += [row.nbhd_id, CONTROL_COLOURS.get(row.control, "#8a8a8a")]
    return [*match, "rgba(0,0,0,0)"]


def _line_collection(line: dict) -> dict:
    features = [{"type": "Feature", "properties": {"kind": kind},
                 "geometry": shapely.geometry.mapping(geometry)}
                for kind, geometry in line.items() if geometry is not None]
    return {"type": "FeatureCollection", "features": features}


def control_style(periods: list[tuple[list[tuple[int, int]] | None, pd.DataFrame, dict]],
                  theme: str, lang: str, text_scale: float = 1.0) -> tuple[dict, list[dict]]:
    """(sources, layers) drawing control as areas for each period: (day ranges or None,
    neighbourhood_control, front_line). Reported fills are solid; inferred ones lighter with a
    dashed edge; the derived line is solid where both sides are reported, dashed elsewhere.
    Layer ids start "ctx-control-" so the control switch hides them all."""
    surface = map_surface(theme)
    sources: dict[str, dict] = {}
    layers: list[dict] = []
    line_label = gettext("approximate, derived from reported control", lang)
    for k, (ranges, control, line) in enumerate(periods):
        reported = control[control["status"] == "reported"]
        inferred = control[control["status"] == "inferred"]
        full = float(surface["control_opacity"])
        for name, rows, opacity in (("reported", reported, full),
                                    ("inferred", inferred, full * INFERRED_SHARE)):
            if len(rows) == 0:
                continue
            ids = ["in", ["get", "nbhd_id"], ["literal", rows["nbhd_id"].tolist()]]
            layers.append(day_switch(
                {"id": f"ctx-control-{name}-{k}", "type": "fill", "source": SOURCE_NBHD,
                 "filter": ids,
                 "paint": {"fill-color": _colour_by_id(rows), "fill-opacity": opacity}},
                ranges))
            if name == "inferred":
                layers.append(day_switch(
                    {"id": f"ctx-control-inferred-edge-{k}", "type": "line",
                     "source": SOURCE_NBHD, "filter": ids,
                     "paint": {"line-color": _colour_by_id(rows), "line-width": 1.3,
                               "line-dasharray": [2, 2]}}, ranges))
        collection = _line_collection(line)
        if not collection["features"]:
            continue
        source = f"ctx-control-line-{k}"
        sources[source] = {"type": "geojson", "data": collection}
        for kind, dash in (("reported", None), ("inferred", [2, 1.5])):
            paint = {"line-color": surface["ink"], "line-width": 2.6}
            if dash:
                paint["line-dasharray"] = dash
            layers.append(day_switch(
                {"id": f"ctx-control-line-{kind}-{k}", "type": "line", "source": source,
                 "filter": ["==", ["get", "kind"], kind], "layout": {"line-cap": "round"},
                 "paint": paint}, ranges))
        layers.append(day_switch(
            {"id": f"ctx-control-line-label-{k}", "type": "symbol", "source": source,
             "minzoom": LABEL_ZOOM,
             "layout": {"symbol-placement": "line", "text-field": line_label,
                        "text-size": round(10 * text_scale), "text-offset": [0, -0.9]},
             "paint": {"text-color": surface["text"], "text-halo-color": surface["background"],
                       "text-halo-width": 1.2}}, ranges))
    return sources, layers


def _subset(collection: dict, nbhd_ids: set[str]) -> dict:
    return {"type": "FeatureCollection",
            "features": [f for f in collection["features"]
                         if f["properties"]["nbhd_id"] in nbhd_ids]}


def still_control_style(control: pd.DataFrame, line: dict, collection: dict,
                        theme: str) -> tuple[dict, list[dict]]:
    """control_style for one day of a still image, in the plainest style terms: a source per
    side and status with its polygons inline, constant colours, no filters, no expressions, no
    symbols (so export/flatmap.py can draw it as SVG, without a WebGL map)."""
    surface = map_surface(theme)
    full = float(surface["control_opacity"])
    sources: dict[str, dict] = {}
    layers: list[dict] = []
    for (status, side), rows in control.groupby(["status", "control"], sort=True):
        source = f"ctx-control-{status}-{side}"
        sources[source] = {"type": "geojson", "data": _subset(collection, set(rows["nbhd_id"]))}
        colour = CONTROL_COLOURS.get(str(side), "#8a8a8a")
        opacity = full if status == "reported" else full * INFERRED_SHARE
        layers.append({"id": f"{source}-fill", "type": "fill", "source": source,
                       "paint": {"fill-color": colour, "fill-opacity": opacity}})
        if status == "inferred":
            layers.append({"id": f"{source}-edge", "type": "line", "source": source,
                           "paint": {"line-color": colour, "line-width": 1.3,
                                     "line-dasharray": [2, 2]}})
    for kind, dash in (("reported", None), ("inferred", [2, 1.5])):
        if line.get(kind) is None:
            continue
        source = f"ctx-control-line-{kind}"
        sources[source] = {"type": "geojson", "data": _line_collection({kind: line[kind]})}
        paint = {"line-color": surface["ink"], "line-width": 2.6}
        if dash:
            paint["line-dasharray"] = dash
        layers.append({"id": source, "type": "line", "source": source, "paint": paint})
    return sources, layers


def control_legend(periods: list, theme: str, lang: str) -> list[dict]:
    """One-empty-point legend traces for control as areas (page: the HTML legend)."""
    surface = map_surface(theme)
    shown_sides: list[str] = []
    any_inferred = any_line = False
    for _, control, line in periods:
        for side in control.loc[control["status"] == "reported", "control"]:
            if side not in shown_sides:
                shown_sides.append(side)
        any_inferred = any_inferred or (control["status"] == "inferred").any()
        any_line = any_line or any(g is not None for g in line.values())
    entries = []
    full = float(surface["control_opacity"])
    for i, side in enumerate(sorted(shown_sides, key=list(CONTROL_COLOURS).index)):
        colour = CONTROL_COLOURS.get(side, "#8a8a8a")
        entries.append(_legend(f"ctx-control-legend-{side}",
                               gettext("{control} (as reported)", lang,
                                       control=side_label(side, lang)),
                               colour, _alpha(colour, full),
                               gettext("Control of neighbourhoods", lang) if i == 0 else None))
    if any_inferred:
        entries.append(_legend("ctx-control-legend-inferred",
                               gettext("inferred, not reported (lighter, dashed edge)", lang),
                               surface["muted"],
                               _alpha(surface["muted"], full * INFERRED_SHARE)))
    if any_line:
        entries.append({"type": "scattermap", "meta": "ctx-control-legend-line", "lat": [None],
                        "lon": [None], "mode": "lines", "hoverinfo": "skip",
                        "legendgroup": "control", "line": {"color": surface["ink"], "width": 3},
                        "name": gettext("East–west line (approximate, derived from reported "
                                        "control)", lang)})
    return entries


def _alpha(hex_colour: str, alpha: float) -> str:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _legend(meta: str, name: str, line: str, fill: str, title: str | None = None) -> dict:
    entry = {"type": "scattermap", "meta": meta, "lat": [None], "lon": [None], "mode": "lines",
             "fill": "toself", "fillcolor": fill, "line": {"color": line, "width": 1},
             "hoverinfo": "skip", "legendgroup": "control", "name": name}
    if title:
        entry["legendgrouptitle"] = {"text": title}
    return entry


def neighbourhood_name(row, lang: str, names: dict | None = None) -> str:
    """A neighbourhood's name in `lang` (the gazetteer's when linked, see gazetteer_names;
    Arabic script for Arabic, else the transliteration)."""
    own = (names or {}).get(str(row.get("nbhd_id")), {})
    if lang == "ar":
        return own.get("ar") or (str(row["name_ar"]) if isinstance(row.get("name_ar"), str)
                                 and row.get("name_ar") else str(row["name_en"]))
    return own.get(lang) or own.get("en") or str(row["name_en"])


def control_name_trace(control: pd.DataFrame, theme: str, lang: str,
                       names: dict | None = None) -> dict | None:
    """Still images: the names of the neighbourhoods whose control was reported, as a text
    trace (exports draw it as SVG text); the page draws every name with the style instead."""
    reported = control[control["status"] == "reported"]
    if len(reported) == 0:
        return None
    points = [row.geometry.representative_point() for row in reported.itertuples()]
    return {"type": "scattermap", "meta": "ctx-control-names", "mode": "text",
            "showlegend": False, "hoverinfo": "skip",
            "lat": [p.y for p in points], "lon": [p.x for p in points],
            "text": [neighbourhood_name(r, lang, names) for _, r in reported.iterrows()],
            "textfont": {"color": map_surface(theme)["text"], "size": 11}}
