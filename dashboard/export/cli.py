"""`python -m dashboard export`: images of a view, and the briefing pack, from the command line.

    python -m dashboard export --date 2016-04-30 --view map --format png --out DIR
    python -m dashboard export --briefing --out DIR

The page's export menu calls `export_view` / `export_briefing` too, so a file made here and one
made in the browser come from the same code. Exit codes: 0 done, 2 request refused
(the message names the parameter), 1 rendering failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

from dashboard.export.build import (
    SLIDE_CHARTS,
    ExportData,
    build_content,
    build_scene_content,
    describe,
)
from dashboard.export.spec import (
    FORMATS,
    PRESET_NAMES,
    VIEW_KINDS,
    ExportRequestError,
    ExportSpec,
    briefing_filename,
    default_filename,
    make_spec,
)
from dashboard.i18n import format_date
from dashboard.i18n import gettext as _t
from dashboard.view import LANGS, THEMES, WINDOWS, View

# A base URL is written into every image: plain http(s) or a path, nothing that could smuggle
# markup or whitespace into the permalink line.
_BASE_URL_RE = re.compile(r"(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)?/[A-Za-z0-9._~/%-]*")


def check_base_url(base_url: str) -> str:
    """`base_url` if it is an http(s) address or an absolute path; ExportRequestError if not."""
    if not _BASE_URL_RE.fullmatch(base_url or ""):
        raise ExportRequestError(
            "base-url", f"{base_url[:80]!r} is not an http(s) address or a path such as "
                        "https://example.org/aleppo/")
    return base_url


def check_day(day: dt.date | None, first: dt.date, last: dt.date) -> dt.date:
    """The day to export (the last day when None); refused outside the timeline."""
    day = day or last
    if not first <= day <= last:
        raise ExportRequestError("date", f"{day} is outside the timeline ({first} to {last})")
    return day


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
                    progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """One image per scene (as `spec`, a PNG slide by default) and the briefing pack PDF
    (one page per scene, in order). Returns the paths written, the PDF last."""
    from dashboard.export.render import merge_pdfs, render, write_atomic

    spec = spec or make_spec("slide", "png")
    pdf_spec = dataclasses.replace(spec, fmt="pdf", filename=None)
    scenes = sorted(data.dataset.scenes, key=lambda s: int(s.get("scene", 0)))
    if not scenes:
        raise ExportRequestError("briefing", "the dataset has no scenes (geodata/scenes.json)")
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
    first, last = data.days()
    title = _t("Aleppo briefing, {first} to {last}", lang, first=format_date(first, lang),
               last=format_date(last, lang))
    pack = merge_pdfs(pages, title=title, subject="\n\n".join(alts))
    written.append(write_atomic(Path(out_dir) / briefing_filename(lang, theme), pack))
    write_atomic(alt_text_path(written[-1]), "\n\n".join(alts).encode("utf-8"))
    return written


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="day to show, YYYY-MM-DD (default: the last day)")
    parser.add_argument("--view", default=None,
                        help=f"one of {', '.join(VIEW_KINDS)} (default: map; slide with "
                             "--briefing)")
    parser.add_argument("--format", default="png", help=f"one of {', '.join(FORMATS)}")
    parser.add_argument("--preset", default=None,
                        help=f"one of {', '.join(PRESET_NAMES)} (default: slide, or custom "
                             "when --width/--height are given)")
    parser.add_argument("--width", default=None, help="design width in px (200–4000)")
    parser.add_argument("--height", default=None, help="design height in px (200–4000)")
    parser.add_argument("--scale", default="1", help="pixel density, 1–3")
    parser.add_argument("--lang", choices=LANGS, default="en")
    parser.add_argument("--theme", choices=THEMES, default="light")
    parser.add_argument("--window", choices=WINDOWS, default="cumulative",
                        help="cumulative: everything up to the day; day: that day only")
    parser.add_argument("--slide-chart", choices=SLIDE_CHARTS, default="casualties",
                        help="the chart beside the map on a slide")
    parser.add_argument("--name", default=None, help="file name (default: aleppo-DATE-VIEW.EXT)")
    parser.add_argument("--base-url", default=None,
                        help="address of the app, for the permalink (default: from HOST/PORT)")
    parser.add_argument("--briefing", action="store_true",
                        help="export every scene and the briefing pack PDF")
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    return parser


def _load_data() -> tuple[ExportData, object]:
    from dashboard.config import load_config
    from dashboard.runtime import build_runtime

    config = load_config()
    runtime = build_runtime(config)
    data = ExportData(dataset=runtime.dataset, incidents=runtime.incidents,
                      payload=runtime.payload, first_day=runtime.first_day,
                      last_day=runtime.last_day)
    return data, config


def main(argv: list[str] | None = None) -> int:
    """Run the export command; return its exit code."""
    args = _parser().parse_args(argv)
    from dashboard.export.render import ExportError, get_session

    try:
        if args.briefing and args.name:
            raise ExportRequestError("name", "the briefing names its files itself")
        kind = args.view or ("slide" if args.briefing else "map")
        spec = make_spec(kind, args.format, preset=args.preset, width=args.width,
                         height=args.height, scale=args.scale, filename=args.name)
        if args.base_url is not None:
            check_base_url(args.base_url)  # refuse before the (slower) data load
        data, config = _load_data()
        base_url = args.base_url or f"http://{config.host}:{config.port}/"
        get_session(config.export_time_limit_s)
        if args.briefing:
            paths = export_briefing(
                data, args.out, lang=args.lang, theme=args.theme, spec=spec, base_url=base_url,
                progress=lambda i, n: print(f"scene {i}/{n}", file=sys.stderr))
        else:
            view = View(date=args.date, window=args.window, lang=args.lang, theme=args.theme)
            paths = [export_view(data, view, spec, args.out, base_url=base_url,
                                 slide_chart=args.slide_chart)]
    except ExportRequestError as exc:
        print(f"export refused: {exc}", file=sys.stderr)
        return 2
    except (ExportError, OSError) as exc:
        print(f"export failed: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0
