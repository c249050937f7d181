"""Turning a composed figure into file bytes with kaleido and Chromium, and writing files safely.

One headless Chromium per process, started on the first export (so after a gunicorn fork, never
at import) and reused: a warm render skips the ~2 s browser start. If the browser dies, the
render that noticed restarts it once and retries; if a render overruns its time limit, the
browser is killed and the next export starts a new one.

Why not `kaleido.start_sync_server`: its worker thread swallows start-up failures (a missing
Chromium, a bad option) and the caller then waits forever in `Queue.join()`, and it has no
per-call time limit. `BrowserSession` runs the same `Kaleido(mathjax=False)` (no MathJax: no
network) in its own event-loop thread and waits on futures with a timeout instead.
"""

from __future__ import annotations

import asyncio
import atexit
import io
import os
import shutil
import struct
import tempfile
import threading
from concurrent.futures import TimeoutError as FutureTimeoutError
from pathlib import Path

import plotly.graph_objects as go

from dashboard.export.flatmap import flatten_maps
from dashboard.export.scale import to_render
from dashboard.export.spec import ExportSpec, page_size_pt, pixel_size

_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
_DEBIAN_CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT_S = 60.0
DEFAULT_TIME_LIMIT_S = 120.0


class ExportError(RuntimeError):
    """An export could not be rendered (the request itself was valid)."""


class ExportUnavailableError(ExportError):
    """No browser to render with: Chromium is missing or would not start."""


class ExportTimeoutError(ExportError):
    """A render took longer than the time limit; its browser was stopped."""


def find_browser() -> str | None:
    """The Chromium to use: $BROWSER_PATH, else one on PATH, else Debian's; None if none."""
    candidates = [os.environ.get("BROWSER_PATH")]
    candidates += [shutil.which(name) for name in _BROWSER_NAMES] + [_DEBIAN_CHROMIUM]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _browser_died_errors() -> tuple[type[BaseException], ...]:
    """What kaleido raises when Chromium has gone away (found by killing it mid-session):
    ChannelClosedError on the next command; BrowserClosedError/BrowserFailedError around it;
    or the render's task cancelled by kaleido as it notices (CancelledError, seen once in a
    CI run: our own cancel, on a time limit, comes after a TimeoutError instead)."""
    from concurrent.futures import CancelledError

    from choreographer.errors import BrowserClosedError, BrowserFailedError, ChannelClosedError

    return ChannelClosedError, BrowserClosedError, BrowserFailedError, CancelledError


def _render_errors() -> tuple[type[BaseException], ...]:
    """What kaleido raises when plotly.js fails on a figure (the browser itself is fine)."""
    from kaleido.errors import JavascriptError, KaleidoError

    return JavascriptError, KaleidoError


