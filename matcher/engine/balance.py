"""The balance stage: maximise the smallest coverage ratio (see :mod:`matcher.engine`).

1. *Start.* When some lowland units may split their staff, the same stage is first solved
   with those units held to one partner (a third of the budget): its plan is valid under
   the looser rule, so relaxing a rule never starts from a worse plan (issue 8). Otherwise,
   or if that finds nothing, a probe asks for any plan meeting the rules.
2. *Improve.* Large-neighbourhood search around the best plan (:mod:`.lns`), on a share of
   what is left.
3. *Prove.* A probe asks for anything strictly better than the best plan
   (:math:`C_r \\ge \\lfloor v N_r \\rfloor + 1`, with the holder cuts of those floors): LP,
   SCIP, then CP-SAT, with everything left. Out of reach proves the best plan optimal; a
   plan found becomes the best, and the loop goes back to 2.

An unproven stage reports as its bound the lowest ratio level whose LP relaxation (with
holder cuts) is infeasible. Every budget is deterministic work (:mod:`.backends`).
"""

from __future__ import annotations

import enum
import random
import time
from dataclasses import dataclass, replace
from fractions import Fraction

from ..kpis import min_ratio
from ..model import STAGES, Problem, Role
from ..result import Pair, StageResult, Status
from .backends import MIN_WORK, CpBackend, Ctx, cp_solve, lp, lp_trusted, mip
from .formulation import Kept
from .lns import at_level, improve
from .plan import Plan, complete, make_plan, read_solution

MIP_SHARE = 0.8  # of a probe's work given to SCIP before CP-SAT takes over ...
CP_RESERVE = 1 - MIP_SHARE  # ... and the share CP-SAT keeps even when SCIP overran
TIGHT_SHARE = 1 / 3  # of the stage's work for the start under the tighter rule
BISECT_PROBES, BISECT_SHARE = 6, 0.25  # quick bisection: probes, share of the stage's work
LNS_SHARE = 0.6  # of what is left, for each neighbourhood phase
UPPER_BOUND_STEPS = 8  # LP bisection steps for the bound of an unproven stage ...
UPPER_BOUND_SHARE = 0.15  # ... within this share of the stage's work, kept for it
UNIT = STAGES["balance"].unit


class Allowance:
    """A share of the solve's work, and what is left of it (from the deterministic ledger)."""

    def __init__(self, ctx: Ctx, work: float) -> None:
        self.ctx, self.work, self.start = ctx, work, ctx.spent

    def left(self) -> float:
        return self.work - (self.ctx.spent - self.start)

    def for_cp(self) -> float:
        """CP-SAT's work: what is left, but at least its reserve (SCIP may overrun its share)."""
        return max(self.left(), CP_RESERVE * self.work)


@dataclass(frozen=True)
class StageOutcome:
    """What one stage hands on: its figures, its plan (None when it found none), the hint
    (variable name -> value) for the next model, and what the later stages must keep."""

    stage: StageResult
    pairs: tuple[Pair, ...] | None
    hint: dict | None
    kept: Kept


class Probe(enum.Enum):
    FOUND = "found"
    OUT_OF_REACH = "out of reach"  # proven
    UNDECIDED = "undecided"


def with_floors(kept: Kept, fl: dict[int, int]) -> Kept:
    return replace(kept, floors=fl)


def probe(ctx: Ctx, kept: Kept, work: float) -> tuple[Probe, Plan | None]:
    """Is there a plan meeting ``kept``? LP, then SCIP, then CP-SAT. Returns (answer, plan)."""
    a = Allowance(ctx, work)
    relaxed = lp(ctx, kept, None, a.left())
    if not relaxed.feasible:
        return Probe.OUT_OF_REACH, None
    if relaxed.x is not None:
        got = complete(ctx, kept, relaxed.x, a.left())
        if got is not None:
            return Probe.FOUND, got
    if not ctx.fixed:
        m = mip(ctx, kept, None, MIP_SHARE * a.left())
        if m.status is Status.INFEASIBLE:
            return Probe.OUT_OF_REACH, None
        if m.x is not None:
            got = complete(ctx, kept, m.x, a.left())
            if got is not None:
                return Probe.FOUND, got
    pb = ctx.build(CpBackend(), kept)
    code, solver = cp_solve(ctx, pb, a.for_cp(), "balance probe")
    if code.has_solution:
        return Probe.FOUND, read_solution(ctx, solver, pb)
    if code is Status.INFEASIBLE:
        return Probe.OUT_OF_REACH, None
    return Probe.UNDECIDED, None


