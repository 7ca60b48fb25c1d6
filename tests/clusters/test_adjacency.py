"""Neighbour graphs for clusters (issue 12): shared borders, Delaunay on points, the island rule."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from matcher.clusters.adjacency import geodesic_matrix_m, join_islands, neighbours, point_adjacency, polygon_adjacency

D = 0.01  # a square's side in degrees (~1.1 km near Hải Phòng)


def squares(cells, lon0=106.6, lat0=20.8):
    """A GeoDataFrame of unit squares at grid cells (col, row), codes '0000i'."""
    geoms = [box(lon0 + c * D, lat0 + r * D, lon0 + (c + 1) * D, lat0 + (r + 1) * D) for c, r in cells]
    return gpd.GeoDataFrame({"code": [f"{i:05d}" for i in range(len(cells))]}, geometry=geoms, crs=4326)


def test_shared_edge_counts_corner_touch_does_not():
    """issue 12: a 2x2 block of squares: edge neighbours only, the diagonal (corner) pairs are not neighbours."""
    gdf = squares([(0, 0), (1, 0), (0, 1), (1, 1)])
    assert polygon_adjacency(gdf) == {"00000": ["00001", "00002"], "00001": ["00000", "00003"],
                                      "00002": ["00000", "00003"], "00003": ["00001", "00002"]}


def test_small_gap_is_snapped_but_far_squares_are_not():
    """issue 12: a 2 m digitising gap still shares a border; a square 1 km away has none."""
    gdf = squares([(0, 0), (2, 0)])
    near = box(106.6 + D + 0.00002, 20.8, 106.6 + 2 * D, 20.8 + D)  # ~2 m east of square 0
    gdf = gpd.GeoDataFrame({"code": ["00000", "00001", "00002"]},
                           geometry=[gdf.geometry[0], near, gdf.geometry[1]], crs=4326)
    got = polygon_adjacency(gdf)
    assert got["00000"] == ["00001"]
    assert got["00001"] == ["00000", "00002"]


def test_delaunay_on_points_drops_long_edges():
    """issue 12: a unit square of 4 points plus a far point: the far point's edges exceed 3 x the median."""
    pts = [(20.80, 106.60), (20.80, 106.61), (20.81, 106.60), (20.81, 106.61), (21.30, 107.30)]
    codes = ["a", "b", "c", "d", "far"]
    got = point_adjacency(codes, [p[0] for p in pts], [p[1] for p in pts])
    assert got["far"] == []
    square = {c: set(got[c]) for c in "abcd"}
    assert all(len(v) >= 2 for v in square.values())  # the four sides
    assert square["a"] >= {"b", "c"} and square["d"] >= {"b", "c"}
    assert all(a in got[b] for a in got for b in got[a])  # symmetric


def test_collinear_points_form_a_chain():
    """issue 12: points on a line (Delaunay impossible) become a path in order along the line."""
    lats, lons = [20.8, 20.8, 20.8, 20.8], [106.63, 106.60, 106.62, 106.61]
    got = point_adjacency(list("abcd"), lats, lons)
    assert got == {"a": ["c"], "b": ["d"], "c": ["a", "d"], "d": ["b", "c"]}


def test_islands_join_their_nearest_unit():
    """issue 12: two island squares with no shared border each join the geodesically nearest unit."""
    gdf = squares([(0, 0), (1, 0), (5, 0), (0, 9)])  # 00002 ~3 cells east of 00001; 00003 far north of 00000
    cent = gdf.geometry.representative_point()
    adj = neighbours(list(gdf["code"]), list(cent.y), list(cent.x), polygons=gdf)
    assert adj.method == "polygons"
    assert adj.island_links == (("00002", "00001"), ("00003", "00000"))
    assert adj.neighbours == {"00000": ["00001", "00003"], "00001": ["00000", "00002"], "00002": ["00001"],
                              "00003": ["00000"]}


def test_join_islands_leaves_connected_units_alone_and_points_fallback():
    """issue 12: no island, no link; without polygons the Delaunay rule is used and named."""
    neigh, links = join_islands({"a": ["b"], "b": ["a"]}, [20.8, 20.81], [106.6, 106.6])
    assert links == () and neigh == {"a": ["b"], "b": ["a"]}
    adj = neighbours(["a", "b", "c"], [20.8, 20.8, 20.81], [106.6, 106.61, 106.6])
    assert adj.method == "delaunay" and adj.island_links == ()
    assert adj.neighbours == {"a": ["b", "c"], "b": ["a", "c"], "c": ["a", "b"]}


def test_geodesic_matrix_is_symmetric_integer_metres():
    """issue 12: 0.01 degree of latitude near 20.8 N is 1107 m (WGS84), the matrix is symmetric with a zero diagonal."""
    m = geodesic_matrix_m([20.80, 20.81], [106.6, 106.6])
    assert m[0][0] == 0 and m[0][1] == m[1][0] == 1107
