"""The cheap checks of a diagnosis: counting, with names and numbers, no solver.

Each check is sound: a cause it reports makes the scenario infeasible. In order:

- (a) partner counts that cannot add up (the minimums of one side above the maximums of
  the other);
- (b) a unit with fewer available partners than its minimum (nobody within the caps, the
  pair forbidden, or the partner already full through its locked pairs);
- (c) locked pairs above a unit's maximum;
- (e) locked loads above a remote capacity;
- (d) locked pairs beyond a cap, as information only (``cause`` False): locked pairs are
  exempt from the caps by design.

Every :class:`~matcher.analysis.findings.Finding` names the rules it involves, the
starting point of the conflict search in :mod:`matcher.analysis.diagnose`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..distance import candidates, geodesic_pairs_km, pair_load, pair_metrics, within_caps
from ..model import Problem, Role, Unit
from .findings import Finding, Rule


def other_side(problem: Problem, unit: Unit) -> tuple[Unit, ...]:
    """The units ``unit`` may be paired with."""
    return problem.remote if unit.role is Role.LOWLAND else problem.lowland


def _pair(u: Unit, v: Unit) -> tuple[str, str]:
    return (u.code, v.code) if u.role is Role.LOWLAND else (v.code, u.code)


def cap_rules(problem: Problem) -> list[Rule]:
    """The scenario's distance and time caps as rules."""
    r = problem.rules
    out = []
    if r.max_distance_km is not None:
        out.append(Rule("distance_cap", (), r.max_distance_km))
    if r.max_minutes is not None:
        out.append(Rule("minutes_cap", (), r.max_minutes))
    return out


def _max_rule(problem: Problem, u: Unit) -> list[Rule]:
    hi = problem.partner_bounds(u)[1]
    return [Rule("max_partners", (u.code,), hi)] if hi < len(other_side(problem, u)) else []


def _locked_of(problem: Problem, u: Unit) -> list[tuple[str, str]]:
    i = 0 if u.role is Role.LOWLAND else 1
    return sorted(p for p in problem.locked if p[i] == u.code)


def _locked_rules(pairs: Iterable[tuple[str, str]]) -> list[Rule]:
    return [Rule("locked", p) for p in pairs]


def _partner_totals(problem: Problem) -> list[Finding]:
    """(a) the minimums of one side cannot fit in the maximums of the other."""
    out = []
    lows, rems = problem.lowland, problem.remote
    for need_side, room_side, side in ((rems, lows, "remote"), (lows, rems, "lowland")):
        need = sum(problem.partner_bounds(u)[0] for u in need_side)
        room = sum(problem.partner_bounds(u)[1] for u in room_side)
        if need > room:
            needy = [u for u in need_side if problem.partner_bounds(u)[0] >= 1]
            rules = [Rule("min_partners", (u.code,), problem.partner_bounds(u)[0]) for u in needy]
            rules += [r for u in room_side for r in _max_rule(problem, u)]
            out.append(Finding("partner_totals", True, tuple(u.code for u in needy), {
                "side": side, "need": need, "room": room,
                "others": tuple(u.code for u in room_side)}, tuple(rules)))
    return out


