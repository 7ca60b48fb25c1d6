"""Tiny problems built in code, and a brute-force oracle for them."""

from __future__ import annotations

import itertools
from fractions import Fraction

from matcher.distance import candidates
from matcher.model import PairRule, PairStatus, Problem, Role, Rules, Unit

# Points about 11 km apart along a meridian near Da Nang.
BASE_LAT, BASE_LON = 16.0, 108.0


def unit(code, role, supply=None, need=None, dlat=0.0, dlon=0.0, **kw) -> Unit:
    return Unit(
        code=code, name=f"Xã {code}", role=Role(role), lat=BASE_LAT + dlat, lon=BASE_LON + dlon,
        supply=supply or {}, need=need or {}, **kw,
    )


def problem(units, domains=("it",), locked=(), forbidden=(), **rules) -> Problem:
    pair_rules = [PairRule(a, b, PairStatus.LOCKED) for a, b in locked]
    pair_rules += [PairRule(a, b, PairStatus.FORBIDDEN) for a, b in forbidden]
    return Problem(units=tuple(units), domains=tuple(domains), rules=Rules(**rules),
                   pair_rules=tuple(pair_rules))


def brute_force(p: Problem):
    """Lexicographic optimum (balance, shortfall, km) over every assignment in which each
    lowland unit takes exactly one partner (so no staff is split). None if infeasible."""
    lows, rems = p.lowland, p.remote
    assert all(p.partner_bounds(u) == (1, 1) for u in lows), "oracle needs lowland 1..1"
    allowed = {(c.li, c.ri): c for c in candidates(p)}
    best = None
    for choice in itertools.product(range(len(rems)), repeat=len(lows)):
        if any((li, ri) not in allowed for li, ri in enumerate(choice)):
            continue
        counts = [choice.count(ri) for ri in range(len(rems))]
        if any(not lo <= n <= hi for n, (lo, hi) in zip(counts, map(p.partner_bounds, rems), strict=True)):
            continue
        if any(choice[li] != ri for li, ri in _locked_idx(p)):
            continue
        ratios, short = [], 0
        for ri, r in enumerate(rems):
            got = {d: sum(lows[li].supply.get(d, 0) for li in range(len(lows)) if choice[li] == ri)
                   for d in p.domains}
            cov = sum(min(r.need.get(d, 0), got[d]) for d in p.domains)
            short += r.total_need - cov
            ratios.append(Fraction(cov, r.total_need) if r.total_need else Fraction(1))
        km = sum(allowed[li, ri].km for li, ri in enumerate(choice))
        key = (-min(ratios, default=Fraction(1)), short, round(km, 6))
        if best is None or key < best:
            best = key
    if best is None:
        return None
    return {"balance": float(-best[0]), "shortfall": best[1], "distance": best[2]}


def _locked_idx(p: Problem):
    li = {u.code: i for i, u in enumerate(p.lowland)}
    ri = {u.code: i for i, u in enumerate(p.remote)}
    return [(li[a], ri[b]) for a, b in p.locked]
