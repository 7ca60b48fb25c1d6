"""issue 12: the static map of a cluster folder (matcher.render.cluster_map, matcher map)."""

from __future__ import annotations

import pytest
from cluster_folders import haiphong_boundaries, haiphong_folder, tiny_folder
from helpers import invoke

from matcher.clusters.cluster_view import read_cluster_dir
from matcher.render.cluster_colours import CLUSTER_PALETTE, cluster_colours
from matcher.render.cluster_map import cluster_sheet
from matcher.render.cluster_plot import cluster_context
from matcher.render.legibility import label_report


@pytest.fixture(scope="module")
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture(scope="module")
def haiphong():
    folder, bounds = haiphong_folder(), haiphong_boundaries()
    if folder is None:
        pytest.skip("../shared/data/vietnam_2025 is absent")
    from matcher.io.geo import read_boundaries

    return folder, bounds, read_boundaries(bounds)


def test_greedy_colouring_separates_neighbours():
    """issue 12: on a wheel of 25 clusters (hub touching all, rim a cycle) no two adjacent share a colour."""
    rim = list(range(2, 27))
    adj = [(1, r) for r in rim] + [(a, b) for a, b in zip(rim, rim[1:] + rim[:1], strict=True)]
    colours = cluster_colours(range(1, 27), adj)
    assert all(colours[a] != colours[b] for a, b in adj)
    assert len(CLUSTER_PALETTE) >= 12 and len(set(CLUSTER_PALETTE)) == len(CLUSTER_PALETTE)
    assert len(set(cluster_colours(range(1, 16), []).values())) == 15  # up to 20 clusters: each its own colour


def test_tiny_map_texts_and_year(tmp_path):
    """issue 12: the 9-unit map names the hosts, or with a year that year's head and deputy, no text overlapping."""
    view = read_cluster_dir(tiny_folder(tmp_path / "c"))
    texts = {t.get_text() for t in cluster_sheet(view).findobj(lambda a: hasattr(a, "get_text"))}
    assert {"Bạch Đằng", "Hải An", "Ngô Quyền"} <= texts and "Đơn vị đăng cai" in texts
    assert "3 cụm, 9 đơn vị · lệch dân số lớn nhất 21%" in texts  # (51 - 42) / 42
    fig = cluster_sheet(read_cluster_dir(tmp_path / "c", year=2026))
    names = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
    assert names["name-10000"] == "An Dương" and names["name-10001"] == "Bạch Đằng"  # head, deputy of cluster 1
    assert {"cluster-1", "cluster-2", "cluster-3"} <= set(names)
    rep = label_report(fig)
    assert rep.overlaps == [] and rep.min_pt >= 7.0


def test_haiphong_map_legible_and_coloured(haiphong):
    """issue 12: 114 units in 15 clusters with polygons, A4 and A3: 0 overlaps, every text >= 7 pt,
    adjacent clusters in different colours, 15 numbers drawn."""
    folder, _, polys = haiphong
    view = read_cluster_dir(folder, year=2027)
    ctx = cluster_context(view, polys)
    adj = view.adjacent_clusters()
    assert len(adj) >= 20 and all(ctx.colours[a] != ctx.colours[b] for a, b in adj)
    for paper in ("a4", "a3"):
        fig = cluster_sheet(view, polys, "vi", paper, "haiphong.geojson")
        rep = label_report(fig)
        assert rep.overlaps == [] and rep.min_pt >= 7.0, (paper, rep.overlaps[:5], rep.smallest)
        gids = [t.get_gid() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("cluster-")]
        assert len(gids) == 15


def test_haiphong_year_heads_named(haiphong):
    """issue 12: --year 2029 names each cluster's head of 2029 (from rotation.csv), not the host."""
    folder = haiphong[0]
    view = read_cluster_dir(folder, year=2029)
    fig = cluster_sheet(view, None, "en")
    shown = {t.get_gid()[5:] for t in fig.axes[0].texts if (t.get_gid() or "").startswith("name-")}
    heads = set(view.rotation[view.rotation["year"] == 2029]["head_code"])
    far = set(cluster_context(view).far)
    assert heads - far <= shown


def test_cli_map_formats(tmp_path, runner):
    """issue 12: matcher map on a cluster folder writes PNG, PDF and SVG; --paper a3 too."""
    folder = tiny_folder(tmp_path / "c")
    for name, extra in (("m.png", ()), ("m.pdf", ("--year", "2027")), ("m.svg", ("--paper", "a3"))):
        r = invoke(runner, "map", folder, *extra, "--out", tmp_path / name)
        assert r.exit_code == 0, r.output
        assert (tmp_path / name).stat().st_size > 1000
    r = invoke(runner, "map", folder, "--out", tmp_path / "m.html")
    assert r.exit_code == 2


def test_points_map_areas_do_not_overlap(haiphong):
    """issue 12: without boundaries the derived cluster areas (Voronoi cells merged per cluster) never
    overlap, cover every near unit's point, and the sheet's texts do not overlap."""
    from shapely.geometry import Point

    view = read_cluster_dir(haiphong[0])
    ctx = cluster_context(view)
    shapes = ctx.shapes
    assert sorted(shapes) == list(range(1, 16))
    for a in shapes:
        for b in shapes:
            if a < b:
                smaller = min(shapes[a].area, shapes[b].area)  # shared borders only: the 1 m snapping grid
                assert shapes[a].intersection(shapes[b]).area < 1e-5 * smaller, (a, b)  # leaves < 0.001 %
    for code, u in ctx.pts.iterrows():
        if code not in ctx.far:
            assert shapes[int(u["cluster"])].buffer(1).contains(Point(u["x"], u["y"])), code
    rep = label_report(cluster_sheet(view, None, "vi"))
    assert rep.overlaps == [] and rep.min_pt >= 7.0


def test_key_of_many_clusters_stays_on_the_sheet(tmp_path):
    """issue 12: 60 clusters of 2 units: the key shows what fits, counts the rest in one line, and no
    text leaves the sheet or overlaps another."""
    import pandas as pd
    from cluster_folders import write_folder

    rows = [{"code": f"{20000 + i:05d}", "name": f"Xã Số {i}", "unit_type": "xã", "cluster": i // 2 + 1,
             "is_host": int(i % 2 == 0), "lat": 20.5 + 0.03 * (i // 12), "lon": 106.3 + 0.03 * (i % 12),
             "population": 1000 + i, "area_km2": 5.0} for i in range(120)]
    nb = [(f"{20000 + i:05d}", f"{20001 + i:05d}", "delaunay") for i in range(119) if (i + 1) % 12]
    view = read_cluster_dir(write_folder(tmp_path / "c", pd.DataFrame(rows), nb))
    fig = cluster_sheet(view)
    texts = [t.get_text() for t in fig.texts]
    more = [s for s in texts if s.startswith("… và ")]
    assert len(more) == 1 and more[0].endswith("cụm nữa (xem bảng cân đối)")
    n_more = int(more[0].split()[2])
    assert n_more >= 1 and "Tổng" in texts
    assert {int(s) for s in texts if s.isdigit()} == set(range(1, 61 - n_more)) | {120}  # clusters 1.., total
    rep = label_report(fig)
    assert rep.overlaps == [] and rep.min_pt >= 7.0, rep.overlaps[:5]
