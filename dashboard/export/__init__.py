"""Image export: slide-ready PNG, SVG and PDF of the map, the charts, a composed slide, and the
briefing pack. Nothing starts at import; the browser starts on the first render.

- `spec`: what a request may ask for (`make_spec`, `ExportSpec`, `pixel_size`, file names).
- `build`: the app's figures and the words around them for a view (`build_content`).
- `compose`: one figure at the export size with title, date, legend, sources and permalink.
- `render`: kaleido + Chromium (`render`, `BrowserSession`) and `write_atomic`.
- `cli`: `python -m dashboard export`, and `export_view` / `export_briefing` for the page.
"""

from dashboard.export.spec import (
    ExportRequestError,
    ExportSpec,
    default_filename,
    make_spec,
    pixel_size,
)

__all__ = ["ExportRequestError", "ExportSpec", "default_filename", "make_spec", "pixel_size"]
