"""issue 12: the cluster benchmark harness: instance builder, independent checker, HiGHS peer, records."""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))
import clusters_bench  # noqa: E402
import clusters_instances as ci  # noqa: E402
import clusters_table  # noqa: E402

D = 0.01


def _squares(rows: int, cols: int) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    codes = [f"{i:05d}" for i in range(rows * cols)]
    geoms = [box(106.6 + (i % cols) * D, 20.8 + (i // cols) * D, 106.6 + (i % cols + 1) * D,
                 20.8 + (i // cols + 1) * D) for i in range(rows * cols)]
    units = pd.DataFrame({"code": codes, "name": [f"u{i}" for i in range(rows * cols)],
                          "lat": [g.centroid.y for g in geoms], "lon": [g.centroid.x for g in geoms],
                          "population": [100 * (i + 1) for i in range(rows * cols)]})
    return units, gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=4326)


def _brute_force(inst: dict) -> int:
    """The least deviation (bp, rounded up) over every contiguous partition in the band."""
    codes, k = inst["codes"], inst["k"]
    best = None
    for labels in itertools.product(range(k), repeat=len(codes)):
        if labels[0] != 0 or any(labels[i] > max(labels[:i]) + 1 for i in range(1, len(labels))):
            continue  # one labelling per partition
        res = ci.check(inst, dict(zip(codes, labels, strict=True)))
        if res["valid"]:
            best = res["max_dev_bp"] if best is None else min(best, res["max_dev_bp"])
    assert best is not None
    return best


def test_builder_takes_shared_borders_of_a_polygon_grid():
    """issue 12: a 2x3 grid of squares: 7 shared borders (corner touches excluded), populations and band kept."""
    units, gdf = _squares(2, 3)
    inst = ci.build_instance("grid", units, gdf, k=2, size=(3, 3))
    assert inst["adjacency_method"] == "polygons" and inst["island_links"] == []
    assert inst["neighbours"] == {"00000": ["00001", "00003"], "00001": ["00000", "00002", "00004"],
                                  "00002": ["00001", "00005"], "00003": ["00000", "00004"],
                                  "00004": ["00001", "00003", "00005"], "00005": ["00002", "00004"]}
    assert inst["population"] == [100, 200, 300, 400, 500, 600]
    assert (inst["k"], inst["lo"], inst["hi"]) == (2, 3, 3)
    assert inst == ci.grid_instance(2, 3, inst["population"], 2, (3, 3)) | {
        "name": "grid", "names": inst["names"], "adjacency_method": "polygons", "lats": inst["lats"],
        "lons": inst["lons"]}


def test_checker_flags_broken_partitions_and_recomputes_the_deviation():
    """issue 12: the checker accepts columns of a 3x3 grid (2000 bp) and names a split cluster and a band breach."""
    inst = ci.grid_instance(3, 3, range(1, 10), 3, (3, 3))
    cols = {c: i % 3 for i, c in enumerate(inst["codes"])}
    ok = ci.check(inst, cols)
    assert ok["valid"] and ok["max_dev_bp"] == 2000 and ok["totals"] == [12, 15, 18]
    assert math.isclose(ok["max_dev_pct"], 20.0)
    diagonal = dict(zip(inst["codes"], [0, 1, 2, 2, 0, 1, 1, 2, 0], strict=True))  # sums 15/15/15, not contiguous
    bad = ci.check(inst, diagonal)
    assert not bad["valid"] and bad["non_contiguous"] == 3 and bad["max_dev_bp"] == 0
    band = ci.check(inst, dict(zip(inst["codes"], [0, 0, 0, 0, 1, 1, 2, 2, 2], strict=True)))
    assert not band["valid"] and band["band_violations"] == 2
    assert ci.check(inst, None)["problems"] == ["no partition"]
    two = ci.check(inst, dict(zip(inst["codes"], [0, 0, 0, 0, 0, 1, 1, 1, 1], strict=True)))
    assert two["problems"] == ["2 clusters, expected 3", "2 cluster(s) outside 3..3: sizes [4, 5]"]
    assert two["totals"] == [15, 30] and two["max_dev_bp"] == 3334  # over its own mean 22.5


@pytest.mark.skipif(importlib.util.find_spec("highspy") is None, reason="highspy not installed")
@pytest.mark.parametrize(("pop", "band", "optimum"), [(list(range(1, 10)), (3, 3), 2000),
                                                      ([5, 1, 4, 2, 8, 3, 6, 9, 7], (2, 4), 0)])
def test_highs_peer_proves_the_brute_force_optimum_on_a_3x3_grid(tmp_path, pop, band, optimum):
    """issue 12: the HiGHS peer (own process) proves the brute-force optimal deviation and its plan checks valid."""
    inst = ci.grid_instance(3, 3, pop, 3, band)
    assert _brute_force(inst) == optimum
    path = ci.write(inst, tmp_path / "grid.json")
    out = subprocess.run([sys.executable, str(BENCH / "clusters_highs.py"), str(path), "--time-limit", "20"],
                         capture_output=True, text=True, check=True).stdout
    got = json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])
    assert got["status"] == "Optimal"
    assert got["objective"] == optimum and got["bound"] == pytest.approx(optimum, abs=0.999)
    res = ci.check(inst, got["clusters"])
    assert res["valid"] and res["max_dev_bp"] == optimum


def test_rotation_row_checks_the_rules_on_fifteen_clusters():
    """issue 12: the rotation row times 15 clusters x 5 years = 75 terms and finds every rule held."""
    clusters = {f"{i:05d}": i // 7 for i in range(105)}
    rec = clusters_bench.run_rotation(clusters)
    assert rec["terms"] == 75 and rec["clusters_n"] == 15 and rec["check"] == {"valid": True, "problems": []}


def test_saving_keeps_the_rows_not_rerun(tmp_path):
    """issue 12: rerunning only matcher replaces its rows and keeps the peer's, each with its session."""
    out = tmp_path / "r.json"

    def rec(solver, wall):
        return {"instance": "grid", "solver": solver, "run": 0, "part": "a", "wall_s": wall, "status": "optimal",
                "check": {"valid": True, "sizes": [3, 3, 3], "max_dev_pct": 20.0, "max_dev_bp": 2000}}

    clusters_table.save(out, {"cpu": "x"}, [rec("matcher", 2.0), rec("highs-mip", 4.0)], {"runs": 1})
    clusters_table.save(out, {"cpu": "x"}, [rec("matcher", 1.0)], {"runs": 1})
    data = json.loads(out.read_text())
    assert [(r["solver"], r["wall_s"], r["session"]) for r in data["records"]] == [("highs-mip", 4.0, 0),
                                                                                    ("matcher", 1.0, 1)]
    table = clusters_table.markdown(data)
    assert "| highs-mip | 0 | 1 | 4.00 | 4.00 | 4.00 | 4.00 (other session) |" in table
    assert "| 20.00 | 1.00 | 3–3 (3) | 1/1 |" in table
