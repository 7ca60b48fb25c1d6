"""The solver: exact optima on hand-solvable instances, a brute-force oracle on random
ones, invariants, determinism, and the Da Nang 2025 default."""

from __future__ import annotations

from fractions import Fraction

import pytest
from helpers import brute_force, problem, unit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import SolveParams, Status
from matcher.distance import candidates
from matcher.engine import build, min_ratio, solve
from matcher.engine.backends import CpBackend
from matcher.engine.formulation import holder_sets

P1 = SolveParams(time_limit_s=20, workers=1, seed=0)


def test_balance_hand_instance_two_thirds():
    """R1 needs 6, R2 needs 4; supplies 3, 2, 2: the best smallest ratio is 2/3 (R1 gets 2+2)."""
    p = problem([
        unit("00001", "lowland", {"it": 3}), unit("00002", "lowland", {"it": 2}),
        unit("00003", "lowland", {"it": 2}),
        unit("00011", "remote", need={"it": 6}, dlat=0.1), unit("00012", "remote", need={"it": 4}, dlat=0.2),
    ])
    res = solve(p, P1)
    assert res.status is Status.OPTIMAL
    assert res.stage("balance").value == pytest.approx(2 / 3)
    assert res.stage("shortfall").value == 3
    got = {(q.lowland_code, q.remote_code) for q in res.pairs}
    assert got == {("00001", "00012"), ("00002", "00011"), ("00003", "00011")}


def test_shortfall_breaks_balance_ties():
    """Both plans give smallest ratio 1/2; only one also covers R2 fully (shortfall 1 vs 2)."""
    p = problem([
        unit("00001", "lowland", {"it": 1}), unit("00002", "lowland", {"it": 2}),
        unit("00011", "remote", need={"it": 2}, dlat=0.1), unit("00012", "remote", need={"it": 2}, dlat=0.2),
    ], remote_max_partners=1)
    res = solve(p, P1)
    assert res.stage("balance").value == pytest.approx(0.5)
    assert res.stage("shortfall").value == 1


def test_distance_stage_picks_nearest_when_coverage_ties():
    """Identical supplies: each remote unit gets the lowland unit nearest to it."""
    p = problem([
        unit("00001", "lowland", {"it": 1}, dlat=0.0), unit("00002", "lowland", {"it": 1}, dlat=1.0),
        unit("00011", "remote", need={"it": 1}, dlat=0.05), unit("00012", "remote", need={"it": 1}, dlat=1.05),
    ])
    res = solve(p, P1)
    assert {(q.lowland_code, q.remote_code) for q in res.pairs} == {("00001", "00011"), ("00002", "00012")}
    assert res.stage("distance").status is Status.OPTIMAL
    assert res.stage("distance").value == pytest.approx(2 * 5.54, abs=0.1)


def test_split_staff_is_not_counted_twice():
    """One IT officer, two communes each needing one, a ward that must take both: one stays uncovered."""
    p = problem([
        unit("00001", "lowland", {"it": 1}, max_partners=2, min_partners=2),
        unit("00011", "remote", need={"it": 1}, dlat=0.1), unit("00012", "remote", need={"it": 1}, dlat=0.2),
    ])
    res = solve(p, P1)
    assert res.stage("balance").value == 0
    assert res.stage("shortfall").value == 1
    assert sum(sum(q.allot.values()) for q in res.pairs) == 1


def test_split_staff_covers_both_when_enough():
    """Two IT officers split one each between the ward's two partners."""
    p = problem([
        unit("00001", "lowland", {"it": 2}, max_partners=2),
        unit("00011", "remote", need={"it": 1}, dlat=0.1), unit("00012", "remote", need={"it": 1}, dlat=0.2),
    ])
    res = solve(p, P1)
    assert res.stage("balance").value == 1
    assert sorted(dict(q.allot)["it"] for q in res.pairs) == [1, 1]


def test_locked_and_forbidden_pairs():
    """A locked pair is kept even beyond the cap; a forbidden pair never appears."""
    p = problem([
        unit("00001", "lowland", {"it": 1}), unit("00002", "lowland", {"it": 1}, dlat=0.01),
        unit("00011", "remote", need={"it": 1}, dlat=3.0), unit("00012", "remote", need={"it": 1}, dlat=0.1),
    ], locked=[("00001", "00011")], forbidden=[("00002", "00011")], max_distance_km=50)
    res = solve(p, P1)
    got = {(q.lowland_code, q.remote_code) for q in res.pairs}
    assert ("00001", "00011") in got and ("00002", "00011") not in got
    assert next(q for q in res.pairs if q.remote_code == "00011").locked


def test_infeasible_is_a_result():
    """Three communes that each need a partner, two lowland units with one partner each."""
    p = problem([
        unit("00001", "lowland", {"it": 1}), unit("00002", "lowland", {"it": 1}),
        unit("00011", "remote", need={"it": 1}), unit("00012", "remote", need={"it": 1}),
        unit("00013", "remote", need={"it": 1}),
    ])
    res = solve(p, P1)
    assert res.status is Status.INFEASIBLE
    assert res.pairs == ()


