"""Brotli or gzip for what the browser accepts: below a size limit, and Dash's script files
whatever their size, compressed once per process."""

from __future__ import annotations

import flask
from flask_compress import Compress

# Responses up to this size are compressed (callback answers, the outlines, small layouts). A
# big import's layout carries tens of MB of base64 arrays that barely compress and would cost
# a second of CPU per page load, so it goes as it is.
MAX_COMPRESSED_BYTES = 2 * 1024 * 1024

# Dash's component scripts (plotly.js alone is 4.8 MB, 1.4 MB in brotli) are the same bytes for
# the life of the process. They are compressed whatever their size, once per content (their
# ETag) and kept: a few MB for the thirty-odd files, however their URLs are written.
SUITES_PATH = "_dash-component-suites/"


class _ByContent:
    """flask-compress's cache interface (get/set), keyed by the response's ETag."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        self._data[key] = value


def install_compression(server: flask.Flask, routes_prefix: str = "/") -> None:
    """Brotli or gzip (flask-compress) for what the browser accepts: responses up to
    MAX_COMPRESSED_BYTES, and Dash's component scripts at any size (cached by content)."""
    server.config.update(COMPRESS_REGISTER=False, COMPRESS_ALGORITHM=["br", "gzip"],
                         COMPRESS_MIMETYPES=["application/json", "application/geo+json",
                                             "text/html", "text/css", "text/javascript",
                                             "application/javascript", "image/svg+xml"],
                         COMPRESS_BR_LEVEL=4, COMPRESS_LEVEL=6, COMPRESS_MIN_SIZE=1024)
    compress = Compress(server)
    scripts = Compress(server)
    scripts.cache = _ByContent()
    scripts.cache_key = lambda _request: flask.g.suite_etag
    suites = routes_prefix + SUITES_PATH

    @server.after_request
    def _compress(response: flask.Response):
        size = response.content_length
        if response.direct_passthrough or size is None:
            return response
        etag, weak = response.get_etag()
        if flask.request.path.startswith(suites) and etag and not weak:
            flask.g.suite_etag = etag
            return scripts.after_request(response)
        if size > MAX_COMPRESSED_BYTES:
            return response
        return compress.after_request(response)
