"""The two comparison pages of the timeline benchmark (bench/timeline.py), on OUR data.

Both load exactly the incidents the dashboard serves (dashboard.runtime.build_runtime with the
same DATA and CACHE_DIR: the curated incidents plus the imported file), and show what the
dashboard's default view shows of them on the same inline offline map style, centre and zoom:
the layers bundled with the geodata (UCDP GED 2016, off by default) left out, the days those
layers' absence leaves (the curated period, widened by an imported file). Without that the
shipped data would be 2,017 events over the whole of 2016, not the 42 a visitor meets.

    python -m bench.timeline_pages prepare --data CSV --cache-dir DIR
        load once (warms the GeoParquet cache); print the data's shape as one JSON line.
    python -m bench.timeline_pages px --data CSV --cache-dir DIR --window day|cumulative
                                      --out-dir DIR [--center LAT,LON --zoom Z]
        write px-<window>.html (+ plotly.min.js from the installed plotly package, so the page
        needs no network): px.scatter_map(..., animation_frame="day"), one frame per day. For
        window=day a frame holds the events that STARTED that day (px's natural one value per
        row); for window=cumulative every event started on or before that day, built only when
        the frames hold at most --max-points points in all (else prints why not).
    python -m bench.timeline_pages server --data CSV --cache-dir DIR --port P [...]
        a minimal Dash app: a map dcc.Graph and a dcc.Slider whose SERVER callback returns a
        whole new px.scatter_map figure per step. `/?window=day|cumulative&date=YYYY-MM-DD`;
        /ready answers 200 once the data is loaded (it loads before the server listens).

`data` may be "" (the shipped curated data only). Every command prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_MAX_POINTS = 3_000_000


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_runtime(data: str, cache_dir: str):
    """The dashboard's own runtime for DATA=`data` (same loader, same validation, same rows)."""
    from dashboard.config import load_config
    from dashboard.runtime import build_runtime

    env = {"DATA": data or "", "CACHE_DIR": cache_dir}
    return build_runtime(load_config(env))


def default_incidents(runtime) -> pd.DataFrame:
    """The incidents the default view can show: the bundled layers (off by default) left out."""
    inc = runtime.incidents
    if not runtime.bundled_layer_ids:
        return inc
    return inc[~inc["dataset"].astype(str).isin(runtime.bundled_layer_ids)]


