"""From data and a View to what an export shows: the app's own figures plus the words around
them (title, date line, sources, permalink, caption). Pure: no browser, no files.

The figures come from the same builders the page uses (`make_static_map_figure`,
`make_cumulative_chart`, `make_daily_chart`), so an export shows what the screen shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.data.model import CATEGORIES, Dataset
from dashboard.export.compose import ExportMeta, compose_figure
from dashboard.export.links import permalink_line
from dashboard.export.spec import ExportSpec
from dashboard.i18n import category_label, format_date, format_number, is_rtl
from dashboard.i18n import gettext as _t
from dashboard.scenes import apply_scene, inset_view, scene_text
from dashboard.view import View

SLIDE_CHARTS = ("casualties", "daily")
MAX_PUBLISHERS = 12  # beyond this the line only grows; the permalink lists them all


@dataclass(frozen=True)
class ExportContent:
    """The figures of one export (keys "map" and/or "chart") and its words."""

    kind: str
    day: dt.date
    figures: dict[str, go.Figure]
    meta: ExportMeta
    view: View

    def figure(self, spec: ExportSpec) -> go.Figure:
        """The composed figure to render at the spec's size."""
        return compose_figure(self.kind, self.figures, self.meta, spec)


@dataclass(frozen=True)
class ExportData:
    """The data behind exports. `incidents` defaults to the dataset's (the app passes its
    curated + imported frame); `payload` is the timeline payload, built when absent."""

    dataset: Dataset
    incidents: pd.DataFrame | None = None
    payload: dict | None = None
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def frame(self) -> pd.DataFrame:
        """The incident frame to draw from."""
        return self.dataset.incidents if self.incidents is None else self.incidents

    def days(self) -> tuple[dt.date, dt.date]:
        """First and last day of the timeline."""
        from dashboard.filters import dataset_days

        first, last = dataset_days(self.frame())
        return self.first_day or first, self.last_day or last


def _publishers(source_ids: list[str], sources: pd.DataFrame) -> list[str]:
    """Publishers of the cited sources, most cited first (each once)."""
    if "source_id" in sources.columns:
        sources = sources.set_index("source_id")
    counts: Counter[str] = Counter()
    for sid in source_ids:
        if sid in sources.index:
            counts[str(sources.loc[sid, "publisher"])] += 1
    return [name for name, _ in counts.most_common(MAX_PUBLISHERS)]


def _split_ids(values) -> list[str]:
    out: list[str] = []
    for value in values:
        if isinstance(value, str) and value:
            out.extend(v.strip() for v in value.split(";") if v.strip())
    return out


def sources_line(data: ExportData, view: View, kind: str, extra_ids: tuple[str, ...] = ()) -> str:
    """ "Sources: AFP, SOHR, MSF, …" for what the export shows (scene sources first)."""
    from dashboard.filters import filter_incidents

    ids = list(extra_ids)
    if kind in ("map", "slide", "daily"):
        ids += _split_ids(filter_incidents(data.frame(), view).get("source_ids", []))
    if kind in ("casualties", "slide"):
        ids += _split_ids(data.dataset.casualty_reports.get("source_ids", []))
    names = _publishers(ids, data.dataset.sources)
    if not names:
        return ""
    return _t("Sources: {publishers}", view.lang, publishers=", ".join(names))


def subtitle(kind: str, view: View, day: dt.date, first_day: dt.date) -> str:
    """The line under the title: what is shown and for which days."""
    lang = view.lang
    if kind in ("map", "slide"):
        if view.window == "day":
            return _t("Incidents on {date}", lang, date=format_date(day, lang))
        return _t("Incidents from {first} to {last}", lang,
                  first=format_date(first_day, lang), last=format_date(day, lang))
    if kind == "casualties":
        return _t("Civilian deaths reported since 22 April 2016, per reporter (never added up)",
                  lang)
    if view.chart_group == "category":
        return _t("Killed per day, by category (range as reported)", lang)
    return _t("Killed per day, by side (range as reported)", lang)


def describe(data: ExportData, content: ExportContent) -> str:
    """The image's text alternative (alt text), in the export's language: its title, what it
    shows and how much, its caption and sources, and the link that reopens it. Written beside
    each exported image (`<name>.txt`) and into a PDF's Subject."""
    from dashboard.filters import filter_incidents

    lang, meta = content.view.lang, content.meta
    lines = [meta.title, meta.subtitle, meta.caption]
    if content.kind in ("map", "slide"):
        shown = filter_incidents(data.frame(), content.view)
        counts = Counter(shown["category"].dropna().astype(str))
        parts = [f"{category_label(c, lang)} {format_number(counts[c], lang)}"
                 for c in CATEGORIES if counts[c]]
        lines.append(_t("Map: {n} incidents shown ({counts}).", lang,
                        n=format_number(len(shown), lang),
                        counts=("، " if is_rtl(lang) else ", ").join(parts)))
    return "\n".join(line for line in (*lines, meta.sources, meta.permalink) if line) + "\n"


