"""An imported dataset (`--data FILE` / `DATA`) is its own layer, on the timeline, in the charts
and in the table."""

from __future__ import annotations

import pytest

from dashboard.app_factory import create_app
from dashboard.config import load_config
from dashboard.data.synth import write_synthetic
from tests.browser.test_dashboard import _query, _severe_logs, _wait_points

pytestmark = pytest.mark.browser


def test_data001_imported_file_is_a_layer_everywhere(dash_duo, tmp_path):
    data = tmp_path / "ged_sample.csv"
    write_synthetic(data, 300, seed=7)
    app = create_app(load_config({"DATA": str(data), "CACHE_DIR": str(tmp_path / "cache")}))
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/?date=2016-12-31")
    dash_duo.wait_for_element("#map-graph .js-plotly-plot", timeout=30)
    # The timeline now spans the imported year, and the layer panel lists the file.
    dash_duo.wait_for_contains_text("#timeline-date", "31 December 2016", timeout=15)
    panel = dash_duo.find_element("#layer-panel").text
    assert "ged_sample" in panel
    # Everything mapped is drawn: 300 imported events plus the curated ones with a position.
    n = _wait_points(dash_duo, lambda k: k >= 300)
    assert n >= 300
    assert "data:ged_sample" in _query(dash_duo).get("layers", "data:ged_sample")
    # Switching the layer off leaves the curated incidents only.
    dash_duo.find_element("#data-layer-checklist input[value='data:ged_sample']").click()
    fewer = _wait_points(dash_duo, lambda k: 0 < k < 100)
    assert fewer < 100
    assert "data:ged_sample" not in _query(dash_duo)["layers"]
    # The table lists imported rows when the layer is on.
    dash_duo.find_element("#data-layer-checklist input[value='data:ged_sample']").click()
    # Switched on again, its events are back on the map (the map's sources hold only the
    # datasets switched on: assets/native.js builds them again).
    assert _wait_points(dash_duo, lambda k: k >= 300) >= 300
    dash_duo.find_element("#bottom-tabs .tab:nth-child(2), #bottom-tabs [role=tab]:nth-child(2)"
                          ).click()
    dash_duo.wait_for_contains_text("#incident-table", "ucdp-", timeout=15)
    assert _severe_logs(dash_duo) == []
