"""Neighbour graphs of units for contiguous clusters (issue 12).

Three documented rules, applied by :func:`neighbours`:

- **Polygons** (:func:`polygon_adjacency`): two units are neighbours when their boundaries share
  a border of positive length. Boundaries are projected to the UTM zone of the units' mean
  longitude; a border counts when the part of one unit's boundary lying within ``snap_m``
  (default 5 m, to absorb digitising gaps) of the other unit is at least ``min_shared_m``
  long (default 50 m). Units touching at a point only share at most ~2·√2·``snap_m`` ≈ 14 m
  and do not count. Candidate pairs come from a shapely STRtree.
- **Points** (:func:`point_adjacency`): without polygons, the Delaunay edges of the projected
  points (``scipy.spatial.Delaunay``), dropping edges longer than ``cap_factor`` (default 3)
  times the median edge length, and edges that pass within 1 % of their length of a third point (on a
  regular grid Delaunay joins collinear points across the middle one: two units are not neighbours
  through a third). Collinear points (second principal spread under 0.1 % of the first) are chained in
  order along their line.
- **Islands** (:func:`join_islands`): a unit left with no neighbour (Hải Phòng's special zones
  Bạch Long Vĩ and Cát Hải when their polygons share no border) is joined to the nearest
  other unit by geodesic distance (WGS84, centre points). The added links are returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from pyproj import CRS, Geod, Transformer

SNAP_M = 5.0
MIN_SHARED_M = 50.0
CAP_FACTOR = 3.0
THROUGH = 0.01  # an edge passing this close (share of its length) to a third point is dropped
FLAT = 1e-3  # points whose second principal spread is below this share of the first count as collinear
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Adjacency:
    """``neighbours`` code -> sorted neighbour codes (symmetric); ``island_links`` the pairs added
    by the island rule; ``method`` "polygons" or "delaunay"."""

    neighbours: dict[str, list[str]]
    island_links: tuple[tuple[str, str], ...]
    method: str


def utm_crs(lons: Sequence[float], lats: Sequence[float]) -> CRS:
    """The WGS84 UTM zone of the mean point."""
    lon, lat = float(np.mean(lons)), float(np.mean(lats))
    zone = int((lon + 180) // 6) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def _project(lons, lats) -> np.ndarray:
    tr = Transformer.from_crs(4326, utm_crs(lons, lats), always_xy=True)
    x, y = tr.transform(np.asarray(lons, float), np.asarray(lats, float))
    return np.column_stack([x, y])


def _symmetric(codes: Sequence[str], pairs) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {c: set() for c in codes}
    for a, b in pairs:
        if a != b:
            out[a].add(b)
            out[b].add(a)
    return {c: sorted(v) for c, v in out.items()}


def polygon_adjacency(gdf, code_col: str = "code", snap_m: float = SNAP_M,
                      min_shared_m: float = MIN_SHARED_M) -> dict[str, list[str]]:
    """Shared-border neighbours of the polygons in ``gdf`` (EPSG:4326, one row per code)."""
    from shapely import STRtree

    geo = gdf.to_crs(4326)
    cent = geo.geometry.representative_point()
    proj = geo.to_crs(utm_crs(cent.x, cent.y))
    codes = [str(c) for c in proj[code_col]]
    geoms = list(proj.geometry.values)
    grown = [g.buffer(snap_m) for g in geoms]
    tree = STRtree(grown)
    left, right = tree.query(grown, predicate="intersects")
    pairs = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j:
            shared = max(geoms[i].boundary.intersection(grown[j]).length,
                         geoms[j].boundary.intersection(grown[i]).length)
            if shared >= min_shared_m:
                pairs.append((codes[i], codes[j]))
    return _symmetric(codes, pairs)


def _passes_through(xy: np.ndarray, a: int, b: int, share: float = THROUGH) -> bool:
    """Does segment a-b pass within ``share`` of its length of a third point (collinear points)?"""
    ab = xy[b] - xy[a]
    length2 = float(ab @ ab)
    if length2 == 0:
        return False
    rel = xy - xy[a]
    t = rel @ ab / length2
    off = np.hypot(*(rel - np.outer(t, ab)).T)
    inside = (t > 1e-9) & (t < 1 - 1e-9)
    inside[[a, b]] = False
    return bool(np.any(inside & (off <= share * np.sqrt(length2))))


def point_adjacency(codes: Sequence[str], lats: Sequence[float], lons: Sequence[float],
                    cap_factor: float = CAP_FACTOR) -> dict[str, list[str]]:
    """Delaunay neighbours of the points, edges over ``cap_factor`` x the median edge dropped."""
    from scipy.spatial import Delaunay, QhullError

    codes = [str(c) for c in codes]
    n = len(codes)
    if n < 2:
        return {c: [] for c in codes}
    xy = _project(lons, lats)
    edges: set[tuple[int, int]] = set()
    centred = xy - xy.mean(axis=0)
    _, spread, axes = np.linalg.svd(centred, full_matrices=False)
    try:
        if n < 3 or spread[1] <= FLAT * spread[0]:
            raise QhullError("two or (nearly) collinear points")
        for simplex in Delaunay(xy).simplices:
            a, b, c = sorted(int(v) for v in simplex)
            edges |= {(a, b), (a, c), (b, c)}
    except QhullError:  # collinear (or two) points: a chain along the line
        order = np.argsort(centred @ axes[0], kind="stable")
        edges = {tuple(sorted((int(a), int(b)))) for a, b in pairwise(order)}
    pairs = [(a, b) for a, b in sorted(edges) if not _passes_through(xy, a, b)]
    length = np.array([np.hypot(*(xy[a] - xy[b])) for a, b in pairs])
    cap = cap_factor * float(np.median(length))
    return _symmetric(codes, [(codes[a], codes[b]) for (a, b), d in zip(pairs, length, strict=True) if d <= cap])


def join_islands(neigh: dict[str, list[str]], lats: Sequence[float], lons: Sequence[float]):
    """Join every unit with no neighbour to its nearest other unit (geodesic). ``lats``/``lons`` in
    the order of ``neigh``'s keys. Returns (new neighbours, added links)."""
    codes = list(neigh)
    lat, lon = np.asarray(lats, float), np.asarray(lons, float)
    links = []
    for i, c in enumerate(codes):
        if neigh[c] or len(codes) < 2:
            continue
        _, _, d = _GEOD.inv(np.full(len(codes), lon[i]), np.full(len(codes), lat[i]), lon, lat)
        d[i] = np.inf
        j = int(np.argmin(d))
        links.append((c, codes[j]))
    pairs = [(a, b) for a in codes for b in neigh[a]] + links
    return _symmetric(codes, pairs), tuple(links)