class BrowserSession:
    """A Chromium driven by kaleido from a private event-loop thread. Thread-safe."""

    def __init__(self, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                 browser_path: str | None = None) -> None:
        self.time_limit_s = float(time_limit_s)
        self.browser_path = browser_path
        self.starts = 0  # how many browsers this session has started (restarts show here)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    @property
    def running(self) -> bool:
        """Whether a browser is up (it may still have died since the last render)."""
        return self._kaleido is not None

    def _start(self) -> None:
        import kaleido  # imported late: it is slow to import and only needed here

        path = self.browser_path or find_browser()
        if path is None:
            raise ExportUnavailableError(
                "Chromium not found: install it (apt-get install chromium) or set BROWSER_PATH")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-browser", daemon=True)
        thread.start()

        async def open_browser():
            browser = kaleido.Kaleido(n=1, timeout=self.time_limit_s, mathjax=False, path=path)
            await browser.open()
            return browser

        try:
            browser = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(
                START_TIMEOUT_S)
        except (OSError, RuntimeError, FutureTimeoutError) as exc:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            raise ExportUnavailableError(f"Chromium at {path} did not start: {exc}") from exc
        self._loop, self._thread, self._kaleido = loop, thread, browser
        self.starts += 1

    def _stop(self) -> None:
        """Close the browser (killing it if it hangs) and end the loop thread."""
        loop, thread, browser = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
        except (*_browser_died_errors(), OSError, RuntimeError, FutureTimeoutError):
            pass  # already dead or stuck: the loop is stopped below either way
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)

    def _calc(self, fig: dict, opts: dict) -> bytes:
        future = asyncio.run_coroutine_threadsafe(
            self._kaleido.calc_fig(fig, opts=opts), self._loop)
        try:
            return future.result(self.time_limit_s + 5)
        except FutureTimeoutError:
            future.cancel()
            raise

    def calc(self, fig: dict, opts: dict) -> bytes:
        """Render a figure dict with kaleido options; start or restart the browser as needed."""
        died = _browser_died_errors()
        with self._lock:
            for attempt in (1, 2):
                if self._kaleido is None:
                    self._start()
                try:
                    return self._calc(fig, opts)
                except died as exc:
                    self._stop()
                    if attempt == 2:
                        raise ExportError(f"the browser died twice while rendering: {exc}") \
                            from exc
                except _render_errors() as exc:
                    raise ExportError(f"the figure could not be rendered: {exc}") from exc
                except (FutureTimeoutError, TimeoutError) as exc:
                    self._stop()  # a stuck page would block every later export
                    raise ExportTimeoutError(
                        f"rendering took longer than {self.time_limit_s:g} s") from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the browser; the next `calc` starts a new one."""
        with self._lock:
            self._stop()


_SESSION: BrowserSession | None = None
_SESSION_PID: int | None = None
_SESSION_LOCK = threading.Lock()


def get_session(time_limit_s: float | None = None) -> BrowserSession:
    """This process's browser session, created on first use (and anew in a forked child)."""
    global _SESSION, _SESSION_PID
    with _SESSION_LOCK:
        if _SESSION is None or _SESSION_PID != os.getpid():
            # A session inherited through fork() has no browser thread here: start our own.
            _SESSION = BrowserSession(time_limit_s or DEFAULT_TIME_LIMIT_S)
            _SESSION_PID = os.getpid()
            atexit.register(_SESSION.close)
        elif time_limit_s is not None:
            _SESSION.time_limit_s = float(time_limit_s)
        return _SESSION


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no image library needed)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def _resize_pdf(data: bytes, spec: ExportSpec, title: str | None,
                subject: str | None = None) -> bytes:
    """Give the PDF page the design size in points (A4 stays A4 at any scale), a title and
    the image's description (Subject) when given."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    target_w, _ = page_size_pt(spec)
    for page in writer.pages:
        factor = target_w / float(page.mediabox.width)
        if abs(factor - 1) > 1e-6:
            page.scale_by(factor)
    writer.add_metadata({"/Title": title or "Aleppo situation map", "/Creator": "dashboard",
                         **({"/Subject": subject} if subject else {})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render(fig: go.Figure, spec: ExportSpec, *, title: str | None = None,
           session: BrowserSession | None = None, description: str | None = None,
           flat_maps: bool = True) -> bytes:
    """The bytes of `fig` (already composed at the spec's design size) as spec.fmt.

    A PNG is exactly `pixel_size(spec)`; an SVG says so in its width/height; a PDF page is the
    design size in points. An offline map is drawn as SVG (flatmap.py: the same picture
    without a software-WebGL map, ~9x faster) unless `flat_maps` is False or it has tiles.
    Raises ExportError (or a subclass) when rendering fails.
    """
    fig_dict, opts = to_render(fig, spec)
    if flat_maps:
        fig_dict = flatten_maps(fig_dict, scale=pixel_size(spec)[0] / spec.width
                                if opts["scale"] == 1 else 1.0)
    data = (session or get_session()).calc(fig_dict, opts)
    if spec.fmt == "png":
        if png_size(data) != pixel_size(spec):
            raise ExportError(f"rendered {png_size(data)} px, expected {pixel_size(spec)}")
    elif spec.fmt == "pdf":
        data = _resize_pdf(data, spec, title, description)
    return data


def merge_pdfs(pages: list[bytes], title: str | None = None,
               subject: str | None = None) -> bytes:
    """One PDF from several (the briefing pack: one page per scene, in order)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in pages:
        writer.append(PdfReader(io.BytesIO(data)))
    if title:
        writer.add_metadata({"/Title": title, "/Creator": "dashboard",
                             **({"/Subject": subject} if subject else {})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` so that readers see the old file or the whole new one, never
    part of it: write a temporary file in the same folder, fsync it, then os.replace."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp's 0600 would hide the export from the web server
        os.replace(tmp_name, target)
    except BaseException:
        # Also on KeyboardInterrupt/SystemExit: never leave the partial file behind.
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
