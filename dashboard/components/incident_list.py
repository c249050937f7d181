"""The incidents on the map, as a list of buttons: the keyboard's (and a screen reader's) way
to what a click on a map point does. The browser makes the list from the drawn map while it is
open, and again each time the map is drawn (assets/a11y.js), so a timeline step costs no
request; a button sets the map's clickData, and the details panel opens exactly as for a click.
"""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.i18n import gettext as _t


def skip_past_map(lang: str) -> html.A:
    """A link before the map to the list after it (the map canvas holds no keyboard stops)."""
    return html.A(_t("Skip past the map", lang), href=f"#{ids.INCIDENT_LIST_BOX}",
                  className="skip-link")


def make_incident_list(lang: str) -> html.Details:
    """Collapsed by default: one stop on the keyboard's way through the page."""
    return html.Details(id=ids.INCIDENT_LIST_BOX, className="incident-list-box", tabIndex="-1",
                        children=[html.Summary(_t("Incidents on the map, as a list", lang)),
                                  html.Ul(id=ids.INCIDENT_LIST, className="incident-list")])
