"""Where the permalink burnt into an export points: one rule for the page and the command line.

1. `PUBLIC_URL` (dashboard/config.py) when it is set: the address people open the app at.
2. In the page, without it: the address the viewer opened, unless that is this machine.
3. Otherwise a relative link ("/?date=…&scene=3") with a note saying to set PUBLIC_URL. An
   export is made to be shown to others, and a 127.0.0.1 link opens nothing on their computers;
   a relative query still reopens the view when pasted after the app's address.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from dashboard.export.spec import ExportRequestError
from dashboard.i18n import gettext as _t

RELATIVE_BASE = "/"
# A base URL is written into every image: plain http(s) or a path, nothing that could smuggle
# markup or whitespace into the permalink line.
_BASE_URL_RE = re.compile(r"(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)?/[A-Za-z0-9._~/%-]*")


def check_base_url(base_url: str) -> str:
    """`base_url` if it is an http(s) address or an absolute path; ExportRequestError if not."""
    if not _BASE_URL_RE.fullmatch(base_url or ""):
        raise ExportRequestError(
            "base-url", f"{str(base_url)[:80]!r} is not an http(s) address or a path such as "
                        "https://example.org/aleppo/")
    return base_url


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (localhost, 127.0.0.0/8, ::1, 0.0.0.0)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def permalink_base(public_url: str | None, href: object = None) -> str:
    """The base of export permalinks: PUBLIC_URL, else the page's own address (`href`) when it
    is reachable by others, else RELATIVE_BASE."""
    if public_url:
        return check_base_url(public_url)
    parts = urlsplit(href if isinstance(href, str) else "")
    if parts.scheme in ("http", "https") and parts.hostname and not is_loopback(parts.hostname):
        candidate = f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
        if _BASE_URL_RE.fullmatch(candidate):
            return candidate
    return RELATIVE_BASE


def is_relative(url: str) -> bool:
    """Whether a permalink lacks a scheme and host (it only works after the app's address)."""
    return not urlsplit(url).scheme


def permalink_line(url: str, lang: str) -> str:
    """The permalink as printed on an export: a relative one says how to make it absolute."""
    if is_relative(url):
        return _t("{link} (after the app's address; set PUBLIC_URL for a full link)", lang,
                  link=url)
    return url
