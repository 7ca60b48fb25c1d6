"""The two cluster examples (issue 12): they parse, and solve to valid contiguous partitions."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import pandas as pd
import pytest
from helpers import invoke
from typer.testing import CliRunner

from matcher.clusters.cluster_io import options_from, read_units
from matcher.clusters.cluster_job import check_inputs

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
CASES = {"haiphong_2025": (114, 15, (6, 9)), "provinces_2025": (34, 7, (1, 34))}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_parses(name):
    """issue 12: each example's clusters.toml and units.csv read cleanly: unit count, k, band, text codes."""
    n, k, size = CASES[name]
    o = options_from(EXAMPLES / name / "clusters.toml", {})
    units, got_k, got_size, previous, years = check_inputs(o)
    assert (len(units.codes), got_k, got_size, previous, years) == (n, k, size, None, None)
    assert all(len(c) == (5 if name == "haiphong_2025" else 2) for c in units.codes)
    assert list(units.attrs) == ["population"] and min(units.attrs["population"]) > 0


def test_haiphong_types_and_provinces_basis():
    """issue 12: Hải Phòng has 67 xã, 45 phường, 2 đặc khu; every province row says its figures are derived."""
    hp = read_units(EXAMPLES / "haiphong_2025" / "units.csv", ("population",))
    assert {t: hp.types.count(t) for t in set(hp.types)} == {"xã": 67, "phường": 45, "đặc khu": 2}
    prov = _csv(EXAMPLES / "provinces_2025" / "units.csv")
    assert prov["basis"].str.startswith("DERIVED").all() and len(set(prov["code"])) == 34


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_solves_to_a_contiguous_partition(name, tmp_path):
    """issue 12: with a budget of 2 deterministic s each example gives every unit one cluster, k clusters in the
    band, each connected on neighbours.csv (an independent BFS)."""
    n, k, (lo, hi) = CASES[name]
    out = tmp_path / "out"
    result = invoke(CliRunner(), "cluster", EXAMPLES / name / "clusters.toml", "--time-limit", "2", "-q", "--out", out)
    assert result.exit_code == 0, result.output
    frame = _csv(out / "clusters.csv")
    assert len(frame) == n and frame["code"].is_unique
    members: dict[str, set[str]] = {}
    for code, c in zip(frame["code"], frame["cluster"], strict=True):
        members.setdefault(c, set()).add(code)
    assert sorted(members, key=int) == [str(c) for c in range(1, k + 1)]
    assert all(lo <= len(m) <= hi for m in members.values())
    adj: dict[str, set[str]] = {}
    neigh = _csv(out / "neighbours.csv")
    for a, b in zip(neigh["code_a"], neigh["code_b"], strict=True):
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    for m in members.values():
        start = min(m)
        seen, queue = {start}, deque([start])
        while queue:
            for v in adj.get(queue.popleft(), ()):
                if v in m and v not in seen:
                    seen.add(v)
                    queue.append(v)
        assert seen == m
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] in ("OPTIMAL", "FEASIBLE") and summary["k"] == k


SHARED_GPKG = Path("/work/shared/data/vietnam_2025/boundaries_2025.gpkg")
if not SHARED_GPKG.exists():
    SHARED_GPKG = Path(__file__).resolve().parents[3] / "shared" / "data" / "vietnam_2025" / "boundaries_2025.gpkg"


@pytest.mark.skipif(not SHARED_GPKG.exists(), reason="../shared polygons absent")
def test_province_polygons_give_a_connected_border_graph():
    """issue 12: the national gpkg's provinces layer is read for 2-digit codes; 34 polygons, 58 shared borders, no
    island link, the graph connected."""
    from matcher.clusters.adjacency import neighbours
    from matcher.clusters.cluster_job import hops_from, read_polygons

    units = read_units(EXAMPLES / "provinces_2025" / "units.csv", ("population",))
    polys = read_polygons(SHARED_GPKG, None, units.codes)
    assert sorted(polys["code"]) == sorted(units.codes)
    adj = neighbours(units.codes, units.lats, units.lons, polys, "code")
    assert adj.method == "polygons" and adj.island_links == ()
    assert sum(len(v) for v in adj.neighbours.values()) // 2 == 58
    assert len(hops_from("01", adj.neighbours)) == 34
