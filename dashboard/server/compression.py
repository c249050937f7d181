"""Brotli or gzip for what the browser accepts, below a size limit."""

from __future__ import annotations

import flask
from flask_compress import Compress

# Responses up to this size are compressed (callback answers, the outlines, small layouts). A
# big import's layout carries tens of MB of base64 arrays that barely compress and would cost
# a second of CPU per page load, so it goes as it is.
MAX_COMPRESSED_BYTES = 2 * 1024 * 1024


def install_compression(server: flask.Flask) -> None:
    """Brotli or gzip (flask-compress) for what the browser accepts, below a size limit."""
    server.config.update(COMPRESS_REGISTER=False, COMPRESS_ALGORITHM=["br", "gzip"],
                         COMPRESS_MIMETYPES=["application/json", "application/geo+json",
                                             "text/html", "text/css", "text/javascript",
                                             "application/javascript", "image/svg+xml"],
                         COMPRESS_BR_LEVEL=4, COMPRESS_LEVEL=6, COMPRESS_MIN_SIZE=1024)
    compress = Compress(server)

    @server.after_request
    def _compress(response: flask.Response):
        size = response.content_length
        if response.direct_passthrough or size is None or size > MAX_COMPRESSED_BYTES:
            return response
        return compress.after_request(response)
