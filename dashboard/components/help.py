"""The keyboard help overlay (key `?`)."""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.i18n import N_
from dashboard.i18n import gettext as _t

KEYS = (
    ("← →", N_("Previous / next day (previous / next scene during a briefing)")),
    ("Space", N_("Play / pause")),
    ("Home End", N_("First / last day")),
    ("1–9", N_("Jump to a briefing scene")),
    ("P", N_("Presentation mode on / off")),
    ("F", N_("Fullscreen")),
    ("C", N_("Show or hide the scene caption (presentation mode)")),
    ("G", N_("Show or hide the charts strip (presentation mode)")),
    ("Esc", N_("Close this help, or leave presentation mode")),
    ("?", N_("Show or hide this help")),
)


def make_help_overlay(lang: str) -> html.Div:
    """A hidden dialog listing the keys; keys.js shows it."""
    rows = []
    for keys, what in KEYS:
        label = _t("Space", lang) if keys == "Space" else keys
        rows += [html.Dt(html.Kbd(label)), html.Dd(_t(what, lang))]
    return html.Div(
        id=ids.HELP_OVERLAY,
        className="help-overlay",
        hidden=True,
        role="dialog",
        tabIndex="-1",
        **{"aria-labelledby": ids.HELP_TITLE},
        children=[
            html.H2(_t("Keyboard", lang), id=ids.HELP_TITLE),
            html.Dl(rows),
            html.P(_t("Press Esc to close.", lang), className="hint"),
        ],
    )
