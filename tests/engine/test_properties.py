"""issue 8: properties of solve on tiny random instances (<= 5 lowland x 3 remote x 2 domains),
some with staff splitting (max_partners 2) and locked / forbidden pairs, against brute force."""

from __future__ import annotations

from dataclasses import replace

from helpers import brute_force, problem, unit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.engine import solve
from matcher.kpis import broken_rules, kpis, min_ratio
from matcher.model import PairStatus, SolveParams
from matcher.result import Status

DOMAINS = ("it", "land")
PARAMS = SolveParams(time_limit_s=5, seed=1)
OFFSETS = (-0.4, -0.2, 0.0, 0.2, 0.4)  # degrees: units 0-120 km apart
KM_TOL = 1e-3  # per pair: matcher's model counts whole metres
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw, split: bool | None = None):
    """A tiny problem; ``split`` True forces at least one lowland unit with 2 partners."""
    n_low, n_rem = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    pos = st.sampled_from(OFFSETS)
    maxp = [draw(st.sampled_from([None, 2])) if split is not False else None for _ in range(n_low)]
    if split and 2 not in maxp:
        maxp[0] = 2
    units = [unit(f"L{i}", "lowland", {d: draw(st.integers(0, 3)) for d in DOMAINS}, dlat=draw(pos), dlon=draw(pos),
                  max_partners=maxp[i]) for i in range(n_low)]
    units += [unit(f"R{i}", "remote", need={d: draw(st.integers(0, 3)) for d in DOMAINS}, dlat=draw(pos),
                   dlon=draw(pos)) for i in range(n_rem)]
    pairs = [(f"L{i}", f"R{j}") for i in range(n_low) for j in range(n_rem)]
    locked = draw(st.lists(st.sampled_from(pairs), max_size=1, unique=True))
    forbidden = [q for q in draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)) if q not in locked]
    return problem(units, domains=DOMAINS, locked=locked, forbidden=forbidden,
                   max_distance_km=draw(st.sampled_from([None, 90.0])), lowland_min_partners=draw(st.integers(0, 1)),
                   remote_min_partners=draw(st.integers(0, 1)), remote_max_partners=draw(st.sampled_from([1, 2, 3, 3])))


def _stage(res, name):
    return next(s for s in res.stages if s.name == name)


def _balance(res) -> float | None:
    return _stage(res, "balance").value if res.status.has_solution else None


@SETTINGS
@given(p=instances())
def test_optimal_stages_equal_brute_force(p):
    """issue 8: every stage proven optimal (with the earlier ones) has the brute-force value, splitting included."""
    oracle = brute_force(p)
    res = solve(p, PARAMS)
    if oracle is None:
        assert not res.status.has_solution, res
        return
    for s in res.stages:
        if s.status is not Status.OPTIMAL:
            break
        tol = KM_TOL * max(1, len(res.pairs)) if s.name == "distance" else 1e-9
        assert abs(s.value - oracle[s.name]) <= tol, (s, oracle)


@SETTINGS
@given(p=instances(split=True))
def test_balance_is_the_plain_optimum(p):
    """issue 8: never worse than the obvious: the balance value is the plain model's optimum (brute force)."""
    oracle = brute_force(p)
    res = solve(p, PARAMS)
    assert res.status.has_solution == (oracle is not None), (res.status, oracle)
    if oracle is not None:
        assert abs(_balance(res) - oracle["balance"]) <= 1e-9, (res.stages, oracle)


@SETTINGS
@given(p=instances())
def test_a_stage_reports_its_plan_and_claims_a_met_bound(p):
    """issue 8: each stage's value is the returned plan's figure, the plan keeps every rule and never
    counts a person twice, and a stage whose bound meets its value is optimal."""
    res = solve(p, PARAMS)
    if not res.status.has_solution:
        return
    assert broken_rules(p, res) == []
    for lo in p.lowland:
        for d in DOMAINS:
            given_out = sum(q.allot.get(d, 0) for q in res.pairs if q.lowland_code == lo.code)
            assert given_out <= lo.supply.get(d, 0), (lo.code, d, res.pairs)
    k = kpis(p, res)
    plan = {"balance": float(min_ratio(p, res.pairs)), "shortfall": float(k.total_shortfall),
            "distance": k.total_distance_km}
    for s in res.stages:
        if s.value is None:
            continue
        tol = KM_TOL * max(1, len(res.pairs)) if s.name == "distance" else 1e-9
        assert abs(s.value - plan[s.name]) <= tol, (s, plan)
        if s.bound is not None and abs(s.value - s.bound) <= 1e-9:
            assert s.status is Status.OPTIMAL, s


def _relaxations(p, draw):
    """One looser variant of ``p``: a lowland unit allowed 2 partners, remote max + 1, or a forbidden
    pair removed."""
    kinds = ["lowland", "remote"] + (["forbidden"] if p.forbidden else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "lowland":
        ones = [i for i, u in enumerate(p.units) if u in p.lowland and p.partner_bounds(u)[1] == 1]
        if not ones:
            return replace(p, rules=replace(p.rules, remote_max_partners=p.rules.remote_max_partners + 1))
        i = draw(st.sampled_from(ones))
        units = list(p.units)
        units[i] = replace(units[i], max_partners=2)
        return replace(p, units=tuple(units))
    if kind == "remote":
        return replace(p, rules=replace(p.rules, remote_max_partners=p.rules.remote_max_partners + 1))
    gone = draw(st.sampled_from(sorted(p.forbidden)))
    return replace(p, pair_rules=tuple(r for r in p.pair_rules
                                       if not (r.status is PairStatus.FORBIDDEN
                                               and (r.lowland_code, r.remote_code) == gone)))


@SETTINGS
@given(p=instances(split=False), data=st.data())
def test_relaxing_a_rule_never_lowers_balance_when_both_optimal(p, data):
    """issue 8: with both balance stages proven, a looser rule never gives a lower balance value."""
    loose = _relaxations(p, data.draw)
    tight_res, loose_res = solve(p, PARAMS), solve(loose, PARAMS)
    if not tight_res.status.has_solution:
        return
    assert loose_res.status.has_solution
    t, lo = _stage(tight_res, "balance"), _stage(loose_res, "balance")
    if t.status is Status.OPTIMAL and lo.status is Status.OPTIMAL:
        assert lo.value >= t.value - 1e-9, (t, lo)


@SETTINGS
@given(p=instances(split=False), data=st.data())
def test_relaxing_a_rule_never_lowers_balance_when_the_tighter_is_optimal(p, data):
    """issue 8: a plan of the tighter rules is a valid start: when their balance is proven, the looser
    rules' plan is at least as balanced, whatever the looser solve proves."""
    loose = _relaxations(p, data.draw)
    tight_res = solve(p, PARAMS)
    if not tight_res.status.has_solution or _stage(tight_res, "balance").status is not Status.OPTIMAL:
        return
    loose_res = solve(loose, SolveParams(time_limit_s=0.5, seed=1))
    assert loose_res.status.has_solution
    assert _balance(loose_res) >= _stage(tight_res, "balance").value - 1e-9

