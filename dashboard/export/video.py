"""The timeline as a video: what a request may ask for (`make_video_spec`) and the encoding of
rendered frames (`encode_video`). Frames are PNG stills from the export path (deliver.py
renders them); this module only checks requests and turns PNGs into a file.

Encoders are libraries, not code of ours: PyAV (FFmpeg's libx264 / libvpx) for MP4 and WebM,
Pillow for GIF. MP4 is H.264 in yuv420p with even width and height, `+faststart`, so
PowerPoint, Keynote and every browser play it. Each day is one still held for
`seconds_per_day`: MP4 and WebM repeat it (`frames_per_day` = fps × seconds, constant frame
rate, which players and slide software handle best); a GIF stores it once with that duration
(its frames carry their own delay), on one palette shared by all frames so colours do not
flicker from day to day.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from dashboard.export.spec import (
    FILE_PREFIX,
    ExportRequestError,
    ExportSpec,
    _number,
    make_spec,
    pixel_size,
)

VIDEO_FORMATS: tuple[str, ...] = ("mp4", "gif", "webm")
VIDEO_VIEWS: tuple[str, ...] = ("map", "slide")
MEDIA_TYPES: dict[str, str] = {"mp4": "video/mp4", "gif": "image/gif", "webm": "video/webm"}
DEFAULT_FPS = 5
MIN_FPS, MAX_FPS = 1, 30
MIN_DAY_S, MAX_DAY_S = 0.2, 10.0
# Every day is one render (~1–2 s warm): three months is a few minutes of work.
MAX_DAYS = 92
# 4K UHD: the largest frame H.264's common levels (and PowerPoint) play.
MAX_VIDEO_PIXELS = 3840 * 2160
# A GIF is 256 colours and uncompressed-ish: beyond HD it only grows.
MAX_GIF_PIXELS = 1280 * 720
_BT709, _LIMITED_RANGE = 1, 1  # FFmpeg's AVCOL_*_BT709 and AVCOL_RANGE_MPEG
_CODECS = {"mp4": ("libx264", {"crf": "20", "preset": "medium", "tune": "stillimage"}),
           "webm": ("libvpx-vp9", {"crf": "32", "b": "0", "deadline": "good",
                                   "cpu-used": "4", "row-mt": "1"})}


@dataclass(frozen=True)
class VideoSpec:
    """One validated video export: format, days (inclusive), timing, and the frame's spec."""

    fmt: str
    first: dt.date
    last: dt.date
    frame: ExportSpec  # the still every frame is rendered as (PNG, map or slide)
    window: str = "cumulative"
    fps: int = DEFAULT_FPS
    seconds_per_day: float = 1.0

    @property
    def days(self) -> list[dt.date]:
        """Every day shown, in order (both ends included)."""
        return [self.first + dt.timedelta(days=i)
                for i in range((self.last - self.first).days + 1)]

    @property
    def frames_per_day(self) -> int:
        """Frames stored per day: a GIF stores each day once, with its duration."""
        if self.fmt == "gif":
            return 1
        return max(1, round(self.fps * self.seconds_per_day))

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the file's frames (even, for yuv420p)."""
        width, height = pixel_size(self.frame)
        if self.fmt == "gif":
            return width, height
        return width - width % 2, height - height % 2

    @property
    def media_type(self) -> str:
        """The MIME type of the file."""
        return MEDIA_TYPES[self.fmt]


def _day(param: str, value: object, default: dt.date) -> dt.date:
    if value is None or value == "":
        return default
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ExportRequestError(param, f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)") \
            from None


def make_video_spec(fmt: object, timeline: tuple[dt.date, dt.date], *, first: object = None,
                    last: object = None, fps: object = None, seconds_per_day: object = 1.0,
                    window: object = "cumulative", view: object = "map",
                    preset: object | None = None, width: object | None = None,
                    height: object | None = None, scale: object = 1) -> VideoSpec:
    """Validate a video request against the timeline's days; `ExportRequestError` names the
    parameter at fault. No dates means the whole timeline; a GIF defaults to 1280×720."""
    if not isinstance(fmt, str) or fmt.strip().lower() not in VIDEO_FORMATS:
        raise ExportRequestError("format", f"unknown video format {fmt!r}; choose one of "
                                           f"{', '.join(VIDEO_FORMATS)}")
    fmt = fmt.strip().lower()
    if view not in VIDEO_VIEWS:
        raise ExportRequestError("view", f"a video shows the map or the slide, not {view!r}")
    if window not in ("day", "cumulative"):
        raise ExportRequestError("window", f"unknown window {window!r}; choose day or "
                                           "cumulative")
    start, end = _day("from", first, timeline[0]), _day("to", last, timeline[1])
    for param, day in (("from", start), ("to", end)):
        if not timeline[0] <= day <= timeline[1]:
            raise ExportRequestError(param, f"{day} is outside the timeline ({timeline[0]} to "
                                            f"{timeline[1]})")
    if end < start:
        raise ExportRequestError("to", f"{end} is before the first day {start}")
    if (end - start).days + 1 > MAX_DAYS:
        raise ExportRequestError("to", f"{(end - start).days + 1} days; a video shows at most "
                                       f"{MAX_DAYS} days")
    rate = _number("fps", DEFAULT_FPS if fps is None or fps == "" else fps)
    if rate != int(rate) or not MIN_FPS <= rate <= MAX_FPS:
        raise ExportRequestError("fps", f"{rate:g} is not a whole number from {MIN_FPS} to "
                                        f"{MAX_FPS}")
    hold = _number("seconds-per-day", seconds_per_day)
    if not MIN_DAY_S <= hold <= MAX_DAY_S:
        raise ExportRequestError("seconds-per-day", f"{hold:g} s is out of range; allowed "
                                                    f"{MIN_DAY_S:g}–{MAX_DAY_S:g} s")
    if preset is None and width is None and height is None and fmt == "gif":
        preset = "hd"
    frame = make_spec(view, "png", preset=preset, width=width, height=height, scale=scale)
    px_w, px_h = pixel_size(frame)
    limit = MAX_GIF_PIXELS if fmt == "gif" else MAX_VIDEO_PIXELS
    if px_w * px_h > limit:
        raise ExportRequestError("scale", f"{px_w}×{px_h} px is too large for {fmt.upper()}; "
                                          f"at most {limit / 1e6:.1f} MP per frame")
    return VideoSpec(fmt=fmt, first=start, last=end, frame=frame, window=str(window),
                     fps=int(rate), seconds_per_day=hold)


