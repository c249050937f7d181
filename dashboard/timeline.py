"""The timeline payload (sent to the browser once) and the Python mirror of its slicing.

Why clientside: at 100,000 events a server callback that returns a new map figure per
timeline step costs ~1 s; slicing typed arrays in the browser (assets/timeline.js) and
handing plotly only the visible slice costs a fraction of that and sends nothing over the
network. `slice_for_view` draws the same slice in Python, for image exports and tests, so an
export shows what the browser shows.

Which events show (windows, layers, the point cap and the cells, halos) is decided by the one
selector, dashboard/filters.py: the payload is packed with its date and layer rules
(`day_span`, `category_codes`, `dataset_names`) and sliced with its map rule (`select_sorted`,
`halos_shown`). Day indices count from `first_day`.

One module (about 310 lines) on purpose: the packing and its Python slice share the payload's
layout (arrays, codes, checkpoints), which the parity test holds to assets/timeline.js.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math

import numpy as np
import pandas as pd

from dashboard.colours import CATEGORY_COLOURS, MAP_SURFACES, UNREPORTED_OUTLINE
from dashboard.data.model import CATEGORIES, DEFAULT_UNCERTAINTY_M
from dashboard.filters import (
    CURRENT_WEEK_DAYS,
    HALO_LIMIT,
    category_codes,
    dataset_days,
    dataset_names,
    day_span,
    halos_shown,
    layer_tables,
    select_sorted,
)
from dashboard.i18n import category_label, format_date, format_number, gettext
from dashboard.view import LANGS, View

HOVER_STRINGS_MAX = 5_000  # up to this many events, hover lines are built in Python per language
HALO_VERTICES = 48  # smooth circles (16-sided rings read as hard polygons at city zoom)
# Halos wider than this (a district or the whole city) are drawn only for the selected incident:
# a dozen city-wide rings hid the city (issue "precision without clutter").
HALO_WIDE_M = 2_000
# Up to this many mapped events (and never when older periods are summed in cells), the page
# holds every incident in the map's own style and a timeline step only switches features on
# and off (assets/native.js): one MapLibre frame, no plotly update, no worker trip. Above it,
# plotly draws the step's slice. Measured with `python -m bench.timeline` (README).
NATIVE_MAX = 5_000
SIZE_MIN_PX, SIZE_MAX_PX, SIZE_UNREPORTED_PX = 6.0, 30.0, 5.0
_EARTH_M_PER_DEG = 111_320.0
_JS_DTYPES = {"f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4"}


def encode_array(values: np.ndarray, dtype: str) -> dict:
    """`values` as plotly's typed-array spec {"dtype", "bdata"}: little-endian, base64."""
    if dtype not in _JS_DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}")
    raw = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dtype": dtype, "bdata": base64.b64encode(raw.tobytes()).decode("ascii")}


def decode_array(spec: dict) -> np.ndarray:
    """The inverse of `encode_array`."""
    dtype = np.dtype(spec["dtype"]).newbyteorder("<")
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=dtype)


def marker_sizes(killed: np.ndarray, max_killed: float) -> np.ndarray:
    """Marker diameters (px) on a fixed sqrt scale from the whole dataset's largest figure.

    Reported 0 gets the minimum size; not reported (NaN) a smaller fixed size (plus a ring).
    """
    top = math.sqrt(max_killed) if max_killed > 0 else 1.0
    scaled = SIZE_MIN_PX + (SIZE_MAX_PX - SIZE_MIN_PX) * np.sqrt(np.clip(killed, 0, None)) / top
    return np.where(np.isnan(killed), SIZE_UNREPORTED_PX, scaled).astype("float32")


def _int_dtype(low: int, high: int) -> str:
    return "i2" if -32768 <= low and high <= 32767 else "i4"


def _hover_line(row: pd.Series, lang: str) -> str:
    start, end = row["date_start"], row["date_end"]
    when = format_date(start, lang, "medium")
    if pd.notna(end) and end.date() != start.date():
        when = f"{when}\u2013{format_date(end, lang, 'medium')}"
    place = row.get(f"place_{lang}") if pd.notna(row.get(f"place_{lang}")) else row.get("place_en")
    killed = row["killed_best"]
    killed_text = (gettext("killed: not reported", lang) if pd.isna(killed) else
                   gettext("{n} killed (best estimate)", lang, n=format_number(int(killed), lang)))
    place = place if pd.notna(place) else ""
    parts = [when, category_label(row["category"], lang), place, killed_text]
    return " · ".join(p for p in parts if p)


