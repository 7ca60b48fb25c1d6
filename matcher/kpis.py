"""Plan figures: covered need, coverage, the KPIs and the rules a plan breaks.

One definition, used by the engine (its stage values), the result tables, the maps and
the answers. No pandas: plain Python over a :class:`~matcher.model.Problem` and pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from .distance import candidates, pair_load, same_group
from .model import STAGES, Problem, Role
from .result import Pair, Result


@dataclass(frozen=True)
class Kpis:
    min_coverage: float
    total_shortfall: int
    total_distance_km: float
    longest_km: float
    total_minutes: float | None
    n_pairs: int


def covered(problem: Problem, pairs: tuple[Pair, ...]) -> dict[str, dict[str, int]]:
    """Covered need per remote unit and domain: min(need, staff allotted)."""
    got: dict[str, dict[str, int]] = {r.code: {} for r in problem.remote}
    for p in pairs:
        acc = got.setdefault(p.remote_code, {})
        for d, v in p.allot.items():
            acc[d] = acc.get(d, 0) + v
    return {
        r.code: {d: min(r.need.get(d, 0), got[r.code].get(d, 0)) for d in problem.domains}
        for r in problem.remote
    }


def coverage_ratio(problem: Problem, code: str, cov: dict[str, int]) -> float:
    total = problem.unit(code).total_need
    return sum(cov.values()) / total if total else 1.0


def kpis(problem: Problem, result: Result) -> Kpis:
    cov = covered(problem, result.pairs)
    ratios = [coverage_ratio(problem, r.code, cov[r.code]) for r in problem.remote]
    short = sum(r.total_need - sum(cov[r.code].values()) for r in problem.remote)
    mins = [p.minutes for p in result.pairs]
    return Kpis(
        min_coverage=min(ratios, default=1.0),
        total_shortfall=int(short),
        total_distance_km=sum(p.km for p in result.pairs),
        longest_km=max((p.km for p in result.pairs), default=0.0),
        total_minutes=sum(mins) if mins and None not in mins else None,
        n_pairs=len(result.pairs),
    )


def min_ratio(problem: Problem, pairs: Iterable[Pair]) -> Fraction:
    """The exact smallest coverage ratio of a plan (1 when no remote unit needs anything)."""
    cov = covered(problem, tuple(pairs))
    ratios = [Fraction(sum(cov[r.code].values()), r.total_need) for r in problem.remote if r.total_need]
    return min(ratios, default=Fraction(1))


def stage_figures(problem: Problem, result: Result) -> dict[str, float]:
    """Each stage's figure for a plan, in the stage's own unit (ratio, need units, km or min)."""
    k = kpis(problem, result)
    dist = k.total_minutes if problem.rules.distance_metric == "minutes" else k.total_distance_km
    figures = {"balance": k.min_coverage, "shortfall": float(k.total_shortfall), "distance": dist,
               "changes": float(problem.changes(result.pairs))}
    assert set(figures) == set(STAGES)
    return figures


def summary_figures(problem: Problem, summary: dict) -> dict[str, float | None]:
    """Each stage's figure as a result folder's summary.json gives it (the same keys as
    :func:`stage_figures` computes from a plan)."""
    dist_key = "total_minutes" if problem.rules.distance_metric == "minutes" else "total_distance_km"
    return {"balance": summary.get("min_coverage"), "shortfall": summary.get("total_shortfall"),
            "distance": summary.get(dist_key), "changes": (summary.get("baseline") or {}).get("changes", 0)}


def _names(problem: Problem) -> dict[str, str]:
    return {u.code: u.name for u in problem.units}


def broken_rules(problem: Problem, result: Result) -> list[str]:
    """The scenario rules a plan breaks, one sentence each (for hand-made plans)."""
    names = _names(problem)
    out = []
    chosen = {(p.lowland_code, p.remote_code) for p in result.pairs}
    for lc, rc in sorted(problem.locked - chosen):
        out.append(f"locked pair {names[lc]} ({lc}) - {names[rc]} ({rc}) is missing")
    for lc, rc in sorted(problem.forbidden & chosen):
        out.append(f"forbidden pair {names[lc]} ({lc}) - {names[rc]} ({rc}) is used")
    lows, rems = problem.lowland, problem.remote
    allowed = {(lows[c.li].code, rems[c.ri].code) for c in candidates(problem)}
    for p in result.pairs:
        key = (p.lowland_code, p.remote_code)
        if key not in allowed and key not in problem.forbidden:
            rules, label = problem.rules, f"pair {names[key[0]]} ({key[0]}) - {names[key[1]]} ({key[1]})"
            lo, re = problem.unit(key[0]), problem.unit(key[1])
            if not same_group(rules, lo, re):
                col = rules.pair_within
                out.append(f"{label} crosses {col} ({lo.attrs.get(col, '')} vs {re.attrs.get(col, '')}), "
                           "while the scenario pairs only within it")
            elif rules.max_distance_km is not None and p.km > rules.max_distance_km:
                out.append(f"{label} is {p.km:.1f} km, beyond the cap of {rules.max_distance_km:g} km")
            elif rules.max_minutes is not None and p.minutes is not None and p.minutes > rules.max_minutes:
                out.append(f"{label} is {p.minutes:.0f} min, beyond the cap of {rules.max_minutes:g} min")
            else:
                out.append(f"{label} has no travel time in the travel table, which the scenario needs")
    for u in problem.units:
        if u.role is Role.EXCLUDED:
            continue
        n = sum(1 for p in result.pairs if u.code in (p.lowland_code, p.remote_code))
        lo, hi = problem.partner_bounds(u)
        if not lo <= n <= hi:
            out.append(f"{u.name} ({u.code}) has {n} partners, allowed {lo}..{hi}")
        if u.capacity is not None:
            load = sum(pair_load(problem, p.lowland_code, u.code) for p in result.pairs if p.remote_code == u.code)
            if load > u.capacity:
                out.append(f"{u.name} ({u.code}) carries load {load}, capacity {u.capacity}")
    return out