def _tight(problem: Problem) -> Problem | None:
    """The problem with every staff-splitting lowland unit held to one partner (None when
    no unit splits, or one must take two or more partners)."""
    units, changed = [], False
    for u in problem.units:
        if u.role is Role.LOWLAND and problem.partner_bounds(u)[1] > 1:
            if problem.partner_bounds(u)[0] > 1:
                return None
            u, changed = replace(u, max_partners=1), True
        units.append(u)
    return replace(problem, units=tuple(units)) if changed else None


def _plan_on(ctx: Ctx, on: set[int]) -> Plan:
    """A plan of this model from chosen pairs in which every lowland unit has one partner:
    each gives its whole supply (need-capped), so the split is the best one."""
    problem, ix, cands = ctx.problem, ctx.index, ctx.cands
    room: dict[tuple[int, str], int] = {}
    for k in sorted(on):
        c = cands[k]
        re, lo = problem.remote[c.ri], problem.lowland[c.li]
        for d in problem.domains:
            room.setdefault((c.ri, d), re.need.get(d, 0))
            if not problem.splitting[c.li]:
                room[c.ri, d] -= min(room[c.ri, d], lo.supply.get(d, 0))
    yv = {}
    for k, d, _, _ in ix.y_specs:
        if k in on:
            c = cands[k]
            give = min(problem.lowland[c.li].supply[d], room[c.ri, d])
            yv[k, d] = give
            room[c.ri, d] -= give
    cv = {(ri, d): problem.remote[ri].need.get(d, 0) - r for (ri, d), r in room.items()}
    return make_plan(ctx, on, yv, cv)


def _start_tight(ctx: Ctx, kept: Kept, work: float) -> Plan | None:
    tight = _tight(ctx.problem)
    if tight is None:
        return None
    sub = type(ctx)(tight, ctx.cands, ctx.params, ctx.progress, fixed=False)
    sub.deadline, sub.hint = ctx.deadline, ctx.hint
    ctx.say("  balance: first with every lowland unit held to one partner")
    out = stage_balance(sub, kept, work)
    ctx.charge(sub.spent, sub.wall_cut)
    if out.pairs is None:
        return None
    chosen = {(p.lowland_code, p.remote_code) for p in out.pairs}
    on = {k for k, c in enumerate(ctx.cands)
          if (ctx.problem.lowland[c.li].code, ctx.problem.remote[c.ri].code) in chosen}
    return _plan_on(ctx, on)


def stage_balance(ctx: Ctx, kept: Kept, work: float) -> StageOutcome:
    """Maximise the smallest coverage ratio: start, improve, prove (the module docstring)."""
    problem, start = ctx.problem, time.perf_counter()
    a = Allowance(ctx, work)
    plan = _start_tight(ctx, kept, TIGHT_SHARE * work) if not ctx.fixed else None
    status = Status.FEASIBLE
    if plan is None:
        answer, plan = probe(ctx, with_floors(kept, at_level(problem, kept, Fraction(0))), a.left())
        if answer is not Probe.FOUND:
            status = Status.INFEASIBLE if answer is Probe.OUT_OF_REACH else Status.UNKNOWN
            stage = StageResult("balance", status, None, None, time.perf_counter() - start, UNIT)
            return StageOutcome(stage, None, None, kept)
    ctx.hint = plan[1]
    best = min_ratio(problem, tuple(plan[0]))
    ctx.say(f"  balance: found {float(best):.4f}")
    plan, best, proven = _bisect(ctx, kept, plan, best, BISECT_SHARE * work)
    if proven:
        status = Status.OPTIMAL
    reserve = UPPER_BOUND_SHARE * work  # kept for the bound of an unproven stage
    rng = random.Random(ctx.params.seed)  # the neighbourhood search's, across its phases

    def left() -> float:
        return a.left() - reserve

    while status is not Status.OPTIMAL and best < 1 and left() > MIN_WORK and not ctx.out_of_wall():
        if not ctx.fixed:
            plan, done = improve(ctx, kept, plan, ctx.spent + LNS_SHARE * left(),
                                 lambda v: _lp_proves(ctx, kept, v, a), rng)
            ctx.hint = plan[1]
            best = min_ratio(problem, tuple(plan[0]))
            if done:
                ctx.say(f"  balance: proven that no plan beats {float(best):.4f}")
                status = Status.OPTIMAL
                break
        strict = at_level(problem, kept, best, strictly_better=True)
        answer, got = probe(ctx, with_floors(kept, strict), max(MIN_WORK, left()))
        if answer is Probe.FOUND:
            plan, best = got, min_ratio(problem, tuple(got[0]))
            ctx.hint = plan[1]
            ctx.say(f"  balance: found {float(best):.4f}")
            continue
        if answer is Probe.OUT_OF_REACH:
            ctx.say(f"  balance: proven that no plan beats {float(best):.4f}")
            status = Status.OPTIMAL
            break
        if ctx.fixed:
            break
        # undecided: back to the neighbourhood search with what is left (other targets)
    if best >= 1:
        status = Status.OPTIMAL
    # the bound keeps its share even when a solver overran (charged to the later stages)
    until = max(a.start + work, ctx.spent + reserve)
    bound = float(best) if status is Status.OPTIMAL else _upper_bound(ctx, kept, best, until)
    tol = problem.rules.tolerances.get("balance", 0.0)
    keep_at = best * (1 - Fraction(tol).limit_denominator(10**6))
    stage = StageResult("balance", status, float(best), bound, time.perf_counter() - start, UNIT)
    return StageOutcome(stage, tuple(plan[0]), plan[1], with_floors(kept, at_level(problem, kept, keep_at)))


