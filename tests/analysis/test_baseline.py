"""The reasons given for each change against a published plan (issue 10)."""

from __future__ import annotations

from dataclasses import replace

from helpers import unit

from matcher.analysis.baseline import plan_changes
from matcher.analysis.whatif_modes import in_mode, what_if_modes
from matcher.engine import solve
from matcher.io.baseline import check_baseline_rules, stage_order
from matcher.model import PairRule, PairStatus, Problem, Rules, SolveParams

FAST = SolveParams(time_limit_s=5)


def small() -> Problem:
    """Three lowland units in a line, two remote; every lowland unit supplies IT."""
    lows = [unit(f"0000{i}", "lowland", {"it": 1}, dlat=0.1 * i) for i in range(3)]
    rems = [unit("00011", "remote", need={"it": 2}, dlat=0.05), unit("00012", "remote", need={"it": 1}, dlat=0.25)]
    return Problem(units=(*lows, *rems), domains=("it",), rules=Rules(remote_max_partners=2, max_distance_km=None))


PLAN = (("00000", "00011"), ("00001", "00011"), ("00002", "00012"))


def keyed(problem, **rules) -> Problem:
    p = replace(problem, rules=replace(problem.rules, **rules)) if rules else problem
    return replace(p, baseline=PLAN, rules=replace(p.rules, objectives=("changes", *p.rules.objectives)))


def test_stage_order_places_changes():
    """issue 10: 'changes' goes right after balance (first without balance), or where the scenario lists it."""
    order = ("balance", "shortfall", "distance")
    assert stage_order(order, True, None) == ("balance", "changes", "shortfall", "distance")
    assert stage_order(order, True, 3) == ("balance", "changes", "shortfall", "distance")
    assert stage_order(("distance", "balance"), True) == ("distance", "balance", "changes")
    assert stage_order(("shortfall", "distance"), True) == ("changes", "shortfall", "distance")
    assert stage_order(("shortfall", "changes", "balance"), True, None) == ("shortfall", "changes", "balance")
    assert stage_order(order, False, None) == order
    assert [i.column for i in check_baseline_rules(("changes",), False, 2, "s.toml")] == ["objectives", "max_changes"]


def test_forbidden_pair_and_its_replacement_are_explained():
    """issue 10: the dropped pair is 'forbidden'; the pairs that fill the gap are replacements or knock-ons."""
    p = keyed(small())
    p = replace(p, pair_rules=(PairRule("00001", "00011", PairStatus.FORBIDDEN),))
    res = solve(p, FAST)
    pc = plan_changes(p, res)
    assert pc.published == 3
    reasons = {(c.kind, c.lowland_code, c.remote_code): c.reason for c in pc.changes}
    assert reasons[("dropped", "00001", "00011")] == "forbidden"
    assert set(reasons.values()) <= {"forbidden", "replaces", "knock_on"}
    assert len(pc.changes) == res.stages[0].value
    assert all(c.vi and c.en for c in pc.changes)


def test_partner_limit_reason():
    """issue 10: a remote unit now limited to one partner drops one of its two with 'partner_limit'."""
    p = keyed(small(), remote_max_partners=1, lowland_min_partners=0)
    pc = plan_changes(p, solve(p, FAST))
    dropped = [c for c in pc.changes if c.kind == "dropped"]
    assert len(dropped) == 1 and dropped[0].remote_code == "00011" and dropped[0].reason == "partner_limit"
    assert "2" in dropped[0].en and "1" in dropped[0].en


