"""The header: title, mode, language, theme, share."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.components.export_menu import make_export_menu
from dashboard.i18n import gettext as _t
from dashboard.view import View


def make_header(view: View) -> html.Header:
    """Title bar with the global switches. Every control carries a real label."""
    lang = view.lang
    present = view.mode == "present"
    return html.Header(
        className="app-header",
        children=[
            html.H1(_t("Aleppo situation map", lang), className="app-title"),
            html.P(_t("22 April – 8 May 2016, as reported, with sources", lang),
                   className="app-subtitle"),
            html.Div(
                className="header-controls",
                children=[
                    html.Button(
                        _t("Explore", lang) if present else _t("Present", lang),
                        id=ids.MODE_TOGGLE,
                        className="btn",
                        title=_t("Switch presentation mode (key P)", lang),
                        n_clicks=0,
                    ),
                    html.Span(_t("Language", lang), id=ids.LANG_SELECT_LABEL, className="sr-label"),
                    dcc.Dropdown(
                        id=ids.LANG_SELECT,
                        options=[{"label": "English", "value": "en"},
                                 {"label": "Français", "value": "fr"}],
                        value=lang,
                        clearable=False,
                        searchable=False,
                        className="lang-select",
                    ),
                    html.Button(
                        _t("Dark", lang) if view.theme == "light" else _t("Light", lang),
                        id=ids.THEME_TOGGLE,
                        className="btn",
                        title=_t("Theme", lang),
                        **{"aria-label": _t("Theme", lang)},
                        n_clicks=0,
                    ),
                    html.Button(
                        _t("Share link", lang),
                        id=ids.SHARE_BUTTON,
                        className="btn btn-primary",
                        n_clicks=0,
                    ),
                    make_export_menu(lang),
                    html.Label([
                        html.Span(_t("Link to this view", lang), className="sr-label"),
                        # Hidden while empty (assets/10-header.css), shown once shared.
                        dcc.Input(id=ids.SHARE_URL_TEXT, type="text", readOnly=True,
                                  className="share-url", value="",
                                  placeholder=_t("Link to this view", lang)),
                    ]),
                ],
            ),
        ],
    )
