"""Real rendering through kaleido and Chromium: sizes, formats, content, browser restarts.

One browser serves the whole module (a module-scoped session), so the renders take seconds,
not a browser start each. Without Chromium these tests skip locally and FAIL in CI (CI set).
"""

from __future__ import annotations

import io
import os
import struct
import xml.etree.ElementTree as ET
import zlib

import plotly.graph_objects as go
import psutil
import pytest
from pypdf import PdfReader

from dashboard.export import render as render_module
from dashboard.export.compose import ExportMeta, compose_figure
from dashboard.export.render import (
    BrowserSession,
    ExportUnavailableError,
    find_browser,
    merge_pdfs,
    png_size,
    render,
    write_atomic,
)
from dashboard.export.spec import make_spec, page_size_pt, pixel_size

STYLE = {
    "version": 8,
    "sources": {"empty": {"type": "geojson",
                          "data": {"type": "FeatureCollection", "features": []}}},
    "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#fff"}}],
}
MARKER = (213, 94, 0)  # #D55E00, the test map's marker colour
META = ExportMeta(title="Aleppo, 30 April 2016", subtitle="Incidents up to 30 April 2016",
                  sources="Sources: AFP, SOHR", permalink="http://example.org/?date=2016-04-30",
                  caption="Caption.")


def figures() -> dict[str, go.Figure]:
    fig_map = go.Figure(go.Scattermap(lat=[36.2], lon=[37.15], mode="markers", name="Air raid",
                                      marker={"size": 40, "color": "#D55E00"}))
    fig_map.update_layout(map={"style": STYLE, "center": {"lat": 36.2, "lon": 37.15},
                               "zoom": 11})
    chart = go.Figure([go.Bar(x=["22 Apr", "23 Apr"], y=[3, 5], name="SOHR")])
    return {"map": fig_map, "chart": chart}


@pytest.fixture(scope="module")
def session():
    if find_browser() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the export tests in CI (apt-get install "
                        "chromium)")
        pytest.skip("Chromium not installed")
    browser = BrowserSession(time_limit_s=60)
    yield browser
    browser.close()


def png_pixels(data: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and the unfiltered pixel rows of an 8-bit RGB(A) PNG."""
    width, height = png_size(data)
    bit_depth, colour_type = data[24], data[25]
    assert bit_depth == 8 and colour_type in (2, 6)
    bpp = 3 if colour_type == 2 else 4
    idat, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def pixel(pixels: tuple, x: int, y: int) -> tuple[int, int, int]:
    width, _, bpp, rows = pixels
    i = (y * width + x) * bpp
    return tuple(rows[i:i + 3])


@pytest.mark.parametrize("kind", ["map", "casualties", "slide"])
def test_png_is_exactly_the_pixel_size_and_shows_the_map(session, kind):
    spec = make_spec(kind, "png", preset="custom", width=640, height=360, scale=2)
    fig = compose_figure(kind, figures(), META, spec)
    data = render(fig, spec, session=session)
    assert png_size(data) == pixel_size(spec) == (1280, 720)
    pixels = png_pixels(data)
    colours = {pixel(pixels, x, y) for x in range(0, 1280, 7) for y in range(0, 720, 7)}
    assert len(colours) > 10  # text, legend and plot, not a blank page
    if kind in ("map", "slide"):
        dom = fig.layout.map.domain
        x = round((dom.x[0] + dom.x[1]) / 2 * 1280)
        y = round((1 - (dom.y[0] + dom.y[1]) / 2) * 720)
        assert max(abs(p - q) for p, q in zip(pixel(pixels, x, y), MARKER)) < 40


@pytest.mark.parametrize("kind", ["map", "daily", "slide"])
def test_svg_has_the_pixel_size(session, kind):
    spec = make_spec(kind, "svg", preset="hd", scale=1.5)
    data = render(compose_figure(kind, figures(), META, spec), spec, session=session)
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert (float(root.get("width")), float(root.get("height"))) == (1920, 1080)
    assert b"Aleppo, 30 April 2016" in data


@pytest.mark.parametrize("kind", ["map", "casualties", "slide"])
def test_pdf_page_has_the_design_size_in_points(session, kind):
    spec = make_spec(kind, "pdf", preset="a4", scale=2)
    data = render(compose_figure(kind, figures(), META, spec), spec, session=session,
                  title="Aleppo, 30 April 2016")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(page_size_pt(spec), abs=0.5)
    assert reader.metadata.title == "Aleppo, 30 April 2016"
    pack = PdfReader(io.BytesIO(merge_pdfs([data, data, data], title="pack")))
    assert len(pack.pages) == 3


def test_a_dead_browser_is_replaced_on_the_next_export(session):
    spec = make_spec("daily", "png", preset="hd")
    fig = compose_figure("daily", figures(), META, spec)
    render(fig, spec, session=session)
    starts = session.starts
    # The browser's main process: a chromium whose parent is not chromium.
    browsers = [p for p in psutil.Process().children(recursive=True)
                if p.name().startswith("chrom") and not p.parent().name().startswith("chrom")]
    assert len(browsers) == 1
    browsers[0].kill()
    browsers[0].wait(10)
    assert png_size(render(fig, spec, session=session)) == (1280, 720)
    assert session.starts == starts + 1


def test_a_missing_browser_is_a_clear_error_not_a_hang():
    broken = BrowserSession(browser_path="/nonexistent/chromium")
    with pytest.raises(ExportUnavailableError, match="nonexistent"):
        broken.calc({"data": [], "layout": {}}, {"format": "png"})


def test_write_atomic_replaces_whole_files_and_leaves_nothing_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out" / "aleppo-2016-04-30-map.png"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"

    def killed(*_args):
        raise KeyboardInterrupt  # as if the export were stopped between write and rename

    monkeypatch.setattr(render_module.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"third, never seen")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == [target.name]
