"""The timeline payload as its own HTTP resource: packed typed arrays behind a content hash.

Why: put in the page layout as base64 JSON, the payload made the layout 41.5 MB at a million
events, sent on every page load and too big to compress in time. As a resource it is built and
compressed once per process, sent once per browser (immutable, content-hash URL, ETag) and
decoded in the browser straight into typed arrays (assets/timeline.js `load`): no base64, no
JSON parse of the arrays. The page carries only `reference()`, a few hundred bytes.

Body layout (all little-endian):
    b"ATLP" | u32 header bytes | header (UTF-8 JSON) | zero padding to 8 | arrays
The header is the payload (timeline.build_timeline_payload) with every {"dtype", "bdata"}
array replaced by {"dtype", "offset", "length"}: `length` elements of `dtype` at byte
`offset` from the start of the body, every offset a multiple of 8 (so the browser can view the
buffer as any typed array without copying).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
import threading
from dataclasses import dataclass, field

import numpy as np

from dashboard.timeline import decode_array

MAGIC = b"ATLP"
ROUTE = "/data/timeline-<digest>.bin"
MIMETYPE = "application/octet-stream"
CACHE_SECONDS = 365 * 24 * 3600
_ALIGN = 8
# Compressed once per process (before gunicorn forks): brotli at the level the server uses for
# its other responses (a million events, ~30 MB raw, in about a second) and gzip for browsers
# without brotli.
BROTLI_QUALITY = 4
GZIP_LEVEL = 6


def _pad(n: int) -> int:
    return -n % _ALIGN


def pack_payload(payload: dict) -> bytes:
    """The payload as one binary body (see the module docstring)."""
    blobs: list[bytes] = []
    offset = 0

    def place(spec: dict) -> dict:
        nonlocal offset
        raw = decode_array(spec).tobytes()
        entry = {"dtype": spec["dtype"], "offset": offset,
                 "length": len(raw) // np.dtype(spec["dtype"]).itemsize}
        blobs.append(raw + b"\0" * _pad(len(raw)))
        offset += len(raw) + _pad(len(raw))
        return entry

    header = {k: v for k, v in payload.items() if k not in ("arrays", "cells")}
    header["arrays"] = {key: place(spec) for key, spec in payload["arrays"].items()}
    cells = payload.get("cells")
    header["cells"] = None if cells is None else {
        **cells, "lat": place(cells["lat"]), "lon": place(cells["lon"])}
    # Offsets so far count from the first array; the arrays start after the header, whose
    # room allows each offset up to 12 more digits once shifted (then padded to 8).
    entries = [*header["arrays"].values(),
               *([header["cells"]["lat"], header["cells"]["lon"]] if cells else [])]
    first = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    room = len(first) + 12 * len(entries)
    room += _pad(len(MAGIC) + 4 + room)
    for entry in entries:
        entry["offset"] += len(MAGIC) + 4 + room
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (room - len(text))  # JSON allows trailing whitespace
    return b"".join([MAGIC, struct.pack("<I", room), text, *blobs])


def unpack_payload(body: bytes) -> dict:
    """The inverse of `pack_payload`, arrays as read-only numpy views of `body`."""
    if body[:4] != MAGIC:
        raise ValueError("not a timeline payload")
    (size,) = struct.unpack_from("<I", body, 4)
    header = json.loads(body[8:8 + size])

    def view(entry: dict) -> np.ndarray:
        dtype = np.dtype(entry["dtype"]).newbyteorder("<")
        return np.frombuffer(body, dtype=dtype, count=entry["length"], offset=entry["offset"])

    header["arrays"] = {key: view(e) for key, e in header["arrays"].items()}
    if header.get("cells"):
        header["cells"] = {**header["cells"], "lat": view(header["cells"]["lat"]),
                           "lon": view(header["cells"]["lon"])}
    return header


@dataclass
class PayloadResource:
    """One payload's body, its digest and its compressed forms (made on first request)."""

    body: bytes
    payload_id: str
    digest: str = ""
    _encoded: dict[str, bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self):
        if not self.digest:
            self.digest = hashlib.sha256(self.body).hexdigest()[:20]

    @property
    def path(self) -> str:
        return ROUTE.replace("<digest>", self.digest)

    def encoded(self, encoding: str) -> bytes:
        """The body in `encoding` ("br", "gzip" or "identity"), compressed once."""
        if encoding == "identity":
            return self.body
        with self._lock:
            if encoding not in self._encoded:
                if encoding == "br":
                    import brotli

                    self._encoded[encoding] = brotli.compress(self.body, quality=BROTLI_QUALITY)
                elif encoding == "gzip":
                    self._encoded[encoding] = gzip.compress(self.body, GZIP_LEVEL, mtime=0)
                else:
                    raise ValueError(f"unknown encoding {encoding!r}")
            return self._encoded[encoding]

    def warm(self) -> None:
        """Compress every form now (before gunicorn forks: the workers then share them)."""
        for encoding in ("br", "gzip"):
            self.encoded(encoding)


