"""Static maps of a result (PNG, PDF at A3 landscape with real text, SVG). Never solves.

``plot_plan(view, boundaries, lang, ax=None)`` draws the plan (polygons or points shaded by
coverage, pair lines, markers, names, north arrow, scale bar) into one matplotlib Axes, made
when none is given, to compose into figures of your own. ``draw_map(view, boundaries, lang)``
is the committee's A3 sheet built from it: title, the plan, an inset for the dense urban core
(so labels there do not pile up), legend, headline figures and sources; ``save_map`` writes
it. Coordinates are projected to the UTM zone of the units (metres), so the scale bar is
true. Labels are spread with adjustText and linked to their unit by a leader line when
moved. Text passes through :func:`matcher.render.common.printable` (no control characters).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from .. import __version__
from ..i18n import fmt_date, fmt_km, fmt_number, fmt_percent, t
from ..io.resultdir import ResultView
from .common import clean_view, printable, repairs_note
from .style import COVERAGE_CLASSES, LOCKED_COLOUR, NEW_COLOUR, coverage_colour, coverage_labels

A3_LANDSCAPE = (16.54, 11.69)  # inches
PNG_DPI = 120  # 1985 x 1403 px
LOCKED_STYLE = {"color": LOCKED_COLOUR, "lw": 1.8, "ls": "-", "zorder": 4}
NEW_STYLE = {"color": NEW_COLOUR, "lw": 0.9, "ls": (0, (4, 2)), "zorder": 3, "alpha": 0.85}
LOWLAND_STYLE = {"marker": "s", "s": 14, "color": "#12355b", "zorder": 6, "linewidths": 0}
# A light box behind labels, not a path-effect halo: path effects turn text into outlines,
# and the PDF's names must stay searchable text.
LABEL_BOX = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.65}
SIMPLIFY_M = 60.0  # main map: well under a printed pixel of an A3 sheet (about 130 m)
INSET_SIMPLIFY_M = 8.0
INSET_RADIUS_KM = 9.0  # the urban core: units within this distance of the densest lowland unit
MAX_LABELS = 160  # per axes; beyond that only remote units are named, then none (use the HTML map)

STYLE = {
    "font.family": "DejaVu Sans",  # has every Vietnamese letter (DejaVu Sans Mono does not)
    "pdf.fonttype": 42,  # TrueType in the PDF: searchable, copyable Vietnamese text
    "svg.fonttype": "none",  # text stays text in SVG
}


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone holding a point."""
    zone = int((lon + 180) // 6) + 1
    return (32600 if lat >= 0 else 32700) + zone


def _project(view: ResultView, boundaries):
    """Units as projected points (x, y in metres), boundaries in the same CRS."""
    import geopandas as gpd

    units = view.units
    epsg = utm_epsg(float(units["lon"].mean()), float(units["lat"].mean()))
    pts = gpd.GeoDataFrame(
        units.copy(), geometry=gpd.points_from_xy(units["lon"], units["lat"]), crs=4326
    ).to_crs(epsg)
    pts["x"], pts["y"] = pts.geometry.x, pts.geometry.y
    polys = boundaries.to_crs(epsg) if boundaries is not None else None
    return pts.set_index("code", drop=False), polys


def _simplified(polys, tolerance_m: float):
    """Polygons simplified for drawing (topology kept), or None."""
    if polys is None:
        return None
    out = polys.copy()
    out["geometry"] = out.geometry.simplify(tolerance_m, preserve_topology=True)
    return out


def _urban_core(pts) -> tuple[float, float, float, float] | None:
    """Extent (x0, x1, y0, y1) of the densest cluster of lowland units, or None if sparse."""
    low = pts[pts["role"] == "lowland"]
    if len(low) < 8:
        return None
    from scipy.spatial import cKDTree

    xy = low[["x", "y"]].to_numpy()
    r = INSET_RADIUS_KM * 1000
    counts = np.asarray(cKDTree(xy).query_ball_point(xy, np.nextafter(r, 0), return_length=True))  # d < r
    if counts.max() < 6:
        return None
    cx, cy = xy[counts.argmax()]
    near = pts[np.hypot(pts["x"] - cx, pts["y"] - cy) < r]
    pad = 2500
    return near["x"].min() - pad, near["x"].max() + pad, near["y"].min() - pad, near["y"].max() + pad


def _inside(x, y, box) -> bool:
    return box is not None and box[0] <= x <= box[1] and box[2] <= y <= box[3]


def _draw_layers(ax, view: ResultView, pts, polys, labels: list, box=None, in_inset=False):
    """Polygons or points, pair lines and markers on one axes; collects label texts."""
    coverage = view.remote.set_index("remote_code")["coverage_ratio"]
    if polys is not None:
        roles = pts["role"]
        pol = polys[polys["code"].isin(pts.index) & ~polys.geometry.is_empty].copy()
        pol["role"] = pol["code"].map(roles)
        other = pol[pol["role"] != "remote"]
        if len(other):
            other.plot(ax=ax, color="#ececec", edgecolor="white", linewidth=0.5, zorder=1)
        rem = pol[pol["role"] == "remote"].copy()
        if len(rem):
            colours = [coverage_colour(v) for v in rem["code"].map(coverage)]
            rem.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.6, zorder=1)
        if len(pol):
            pol.boundary.plot(ax=ax, color="#9a9a9a", linewidth=0.25, zorder=2)
    for _, p in view.pairs.iterrows():
        a, b = pts.loc[p["lowland_code"]], pts.loc[p["remote_code"]]
        style = LOCKED_STYLE if p["locked"] else NEW_STYLE
        ax.plot([a.x, b.x], [a.y, b.y], solid_capstyle="round", **style)
    rem_pts = pts[pts["role"] == "remote"]
    low_pts = pts[pts["role"] == "lowland"]
    if polys is None:
        size = 150 * min(1.0, (100 / max(1, len(rem_pts))) ** 0.5)  # smaller dots when there are many
        ax.scatter(rem_pts["x"], rem_pts["y"], s=size, c=[coverage_colour(coverage.get(c)) for c in rem_pts.index],
                   edgecolors="#333333", linewidths=0.6, zorder=5)
    else:
        ax.scatter(rem_pts["x"], rem_pts["y"], s=10, color="#222222", zorder=5, linewidths=0)
    ax.scatter(low_pts["x"], low_pts["y"], **LOWLAND_STYLE)
    here = [(code, u) for code, u in pts.iterrows()
            if u["role"] in ("lowland", "remote") and in_inset == _inside(u.x, u.y, box)]
    if len(here) > MAX_LABELS:
        here = [(code, u) for code, u in here if u["role"] == "remote"]
    if len(here) > MAX_LABELS:
        here = []
    for code, u in here:  # each label on one axes only: the inset holds the urban core
        weight = "bold" if u["role"] == "remote" else "normal"
        size = 7.5 if u["role"] == "remote" else 6.5
        labels.append(ax.text(u.x, u.y, u["name"], fontsize=size, fontweight=weight, color="#111111",
                              bbox=LABEL_BOX, zorder=8, gid=f"label-{code}"))