def neighbours(codes: Sequence[str], lats: Sequence[float], lons: Sequence[float], polygons=None,
               code_col: str = "code") -> Adjacency:
    """The neighbour graph: shared borders when ``polygons`` covers every code, else Delaunay;
    then the island rule. Polygons for other codes are ignored."""
    codes = [str(c) for c in codes]
    if polygons is not None:
        sub = polygons[polygons[code_col].astype(str).isin(codes)]
        missing = set(codes) - set(sub[code_col].astype(str))
        if missing:
            raise ValueError(f"no polygon for {len(missing)} unit(s): {', '.join(sorted(missing)[:5])}")
        found = polygon_adjacency(sub, code_col)
        neigh, method = {c: found[c] for c in codes}, "polygons"
    else:
        neigh, method = point_adjacency(codes, lats, lons), "delaunay"
    neigh, links = join_islands(neigh, lats, lons)
    return Adjacency(neigh, links, method)


def geodesic_matrix_m(lats: Sequence[float], lons: Sequence[float]) -> list[list[int]]:
    """Integer metres between every pair of points (WGS84), for the compactness stage."""
    lat, lon = np.asarray(lats, float), np.asarray(lons, float)
    n = len(lat)
    a, b = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    _, _, d = _GEOD.inv(lon[a.ravel()], lat[a.ravel()], lon[b.ravel()], lat[b.ravel()])
    return np.rint(d).astype(int).reshape(n, n).tolist()
