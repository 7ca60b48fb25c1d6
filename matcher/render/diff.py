"""The difference map of ``matcher compare``: plan A against plan B on one map (PNG, PDF).

Pairs only in B (added) are drawn solid in a strong blue, pairs only in A (removed) dashed in
red, pairs in both faded grey; units whose partners changed are ringed and named. Title,
legend and figures are in the chosen language, set in DejaVu Sans (every Vietnamese letter;
TrueType in the PDF, so the names stay searchable text). The projection (UTM metres), the
frame, the north arrow, the scale bar and the label spreading are those of
:mod:`matcher.render.maps`. Never solves: everything comes from a
:class:`~matcher.analysis.changes.Comparison`.
"""

from __future__ import annotations

import io
import textwrap
from types import SimpleNamespace
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import __version__
from ..i18n import t
from .common import printable
from .diff_files import fmt_kpi, kpi_label, summary_line
from .maps import LOWLAND_STYLE, STYLE, _frame, _north_arrow, _project, _scale_bar, _spread

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.changes import Comparison

A4_LANDSCAPE = (11.69, 8.27)  # inches
PNG_DPI = 150  # 1754 x 1240 px
ADDED_COLOUR = "#2166ac"  # strong blue, solid
REMOVED_COLOUR = "#d6604d"  # red, dashed
KEPT_COLOUR = "#b5b5b5"  # faded grey
STYLES = {
    "added": {"color": ADDED_COLOUR, "lw": 2.4, "ls": "-", "zorder": 4, "alpha": 0.95},
    "removed": {"color": REMOVED_COLOUR, "lw": 1.9, "ls": (0, (5, 3)), "zorder": 3, "alpha": 0.95},
    "kept": {"color": KEPT_COLOUR, "lw": 1.0, "ls": "-", "zorder": 2, "alpha": 0.55},
}
REMOTE_STYLE = {"marker": "o", "s": 36, "color": "white", "edgecolors": "#555555", "linewidths": 0.8, "zorder": 5}
CHANGED_RING = {"s": 120, "facecolors": "none", "edgecolors": "#111111", "linewidths": 1.3, "zorder": 7}
MAX_LABELS = 120  # names of changed units; beyond that none (the HTML map has every name on hover)


def unit_points(cmp: Comparison) -> pd.DataFrame:
    """``code, name, role, lat, lon`` of every unit of A's problem, then B's others."""
    rows, seen = [], set()
    for problem in (cmp.a.problem, cmp.b.problem):
        for u in problem.units:
            if u.code not in seen:
                seen.add(u.code)
                rows.append((u.code, printable(u.name), u.role.value, float(u.lat), float(u.lon)))
    return pd.DataFrame(rows, columns=["code", "name", "role", "lat", "lon"])


def projected(cmp: Comparison):
    """The units projected to the UTM zone of the plans (metres), indexed by code."""
    pts, _ = _project(SimpleNamespace(units=unit_points(cmp)), None)
    return pts


def plot_diff(cmp: Comparison, lang: str = "vi", *, ax: Axes | None = None) -> Axes:
    """Draw the difference of A and B into ``ax`` (a new figure's only axes when None):
    pairs by change, lowland squares, remote circles, changed units ringed and named, north
    arrow (label in ``lang``) and scale bar."""
    t("north", lang)  # an unknown language fails before any drawing
    with matplotlib.rc_context(STYLE):
        if ax is None:
            ax = Figure(figsize=(10, 10)).add_axes((0.02, 0.02, 0.96, 0.96))
        pts = projected(cmp)
        for change in ("kept", "removed", "added"):  # the changes on top
            for c in cmp.diff.changes:
                if c.change == change:
                    a, b = pts.loc[c.lowland_code], pts.loc[c.remote_code]
                    ax.plot([a.x, b.x], [a.y, b.y], solid_capstyle="round", gid=f"{change}-{c.lowland_code}-"
                            f"{c.remote_code}", **STYLES[change])
        low, rem = pts[pts["role"] == "lowland"], pts[pts["role"] == "remote"]
        ax.scatter(rem["x"], rem["y"], **REMOTE_STYLE)
        ax.scatter(low["x"], low["y"], **LOWLAND_STYLE)
        changed = pts.loc[[u.code for u in cmp.diff.units]]
        if len(changed):
            ax.scatter(changed["x"], changed["y"], **CHANGED_RING)
        labels = []
        if len(changed) <= MAX_LABELS:
            for code, u in changed.iterrows():
                labels.append(ax.text(u.x, u.y, u["name"], fontsize=7.5 if u["role"] == "remote" else 6.8,
                                      fontweight="bold" if u["role"] == "remote" else "normal", color="#111111",
                                      bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none",
                                            "alpha": 0.7}, zorder=8, gid=f"label-{code}"))
        _frame(ax, pts, None)
        for side in ax.spines.values():
            side.set_color("#999999")
        _north_arrow(ax, t("north", lang))
        _scale_bar(ax)
        _spread(ax, labels, pts, 0.15)
        return ax


