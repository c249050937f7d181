"""Tags in the page's <head> that start fetches early: the first view's scripts, preloaded
while the browser loads Dash's own, instead of after the layout and its first callback."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import dash

from dashboard.server.compression import SUITES_PATH

# What the first view loads asynchronously, as Dash's renderer and webpack name it: dcc.Graph's
# chunk, plotly.js (4.8 MB; 1.4 MB in brotli) and the slider's chunk. Without a preload the
# browser asks for them once the layout has rendered, about 0.6 s after the page arrived.
FIRST_VIEW_SCRIPTS = (
    "plotly/package_data/plotly.min.js",
    "dash/dcc/async-graph.js",
    "dash/dcc/async-slider.js",
)


def add_to_head(app: dash.Dash, tags: Callable[[], str]) -> None:
    """Append `tags()` (HTML, made per page) to the <head>, after Dash's meta tags."""
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        kwargs["metas"] = kwargs.get("metas", "") + tags()
        return original(**kwargs)

    app.interpolate_index = interpolate_index


def script_preload_tags(requests_prefix: str) -> str:
    """`<link rel=preload as=script>` for FIRST_VIEW_SCRIPTS under `requests_prefix`."""
    base = requests_prefix + SUITES_PATH
    return "".join(f'<link rel="preload" href="{escape(base + path)}" as="script">'
                   for path in FIRST_VIEW_SCRIPTS)


def install_script_preloads(app: dash.Dash) -> None:
    """Preload FIRST_VIEW_SCRIPTS on every page."""
    tags = script_preload_tags(app.config.requests_pathname_prefix)
    add_to_head(app, lambda: tags)
