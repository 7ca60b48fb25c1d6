r"""Large-neighbourhood search around the balance stage's best plan (deterministic).

A plain max–min model hands CP-SAT a flat objective: only the worst remote units count,
and with one worker CP-SAT's search has no neighbourhood moves, so it stalls (issue 8:
0.60 at 20 s where the same model with a parallel portfolio reached 0.78–0.83). This
module does the neighbourhood moves itself, on single-thread CP-SAT calls with a
deterministic budget, so a fixed seed still gives the same plan on any machine load.

Let :math:`v` be the best plan's smallest coverage ratio, :math:`k_r = \lceil v N_r\rceil`
and :math:`k^+_r = \lfloor v N_r \rfloor + 1` (coverage strictly better than :math:`v`).
One model is built per value of :math:`v`: the pair model with floors :math:`k_r` and
their holder cuts. A round

1. picks a *target*: a remote unit still at level :math:`v` (in a seeded order), and a
   neighbourhood of at most ``size`` remote units: the target, then the remote units
   whose current partners the target could take (units at level :math:`v` first);
2. frees every allowed pair between those remote units and their current partners, and
   fixes every other pair as it is (on a copy of the model);
3. maximises the number of freed remote units with covered need :math:`\ge k^+_r`,
   hinted with the current plan (so the answer is never worse), on a small
   deterministic budget.

A round that lifts more freed units above :math:`v` is kept. When no unit is left at
:math:`v`, the plan's ratio is above :math:`v`: the model is rebuilt at the new level.
A round that finds nothing widens the neighbourhood; a kept round narrows it again.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from ortools.sat.python import cp_model

from ..kpis import covered, min_ratio
from ..model import Problem
from .backends import CP_WORK_PER_DET, CpBackend, Ctx, cp_parameters
from .formulation import Built, Kept
from .plan import Plan, make_plan

ROUND_WORK = 0.25  # CP-SAT work (reference seconds) per round, at most ...
ROUND_WORK_PER_TERM = 1.2e-6  # ... plus copying and presolving the model, per unit of its size
STALL_ROUNDS = 24  # rounds in a row without progress, at the widest neighbourhood, end a phase
MIN_SIZE, MAX_SIZE = 3, 16  # remote units freed per round
MAX_RATIO_NEED = 10**6  # beyond this total need per unit the exact levels are left to bisection


def floors(problem: Problem, v: Fraction, strictly_better: bool = False) -> dict[int, int]:
    """Covered need each remote unit must reach for ratio ``v`` (or strictly more)."""
    out = {}
    for i, r in enumerate(problem.remote):
        if r.total_need:
            out[i] = math.floor(v * r.total_need) + 1 if strictly_better else math.ceil(v * r.total_need)
    return out


def at_level(problem: Problem, kept: Kept, v: Fraction, strictly_better: bool = False) -> dict[int, int]:
    """The floors of level ``v`` (or strictly better) on top of the floors ``kept`` already holds."""
    fl = floors(problem, v, strictly_better)
    return {k: max(kept.floors.get(k, 0), fl.get(k, 0)) for k in {*kept.floors, *fl}}


def _coverage(problem: Problem, plan: Plan) -> list[int]:
    cov = covered(problem, tuple(plan[0]))
    return [sum(cov[r.code].values()) for r in problem.remote]


def _chosen(ctx: Ctx, plan: Plan) -> set[int]:
    hint = plan[1]
    return {k for k, name in enumerate(ctx.index.x_names) if hint.get(name)}


def improve(ctx: Ctx, kept: Kept, plan: Plan, until: float,
            proven: Callable[[Fraction], bool] = lambda v: False,
            rng: random.Random | None = None) -> tuple[Plan, bool]:
    """Improve ``plan``'s smallest coverage ratio by neighbourhood rounds until the work
    charged reaches ``until`` (or the wall-clock guard), ``STALL_ROUNDS`` rounds in a row at
    the widest neighbourhood find nothing, or ``proven(v)`` says no plan beats ratio ``v``
    (asked at every new level). ``rng`` (seeded from the solve's seed when not given) picks
    the targets. Returns the best plan and whether it is proven optimal."""
    problem = ctx.problem
    if max((r.total_need for r in problem.remote), default=0) > MAX_RATIO_NEED:
        return plan, False
    rng = rng or random.Random(ctx.params.seed)
    size = MIN_SIZE
    while ctx.spent < until and not ctx.out_of_wall():
        best = min_ratio(problem, tuple(plan[0]))
        if best >= 1 or proven(best):
            return plan, True
        strict = floors(problem, best, strictly_better=True)
        base = _Base.of(ctx.build(CpBackend(), replace(kept, floors=at_level(problem, kept, best))))
        lifted, stall = False, 0
        while ctx.spent < until and stall < STALL_ROUNDS and not ctx.out_of_wall():
            on = _chosen(ctx, plan)
            cov = _coverage(problem, plan)
            low = [ri for ri, k in strict.items() if cov[ri] < k]
            if not low:
                lifted = True
                break
            target = low[rng.randrange(len(low))]
            freed = _neighbourhood(ctx, on, target, set(low), size, rng)
            free = _free_pairs(ctx, on, freed)
            before = sum(cov[ri] >= strict[ri] for ri in freed if ri in strict)
            got = _round(ctx, base, on, free, freed, strict, plan[1])
            if got is not None:
                new_cov = _coverage(problem, got)
                after = sum(new_cov[ri] >= strict[ri] for ri in freed if ri in strict)
                if after > before and min_ratio(problem, tuple(got[0])) >= best:
                    plan, size, stall = got, max(MIN_SIZE, size - 1), 0
                    ctx.hint = plan[1]
                    continue
            size, stall = _wider(size, stall, min(MAX_SIZE, len(strict)))
        if not lifted:
            break
        ctx.say(f"  balance: neighbourhood search reached {float(min_ratio(problem, tuple(plan[0]))):.4f}")
    return plan, False


def _free_pairs(ctx: Ctx, on: set[int], freed: set[int]) -> set[int]:
    """The pairs a round may change: between the freed remote units and their current partners,
    or lowland units with room for another partner."""
    cands = ctx.cands
    partners = {cands[k].li for k in on if cands[k].ri in freed} | _spare(ctx, on)
    return {k for k, c in enumerate(cands) if c.ri in freed and c.li in partners}


def _wider(size: int, stall: int, widest: int) -> tuple[int, int]:
    """After a round without progress: one more unit freed, and the stall counted at the widest."""
    return min(widest, size + 1), stall + 1 if size >= widest else 0


def _spare(ctx: Ctx, on: set[int]) -> set[int]:
    """Lowland units with fewer partners than they may take (e.g. none, where 0 is allowed)."""
    count: dict[int, int] = {}
    for k in on:
        count[ctx.cands[k].li] = count.get(ctx.cands[k].li, 0) + 1
    return {li for li, u in enumerate(ctx.problem.lowland) if count.get(li, 0) < ctx.problem.partner_bounds(u)[1]}


def _neighbourhood(ctx: Ctx, on: set[int], target: int, low: set[int], size: int, rng: random.Random) -> set[int]:
    """The target and the remote units holding partners the target could take."""
    ix, cands = ctx.index, ctx.cands
    could = {cands[k].li for k in ix.by_r[target]}
    near = sorted({cands[k].ri for k in on if cands[k].li in could} - {target})
    rng.shuffle(near)
    near.sort(key=lambda ri: ri not in low)  # stable: units at the low level first
    return {target, *near[: max(0, size - 1)]}


@dataclass
class _Base:
    """The model at one level, and where its variables sit in the proto (copies share them)."""

    m: cp_model.CpModel
    names: dict[str, int]
    x_index: dict[int, int]
    y_index: dict[tuple[int, str], int]
    c_index: dict[tuple[int, str], int]
    cov_terms: dict[int, list[tuple[int, int]]]
    size: int

    @classmethod
    def of(cls, built: Built) -> _Base:
        return cls(
            built.backend.m,
            {v.name: v.index for v in (*built.x.values(), *built.y.values(), *built.cov.values())},
            {k: v.index for k, v in built.x.items()},
            {key: v.index for key, v in built.y.items()},
            {key: v.index for key, v in built.cov.items()},
            {ri: [(c, v.index) for c, v in terms] for ri, terms in built.covered.items()},
            built.backend.size,
        )


def _fixed_copy(base: _Base, on: set[int], free: set[int]) -> cp_model.CpModel:
    """A copy of the model with every pair outside ``free`` fixed as it is in ``on``."""
    m = base.m.clone()
    for k, idx in base.x_index.items():
        if k not in free:
            v = int(k in on)
            dom = m.proto.variables[idx].domain
            dom.clear()
            dom.extend([v, v])
    return m


def _covered_sum(m: cp_model.CpModel, base: _Base):
    return sum(m.get_int_var_from_proto_index(i) for i in base.c_index.values())


def _round(ctx: Ctx, base: _Base, on: set[int], free: set[int], freed: set[int],
           strict: dict[int, int], hint: dict) -> Plan | None:
    """One neighbourhood: every pair outside ``free`` fixed; lift the most freed units."""
    m = _fixed_copy(base, on, free)
    lifts = []
    for ri in sorted(freed):
        if ri not in strict:
            continue
        z = m.new_bool_var(f"lift[{ri}]")
        expr = sum(c * m.get_int_var_from_proto_index(i) for c, i in base.cov_terms[ri])
        m.add(expr >= strict[ri]).only_enforce_if(z)
        lifts.append(z)
    # Lifted units first; then all covered need, so that C (and a splitting unit's y) read
    # back as what the chosen pairs really give.
    big = sum(r.total_need for r in ctx.problem.remote) + 1
    m.maximize(big * sum(lifts) + _covered_sum(m, base))
    return _solve_round(ctx, base, m, hint)


def _solve_round(ctx: Ctx, base: _Base, m: cp_model.CpModel, hint: dict) -> Plan | None:
    """Solve a round's copy on its small deterministic budget; its plan, or None."""
    for name, idx in base.names.items():
        if name in hint:
            m.proto.solution_hint.vars.append(idx)
            m.proto.solution_hint.values.append(int(hint[name]))
    solver = cp_model.CpSolver()
    p = solver.parameters
    cp_parameters(p, ctx.params, ROUND_WORK, ctx.wall_left())
    p.num_workers = 1  # a round is small: one thread, deterministic
    p.max_deterministic_time = ROUND_WORK / CP_WORK_PER_DET
    status = solver.solve(m)
    ctx.charge(solver.deterministic_time * CP_WORK_PER_DET + ROUND_WORK_PER_TERM * base.size)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = {k for k, idx in base.x_index.items() if solver.value(m.get_bool_var_from_proto_index(idx))}
    yv = {key: int(solver.value(m.get_int_var_from_proto_index(idx))) for key, idx in base.y_index.items()}
    cv = {key: int(solver.value(m.get_int_var_from_proto_index(idx))) for key, idx in base.c_index.items()}
    return make_plan(ctx, chosen, yv, cv)


def improve_sum(ctx: Ctx, kept: Kept, plan: Plan, objective: str, until: float,
                value: Callable[[Plan], int]) -> Plan:
    """The same neighbourhood rounds for a minimising stage (``shortfall``: most covered need;
    ``distance``: least total cost, then most covered need; ``changes``: fewest pairs added or
    dropped against the published plan), under every kept constraint.
    A round is kept when ``value`` (the stage's integer figure) falls. Stops at ``until``
    or after ``STALL_ROUNDS`` rounds in a row without progress at the widest neighbourhood."""
    problem = ctx.problem
    rng = random.Random(ctx.params.seed)
    base = _Base.of(ctx.build(CpBackend(), kept))
    cost = ctx.index.cost
    big = sum(r.total_need for r in problem.remote) + 1
    best, size, stall = value(plan), MIN_SIZE, 0
    n_remote = len(problem.remote)
    while ctx.spent < until and stall < STALL_ROUNDS and not ctx.out_of_wall() and n_remote:
        on = _chosen(ctx, plan)
        freed = _neighbourhood(ctx, on, rng.randrange(n_remote), set(), size, rng)
        free = _free_pairs(ctx, on, freed)
        m = _fixed_copy(base, on, free)
        if objective == "distance":
            dist = sum(cost[k] * m.get_bool_var_from_proto_index(base.x_index[k]) for k in sorted(free))
            m.minimize(big * dist - _covered_sum(m, base))
        elif objective == "changes":
            change = ctx.index.change
            m.minimize(sum(change[k] * m.get_bool_var_from_proto_index(base.x_index[k]) for k in sorted(free)))
        else:
            m.maximize(_covered_sum(m, base))
        got = _solve_round(ctx, base, m, plan[1])
        if got is not None and value(got) < best:
            plan, best, size, stall = got, value(got), max(MIN_SIZE, size - 1), 0
            ctx.hint = plan[1]
            continue
        size, stall = _wider(size, stall, min(MAX_SIZE, n_remote))
    return plan
