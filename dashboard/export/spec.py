"""What an export request asks for: which view, which format, what size. Pure and validated.

Everything a person (web form, URL or command line) can ask for passes through `make_spec`,
which either returns a clean, frozen `ExportSpec` or raises `ExportRequestError` naming the
parameter at fault. Nothing here touches a browser or a file.

Sizes are in CSS pixels ("design size"); `scale` multiplies them into the pixel size of the
image (`pixel_size`). A PDF page keeps the design size at 96 px per inch (0.75 pt per px), so
the A4 preset prints as A4 whatever the scale.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace

VIEW_KINDS: tuple[str, ...] = ("map", "casualties", "daily", "slide")
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
MEDIA_TYPES: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}

# Design sizes in CSS px. A4 landscape is 297 × 210 mm, i.e. 1122.5 × 793.7 px at 96 dpi.
PRESETS: dict[str, tuple[int, int]] = {
    "slide": (1920, 1080),
    "hd": (1280, 720),
    "a4": (1123, 794),
}
CUSTOM = "custom"
PRESET_NAMES: tuple[str, ...] = (*PRESETS, CUSTOM)

MIN_SIDE, MAX_SIDE = 200, 4000
MIN_SCALE, MAX_SCALE = 1.0, 3.0
# Chromium and the PNG encoder cope with more, but a bigger image only costs memory and time
# on a shared server; 16 MP is a 4K slide at scale 2 with room to spare.
MAX_PIXELS = 16_000_000
PT_PER_PX = 0.75

FILE_PREFIX = "aleppo"
# A file name a person may choose: plain characters, no path separators, no leading dot.
_SAFE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,119}")


class ExportRequestError(ValueError):
    """A request the export engine refuses; `param` names the parameter at fault."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class ExportSpec:
    """One validated export: view kind, format, design size and scale, and the file name."""

    view: str = "map"
    fmt: str = "png"
    preset: str = "slide"
    width: int = 1920
    height: int = 1080
    scale: float = 1.0
    filename: str | None = None  # None: the default name from `default_filename`

    @property
    def media_type(self) -> str:
        """The MIME type of the file this spec produces."""
        return MEDIA_TYPES[self.fmt]


def pixel_size(spec: ExportSpec) -> tuple[int, int]:
    """The exact pixel width and height of the rendered image (design size × scale)."""
    return round(spec.width * spec.scale), round(spec.height * spec.scale)


def page_size_pt(spec: ExportSpec) -> tuple[float, float]:
    """The PDF page size in points: the design size at 96 px per inch, whatever the scale."""
    return spec.width * PT_PER_PX, spec.height * PT_PER_PX


