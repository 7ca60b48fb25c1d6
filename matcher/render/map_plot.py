"""The plan drawn into one matplotlib Axes: polygons or points, pair lines, numbered labels.

Used by :mod:`matcher.render.maps` (the committee sheet) and :mod:`matcher.render.diff`.
Coordinates are the UTM zone of the units (metres), so the scale bar is true. Remote communes
carry their number and name, lowland units their name and the number of their partner
(:mod:`matcher.render.map_labels`); labels never overlap (:class:`~.map_labels.Placer`). A pair
longer than a third of the map is drawn as two short spokes, one at each end pointing at the
other, not as a line across the map; shorter pairs as full lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..io.resultdir import ResultView
from .map_labels import ARROW, FLAG, Placer, flagged_remote, partner_colours, partners_of, remote_numbers
from .style import LOCKED_COLOUR, NEW_COLOUR, coverage_colour

LOCKED_STYLE = {"color": LOCKED_COLOUR, "lw": 1.5, "ls": "-", "zorder": 4}
NEW_STYLE = {"color": NEW_COLOUR, "lw": 0.8, "ls": (0, (4, 2)), "zorder": 3, "alpha": 0.85}
LOWLAND_STYLE = {"marker": "s", "s": 14, "color": "#12355b", "zorder": 6, "linewidths": 0}
# A light box behind labels, not a path-effect halo: path effects turn text into outlines,
# and the PDF's names must stay searchable text.
LABEL_BOX = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75}
FLAG_BOX = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "#b2182b", "lw": 0.9, "alpha": 0.9}
REMOTE_PT, LOWLAND_PT = 7.5, 7.0  # printed sizes: the figure is the paper
SIMPLIFY_M = 60.0
INSET_SIMPLIFY_M = 8.0
INSET_RADIUS_KM = 9.0  # the urban core: units within this distance of the densest lowland unit
SPOKE_FROM = 1 / 3  # pairs longer than this share of the map's span are drawn as spokes
SPOKE_LEN = 0.06  # each spoke: this share of the span


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
    pts["code"] = pts["code"].astype(str)
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


@dataclass
class PlanContext:
    """What every axes of one sheet shares: projected units and polygons, numbers, colours."""

    view: ResultView
    pts: object
    polys: object
    numbers: dict
    colours: dict
    partners: dict
    flagged: dict


def context(view: ResultView, boundaries) -> PlanContext:
    """Project once, number the remote communes, colour them, list partners and flags."""
    pts, polys = _project(view, boundaries)
    numbers = remote_numbers(view)
    return PlanContext(view, pts, polys, numbers, partner_colours(pts, numbers), partners_of(view),
                       flagged_remote(view.summary))


def _frame(ax, pts, polys) -> None:
    """Fit the axes to every paired unit: its polygon where there is one, its point always (a
    layer that covers only some units never crops the others); far-off excluded areas such as
    Hoàng Sa are left out."""
    active = pts[pts["role"].isin(["lowland", "remote"])]
    x0, x1, y0, y1 = active["x"].min(), active["x"].max(), active["y"].min(), active["y"].max()
    if polys is not None:
        mine = polys[polys["code"].isin(active.index) & ~polys.geometry.is_empty]
        if len(mine):
            px0, py0, px1, py1 = mine.total_bounds
            x0, x1, y0, y1 = min(x0, px0), max(x1, px1), min(y0, py0), max(y1, py1)
    fit_box(ax, x0, y0, x1, y1)


def fit_box(ax, x0: float, y0: float, x1: float, y1: float) -> None:
    """Show the box (metres) with a 4 % margin, equal aspect, no ticks or axis labels."""
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
                va="center", fontsize=10, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2})


def _scale_bar(ax) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(ScaleBar(1, "m", location="lower left", box_alpha=0.7, font_properties={"size": 7},
                           length_fraction=0.2))


def _spread(ax, texts, pts, time_limit: float) -> None:
    """Move labels off each other (adjustText) with leader lines; the difference map's placer."""
    if not texts:
        return
    from adjustText import adjust_text

    anchors = [t_.get_position() for t_ in texts]
    adjust_text(texts, ax=ax, x=pts["x"].to_numpy(), y=pts["y"].to_numpy(), max_move=(60, 60),
                time_lim=time_limit, expand=(1.05, 1.2))
    x0, x1 = ax.get_xlim()
    near = 0.006 * abs(x1 - x0)
    for (ax_, ay_), text in zip(anchors, texts, strict=True):
        tx, ty = text.get_position()
        if abs(tx - ax_) + abs(ty - ay_) > near:
            ax.plot([ax_, tx], [ay_, ty], color="#666666", lw=0.5, zorder=7)


