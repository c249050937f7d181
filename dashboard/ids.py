"""Component ids, in one place. The first block is public: tests and people who embed or
script the page rely on it, so those ids never change."""

import json

# Public, stable ids.
MAP_GRAPH = "map-graph"
TIMELINE_SLIDER = "timeline-slider"
PLAY_BUTTON = "play-button"
CASUALTY_CHART = "casualty-chart"
INCIDENT_DETAILS = "incident-details"
LAYER_PANEL = "layer-panel"
INCIDENT_TABLE = "incident-table"
SHARE_BUTTON = "share-button"
LANG_SELECT = "lang-select"
THEME_TOGGLE = "theme-toggle"

# Internal ids.
URL = "url"
NOTICE = "url-notice"
VIEW_STORE = "view-store"  # the decoded View as a dict (the single source of UI state)
PAYLOAD_STORE = "timeline-payload"  # compact incident arrays, sent once per dataset
BASE_MAP_STORE = "base-map-figure"  # the server-built base map (context layers, layout)
SELECTED_HALO = "selected-halo"  # the selected incident's emphasised halo (timeline.selected_halo)
NEIGHBOURHOOD_CLICK = "neighbourhood-click"  # set by the browser: a neighbourhood was clicked
MAP_DRAWN = "map-drawn"  # set by the browser each time the map has finished drawing
MAP_LEGEND_BOX = "map-legend-box"  # the page's map legend (HTML, over the map)
MAP_LEGEND = "map-legend"  # its entries, which follow the base map
TABLE_REQUEST = "table-request"  # the table's controls, passed on only while it is shown
DAYS_STORE = "timeline-days"  # ISO dates of the slider's days
DAILY_CHART = "daily-chart"
HISTOGRAM = "day-histogram"
DATE_LABEL = "timeline-date"
WINDOW_SELECT = "window-select"
SPEED_SELECT = "speed-select"
PLAY_INTERVAL = "play-interval"
LAYER_CHECKLIST = "layer-checklist"
DATA_LAYER_CHECKLIST = "data-layer-checklist"
LAYER_COUNTS = "layer-counts"
BASEMAP_SELECT = "basemap-select"
PRESET_SELECT = "preset-select"
CHART_GROUP_SELECT = "chart-group-select"
TABLE_DOWNLOAD_BUTTON = "table-download-button"
TABLE_DOWNLOAD = "table-download"
SHARE_URL_TEXT = "share-url"
MODE_TOGGLE = "mode-toggle"
SCENE_CAPTION = "scene-caption"
SCENE_INSET = "scene-inset"
HELP_OVERLAY = "help-overlay"
EXPORT_MENU = "export-menu"
EXPORT_BUTTON = "export-button"
EXPORT_CANCEL = "export-cancel"
EXPORT_PROGRESS = "export-progress"
EXPORT_STATUS = "export-status"
EXPORT_DOWNLOAD = "export-download"
EXPORT_VIEW = "export-view"
EXPORT_FORMAT = "export-format"
EXPORT_PRESET = "export-preset"
EXPORT_WIDTH = "export-width"
EXPORT_HEIGHT = "export-height"
EXPORT_SCALE = "export-scale"

# Page structure, stores and switches the browser code and the stylesheets name.
APP_ROOT = "app-root"
PAGE = "page"
MAP_SECTION = "map-section"
DOM_SYNC = "dom-sync"  # output of the browser callback that sets <html lang/dir/data-theme>
URL_SYNC = "url-sync"  # the query string the browser last wrote to the address bar
SELECTED_INCIDENT = "selected-incident"
BOTTOM_TABS = "bottom-tabs"
TABLE_COUNT = "table-count"
CONTEXT_CHECKLIST = "context-checklist"
EXPORT_BRIEFING_BUTTON = "export-briefing-button"
EXPORT_DECK_BUTTON = "export-deck-button"
EXPORT_VIDEO_BUTTON = "export-video-button"
EXPORT_VIDEO_FORMAT = "export-video-format"

# Accessibility and phones (issue 14).
TIMELINE_PREV = "timeline-prev"  # previous-day button beside the slider
TIMELINE_NEXT = "timeline-next"  # next-day button
INCIDENT_LIST_BOX = "incident-list-box"  # <details> holding the map's incidents as a list
INCIDENT_LIST = "incident-list"  # its <ul>, filled by the browser (assets/a11y.js)

# Headings that name a region (aria-labelledby).
LAYER_PANEL_TITLE = "layer-panel-title"
HELP_TITLE = "help-title"
TIMELINE_TITLE = "timeline-title"
DETAILS_TITLE = "details-title"


def label_of(component_id: str) -> str:
    """The id of the element that names a control (assets/a11y.js links the two up)."""
    return f"{component_id}-label"


TIMELINE_SLIDER_LABEL = label_of(TIMELINE_SLIDER)
LANG_SELECT_LABEL = label_of(LANG_SELECT)
SPEED_SELECT_LABEL = label_of(SPEED_SELECT)
EXPORT_VIEW_LABEL = label_of(EXPORT_VIEW)
EXPORT_FORMAT_LABEL = label_of(EXPORT_FORMAT)
EXPORT_PRESET_LABEL = label_of(EXPORT_PRESET)
EXPORT_SCALE_LABEL = label_of(EXPORT_SCALE)

# The page loads this script before assets/*.js: it sets `window.dash_clientside.ids`, every id
# above by its Python name, so the browser code never types an id by hand.
SCRIPT_PATH = "_aleppo/ids.js"


def all_ids() -> dict[str, str]:
    """Every component id of this module, by constant name."""
    return {name: value for name, value in globals().items()
            if name.isupper() and isinstance(value, str) and name != "SCRIPT_PATH"}


def script() -> str:
    """The JavaScript served at SCRIPT_PATH (no inline script: the CSP allows 'self')."""
    return ("window.dash_clientside = Object.assign({}, window.dash_clientside, "
            f"{{ids: Object.freeze({json.dumps(all_ids(), sort_keys=True)})}});\n")