def _cells(lat: np.ndarray, lon: np.ndarray, cell_deg: float) -> tuple[np.ndarray, ...]:
    """Grid cell per event and the centres of the occupied cells."""
    iy = np.floor(lat / cell_deg).astype("int64")
    ix = np.floor(lon / cell_deg).astype("int64")
    keys, inverse = np.unique(iy * 1_000_000 + ix, return_inverse=True)
    cy, cx = np.divmod(keys + 500_000, 1_000_000)
    cx = cx - 500_000
    return inverse, (cy + 0.5) * cell_deg, (cx + 0.5) * cell_deg


def build_timeline_payload(
    incidents: pd.DataFrame,
    first_day: dt.date,
    last_day: dt.date,
    point_threshold: int = 5_000,
    cell_deg: float = 0.1,
) -> dict:
    """The compact, JSON-serialisable description of every mapped incident for the browser.

    Arrays are sorted by start day (so a step finds its slice by binary search) and encoded as
    {"dtype", "bdata"}. `row` is the incident's position in `incidents` (what hover and click
    carry back). Scales (marker size, colours) come from the whole frame, so nothing rescales
    while the timeline moves. Unmapped or undated incidents are left out.
    """
    day0 = np.datetime64(first_day, "D")
    start, end = (days - day0 for days in day_span(incidents))
    lat = pd.to_numeric(incidents["lat"], errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(incidents["lon"], errors="coerce").to_numpy(dtype="float64")
    mapped = np.isfinite(lat) & np.isfinite(lon) & ~np.isnat(start)
    rows = np.flatnonzero(mapped)
    start_i = start[rows].astype("int64")
    end_i = end[rows].astype("int64")
    order = np.lexsort((rows, start_i))
    rows, start_i, end_i = rows[order], start_i[order], end_i[order]
    n = len(rows)
    # Only the columns the arrays need (hover lines, for few events, read whole rows below).
    needed = ["category", "dataset", "killed_best", "geo_precision", "uncertainty_m", "place_en"]
    frame = incidents[[c for c in needed if c in incidents.columns]].iloc[rows]

    cat_idx = category_codes(frame["category"])
    dataset = dataset_names(frame["dataset"])
    datasets = sorted(set(dataset))
    if len(datasets) > 255:
        raise ValueError(f"{len(datasets)} datasets: at most 255 fit the payload")
    ds_idx = pd.Categorical(dataset.astype(object), categories=datasets).codes.astype("uint8")
    killed = pd.to_numeric(frame["killed_best"], errors="coerce").to_numpy(dtype="float64")
    max_killed = float(np.nanmax(killed)) if np.isfinite(killed).any() else 0.0
    radius = halo_radius(frame)

    low = int(min(start_i.min(initial=0), end_i.min(initial=0)))
    high = int(max(start_i.max(initial=0), end_i.max(initial=0)))
    day_dtype = _int_dtype(low, high)
    arrays = {
        "lat": encode_array(lat[rows], "f4"),
        "lon": encode_array(lon[rows], "f4"),
        "start": encode_array(start_i, day_dtype),
        "end": encode_array(end_i, day_dtype),
        "category": encode_array(cat_idx, "u1"),
        "dataset": encode_array(ds_idx, "u1"),
        "killed": encode_array(killed, "f4"),
        "radius": encode_array(radius.fillna(0).to_numpy(dtype="float64"), "f4"),
        "row": encode_array(rows, "i4"),
    }
    hover = places = None
    if n <= HOVER_STRINGS_MAX:
        whole = incidents.iloc[rows]
        hover = {lang: [_hover_line(r, lang) for _, r in whole.iterrows()] for lang in LANGS}
    else:  # large imports: the browser writes hover lines from the arrays and a place list
        place_codes, uniques = pd.factorize(frame["place_en"].fillna(""))
        if len(uniques) <= 65_535:
            places = [str(p) for p in uniques]
            arrays["place"] = encode_array(place_codes, "u2")
    aggregate = n > point_threshold
    cells = None
    if aggregate:
        cell_idx, cell_lat, cell_lon = _cells(lat[rows], lon[rows], cell_deg)
        arrays["cell"] = encode_array(cell_idx, "u2" if len(cell_lat) <= 65_535 else "i4")
        cells = {"lat": encode_array(cell_lat, "f4"), "lon": encode_array(cell_lon, "f4"),
                 "n": len(cell_lat), "max_count": int(np.bincount(cell_idx).max())}
    week_starts = [(first_day + dt.timedelta(days=7 * w)).isoformat()
                   for w in range((last_day - first_day).days // 7 + 1)]
    meta = {
        "n": n, "first_day": first_day.isoformat(), "last_day": last_day.isoformat(),
        "n_days": (last_day - first_day).days + 1, "week_starts": week_starts,
        "current_week_days": CURRENT_WEEK_DAYS, "point_threshold": int(point_threshold),
        "aggregate": aggregate, "cell_deg": cell_deg,
        "native": bool(n <= NATIVE_MAX and not aggregate),
        "max_span": int((end_i - start_i).max(initial=0)),
        "halo_limit": HALO_LIMIT, "halo_vertices": HALO_VERTICES, "halo_wide_m": HALO_WIDE_M,
        "max_killed": max_killed,
        "size_px": {"min": SIZE_MIN_PX, "max": SIZE_MAX_PX, "unreported": SIZE_UNREPORTED_PX},
    }
    digest = hashlib.sha1(usedforsecurity=False)
    for spec in arrays.values():
        digest.update(spec["bdata"].encode("ascii"))
    digest.update(repr(sorted(meta.items())).encode())
    return {
        "id": digest.hexdigest()[:16], "meta": meta, "arrays": arrays, "cells": cells,
        "categories": list(CATEGORIES),
        "colours": [CATEGORY_COLOURS[c]["fill"] for c in CATEGORIES],
        "ringed": [CATEGORY_COLOURS[c]["ring"] is not None for c in CATEGORIES],
        "datasets": datasets, "hover": hover, "places": places,
    }


def _decode_all(payload: dict) -> dict[str, np.ndarray]:
    return {key: decode_array(spec) for key, spec in payload["arrays"].items()}


def select_positions(payload: dict, a: dict[str, np.ndarray], layers: frozenset[str],
                     window: str, day: int) -> dict:
    """Which sorted positions are points and how many events each cell sums: the payload's
    arrays handed to the one selector (filters.select_sorted)."""
    meta = payload["meta"]
    cat_on, ds_on = layer_tables(payload["categories"], payload["datasets"], layers)
    return select_sorted(a["start"], a["end"], cat_on[a["category"]] & ds_on[a["dataset"]],
                         day, window, meta["point_threshold"], meta["max_span"],
                         meta["aggregate"], a.get("cell"), (payload.get("cells") or {}).get("n", 0))


def halo_radius(frame: pd.DataFrame) -> pd.Series:
    """Each incident's halo radius in metres: uncertainty_m, else the default for its
    geo_precision (NaN where neither is known)."""
    default_radius = frame["geo_precision"].map(DEFAULT_UNCERTAINTY_M).astype("float64")
    return pd.to_numeric(frame["uncertainty_m"], errors="coerce").fillna(default_radius)


def halo_rings(lat: np.ndarray, lon: np.ndarray, radius: np.ndarray, vertices: int):
    """Rings (closed, `vertices` sides) around each point, separated by NaN (a gap)."""
    keep = radius > 0
    lat, lon, radius = lat[keep], lon[keep], radius[keep]
    angle = np.linspace(0, 2 * np.pi, vertices + 1)
    dlat = np.outer(radius / _EARTH_M_PER_DEG, np.sin(angle))
    dlon = np.outer(radius / (_EARTH_M_PER_DEG * np.cos(np.radians(lat))), np.cos(angle))
    gap = np.full((len(lat), 1), np.nan)
    ring_lat = np.hstack([lat[:, None] + dlat, gap]).ravel()
    ring_lon = np.hstack([lon[:, None] + dlon, gap]).ravel()
    return ring_lat, ring_lon


def selected_halo(incidents, row: int | None) -> dict | None:
    """The emphasised halo of the selected incident (any radius): {row, lat, lon} or None."""
    if row is None or not 0 <= row < len(incidents):
        return None
    record = incidents.iloc[row]
    lat, lon = float(record["lat"]), float(record["lon"])
    radius = halo_radius(incidents.iloc[[row]]).astype("float64").fillna(0).to_numpy()
    if not (np.isfinite(lat) and np.isfinite(lon)) or not radius[0] > 0:
        return None
    ring_lat, ring_lon = halo_rings(np.array([lat]), np.array([lon]), radius, HALO_VERTICES)
    return {"row": int(row), "lat": [float(x) for x in ring_lat[:-1]],
            "lon": [float(x) for x in ring_lon[:-1]]}


def _js_hover(payload: dict, a: dict[str, np.ndarray], pos: np.ndarray, lang: str) -> list[str]:
    """Hover lines for large imports, written exactly as assets/timeline.js writes them."""
    first = dt.date.fromisoformat(payload["meta"]["first_day"])
    labels = [category_label(c, lang) for c in payload["categories"]]
    lines = []
    for p in pos:
        when = (first + dt.timedelta(days=int(a["start"][p]))).isoformat()
        if a["end"][p] != a["start"][p]:
            when += "\u2013" + (first + dt.timedelta(days=int(a["end"][p]))).isoformat()
        place = payload["places"][a["place"][p]] if payload.get("places") else ""
        k = a["killed"][p]
        killed = (gettext("killed: not reported", lang) if np.isnan(k) else
                  gettext("{n} killed (best estimate)", lang, n=format_number(int(k), lang)))
        lines.append(" · ".join(x for x in (when, labels[a["category"][p]], place, killed) if x))
    return lines


def slice_for_view(payload_or_frame: dict | pd.DataFrame, view: View, day_index: int,
                   ink: str = MAP_SURFACES["light"]["ink"],
                   unreported: str = UNREPORTED_OUTLINE) -> dict:
    """What the map shows for `view` on day `day_index` (days since the payload's first day).

    Mirrors `timeline.js` (same rules, same shape). `ink`/`unreported` are the ring colours
    of the theme. A frame is turned into a payload first (its own first/last day).
    Returns {"points": {lat, lon, color, size, customdata, hovertext}, "outlines": {lat, lon,
    color, size}, "halos": {lat, lon}, "cells": {lat, lon, z} or None, "aggregated", "capped",
    "total", "shown", "in_cells"}; arrays are numpy (NaN separates halo rings).
    """
    payload = payload_or_frame
    if isinstance(payload_or_frame, pd.DataFrame):
        payload = build_timeline_payload(payload_or_frame, *dataset_days(payload_or_frame))
    a = _decode_all(payload)
    sel = select_positions(payload, a, view.layers, view.window, int(day_index))
    pos = sel["points"]
    colours = np.array(payload["colours"], dtype=object)[a["category"][pos]]
    ringed = np.array(payload["ringed"], dtype=bool)[a["category"][pos]]
    killed_missing = np.isnan(a["killed"][pos])
    needs_ring = ringed | killed_missing
    ring_colour = np.where(ringed, ink, unreported)[needs_ring]
    if payload.get("hover"):
        text = np.array(payload["hover"].get(view.lang) or payload["hover"]["en"], dtype=object)
        hovertext = list(text[pos])
    else:
        hovertext = _js_hover(payload, a, pos, view.lang)
    lat, lon = a["lat"][pos], a["lon"][pos]
    size = marker_sizes(a["killed"][pos].astype("float64"), payload["meta"]["max_killed"])
    out = {
        "points": {"lat": lat, "lon": lon, "color": list(colours), "size": size,
                   "customdata": a["row"][pos].astype("int64"), "hovertext": hovertext},
        "outlines": {"lat": lat[needs_ring], "lon": lon[needs_ring], "color": list(ring_colour),
                     "size": size[needs_ring] + 4.0},
        "halos": {"lat": np.zeros(0), "lon": np.zeros(0)},
        "cells": None,
        "aggregated": sel["aggregated"], "capped": sel["capped"], "total": sel["total"],
        "shown": len(pos), "in_cells": 0,
    }
    meta = payload["meta"]
    if halos_shown(view.layers, len(pos)):
        radius = a["radius"][pos].astype("float64")
        radius = np.where(radius > meta.get("halo_wide_m", np.inf), 0.0, radius)
        ring_lat, ring_lon = halo_rings(lat.astype("float64"), lon.astype("float64"), radius,
                                        meta["halo_vertices"])
        out["halos"] = {"lat": ring_lat, "lon": ring_lon}
    if sel["cell_counts"] is not None:
        out["cells"] = {"lat": decode_array(payload["cells"]["lat"]),
                        "lon": decode_array(payload["cells"]["lon"]), "z": sel["cell_counts"]}
        out["in_cells"] = int(sel["cell_counts"].sum())
    return out