def _areas(ax, ctx: PlanContext, polys) -> set:
    """Polygons shaded by coverage (remote) or grey; returns the codes drawn as polygons."""
    if polys is None:
        return set()
    coverage = ctx.view.remote.set_index("remote_code")["coverage_ratio"]
    pol = polys[polys["code"].isin(ctx.pts.index) & ~polys.geometry.is_empty].copy()
    pol["role"] = pol["code"].map(ctx.pts["role"])
    other = pol[pol["role"] != "remote"]
    if len(other):
        other.plot(ax=ax, color="#ececec", edgecolor="white", linewidth=0.5, zorder=1)
    rem = pol[pol["role"] == "remote"]
    if len(rem):
        rem.plot(ax=ax, color=[coverage_colour(v) for v in rem["code"].map(coverage)], edgecolor="white",
                 linewidth=0.6, zorder=1)
    if len(pol):
        pol.boundary.plot(ax=ax, color="#9a9a9a", linewidth=0.25, zorder=2)
    return set(pol["code"])


def _pair_lines(ax, ctx: PlanContext, spokes: bool) -> None:
    """One Line2D per pair: the whole line, or (long pairs, ``spokes``) two short spokes."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span = max(abs(x1 - x0), abs(y1 - y0))
    pts = ctx.pts
    for _, p in ctx.view.pairs.iterrows():
        a, b = pts.loc[str(p["lowland_code"])], pts.loc[str(p["remote_code"])]
        style = LOCKED_STYLE if p["locked"] else NEW_STYLE
        d = float(np.hypot(b.x - a.x, b.y - a.y))
        if spokes and d > SPOKE_FROM * span:
            ux, uy = (b.x - a.x) / d * SPOKE_LEN * span, (b.y - a.y) / d * SPOKE_LEN * span
            xs, ys = [a.x, a.x + ux, np.nan, b.x - ux, b.x], [a.y, a.y + uy, np.nan, b.y - uy, b.y]
        else:
            xs, ys = [a.x, b.x], [a.y, b.y]
        ax.plot(xs, ys, solid_capstyle="round", **style)


def _markers(ax, ctx: PlanContext, with_poly: set, here) -> None:
    pts = ctx.pts
    coverage = ctx.view.remote.set_index("remote_code")["coverage_ratio"]
    rem = pts[(pts["role"] == "remote") & here]
    dots = rem[[c not in with_poly for c in rem.index]]
    on_poly = rem[[c in with_poly for c in rem.index]]
    if len(dots):
        size = 90 * min(1.0, (100 / max(1, len(rem))) ** 0.5)
        ax.scatter(dots["x"], dots["y"], s=size, c=[coverage_colour(coverage.get(c)) for c in dots.index],
                   edgecolors="#333333", linewidths=0.6, zorder=5)
    if len(on_poly):
        ax.scatter(on_poly["x"], on_poly["y"], s=8, color="#222222", zorder=5, linewidths=0)
    low = pts[(pts["role"] == "lowland") & here]
    colours = [ctx.colours.get((ctx.partners.get(c) or [None])[0], "#bbbbbb") for c in low.index]
    ax.scatter(low["x"], low["y"], marker="s", s=16, c=colours, edgecolors="#222222", linewidths=0.4, zorder=6)


def _label_texts(ctx: PlanContext, code: str, u) -> tuple[str, str, str, bool]:
    """(label, short label, colour, flagged) of one unit."""
    if u["role"] == "remote":
        n = ctx.numbers.get(code, "")
        flag = code in ctx.flagged
        tail = f" {FLAG}" if flag else ""
        return f"{n} {u['name']}{tail}", f"{n}{tail}", "#111111", flag
    mine = ctx.partners.get(code, [])
    nums = ",".join(str(ctx.numbers[r]) for r in mine if r in ctx.numbers)
    if not nums:
        return str(u["name"]), "", "#555555", False
    return f"{u['name']} {ARROW}{nums}", f"{ARROW}{nums}", "#111111", False


def _labels(ax, ctx: PlanContext, in_box, obstacles_axes=()) -> Placer:
    """Every remote and paired lowland unit with ``in_box`` True, placed without overlap."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.get_figure(root=True)
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()
    pts = ctx.pts
    units = pts[pts["role"].isin(["lowland", "remote"])]
    px = ax.transData.transform(units[["x", "y"]].to_numpy(dtype=float))
    obstacles = []
    for fx0, fy0, fx1, fy1 in obstacles_axes:
        (a, b), (c, d) = ax.transAxes.transform([(fx0, fy0), (fx1, fy1)])
        obstacles.append((a, b, c, d))
    placer = Placer(ax, renderer, px, 5.0 * fig.dpi / 72, obstacles)
    order = []
    for (code, u), (x, y) in zip(units.iterrows(), px, strict=True):
        if not in_box(u.x, u.y):
            continue
        label, short, colour, flag = _label_texts(ctx, code, u)
        if u["role"] == "lowland" and not short:
            continue  # an unpaired lowland unit: its marker only
        crowd = int(np.sum(np.hypot(px[:, 0] - x, px[:, 1] - y) < 40 * fig.dpi / 72))
        order.append((0 if u["role"] == "remote" else 1, -crowd, code, u, label, short, colour, flag, (x, y)))
    order.sort(key=lambda o: o[:3])
    for role_rank, _, code, _, label, short, colour, flag, anchor in order:
        remote = role_rank == 0
        text = ax.text(0, 0, label, fontsize=REMOTE_PT if remote else LOWLAND_PT,
                       fontweight="bold" if remote else "normal", color=colour, zorder=8,
                       bbox=FLAG_BOX if flag else LABEL_BOX, gid=f"label-{code}", clip_on=False)
        placer.place(text, anchor, short=short or None)
    placer.draw_leaders(colors="#777777", linewidths=0.4, zorder=7)
    return placer


