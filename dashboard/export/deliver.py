"""Making export files: a still of a view, the briefing (images + PDF pack), the briefing as a
PowerPoint deck, and the timeline as a video. The command line (cli.py) and the page's export
job (dashboard/callbacks/export.py) both call these, so a file made in either place comes
from the same code. Each writes atomically into `out_dir` and returns what it wrote; a
`progress(i, n)` callback hears about every scene or day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from dashboard.export.build import (
    ExportData,
    build_content,
    build_scene_content,
    describe,
    shown_categories,
    subtitle,
)
from dashboard.export.links import check_base_url
from dashboard.export.spec import (
    ExportRequestError,
    ExportSpec,
    briefing_filename,
    default_filename,
    make_spec,
)
from dashboard.i18n import format_date, is_rtl
from dashboard.i18n import gettext as _t
from dashboard.view import View

Progress = Callable[[int, int], None]


def check_day(day: dt.date | None, first: dt.date, last: dt.date) -> dt.date:
    """The day to export (the last day when None); refused outside the timeline."""
    day = day or last
    if not first <= day <= last:
        raise ExportRequestError("date", f"{day} is outside the timeline ({first} to {last})")
    return day


def _scenes(data: ExportData) -> list[dict]:
    scenes = sorted(data.dataset.scenes, key=lambda s: int(s.get("scene", 0)))
    if not scenes:
        raise ExportRequestError("briefing", "the dataset has no scenes (geodata/scenes.json)")
    return scenes


def _pack_title(data: ExportData, lang: str) -> str:
    first, last = data.days()
    return _t("Aleppo briefing, {first} to {last}", lang, first=format_date(first, lang),
              last=format_date(last, lang))


def export_view(data: ExportData, view: View, spec: ExportSpec, out_dir: Path, *,
                base_url: str = "/", slide_chart: str = "casualties") -> Path:
    """Render `view` as `spec` and write it (atomically) into `out_dir`; return the path."""
    from dashboard.export.render import render, write_atomic

    first, last = data.days()
    view = dataclasses.replace(view, date=check_day(view.date, first, last))
    content = build_content(data, view, spec.view, base_url=check_base_url(base_url),
                            slide_chart=slide_chart)
    alt = describe(data, content)
    image = render(content.figure(spec), spec, title=content.meta.title, description=alt)
    name = default_filename(spec, content.day, lang=view.lang, theme=view.theme)
    path = write_atomic(Path(out_dir) / name, image)
    write_atomic(alt_text_path(path), alt.encode("utf-8"))
    return path


def alt_text_path(image: Path) -> Path:
    """Where an image's text description goes: beside it, `<name>.txt`."""
    return image.with_name(image.name + ".txt")


def export_briefing(data: ExportData, out_dir: Path, *, lang: str = "en", theme: str = "light",
                    spec: ExportSpec | None = None, base_url: str = "/",
                    progress: Progress | None = None) -> list[Path]:
    """One image per scene (as `spec`, a PNG slide by default) and the briefing pack PDF
    (one page per scene, in order). Returns the paths written, the PDF last."""
    from dashboard.export.render import merge_pdfs, render, write_atomic

    spec = spec or make_spec("slide", "png")
    pdf_spec = dataclasses.replace(spec, fmt="pdf", filename=None)
    scenes = _scenes(data)
    written, pages, alts = [], [], []
    for i, scene in enumerate(scenes, start=1):
        content = build_scene_content(data, scene, len(scenes), lang=lang, theme=theme,
                                      kind=spec.view, base_url=check_base_url(base_url))
        figure = content.figure(spec)
        alt = describe(data, content)
        image = render(figure, spec, title=content.meta.title, description=alt)
        name = default_filename(dataclasses.replace(spec, filename=None), content.day,
                                lang=lang, theme=theme, scene=int(scene["scene"]))
        written.append(write_atomic(Path(out_dir) / name, image))
        write_atomic(alt_text_path(written[-1]), alt.encode("utf-8"))
        alts.append(alt)
        pages.append(image if spec.fmt == "pdf" else
                     render(figure, pdf_spec, title=content.meta.title, description=alt))
        if progress is not None:
            progress(i, len(scenes))
    pack = merge_pdfs(pages, title=_pack_title(data, lang), subject="\n\n".join(alts))
    written.append(write_atomic(Path(out_dir) / briefing_filename(lang, theme), pack))
    write_atomic(alt_text_path(written[-1]), "\n\n".join(alts).encode("utf-8"))
    return written


