"""Permalinks on exports: PUBLIC_URL (validated), the page's host, never 127.0.0.1."""

from __future__ import annotations

import pytest

from dashboard.config import ConfigError, load_config
from dashboard.export.build import ExportData, build_content
from dashboard.export.links import (
    RELATIVE_BASE,
    check_base_url,
    is_loopback,
    permalink_base,
    permalink_line,
)
from dashboard.export.spec import ExportRequestError


@pytest.mark.parametrize(("raw", "clean"), [
    ("https://example.org/aleppo", "https://example.org/aleppo/"),
    ("http://maps.example.org:8080/", "http://maps.example.org:8080/"),
    (" https://example.org ", "https://example.org/"),
    ("", None),
])
def test_public_url_is_read_and_normalised(raw, clean):
    assert load_config({"PUBLIC_URL": raw}).public_url == clean
    assert load_config({}).public_url is None


@pytest.mark.parametrize("raw", ["example.org", "ftp://example.org/", "https://example.org/?a=1",
                                 "https://user@example.org/", "javascript:alert(1)",
                                 "https://exa mple.org/", "https://example.org/#top",
                                 "https://example.org/<b>"])
def test_a_bad_public_url_is_refused_naming_the_variable(raw):
    with pytest.raises(ConfigError, match="^PUBLIC_URL="):
        load_config({"PUBLIC_URL": raw})


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("app.localhost", True),
    ("[::1]", True), ("0.0.0.0", True), ("10.0.0.5", False), ("example.org", False)])
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_public_url_wins_then_the_page_host_then_a_relative_link():
    public = "https://example.org/aleppo/"
    assert permalink_base(public, "http://10.0.0.5:8050/?date=2016-04-30") == public
    assert permalink_base(None, "http://10.0.0.5:8050/?date=2016-04-30") == \
        "http://10.0.0.5:8050/"
    assert permalink_base(None, "https://maps.example.org/aleppo/?x=1#y") == \
        "https://maps.example.org/aleppo/"
    for href in ("http://127.0.0.1:8050/", "http://localhost/", None, 42, "nonsense",
                 "javascript:alert(1)", "http://ex<ample.org/"):
        assert permalink_base(None, href) == RELATIVE_BASE


def test_a_relative_permalink_says_how_to_make_it_full():
    line = permalink_line("/?date=2016-04-30", "en")
    assert line.startswith("/?date=2016-04-30 (") and "PUBLIC_URL" in line
    assert "PUBLIC_URL" in permalink_line("/?date=2016-04-30", "fr")
    assert permalink_line("https://example.org/?date=2016-04-30", "en") == \
        "https://example.org/?date=2016-04-30"


def test_base_urls_given_on_the_command_line_are_checked():
    assert check_base_url("https://example.org/aleppo/") == "https://example.org/aleppo/"
    with pytest.raises(ExportRequestError) as info:
        check_base_url("javascript:alert(1)")
    assert info.value.param == "base-url"


def test_exports_carry_the_public_link_or_the_relative_one_never_loopback():
    import datetime as dt

    from dashboard.data.load import load_dataset
    from dashboard.view import View

    data = ExportData(dataset=load_dataset())
    view = View(date=dt.date(2016, 4, 27))
    local = build_content(data, view, "map",
                          base_url=permalink_base(None, "http://127.0.0.1:8050/")).meta
    assert local.permalink.startswith("/?date=2016-04-27")
    assert "127.0.0.1" not in local.permalink and "PUBLIC_URL" in local.permalink
    public = build_content(data, view, "map", base_url=permalink_base(
        "https://example.org/aleppo/", "http://127.0.0.1:8050/")).meta
    assert public.permalink == "https://example.org/aleppo/?date=2016-04-27"