def test_capacity_makes_a_generalized_assignment():
    """GAP as a special case: no needs, capacities and loads; brute force agrees on cost."""
    from dataclasses import replace

    from matcher.model import Travel

    units = [unit(f"0000{i}", "lowland", {}, dlat=0.1 * i) for i in range(1, 5)]
    units += [unit("00011", "remote", dlat=0.0, capacity=6, min_partners=0, max_partners=4),
              unit("00012", "remote", dlat=0.5, capacity=4, min_partners=0, max_partners=4)]
    loads = {"00001": 3, "00002": 2, "00003": 2, "00004": 3}
    travel = {(lc, rc): Travel(km=None, load=loads[lc]) for lc in loads for rc in ("00011", "00012")}
    p = replace(problem(units), travel=travel)
    res = solve(p, P1)
    assert res.status is Status.OPTIMAL
    for rc, cap in (("00011", 6), ("00012", 4)):
        assert sum(loads[q.lowland_code] for q in res.pairs if q.remote_code == rc) <= cap
    # Brute force over the 16 assignments.
    import itertools

    cands = {(c.li, c.ri): c.km for c in candidates(p)}
    best = min(
        sum(cands[li, ri] for li, ri in enumerate(ch))
        for ch in itertools.product(range(2), repeat=4)
        if all(sum(loads[f"0000{li + 1}"] for li in range(4) if ch[li] == ri) <= cap
               for ri, cap in enumerate((6, 4)))
    )
    assert res.stage("distance").value == pytest.approx(best, abs=1e-6)


def test_holder_sets_are_minimal():
    """A commune that may lose 2 of it 2 + finance 1 needs a partner holding it or finance."""
    p = problem([
        unit("00001", "lowland", {"it": 1, "finance": 1, "land": 1}),
        unit("00011", "remote", need={"it": 2, "finance": 1, "land": 3}),
    ], domains=("it", "finance", "land"))
    # total need 6, floor 4 -> may lose 2
    sets = holder_sets(p, 0, 4)
    assert ("land",) in sets and ("it", "finance") in sets
    assert ("it",) not in sets and ("it", "land") not in sets


def test_builders_count_constraints():
    """Each builder adds what it says: one x per candidate, one C per needy (remote, domain)."""
    p = problem([
        unit("00001", "lowland", {"it": 1}), unit("00002", "lowland", {"it": 1}),
        unit("00011", "remote", need={"it": 1}), unit("00012", "remote", need={"it": 0}),
    ])
    built = build(p, CpBackend(), candidates(p))
    assert len(built.x) == 4
    assert len(built.cov) == 1  # only 00011 needs anything
    assert built.y == {}  # nobody splits staff


def test_same_seed_same_plan():
    """workers=1 and a fixed seed give identical plans."""
    from matcher.io.scenario import load_problem, load_scenario

    p, _ = load_problem(load_scenario(None))
    a = solve(p, SolveParams(time_limit_s=30, workers=1, seed=3))
    b = solve(p, SolveParams(time_limit_s=30, workers=1, seed=3))
    assert a.pairs == b.pairs


# ---- random instances against brute force --------------------------------------------


