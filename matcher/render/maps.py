"""Static maps of a result (PNG, PDF with real text, SVG), laid out for A4 or A3 landscape. Never solves.

``plot_plan(view, boundaries, lang, ax=None)`` draws the plan into one matplotlib Axes (made
when none is given), to compose into figures of your own. ``map_sheets(view, ..., paper)`` is
the committee's map as sheets of that paper (the figure is the paper, so font sizes are the
printed sizes: every text >= 7 pt): sheet 1 holds the map, with an inset for the dense urban
core when it magnifies at least twice, the headline figures, the legend and the sources; the
key table of the pairs (``12 | Trà Linh | Hải Châu | 152 km``) goes in its right column when
it fits there, else on continuation sheets of the same paper. Remote communes are numbered on
the map and in the key, lowland units carry their partner's number (:mod:`.map_labels`); no
two texts overlap (:func:`matcher.render.legibility.label_report` measures it).
``draw_map`` returns sheet 1; ``save_map`` writes every sheet: a PDF of one page per sheet,
or one PNG/SVG image with the sheets one under the other. Text passes through
:func:`matcher.render.common.printable` (no control characters).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..i18n import fmt_date, t
from ..io.resultdir import ResultView
from .common import clean_view, printable
from .legibility import paper_size
from .map_key import KEY_PT, KEY_ROW, SMALL_PT, draw_key, footer_lines, headline, key_columns, key_layout, key_rows
from .map_key import legend as draw_legend
from .map_plot import (  # noqa: F401  (re-exported: diff.py and diff_web.py use them)
    LOCKED_STYLE,
    LOWLAND_STYLE,
    NEW_STYLE,
    _frame,
    _north_arrow,
    _project,
    _scale_bar,
    _spread,
    _urban_core,
    context,
    plot_into,
    utm_epsg,
)

A3_LANDSCAPE = paper_size("a3")  # inches
A4_LANDSCAPE = paper_size("a4")
PNG_DPI = 150  # A4: 1754 x 1240 px; A3: 2481 x 1753 px
MARGIN = 0.3  # inches
MIN_MAGNIFICATION = 2.0  # an inset that enlarges less adds nothing

STYLE = {
    "font.family": "DejaVu Sans",  # has every Vietnamese letter (DejaVu Sans Mono does not)
    "pdf.fonttype": 42,  # TrueType in the PDF: searchable, copyable Vietnamese text
    "svg.fonttype": "none",  # text stays text in SVG
}


def plot_plan(view: ResultView, boundaries=None, lang: str = "vi", *, ax: Axes | None = None,
              extent: tuple[float, float, float, float] | None = None,
              unnamed: tuple[float, float, float, float] | None = None) -> Axes:
    """Draw the plan into ``ax`` (a new figure's only axes when None) and return the axes.

    Remote units are shaded by coverage (polygons from ``boundaries``, EPSG:4326 with
    ``code``, or points), existing twinnings solid, new ones dashed (long ones as spokes),
    remote communes numbered, lowland units named with their partner's number, no label
    over another. ``extent`` (x0, x1, y0, y1 in the plan's UTM metres) draws only that part,
    at the detail of an inset; ``unnamed``, a box of the same kind, leaves its units unnamed
    (an inset names them). Without ``extent`` the axes is framed on every paired unit, with a
    north arrow (label in ``lang``) and a scale bar."""
    t("north", lang)  # an unknown language fails before any drawing
    view = clean_view(view)
    with matplotlib.rc_context(STYLE):
        if ax is None:
            ax = Figure(figsize=(10, 10)).add_axes((0.02, 0.02, 0.96, 0.96))
        plot_into(ax, context(view, boundaries), lang, extent=extent, unnamed=unnamed, north=t("north", lang))
        return ax


@dataclass(frozen=True)
class _Layout:
    """Where things go on sheet 1 (inches from the sheet's top left) and how many sheets follow."""

    paper: tuple[float, float]
    title_pt: float
    band: float
    footer: list[str]
    footer_h: float
    map_box: tuple[float, float, float, float]
    column: tuple[float, float, float, float]
    inset: tuple[float, float, float, float] | None
    key_here: bool
    extra_sheets: int


def _measure():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)  # 1 px = 1 pt


def _layout(view, ctx, rows, cols, lang, paper: str, boundaries_name) -> _Layout:
    W, H = paper_size(paper)
    big = paper.lower() == "a3"
    title_pt = 18 if big else 14
    band = (title_pt * 1.25 + (10 if big else 8) * 1.6) / 72 + 0.1
    chars = int((W - 2 * MARGIN) * 72 / (SMALL_PT * 0.58))
    footer = footer_lines(view, ctx.polys, boundaries_name, lang, chars)
    footer_h = len(footer) * SMALL_PT * 1.3 / 72 + 0.05
    top, bottom = MARGIN + band, H - MARGIN - footer_h - 0.1
    ext = _extent_ratio(ctx)  # width / height of the map's content
    map_w = min(0.66 * W - MARGIN, max(0.5 * W, (bottom - top) * ext))
    map_box = (MARGIN, top, map_w, bottom - top)
    col_x = MARGIN + map_w + 0.25
    col_w = W - MARGIN - col_x
    fixed = _headline_h(big) + _legend_h(bool(ctx.flagged)) + 0.15
    free = bottom - top - fixed
    key_title = 0.25
    n_tab, per = key_layout(cols, col_w, free - key_title)
    needed = len(rows)
    core = _urban_core(ctx.pts)
    inset = None
    if core is not None:
        dx, dy = core[1] - core[0], core[3] - core[2]
        ext_x, ext_y = ctx.pts["x"].max() - ctx.pts["x"].min(), ctx.pts["y"].max() - ctx.pts["y"].min()
        main_scale = min(map_box[2] / max(ext_x, 1), map_box[3] / max(ext_y, 1))
        for room in (free - key_title - _key_h(needed, n_tab, cols, col_w), free - 0.1):
            h = min(col_w * dy / dx, room - 0.25, 0.55 * (bottom - top))
            w = h * dx / dy
            if h > 1.0 and min(w / dx, h / dy) / main_scale >= MIN_MAGNIFICATION:
                inset = (col_x, top + 0.22, w, h)
                break
    inset_h = inset[3] + 0.32 if inset else 0.0
    n_tab, per = key_layout(cols, col_w, free - key_title - inset_h)
    key_here = n_tab * per >= needed
    extra = 0
    if not key_here:
        body = H - 2 * MARGIN - band
        n2, per2 = key_layout(cols, W - 2 * MARGIN, body)
        extra = -(-needed // max(1, n2 * per2))
    column = (col_x, top + inset_h, col_w, bottom - top - inset_h)
    return _Layout((W, H), title_pt, band, footer, footer_h, map_box, column, inset, key_here, extra)


def _extent_ratio(ctx) -> float:
    active = ctx.pts[ctx.pts["role"].isin(["lowland", "remote"])]
    dx, dy = active["x"].max() - active["x"].min(), active["y"].max() - active["y"].min()
    if ctx.polys is not None:
        mine = ctx.polys[ctx.polys["code"].isin(active.index)]
        if len(mine):
            x0, y0, x1, y1 = mine.total_bounds
            dx, dy = max(dx, x1 - x0), max(dy, y1 - y0)
    return max(dx, 1000) / max(dy, 1000)


def _headline_h(big: bool) -> float:
    return 5 * (9 if big else 8) * 1.45 / 72


def _legend_h(flags: bool) -> float:
    n = 5 + int(flags) + 1
    return (n * 7.5 * 1.55 + 3 * 7.5 * 1.7 + 10) / 72


def _key_h(n_rows: int, n_tab: int, cols, width) -> float:
    if n_tab <= 0:
        return float("inf")
    return (-(-n_rows // n_tab) + 1) * KEY_PT * KEY_ROW / 72


class _Place:
    """Sheet inches (from the sheet's top left) to fractions of a figure holding several sheets."""

    def __init__(self, paper, n_sheets: int, sheet: int):
        self.W, self.H = paper
        self.total = self.H * n_sheets
        self.top = self.H * sheet

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return x / self.W, 1 - (self.top + y) / self.total

    def rect(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return x / self.W, 1 - (self.top + y + h) / self.total, w / self.W, h / self.total


def _title(fig, place, lay: _Layout, view, lang: str, heading: str) -> None:
    small = 10 if lay.title_pt > 14 else 8
    fig.text(*place(MARGIN, MARGIN), heading, fontsize=lay.title_pt, fontweight="bold", va="top")
    when = fmt_date(view.created, lang)
    fig.text(*place(MARGIN, MARGIN + lay.title_pt * 1.3 / 72),
             f"{t('scenario', lang, name=view.scenario_name)}    {t('date', lang, date=when)}",
             fontsize=small, va="top", color="#333333")


def _sheet_one(fig, place, lay: _Layout, ctx, rows, cols, lang: str) -> None:
    view = ctx.view
    _title(fig, place, lay, view, lang, t("title", lang))
    ax = fig.add_axes(place.rect(*lay.map_box))
    box = _urban_core(ctx.pts) if lay.inset else None
    plot_into(ax, ctx, lang, unnamed=box, north=t("north", lang))
    if box is not None:
        ax.add_patch(Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False,
                               ec="#333333", lw=0.9, ls="--", zorder=9))
        x, y, w, h = lay.inset
        fig.text(*place(x, y - 0.06), t("inset", lang), fontsize=8, fontweight="bold", va="bottom")
        plot_into(fig.add_axes(place.rect(x, y, w, h)), ctx, lang, extent=box)
    cx, cy, cw, _ = lay.column
    big = lay.title_pt > 14
    size = 9 if big else 8
    y = cy + 0.05
    for k, v in headline(view, lang):
        fig.text(*place(cx, y), k, fontsize=size, color="#333333", va="top")
        fig.text(*place(cx + cw, y), v, fontsize=size, fontweight="bold", ha="right", va="top")
        y += size * 1.45 / 72
    lh = _legend_h(bool(ctx.flagged))
    draw_legend(fig.add_axes(place.rect(cx, y + 0.1, cw, lh)), lang, bool(ctx.flagged), lay.inset is not None)
    y += lh + 0.25
    if lay.key_here:
        fig.text(*place(cx, y), t("mk_key_title", lang), fontsize=8, fontweight="bold", va="bottom")
        draw_key(fig, place, rows, cols, (cx, y + 0.05, cw, lay.map_box[1] + lay.map_box[3] - y - 0.05), lang)
    else:
        fig.text(*place(cx, y), t("mk_key_next", lang), fontsize=8, fontweight="bold", va="bottom")
    fig.text(*place(MARGIN, lay.paper[1] - MARGIN), "\n".join(lay.footer), fontsize=SMALL_PT, va="bottom",
             ha="left", color="#333333", linespacing=1.3)


def _key_sheet(fig, place, lay: _Layout, view, rows, cols, lang: str, start: int, sheet: int) -> int:
    _title(fig, place, lay, view, lang, f"{t('mk_key_title', lang)} ({sheet}/{lay.extra_sheets})")
    W, H = lay.paper
    top = MARGIN + lay.band
    return draw_key(fig, place, rows[start:], cols, (MARGIN, top, W - 2 * MARGIN, H - MARGIN - top), lang)


def map_sheets(view: ResultView, boundaries=None, lang: str = "vi", boundaries_name: str | None = None,
               paper: str = "a4", stacked: bool = False) -> list[Figure]:
    """The committee map as sheets of ``paper`` (``a4`` or ``a3`` landscape): sheet 1 the map
    (with the key when it fits), then the key's continuation sheets. With ``stacked``, one
    figure holding every sheet one under the other (for a PNG or SVG image)."""
    t("title", lang)
    paper_size(paper)
    view = clean_view(view)
    name = printable(boundaries_name) if boundaries_name else None
    with matplotlib.rc_context(STYLE):
        ctx = context(view, boundaries)
        rows = key_rows(view, ctx.numbers, lang)
        cols = key_columns(_measure(), rows, lang)
        lay = _layout(view, ctx, rows, cols, lang, paper, name)
        n = 1 + lay.extra_sheets
        W, H = lay.paper
        figs = [Figure(figsize=(W, H * n))] if stacked else [Figure(figsize=(W, H)) for _ in range(n)]
        _sheet_one(figs[0], _Place(lay.paper, n if stacked else 1, 0), lay, ctx, rows, cols, lang)
        done = 0
        for k in range(1, n):
            fig, place = (figs[0], _Place(lay.paper, n, k)) if stacked else (figs[k], _Place(lay.paper, 1, 0))
            done += _key_sheet(fig, place, lay, view, rows, cols, lang, done, k)
        return figs


def draw_map(view: ResultView, boundaries=None, lang: str = "vi", boundaries_name: str | None = None,
             paper: str = "a4") -> Figure:
    """Sheet 1 of the committee map (:func:`map_sheets`), a Figure of the paper's size (no pyplot state)."""
    return map_sheets(view, boundaries, lang, boundaries_name, paper)[0]


def save_map(view: ResultView, boundaries, lang: str, path: Path, boundaries_name: str | None = None,
             paper: str = "a4") -> None:
    """Write the map; the format follows the extension: .pdf one page per sheet; .png (150 dpi)
    or .svg one image with the sheets one under the other."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    with matplotlib.rc_context(STYLE):
        if fmt == "pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            with PdfPages(path) as pdf:
                for fig in map_sheets(view, boundaries, lang, boundaries_name, paper):
                    pdf.savefig(fig)
            return
        fig = map_sheets(view, boundaries, lang, boundaries_name, paper, stacked=True)[0]
        if fmt == "png":  # for screens (print from the vector PDF): light compression
            fig.savefig(path, format=fmt, dpi=PNG_DPI, pil_kwargs={"compress_level": 3})
        else:
            fig.savefig(path, format=fmt)
