"""A review-pack page (:class:`matcher.render.pdf.Page`) drawn as a matplotlib Figure on the
chosen paper: ``a4`` is A4 landscape, ``a3`` the same page enlarged to A3 landscape (every size
times sqrt 2, so the pagination is the same on both), with the light diagonal draft mark.

Every text, rule and shade of a page is drawn by one artist straight through the renderer, in
the order laid out (thousands of Text artists would each measure their string twice); text
stays real, searchable text (``draw_text`` with the embedded TrueType font).
"""

from __future__ import annotations

from functools import lru_cache

from matplotlib.artist import Artist
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from .pdf import A4, FONT, PAPERS, PT, Page

DRAFT_COLOUR = "#c8c8c8"


def paper_size(paper: str) -> tuple[float, float]:
    """The page size in points of ``paper`` (``a4`` or ``a3``), landscape."""
    k = PAPERS[paper]
    return A4[0] * k, A4[1] * k


def draft_mark(fig: Figure, word: str, scale: float = 1.0) -> None:
    """The light diagonal draft word across a figure, behind nothing (text stays readable)."""
    fig.text(0.5, 0.5, word, fontsize=110 * scale, fontweight="bold", color=DRAFT_COLOUR, alpha=0.3,
             ha="center", va="center", rotation=30, fontfamily=FONT, zorder=100, parse_math=False)


class _PageLayer(Artist):
    """Every text, rule and shade of a page drawn straight through the renderer in the order
    they were laid out: one artist instead of thousands (a Text artist per string measures
    it twice; here the text is placed from the layout, and only right or centred text is
    measured, once, by the renderer that sets it). Text stays text (``draw_text``)."""

    def __init__(self, page: Page, scale: float):
        super().__init__()
        self.page, self.scale = page, scale
        self.set_zorder(-1)  # under the small maps: the page text comes first in the PDF

    def draw(self, renderer) -> None:
        from matplotlib.path import Path as MPath
        from matplotlib.transforms import Affine2D

        k = self.scale
        to_display = Affine2D.from_values(k / PT, 0, 0, -k / PT, 0, A4[1] * k / PT) + self.figure.dpi_scale_trans
        ident = Affine2D()
        flip = renderer.get_canvas_width_height()[1] if renderer.flipy() else None  # raster: y from the top
        widths: dict = {}
        gc = renderer.new_gc()
        for op in self.page.ops:
            kind = op[0]
            if kind == "text":
                _, x, y, s, size, bold, ha, color, rotation = op
                if not s.strip():
                    continue
                prop = _font(size * k, bold)
                px, py = to_display.transform((x, y))
                if ha != "left" and not rotation:
                    key = (s, size, bold)
                    if key not in widths:
                        widths[key] = renderer.get_text_width_height_descent(s, prop, ismath=False)[0]
                    px -= widths[key] if ha == "right" else widths[key] / 2
                gc.set_foreground(color)
                renderer.draw_text(gc, px, flip - py if flip is not None else py, s, prop, rotation)
            elif kind == "rect":
                _, x, y, w_, h_, color = op
                (x0, y0), (x1, y1) = to_display.transform([(x, y), (x + w_, y + h_)])
                gc.set_linewidth(0)
                renderer.draw_path(gc, MPath([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], closed=True),
                                   ident, to_rgb(color))
            elif kind == "line":
                _, x0, y0, x1, y1, width, color = op
                gc.set_foreground(color)
                gc.set_linewidth(width * k)
                gc.set_capstyle("butt")
                renderer.draw_path(gc, MPath(to_display.transform([(x0, y0), (x1, y1)])), ident)
        gc.restore()
        self.stale = False


@lru_cache(maxsize=256)
def _font(size: float, bold: bool) -> FontProperties:
    return FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")


def render_page(page: Page, paper: str = "a4", draft: str | None = None) -> Figure:
    """``page`` as a Figure of ``paper`` (its layout scaled to it), with the diagonal ``draft``
    word when given."""
    k = PAPERS[paper]
    w, h = paper_size(paper)
    fig = Figure(figsize=(w / PT, h / PT))
    fig.add_artist(_PageLayer(page, k))
    for op in page.ops:
        if op[0] == "axes":
            _, x, y, w_, h_, draw = op
            draw(fig.add_axes((x / A4[0], 1 - (y + h_) / A4[1], w_ / A4[0], h_ / A4[1])), k)
    if draft:
        draft_mark(fig, draft, k)
    return fig
