"""The 'changes' stage: keep a published plan as far as the rules allow (issue 10)."""

from __future__ import annotations

import itertools
from dataclasses import replace

from helpers import unit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.distance import candidates
from matcher.engine import solve
from matcher.io.baseline import stage_order
from matcher.model import PairRule, PairStatus, Problem, Rules, SolveParams
from matcher.result import Status

FAST = SolveParams(time_limit_s=5)


def keys(result) -> set[tuple[str, str]]:
    return {(p.lowland_code, p.remote_code) for p in result.pairs}


def feasible_plans(p: Problem):
    """Every plan of a tiny problem that keeps the partner bounds and the locked pairs."""
    lows, rems = p.lowland, p.remote
    allowed = [(lows[c.li].code, rems[c.ri].code) for c in candidates(p)]
    for n in range(len(allowed) + 1):
        for plan in itertools.combinations(allowed, n):
            chosen = set(plan)
            if not p.locked <= chosen:
                continue
            ok = True
            for u in (*lows, *rems):
                lo, hi = p.partner_bounds(u)
                if not lo <= sum(u.code in k for k in chosen) <= hi:
                    ok = False
                    break
            if ok:
                yield chosen


def with_plan(p: Problem, plan, first: bool = True, max_changes=None) -> Problem:
    """``p`` with a published plan: ``changes`` first, or where matcher puts it by default (after balance)."""
    order = ("changes", *p.rules.objectives) if first else stage_order(p.rules.objectives, True, max_changes)
    return replace(p, baseline=tuple(plan), rules=replace(p.rules, max_changes=max_changes, objectives=order))


def line(n_low: int, n_rem: int, remote_max: int = 2) -> Problem:
    lows = [unit(f"L{i}", "lowland", {"it": 1 + i % 2}, dlat=0.05 * i) for i in range(n_low)]
    rems = [unit(f"R{j}", "remote", need={"it": 2}, dlat=0.07 * j + 0.02) for j in range(n_rem)]
    return Problem(units=(*lows, *rems), domains=("it",),
                   rules=Rules(remote_max_partners=remote_max, max_distance_km=None))


def test_unchanged_rules_change_nothing():
    """issue 10: re-solving under the same rules from the plan's own optimum changes no pair."""
    p = line(4, 2)
    base = solve(p, FAST)
    again = solve(with_plan(p, keys(base)), FAST)
    assert again.status is Status.OPTIMAL
    assert keys(again) == keys(base)
    assert again.stages[0].name == "changes" and again.stages[0].value == 0
    default = solve(with_plan(p, keys(base), first=False), FAST)  # changes after balance: the same
    assert [s.name for s in default.stages][:2] == ["balance", "changes"] and keys(default) == keys(base)


def test_any_published_plan_is_kept_under_unchanged_rules():
    """issue 10: even a poor published plan (not the optimum) is kept whole when nothing forces a change."""
    p = line(4, 2)
    plans = list(feasible_plans(p))
    worst = min(plans, key=lambda plan: sorted(plan))
    again = solve(with_plan(p, worst), FAST)
    assert keys(again) == worst


def forbid_one() -> tuple[set, tuple[str, str], Problem, int]:
    """The optimum of ``line(4, 2)``, its first pair, the problem with that pair forbidden, and the
    brute-force least number of changes the new rule forces."""
    p = line(4, 2)
    base = keys(solve(p, FAST))
    victim = sorted(base)[0]
    q = replace(p, pair_rules=(PairRule(*victim, PairStatus.FORBIDDEN),))
    return base, victim, q, min(len(plan ^ base) for plan in feasible_plans(q))


def test_one_forbidden_pair_changes_as_few_as_brute_force():
    """issue 10: forbidding one published pair changes exactly the brute-force minimum number of pairs."""
    base, victim, q, least = forbid_one()
    got = solve(with_plan(q, base), FAST)
    assert got.status is Status.OPTIMAL
    assert len(keys(got) ^ base) == least == got.stages[0].value
    assert victim not in keys(got)


def test_max_changes_too_small_is_infeasible():
    """issue 10: a change cap below what the new rules force leaves no plan."""
    base, _, q, least = forbid_one()
    assert least >= 2
    assert solve(with_plan(q, base, first=False, max_changes=least - 1), FAST).status is Status.INFEASIBLE
    ok = solve(with_plan(q, base, first=False, max_changes=least), FAST)
    assert ok.status.has_solution and len(keys(ok) ^ base) <= least


def test_balance_first_spends_changes_and_max_changes_caps_them():
    """issue 10: by default balance comes first and may change a poor plan; --max-changes caps what it may spend."""
    lows = [unit("L0", "lowland", {"it": 1}, dlat=0.0), unit("L1", "lowland", {"it": 1}, dlat=0.01),
            unit("L2", "lowland", {}, dlat=0.02)]
    rems = [unit("R0", "remote", need={"it": 1}, dlat=0.005), unit("R1", "remote", need={"it": 1}, dlat=0.015)]
    p = Problem(units=(*lows, *rems), domains=("it",), rules=Rules(remote_max_partners=2, max_distance_km=None))
    poor = {("L0", "R0"), ("L1", "R0"), ("L2", "R1")}  # R1 gets nobody who supplies it: balance 0
    kept = solve(with_plan(p, poor), FAST)
    assert keys(kept) == poor  # fewest changes first: nothing moves
    q = with_plan(p, poor, first=False)
    assert q.rules.objectives[:2] == ("balance", "changes")
    better = solve(q, FAST)
    assert better.stages[0].value == 1.0
    assert len(keys(better) ^ poor) == 2 == better.stages[1].value
    capped = solve(with_plan(p, poor, first=False, max_changes=1), FAST)  # one change cannot lift R1
    assert capped.stages[0].value == 0.0 and len(keys(capped) ^ poor) <= 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_low=st.integers(2, 4), n_rem=st.integers(1, 2), seed=st.integers(0, 10_000))
def test_fewest_changes_equals_brute_force(n_low, n_rem, seed):
    """issue 10 (property): forbidding a random published pair, the changes stage finds the brute-force least."""
    import random

    rng = random.Random(seed)
    p = line(n_low, n_rem)
    plans = list(feasible_plans(p))
    if not plans:
        return
    base = rng.choice(plans)
    if not base:
        return
    victim = rng.choice(sorted(base))
    q = replace(p, pair_rules=(PairRule(*victim, PairStatus.FORBIDDEN),))
    options = [len(plan ^ base) for plan in feasible_plans(q)]
    got = solve(with_plan(q, base), FAST)
    if not options:
        assert got.status is Status.INFEASIBLE
        return
    assert got.status is Status.OPTIMAL
    assert len(keys(got) ^ base) == min(options)
