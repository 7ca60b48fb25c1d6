"""matcher cluster (issue 12): exit codes, problem lines, the folder's files and their cells."""

from __future__ import annotations

import itertools
import json
import tomllib
import unicodedata
from collections import deque
from pathlib import Path

import pandas as pd
import pytest
from helpers import invoke

DATA = Path(__file__).resolve().parents[1] / "data"
LINE6 = DATA / "clusters" / "line6.csv"
BAD = DATA / "invalid_clusters"
FAST = ["--time-limit", "2", "-q"]
CASES = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))["case"]


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def groups(out: Path) -> dict[int, set[str]]:
    frame = read_csv(out / "clusters.csv")
    found: dict[int, set[str]] = {}
    for code, c in zip(frame["code"], frame["cluster"], strict=True):
        found.setdefault(int(c), set()).add(code)
    return found


def contiguous(out: Path) -> bool:
    """Every cluster's induced subgraph of neighbours.csv is connected (an independent BFS)."""
    neigh = read_csv(out / "neighbours.csv")
    adj: dict[str, set[str]] = {}
    for a, b in zip(neigh["code_a"], neigh["code_b"], strict=True):
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    for members in groups(out).values():
        start = next(iter(members))
        seen, queue = {start}, deque([start])
        while queue:
            for v in adj.get(queue.popleft(), ()):
                if v in members and v not in seen:
                    seen.add(v)
                    queue.append(v)
        if seen != members:
            return False
    return True


# ---- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_input_exits_with_every_problem_line_and_writes_nothing(runner, case, tmp_path):
    """issue 12: each bad cluster input exits 2 (3 if infeasible) with its problem lines, no traceback, no folder."""
    path = BAD / case["file"]
    target = (BAD / case["target"]).resolve() if "target" in case else path
    args = [str(path) if a == "FILE" else a for a in case.get("args", [])]
    out = tmp_path / "out"
    result = invoke(runner, "cluster", target, *args, "--out", out, *FAST)
    assert result.exit_code == case.get("exit", 2), result.output
    lines = result.output.splitlines()
    assert "Traceback" not in result.output
    for prefix, fragment in case["lines"]:
        assert any(ln.startswith(prefix) and fragment in ln for ln in lines), (prefix, lines)
    if case.get("exit", 2) == 2:
        assert lines[-1] == f"{len(case['lines'])} problem(s) found; nothing was written."
    assert not out.exists()


def test_every_bad_cluster_file_is_catalogued():
    """issue 12: every file in tests/data/invalid_clusters has an entry in its expected.toml, and the reverse."""
    on_disk = {p.name for p in BAD.iterdir()} - {"expected.toml", "README.md"}
    assert on_disk == {c["file"] for c in CASES}


def test_several_option_problems_are_reported_together(runner, tmp_path):
    """issue 12: an unknown pin, --max-moves without --from-plan and a bad k come out as three lines at once."""
    result = invoke(runner, "cluster", LINE6, "--k", "9", "--pin", "09999=1", "--max-moves", "2",
                    "--out", tmp_path / "o", *FAST)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "3 problem(s) found; nothing was written."


def test_out_over_an_input_is_refused_before_solving(runner, tmp_path):
    """issue 12: --out whose clusters.csv is the units file itself exits 2 and leaves the file alone."""
    folder = tmp_path / "f"
    folder.mkdir()
    units = folder / "clusters.csv"
    units.write_bytes(LINE6.read_bytes())
    result = invoke(runner, "cluster", units, "--k", "2", "--out", folder, *FAST)
    assert result.exit_code == 2
    assert "would overwrite input file" in result.output
    assert units.read_bytes() == LINE6.read_bytes()


# ---- a solved grouping ------------------------------------------------------------------------


