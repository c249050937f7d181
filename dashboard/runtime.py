"""The per-process, read-only data the app serves: loaded once, lazily.

Under gunicorn the master loads it before it forks the workers (gunicorn_conf.when_ready), so
the workers share its memory pages; nothing here is ever written after loading.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.config import Config, load_config
from dashboard.data.model import CURATED_FIRST_DAY, CURATED_LAST_DAY, Dataset, Problem, errors_of
from dashboard.filters import dataset_days

# Incident files shipped in geodata/ as optional layers, off by default (never merged with the
# curated incidents): UCDP GED events in Aleppo governorate, 2016 (scripts/make_ucdp_aleppo.py).
BUNDLED_LAYERS: tuple[str, ...] = ("ucdp_ged191_aleppo_2016.csv",)

_LOCK = threading.Lock()
_RUNTIME: Runtime | None = None
_CONFIG: Config | None = None


@dataclass(frozen=True)
class Runtime:
    """Everything loaded for this process. Treat as read-only."""

    config: Config
    dataset: Dataset
    incidents: gpd.GeoDataFrame  # curated + imported, one frame, positional index = row id
    first_day: dt.date
    last_day: dt.date
    layer_ids: tuple[str, ...]  # imported dataset ids ("data:<slug>" in the URL)
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    # Layers shipped with the app but off by default (BUNDLED_LAYERS): their events widen the
    # timeline (first_day..last_day) only while one of them is on (`view_range`).
    bundled_layer_ids: tuple[str, ...] = ()
    default_first: dt.date | None = None  # the timeline without the bundled layers
    default_last: dt.date | None = None

    def view_range(self, layers: frozenset[str] | set[str]) -> tuple[dt.date, dt.date]:
        """The timeline's first and last day for a view with `layers` on: the whole data
        while a bundled layer is on, else the curated period (and any --data import)."""
        if any(f"data:{lid}" in layers for lid in self.bundled_layer_ids):
            return self.first_day, self.last_day
        return self.default_first or self.first_day, self.default_last or self.last_day

    def export_data(self, layers: frozenset[str] | set[str] = frozenset()):
        """What an export of a view with `layers` draws from (its timeline: `view_range`)."""
        from dashboard.export.build import ExportData

        first, last = self.view_range(layers)
        return ExportData(dataset=self.dataset, incidents=self.incidents, payload=self.payload,
                          first_day=first, last_day=last)

    def index_range(self, layers: frozenset[str] | set[str]) -> tuple[int, int]:
        """`view_range` as slider positions (indices into `days`)."""
        first, last = self.view_range(layers)
        return (first - self.first_day).days, (last - self.first_day).days

    @cached_property
    def days(self) -> list[dt.date]:
        """Every day of the timeline, inclusive."""
        n = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(n)]

    @cached_property
    def id_to_row(self) -> dict[str, int]:
        """Incident id -> positional row."""
        return {str(v): i for i, v in enumerate(self.incidents["id"].to_numpy())}

    @cached_property
    def payload(self) -> dict:
        """The compact timeline payload the browser receives once per page."""
        from dashboard.timeline import build_timeline_payload

        return build_timeline_payload(
            self.incidents,
            self.first_day,
            self.last_day,
            point_threshold=self.config.point_threshold,
        )

    @cached_property
    def payload_resource(self):
        """The payload packed for the browser (payload_resource.py): built once per process,
        fetched once per browser."""
        from dashboard.payload_resource import build_resource

        return build_resource(self.payload)

    @cached_property
    def categories(self) -> frozenset[str]:
        """The incident categories present (worked out once: a big import has a million rows)."""
        return frozenset(str(c) for c in self.incidents["category"].dropna().unique())

    @cached_property
    def outlines_json(self) -> bytes | None:
        """The validated outlines as served to the page (None when there are none)."""
        outlines = self.dataset.outlines
        if outlines is None:
            return None
        return json.dumps(outlines, separators=(",", ":"), ensure_ascii=False).encode()

    @cached_property
    def neighbourhoods_json(self) -> bytes | None:
        """The validated neighbourhood polygons as served to the page (None when none)."""
        from dashboard.figures.map_city import neighbourhood_collection

        nbhd = self.dataset.neighbourhoods
        if nbhd is None or len(nbhd) == 0:
            return None
        collection = neighbourhood_collection(self.dataset)
        return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()

    def warm(self) -> None:
        """Work out now everything a page view reads (gunicorn runs this before it forks the
        workers, so they share the result instead of each building its own)."""
        for name in ("days", "id_to_row", "categories", "outlines_json", "neighbourhoods_json",
                     "payload", "payload_resource"):
            getattr(self, name)
        self.payload_resource.warm()

    def counts(self) -> dict[str, int]:
        """Record counts for health checks."""
        ds = self.dataset
        return {
            "incidents": int(len(self.incidents)),
            "curated_incidents": int(len(ds.incidents)),
            "casualty_reports": int(len(ds.casualty_reports)),
            "places": int(len(ds.places)),
            "zones": int(len(ds.zones)),
            "routes": int(len(ds.routes)),
            "neighbourhoods": 0 if ds.neighbourhoods is None else int(len(ds.neighbourhoods)),
            "sources": int(len(ds.sources)),
            "scenes": len(ds.scenes),
            "rejected": len(errors_of(self.problems)),
        }


def _day_range(frames: list[pd.DataFrame]) -> tuple[dt.date, dt.date]:
    """The timeline's first and last day over every loaded frame (filters.dataset_days)."""
    return dataset_days(pd.concat([f[["date_start", "date_end"]] for f in frames]))


