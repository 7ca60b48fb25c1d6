"""Plans from solutions: a whole plan from an integral x (completion), the rule check of a
plan, the plan in a solved CP-SAT model, and a plan's objective values."""

from __future__ import annotations

from collections.abc import Callable

from ..kpis import covered
from ..model import Problem
from ..result import Pair
from .backends import CpBackend, Ctx, cp_solve
from .formulation import Built, Kept, cost_units

Plan = tuple[list[Pair], dict]  # the pairs, and the hint (variable name -> value) for the next model


def complete(ctx: Ctx, kept: Kept, x: dict[int, int], work: float) -> Plan | None:
    """A whole plan from an integral x (of the LP or SCIP), or None if x breaks a rule.

    Without staff splitting the covered need follows from x directly; otherwise CP-SAT
    with every x fixed chooses the split."""
    ix = ctx.index
    chosen = [k for k, v in x.items() if v]
    if any(k in ix.split_ks for k in chosen):
        built = ctx.build(CpBackend(), kept)
        for k, v in x.items():
            built.backend.linear([(1, built.x[k])], v, v)
        cov = list(built.cov.values())
        if cov:  # any split will do; take the most coverage
            built.backend.maximize([(1, v) for v in cov])
        status, solver = cp_solve(ctx, built, work, "complete")
        if not status.has_solution:
            return None
        return read_solution(ctx, solver, built)
    problem, on = ctx.problem, set(chosen)
    cov = {
        (ri, d): min(problem.remote[ri].need[d], sum(g for g, k in gk if k in on))
        for (ri, d), gk in ix.gives.items()
    }
    if not keeps(ctx, kept, on, cov):
        return None
    return make_plan(ctx, on, {}, cov)


def keeps(ctx: Ctx, kept: Kept, on: set[int], cov: dict[tuple[int, str], int]) -> bool:
    """Does a plan (chosen candidates, covered need) keep every rule and kept stage?"""
    problem, ix = ctx.problem, ctx.index
    if not ctx.fixed:
        for units, groups in ((problem.lowland, ix.by_l), (problem.remote, ix.by_r)):
            for u, ks in zip(units, groups, strict=True):
                lo, hi = problem.partner_bounds(u)
                if not lo <= sum(k in on for k in ks) <= hi:
                    return False
        if any(c.locked and k not in on for k, c in enumerate(ctx.cands)):
            return False
        for ri, re in enumerate(problem.remote):
            if re.capacity is not None and sum(ctx.cands[k].load for k in ix.by_r[ri] if k in on) > re.capacity:
                return False
    per_r: dict[int, int] = {}
    for (ri, _), v in cov.items():
        per_r[ri] = per_r.get(ri, 0) + v
    if any(per_r.get(ri, 0) < floor for ri, floor in kept.floors.items()):
        return False
    total_need = sum(r.total_need for r in problem.remote)
    if kept.max_shortfall is not None and total_need - sum(cov.values()) > kept.max_shortfall:
        return False
    if ix.change:
        changes = ix.change_const + sum(ix.change[k] for k in on)
        for cap in (kept.max_changes, None if ctx.fixed else problem.rules.max_changes):
            if cap is not None and changes > cap:
                return False
    return not (kept.max_distance is not None and sum(ix.cost[k] for k in on) > kept.max_distance)


def read_solution(ctx: Ctx, solver, built: Built) -> Plan:
    """The plan in a solved CP-SAT model."""
    on = {k for k, var in built.x.items() if solver.value(var)}
    yv = {key: int(solver.value(var)) for key, var in built.y.items()}
    cv = {key: int(solver.value(var)) for key, var in built.cov.items()}
    return make_plan(ctx, on, yv, cv)


def make_plan(ctx: Ctx, on: set[int], yv: dict, cv: dict) -> Plan:
    """Chosen pairs with their staff split, and the hint (variable name -> value) for the
    next model. Covered need not given by a splitting unit's allotment is attributed to the
    single-partner units, in candidate order."""
    problem, ix, cands = ctx.problem, ctx.index, ctx.cands
    hint = {name: int(k in on) for k, name in enumerate(ix.x_names)}
    for k, d, _, name in ix.y_specs:
        hint[name] = yv.get((k, d), 0)
    for (ri, d), v in cv.items():
        hint[f"C[{problem.remote[ri].code},{d}]"] = v
    chosen = sorted(on)
    allots: dict[int, dict[str, int]] = {k: {} for k in chosen}
    left = dict(cv)
    for (k, d), v in yv.items():
        if v and k in on:
            allots[k][d] = v
            left[cands[k].ri, d] -= v
    for k in chosen:
        c = cands[k]
        if problem.splitting[c.li]:
            continue
        lo, re = problem.lowland[c.li], problem.remote[c.ri]
        for d in problem.domains:
            give = min(lo.supply.get(d, 0), re.need.get(d, 0), left.get((c.ri, d), 0))
            if give > 0:
                allots[k][d] = give
                left[c.ri, d] -= give
    pairs = []
    for k in chosen:
        c = cands[k]
        lo, re = problem.lowland[c.li], problem.remote[c.ri]
        pairs.append(Pair(lo.code, re.code, c.km, c.minutes, c.km_source, c.locked, allots[k]))
    return pairs, hint


# ---- a plan's objective values ---------------------------------------------------------


def shortfall(problem: Problem, pairs: list[Pair]) -> int:
    """Need left uncovered (the shortfall stage's figure), from :func:`matcher.kpis.covered`."""
    cov = covered(problem, tuple(pairs))
    return sum(r.total_need - sum(cov[r.code].values()) for r in problem.remote)


def raw_value(objective: str, ctx: Ctx, pairs: list[Pair]) -> int:
    """A plan's objective in integer model units."""
    problem = ctx.problem
    if objective == "shortfall":
        return shortfall(problem, pairs)
    if objective == "changes":
        return problem.changes(pairs)
    chosen = {(p.lowland_code, p.remote_code) for p in pairs}
    return sum(
        cost_units(problem, c) for c in ctx.cands
        if (problem.lowland[c.li].code, problem.remote[c.ri].code) in chosen
    )


def to_value(name: str, problem: Problem) -> Callable[[float], float]:
    """From model units (metres, seconds) to the stage's unit (km, minutes)."""
    if name == "distance":
        return lambda v: v / (60 if problem.rules.distance_metric == "minutes" else 1000)
    return lambda v: v


def exact_value(name: str, problem: Problem, pairs: list[Pair]) -> float:
    """A plan's figure for a shortfall, distance or changes stage, in the stage's unit."""
    if name == "shortfall":
        return float(shortfall(problem, pairs))
    if name == "changes":
        return float(problem.changes(pairs))
    if problem.rules.distance_metric == "minutes":
        return float(sum(p.minutes or 0.0 for p in pairs))
    return float(sum(p.km for p in pairs))
