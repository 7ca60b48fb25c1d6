"""Is a drawn sheet legible on paper? Measured from the renderer, not assumed.

``PAPERS`` holds the sheet sizes (landscape, inches). :func:`label_report` draws a figure
once and returns the pairs of texts whose extents overlap and the smallest printed text
size in points at the paper size (a figure drawn at A3 and printed on A4 prints at 0.71 of
its font sizes: the report says so). Used by the map tests and the map benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PAPERS", "LegibilityReport", "label_report", "paper_size"]

PAPERS: dict[str, tuple[float, float]] = {"a4": (11.69, 8.27), "a3": (16.54, 11.69)}  # landscape, inches


def paper_size(paper: str) -> tuple[float, float]:
    """(width, height) in inches of a landscape sheet; ``paper`` is ``a4`` or ``a3``."""
    key = str(paper).lower()
    if key not in PAPERS:
        raise ValueError(f"paper must be one of {tuple(PAPERS)}, got {paper!r}")
    return PAPERS[key]


@dataclass(frozen=True)
class LegibilityReport:
    """What :func:`label_report` measured.

    ``overlaps``: pairs of overlapping texts as ``(text_a, text_b)`` strings; ``min_pt``: the
    smallest printed size (points at the paper size) of any visible text; ``n_texts``: how many
    texts were measured; ``smallest``: the text with that size."""

    overlaps: list[tuple[str, str]]
    min_pt: float
    n_texts: int
    smallest: str

    def __iter__(self):  # overlaps, min_pt = label_report(fig)
        return iter((self.overlaps, self.min_pt))


def _texts(fig):
    from matplotlib.text import Text

    seen = set()
    for t in fig.findobj(Text):
        if id(t) in seen or not t.get_visible() or not t.get_text().strip():
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        seen.add(id(t))
        yield t


def label_report(fig, paper_width_in: float | None = None, pad_px: float = 0.0) -> LegibilityReport:
    """Overlapping texts and the smallest printed text size of ``fig``.

    The figure is drawn (``fig.canvas.draw``) and every visible, non-empty text measured with
    ``Text.get_window_extent(renderer)``. Two texts overlap when their extents (grown by
    ``pad_px`` pixels) intersect with positive area; a text outside the sheet counts as
    overlapping the edge (``"<sheet edge>"``). The printed size of a text is its font size
    scaled from the rendered sheet's width (the renderer's canvas width in pixels over the
    dpi) to ``paper_width_in`` (default: the sheet's own width, i.e. printed at the size it
    was drawn); matplotlib draws text in points of the figure, never in data units, so this is
    the size on paper."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width_in = renderer.width / fig.dpi
    scale = (paper_width_in or width_in) / width_in
    texts = list(_texts(fig))
    boxes, names, sizes = [], [], []
    for t in texts:
        ext = t.get_window_extent(renderer)
        if ext.width <= 0 or ext.height <= 0:
            continue
        sizes.append(t.get_fontproperties().get_size_in_points() * scale)
        boxes.append((ext.x0 - pad_px, ext.y0 - pad_px, ext.x1 + pad_px, ext.y1 + pad_px))
        names.append(t.get_text())
    overlaps: list[tuple[str, str]] = []
    if boxes:
        b = np.asarray(boxes)
        w, h = renderer.width, renderer.height
        for i in np.flatnonzero((b[:, 0] < -0.5) | (b[:, 1] < -0.5) | (b[:, 2] > w + 0.5) | (b[:, 3] > h + 0.5)):
            overlaps.append((names[i], "<sheet edge>"))
        ix = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0])
        iy = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1])
        hit = (ix > 0.5) & (iy > 0.5)
        for i, j in zip(*np.nonzero(np.triu(hit, 1)), strict=True):
            overlaps.append((names[i], names[j]))
    k = int(np.argmin(sizes)) if sizes else -1
    return LegibilityReport(overlaps, float(sizes[k]) if sizes else float("inf"), len(sizes),
                            names[k] if sizes else "")