def test_line_of_six_splits_into_the_hand_solved_halves(runner, tmp_path):
    """issue 12: a line of six (300,100,100,100,100,300), k=2 -> the two halves of 500, labels by name."""
    out = tmp_path / "out"
    result = invoke(runner, "cluster", LINE6, "--k", "2", "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert groups(out) == {1: {"01001", "01002", "01003"}, 2: {"01004", "01005", "01006"}}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["kind"] == "clusters" and summary["status"] == "OPTIMAL" and summary["k"] == 2
    assert summary["deviation_percent"] == {"population": 0.0}
    assert [s["name"] for s in summary["stages"]] == ["deviation", "spread", "compactness"]
    assert summary["adjacency"] == {"method": "delaunay", "island_links": [], "edges": 5}
    assert any("Delaunay" in a for a in json.loads(json.dumps(summary["assumptions"])))
    assert summary["run"]["inputs"][0]["role"] == "units"
    cs = read_csv(out / "cluster_summary.csv")
    assert list(cs.columns) == ["cluster", "n_members", "host_code", "host_name", "population", "area_km2",
                                "population_dev_percent", "area_km2_dev_percent", "members"]
    assert list(cs["population"]) == ["500", "500"] and list(cs["area_km2_dev_percent"]) == ["", ""]
    assert list(cs["host_code"]) == ["01002", "01005"]  # the middle unit of each half
    assert list(cs["members"]) == ["An Lão; Bình Hà; Cát Bi", "Dư Hàng; Đồ Sơn; Gia Viên"]
    assert "largest deviation of population: 0.00% of the mean" in result.output


def test_codes_stay_text_and_names_are_escaped_and_nfc(runner, tmp_path):
    """issue 12: leading zeros kept in CSV (csvt String) and XLSX (text cells); '=' names escaped; NFC."""
    from openpyxl import load_workbook

    units = tmp_path / "units.csv"
    text = LINE6.read_text(encoding="utf-8").replace("Cát Bi", "=Cát Bi")
    units.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    out = tmp_path / "out"
    assert invoke(runner, "cluster", units, "--k", "2", "--out", out, *FAST).exit_code == 0
    frame = read_csv(out / "clusters.csv")
    assert "'=Cát Bi" in list(frame["name"]) and "01001" in list(frame["code"])
    assert all(unicodedata.is_normalized("NFC", n) for n in frame["name"])
    assert (out / "clusters.csvt").read_text().startswith('"String","String","String","Integer","Integer","Real"')
    wb = load_workbook(out / "plan.xlsx")
    assert wb.sheetnames == ["Cụm", "Đơn vị", "Láng giềng", "Giả định"]
    ws = wb["Đơn vị"]
    codes = [ws.cell(row=r, column=1) for r in range(2, 8)]
    assert {c.value for c in codes} == {f"0100{i}" for i in range(1, 7)} and all(c.data_type == "s" for c in codes)
    names = [ws.cell(row=r, column=2).value for r in range(2, 8)]
    assert "=Cát Bi" in names and all(unicodedata.is_normalized("NFC", n) for n in names)


def test_pin_keeps_its_label(runner, tmp_path):
    """issue 12: --pin 01006=1 puts Gia Viên's half in cluster 1 although An Lão comes first by name."""
    out = tmp_path / "out"
    assert invoke(runner, "cluster", LINE6, "--k", "2", "--pin", "01006=1", "--out", out, *FAST).exit_code == 0
    assert groups(out) == {1: {"01004", "01005", "01006"}, 2: {"01001", "01002", "01003"}}


def test_previous_grouping_keeps_its_labels_and_counts_moves(runner, tmp_path):
    """issue 12: --from-plan with the halves labelled 2 and 1 keeps those labels; 0 units moved."""
    prev = tmp_path / "previous.csv"
    prev.write_text("code,cluster\n01001,2\n01002,2\n01003,2\n01004,1\n01005,1\n01006,2\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(runner, "cluster", LINE6, "--k", "2", "--from-plan", prev, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert groups(out) == {2: {"01001", "01002", "01003"}, 1: {"01004", "01005", "01006"}}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["previous"]["moves"] == 1  # 01006 was in cluster 2


def test_years_publish_rotation_that_matcher_rotate_can_redo(runner, tmp_path):
    """issue 12: --years writes rotation.csv and a Luân phiên sheet; matcher rotate reads clusters.csv."""
    from openpyxl import load_workbook

    from matcher.clusters.rotation_io import COLUMNS

    out = tmp_path / "out"
    assert invoke(runner, "cluster", LINE6, "--k", "2", "--years", "2026..2028", "--out", out, *FAST).exit_code == 0
    rot = read_csv(out / "rotation.csv")
    assert tuple(rot.columns) == COLUMNS and len(rot) == 6
    assert load_workbook(out / "plan.xlsx").sheetnames == ["Cụm", "Đơn vị", "Láng giềng", "Luân phiên", "Giả định"]
    again = invoke(runner, "rotate", out / "clusters.csv", "--years", "2026..2028", "--out", tmp_path / "rot")
    assert again.exit_code == 0, again.output
    assert read_csv(tmp_path / "rot" / "rotation.csv").equals(rot)


def _grid(tmp_path: Path, pops: list[int]) -> tuple[Path, Path]:
    """A 3x3 grid of square units (polygons in a GeoJSON) and its units table."""
    import geopandas as gpd
    from shapely.geometry import box

    codes = [f"0200{i}" for i in range(9)]
    rows, shapes = [], []
    for i, code in enumerate(codes):
        r, c = divmod(i, 3)
        x, y = 106.0 + c * 0.05, 20.0 + r * 0.05
        shapes.append(box(x, y, x + 0.05, y + 0.05))
        rows.append(f"{code},Xã {chr(65 + i)},xã,{y + 0.025},{x + 0.025},{pops[i]},25")
    units = tmp_path / "grid.csv"
    units.write_text("code,name,unit_type,lat,lon,population,area_km2\n" + "\n".join(rows) + "\n", encoding="utf-8")
    polys = tmp_path / "grid.geojson"
    gpd.GeoDataFrame({"ma": codes}, geometry=shapes, crs="EPSG:4326").to_file(polys, driver="GeoJSON")
    return units, polys


def _brute_force_deviation(pops: list[int], k: int) -> float:
    """The least largest |deviation| (%) over every partition of the rook 3x3 grid into k contiguous triples."""
    adj = {i: {j for j in range(9) if abs(i // 3 - j // 3) + abs(i % 3 - j % 3) == 1} for i in range(9)}

    def connected(g):
        seen, todo = {g[0]}, [g[0]]
        while todo:
            for v in adj[todo.pop()] & set(g):
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        return len(seen) == len(g)

    triples = [g for g in itertools.combinations(range(9), 3) if connected(g)]
    mean, best = sum(pops) / k, None
    for a, b in itertools.combinations(triples, 2):
        rest = tuple(sorted(set(range(9)) - set(a) - set(b)))
        if set(a) & set(b) or rest not in triples:
            continue
        dev = max(abs(sum(pops[i] for i in g) - mean) / mean * 100 for g in (a, b, rest))
        best = dev if best is None else min(best, dev)
    return best


def test_grid_with_polygons_matches_brute_force_and_is_contiguous(runner, tmp_path):
    """issue 12: 3x3 grid with --boundaries: 12 borders, deviation = brute force, clusters connected."""
    import pyogrio

    pops = [50, 10, 40, 30, 20, 70, 60, 80, 90]
    units, polys = _grid(tmp_path, pops)
    out = tmp_path / "out"
    result = invoke(runner, "cluster", units, "--size", "3..3", "--boundaries", polys, "--boundaries-code", "ma",
                    "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    neigh = read_csv(out / "neighbours.csv")
    assert len(neigh) == 12 and set(neigh["rule"]) == {"border"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL"
    assert summary["deviation_percent"]["population"] == pytest.approx(_brute_force_deviation(pops, 3), abs=0.01)
    assert contiguous(out)
    layers = dict(pyogrio.list_layers(out / "plan.gpkg"))
    assert set(layers) == {"units", "clusters", "neighbours"}
    assert layers["clusters"] == "MultiPolygon" and layers["neighbours"] == "LineString"
    info = pyogrio.read_info(out / "plan.gpkg", layer="units")
    assert info["crs"] == "EPSG:4326" and info["features"] == 9
    units_layer = pyogrio.read_dataframe(out / "plan.gpkg", layer="units")
    assert units_layer["code"].tolist()[0].startswith("0200")


def test_english_labels_with_lang_en(runner, tmp_path):
    """issue 12: --lang en names plan.xlsx's sheets in English."""
    from openpyxl import load_workbook

    out = tmp_path / "out"
    assert invoke(runner, "cluster", LINE6, "--k", "2", "--lang", "en", "--out", out, *FAST).exit_code == 0
    assert load_workbook(out / "plan.xlsx").sheetnames == ["Clusters", "Units", "Neighbours", "Assumptions"]


def test_too_many_deputies_for_the_clusters_exits_2_before_solving(runner, tmp_path):
    """issue 12: --deputies 3 for 6 units in 2 clusters is refused with the arithmetic, before solving, no folder."""
    out = tmp_path / "out"
    result = invoke(runner, "cluster", LINE6, "--k", "2", "--years", "2026..2027", "--deputies", "3", "--out", out,
                    *FAST)
    assert result.exit_code == 2
    assert ("--deputies: value '3': 6 units in 2 clusters leave some cluster at most 3 member(s): a head and 3 "
            "deputy(ies), nobody heading two years running, need 4") in result.output
    assert not out.exists()


def test_no_contiguous_and_max_moves_warning(runner, tmp_path):
    """issue 12: --no-contiguous solves and says so in summary.json; --max-moves the engine cannot take is warned."""
    prev = tmp_path / "previous.csv"
    prev.write_text("code,cluster\n01001,1\n01002,1\n01003,1\n01004,2\n01005,2\n01006,2\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(runner, "cluster", LINE6, "--k", "2", "--no-contiguous", "--from-plan", prev, "--max-moves", "0",
                    "--out", out, "--time-limit", "2")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["contiguous"] is False and summary["previous"]["max_moves"] == 0
    if not summary["previous"]["in_solver"]:
        assert "--max-moves 0 is not enforced by this engine version" in result.output
