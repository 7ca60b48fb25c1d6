"""matcher cluster (issue 12), review fixes: Vietnamese-Excel numbers, stale rotation files, scenario value
types, repaired inputs reported, the rotation's members checked before solving, a previous grouping
without new units, the 'Loại' header, neighbours not through a third point."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from helpers import invoke

from matcher.clusters.adjacency import point_adjacency

LINE6 = Path(__file__).resolve().parents[1] / "data" / "clusters" / "line6.csv"
FAST = ["--time-limit", "2", "-q"]


def totals(out: Path) -> dict[str, str]:
    frame = pd.read_csv(out / "cluster_summary.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return dict(zip(frame["cluster"], frame["population"], strict=True))


def test_dots_group_thousands_in_a_semicolon_decimal_comma_file(runner, tmp_path):
    """issue 12: '12.345' in a ';' file with decimal commas is 12345 (Vietnamese Excel), '1.234,5' is 1234.5."""
    src = tmp_path / "vn.csv"
    src.write_text("code;name;unit_type;lat;lon;population;area_km2\n"
                   "01001;An Lão;xã;20,80;106,50;12.345;1.234,5\n01002;Bình Hà;xã;20,80;106,52;1.000;10\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    assert invoke(runner, "cluster", src, "--k", "1", "--out", out, *FAST).exit_code == 0
    assert float(next(iter(totals(out).values())).replace(".", "").replace(",", "")) == 13345


def test_a_rerun_without_years_removes_the_old_rotation(runner, tmp_path):
    """issue 12: the folder of a run with --years, re-run without, keeps no rotation.csv that fits no cluster."""
    out = tmp_path / "out"
    assert invoke(runner, "cluster", LINE6, "--k", "2", "--years", "2026..2027", "--out", out, *FAST).exit_code == 0
    assert (out / "rotation.csv").exists()
    assert invoke(runner, "cluster", LINE6, "--k", "3", "--out", out, *FAST).exit_code == 0
    assert not (out / "rotation.csv").exists() and not (out / "rotation.csvt").exists()


def test_scenario_values_of_the_wrong_type_are_refused(runner, tmp_path):
    """issue 12: k = "3", k = true and contiguous = "no" in [cluster] are exit 2 naming the key, not a crash."""
    for line, key in (('k = "3"', "cluster.k"), ("k = true", "cluster.k"), ('contiguous = "no"', "cluster.contiguous")):
        scenario = tmp_path / "s.toml"
        scenario.write_text(f'[cluster]\nunits = "{LINE6.as_posix()}"\n{line}\n', encoding="utf-8")
        result = invoke(runner, "cluster", scenario, "--out", tmp_path / "o", *FAST)
        assert result.exit_code == 2 and f"key '{key}'" in result.output, result.output
        assert not (tmp_path / "o").exists()


def test_repaired_codes_are_reported_and_kept_in_the_summary(runner, tmp_path):
    """issue 12: codes that lost their leading zeros are repaired with a warning, also in summary.json."""
    src = tmp_path / "u.csv"
    src.write_text(LINE6.read_text(encoding="utf-8").replace("\n01001,", "\n1001,"), encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(runner, "cluster", src, "--k", "2", "--out", out, "--time-limit", "2")
    assert result.exit_code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["warnings"] and "warning:" in result.output


def test_too_few_members_for_the_rotation_is_refused_before_solving(runner, tmp_path):
    """issue 12: --size 1..3 with 2 deputies cannot hold a head and 2 deputies: exit 2 before any solve;
    without a band the band's low end becomes deputies + 1."""
    result = invoke(runner, "cluster", LINE6, "--k", "2", "--size", "1..3", "--years", "2026..2027",
                    "--deputies", "2", "--out", tmp_path / "o", *FAST)
    assert result.exit_code == 2 and "at least 3 members" in result.output and "partition" not in result.output
    out = tmp_path / "o2"
    assert invoke(runner, "cluster", LINE6, "--k", "2", "--years", "2026..2027", "--deputies", "2",
                  "--out", out, *FAST).exit_code == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["size"][0] == 3


