"""Export requests: presets, sizes, bounds and file names (pure, no browser)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.export.spec import (
    MAX_PIXELS,
    PRESETS,
    ExportRequestError,
    briefing_filename,
    check_filename,
    default_filename,
    make_spec,
    page_size_pt,
    pixel_size,
)

DAY = dt.date(2016, 4, 30)


def test_defaults_are_a_slide_png_of_the_map():
    spec = make_spec()
    assert (spec.view, spec.fmt, spec.preset, spec.width, spec.height, spec.scale) == (
        "map", "png", "slide", 1920, 1080, 1.0)
    assert spec.media_type == "image/png"


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_fix_the_design_size(preset):
    spec = make_spec("slide", "pdf", preset=preset)
    assert (spec.width, spec.height) == PRESETS[preset]


def test_a4_landscape_prints_as_a4_in_points():
    width_pt, height_pt = page_size_pt(make_spec(preset="a4", scale=3, fmt="pdf"))
    assert width_pt == pytest.approx(841.89, abs=1)
    assert height_pt == pytest.approx(595.28, abs=1)


@pytest.mark.parametrize(("size", "scale", "expected"), [
    ((1920, 1080), 1, (1920, 1080)),
    ((1280, 720), 2, (2560, 1440)),
    ((640, 360), 1.5, (960, 540)),
    ((1123, 794), 3, (3369, 2382)),
])
def test_pixel_size_is_design_size_times_scale(size, scale, expected):
    spec = make_spec(preset="custom", width=size[0], height=size[1], scale=scale)
    assert pixel_size(spec) == expected


def test_width_and_height_without_a_preset_mean_custom_and_strings_are_accepted():
    spec = make_spec("daily", "svg", width="800", height="600", scale="2")
    assert (spec.preset, spec.width, spec.height, spec.scale) == ("custom", 800, 600, 2.0)


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"view": "table"}, "view"),
    ({"fmt": "jpeg"}, "format"),
    ({"fmt": None}, "format"),
    ({"preset": "poster"}, "preset"),
    ({"preset": "custom", "width": 800}, "height"),
    ({"width": 199, "height": 600}, "width"),
    ({"width": 800, "height": 4001}, "height"),
    ({"width": "12px", "height": 600}, "width"),
    ({"width": 800.5, "height": 600}, "width"),
    ({"width": float("nan"), "height": 600}, "width"),
    ({"width": True, "height": 600}, "width"),
    ({"scale": 0.5}, "scale"),
    ({"scale": 3.5}, "scale"),
    ({"scale": float("inf")}, "scale"),
    ({"scale": "2; rm -rf /"}, "scale"),
    ({"preset": "slide", "width": 1280}, "width"),
    ({"preset": "custom", "width": 4000, "height": 4000, "scale": 2}, "scale"),
    ({"filename": "../../etc/passwd.png"}, "filename"),
    ({"filename": "/tmp/x.png"}, "filename"),
    ({"filename": ".hidden.png"}, "filename"),
    ({"filename": "map.svg"}, "filename"),
    ({"filename": "a\nb.png"}, "filename"),
])
def test_bad_requests_are_refused_naming_the_parameter(kwargs, param):
    with pytest.raises(ExportRequestError) as info:
        make_spec(**kwargs)
    assert info.value.param == param
    assert str(info.value).startswith(f"{param}: ")


def test_the_pixel_budget_is_enforced_on_the_product():
    make_spec(preset="custom", width=4000, height=4000, scale=1)  # exactly 16 MP: fine
    with pytest.raises(ExportRequestError, match="MP"):
        make_spec(preset="slide", scale=3)  # 5760 × 3240 = 18.7 MP
    assert 4000 * 4000 <= MAX_PIXELS


def test_default_file_names():
    assert default_filename(make_spec(), DAY) == "aleppo-2016-04-30-map.png"
    spec = make_spec("slide", "pdf")
    assert default_filename(spec, DAY, lang="fr", theme="dark", scene=3) == (
        "aleppo-2016-04-30-scene-03-slide-fr-dark.pdf")
    assert briefing_filename() == "aleppo-briefing.pdf"
    assert briefing_filename("fr") == "aleppo-briefing-fr.pdf"


def test_a_chosen_file_name_is_kept_when_safe():
    spec = make_spec("daily", "svg", filename="daily_deaths-v2.svg")
    assert default_filename(spec, DAY) == "daily_deaths-v2.svg"
    assert check_filename("Aleppo.2016.png", "png") == "Aleppo.2016.png"


@pytest.mark.parametrize("argv", [
    ["--view", "table"], ["--format", "gif"], ["--scale", "4"], ["--width", "50"],
    ["--name", "../escape.png"], ["--base-url", "javascript:alert(1)"],
    ["--briefing", "--name", "pack.png"],
])
def test_cli_refuses_bad_requests_with_exit_code_2_and_writes_nothing(argv, tmp_path, capsys):
    from dashboard.export.cli import main

    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    assert "export refused: " in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