def _choice(param: str, value: object, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.strip().lower() not in options:
        raise ExportRequestError(param, f"unknown {param} {value!r}; choose one of "
                                        f"{', '.join(options)}")
    return value.strip().lower()


def _number(param: str, value: object) -> float:
    """A finite number from an int, float or plain decimal string (as forms send them)."""
    if isinstance(value, bool):
        raise ExportRequestError(param, f"not a number: {value!r}")
    if isinstance(value, str):
        if not re.fullmatch(r"\s*[0-9]+(\.[0-9]+)?\s*", value):
            raise ExportRequestError(param, f"not a number: {value[:40]!r}")
        value = float(value)
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ExportRequestError(param, f"not a number: {value!r}")
    return float(value)


def _side(param: str, value: object) -> int:
    number = _number(param, value)
    if number != int(number):
        raise ExportRequestError(param, f"must be a whole number of pixels, not {number:g}")
    if not MIN_SIDE <= number <= MAX_SIDE:
        raise ExportRequestError(
            param, f"{number:g} px is out of range; allowed {MIN_SIDE}–{MAX_SIDE} px")
    return int(number)


def check_filename(name: str, fmt: str) -> str:
    """Return `name` if it is a safe, plain file name ending in `.fmt`; raise otherwise.

    Refuses anything path-like (separators, `..`, a leading dot or dash, control characters)
    so a requested name can never write outside the export folder.
    """
    if not isinstance(name, str) or not _SAFE_NAME_RE.fullmatch(name) or ".." in name:
        raise ExportRequestError(
            "filename", f"unsafe file name {str(name)[:60]!r}: use letters, digits, '.', '_' "
                        "and '-' only (no folders)")
    if not name.lower().endswith(f".{fmt}"):
        raise ExportRequestError("filename", f"file name {name!r} must end in .{fmt}")
    return name


def make_spec(
    view: object = "map",
    fmt: object = "png",
    *,
    preset: object | None = None,
    width: object | None = None,
    height: object | None = None,
    scale: object = 1,
    filename: object | None = None,
) -> ExportSpec:
    """Validate an export request and return its `ExportSpec`.

    A named preset fixes the size (a different width or height alongside it is refused); with
    no preset, a given width and height mean "custom", and nothing given means "slide".
    Raises `ExportRequestError` naming the first parameter at fault.
    """
    view_kind = _choice("view", view, VIEW_KINDS)
    file_format = _choice("format", fmt, FORMATS)
    if preset is None or preset == "":
        preset = CUSTOM if (width is not None or height is not None) else "slide"
    preset_name = _choice("preset", preset, PRESET_NAMES)
    if preset_name == CUSTOM:
        if width is None or height is None:
            raise ExportRequestError(
                "width" if width is None else "height",
                "a custom size needs both width and height")
        size = (_side("width", width), _side("height", height))
    else:
        size = PRESETS[preset_name]
        for param, given, fixed in (("width", width, size[0]), ("height", height, size[1])):
            if given is not None and _side(param, given) != fixed:
                raise ExportRequestError(
                    param, f"{given} px conflicts with preset {preset_name!r} "
                           f"({size[0]}×{size[1]}); use preset 'custom' for another size")
    factor = _number("scale", scale)
    if not MIN_SCALE <= factor <= MAX_SCALE:
        raise ExportRequestError(
            "scale", f"{factor:g} is out of range; allowed {MIN_SCALE:g}–{MAX_SCALE:g}")
    spec = ExportSpec(view=view_kind, fmt=file_format, preset=preset_name,
                      width=size[0], height=size[1], scale=factor)
    px_w, px_h = pixel_size(spec)
    if px_w * px_h > MAX_PIXELS:
        raise ExportRequestError(
            "scale", f"{px_w}×{px_h} px is {px_w * px_h / 1e6:.1f} MP; at most "
                     f"{MAX_PIXELS / 1e6:g} MP per image (lower the scale or the size)")
    if filename is not None and filename != "":
        spec = replace(spec, filename=check_filename(filename, file_format))
    return spec


def default_filename(
    spec: ExportSpec,
    day: dt.date,
    *,
    lang: str = "en",
    theme: str = "light",
    scene: int | None = None,
) -> str:
    """The file name for an export: `aleppo-2016-04-30-map.png`.

    A scene number, a language other than English and the dark theme are added
    (`aleppo-2016-04-27-scene-03-slide-fr-dark.png`) so exports of the same day never
    overwrite each other.
    """
    if spec.filename:
        return spec.filename
    parts = [FILE_PREFIX, day.isoformat()]
    if scene is not None:
        parts.append(f"scene-{int(scene):02d}")
    parts.append(spec.view)
    if lang != "en":
        parts.append(lang)
    if theme != "light":
        parts.append(theme)
    return check_filename("-".join(parts) + f".{spec.fmt}", spec.fmt)


def briefing_filename(lang: str = "en", theme: str = "light") -> str:
    """The file name of the briefing pack PDF: `aleppo-briefing.pdf` (plus language/theme)."""
    parts = [FILE_PREFIX, "briefing"]
    if lang != "en":
        parts.append(lang)
    if theme != "light":
        parts.append(theme)
    return "-".join(parts) + ".pdf"
