"""The static map of emulation clusters (issue 12): one sheet of A4 (default) or A3 landscape.

``cluster_sheet(view, boundaries, lang, paper, boundaries_name, draft)`` is a Figure of the
paper's size (font sizes are printed sizes, every text >= 7 pt): the title (k, the balance
figure: the largest deviation from the mean cluster total, and the draft word when ``draft``
is given) across the top, the map on the left (:mod:`.cluster_plot`), the key table on the
right (cluster, members, host or that year's head, population), the legend under it, and a
footer naming the boundaries or saying the areas are derived hulls. ``save_cluster_map``
writes it as PNG (150 dpi), PDF (real text, DejaVu Sans embedded) or SVG (text as text).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from ..i18n import fmt_number, fmt_percent, t
from .cluster_plot import ClusterPlot, cluster_context, plot_clusters
from .common import printable
from .legibility import paper_size
from .maps import MARGIN, PNG_DPI, STYLE

KEY_PT, SMALL_PT = 7.5, 7.0


def headline(view, lang: str) -> str:
    """"15 cụm, 114 đơn vị · lệch dân số lớn nhất 12,5%"."""
    devs = view.summary.get("deviation_percent") or {}
    parts = []
    for attr in view.summary.get("balance") or list(devs):
        dev = devs.get(attr)
        if dev is None:
            continue
        name = t(f"cl_attr_{attr}", lang) if f"cl_attr_{attr}" in _keys() else printable(attr)
        parts.append(t("cl_balance", lang, attr=name, dev=fmt_percent(abs(float(dev)) / 100, lang)))
    balance = "; ".join(parts) or t("cl_no_balance", lang)
    return t("cl_headline", lang, k=fmt_number(view.k, lang), n=fmt_number(len(view.units), lang), balance=balance)


def _keys():
    from ..i18n import STRINGS

    return STRINGS


def title(view, lang: str, name: str | None = None) -> str:
    name = name or (view.summary.get("scenario") or {}).get("name")
    return t("cl_title_named", lang, name=printable(name)) if name else t("cl_title", lang)


def key_rows(view, lang: str) -> list[tuple[str, str, str, str]]:
    """(cluster, members, head or host name, population) per cluster, and a total row."""
    leaders = view.leaders()
    names = view.names
    rows = []
    for r in view.clusters.itertuples():
        head = leaders.get(int(r.cluster), ("", ()))[0]
        rows.append((fmt_number(r.cluster, lang), fmt_number(r.n_members, lang), printable(names.get(head, head)),
                     fmt_number(r.population, lang)))
    rows.append((t("cl_total", lang), fmt_number(len(view.units), lang), "",
                 fmt_number(view.clusters["population"].sum(), lang)))
    return rows


def _draw_key(fig, ctx: ClusterPlot, lang: str, x: float, y: float, w: float, H: float, W: float, size: float,
              bottom: float | None = None) -> float:
    """The key table at (x, y) inches from the sheet's top left, down to ``bottom`` at most (the
    clusters that do not fit are counted in one line: the pack's balance table has them all);
    returns the y under it."""
    from matplotlib.patches import Rectangle

    view = ctx.view
    head = t("cl_col_head", lang) if view.year is not None else t("cl_col_host", lang)
    cols = [t("cl_col_cluster", lang), t("cl_col_members", lang), head, t("cl_col_population", lang)]
    rows = key_rows(view, lang)
    fig.text(x / W, 1 - y / H, t("cl_key_title", lang), fontsize=size + 1, fontweight="bold", va="top")
    y += (size + 1) * 1.6 / 72
    f = size / KEY_PT  # A3: every offset grows with the type
    xs = [x, x + 0.45 * f, x + 1.35 * f, x + w]  # cluster left; members right (+0.75); name left; population right
    lh = size * 1.45 / 72
    for i, label in enumerate(cols):
        ha = "left" if i in (0, 2) else "right"
        px = {0: xs[0], 1: xs[1] + 0.75 * f, 2: xs[2], 3: xs[3]}[i]
        fig.text(px / W, 1 - y / H, label, fontsize=size, fontweight="bold", va="top", ha=ha)
    y += lh
    fig.add_artist(matplotlib.lines.Line2D([x / W, (x + w) / W], [1 - y / H] * 2, color="#333333", lw=0.6))
    y += 0.03
    room = int(((bottom or H) - y) / lh)
    shown = list(range(len(rows) - 1))
    if len(rows) > room:
        shown = shown[:max(room - 2, 0)]
        more = len(rows) - 1 - len(shown)
        rows = [rows[i] for i in shown] + [("", "", t("cl_key_more", lang, n=fmt_number(more, lang)), ""), rows[-1]]
        shown.append(None)
    for j, row in enumerate(rows):
        total = j == len(rows) - 1
        if not total and shown[j] is not None:
            c = int(view.clusters["cluster"].iloc[shown[j]])
            fig.add_artist(Rectangle((x / W, 1 - (y + lh * 0.85) / H), 0.16 * f / W, lh * 0.8 / H,
                                     fc=ctx.colours[c], ec="#333333", lw=0.4, transform=fig.transFigure))
        weight = "bold" if total else "normal"
        fig.text((xs[0] + 0.22 * f) / W, 1 - y / H, row[0], fontsize=size, va="top", fontweight=weight)
        fig.text((xs[1] + 0.75 * f) / W, 1 - y / H, row[1], fontsize=size, va="top", ha="right", fontweight=weight)
        fig.text(xs[2] / W, 1 - y / H, row[2], fontsize=size, va="top")
        fig.text(xs[3] / W, 1 - y / H, row[3], fontsize=size, va="top", ha="right", fontweight=weight)
        y += lh
    return y


def _legend(fig, view, lang: str, x: float, y: float, W: float, H: float, size: float) -> float:
    lines = [t("cl_leaders_year", lang, year=view.year) if view.year is not None else t("cl_leaders_hosts", lang)]
    for s in lines:
        fig.text(x / W, 1 - y / H, s, fontsize=size, va="top")
        y += size * 1.5 / 72
    return y


def cluster_sheet(view, boundaries=None, lang: str = "vi", paper: str = "a4", boundaries_name: str | None = None,
                  draft: str | None = None, name: str | None = None) -> Figure:
    """The cluster map as one Figure of ``paper`` (landscape)."""
    t("cl_title", lang)  # an unknown language fails before any drawing
    W, H = paper_size(paper)
    big = paper.lower() == "a3"
    k = 1.25 if big else 1.0
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(W, H))
        ctx = cluster_context(view, boundaries)
        head = title(view, lang, name) + (f" · {draft}" if draft else "")
        fig.text(MARGIN / W, 1 - MARGIN / H, head, fontsize=14 * k, fontweight="bold", va="top")
        fig.text(MARGIN / W, 1 - (MARGIN + 14 * k * 1.4 / 72) / H, headline(view, lang), fontsize=9 * k, va="top",
                 color="#333333")
        top = MARGIN + (14 * k * 1.4 + 9 * k * 1.6) / 72 + 0.1
        foot = t("cl_footer_polygons", lang, source=printable(boundaries_name or "")) if ctx.polys is not None \
            else t("cl_footer_points", lang)
        foot_h = SMALL_PT * 1.5 / 72 + 0.1
        bottom = H - MARGIN - foot_h
        col_w = 3.2 * k
        map_w = W - 2 * MARGIN - col_w - 0.25
        ax = fig.add_axes((MARGIN / W, 1 - bottom / H, map_w / W, (bottom - top) / H))
        plot_clusters(ax, ctx, north=t("north", lang))
        cx = W - MARGIN - col_w
        y = _legend(fig, view, lang, cx, top, W, H, 8 * k)
        _draw_key(fig, ctx, lang, cx, y + 0.1, col_w, H, W, KEY_PT * k, bottom)
        fig.text(MARGIN / W, MARGIN / H, foot, fontsize=SMALL_PT, va="bottom", color="#333333")
        return fig


def save_cluster_map(view, boundaries, lang: str, path: Path, boundaries_name: str | None = None,
                     paper: str = "a4") -> None:
    """Write the cluster map; the format follows the extension (.png 150 dpi, .pdf, .svg)."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    with matplotlib.rc_context(STYLE):
        fig = cluster_sheet(view, boundaries, lang, paper, boundaries_name)
        if fmt == "png":
            fig.savefig(path, format=fmt, dpi=PNG_DPI, pil_kwargs={"compress_level": 3})
        else:
            fig.savefig(path, format=fmt)
