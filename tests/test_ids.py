"""Every component id lives in dashboard/ids.py: the stylesheets and the browser code use only
ids defined there (the browser reads them from `window.dash_clientside.ids`, served by the app
before assets/*.js), and no Python module types an id by hand."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard import ids

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
DEFINED = ids.all_ids()


def _css_selectors(text: str) -> str:
    """The selector parts of a stylesheet (declarations and comments removed)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return " ".join(re.findall(r"([^{}]*)\{", text))


def _js_strings(text: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
    return [a or b for a, b in re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', text)]


def test_ids_are_unique():
    values = list(DEFINED.values())
    assert len(values) == len(set(values)), [v for v in values if values.count(v) > 1]


@pytest.mark.parametrize("path", sorted(ASSETS.glob("*.css")), ids=lambda p: p.name)
def test_every_id_a_stylesheet_names_is_in_ids_py(path):
    used = set(re.findall(r"#([A-Za-z][\w-]*)", _css_selectors(path.read_text())))
    assert used <= set(DEFINED.values()), used - set(DEFINED.values())


@pytest.mark.parametrize("path", sorted(ASSETS.glob("*.js")), ids=lambda p: p.name)
def test_browser_code_reads_ids_from_ids_py(path):
    text = path.read_text()
    named = set(re.findall(r"\bIDS\.([A-Z][A-Z0-9_]*)", text))
    assert named <= set(DEFINED), named - set(DEFINED)
    # No id typed by hand: not as a string, nor inside a selector string.
    for literal in _js_strings(text):
        words = set(re.findall(r"#?([A-Za-z][\w-]*)", literal))
        hand_typed = {w for w in words if w in DEFINED.values() and (
            literal == w or f"#{w}" in literal)}
        assert not hand_typed, f"{path.name}: {literal!r} types {hand_typed} by hand"


def test_a_test_catches_a_hand_typed_id(tmp_path):
    """The check above fails for the things it is meant to catch."""
    sample = 'set_props("map-drawn", {}); document.querySelector("#map-graph .x");'
    found = [s for s in _js_strings(sample) if any(
        w in DEFINED.values() for w in re.findall(r"#?([A-Za-z][\w-]*)", s))]
    assert found == ["map-drawn", "#map-graph .x"]
    assert "nope-id" not in DEFINED.values()
    assert set(re.findall(r"#([A-Za-z][\w-]*)", _css_selectors("#nope-id .a { color: #fff; }"))
               ) == {"nope-id"}


def test_python_modules_take_ids_from_ids_py():
    pattern = re.compile(r'\bid=f?["\']|"aria-labelledby": ["\']|\b(?:Input|Output|State)\(f?["\']')
    offenders = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_page_loads_the_ids_before_the_browser_code():
    from dashboard.app_factory import create_app

    app = create_app()
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    src = app.config.requests_pathname_prefix + ids.SCRIPT_PATH
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert src in scripts
    first_asset = min(i for i, s in enumerate(scripts) if "/assets/" in s)
    assert scripts.index(src) < first_asset
    response = client.get(src)
    assert response.status_code == 200 and "javascript" in response.mimetype
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: run `make system-deps` (Debian package nodejs)")
    script = ("global.window = {dash_clientside: {no_update: 1}};"
              "eval(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(window.dash_clientside));")
    out = subprocess.run([node, "-e", script], input=response.get_data(as_text=True),
                         capture_output=True, text=True, timeout=60, check=True)
    result = json.loads(out.stdout)
    assert result["ids"] == DEFINED and result["no_update"] == 1