def compact_frame(runtime) -> pd.DataFrame:
    """Mapped incidents of the default view as plain columns: lat, lon, start/end (day index
    from the default view's first day), category, size."""
    from dashboard.data.model import CATEGORIES
    from dashboard.timeline import marker_sizes

    inc = default_incidents(runtime)
    first = np.datetime64(runtime.default_first, "D")
    start = pd.to_datetime(inc["date_start"]).to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(inc["date_end"].fillna(inc["date_start"])).to_numpy(dtype="datetime64[D]")
    lat = pd.to_numeric(inc["lat"], errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(inc["lon"], errors="coerce").to_numpy(dtype="float64")
    n_days = (runtime.default_last - runtime.default_first).days + 1
    keep = (np.isfinite(lat) & np.isfinite(lon) & ~np.isnat(start)
            & (start >= first) & (start - first < np.timedelta64(n_days, "D")))
    start_i = (start[keep] - first).astype("int64")
    end_i = np.maximum((end[keep] - first).astype("int64"), start_i)
    category = inc["category"].to_numpy()[keep]
    category = np.where(np.isin(category, CATEGORIES), category, "other")
    killed = pd.to_numeric(inc["killed_best"], errors="coerce").to_numpy(dtype="float64")[keep]
    max_killed = float(np.nanmax(killed)) if np.isfinite(killed).any() else 0.0
    frame = pd.DataFrame({
        "lat": lat[keep], "lon": lon[keep], "start": start_i, "end": end_i,
        "category": pd.Categorical(category, categories=list(CATEGORIES)),
        "size": marker_sizes(killed, max_killed).astype("float64"),
    })
    return frame.sort_values("start", kind="stable").reset_index(drop=True)


def day_names(runtime) -> list[str]:
    """The default view's days (the timeline's range with the bundled layers off)."""
    n = (runtime.default_last - runtime.default_first).days + 1
    return [(runtime.default_first + dt.timedelta(days=i)).isoformat() for i in range(n)]


def map_settings(center: str | None, zoom: float | None) -> tuple[dict, float, dict]:
    from dashboard.figures.palette import map_style
    from dashboard.view import PRESET_VIEWS

    lat, lon, default_zoom = PRESET_VIEWS["aleppo"]
    if center:
        lat, lon = (float(x) for x in center.split(","))
    return {"lat": lat, "lon": lon}, (default_zoom if zoom is None else zoom), \
        map_style("light", "none")


def px_figure(frame: pd.DataFrame, center: dict, zoom: float, style: dict,
              animation: list[str] | None = None, frame_column: str | None = None):
    """px.scatter_map of `frame` coloured by category, sized by killed (as our markers)."""
    import plotly.express as px

    from dashboard.data.model import CATEGORIES
    from dashboard.figures.palette import CATEGORY_COLOURS
    from dashboard.timeline import SIZE_MAX_PX

    orders = {"category": list(CATEGORIES)}
    if frame_column:
        orders[frame_column] = animation
    fig = px.scatter_map(
        frame, lat="lat", lon="lon", color="category", size="size", size_max=SIZE_MAX_PX,
        animation_frame=frame_column, category_orders=orders,
        color_discrete_map={c: CATEGORY_COLOURS[c]["fill"] for c in CATEGORIES},
        center=center, zoom=zoom,
    )
    fig.update_layout(map_style=style, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      uirevision="bench", showlegend=True)
    return fig


def cumulative_points(starts: np.ndarray, n_days: int) -> int:
    """Points held by cumulative frames (one per day): sum over days of events started by then."""
    per_day = np.bincount(np.clip(starts, 0, n_days - 1), minlength=n_days)
    return int(np.cumsum(per_day).sum())


def cmd_prepare(args) -> dict:
    t0 = time.perf_counter()
    runtime = load_runtime(args.data, args.cache_dir)
    frame = compact_frame(runtime)
    return {"ok": True, "load_s": round(time.perf_counter() - t0, 3),
            "incidents": int(len(runtime.incidents)),
            "default_incidents": int(len(default_incidents(runtime))), "mapped": int(len(frame)),
            "first_day": runtime.default_first.isoformat(),
            "last_day": runtime.default_last.isoformat(),
            "layer_ids": [x for x in runtime.layer_ids if x not in runtime.bundled_layer_ids],
            "bundled_layer_ids": list(runtime.bundled_layer_ids),
            "maxrss_mb": round(_maxrss_mb(), 1)}


def cmd_px(args) -> dict:
    t0 = time.perf_counter()
    runtime = load_runtime(args.data, args.cache_dir)
    frame = compact_frame(runtime)
    names = day_names(runtime)
    load_s = time.perf_counter() - t0
    center, zoom, style = map_settings(args.center, args.zoom)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.window == "day":
        points = len(frame)
        df = frame.assign(day=np.asarray(names, dtype=object)[frame["start"].to_numpy()])
    else:
        points = cumulative_points(frame["start"].to_numpy(), len(names))
        if points > args.max_points:
            return {"ok": False, "infeasible": f"infeasible: cumulative frames would hold "
                    f"{points:,} points (limit {args.max_points:,})", "points": points}
        starts = frame["start"].to_numpy()
        upto = np.searchsorted(starts, np.arange(len(names)), side="right")
        index = np.concatenate([np.arange(k) for k in upto])
        day = np.repeat(np.asarray(names, dtype=object), upto)
        df = frame.iloc[index].reset_index(drop=True).assign(day=day)
    present = [d for d in names if d in set(df["day"])]
    fig = px_figure(df, center, zoom, style, present, "day")
    path = out_dir / f"px-{args.window}.html"
    fig.write_html(path, include_plotlyjs="directory", auto_play=False, div_id="gd",
                   full_html=True, config={"displaylogo": False, "scrollZoom": True})
    return {"ok": True, "page": path.name, "frames": present, "points": int(points),
            "mapped": int(len(frame)), "html_bytes": path.stat().st_size,
            "load_s": round(load_s, 3), "build_s": round(time.perf_counter() - t0, 3),
            "maxrss_mb": round(_maxrss_mb(), 1)}


def make_server_app(runtime, frame: pd.DataFrame, center: dict, zoom: float, style: dict):
    """The Dash app whose slider callback returns a whole new figure per step."""
    import dash
    from dash import Input, Output, dcc, html, no_update

    from dashboard.state import decode_view

    names = day_names(runtime)
    starts, ends = frame["start"].to_numpy(), frame["end"].to_numpy()
    app = dash.Dash(__name__, serve_locally=True, update_title=None,
                    assets_folder=str(Path(__file__).parent / "_no_assets"))
    app.layout = html.Div([
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="win"),
        dcc.Graph(id="graph", style={"height": "760px"},
                  config={"displaylogo": False, "scrollZoom": True}),
        dcc.Slider(id="slider", min=0, max=len(names) - 1, step=1, value=None,
                   marks=None, updatemode="drag"),
    ])

    @app.callback(Output("slider", "value"), Output("win", "data"), Input("url", "search"))
    def _from_url(search):
        view, _ = decode_view(search or "")
        day = view.date or runtime.default_last
        index = min(max((day - runtime.default_first).days, 0), len(names) - 1)
        return index, view.window

    @app.callback(Output("graph", "figure"), Input("slider", "value"), Input("win", "data"))
    def _figure(day, window):
        if day is None or window is None:
            return no_update
        hi = int(np.searchsorted(starts, day, side="right"))
        if window == "day":
            rows = np.flatnonzero(ends[:hi] >= day)
        else:
            rows = np.arange(hi)
        return px_figure(frame.iloc[rows], center, zoom, style)

    @app.server.route("/ready")
    def _ready():
        return {"status": "ready", "mapped": int(len(frame))}

    return app


def cmd_server(args) -> None:
    runtime = load_runtime(args.data, args.cache_dir)
    frame = compact_frame(runtime)
    center, zoom, style = map_settings(args.center, args.zoom)
    app = make_server_app(runtime, frame, center, zoom, style)
    print(json.dumps({"ok": True, "mapped": int(len(frame))}), flush=True)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.run(host="127.0.0.1", port=args.port, debug=False, threaded=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timeline_pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("prepare", "px", "server"))
    parser.add_argument("--data", default="")
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--window", choices=("day", "cumulative"), default="day")
    parser.add_argument("--out-dir", default=str(Path(__file__).parent / "data" / "pages"))
    parser.add_argument("--center", default=None, help="LAT,LON (default: the Aleppo preset)")
    parser.add_argument("--zoom", type=float, default=None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-points", type=int, default=DEFAULT_MAX_POINTS)
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if args.command == "server":
        cmd_server(args)
        return 0
    result = cmd_prepare(args) if args.command == "prepare" else cmd_px(args)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
