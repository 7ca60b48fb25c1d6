"""Emulation clusters drawn into one matplotlib Axes (issue 12; the sheet is :mod:`.cluster_map`).

Each cluster in its colour (:func:`matcher.render.cluster_colours.cluster_colours`: neighbours
differ): member polygons when boundaries are given (cluster borders drawn heavier), else the
members' points and, shaded, the union of their Voronoi cells cut near the points (derived, said
so in the footer; the convex hull when the points give no cells). The cluster's number sits in a
circle at its centre (the representative point of its dissolved area); the host (or, for a year,
that year's head) is a star and named, deputies a triangle and named. Names are placed by
:class:`matcher.render.map_labels.Placer`, never over another text, a marker or a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cluster_colours import cluster_colours
from .map_labels import Placer
from .map_plot import _north_arrow, _scale_bar, fit_box, utm_epsg

NUMBER_PT, HEAD_PT, DEPUTY_PT = 11.0, 7.5, 7.0
NUMBER_BOX = {"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#222222", "lw": 0.9}
NAME_BOX = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}
HULL_BUFFER_M = 1200.0
FAR_FACTOR, FAR_MIN_M, FAR_MAX = 8.0, 25_000.0, 3
REACH = 2.5  # a Voronoi cell reaches this many median nearest-neighbour distances from its point
SIMPLIFY_M = 40.0
HEAD_STYLE = {"marker": "*", "s": 150, "color": "#111111", "edgecolors": "white", "linewidths": 0.6, "zorder": 7}
DEPUTY_STYLE = {"marker": "^", "s": 34, "color": "#444444", "edgecolors": "white", "linewidths": 0.5, "zorder": 7}


@dataclass
class ClusterPlot:
    """What a cluster map shares: projected points (index code: x, y, cluster, name), the
    projected polygons (code, cluster, geometry) or None, the cluster shapes and centres,
    colours and leaders (cluster -> (head code, deputy codes))."""

    view: object
    pts: object
    polys: object
    shapes: dict
    centres: dict
    colours: dict
    leaders: dict
    far: tuple = ()


def far_units(pts) -> tuple[str, ...]:
    """Units far off the rest (an island 70 km out): nearest other unit more than
    :data:`FAR_FACTOR` times the median nearest distance and over :data:`FAR_MIN_M`; drawn in
    an inset so that they do not shrink the map. Never more than :data:`FAR_MAX` of them."""
    if len(pts) < 8:
        return ()
    from scipy.spatial import cKDTree

    xy = pts[["x", "y"]].to_numpy(dtype=float)
    d, _ = cKDTree(xy).query(xy, k=2)
    nn = d[:, 1]
    limit = max(FAR_MIN_M, FAR_FACTOR * float(np.median(nn)))
    far = [(nn[i], c) for i, c in enumerate(pts.index) if nn[i] > limit]
    return tuple(c for _, c in sorted(far, reverse=True)[:FAR_MAX])


def point_regions(pts) -> dict:
    """Without boundaries: cluster -> the union of its members' Voronoi cells, each cell cut to
    :data:`REACH` times the median nearest-neighbour distance around its point (derived areas
    that tile the map without overlapping, unlike hulls); {} when the points give no cells."""
    if len(pts) < 4:
        return {}
    from scipy.spatial import cKDTree
    from shapely import MultiPoint, Point, union_all, voronoi_polygons

    xy = pts[["x", "y"]].to_numpy(dtype=float)
    d, _ = cKDTree(xy).query(xy, k=2)
    reach = max(REACH * float(np.median(d[:, 1])), HULL_BUFFER_M)
    try:
        cells = voronoi_polygons(MultiPoint([tuple(p) for p in xy]), ordered=True).geoms
    except Exception:  # degenerate point sets: the hulls instead
        return {}
    parts: dict = {}
    for (x, y), cell, c in zip(xy, cells, pts["cluster"].astype(int), strict=True):
        parts.setdefault(c, []).append(cell.intersection(Point(x, y).buffer(reach)))
    return {c: union_all(ps, grid_size=1.0) for c, ps in parts.items()}  # a 1 m grid: no slivers between cells


def cluster_context(view, boundaries=None) -> ClusterPlot:
    """Project once; dissolve polygons (or hull the points) per cluster; colour; leaders."""
    import geopandas as gpd
    from shapely.geometry import MultiPoint

    u = view.units
    epsg = utm_epsg(float(u["lon"].mean()), float(u["lat"].mean()))
    g = gpd.GeoDataFrame(u.copy(), geometry=gpd.points_from_xy(u["lon"], u["lat"]), crs=4326).to_crs(epsg)
    g["x"], g["y"] = g.geometry.x, g.geometry.y
    pts = g.set_index("code", drop=False)
    far = far_units(pts)
    near = pts[~pts.index.isin(far)]
    polys, shapes = None, {}
    if boundaries is not None:
        p = boundaries[boundaries["code"].astype(str).isin(pts.index)].to_crs(epsg)
        p = p[~p.geometry.is_empty].copy()
        if len(p):
            p["cluster"] = p["code"].map(pts["cluster"])
            p["geometry"] = p.geometry.simplify(SIMPLIFY_M, preserve_topology=True)
            polys = p
            shapes = {int(c): geom for c, geom in p[~p["code"].isin(far)].dissolve("cluster").geometry.items()}
    if not shapes:
        shapes = point_regions(near)
    for c, grp in near.groupby("cluster"):
        if int(c) not in shapes:
            shapes[int(c)] = MultiPoint(list(zip(grp["x"], grp["y"], strict=True))).convex_hull.buffer(HULL_BUFFER_M)
    centres = {}
    for c, shape in shapes.items():
        pt = shape.representative_point()
        centres[c] = (pt.x, pt.y)
    colours = cluster_colours(set(pts["cluster"].astype(int)), view.adjacent_clusters())
    return ClusterPlot(view, pts, polys, shapes, centres, colours, view.leaders(), far)


def _frame(ax, ctx: ClusterPlot) -> None:
    near = ctx.pts[~ctx.pts.index.isin(ctx.far)]
    x0, x1 = near["x"].min(), near["x"].max()
    y0, y1 = near["y"].min(), near["y"].max()
    for shape in ctx.shapes.values():
        a, b, c, d = shape.bounds
        x0, y0, x1, y1 = min(x0, a), min(y0, b), max(x1, c), max(y1, d)
    fit_box(ax, x0, y0, x1, y1)
    for side in ax.spines.values():
        side.set_color("#999999")


def _areas(ax, ctx: ClusterPlot) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    def patch(geom, **style):
        polys = getattr(geom, "geoms", [geom])
        verts, codes = [], []
        for poly in polys:
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                verts += list(xy)
                codes += [MPath.MOVETO] + [MPath.LINETO] * (len(xy) - 2) + [MPath.CLOSEPOLY]
        if verts:
            ax.add_patch(PathPatch(MPath(verts, codes), **style))

    if ctx.polys is not None:
        for _, r in ctx.polys[~ctx.polys["code"].isin(ctx.far)].iterrows():  # far units: in their inset
            patch(r.geometry, fc=ctx.colours[int(r.cluster)], ec="white", lw=0.4, zorder=1)
    for c, shape in ctx.shapes.items():
        drawn = ctx.polys is not None and c in set(ctx.polys["cluster"].astype(int))
        if not drawn:
            patch(shape, fc=ctx.colours[c], ec="none", alpha=0.55, zorder=1)
        patch(shape, fc="none", ec="#333333", lw=1.1, zorder=3)
    near = ctx.pts[~ctx.pts.index.isin(ctx.far)]
    ax.scatter(near["x"], near["y"], s=10 if ctx.polys is None else 4,
               c=[ctx.colours[int(c)] for c in near["cluster"]], edgecolors="#333333",
               linewidths=0.4 if ctx.polys is None else 0.2, zorder=4)


def _renderer(ax):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.get_figure(root=True)
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _labels(ax, ctx: ClusterPlot, obstacles_axes) -> Placer:
    renderer = _renderer(ax)
    ax.apply_aspect()
    fig = ax.get_figure(root=True)
    marked = [(code, True) for code, _ in ctx.leaders.values()]
    marked += [(d, False) for _, deps in ctx.leaders.values() for d in deps]
    marked = [(c, head) for c, head in marked if c in ctx.pts.index and c not in ctx.far]
    px = ax.transData.transform(np.array([[ctx.pts.loc[c, "x"], ctx.pts.loc[c, "y"]] for c, _ in marked]
                                         or np.zeros((0, 2))))
    obstacles = []
    for fx0, fy0, fx1, fy1 in obstacles_axes:
        (a, b), (c, d) = ax.transAxes.transform([(fx0, fy0), (fx1, fy1)])
        obstacles.append((a, b, c, d))
    placer = Placer(ax, renderer, px, 7.0 * fig.dpi / 72, obstacles)
    for c in sorted(ctx.centres):  # the numbers first, at the centres (moved only when two meet)
        x, y = ctx.centres[c]
        text = ax.text(x, y, str(c), fontsize=NUMBER_PT, fontweight="bold", ha="center", va="center",
                       bbox=NUMBER_BOX, zorder=9, gid=f"cluster-{c}", clip_on=False)
        ext = text.get_window_extent(renderer)
        box = (ext.x0 - 3, ext.y0 - 3, ext.x1 + 3, ext.y1 + 3)
        if placer._free(box):
            placer.boxes.append(np.asarray([box]))
            placer._all = None
        else:
            placer.place(text, ax.transData.transform((x, y)))
    names = ctx.view.names
    for (code, head), anchor in zip(marked, px, strict=True):
        text = ax.text(0, 0, names.get(code, code), fontsize=HEAD_PT if head else DEPUTY_PT,
                       fontweight="bold" if head else "normal", color="#111111" if head else "#333333",
                       bbox=NAME_BOX, zorder=8, gid=f"name-{code}", clip_on=False)
        placer.place(text, anchor)
    placer.draw_leaders(colors="#777777", linewidths=0.4, zorder=7)
    return placer


def plot_clusters(ax, ctx: ClusterPlot, north: str = "N") -> Placer:
    """Draw the clusters of ``ctx`` into ``ax`` (areas, points, heads, deputies, numbers, names,
    north arrow, scale bar); returns the placer (its boxes are every placed text)."""
    _areas(ax, ctx)
    _frame(ax, ctx)
    heads = [c for c, _ in ctx.leaders.values() if c in ctx.pts.index and c not in ctx.far]
    deps = [d for _, ds in ctx.leaders.values() for d in ds if d in ctx.pts.index and d not in ctx.far]
    if heads:
        ax.scatter(ctx.pts.loc[heads, "x"], ctx.pts.loc[heads, "y"], **HEAD_STYLE)
    if deps:
        ax.scatter(ctx.pts.loc[deps, "x"], ctx.pts.loc[deps, "y"], **DEPUTY_STYLE)
    _north_arrow(ax, north)
    _scale_bar(ax)
    boxes = [_inset(ax, ctx, code, i) for i, code in enumerate(ctx.far)]
    return _labels(ax, ctx, [(0.0, 0.82, 0.08, 1.0), (0.0, 0.0, 0.3, 0.09), *boxes])


INSET = 0.17  # side of a far unit's inset, share of the axes


def _inset(ax, ctx: ClusterPlot, code: str, i: int) -> tuple[float, float, float, float]:
    """A far unit in a small box at the axes' lower right (the i-th from the right), named with
    its cluster; returns the box (axes fractions, its title included) for the placer."""
    x0 = 1 - (i + 1) * (INSET + 0.015)
    box = (x0, 0.015, INSET, INSET)
    sub = ax.inset_axes(box)
    u = ctx.pts.loc[code]
    c = int(u["cluster"])
    geom = None
    if ctx.polys is not None:
        mine = ctx.polys[ctx.polys["code"] == code]
        geom = mine.geometry.iloc[0] if len(mine) else None
    if geom is not None:
        from shapely.geometry import box as make_box

        gx0, gy0, gx1, gy1 = geom.bounds
        pad = 0.15 * max(gx1 - gx0, gy1 - gy0, 500)
        frame = (gx0 - pad, gx1 + pad, gy0 - pad, gy1 + pad)
        clipped = ctx.polys.clip(make_box(frame[0], frame[2], frame[1], frame[3]))
        for _, r in clipped.iterrows():
            for poly in getattr(r.geometry, "geoms", [r.geometry]):
                if poly.geom_type == "Polygon":
                    xs, ys = poly.exterior.xy
                    sub.fill(xs, ys, fc=ctx.colours[int(r.cluster)], ec="#333333", lw=0.6)
    else:
        frame = (u.x - 3000, u.x + 3000, u.y - 3000, u.y + 3000)
        sub.scatter([u.x], [u.y], s=30, c=[ctx.colours[c]], edgecolors="#333333", linewidths=0.5)
    heads = {h for h, _ in ctx.leaders.values()}
    deps = {d for _, ds in ctx.leaders.values() for d in ds}
    if code in heads:
        sub.scatter([u.x], [u.y], **HEAD_STYLE)
    elif code in deps:
        sub.scatter([u.x], [u.y], **DEPUTY_STYLE)
    sub.set_xlim(frame[0], frame[1])
    sub.set_ylim(frame[2], frame[3])
    sub.set_aspect("equal", adjustable="box")
    sub.set_xticks([])
    sub.set_yticks([])
    for side in sub.spines.values():
        side.set_color("#666666")
    sub.set_title(f"{ctx.view.names.get(code, code)} ({c})", fontsize=DEPUTY_PT, pad=2)
    return (x0 - 0.005, 0.0, x0 + INSET + 0.005, 0.015 + INSET + 0.05)
