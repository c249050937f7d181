"""Briefing scenes: pure state (lookup, applying, texts, focus, inset) without Dash."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from dashboard.data.load import load_dataset
from dashboard.scenes import (
    apply_scene,
    find_scene,
    inset_view,
    scene_centre,
    scene_focus,
    scene_text,
)
from dashboard.view import View

SCENE = {"scene": 2, "title_en": "Title", "title_fr": "Titre", "caption_en": "Caption",
         "date": "2016-04-22", "window": "day", "layers": ["air_raid"],
         "view": {"lat": 36.2, "lon": 37.1, "zoom": 12}, "highlight": ["E01"]}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_scenes_import_no_dash():
    """The still exports use scenes; importing them must not pull in Dash."""
    code = ("import sys, dashboard.scenes, dashboard.export.build; "
            "print(any(m == 'dash' or m.startswith('dash.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_find_and_apply_scene():
    assert find_scene((SCENE,), 2) is SCENE
    assert find_scene((SCENE,), 3) is None and find_scene((SCENE,), None) is None
    view = apply_scene(View(), SCENE, explicit={"zoom"})
    assert view.window == "day" and view.layers == frozenset({"air_raid"})
    assert view.incident == "E01" and view.zoom == View().zoom  # the URL's zoom wins


def test_scene_text_falls_back_to_english():
    fr = scene_text(SCENE, 12, "fr")
    assert (fr.title, fr.caption) == ("Titre", "Caption")
    assert "2" in fr.counter and "12" in fr.counter


def test_scene_focus_is_highlights_else_centre():
    incidents = pd.DataFrame({"id": ["E01", "E02"], "lat": [36.1, float("nan")],
                              "lon": [37.0, float("nan")]})
    assert scene_focus(SCENE, incidents) == [(36.1, 37.0)]
    assert scene_focus({**SCENE, "highlight": ["E02"]}, incidents) == [(36.2, 37.1)]
    assert scene_centre({"preset": "aleppo"})[0] == pytest.approx(36.205)


def test_inset_frames_its_places():
    places = pd.DataFrame({"place_id": ["a", "b", "c"], "name_en": ["A", "B", "C"],
                           "name_fr": ["Aa", "Bb", "Cc"], "lat": [33.0, 33.1, 40.0],
                           "lon": [36.0, 36.1, 20.0]})
    inset = inset_view({"inset": ["b", "a"]}, places, "fr")
    assert (inset.lat, inset.lon, inset.label) == (33.05, 36.05, "Bb · Aa")
    # The wider span is latitude's, 0.1 / cos(33.05 deg) = 0.119 degrees of longitude, over
    # about 100 px: zoom log2(100 * 360 / (512 * 0.119)) ~ 9.2
    assert inset.zoom == pytest.approx(9.2, abs=0.05)
    assert inset_view({"inset": []}, places, "en") is None
    assert inset_view({"inset": ["zz"]}, places, "en") is None


def test_shipped_scene_7_splits_the_four_towns(dataset):
    """Scene 7's towns are 250 km apart: the main view holds the Idlib pair, the inset the
    Damascus pair, each close enough to read (not specks on a regional map)."""
    scene = find_scene(dataset.scenes, 7)
    main = scene["view"]
    assert main["zoom"] >= 11
    places = dataset.places.set_index("place_id")
    for town in ("al_fuah", "kafriya"):
        assert abs(places.loc[town, "lat"] - main["lat"]) < 0.03
        assert abs(places.loc[town, "lon"] - main["lon"]) < 0.05
    inset = inset_view(scene, dataset.places, "en")
    assert inset.zoom >= 10.5 and inset.label == "Madaya · al-Zabadani"
    assert scene["source_ids"]  # curated scenes keep their sources


def test_scene_still_export_draws_the_inset(dataset):
    from dashboard.export.build import ExportData, build_scene_content

    data = ExportData(dataset)
    content = build_scene_content(data, find_scene(dataset.scenes, 7), len(dataset.scenes))
    inset = content.figures["inset"]
    assert content.meta.inset_label == "Madaya · al-Zabadani"
    assert inset.layout.map.zoom >= 10.5 and not inset.layout.showlegend
    assert "inset" not in build_scene_content(data, find_scene(dataset.scenes, 2), 12).figures
