"""Reading what a callback receives: every callback turns its raw inputs (controls, stores, the
URL) into a View here, so the rules for malformed or tampered values are written once and no
callback module imports another's helpers.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, urlencode

from dash import Input

from dashboard import ids
from dashboard.filters import clamp_date
from dashboard.runtime import Runtime, get_runtime
from dashboard.scenes import apply_scene, find_scene
from dashboard.state import decode_view, is_known_layer, ordered_layers
from dashboard.view import View

# The layer switches, in the order the browser-side callbacks take them.
LAYER_INPUTS = (
    Input(ids.LAYER_CHECKLIST, "value"),
    Input(ids.CONTEXT_CHECKLIST, "value"),
    Input(ids.DATA_LAYER_CHECKLIST, "value"),
)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def day_iso(day_index, days=None) -> str | None:
    """The ISO date of a slider position, or None when either is malformed. Without `days`
    (the page's day list), from this process's timeline: a request need not carry the list."""
    if isinstance(day_index, bool) or not isinstance(day_index, int):
        return None
    if days is None:
        timeline = get_runtime().days
        return timeline[day_index].isoformat() if 0 <= day_index < len(timeline) else None
    if not isinstance(days, list):
        return None
    if not 0 <= day_index < len(days) or not isinstance(days[day_index], dict):
        return None
    return _text(days[day_index].get("iso"))


def view_from_controls(day_index, days, basics, layers=(), **changes) -> View:
    """A View from the page's controls, read through the URL codec so that whatever a request
    carries (a tampered payload included) becomes a valid View: bad values fall back."""
    runtime = get_runtime()
    basics = basics if isinstance(basics, dict) else {}
    raw = {
        "date": day_iso(day_index, days),
        "lang": _text(basics.get("lang")),
        "theme": _text(basics.get("theme")),
        "mode": _text(basics.get("mode")),
    }
    if layers:
        chosen = [x for group in layers if isinstance(group, list) for x in group
                  if isinstance(x, str)]
        raw["layers"] = ",".join(ordered_layers(frozenset(x for x in chosen if is_known_layer(x))))
    for key, value in changes.items():
        raw[KEY_FOR_FIELD.get(key, key)] = _text(value)
    query = urlencode({k: v for k, v in raw.items() if v is not None})
    view, _rejected = decode_view(query)
    return clamp_date(view, runtime.first_day, runtime.last_day)


KEY_FOR_FIELD = {"chart_group": "chart"}


def loaded_layers(runtime: Runtime) -> set[str]:
    """The imported layers on by default: those loaded with --data / DATA, not bundled ones."""
    return {f"data:{lid}" for lid in runtime.layer_ids if lid not in runtime.bundled_layer_ids}


def view_from_search(search: str | None, runtime: Runtime) -> tuple[View, list[str]]:
    """Decode the query string, apply a briefing scene, then fit it to the data (date inside
    the timeline, known incident)."""
    view, notices = decode_view(search or "")
    explicit = {k for k, _ in parse_qsl((search or "").removeprefix("?"))}
    if "layers" not in explicit and loaded_layers(runtime):
        # Data a person loaded with --data is shown unless the link says otherwise (the
        # layers bundled with the app are not: they are there to be switched on).
        view = dataclasses.replace(view, layers=view.layers | loaded_layers(runtime))
    if view.scene is not None:
        scene = find_scene(runtime.dataset.scenes, view.scene)
        if scene is None:
            notices.append("scene")
            view = dataclasses.replace(view, scene=None)
        else:
            view = apply_scene(view, scene, explicit)
    first, last = runtime.view_range(view.layers)
    if view.date is not None and not first <= view.date <= last:
        notices.append("date")
    view = clamp_date(view, first, last)
    if view.incident is not None and view.incident not in runtime.id_to_row:
        notices.append("incident")
        view = dataclasses.replace(view, incident=None)
    return view, notices