def _spread(ax, texts, pts, time_limit: float) -> None:
    """Move labels off each other and off the markers (adjustText), then draw a plain leader
    line from each unit to its label where the label moved (cheaper than arrow patches)."""
    if not texts:
        return
    from adjustText import adjust_text

    anchors = [t_.get_position() for t_ in texts]
    adjust_text(texts, ax=ax, x=pts["x"].to_numpy(), y=pts["y"].to_numpy(), max_move=(60, 60),
                time_lim=time_limit, expand=(1.05, 1.2))
    x0, x1 = ax.get_xlim()
    near = 0.006 * abs(x1 - x0)  # moved less than this: no leader line
    for (ax_, ay_), text in zip(anchors, texts, strict=True):
        tx, ty = text.get_position()
        if abs(tx - ax_) + abs(ty - ay_) > near:
            ax.plot([ax_, tx], [ay_, ty], color="#666666", lw=0.5, zorder=7)


def _frame(ax, pts, polys) -> None:
    """Fit the axes to the paired units (not to far-off excluded areas such as Hoàng Sa)."""
    active = pts[pts["role"].isin(["lowland", "remote"])]
    if polys is not None:
        x0, y0, x1, y1 = polys[polys["code"].isin(active.index)].total_bounds
    else:
        x0, x1, y0, y1 = active["x"].min(), active["x"].max(), active["y"].min(), active["y"].max()
    pad = 0.04 * max(x1 - x0, y1 - y0, 1000)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def _north_arrow(ax, label: str) -> None:
    ax.annotate(label, xy=(0.04, 0.95), xytext=(0.04, 0.87), xycoords="axes fraction", ha="center",
                va="center", fontsize=12, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})


