"""Build the page from the URL (the link becomes a view in callbacks/inputs.view_from_search)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from dash import Input, Output, html

from dashboard import ids
from dashboard.callbacks.inputs import loaded_layers, view_from_search
from dashboard.components.details import render_details
from dashboard.components.scene import scene_caption, scene_inset
from dashboard.data.model import CATEGORIES
from dashboard.i18n import gettext as _t
from dashboard.layout import build_page, page_stores
from dashboard.runtime import Runtime, get_runtime
from dashboard.scenes import find_scene, inset_view
from dashboard.state import encoded_defaults, ordered_layers
from dashboard.view import View


def render_page(search: str | None):
    """Page body, day labels, and view basics for the browser-side code."""
    runtime = get_runtime()
    view, notices = view_from_search(search, runtime)
    details = None
    if view.incident is not None:
        row = runtime.incidents.iloc[runtime.id_to_row[view.incident]]
        details = render_details(row, runtime.dataset, view.lang)
    scenes = runtime.dataset.scenes
    scene = find_scene(scenes, view.scene)
    caption = scene_caption(scene, len(scenes), view.lang)
    inset = None
    if scene is not None and view.mode == "present":
        inset = scene_inset(inset_view(scene, runtime.dataset.places, view.lang), view, runtime)
    children = build_page(view, runtime, notices, details, caption, inset)
    days, basics = page_stores(view, runtime)
    # The browser writes the URL on every step; it omits defaults exactly as the codec does.
    basics["defaults"] = encoded_defaults()
    if loaded_layers(runtime):
        # Imported data is on by default (see view_from_search), so a link without `layers`
        # means "with it": switching it off must write `layers` explicitly.
        with_data = View().layers | loaded_layers(runtime)
        basics["defaults"]["layers"] = ",".join(ordered_layers(with_data))
    # Switching a bundled layer on or off changes the timeline's length: the page is built
    # again for the new link (assets/app.js).
    basics["wide_layers"] = [f"data:{lid}" for lid in runtime.bundled_layer_ids]
    basics["day_min"], basics["day_max"] = runtime.index_range(view.layers)
    basics["wide"] = any(layer in view.layers for layer in basics["wide_layers"])
    basics["layer_order"] = ordered_layers(View().layers)
    basics["incident"] = view.incident
    basics["implicit_layers"] = sorted((view.layers & set(CATEGORIES)) - runtime.categories)
    basics["scene"] = view.scene
    basics["scenes"] = len(scenes)
    return children, days, basics


# Rendering a page builds its map and chart figures (~150 ms of CPU, the costliest request a
# viewer makes). A page depends only on the link and this process's read-only data, and many
# viewers open the same few links (a shared briefing view), so each process keeps its last few
# renders. Dash only serialises what a callback returns, so answers can share the objects.
_PAGE_CACHE_SIZE = 16
_page_cache: OrderedDict[str | None, tuple[Runtime, tuple]] = OrderedDict()
_page_cache_lock = threading.Lock()


def render_page_cached(search: str | None):
    """`render_page(search)`, from the per-process cache when this runtime rendered it."""
    runtime = get_runtime()
    with _page_cache_lock:
        hit = _page_cache.get(search)
        if hit is not None and hit[0] is runtime:
            _page_cache.move_to_end(search)
            return hit[1]
    result = render_page(search)
    with _page_cache_lock:
        _page_cache[search] = (runtime, result)
        _page_cache.move_to_end(search)
        while len(_page_cache) > _PAGE_CACHE_SIZE:
            _page_cache.popitem(last=False)
    return result


def warm_default_page() -> float:
    """Render the default link (`/`, search "") into this process's cache; the seconds it
    took. Called as a server starts: the first visitor's page was otherwise its costliest
    request (~1.8 s cold, of a ~4 s first paint on the shipped data)."""
    started = time.perf_counter()
    render_page_cached("")
    return time.perf_counter() - started


def register(app) -> None:
    """Bind the page callbacks to `app`."""

    @app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.DAYS_STORE, "data"),
        Output(ids.VIEW_STORE, "data"),
        Input(ids.URL, "search"),
    )
    def _render(search):
        try:
            if search is None or isinstance(search, str):
                return render_page_cached(search)
            return render_page(search)
        except Exception:  # noqa: BLE001 - a visitor must see a page, never a traceback
            app.logger.exception("page render failed for %r", search)
            message = html.P(_t("This view could not be shown. Try the default view.", "en"),
                             className="notice")
            return [message, html.A(_t("Open the default view", "en"), href="/")], [], {}
