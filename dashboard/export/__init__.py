"""Export: slide-ready PNG, SVG and PDF of the map, the charts, a composed slide, the briefing
pack (PDF or PowerPoint deck), and the timeline as a video. Nothing starts at import; the
browser starts on the first render.

- `spec`: what a request may ask for (`make_spec`, `ExportSpec`, `pixel_size`, file names).
- `build`: the app's figures and the words around them for a view (`build_content`).
- `compose`: one figure at the export size with title, date, legend, sources and permalink.
- `render`: kaleido + Chromium (`render`, `BrowserSession`) and `write_atomic`.
- `links`: where the permalink on an export points (PUBLIC_URL, the page's host, or relative).
- `deck`: the briefing as a .pptx (python-pptx); `video`: video requests and encoding (PyAV,
  Pillow for GIF).
- `deliver`: makes the files (`export_view`, `export_briefing`, `export_deck`, `export_video`)
  for the command line and the page's export job alike.
- `cli`: `python -m dashboard export`.
"""

from dashboard.export.spec import (
    ExportRequestError,
    ExportSpec,
    default_filename,
    make_spec,
    pixel_size,
)

__all__ = ["ExportRequestError", "ExportSpec", "default_filename", "make_spec", "pixel_size"]