def test_cap_reason_names_the_figures():
    """issue 10: a published pair beyond a new distance cap is dropped with the reason 'cap' and its figures."""
    far_plan = (("00000", "00012"), ("00001", "00011"), ("00002", "00011"))  # 00000-00012: 27.7 km
    base = small()
    p = replace(base, baseline=far_plan, rules=replace(base.rules, max_distance_km=20.0, detour_factor=1.0,
                                                       objectives=("changes", "balance", "shortfall", "distance")))
    pc = plan_changes(p, solve(p, FAST))
    got = {(c.lowland_code, c.remote_code): c for c in pc.changes if c.kind == "dropped"}
    assert got[("00000", "00012")].reason == "cap"
    assert "27.7 km > 20.0 km" in got[("00000", "00012")].en and "27,7 km > 20,0 km" in got[("00000", "00012")].vi


def test_only_mode_locks_every_other_pair():
    """issue 10: in 'only' mode every other pair of the plan is locked; 'fewest' sets the plan as baseline."""
    p = small()
    only = in_mode(p, "only", PLAN[1:])
    assert only.locked == set(PLAN[1:])
    fewest = in_mode(p, "fewest", PLAN[1:])
    assert fewest.baseline == tuple(sorted(PLAN[1:])) and fewest.rules.objectives[:2] == ("balance", "changes")


def test_modes_side_by_side_only_moves_nothing_else():
    """issue 10: forbidding a pair, 'only' keeps every other pair; no mode moves fewer pairs than 'fewest'."""
    p = small()
    base = solve(p, FAST)
    keys = {(x.lowland_code, x.remote_code) for x in base.pairs}
    victim = sorted(keys)[0]
    only, fewest, reopt = what_if_modes(p, FAST, base, forbid=[victim], first="only")
    assert (only.mode, fewest.mode, reopt.mode) == ("only", "fewest", "reoptimise")
    if only.status == "possible":
        new = {(x.lowland_code, x.remote_code) for x in only.result.pairs}
        assert keys - {victim} <= new
    assert fewest.status == reopt.status == "possible"
    assert fewest.stages[0].after == reopt.stages[0].after  # both reach the best coverage ...
    assert len(fewest.added) + len(fewest.removed) <= len(reopt.added) + len(reopt.removed)  # ... fewest with least


def test_empty_published_plan_counts_every_pair():
    """issue 10 (review): a published plan with no pairs is a plan: every chosen pair is a change, and a cap binds."""
    p = replace(small(), baseline=(), rules=replace(small().rules, objectives=("changes", "balance")))
    res = solve(p, FAST)
    pc = plan_changes(p, res)
    assert pc is not None and pc.published == 0 and len(pc.added) == len(res.pairs) == res.stages[0].value
    assert all(c.reason == "partner_min" for c in pc.added)  # every unit needs a partner the plan did not give
    capped = replace(p, rules=replace(p.rules, max_changes=1))
    assert solve(capped, FAST).status.value == "infeasible"


def test_knock_ons_only_across_kinds_and_changes_first_says_required():
    """issue 10 (review): a drop is never 'caused' by another drop; with changes first the rest is 'required'."""
    p = keyed(small())
    p = replace(p, pair_rules=(PairRule("00001", "00011", PairStatus.FORBIDDEN),))
    pc = plan_changes(p, solve(p, FAST))
    for c in pc.changes:
        if c.reason == "knock_on":
            assert c.kind == "dropped" and "new pair" in c.en
    assert {c.reason for c in pc.changes} <= {"forbidden", "replaces", "knock_on", "required"}


def test_diagnosis_names_the_change_cap_and_its_fix():
    """issue 10 (review): an infeasible --max-changes is in the conflict, with the smallest cap that works."""
    from matcher.analysis.diagnose import diagnose

    p = keyed(small())
    p = replace(p, pair_rules=(PairRule("00001", "00011", PairStatus.FORBIDDEN),))
    least = solve(p, FAST).stages[0].value
    capped = replace(p, rules=replace(p.rules, max_changes=int(least) - 1, objectives=("balance", "changes")))
    d = diagnose(capped, FAST, "en")
    assert any(r.kind == "max_changes" for r in d.conflict)
    fixes = {f.rule.kind: f.value for f in d.fixes}
    assert fixes.get("max_changes") == least