def _bisect(ctx: Ctx, kept: Kept, plan: Plan, best: Fraction, work: float) -> tuple[Plan, Fraction, bool]:
    """A few probes halving the interval between the best plan's ratio and the lowest level
    out of reach, each on a small share of ``work``; the last asks for anything strictly
    better than the best plan. Undecided levels bound only this phase, never the stage.
    Returns (plan, its ratio, proven optimal)."""
    problem = ctx.problem
    a = Allowance(ctx, work)
    hi = Fraction(1)
    for _ in range(BISECT_PROBES):
        if best >= 1:
            return plan, best, True
        if a.left() <= MIN_WORK or ctx.out_of_wall():
            break
        strict = at_level(problem, kept, best, strictly_better=True)
        fl = at_level(problem, kept, (best + hi) / 2)
        decisive = all(fl.get(r, 0) <= k for r, k in strict.items())
        if decisive:
            fl = strict
        answer, got = probe(ctx, with_floors(kept, fl), max(MIN_WORK, work / BISECT_PROBES))
        if answer is Probe.FOUND:
            plan, best = got, min_ratio(problem, tuple(got[0]))
            ctx.hint = plan[1]
            ctx.say(f"  balance: found {float(best):.4f}")
            if best >= hi:
                hi = Fraction(1)
            continue
        if decisive:
            return plan, best, answer is Probe.OUT_OF_REACH
        hi = min(fl[r] / problem.remote[r].total_need for r in fl if problem.remote[r].total_need)
        hi = max(hi, best)
    return plan, best, best >= 1


def _lp_proves(ctx: Ctx, kept: Kept, best: Fraction, a: Allowance) -> bool:
    """Is the LP (with holder cuts) infeasible for anything strictly better than ``best``?"""
    if best >= 1:
        return True
    if not lp_trusted(ctx.problem):
        return False
    strict = at_level(ctx.problem, kept, best, strictly_better=True)
    return not lp(ctx, with_floors(kept, strict), None, max(MIN_WORK, a.left())).feasible


def _upper_bound(ctx: Ctx, kept: Kept, best: Fraction, until: float, steps: int = UPPER_BOUND_STEPS) -> float:
    """Smallest ratio level above ``best`` whose LP (with holder cuts) is infeasible.

    The steps stop once the work charged reaches ``until`` (deterministic), or at the hard
    deadline (then the result says it was cut by the clock)."""
    lo, hi = best, Fraction(1)

    def feasible_at(level: Fraction) -> bool:
        fl = at_level(ctx.problem, kept, level)
        return lp(ctx, with_floors(kept, fl), None, max(MIN_WORK, until - ctx.spent)).feasible

    if not lp_trusted(ctx.problem) or feasible_at(hi):
        return 1.0
    for _ in range(steps):
        if ctx.spent >= until or ctx.out_of_wall():
            break
        mid = (lo + hi) / 2
        if feasible_at(mid):
            lo = mid
        else:
            hi = mid
    return float(hi)