def deck_filename(lang: str = "en", theme: str = "light") -> str:
    """`aleppo-briefing.pptx` (plus language and theme when not the defaults)."""
    return briefing_filename(lang, theme).removesuffix(".pdf") + ".pptx"


def export_deck(data: ExportData, out_dir: Path, *, lang: str = "en", theme: str = "light",
                base_url: str = "/", progress: Progress | None = None) -> Path:
    """The briefing as a PowerPoint deck: one 16:9 slide per scene (see deck.py)."""
    from dashboard.export.deck import DeckSlide, build_deck, source_lines, speaker_notes
    from dashboard.export.render import render, write_atomic
    from dashboard.figures.theme import surface

    spec = make_spec("slide", "png", preset="slide")
    scenes = _scenes(data)
    first, _last = data.days()
    slides = []
    for i, scene in enumerate(scenes, start=1):
        content = build_scene_content(data, scene, len(scenes), lang=lang, theme=theme,
                                      kind="slide", base_url=check_base_url(base_url))
        meta = content.meta
        # The title becomes the slide's own title placeholder, so the still leaves it out.
        untitled = dataclasses.replace(content, meta=dataclasses.replace(meta, title=""))
        image = render(untitled.figure(spec), spec, title=meta.title)
        view = content.view
        alt = _t("{title}. Map: {map}. Chart: {chart}. {caption}", lang, title=meta.title,
                 map=subtitle("map", view, content.day, first),
                 chart=subtitle("casualties", view, content.day, first), caption=meta.caption)
        notes = speaker_notes(
            caption=meta.caption, day=content.day, permalink=meta.permalink, lang=lang,
            sources=source_lines(scene.get("source_ids") or (), data.dataset.sources, lang))
        slides.append(DeckSlide(title=meta.title, image_png=image, alt_text=alt.strip(),
                                notes=notes, title_colour=surface(theme)["text"],
                                rtl=is_rtl(lang)))
        if progress is not None:
            progress(i, len(scenes))
    deck = build_deck(slides, title=_pack_title(data, lang))
    return write_atomic(Path(out_dir) / deck_filename(lang, theme), deck)


def export_video(data: ExportData, spec, out_dir: Path, *, lang: str = "en",
                 theme: str = "light", base_url: str = "/", slide_chart: str = "casualties",
                 progress: Progress | None = None) -> Path:
    """The timeline from `spec.first` to `spec.last` as a video (a `VideoSpec`), one
    rendered still per day; `progress(i, n)` after each day's render."""
    from dashboard.export.render import render, write_atomic
    from dashboard.export.video import encode_video, video_filename

    base_url = check_base_url(base_url)
    days = spec.days
    views = [View(date=day, window=spec.window, lang=lang, theme=theme) for day in days]
    # One legend for the whole video: entries coming and going would make it jump.
    legend = set().union(*(shown_categories(data, view) for view in views))

    def frames():
        for view in views:
            content = build_content(data, view, spec.frame.view, base_url=base_url,
                                    slide_chart=slide_chart, legend_categories=legend)
            yield render(content.figure(spec.frame), spec.frame, title=content.meta.title)

    def on_frame(i: int) -> None:
        if progress is not None:
            progress(i, len(days))

    video = encode_video(frames(), spec, on_frame)
    return write_atomic(Path(out_dir) / video_filename(spec, lang=lang, theme=theme), video)


__all__ = ["check_day", "deck_filename", "export_briefing", "export_deck",
           "export_video", "export_view"]
