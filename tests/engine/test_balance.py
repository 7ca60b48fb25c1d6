"""The balance stage's parts: the tighter-rule start, the quick bisection, the neighbourhood search."""

from __future__ import annotations

from fractions import Fraction

from helpers import brute_force, problem, unit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import SolveParams, Status
from matcher.distance import candidates
from matcher.engine import balance, lns, min_ratio, solve
from matcher.engine.backends import Ctx
from matcher.engine.formulation import Kept


def _ctx(p, limit=10.0):
    ctx = Ctx(p, candidates(p), SolveParams(time_limit_s=limit), None, fixed=False)
    ctx.start_guard()
    return ctx


def _four_by_two(max_partners=None):
    lows = [unit(f"L{i}", "lowland", {"it": s, "land": t}, dlat=0.01 * i, max_partners=max_partners)
            for i, (s, t) in enumerate([(2, 0), (0, 2), (1, 1), (1, 0)])]
    rems = [unit("R0", "remote", need={"it": 2, "land": 2}, dlat=0.05),
            unit("R1", "remote", need={"it": 1, "land": 2}, dlat=0.06)]
    return problem(lows + rems, domains=("it", "land"), max_distance_km=1000, remote_max_partners=3)


def test_tight_holds_splitting_units_to_one_partner():
    """issue 8: the tighter rule holds every splitting lowland unit to one partner, and only those."""
    p = _four_by_two(max_partners=2)
    tight = balance._tight(p)
    assert tight is not None and not any(tight.splitting)
    assert [tight.partner_bounds(u) for u in tight.lowland] == [(1, 1)] * 4
    assert balance._tight(_four_by_two()) is None  # nothing splits: no tighter start
    must_two = problem([unit("L", "lowland", {"it": 1}, min_partners=2, max_partners=2),
                        unit("R", "remote", need={"it": 1}), unit("S", "remote", need={"it": 1})])
    assert balance._tight(must_two) is None  # a unit that must take two partners cannot be held to one


def test_plan_on_gives_whole_supply_once():
    """issue 8: a one-partner plan moved into the splitting model keeps its coverage (no staff lost, none twice)."""
    p = _four_by_two(max_partners=2)
    ctx = _ctx(p)
    # L0, L1 -> R0 ; L2, L3 -> R1
    want = {("L0", "R0"), ("L1", "R0"), ("L2", "R1"), ("L3", "R1")}
    on = {k for k, c in enumerate(ctx.cands) if (p.lowland[c.li].code, p.remote[c.ri].code) in want}
    pairs, _hint = balance._plan_on(ctx, on)
    assert {(q.lowland_code, q.remote_code) for q in pairs} == want
    assert min_ratio(p, tuple(pairs)) == Fraction(2, 3)  # R0 fully covered; R1: it 1 of 1, land 1 of 2
    # every allotment is within the unit's supply
    for q in pairs:
        lo = p.unit(q.lowland_code)
        assert all(v <= lo.supply.get(d, 0) for d, v in q.allot.items())


def test_relaxing_to_two_partners_starts_from_the_one_partner_plan():
    """issue 8: with splitting allowed the balance value is never below the one-partner optimum."""
    tight, loose = _four_by_two(), _four_by_two(max_partners=2)
    params = SolveParams(time_limit_s=10)
    a, b = solve(tight, params), solve(loose, params)
    assert a.stages[0].status is Status.OPTIMAL
    assert b.stages[0].value >= a.stages[0].value


def test_bisection_never_probes_below_the_best_plan(monkeypatch):
    """issue 8: an undecided probe bounds only the quick phase; no probe asks for less than the best plan."""
    p = _four_by_two()
    ctx = _ctx(p)
    asked = []
    real = balance.probe

    def fake(ctx_, kept, work):
        level = min(Fraction(k, p.remote[r].total_need) for r, k in kept.floors.items())
        asked.append(level)
        if level > Fraction(1, 2):
            return balance.Probe.UNDECIDED, None
        return real(ctx_, kept, work)

    monkeypatch.setattr(balance, "probe", fake)
    first = balance.probe(ctx, Kept(lns.floors(p, Fraction(0))), 1.0)[1]
    start = min_ratio(p, tuple(first[0]))
    _plan, best, proven = balance._bisect(ctx, Kept(), first, start, 2.0)
    assert not proven and best >= start
    assert all(level > start for level in asked[1:])


