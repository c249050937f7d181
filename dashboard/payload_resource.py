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
