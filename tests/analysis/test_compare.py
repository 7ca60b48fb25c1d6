"""matcher.analysis.compare: two plans side by side (pairs kept/added/removed, cost per stage)."""

from __future__ import annotations

import pytest
from helpers import problem, unit

from matcher.analysis.compare import (
    compare_plans,
    deciding_stage,
    moved_pairs,
    pair_keys,
    stage_change,
    stage_costs,
    stage_unit,
)
from matcher.kpis import stage_figures
from matcher.model import STAGES
from matcher.result import Pair, Result, Status


@pytest.fixture(scope="module")
def p():
    """Two lowland units, two remote units (the second remote first in input order)."""
    return problem([
        unit("L1", "lowland", {"it": 1}), unit("L2", "lowland", {"it": 1}, dlat=0.2),
        unit("R2", "remote", need={"it": 1}, dlat=0.3), unit("R1", "remote", need={"it": 2}, dlat=0.1),
    ], remote_max_partners=2)


def plan(*pairs) -> Result:
    return Result(Status.OPTIMAL, (), tuple(Pair(lc, rc, km, None, "geodesic x detour", False, {"it": 1})
                                            for lc, rc, km in pairs), 0.0, "hand")


def test_stage_change_follows_the_stage_table():
    """Balance is maximised, shortfall and distance minimised; within eps is the same."""
    assert stage_change("balance", 0.5, 0.6) == "better"
    assert stage_change("shortfall", 1, 2) == "worse"
    assert stage_change("distance", 10.0, 10.0 + STAGES["distance"].eps / 2) == "same"
    assert stage_change("distance", 10.0, None) == "unknown"
    for name, stage in STAGES.items():
        assert stage_change(name, 1.0, 2.0) == stage.compare(1.0, 2.0)


def test_stage_unit_follows_the_distance_metric(p):
    """Distance is in the scenario's metric; the others in their own unit."""
    assert [stage_unit(p, n) for n in ("balance", "shortfall", "distance")] == ["ratio", "need units", "km"]


def test_compare_plans_pairs_and_stages(p):
    """Kept, added and removed pairs (by remote input order, requested flagged) and each stage's
    figures are the two plans' own."""
    before = plan(("L1", "R1", 11.1), ("L2", "R2", 11.1))
    after = plan(("L1", "R1", 11.1), ("L2", "R1", 11.1))
    diff = compare_plans(p, before, after, requested_removed=[("L2", "R2")])
    assert diff.kept == (("L1", "R1"),)
    assert [(m.lowland_code, m.remote_code, m.requested) for m in diff.added] == [("L2", "R1", False)]
    assert [(m.lowland_code, m.remote_code, m.requested) for m in diff.removed] == [("L2", "R2", True)]
    assert diff.removed[0].remote_name == "Xã R2"
    got = {s.name: s for s in diff.stages}
    assert got["balance"].before == stage_figures(p, before)["balance"] == 0.5
    assert got["balance"].after == 0.0 and got["balance"].change == "worse"
    assert got["shortfall"].delta == 0.0 and got["distance"].change == "same"
    assert [s.name for s in diff.stages] == list(p.rules.objectives)


def test_moved_pairs_order_and_stage_costs_without_a_plan(p):
    """Moved pairs come by remote unit in input order; no new plan leaves ``after`` empty."""
    pairs = plan(("L2", "R1", 3.0), ("L1", "R1", 2.0), ("L1", "R2", 1.0)).pairs
    moved = moved_pairs(p, pairs, pair_keys(pairs))
    assert [(m.remote_code, m.lowland_code) for m in moved] == [("R2", "L1"), ("R1", "L1"), ("R1", "L2")]
    costs = stage_costs(p, {"balance": 1.0, "shortfall": 0.0, "distance": 5.0}, None)
    assert all(c.after is None and c.delta is None and c.change == "unknown" for c in costs)


def test_deciding_stage():
    """The first stage in order that differs decides; better means the baseline was not optimal."""
    order = ("balance", "shortfall", "distance")
    base = {"balance": 0.5, "shortfall": 2.0, "distance": 10.0}
    assert deciding_stage(order, base, {**base, "distance": 11.0}) == ("distance", "distance")
    assert deciding_stage(order, base, {**base, "shortfall": 1.0, "distance": 99.0}) == ("unknown", "shortfall")
    assert deciding_stage(order, base, dict(base)) == ("tie", None)