def _scale_bar(ax) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(ScaleBar(1, "m", location="lower left", box_alpha=0.7, font_properties={"size": 8}))


def _footer(fig, view: ResultView, polys, boundaries_name: str | None, lang: str) -> None:
    source = boundaries_name or (polys.attrs.get("source", "") if polys is not None else "")
    note = t("no_boundaries", lang) if polys is None else t("boundaries_source", lang, source=source)
    lines = [note]
    sources = view.sources(lang)
    if sources:
        lines.append(f"{t('sources', lang)}: " + " ".join(sources))
    assumptions = view.assumptions(lang)
    if assumptions:
        lines.append(f"{t('assumptions', lang)}: " + " ".join(assumptions))
    repairs = repairs_note(view.summary, lang)
    if repairs:
        lines.append(repairs)
    lines.append(t("made_with", lang, version=__version__))
    text = "\n".join(textwrap.fill(printable(line), 260) for line in lines)
    fig.text(0.02, 0.012, text, fontsize=6.2, va="bottom", ha="left", color="#333333", linespacing=1.25)


def _legend(fig, lang: str) -> None:
    lax = fig.add_axes((0.675, 0.085, 0.3, 0.2))
    lax.axis("off")
    handles = [
        Line2D([], [], marker="s", ls="", color=LOWLAND_STYLE["color"], markersize=6, label=t("lowland", lang)),
        Line2D([], [], marker="o", ls="", color="#bbbbbb", markeredgecolor="#333333", markersize=9,
               label=t("remote", lang)),
        Line2D([], [], color=LOCKED_STYLE["color"], lw=LOCKED_STYLE["lw"], label=t("locked_pair", lang)),
        Line2D([], [], color=NEW_STYLE["color"], lw=1.2, ls="--", label=t("new_pair", lang)),
    ]
    first = lax.legend(handles=handles, loc="upper left", frameon=False, fontsize=9)
    lax.add_artist(first)
    classes = [Patch(facecolor=c, edgecolor="#666666", label=label)
               for (_, c), label in zip(COVERAGE_CLASSES, coverage_labels(), strict=True)]
    lax.legend(handles=classes, loc="lower left", frameon=False, fontsize=9, ncol=3,
               title=t("coverage", lang), title_fontsize=9, alignment="left")


def _headline(fig, view: ResultView, lang: str) -> None:
    s = view.summary
    rows = [
        (t("n_pairs", lang), f"{s.get('n_pairs', len(view.pairs))} ({t('n_locked', lang).lower()}: "
                             f"{s.get('n_locked_pairs', int(view.pairs['locked'].sum()))})"),
        (t("min_coverage", lang), fmt_percent(s.get("min_coverage"), lang)),
        (t("total_shortfall", lang), fmt_number(s.get("total_shortfall"), lang)),
        (t("total_distance", lang), fmt_km(s.get("total_distance_km"), lang)),
        (t("longest_distance", lang), fmt_km(s.get("longest_distance_km"), lang)),
    ]
    y = 0.375
    for k, v in rows:
        fig.text(0.675, y, k, fontsize=9, color="#333333")
        fig.text(0.975, y, v, fontsize=9, ha="right", fontweight="bold")
        y -= 0.017