@st.composite
def _instances(draw):
    n_low, n_rem = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    lows = [unit(f"L{i}", "lowland", {"it": draw(st.integers(0, 3)), "land": draw(st.integers(0, 3))},
                 dlat=0.01 * i) for i in range(n_low)]
    rems = [unit(f"R{j}", "remote", need={"it": draw(st.integers(0, 3)), "land": draw(st.integers(0, 3))},
                 dlat=0.02 * j) for j in range(n_rem)]
    return problem(lows + rems, domains=("it", "land"), max_distance_km=1000,
                   remote_max_partners=draw(st.integers(-(-n_low // n_rem), max(3, -(-n_low // n_rem)))))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_instances())
def test_neighbourhood_search_never_worsens_and_stays_within_rules(p):
    """issue 8: every plan the neighbourhood search returns keeps the rules and is never worse than its start."""
    ctx = _ctx(p)
    answer, plan = balance.probe(ctx, Kept(lns.floors(p, Fraction(0))), 1.0)
    if answer is not balance.Probe.FOUND:
        return
    start = min_ratio(p, tuple(plan[0]))
    out, proven = lns.improve(ctx, Kept(), plan, ctx.spent + 1.0)
    assert min_ratio(p, tuple(out[0])) >= start
    lows = [q.lowland_code for q in out[0]]
    assert sorted(lows) == sorted(u.code for u in p.lowland)  # each lowland unit exactly one partner
    for r in p.remote:
        lo, hi = p.partner_bounds(r)
        assert lo <= sum(q.remote_code == r.code for q in out[0]) <= hi
    oracle = brute_force(p)
    if proven:
        assert float(min_ratio(p, tuple(out[0]))) == oracle["balance"]
    assert float(min_ratio(p, tuple(out[0]))) <= oracle["balance"] + 1e-9


def test_a_stage_starts_from_the_previous_plan(monkeypatch):
    """issue 8: a minimising stage whose solvers find nothing still reports the previous stage's plan (not unknown)."""
    import matcher.engine.stages as stages_mod
    from matcher.engine.backends import LpAnswer, MipAnswer

    p = _four_by_two()
    monkeypatch.setattr(stages_mod, "lp", lambda ctx, kept, objective, work: LpAnswer(True, None, None))
    monkeypatch.setattr(stages_mod, "mip", lambda ctx, kept, objective, work: MipAnswer(Status.UNKNOWN, None, None))

    def nothing(ctx, built, work, label, conv=None):
        return Status.UNKNOWN, None

    monkeypatch.setattr(stages_mod, "cp_solve", nothing)
    res = solve(p, SolveParams(time_limit_s=5))
    balance_stage, shortfall, distance = res.stages
    assert balance_stage.status is Status.OPTIMAL
    assert shortfall.status is Status.FEASIBLE and distance.status is Status.FEASIBLE
    assert shortfall.value is not None and distance.value is not None
    assert res.pairs


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_instances(), st.sampled_from(["shortfall", "distance"]))
def test_neighbourhood_search_of_a_minimising_stage_never_worsens(p, objective):
    """issue 8: the minimising stages' neighbourhood search keeps the kept floors and never raises the figure."""
    from matcher.engine.plan import raw_value

    ctx = _ctx(p)
    answer, plan = balance.probe(ctx, Kept(lns.floors(p, Fraction(0))), 1.0)
    if answer is not balance.Probe.FOUND:
        return
    level = min_ratio(p, tuple(plan[0]))
    kept = Kept(lns.floors(p, level))
    out = lns.improve_sum(ctx, kept, plan, objective, ctx.spent + 1.0, lambda got: raw_value(objective, ctx, got[0]))
    assert raw_value(objective, ctx, out[0]) <= raw_value(objective, ctx, plan[0])
    assert min_ratio(p, tuple(out[0])) >= level
    assert sorted(q.lowland_code for q in out[0]) == sorted(u.code for u in p.lowland)
