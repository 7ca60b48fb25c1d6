"""Independent parts solved apart and joined (matcher.engine.parts), on tiny hand-solvable instances."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from matcher.engine import solve
from matcher.engine.parts import batches, budgets, components, solve_parts, sub_problem
from matcher.model import SolveParams
from matcher.result import Status
from tests.helpers import brute_force, problem, unit

FAST = SolveParams(time_limit_s=10, seed=0)
FAR = 5.0  # degrees of latitude (about 550 km) between the halves: no pair crosses a 100 km cap


def halves():
    """Two disconnected halves, each a 3 x 2 instance with one best plan."""
    units = []
    for h, base in (("a", 0.0), ("b", FAR)):
        units += [
            unit(f"{h}l1", "lowland", {"it": 2}, dlat=base),
            unit(f"{h}l2", "lowland", {"it": 1}, dlat=base + 0.1),
            unit(f"{h}l3", "lowland", {"it": 1}, dlat=base + 0.3),
            unit(f"{h}r1", "remote", need={"it": 3 if h == "a" else 2}, dlat=base + 0.05),
            unit(f"{h}r2", "remote", need={"it": 1}, dlat=base + 0.2),
        ]
    return problem(units, max_distance_km=100)


def trade_off():
    """Part A can reach 1/4 at best; part B reaches 3/4 only at shortfall 2, and has shortfall 1 at 1/4.

    The whole's optimum is (1/4, 3 + 1): solving B fully on its own would keep 3/4 and lose one unit more."""
    d = ("it", "land")
    b = FAR
    units = [
        unit("al", "lowland", {"it": 1}),
        unit("ar", "remote", need={"it": 4}, dlat=0.05),
        unit("b1", "lowland", {"it": 3, "land": 2}, dlat=b),
        unit("b2", "lowland", {"it": 3}, dlat=b + 0.05),
        unit("b3", "lowland", {"land": 2}, dlat=b + 0.1),
        unit("b4", "lowland", {"it": 3}, dlat=b + 0.15),
        unit("br1", "remote", need={"it": 2, "land": 1}, dlat=b + 0.02),
        unit("br2", "remote", need={"it": 4, "land": 4}, dlat=b + 0.12),
    ]
    return problem(units, domains=d, max_distance_km=100)


def figures(res):
    return {s.name: s.value for s in res.stages}


def test_components_split_far_halves_and_isolated_units():
    """issue 8: the candidate graph of two far halves has two components; a unit with no pair is its own."""
    p = halves()
    assert [len(c) for c in components(p)] == [5, 5]
    lone = problem([*p.units, unit("x", "remote", need={"it": 1}, dlat=20.0)], max_distance_km=100)
    comps = components(lone)
    assert len(comps) == 3 and comps[-1] == (10,)
    assert batches(comps, batch_units=8) == [comps[0], comps[1] + comps[2]]  # small ones merged in order


def test_sub_problem_keeps_only_its_rules():
    """issue 8: a part keeps its units in order and only the pair rules between them."""
    p = problem(halves().units, locked=[("al1", "ar1")], forbidden=[("bl1", "br2")], max_distance_km=100)
    sub = sub_problem(p, components(p)[0])
    assert [u.code for u in sub.units] == ["al1", "al2", "al3", "ar1", "ar2"]
    assert sub.locked == {("al1", "ar1")} and not sub.forbidden
    assert sub.remote[0].code == "ar1" and sub.index["ar2"] == 1


def test_halves_match_brute_force_and_the_single_solve():
    """issue 8: two disconnected halves joined give the brute-force optimum and the single solve's plan."""
    p = halves()
    joined = solve_parts(p, FAST, processes=1, min_pairs=0, batch_units=1)
    whole = solve(p, FAST)
    oracle = brute_force(p)
    assert joined.params["parts"] == 2 and joined.status is Status.OPTIMAL
    for name, value in figures(joined).items():
        assert value == pytest.approx(oracle[name], abs=1e-6)
    assert [(q.lowland_code, q.remote_code) for q in joined.pairs] == [
        (q.lowland_code, q.remote_code) for q in whole.pairs]
    assert [s.name for s in joined.stages] == ["balance", "shortfall", "distance"]


def test_joined_balance_bound_is_the_least_part_bound():
    """issue 8: the whole's balance bound is the minimum of the parts' balance bounds."""
    p = halves()
    joined = solve_parts(p, FAST, processes=1, min_pairs=0, batch_units=1)
    parts = [sub_problem(p, c) for c in components(p)]
    only = [solve(replace(s, rules=replace(s.rules, objectives=("balance",))), FAST) for s in parts]
    assert joined.stage("balance").bound == pytest.approx(min(r.stage("balance").bound for r in only))


def test_two_pass_join_is_lexicographically_exact():
    """issue 8: a part above the whole's balance trades its surplus for shortfall, as the whole solve does."""
    p = trade_off()
    oracle = brute_force(p)
    assert oracle["balance"] == 0.25 and oracle["shortfall"] == 4
    part_b = sub_problem(p, components(p)[1])
    alone = solve(part_b, FAST)
    assert alone.stage("balance").value == 0.75 and alone.stage("shortfall").value == 2  # independent: 3 + 2
    joined = solve_parts(p, FAST, processes=1, min_pairs=0, batch_units=1)
    got = figures(joined)
    assert got["balance"] == 0.25 and got["shortfall"] == 4
    assert got["distance"] == pytest.approx(oracle["distance"], abs=1e-6)
    assert joined.status is Status.OPTIMAL


def test_parts_in_processes_are_deterministic():
    """issue 8: parts solved in a spawn pool pickle across and give the in-process plan, run after run."""
    p = trade_off()
    assert pickle.loads(pickle.dumps(p)) == p
    res = solve_parts(p, FAST, processes=1, min_pairs=0, batch_units=1)
    assert pickle.loads(pickle.dumps(res)) == res
    runs = [solve_parts(p, FAST, processes=2, min_pairs=0, batch_units=1) for _ in range(2)]
    for r in runs:
        assert r.pairs == res.pairs and figures(r) == figures(res)


def test_infeasible_part_makes_the_whole_infeasible():
    """issue 8: a remote unit no lowland unit can reach is its own part, and its rule makes the whole infeasible."""
    p = halves()
    lone = problem([*p.units, unit("x", "remote", need={"it": 1}, dlat=20.0)], max_distance_km=100)
    res = solve_parts(lone, FAST, processes=1, min_pairs=0, batch_units=1)
    assert res.status is Status.INFEASIBLE and res.pairs == ()


def test_other_orders_solve_whole_or_in_one_pass():
    """issue 8: balance after another stage is solved whole; without balance the sums join in one pass."""
    p = halves()
    later = replace(p, rules=replace(p.rules, objectives=("shortfall", "balance", "distance")))
    assert solve_parts(later, FAST, processes=1, min_pairs=0, batch_units=1).params["parts"] == 1
    sums = replace(p, rules=replace(p.rules, objectives=("shortfall", "distance")))
    joined = solve_parts(sums, FAST, processes=1, min_pairs=0, batch_units=1)
    whole = solve(sums, FAST)
    assert joined.params["parts"] == 2 and figures(joined) == pytest.approx(figures(whole))


def test_budgets_are_proportional_floored_and_capped():
    """issue 8: a part's work follows its size, at least the floor, at most the pass's share."""
    got = budgets([10, 30, 1000], 100.0, 0.5, workers=1)
    assert got[2] == 50.0 and got[0] == pytest.approx(100 * 10 / 1040) and got[1] > got[0]
    assert budgets([1, 10_000], 10.0, 0.5)[0] == 0.5