def plot_plan(view: ResultView, boundaries=None, lang: str = "vi", *, ax: Axes | None = None,
              extent: tuple[float, float, float, float] | None = None,
              unnamed: tuple[float, float, float, float] | None = None) -> Axes:
    """Draw the plan into ``ax`` (a new figure's only axes when None) and return the axes.

    Remote units are shaded by coverage (polygons from ``boundaries``, EPSG:4326 with
    ``code``, or points), existing twinnings solid, new ones dashed, names spread apart.
    ``extent`` (x0, x1, y0, y1 in the plan's UTM metres) draws only that part, at the detail
    of an inset; ``unnamed``, a box of the same kind, leaves its units unnamed (an inset
    names them). Without ``extent`` the axes is framed on the paired units, with a north
    arrow (label in ``lang``) and a scale bar."""
    t("north", lang)  # an unknown language fails before any drawing
    view = clean_view(view)
    with matplotlib.rc_context(STYLE):
        if ax is None:
            ax = Figure(figsize=(10, 10)).add_axes((0.02, 0.02, 0.96, 0.96))
        pts, polys = _project(view, boundaries)
        labels: list = []
        if extent is None:
            _draw_layers(ax, view, pts, _simplified(polys, SIMPLIFY_M), labels, box=unnamed, in_inset=False)
            _frame(ax, pts, polys)
            for side in ax.spines.values():
                side.set_color("#999999")
            _north_arrow(ax, t("north", lang))
            _scale_bar(ax)
            _spread(ax, labels, pts, 0.15)
            return ax
        clipped = None
        if polys is not None:
            from shapely.geometry import box as make_box

            clipped = _simplified(polys.clip(make_box(extent[0], extent[2], extent[1], extent[3])), INSET_SIMPLIFY_M)
        _draw_layers(ax, view, pts, clipped, labels, box=extent, in_inset=True)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        _scale_bar(ax)
        inside = pts[[_inside(x, y, extent) for x, y in zip(pts["x"], pts["y"], strict=True)]]
        _spread(ax, labels, inside, 0.05)
        return ax


def draw_map(view: ResultView, boundaries=None, lang: str = "vi", boundaries_name: str | None = None) -> Figure:
    """The committee map of a result, as an A3-landscape matplotlib Figure (no pyplot state):
    :func:`plot_plan` on the left, its urban core again in an inset on the right, with the
    legend, the headline figures and the sources."""
    t("title", lang)
    view = clean_view(view)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=A3_LANDSCAPE)
        fig.text(0.02, 0.965, t("title", lang), fontsize=20, fontweight="bold", va="top")
        when = fmt_date(view.created, lang)
        fig.text(0.02, 0.928, f"{t('scenario', lang, name=view.scenario_name)}    {t('date', lang, date=when)}",
                 fontsize=11, va="top", color="#333333")
        box = _urban_core(_project(view, None)[0])
        ax = plot_plan(view, boundaries, lang, ax=fig.add_axes((0.02, 0.085, 0.64, 0.83)), unnamed=box)
        if box is not None:
            ax.add_patch(Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False,
                                   ec="#333333", lw=1.0, ls="--", zorder=9))
            iax = plot_plan(view, boundaries, lang, ax=fig.add_axes((0.675, 0.42, 0.3, 0.49)), extent=box)
            iax.set_title(t("inset", lang), fontsize=10, loc="left")
        _legend(fig, lang)
        _headline(fig, view, lang)
        _footer(fig, view, boundaries, printable(boundaries_name) if boundaries_name else None, lang)
        return fig


def save_map(view: ResultView, boundaries, lang: str, path: Path, boundaries_name: str | None = None) -> None:
    """Write the map; the format follows the extension (.png at 120 dpi, .pdf, .svg)."""
    fig = draw_map(view, boundaries, lang, boundaries_name)
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    with matplotlib.rc_context(STYLE):
        if fmt == "png":  # for screens (print from the vector PDF): 120 dpi, light compression
            fig.savefig(path, format=fmt, dpi=PNG_DPI, pil_kwargs={"compress_level": 3})
        else:
            fig.savefig(path, format=fmt)
