"""The briefing as a PowerPoint deck: read back with python-pptx, and converted to PDF by
LibreOffice headless (as Impress opens it), one page per slide."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches
from pypdf import PdfReader

from dashboard.export.deck import DeckSlide, build_deck, source_lines, speaker_notes


def png(colour: tuple[int, int, int], size=(320, 180)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


SLIDES = [DeckSlide(title="A divided city", image_png=png((240, 240, 235)),
                    alt_text="Map: the city's control.", notes="Caption one.\n\nDate: 22 April"),
          DeckSlide(title="Al-Quds hospital", image_png=png((30, 30, 40)),
                    alt_text="Map: the hospital.", notes="Caption two.", title_colour="#eeeeee")]


def find_soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (make test-deps installs "
                        "libreoffice-impress)")
        pytest.skip("LibreOffice not installed (make test-deps)")
    return path


def to_pdf(pptx_path, out_dir) -> PdfReader:
    """Convert with LibreOffice headless (a private profile, so parallel runs do not clash)."""
    profile = (out_dir / "lo-profile").as_uri()
    result = subprocess.run(
        [find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(out_dir), str(pptx_path)],
        capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    pdf = out_dir / (pptx_path.stem + ".pdf")
    assert pdf.exists(), result.stdout + result.stderr
    return PdfReader(pdf)


def test_one_widescreen_slide_per_item_with_title_picture_alt_text_and_notes():
    deck = Presentation(io.BytesIO(build_deck(SLIDES, title="Aleppo briefing")))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    assert deck.core_properties.title == "Aleppo briefing"
    assert len(deck.slides) == 2
    for slide, expected in zip(deck.slides, SLIDES, strict=True):
        assert slide.shapes.title.text == expected.title
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        picture = pictures[0]
        assert (picture.width, picture.height) == (deck.slide_width, deck.slide_height)
        assert picture._element.nvPicPr.cNvPr.get("descr") == expected.alt_text
        # The picture is behind the title (earlier in the shape tree).
        assert list(slide.shapes).index(picture) < list(slide.shapes).index(slide.shapes.title)
        assert slide.notes_slide.notes_text_frame.text == expected.notes
    dark_title = deck.slides[1].shapes.title.text_frame.paragraphs[0].runs[0].font
    assert str(dark_title.color.rgb) == "EEEEEE" and dark_title.bold


def test_an_empty_deck_is_refused():
    with pytest.raises(ValueError):
        build_deck([], title="x")


def test_source_lines_and_notes_name_publisher_title_date_and_address():
    sources = pd.DataFrame({
        "source_id": ["a", "b"], "publisher": ["AFP", "MSF"],
        "title": ["Strikes on Aleppo", "Hospital destroyed"], "date": ["2016-04-28", pd.NA],
        "url": ["https://example.org/a", pd.NA]}).set_index("source_id")
    lines = source_lines(["b", "a", "missing", "a"], sources, "en")
    assert lines == ["MSF, “Hospital destroyed”, no public address",
                     "AFP, “Strikes on Aleppo”, 28 April 2016, https://example.org/a"]
    notes = speaker_notes(caption="The hospital is hit.", day=dt.date(2016, 4, 27),
                          sources=lines, permalink="https://example.org/?scene=4", lang="fr")
    assert notes.splitlines()[0] == "The hospital is hit."
    assert "Date : 27 avril 2016" in notes
    assert "• MSF, “Hospital destroyed”" in notes
    assert notes.endswith("Lien permanent : https://example.org/?scene=4")


def test_libreoffice_opens_the_deck_and_prints_one_page_per_slide(tmp_path):
    path = tmp_path / "deck.pptx"
    path.write_bytes(build_deck(SLIDES * 2, title="Aleppo briefing"))
    reader = to_pdf(path, tmp_path)
    assert len(reader.pages) == 4
    text = reader.pages[1].extract_text()
    assert "Al-Quds hospital" in text
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert width / height == pytest.approx(16 / 9, rel=0.01)


# --- end to end: the briefing's scenes rendered through the export path ----------------------


@pytest.fixture(scope="module")
def two_scene_data():
    from dashboard.data.load import load_dataset
    from tests.test_export_video import real_export_data

    scenes = sorted(load_dataset().scenes, key=lambda s: int(s["scene"]))[2:4]
    return real_export_data(scenes=tuple(scenes)), scenes


def test_briefing_deck_from_the_scenes(two_scene_data, tmp_path):
    from dashboard.export.deliver import export_deck

    data, scenes = two_scene_data
    progress = []
    path = export_deck(data, tmp_path, lang="en", base_url="https://example.org/aleppo/",
                       progress=lambda i, n: progress.append((i, n)))
    assert path.name == "aleppo-briefing.pptx" and progress == [(1, 2), (2, 2)]
    deck = Presentation(str(path))
    assert [s.shapes.title.text for s in deck.slides] == [s["title_en"] for s in scenes]
    sources = data.dataset.sources
    for slide, scene in zip(deck.slides, scenes, strict=True):
        picture = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        image = Image.open(io.BytesIO(picture.image.blob))
        assert image.size == (1920, 1080)
        assert len(image.convert("RGB").getcolors(1 << 20) or ()) > 50  # a map, not a blank
        assert scene["caption_en"][:40] in picture._element.nvPicPr.cNvPr.get("descr")
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.startswith(scene["caption_en"])
        assert f"Date: {pd.Timestamp(scene['date']):%-d %B %Y}" in notes
        first = sources.loc[scene["source_ids"][0]]
        assert str(first["publisher"]) in notes and str(first["title"]) in notes
        assert "Permalink: https://example.org/aleppo/?" in notes
        assert f"scene={scene['scene']}" in notes
    reader = to_pdf(path, tmp_path)
    assert len(reader.pages) == 2
    assert scenes[0]["title_en"] in reader.pages[0].extract_text()


def test_arabic_deck_has_arabic_titles_right_aligned_and_arabic_notes(two_scene_data,
                                                                      tmp_path):
    from pptx.enum.text import PP_ALIGN

    from dashboard.export.deliver import export_deck

    data, scenes = two_scene_data
    path = export_deck(data, tmp_path, lang="ar", base_url="https://example.org/aleppo/")
    deck = Presentation(str(path))
    for slide, scene in zip(deck.slides, scenes, strict=True):
        title = slide.shapes.title.text_frame.paragraphs[0]
        assert title.text == scene["title_ar"] and title.alignment == PP_ALIGN.RIGHT
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.startswith(scene["caption_ar"])
        # Syrian month names, Western digits (dashboard/i18n.py).
        assert any(month in notes for month in ("نيسان", "أيار"))
        assert "https://example.org/aleppo/?" in notes and "lang=ar" in notes


def test_cli_deck_refusals_name_the_parameter(tmp_path, capsys):
    from dashboard.export.cli import main

    for argv, param in ((["--format", "pptx"], "format"),
                        (["--briefing", "--format", "pptx", "--view", "map"], "view")):
        assert main([*argv, "--out", str(tmp_path)]) == 2
        assert capsys.readouterr().err.startswith(f"export refused: {param}:")
    assert list(tmp_path.iterdir()) == []


def test_page_deck_job_with_public_url(make_serving_app, tmp_path):
    """The page's "Briefing deck" button: a background job with progress per scene, a .pptx
    whose notes link to PUBLIC_URL (one scene kept, so the test renders one slide)."""
    import base64
    import json

    from dashboard import ids
    from dashboard.config import DEFAULT_GEODATA
    from tests.test_export_jobs import export_payload, run_export_over_http

    geodata = tmp_path / "geodata"
    shutil.copytree(DEFAULT_GEODATA, geodata)
    scenes = json.loads((geodata / "scenes.json").read_text(encoding="utf-8"))
    (geodata / "scenes.json").write_text(json.dumps(scenes[:1]), encoding="utf-8")
    app = make_serving_app(GEODATA_DIR=geodata, PUBLIC_URL="https://maps.example.org/aleppo",
                           EXPORT_TIME_LIMIT=300)
    client = app.server.test_client()
    payload = export_payload(client)
    payload["changedPropIds"] = [f"{ids.EXPORT_DECK_BUTTON}.n_clicks"]
    response, progress = run_export_over_http(client, payload, timeout=240)
    assert response[ids.EXPORT_STATUS]["children"] == "Ready: aleppo-briefing.pptx"
    deck = Presentation(io.BytesIO(base64.b64decode(
        response[ids.EXPORT_DOWNLOAD]["data"]["content"])))
    assert [s.shapes.title.text for s in deck.slides] == [scenes[0]["title_en"]]
    notes = deck.slides[0].notes_slide.notes_text_frame.text
    assert "Permalink: https://maps.example.org/aleppo/?" in notes and "127.0.0.1" not in notes
    # Progress per scene: the job reports it as it goes, but a one-slide deck can finish
    # between two polls of the page (the still's map is drawn as SVG: ~1 s), so the report
    # itself is checked where it is made.
    from dashboard.export.deliver import export_deck
    from tests.test_export_video import real_export_data

    seen: list = []
    export_deck(real_export_data(scenes=tuple(scenes[:1])), tmp_path / "direct",
                progress=lambda i, n: seen.append((i, n)))
    assert seen == [(1, 1)]
    assert progress and all("Error" not in str(p) for p in progress), progress