def _no_partner(problem: Problem, cands) -> list[Finding]:
    """(b) units with fewer available partners than their minimum."""
    out = []
    lows, rems = problem.lowland, problem.remote
    allowed: dict[str, set[str]] = {u.code: set() for u in problem.units}
    for c in cands:
        lo, re = lows[c.li], rems[c.ri]
        allowed[lo.code].add(re.code)
        allowed[re.code].add(lo.code)
    n_locked = {u.code: len(_locked_of(problem, u)) for u in (*lows, *rems)}
    full = {u.code for u in (*lows, *rems) if n_locked[u.code] >= problem.partner_bounds(u)[1]}
    for u in (*rems, *lows):
        need = problem.partner_bounds(u)[0]
        if need < 1:
            continue
        others = other_side(problem, u)
        committed = [v for v in others if v.code in allowed[u.code] and v.code in full
                     and _pair(u, v) not in problem.locked]
        available = len(allowed[u.code]) - len(committed)
        if available >= need:
            continue
        geo = geodesic_pairs_km([u] * len(others), list(others))
        forbidden_near, beyond = [], []
        for j, v in enumerate(others):
            lo, re = (u, v) if u.role is Role.LOWLAND else (v, u)
            km, minutes, _, _ = pair_metrics(problem, lo, re, float(geo[j]))
            if _pair(u, v) in problem.forbidden:
                if within_caps(problem.rules, km, minutes):
                    forbidden_near.append(v)
            elif v.code not in allowed[u.code] and v.code not in full:
                beyond.append((km, v))
        nearest = min(beyond, key=lambda kv: kv[0], default=None)
        rules = [Rule("min_partners", (u.code,), need), *cap_rules(problem)]
        rules += [Rule("forbidden", p) for p in sorted(problem.forbidden) if u.code in p]
        for v in committed:
            rules += _max_rule(problem, v) + _locked_rules(_locked_of(problem, v))
        out.append(Finding("no_partner", True, (u.code,), {
            "unit": u.code, "min": need, "available": available,
            "committed": tuple(v.code for v in committed),
            "forbidden_near": tuple(v.code for v in forbidden_near),
            "nearest": nearest[1].code if nearest else None,
            "nearest_km": round(float(nearest[0]), 3) if nearest else None,
        }, tuple(dict.fromkeys(rules))))
    return out


def _locked_over(problem: Problem) -> list[Finding]:
    """(c) locked pairs above a unit's maximum, then (e) locked loads above a capacity."""
    out = []
    lows, rems = problem.lowland, problem.remote
    for u in (*lows, *rems):
        hi = problem.partner_bounds(u)[1]
        pairs = _locked_of(problem, u)
        if len(pairs) > hi:
            partners = tuple(p[1] if u.role is Role.LOWLAND else p[0] for p in pairs)
            out.append(Finding("locked_over_max", True, (u.code, *partners), {
                "unit": u.code, "n": len(pairs), "max": hi, "partners": partners},
                tuple(_max_rule(problem, u) + _locked_rules(pairs))))
    for re in rems:
        if re.capacity is None:
            continue
        pairs = _locked_of(problem, re)
        load = sum(pair_load(problem, lc, re.code) for lc, _ in pairs)
        if load > re.capacity:
            partners = tuple(p[0] for p in pairs)
            out.append(Finding("locked_over_capacity", True, (re.code, *partners), {
                "unit": re.code, "load": load, "capacity": re.capacity, "partners": partners},
                tuple([Rule("capacity", (re.code,), re.capacity), *_locked_rules(pairs)])))
    return out


def _locked_beyond_cap(problem: Problem, cands) -> list[Finding]:
    """(d) locked pairs beyond a cap: allowed by design, information only."""
    out = []
    lows, rems = problem.lowland, problem.remote
    r = problem.rules
    for c in cands:
        if not c.locked:
            continue
        pair = (lows[c.li].code, rems[c.ri].code)
        if r.max_distance_km is not None and c.km > r.max_distance_km:
            out.append(Finding("locked_beyond_cap", False, pair, {
                "pair": pair, "metric": "km", "dist": round(float(c.km), 3), "cap": r.max_distance_km}))
        elif r.max_minutes is not None and c.minutes is not None and c.minutes > r.max_minutes:
            out.append(Finding("locked_beyond_cap", False, pair, {
                "pair": pair, "metric": "minutes", "dist": float(c.minutes), "cap": r.max_minutes}))
    return out


def precheck(problem: Problem) -> list[Finding]:
    """The cheap checks, in order: totals, units without available partners, locked pairs
    over a maximum, locked loads over a capacity; then locked pairs beyond a cap (info)."""
    cands = candidates(problem)
    return [*_partner_totals(problem), *_no_partner(problem, cands), *_locked_over(problem),
            *_locked_beyond_cap(problem, cands)]
