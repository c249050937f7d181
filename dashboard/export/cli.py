"""`python -m dashboard export`: images of a view, the briefing pack or deck, and the timeline
as a video, from the command line.

    python -m dashboard export --date 2016-04-30 --view map --format png --out DIR
    python -m dashboard export --briefing --out DIR                 # PNG per scene + PDF pack
    python -m dashboard export --briefing --format pptx --out DIR   # PowerPoint deck
    python -m dashboard export --animate --from 2016-04-22 --to 2016-05-08 --format mp4 --out DIR

The files are made by dashboard/export/deliver.py, which the page's export menu calls too.
The permalink printed on exports starts with PUBLIC_URL (or --base-url); without either it is
relative ("/?date=...") and says so, never this machine's 127.0.0.1. Exit codes: 0 done,
2 request refused (the message names the parameter), 1 rendering failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from dashboard.export.build import SLIDE_CHARTS, ExportData
from dashboard.export.deliver import export_briefing, export_deck, export_video, export_view
from dashboard.export.links import check_base_url, permalink_base
from dashboard.export.spec import FORMATS, PRESET_NAMES, VIEW_KINDS, ExportRequestError, make_spec
from dashboard.export.video import VIDEO_FORMATS, make_video_spec
from dashboard.view import LANGS, THEMES, WINDOWS, View

DECK_FORMAT = "pptx"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="day to show, YYYY-MM-DD (default: the last day)")
    parser.add_argument("--view", default=None,
                        help=f"one of {', '.join(VIEW_KINDS)} (default: map; slide with "
                             "--briefing)")
    parser.add_argument("--format", default=None,
                        help=f"one of {', '.join(FORMATS)} (default png); with --briefing also "
                             f"{DECK_FORMAT}; with --animate one of {', '.join(VIDEO_FORMATS)} "
                             "(default mp4)")
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
                        help="address of the app, for the permalink (default: PUBLIC_URL; "
                             "without it the permalink is relative and says so)")
    parser.add_argument("--briefing", action="store_true",
                        help="export every scene and the briefing pack PDF (or, with "
                             "--format pptx, the PowerPoint deck)")
    parser.add_argument("--animate", action="store_true",
                        help="the timeline as a video, one day after another")
    parser.add_argument("--from", dest="first", default=None,
                        help="first day of the video, YYYY-MM-DD (default: the first day)")
    parser.add_argument("--to", dest="last", default=None,
                        help="last day of the video, YYYY-MM-DD (default: the last day)")
    parser.add_argument("--fps", default=None, help="video frames per second, 1-30 (default 5)")
    parser.add_argument("--seconds-per-day", default="1",
                        help="how long each day stays on screen, 0.2-10 s (default 1)")
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    return parser


def _load_data() -> tuple[ExportData, object]:
    from dashboard.config import load_config
    from dashboard.runtime import build_runtime

    config = load_config()
    runtime = build_runtime(config)
    data = runtime.export_data()
    return data, config


def _refuse_mixed(args) -> None:
    """Options that do not go together, refused before the (slower) data load."""
    if args.briefing and args.animate:
        raise ExportRequestError("animate", "choose --briefing or --animate, not both")
    if (args.briefing or args.animate) and args.name:
        raise ExportRequestError("name", "the briefing and videos name their files themselves")
    if not args.animate:
        for option, value in (("from", args.first), ("to", args.last), ("fps", args.fps)):
            if value is not None:
                raise ExportRequestError(option, f"--{option} goes with --animate")
    if args.format == DECK_FORMAT and not args.briefing:
        raise ExportRequestError("format", "pptx is the briefing deck: add --briefing")
    if args.format == DECK_FORMAT and args.view not in (None, "slide"):
        raise ExportRequestError("view", "a deck is made of slides; leave --view out")
    if args.animate and args.date is not None:
        raise ExportRequestError("date", "a video runs --from one day --to another")
    if args.base_url is not None:
        check_base_url(args.base_url)


def _run(args) -> list[Path]:
    from dashboard.export.render import get_session

    _refuse_mixed(args)
    deck = args.briefing and args.format == DECK_FORMAT
    kind = args.view or ("slide" if args.briefing else "map")
    spec = None
    if not args.animate:
        spec = make_spec(kind, "png" if deck else (args.format or "png"), preset=args.preset,
                         width=args.width, height=args.height, scale=args.scale,
                         filename=args.name)
    data, config = _load_data()
    base_url = args.base_url or permalink_base(config.public_url)
    get_session(config.export_time_limit_s)

    def progress(unit: str):
        return lambda i, n: print(f"{unit} {i}/{n}", file=sys.stderr)

    if args.animate:
        video = make_video_spec(args.format or "mp4", data.days(), first=args.first,
                                last=args.last, fps=args.fps,
                                seconds_per_day=args.seconds_per_day, window=args.window,
                                view=kind, preset=args.preset, width=args.width,
                                height=args.height, scale=args.scale)
        return [export_video(data, video, args.out, lang=args.lang, theme=args.theme,
                             base_url=base_url, slide_chart=args.slide_chart,
                             progress=progress("day"))]
    if deck:
        return [export_deck(data, args.out, lang=args.lang, theme=args.theme,
                            base_url=base_url, progress=progress("scene"))]
    if args.briefing:
        return export_briefing(data, args.out, lang=args.lang, theme=args.theme, spec=spec,
                               base_url=base_url, progress=progress("scene"))
    view = View(date=args.date, window=args.window, lang=args.lang, theme=args.theme)
    return [export_view(data, view, spec, args.out, base_url=base_url,
                        slide_chart=args.slide_chart)]


def main(argv: list[str] | None = None) -> int:
    """Run the export command; return its exit code."""
    args = _parser().parse_args(argv)
    from dashboard.config import ConfigError
    from dashboard.export.render import ExportError

    try:
        paths = _run(args)
    except (ExportRequestError, ConfigError) as exc:
        print(f"export refused: {exc}", file=sys.stderr)
        return 2
    except (ExportError, OSError) as exc:
        print(f"export failed: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0