def build_resource(payload: dict) -> PayloadResource:
    """The resource for a payload (timeline.build_timeline_payload)."""
    return PayloadResource(body=pack_payload(payload), payload_id=payload["id"])


def reference(resource: PayloadResource, url: str) -> dict:
    """What the page carries instead of the payload: its id, where to fetch it and its size."""
    return {"id": resource.payload_id, "url": url, "bytes": len(resource.body)}


def page_reference() -> dict:
    """The reference for this process's payload, its URL relative to the app's prefix."""
    import dash

    from dashboard.runtime import get_runtime

    resource = get_runtime().payload_resource
    return reference(resource, dash.get_relative_path(resource.path))


def _choose_encoding(resource: PayloadResource, accept) -> str:
    """The smaller of br and gzip that the request accepts (q=0 refuses), else the body as
    it is. (Packed floats: gzip -6 can beat brotli -4, 10.5 against 11.6 MB at 1M events.)"""
    accepted = [e for e in ("br", "gzip") if accept[e] > 0]
    if not accepted:
        return "identity"
    return min(accepted, key=lambda e: len(resource.encoded(e)))


def register(app) -> None:
    """GET /data/timeline-<digest>.bin: this process's payload, cacheable for a year."""
    import flask

    from dashboard.runtime import get_runtime

    def timeline_data(digest: str):
        resource = get_runtime().payload_resource
        if digest != resource.digest:
            flask.abort(404)  # another data version: the page that asked is out of date
        request = flask.request
        encoding = _choose_encoding(resource, request.accept_encodings)
        etag = resource.digest if encoding == "identity" else f"{resource.digest}-{encoding}"
        if request.if_none_match.contains(etag):
            response = flask.Response(status=304)
        else:
            response = flask.Response(resource.encoded(encoding), mimetype=MIMETYPE)
            if encoding != "identity":
                response.headers["Content-Encoding"] = encoding
        response.set_etag(etag)
        response.headers["Vary"] = "Accept-Encoding"
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
        response.cache_control.immutable = True
        return response

    app.server.add_url_rule(ROUTE, "timeline_data", timeline_data, methods=["GET"])
    _preload_in_index(app)


def preload_tag(url: str) -> str:
    """A <link rel=preload> for the payload: the browser fetches it while it loads the
    scripts, before Dash asks for the layout (assets/timeline.js `preload` picks it up)."""
    from html import escape

    return (f'<link rel="preload" href="{escape(url)}" as="fetch" crossorigin="anonymous" '
            'data-timeline-payload>')


def _preload_in_index(app) -> None:
    """Add `preload_tag` to the page's <head> (after Dash's own meta tags)."""
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        try:
            tag = preload_tag(page_reference()["url"])
        except Exception:  # noqa: BLE001 - data not loaded: /readyz says why; the page loads
            tag = ""
        kwargs["metas"] = kwargs.get("metas", "") + tag
        return original(**kwargs)

    app.interpolate_index = interpolate_index