def test_a_previous_grouping_without_a_new_unit_counts_it_as_moved(runner, tmp_path):
    """issue 12: a unit missing from --from-plan (new after a merger) is accepted and counted as moved."""
    prev = tmp_path / "previous.csv"
    prev.write_text("code,cluster\n01001,1\n01002,1\n01003,1\n01004,2\n01005,2\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(runner, "cluster", LINE6, "--k", "2", "--size", "3..3", "--from-plan", prev, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["previous"]["moves"] >= 1


def test_a_loai_header_is_the_unit_type(runner, tmp_path):
    """issue 12: a 'Loại' column is read as the unit type (clusters.csv carries it)."""
    src = tmp_path / "u.csv"
    src.write_text(LINE6.read_text(encoding="utf-8").replace("unit_type", "Loại", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert invoke(runner, "cluster", src, "--k", "2", "--out", out, *FAST).exit_code == 0
    frame = pd.read_csv(out / "clusters.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert sorted(set(frame["unit_type"])) == ["phường", "xã"]


def test_grid_points_are_not_neighbours_through_a_third():
    """issue 12: on a 3 x 4 grid of points no Delaunay link passes through another unit."""
    codes = [f"{r}{c}" for r in range(3) for c in range(4)]
    lats = [16 + 0.01 * r for r in range(3) for c in range(4)]
    lons = [108 + 0.01 * c for r in range(3) for c in range(4)]
    neigh = point_adjacency(codes, lats, lons)
    for a, near in neigh.items():
        for b in near:
            ra, ca, rb, cb = int(a[0]), int(a[1]), int(b[0]), int(b[1])
            assert max(abs(ra - rb), abs(ca - cb)) == 1, (a, b)


def test_an_english_pack_of_a_vietnamese_run_has_english_assumptions(runner, tmp_path):
    """issue 12: matcher report --lang en on a folder written in Vietnamese lists the assumptions in English."""
    from pypdf import PdfReader

    out = tmp_path / "out"
    assert invoke(runner, "cluster", LINE6, "--k", "2", "--out", out, *FAST).exit_code == 0
    pack = tmp_path / "pack.pdf"
    assert invoke(runner, "report", out, "--lang", "en", "--out", pack).exit_code == 0
    text = " ".join(page.extract_text() for page in PdfReader(pack).pages)
    assert "Hosts = the member" in text and "Đơn vị chủ trì =" not in text


def test_cluster_areas_in_the_geopackage_do_not_overlap(runner, tmp_path):
    """issue 12: without polygons the clusters layer holds the members' Voronoi cells: no two clusters overlap."""
    import geopandas as gpd

    src = tmp_path / "grid.csv"
    rows = [f"{1000 + 4 * r + c + 1:05d},Đơn vị {4 * r + c},xã,{16 + 0.01 * r},{108 + 0.013 * c},{100 + 7 * r + c},5"
            for r in range(3) for c in range(4)]
    src.write_text("code,name,unit_type,lat,lon,population,area_km2\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert invoke(runner, "cluster", src, "--k", "3", "--out", out, *FAST).exit_code == 0
    layer = gpd.read_file(out / "plan.gpkg", layer="clusters").to_crs(32649)
    assert set(layer["geometry_source"]) == {"members' Voronoi cells, cut near the points (derived)"}
    for i in range(len(layer)):
        for j in range(i + 1, len(layer)):
            assert layer.geometry[i].intersection(layer.geometry[j]).area < 1.0  # square metres: touching only


def test_rotate_keeps_two_digit_province_codes(runner, tmp_path):
    """issue 12: matcher rotate on a national grouping (2-digit province codes) keeps the codes as written."""
    src = tmp_path / "clusters.csv"
    src.write_text("code,name,cluster\n01,Hà Nội,1\n04,Cao Bằng,1\n08,Tuyên Quang,1\n75,Đồng Nai,2\n"
                   "79,TP. Hồ Chí Minh,2\n", encoding="utf-8")
    out = tmp_path / "rot"
    result = invoke(runner, "rotate", src, "--years", "2026..2027", "--out", out)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out / "rotation.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert set(frame["head_code"]) <= {"01", "04", "08", "75", "79"}


def test_a_name_written_with_the_formula_escape_reads_back_as_written(runner, tmp_path):
    """issue 12: a unit named '=Cát Bi' is escaped in clusters.csv ('=…) and the map/pack reader gives the name."""
    from matcher.clusters.cluster_view import read_cluster_dir

    src = tmp_path / "u.csv"
    src.write_text(LINE6.read_text(encoding="utf-8").replace(",Cát Bi,", ",=Cát Bi,"), encoding="utf-8")
    out = tmp_path / "out"
    assert invoke(runner, "cluster", src, "--k", "2", "--out", out, *FAST).exit_code == 0
    assert "'=Cát Bi" in (out / "clusters.csv").read_text(encoding="utf-8-sig")
    assert "=Cát Bi" in set(read_cluster_dir(out).units["name"])
