"""Security headers (flask-talisman): the Content-Security-Policy, frame and referrer rules,
HTTPS and HSTS when the site is served over https."""

from __future__ import annotations

import dash
from flask_talisman import Talisman

from dashboard.config import Config

# Hosts of the optional basemap tiles (the default basemap needs none).
TILE_HOSTS: tuple[str, ...] = (
    "https://tile.openstreetmap.org",
    "https://*.tile.openstreetmap.org",
    "https://basemaps.cartocdn.com",
    "https://*.basemaps.cartocdn.com",
)


def content_security_policy(app: dash.Dash, config: Config) -> dict[str, list[str] | str]:
    """The Content-Security-Policy for `app` (no 'unsafe-eval': plotly.js and MapLibre run
    without it; tests/test_server.py checks the page in headless Chromium)."""
    return {
        "default-src": "'self'",
        # Dash renders its config and renderer as inline scripts: allow exactly those by hash.
        "script-src": ["'self'", *app.csp_hashes()],
        # MapLibre (plotly map traces) starts its workers from blob: URLs.
        "worker-src": ["'self'", "blob:"],
        # Dash, React and plotly.js set style attributes and inject <style> elements (checked in
        # headless Chromium: without 'unsafe-inline' dcc, the renderer and plotly.js all fail).
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *TILE_HOSTS],
        "font-src": ["'self'", "data:"],
        # The map's incident sources are blob: URLs the page makes (assets/native.js), which
        # MapLibre's worker loads.
        "connect-src": ["'self'", "blob:", *TILE_HOSTS],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": config.frame_ancestors,
    }


def install_headers(app: dash.Dash, config: Config) -> None:
    force_https = config.force_https
    frame_options = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(config.frame_ancestors.strip())
    Talisman(
        app.server,
        content_security_policy=content_security_policy(app, config),
        force_https=force_https,
        # HSTS only makes sense when the site is served over https.
        strict_transport_security=force_https,
        session_cookie_secure=force_https,
        # X-Frame-Options cannot express a list of origins; CSP frame-ancestors does, and
        # browsers that know CSP ignore X-Frame-Options, so send it only when it agrees.
        frame_options=frame_options,
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
    )
