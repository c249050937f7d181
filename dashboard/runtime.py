"""The per-process, read-only data the app serves: loaded once, lazily, after fork.

Gunicorn imports `app:server` in the master; each worker then loads its own copy on first use
(or in the post_fork hook), so no worker shares mutable state with another.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import pandas as pd

from dashboard.config import Config, load_config
from dashboard.data.model import Dataset, Problem
from dashboard.filters import dataset_days

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
    def payload_json(self) -> str:
        """The payload serialised once per process (it can be tens of MB for big imports)."""
        return json.dumps(self.payload, separators=(",", ":"))

    @cached_property
    def categories(self) -> frozenset[str]:
        """The incident categories present (worked out once: a big import has a million rows)."""
        return frozenset(str(c) for c in self.incidents["category"].dropna().unique())

    @cached_property
    def day_contexts(self) -> list[str]:
        """Per timeline day, what the base map shows that depends on the day
        (figures.map.day_context), worked out only on the days where it can change."""
        from dashboard.figures.map import day_context
        from dashboard.figures.map_context import context_change_days

        changes = context_change_days(self.dataset)
        out: list[str] = []
        for day in self.days:
            out.append(day_context(self.dataset, day) if not out or day in changes else out[-1])
        return out

    @cached_property
    def outlines_json(self) -> bytes | None:
        """The validated outlines as served to the page (None when there are none)."""
        outlines = self.dataset.outlines
        if outlines is None:
            return None
        return json.dumps(outlines, separators=(",", ":"), ensure_ascii=False).encode()

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
            "sources": int(len(ds.sources)),
            "scenes": len(ds.scenes),
            "rejected": sum(1 for p in self.problems if p.severity == "error"),
        }


def _day_range(frames: list[pd.DataFrame]) -> tuple[dt.date, dt.date]:
    """The timeline's first and last day over every loaded frame (filters.dataset_days)."""
    return dataset_days(pd.concat([f[["date_start", "date_end"]] for f in frames]))


def build_runtime(config: Config) -> Runtime:
    """Load and validate the curated data and every extra file named in the config."""
    from dashboard.data.importers import ImportFileError, load_incident_file
    from dashboard.data.load import load_dataset

    dataset = load_dataset(config.geodata_dir)
    problems = list(dataset.problems)
    frames = [dataset.incidents]
    layer_ids: list[str] = []
    for path in config.extra_data:
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
    incidents = incidents.reset_index(drop=True)
    first_day, last_day = _day_range(frames)
    # The curated period is always on the timeline, even when an import is shorter.
    first_day = min(first_day, dt.date(2016, 4, 22))
    last_day = max(last_day, dt.date(2016, 5, 8))
    return Runtime(
        config=config,
        dataset=dataset,
        incidents=incidents,
        first_day=first_day,
        last_day=last_day,
        layer_ids=tuple(dict.fromkeys(layer_ids)),
        problems=tuple(problems),
    )


def get_runtime(config: Config | None = None) -> Runtime:
    """This process's runtime, loading it on first call (thread-safe)."""
    global _RUNTIME
    if _RUNTIME is None:
        with _LOCK:
            if _RUNTIME is None:
                _RUNTIME = build_runtime(config or _CONFIG or load_config())
    return _RUNTIME


def configure(config: Config) -> None:
    """Use `config` for this process's runtime; drops any runtime loaded with another one."""
    global _RUNTIME, _CONFIG
    with _LOCK:
        if _CONFIG is not config:
            _RUNTIME = None
        _CONFIG = config


def set_runtime(runtime: Runtime | None) -> None:
    """Replace this process's runtime (tests)."""
    global _RUNTIME
    with _LOCK:
        _RUNTIME = runtime