def shown_categories(data: ExportData, view: View) -> set[str]:
    """Categories with at least one incident in the exported view."""
    from dashboard.filters import filter_incidents

    return set(filter_incidents(data.frame(), view)["category"].dropna().astype(str))


def trim_map_legend(fig: go.Figure, shown: set[str]) -> go.Figure:
    """`fig` without legend entries for categories the image does not show.

    On screen the legend lists every category (the timeline moves); a still image only needs
    what it shows, and the legend then covers less of the map. Relies on the map's legend
    entries having meta "legend-<category>"; without them the legend is left as it is.
    """
    figure = fig.to_dict()
    traces, group_title = [], None
    for trace in figure["data"]:
        meta = trace.get("meta") if isinstance(trace.get("meta"), str) else ""
        category = meta.removeprefix("legend-")
        if meta.startswith("legend-") and category in CATEGORIES:
            group_title = group_title or trace.pop("legendgrouptitle", {}).get("text")
            if category not in shown:
                continue
            if group_title:  # the group's title rides on its first entry
                trace["legendgrouptitle"], group_title = {"text": group_title}, ""
        traces.append(trace)
    return go.Figure({"data": traces, "layout": figure["layout"]})


def _chart(data: ExportData, view: View, which: str) -> go.Figure:
    from dashboard.figures.charts import make_cumulative_chart, make_daily_chart

    first, last = data.days()
    if which == "casualties":
        return make_cumulative_chart(data.dataset.casualty_reports, data.dataset.sources, view,
                                     first, last)
    return make_daily_chart(data.frame(), view, first, last)


def build_content(data: ExportData, view: View, kind: str, *, base_url: str = "/",
                  slide_chart: str = "casualties", title: str | None = None,
                  caption: str = "", extra_source_ids: tuple[str, ...] = (),
                  legend_categories: set[str] | None = None) -> ExportContent:
    """The figures and words for exporting `view` as `kind` (map | casualties | daily | slide).

    The view's date is pinned (None means the last day) so the permalink keeps showing the
    same day after more data arrives. The map legend lists the categories shown, or
    `legend_categories` (a video keeps one legend for all its days).
    """
    from dashboard.figures.map_still import make_static_map_figure
    from dashboard.state import view_to_url

    first, last = data.days()
    day = view.date or last
    view = dataclasses.replace(view, date=day)
    lang = view.lang
    figures: dict[str, go.Figure] = {}
    if kind in ("map", "slide"):
        figures["map"] = trim_map_legend(
            make_static_map_figure(data.dataset, view, data.payload, lang),
            shown_categories(data, view) if legend_categories is None else legend_categories)
    if kind in ("casualties", "daily"):
        figures["chart"] = _chart(data, view, kind)
    elif kind == "slide":
        figures["chart"] = _chart(data, view, slide_chart)
    meta = ExportMeta(
        title=title or _t("Aleppo, {date}", lang, date=format_date(day, lang)),
        subtitle=subtitle(kind, view, day, first),
        sources=sources_line(data, view, kind, extra_source_ids),
        permalink=permalink_line(view_to_url(view, base_url), lang),
        caption=caption,
        theme=view.theme,
        rtl=is_rtl(lang),
    )
    return ExportContent(kind=kind, day=day, figures=figures, meta=meta, view=view)


def build_scene_content(data: ExportData, scene: dict, total: int, *, lang: str = "en",
                        theme: str = "light", kind: str = "slide",
                        base_url: str = "/") -> ExportContent:
    """The export of one briefing scene: its view, its title and caption, its sources."""
    number = int(scene.get("scene", 0))
    view = apply_scene(View(lang=lang, theme=theme, scene=number), scene, explicit=set())
    text = scene_text(scene, total, lang)
    content = build_content(
        data, view, kind, base_url=base_url,
        title=text.title, caption=text.caption,
        extra_source_ids=tuple(scene.get("source_ids") or ()),
    )
    heading = _t("Aleppo, {date}", lang, date=format_date(content.day, lang))
    meta = dataclasses.replace(content.meta, subtitle=f"{heading} · {text.counter}")
    inset = inset_view(scene, data.dataset.places, lang)
    figures = content.figures
    if inset is not None and "map" in figures:
        from dashboard.figures.map_still import make_static_map_figure

        framed = dataclasses.replace(content.view, center=(inset.lat, inset.lon),
                                          zoom=inset.zoom)
        figure = make_static_map_figure(data.dataset, framed, data.payload, lang)
        figures = {**figures, "inset": figure.update_layout(showlegend=False)}
        meta = dataclasses.replace(meta, inset_label=inset.label)
    return dataclasses.replace(content, meta=meta, figures=figures)