def _legend(fig: Figure, cmp: Comparison, lang: str) -> None:
    lax = fig.add_axes((0.65, 0.40, 0.33, 0.34))
    lax.axis("off")
    d = cmp.diff
    handles = [
        Line2D([], [], color=ADDED_COLOUR, lw=2.4, label=f"{t('cmp_legend_added', lang)} ({d.count('added')})"),
        Line2D([], [], color=REMOVED_COLOUR, lw=1.9, ls=(0, (5, 3)),
               label=f"{t('cmp_legend_removed', lang)} ({d.count('removed')})"),
        Line2D([], [], color=KEPT_COLOUR, lw=1.0, alpha=0.8, label=f"{t('cmp_legend_kept', lang)} ({d.count('kept')})"),
        Line2D([], [], marker="s", ls="", color=LOWLAND_STYLE["color"], markersize=6, label=t("lowland", lang)),
        Line2D([], [], marker="o", ls="", color="white", markeredgecolor="#555555", markersize=7,
               label=t("remote", lang)),
        Line2D([], [], marker="o", ls="", markerfacecolor="none", markeredgecolor="#111111", markersize=10,
               label=f"{t('cmp_legend_changed', lang)} ({len(d.units)})"),
    ]
    lax.legend(handles=handles, loc="upper left", frameon=False, fontsize=9, title=t("cmp_legend", lang),
               title_fontsize=10, alignment="left")


def _figures(fig: Figure, cmp: Comparison, lang: str) -> None:
    y = 0.37
    fig.text(0.65, y, t("cmp_md_kpis", lang), fontsize=10, fontweight="bold")
    y -= 0.03
    columns = (0.865, 0.925, 0.985)
    for x, text in zip(columns, ("A", "B", "B − A"), strict=True):
        fig.text(x, y, text, fontsize=8, ha="right", fontweight="bold")
    for k in cmp.diff.kpis:
        y -= 0.026
        fig.text(0.65, y, kpi_label(k.name, lang), fontsize=7.5)
        values = (fmt_kpi(k.name, k.a, lang, k.b), fmt_kpi(k.name, k.b, lang, k.a),
                  fmt_kpi(k.name, k.delta, lang, signed=True))
        for x, text in zip(columns, values, strict=True):
            fig.text(x, y, text, fontsize=7.5, ha="right")


def draw_diff(cmp: Comparison, lang: str = "vi") -> Figure:
    """The difference map as an A4-landscape matplotlib Figure (no pyplot state)."""
    t("cmp_title", lang)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=A4_LANDSCAPE)
        fig.text(0.02, 0.965, t("cmp_title", lang), fontsize=17, fontweight="bold", va="top")
        for i, side in enumerate((cmp.a, cmp.b)):
            fig.text(0.02, 0.915 - 0.03 * i, printable(f"{side.label}: {side.path} "
                                                      f"({t(f'cmp_kind_{side.kind}', lang)}; {side.scenario})"),
                     fontsize=9, va="top", color="#333333")
        plot_diff(cmp, lang, ax=fig.add_axes((0.02, 0.06, 0.61, 0.78)))
        fig.text(0.65, 0.84, textwrap.fill(printable(summary_line(cmp, lang)), 62), fontsize=9, va="top",
                 linespacing=1.3)
        _legend(fig, cmp, lang)
        _figures(fig, cmp, lang)
        notes = [printable(n) for n in cmp.notes(lang)] + [t("made_with", lang, version=__version__)]
        fig.text(0.02, 0.012, "\n".join(notes), fontsize=6.5, va="bottom", ha="left", color="#333333")
        return fig


def diff_image(cmp: Comparison, lang: str, fmt: str) -> bytes:
    """The difference map as ``png`` (150 dpi) or ``pdf`` bytes."""
    fig = draw_diff(cmp, lang)
    buf = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=PNG_DPI, pil_kwargs={"compress_level": 3})
        else:
            fig.savefig(buf, format=fmt, metadata={"Title": t("cmp_title", lang)} if fmt == "pdf" else None)
    return buf.getvalue()
