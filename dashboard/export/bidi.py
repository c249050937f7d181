"""Right-to-left text in exported figures.

Plotly draws text as SVG `<text>`, laid out left to right (the `direction` of the page kaleido
renders in). An Arabic line in a left-to-right paragraph puts its Latin parts and digits in
the wrong place ("22 نيسان" reads "نيسان 22", a final full stop lands on the left). Wrapping
each line in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE gives it the direction of its
first letter, as `unicode-bidi: plaintext` does on the page (assets/90-rtl-a11y-phone.css).
Lines without Arabic letters are left as they are.
"""

from __future__ import annotations

import re

FSI, PDI = "\u2068", "\u2069"
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TEXT_KEYS = frozenset({"text", "name", "ticktext", "hovertext"})


def isolate(text: str) -> str:
    """Each `<br>`-separated line of `text` that holds Arabic, wrapped in FSI ... PDI."""
    if not isinstance(text, str) or not _ARABIC.search(text):
        return text
    lines = _BREAK.split(text)
    breaks = _BREAK.findall(text)
    out = [f"{FSI}{line}{PDI}" if _ARABIC.search(line) else line for line in lines]
    return "".join(part for pair in zip(out, [*breaks, ""], strict=True) for part in pair)


def isolate_figure(node, key: str | None = None):
    """A copy of a figure dict with every text-like string isolated (see `isolate`)."""
    if isinstance(node, dict):
        return {k: isolate_figure(v, k) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [isolate_figure(v, key) for v in node]
    if isinstance(node, str) and key in _TEXT_KEYS:
        return isolate(node)
    return node