def video_filename(spec: VideoSpec, *, lang: str = "en", theme: str = "light") -> str:
    """`aleppo-2016-04-22-to-2016-05-08-map.mp4` (plus language and theme when not default)."""
    parts = [FILE_PREFIX, spec.first.isoformat(), "to", spec.last.isoformat(), spec.frame.view]
    parts += [lang] if lang != "en" else []
    parts += [theme] if theme != "light" else []
    return "-".join(parts) + f".{spec.fmt}"


def _image(png: bytes, size: tuple[int, int]):
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.size != size:  # an odd side loses its last pixel row/column (yuv420p)
        image = image.crop((0, 0, *size))
    return image


def _encode_av(frames: Iterable[bytes], spec: VideoSpec,
               progress: Callable[[int], None] | None) -> bytes:
    codec, options = _CODECS[spec.fmt]
    # A real file: +faststart (the index first, so playback starts before the download ends)
    # rewrites it by name, which an in-memory buffer cannot do.
    with tempfile.TemporaryDirectory(prefix="video-") as tmp:
        path = Path(tmp) / f"video.{spec.fmt}"
        _encode_to(path, frames, spec, progress, codec, options)
        return path.read_bytes()


def _encode_to(path: Path, frames: Iterable[bytes], spec: VideoSpec,
               progress: Callable[[int], None] | None, codec: str, options: dict) -> None:
    import av

    container_options = {"movflags": "+faststart"} if spec.fmt == "mp4" else {}
    with av.open(str(path), mode="w", format=spec.fmt, options=container_options) as container:
        stream = container.add_stream(codec, rate=spec.fps, options=options)
        stream.width, stream.height = spec.size
        stream.pix_fmt = "yuv420p"
        stream.gop_size = max(1, spec.fps * 2)  # a key frame every 2 s: players can seek
        # Converted and tagged as BT.709 (limited range), what players assume for HD video:
        # untagged, the marker colours would shift a little from the stills'.
        context = stream.codec_context
        context.colorspace = context.color_primaries = context.color_trc = _BT709
        context.color_range = _LIMITED_RANGE
        index = 0
        for i, png in enumerate(frames, start=1):
            frame = av.VideoFrame.from_image(_image(png, spec.size)).reformat(
                format="yuv420p", dst_colorspace="ITU709")
            frame.time_base = Fraction(1, spec.fps)
            for _ in range(spec.frames_per_day):
                frame.pts, index = index, index + 1  # one frame period each
                container.mux(stream.encode(frame))
            if progress is not None:
                progress(i)
        container.mux(stream.encode(None))  # flush the encoder's delayed frames


def _encode_gif(frames: Iterable[bytes], spec: VideoSpec,
                progress: Callable[[int], None] | None) -> bytes:
    from PIL import Image

    stills = []
    for i, png in enumerate(frames, start=1):
        stills.append(png)  # kept compressed; the palette needs every day before encoding
        if progress is not None:
            progress(i)
    images = [_image(png, spec.size) for png in stills]
    # One palette from a strip of the first, middle and last days: the legend, the map and
    # the markers of every day share it, so nothing changes colour between frames.
    samples = [images[0], images[len(images) // 2], images[-1]]
    width, height = samples[0].size
    strip = Image.new("RGB", (width, height * len(samples)))
    for k, image in enumerate(samples):
        strip.paste(image, (0, k * height))
    palette = strip.quantize(256, method=Image.Quantize.MEDIANCUT)
    paletted = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    out = io.BytesIO()
    paletted[0].save(out, format="GIF", save_all=True, append_images=paletted[1:], loop=0,
                     duration=round(1000 * spec.seconds_per_day), disposal=1, optimize=False)
    return out.getvalue()


def encode_video(frames: Iterable[bytes], spec: VideoSpec,
                 progress: Callable[[int], None] | None = None) -> bytes:
    """The video file made of `frames` (one PNG per day, in order); `progress(i)` after the
    i-th day is in."""
    encode = _encode_gif if spec.fmt == "gif" else _encode_av
    return encode(frames, spec, progress)


def duration_s(spec: VideoSpec) -> float:
    """How long the video plays, in seconds."""
    if spec.fmt == "gif":
        return len(spec.days) * spec.seconds_per_day
    return len(spec.days) * spec.frames_per_day / spec.fps