def _one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each Arrow-backed column in one piece. A big import reads as hundreds of
    record batches, and every row selection (`take`) then pays per piece: at a million events
    selecting rows cost seconds instead of tens of milliseconds. Changes `frame` in place."""
    for name in frame.columns:
        array = frame[name].array
        chunked = getattr(array, "_pa_array", None)  # pandas' Arrow-backed arrays
        if chunked is not None and getattr(chunked, "num_chunks", 1) > 1:
            frame[name] = pd.Series(type(array)(chunked.combine_chunks()), index=frame.index,
                                    name=name)
    return frame


def build_runtime(config: Config) -> Runtime:
    """Load and validate the curated data and every extra file named in the config."""
    from dashboard.data.importers import ImportFileError, load_incident_file
    from dashboard.data.load import load_dataset

    dataset = load_dataset(config.geodata_dir)
    problems = list(dataset.problems)
    frames = [dataset.incidents]
    layer_ids: list[str] = []
    bundled = [path for name in BUNDLED_LAYERS
               if (path := Path(config.geodata_dir) / name).is_file()]
    for path in [*config.extra_data, *bundled]:
        try:
            frame, extra_problems = load_incident_file(path, cache_dir=config.cache_dir)
        except ImportFileError as exc:
            # A file that cannot be read at all is reported; the rest of the data still loads.
            problems.append(Problem(str(path), None, None, str(exc)))
            continue
        problems.extend(extra_problems)
        if len(frame):
            frames.append(frame)
            layer_ids.extend(sorted(set(frame["dataset"].astype(str))))
    incidents = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    incidents = gpd.GeoDataFrame(incidents, geometry="geometry", crs="EPSG:4326")
    incidents = _one_chunk(incidents.reset_index(drop=True))
    bundled_ids = tuple(dict.fromkeys(
        str(d) for f in frames[1:] for d in f["dataset"].unique()
        if any(str(d) == Path(p).stem for p in bundled)))
    default_frames = [f for f in frames if not set(f["dataset"].astype(str)) & set(bundled_ids)]
    default_first, default_last = _curated_range(default_frames)
    first_day, last_day = _curated_range(frames)
    return Runtime(
        config=config,
        dataset=dataset,
        incidents=incidents,
        first_day=first_day,
        last_day=last_day,
        layer_ids=tuple(dict.fromkeys(layer_ids)),
        problems=tuple(problems),
        bundled_layer_ids=bundled_ids,
        default_first=default_first,
        default_last=default_last,
    )


def _curated_range(frames: list[pd.DataFrame]) -> tuple[dt.date, dt.date]:
    """The frames' day range, always covering the curated period (even when an import is
    shorter)."""
    first_day, last_day = _day_range(frames)
    return min(first_day, CURATED_FIRST_DAY), max(last_day, CURATED_LAST_DAY)


def get_runtime(config: Config | None = None) -> Runtime:
    """This process's runtime, loading it on first call (thread-safe). The configuration it
    was loaded with is kept, so that `configure` with the same settings keeps it."""
    global _RUNTIME, _CONFIG
    if _RUNTIME is None:
        with _LOCK:
            if _RUNTIME is None:
                chosen = config or _CONFIG or load_config()
                _RUNTIME = build_runtime(chosen)
                _CONFIG = _CONFIG or chosen
    return _RUNTIME


def configure(config: Config) -> None:
    """Use `config` for this process's runtime; drops any runtime loaded with other settings.

    Settings are compared by value: a gunicorn worker builds its app (and its Config) after
    the fork, from the same environment as the master that loaded the data before it; an
    identity check dropped that runtime, and each worker loaded a private copy (at 1M events
    2 workers came to 4.45 GB of PSS with the data loaded before fork, 3.06 GB without)."""
    global _RUNTIME, _CONFIG
    with _LOCK:
        if _CONFIG != config:
            _RUNTIME = None
        _CONFIG = config