def plot_into(ax, ctx: PlanContext, lang: str, *, extent=None, unnamed=None, north: str = "N") -> None:
    """Draw the plan of ``ctx`` into ``ax``: the whole map (``extent`` None: framed on every unit,
    spokes for long pairs, north arrow, scale bar; units inside ``unnamed`` left to an inset),
    or the part within ``extent`` (x0, x1, y0, y1 metres) at an inset's detail."""
    if extent is None:
        with_poly = _areas(ax, ctx, _simplified(ctx.polys, SIMPLIFY_M))
        _frame(ax, ctx.pts, ctx.polys)
        _pair_lines(ax, ctx, spokes=True)
        _markers(ax, ctx, with_poly, ctx.pts["role"].notna())
        for side in ax.spines.values():
            side.set_color("#999999")
        _north_arrow(ax, north)
        _scale_bar(ax)
        _labels(ax, ctx, lambda x, y: not _inside(x, y, unnamed),
                obstacles_axes=[(0.0, 0.82, 0.08, 1.0), (0.0, 0.0, 0.3, 0.09)])
        return
    clipped = None
    if ctx.polys is not None:
        from shapely.geometry import box as make_box

        clipped = _simplified(ctx.polys.clip(make_box(extent[0], extent[2], extent[1], extent[3])), INSET_SIMPLIFY_M)
    with_poly = _areas(ax, ctx, clipped)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _pair_lines(ax, ctx, spokes=False)
    here = np.array([_inside(x, y, extent) for x, y in zip(ctx.pts["x"], ctx.pts["y"], strict=True)])
    _markers(ax, ctx, with_poly, here)
    _scale_bar(ax)
    _labels(ax, ctx, lambda x, y: _inside(x, y, extent), obstacles_axes=[(0.0, 0.0, 0.3, 0.12)])
