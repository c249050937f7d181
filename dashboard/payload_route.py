"""The timeline payload's route and the page's pointer to it (dashboard/payload_resource.py packs
the data; this module serves this process's, so the packing itself knows nothing of the app)."""

from __future__ import annotations

from dashboard.payload_resource import (
    CACHE_SECONDS,
    MIMETYPE,
    ROUTE,
    PayloadResource,
    reference,
)
from dashboard.runtime import get_runtime


def page_reference() -> dict:
    """The reference for this process's payload, its URL relative to the app's prefix."""
    import dash


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
    """Add `preload_tag` to the page's <head>."""
    from dashboard.server.preload import add_to_head

    def tag() -> str:
        try:
            return preload_tag(page_reference()["url"])
        except Exception:  # noqa: BLE001 - data not loaded: /readyz says why; the page loads
            return ""

    add_to_head(app, tag)