@st.composite
def tiny_problems(draw):
    n_low = draw(st.integers(1, 4))
    n_rem = draw(st.integers(1, 3))
    domains = ("it", "land")
    val = st.integers(0, 3)
    units = [
        unit(f"1{i:04d}", "lowland", {d: draw(val) for d in domains},
             dlat=draw(st.floats(0, 1)), dlon=draw(st.floats(0, 1)))
        for i in range(n_low)
    ]
    units += [
        unit(f"2{i:04d}", "remote", need={d: draw(val) for d in domains},
             dlat=draw(st.floats(0, 1)), dlon=draw(st.floats(0, 1)))
        for i in range(n_rem)
    ]
    lows = [u.code for u in units[:n_low]]
    rems = [u.code for u in units[n_low:]]
    pairs = [(a, b) for a in lows for b in rems]
    locked = draw(st.lists(st.sampled_from(pairs), max_size=1))
    forbidden = draw(st.lists(st.sampled_from(pairs), max_size=2))
    forbidden = [f for f in forbidden if f not in locked]
    cap = draw(st.one_of(st.none(), st.floats(40, 200)))
    return problem(
        units, domains=domains, locked=locked, forbidden=forbidden, max_distance_km=cap,
        remote_min_partners=draw(st.integers(0, 1)), remote_max_partners=draw(st.integers(1, 3)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_matches_brute_force(p):
    """Every stage value equals the brute-force lexicographic optimum; infeasible iff none."""
    res = solve(p, P1)
    oracle = brute_force(p)
    if oracle is None:
        assert res.status is Status.INFEASIBLE
        return
    assert res.status is Status.OPTIMAL
    for name in ("balance", "shortfall", "distance"):
        assert res.stage(name).value == pytest.approx(oracle[name], abs=1e-6), name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_plan_invariants(p):
    """Pairs allowed, bounds held, locked kept, forbidden absent, KPIs match the pairs."""
    from matcher.io.result_tables import pairs_frame, remote_frame
    from matcher.kpis import kpis

    res = solve(p, P1)
    if not res.status.has_solution:
        return
    lows, rems = p.lowland, p.remote
    allowed = {(lows[c.li].code, rems[c.ri].code) for c in candidates(p)}
    chosen = {(q.lowland_code, q.remote_code) for q in res.pairs}
    assert chosen <= allowed
    assert p.locked <= chosen
    assert not (p.forbidden & chosen)
    for u in p.units:
        n = sum(u.code in key for key in chosen)
        lo, hi = p.partner_bounds(u)
        assert lo <= n <= hi
    for u in lows:
        for d in p.domains:
            assert sum(q.allot.get(d, 0) for q in res.pairs if q.lowland_code == u.code) <= u.supply[d]
    k = kpis(p, res)
    pf, rf = pairs_frame(p, res), remote_frame(p, res)
    assert k.total_distance_km == pytest.approx(sum(q.km for q in res.pairs))
    assert pf["distance_km"].sum() == pytest.approx(k.total_distance_km, abs=0.05 * max(1, len(pf)))
    assert rf["coverage_ratio"].min() == pytest.approx(k.min_coverage, abs=1e-4)
    assert int((rf["need_total"] - rf["covered_total"]).sum()) == k.total_shortfall
    assert k.min_coverage == pytest.approx(res.stage("balance").value)
    assert k.total_shortfall == res.stage("shortfall").value


# ---- the embedded default -------------------------------------------------------------


def test_default_scenario_solves_to_proven_optimum():
    """Da Nang 2025: 60 lowland, 33 remote, the 15 reported pairs kept, all stages proven.

    The figures are regression values of the illustrative staff data (data/danang_2025/
    build.py); workers=1 makes the run deterministic, so they do not depend on the machine."""
    from matcher.io.scenario import load_problem, load_scenario

    p, _ = load_problem(load_scenario(None))
    assert (len(p.lowland), len(p.remote), len(p.locked)) == (60, 33, 15)
    res = solve(p, SolveParams(time_limit_s=60, workers=1, seed=0))
    assert res.status is Status.OPTIMAL
    chosen = {(q.lowland_code, q.remote_code) for q in res.pairs}
    assert p.locked <= chosen
    assert len(res.pairs) == 60
    assert res.stage("balance").value == pytest.approx(0.75)
    assert res.stage("shortfall").value == 22
    assert res.stage("distance").value == pytest.approx(4884.748, abs=0.01)


def test_minutes_metric_uses_the_travel_table():
    """With distance_metric minutes, the distance stage minimises the table's minutes, not km."""
    from dataclasses import replace

    from matcher.model import Travel

    p = problem([
        unit("00001", "lowland", {"it": 1}), unit("00002", "lowland", {"it": 1}, dlat=0.01),
        unit("00011", "remote", need={"it": 1}, dlat=0.1), unit("00012", "remote", need={"it": 1}, dlat=0.5),
    ], distance_metric="minutes")
    # 00001 is nearer both in km, but the road makes 00001-00011 slow.
    minutes = {("00001", "00011"): 90, ("00001", "00012"): 60, ("00002", "00011"): 20, ("00002", "00012"): 80}
    p = replace(p, travel={k: Travel(minutes=v) for k, v in minutes.items()})
    res = solve(p, P1)
    assert {(q.lowland_code, q.remote_code) for q in res.pairs} == {("00001", "00012"), ("00002", "00011")}
    assert res.stage("distance").value == pytest.approx(80)
    assert res.stage("distance").unit == "minutes"


def test_balance_tolerance_trades_coverage_for_distance():
    """Tolerance 0 keeps the best balance; tolerance 0.5 lets the distance stage take the near pair."""
    near_low, far_low = unit("00001", "lowland", {"it": 1}), unit("00002", "lowland", {"it": 2}, dlat=1.0)
    rem = [unit("00011", "remote", need={"it": 2}, dlat=0.02)]
    rules = {"remote_max_partners": 1, "lowland_min_partners": 0, "objectives": ("balance", "distance")}
    strict = solve(problem([near_low, far_low, *rem], **rules), P1)
    loose_problem = problem([near_low, far_low, *rem], **rules, tolerances={"balance": 0.5})
    loose = solve(loose_problem, P1)
    assert [q.lowland_code for q in strict.pairs] == ["00002"]
    assert strict.stage("balance").value == 1
    assert [q.lowland_code for q in loose.pairs] == ["00001"]
    assert loose.stage("balance").value == 1  # the stage's own optimum ...
    assert min_ratio(loose_problem, list(loose.pairs)) == Fraction(1, 2)  # ... the plan keeps half of it


def test_feasible_answers_without_optimising():
    """feasible(): a plan exists for the default; a 100 km cap leaves some commune alone."""
    from dataclasses import replace

    from matcher.engine import feasible
    from matcher.io.scenario import load_problem, load_scenario

    p, _ = load_problem(load_scenario(None))
    assert feasible(p, P1) is Status.OPTIMAL
    assert feasible(replace(p, rules=replace(p.rules, max_distance_km=100)), P1) is Status.INFEASIBLE
