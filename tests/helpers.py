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
    """Lexicographic optimum (balance, shortfall, km) over every plan of a tiny problem: every
    set of allowed pairs within the partner bounds (and capacities) that keeps the locked pairs,
    and, for lowland units with several partners, every split of their staff among them (so no
    person is counted twice). None if infeasible. The objective order is the default one."""
    lows, rems = p.lowland, p.remote
    allowed = {(c.li, c.ri): c for c in candidates(p)}
    locked = _locked_idx(p)
    options = []
    for li, u in enumerate(lows):
        lo, hi = p.partner_bounds(u)
        mine = [ri for ri in range(len(rems)) if (li, ri) in allowed]
        must = {ri for a, ri in locked if a == li}
        options.append([c for k in range(lo, min(hi, len(mine)) + 1)
                        for c in itertools.combinations(mine, k) if must <= set(c)])
    best = None
    for choice in itertools.product(*options):
        by_r = [[li for li, rs in enumerate(choice) if ri in rs] for ri in range(len(rems))]
        if any(not lo <= len(ls) <= hi for ls, (lo, hi) in zip(by_r, map(p.partner_bounds, rems), strict=True)):
            continue
        if any(r.capacity is not None and sum(allowed[li, ri].load for li in by_r[ri]) > r.capacity
               for ri, r in enumerate(rems)):
            continue
        km = sum(allowed[li, ri].km for li, rs in enumerate(choice) for ri in rs)
        key = (*_best_split(p, choice), round(km, 6))
        if best is None or key < best:
            best = key
    if best is None:
        return None
    return {"balance": float(-best[0]), "shortfall": best[1], "distance": best[2]}


def _compositions(total: int, parts: int):
    """Every way to give ``total`` people to ``parts`` partners (all of them: more never hurts)."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _best_split(p: Problem, choice) -> tuple[Fraction, int]:
    """(-min coverage, shortfall), lexicographically best over the staff splits of a pair set."""
    lows, rems = p.lowland, p.remote
    per_domain = []
    for d in p.domains:
        base = [0] * len(rems)
        splitters = []
        for li, rs in enumerate(choice):
            s = lows[li].supply.get(d, 0)
            if len(rs) == 1:
                base[rs[0]] += s
            elif len(rs) > 1 and s > 0:
                splitters.append((rs, s))
        vectors = set()
        for split in itertools.product(*(list(_compositions(s, len(rs))) for rs, s in splitters)):
            got = list(base)
            for (rs, _), parts in zip(splitters, split, strict=True):
                for ri, v in zip(rs, parts, strict=True):
                    got[ri] += v
            vectors.add(tuple(min(r.need.get(d, 0), g) for r, g in zip(rems, got, strict=True)))
        per_domain.append(vectors)
    best = None
    for combo in itertools.product(*per_domain):
        cov = [sum(v[ri] for v in combo) for ri in range(len(rems))]
        ratios = [Fraction(c, r.total_need) if r.total_need else Fraction(1) for c, r in zip(cov, rems, strict=True)]
        key = (-min(ratios, default=Fraction(1)), sum(r.total_need for r in rems) - sum(cov))
        if best is None or key < best:
            best = key
    return best


def _locked_idx(p: Problem):
    li = {u.code: i for i, u in enumerate(p.lowland)}
    ri = {u.code: i for i, u in enumerate(p.remote)}
    return [(li[a], ri[b]) for a, b in p.locked]


def invoke(runner, *args):
    """Run the ``matcher`` CLI in-process with every argument as text."""
    from matcher.cli import app

    return runner.invoke(app, [str(a) for a in args])
