"""Exports in Arabic: the slide's words are in the SVG and the PDF as shaped Arabic text, laid
out right to left, with a text description beside the image and in the PDF (issue 14)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from dashboard.export.bidi import FSI, PDI, isolate, isolate_figure
from dashboard.export.build import ExportData, build_content, describe
from dashboard.export.deliver import alt_text_path, export_view
from dashboard.export.render import BrowserSession, find_browser, render
from dashboard.export.spec import make_spec
from dashboard.view import View

DAY = dt.date(2016, 4, 27)


def test_isolate_wraps_arabic_lines_only():
    assert isolate("Sources: AFP") == "Sources: AFP"
    assert isolate("22 نيسان") == f"{FSI}22 نيسان{PDI}"
    assert isolate("حلب<br>AFP<br />المصادر") == f"{FSI}حلب{PDI}<br>AFP<br />{FSI}المصادر{PDI}"
    figure = {"layout": {"annotations": [{"text": "حلب", "x": 1}],
                         "xaxis": {"ticktext": ["22 نيسان"], "tickvals": [0]}},
              "data": [{"name": "SOHR", "customdata": ["حلب"]}]}
    out = isolate_figure(figure)
    assert out["layout"]["annotations"][0]["text"] == f"{FSI}حلب{PDI}"
    assert out["layout"]["xaxis"]["ticktext"] == [f"{FSI}22 نيسان{PDI}"]
    assert out["data"][0] == {"name": "SOHR", "customdata": ["حلب"]}  # data values untouched


@pytest.fixture(scope="module")
def session():
    if find_browser() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the export tests in CI")
        pytest.skip("Chromium not installed")
    browser = BrowserSession(time_limit_s=120)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def data():
    from dashboard.data.load import load_dataset

    return ExportData(dataset=load_dataset())


def _plain(text: str) -> str:
    """Arabic as a reader sees it: presentation forms folded, isolates dropped."""
    return unicodedata.normalize("NFKC", text).replace(FSI, "").replace(PDI, "")


def test_arabic_slide_svg_and_pdf_carry_shaped_right_aligned_text(data, session, tmp_path,
                                                                  monkeypatch):
    from dashboard.export import render as render_module

    monkeypatch.setattr(render_module, "get_session", lambda *a, **k: session)
    view = View(date=DAY, lang="ar")
    path = export_view(data, view, make_spec("slide", "svg"), tmp_path, base_url="http://x/")
    root = ET.fromstring(path.read_bytes())
    texts = [(el, _plain("".join(el.itertext()))) for el in root.iter()
             if el.tag.endswith("}text")]
    joined = "\n".join(t for _, t in texts)
    assert "حلب، 27 نيسان 2016" in joined  # the title
    assert "المصادر: AFP" in joined and "السكري" in joined  # sources line, a map label
    title = next(el for el, t in texts if t.startswith("حلب، 27 نيسان"))
    assert title.get("text-anchor") == "end"  # right-aligned
    alt = alt_text_path(path).read_text(encoding="utf-8")
    assert alt.startswith("حلب، 27 نيسان 2016\n") and "الحوادث المعروضة على الخريطة" in alt

    content = build_content(data, view, "slide", base_url="http://x/")
    pdf = render(content.figure(make_spec("slide", "pdf")), make_spec("slide", "pdf"),
                 title=content.meta.title, description=describe(data, content),
                 session=session)
    reader = PdfReader(io.BytesIO(pdf))
    text = _plain(reader.pages[0].extract_text())
    # PDF text may come out in visual order: accept a word or its mirror.
    assert re.search("حلب|بلح", text) and re.search("نيسان|ناسين", text), text[:300]
    assert "الحوادث المعروضة على الخريطة" in reader.metadata["/Subject"]
