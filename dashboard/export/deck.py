"""The briefing as a PowerPoint deck (python-pptx): one 16:9 slide per scene.

Each slide is the scene's still (rendered by the export path, without its title line) laid
over the whole slide, with the scene's title as the slide's real title placeholder, placed
where the still leaves room for it: the deck's outline reads as the story, the title is
editable, and the slide looks like the page of the PDF pack. The picture carries a text
description (alt text) and the speaker notes hold the caption, the date, the sources
(publisher, title, date, address) and the permalink.

The deck is written from python-pptx's own default template, which PowerPoint, Keynote and
LibreOffice Impress open without a repair prompt (a test converts it with LibreOffice).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5  # PowerPoint's own 16:9 ("Widescreen")
# Where the still's title line is (dashboard/export/compose.py's bands at 1920×1080 design
# px: a 32 px margin and a 44 px bold title, line height 1.3): the title placeholder goes
# there, in the same size, so the slide reads like the PDF page.
_DESIGN_W, _MARGIN_PX, _TITLE_PX = 1920, 32, 44
_TITLE_LAYOUT = 5  # "Title Only" in python-pptx's default template


@dataclass(frozen=True)
class DeckSlide:
    """What one slide shows: the title, the still (PNG), its alt text, the notes."""

    title: str
    image_png: bytes
    alt_text: str
    notes: str
    title_colour: str = "#1a1a1a"  # the still's text colour (light or dark theme)
    rtl: bool = False  # a right-to-left language: the title starts at the right


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#")[:6].upper())


def _add_slide(prs, slide: DeckSlide) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu, Pt

    page = prs.slides.add_slide(prs.slide_layouts[_TITLE_LAYOUT])
    picture = page.shapes.add_picture(io.BytesIO(slide.image_png), 0, 0,
                                      width=prs.slide_width, height=prs.slide_height)
    picture.name = "Scene image"
    # The description screen readers and PowerPoint's "Alt Text" pane read.
    picture._element.nvPicPr.cNvPr.set("descr", slide.alt_text)
    # The picture was added last; behind the title it must go (first in the shape tree, after
    # the group's two property elements). python-pptx has no public call for z-order.
    tree = page.shapes._spTree
    tree.remove(picture._element)
    tree.insert(2, picture._element)

    emu_per_px = prs.slide_width / _DESIGN_W
    title = page.shapes.title
    title.left = title.top = Emu(round(_MARGIN_PX * emu_per_px))
    title.width = Emu(round(prs.slide_width - 2 * _MARGIN_PX * emu_per_px))
    title.height = Emu(round(1.3 * _TITLE_PX * emu_per_px))
    frame = title.text_frame
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.word_wrap = True
    frame.text = slide.title
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT if slide.rtl else PP_ALIGN.LEFT
    font = paragraph.runs[0].font
    font.size = Pt(round(_TITLE_PX * emu_per_px / 12700))
    font.bold = True
    font.color.rgb = _rgb(slide.title_colour)
    page.notes_slide.notes_text_frame.text = slide.notes


def build_deck(slides: list[DeckSlide], *, title: str, author: str = "") -> bytes:
    """The .pptx bytes: one 16:9 slide per item of `slides`, in order."""
    from pptx import Presentation
    from pptx.util import Inches

    if not slides:
        raise ValueError("a deck needs at least one slide")
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    for slide in slides:
        _add_slide(prs, slide)
    prs.core_properties.title = title
    prs.core_properties.author = author or "Aleppo situation map"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _cell(row, key: str) -> str:
    """A table cell as text; missing values (None, NaN, pandas' NA) read as ""."""
    import pandas as pd

    value = row.get(key)
    return "" if value is None or pd.isna(value) else str(value).strip()


def source_lines(source_ids, sources, lang: str) -> list[str]:
    """One line per cited source: publisher, "title", date, address (in the order cited)."""
    from dashboard.i18n import format_date
    from dashboard.i18n import gettext as _t

    table = sources.set_index("source_id") if "source_id" in sources.columns else sources
    lines = []
    for sid in dict.fromkeys(source_ids):  # each once, first citation first
        if sid not in table.index:
            continue
        row = table.loc[sid]
        publisher, title, date, url = (_cell(row, key) for key in
                                       ("publisher", "title", "date", "url"))
        try:
            date = format_date(date, lang) if date else ""
        except ValueError:
            pass  # a partial date ("2016-04") stays as written
        parts = [publisher, f"“{title}”" if title else "", date,
                 url or _t("no public address", lang)]
        lines.append(", ".join(p for p in parts if p))
    return lines


def speaker_notes(*, caption: str, day, sources: list[str], permalink: str, lang: str) -> str:
    """The notes under a slide: caption, date, sources, permalink (labelled, translated)."""
    from dashboard.i18n import format_date
    from dashboard.i18n import gettext as _t

    blocks = [caption] if caption else []
    blocks.append(_t("Date: {date}", lang, date=format_date(day, lang)))
    if sources:
        blocks.append("\n".join([_t("Sources:", lang), *(f"• {line}" for line in sources)]))
    blocks.append(_t("Permalink: {link}", lang, link=permalink))
    return "\n\n".join(blocks)
