"""The stage loop: balance by bisection on exact levels, the minimising stages, and the
public :func:`solve`, :func:`evaluate` and :func:`feasible` (re-exported by
:mod:`matcher.engine`, whose docstring states the formulation and the method).

Every budget here is *work* counted by :class:`~matcher.engine.backends.Ctx` from the
solvers' deterministic counters (see :mod:`matcher.engine.backends`), never elapsed wall
time, so how a stage's budget is split does not depend on the machine's load.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from ..distance import Candidate, candidates, pair_metrics
from ..kpis import min_ratio
from ..model import STAGES, Problem, SolveParams
from ..result import Pair, Result, StageResult, Status
from .backends import MIN_WORK, SOLVER_NAME, CpBackend, Ctx, Progress, cp_solve, lp, lp_trusted, mip, ortools_version
from .formulation import Kept
from .plan import Plan, complete, exact_value, raw_value, read_solution, to_value

MIP_SHARE = 0.8  # of a stage's remaining work given to SCIP before CP-SAT takes over ...
CP_RESERVE = 1 - MIP_SHARE  # ... and the share of the whole that CP-SAT keeps even when SCIP overran
UPPER_BOUND_STEPS = 12  # LP bisection steps for the bound of an unproven balance stage ...
UPPER_BOUND_SHARE = 0.25  # ... within this share of the stage's work beyond its budget
_BALANCE_UNIT = STAGES["balance"].unit  # the ratio: its unit does not depend on the rules


@dataclass(frozen=True)
class StageOutcome:
    """What one stage hands on: its figures, its plan (None when it found none), the hint
    (variable name -> value) for the next model, and what the later stages must keep."""

    stage: StageResult
    pairs: tuple[Pair, ...] | None
    hint: Mapping[str, int] | None
    kept: Kept


class _Allowance:
    """A share of the solve's work, and what is left of it (from the deterministic ledger)."""

    def __init__(self, ctx: Ctx, work: float) -> None:
        self.ctx, self.work, self.start = ctx, work, ctx.spent

    def left(self) -> float:
        return self.work - (self.ctx.spent - self.start)

    def for_cp(self) -> float:
        """CP-SAT's work: what is left, but at least its reserve (SCIP may overrun its share)."""
        return max(self.left(), CP_RESERVE * self.work)


def _floors(problem: Problem, v: Fraction, strictly_better: bool = False) -> dict[int, int]:
    out = {}
    for i, r in enumerate(problem.remote):
        if r.total_need:
            out[i] = math.floor(v * r.total_need) + 1 if strictly_better else math.ceil(v * r.total_need)
    return out


def _with(kept: Kept, floors: Mapping[int, int]) -> Kept:
    return Kept(floors, kept.max_shortfall, kept.max_distance)


class _Probe(enum.Enum):
    FOUND = "found"
    OUT_OF_REACH = "out of reach"  # proven
    UNDECIDED = "undecided"


def _probe(ctx: Ctx, kept: Kept, work: float) -> tuple[_Probe, Plan | None]:
    """Is there a plan meeting ``kept``? LP, then SCIP, then CP-SAT. Returns (answer, plan)."""
    a = _Allowance(ctx, work)
    relaxed = lp(ctx, kept, None, a.left())
    if not relaxed.feasible:
        return _Probe.OUT_OF_REACH, None
    if relaxed.x is not None:
        got = complete(ctx, kept, relaxed.x, a.left())
        if got is not None:
            return _Probe.FOUND, got
    if not ctx.fixed:
        m = mip(ctx, kept, None, MIP_SHARE * a.left())
        if m.status is Status.INFEASIBLE:
            return _Probe.OUT_OF_REACH, None
        if m.x is not None:
            got = complete(ctx, kept, m.x, a.left())
            if got is not None:
                return _Probe.FOUND, got
    pb = ctx.build(CpBackend(), kept)
    code, solver = cp_solve(ctx, pb, a.for_cp(), "balance probe")
    if code.has_solution:
        return _Probe.FOUND, read_solution(ctx, solver, pb)
    if code is Status.INFEASIBLE:
        return _Probe.OUT_OF_REACH, None
    return _Probe.UNDECIDED, None


def _level(problem: Problem, floors: Mapping[int, int]) -> Fraction:
    """The smallest coverage ratio that a set of floors demands."""
    return min(Fraction(k, problem.remote[i].total_need) for i, k in floors.items())


def _stage_balance(ctx: Ctx, kept: Kept, work: float) -> StageOutcome:
    """Maximise the smallest coverage ratio by bisection on exact ratio levels.

    A probe at level ``v`` asks for covered need >= ceil(v N_r) at every remote unit, with
    the holder cuts of those floors (see :func:`_probe`). The first probe asks for any
    plan; then ``v`` halves the interval between the best plan's exact ratio and the lowest
    level out of reach (proven or undecided in its share of the work). The last probe asks
    for anything strictly better than the best plan: out of reach proves it optimal."""
    problem, start = ctx.problem, time.perf_counter()
    if not any(r.total_need for r in problem.remote):
        return _stage_min(ctx, kept, work, "balance")
    a = _Allowance(ctx, work)
    best: Fraction | None = None
    pairs = hint = None
    hi = Fraction(1)
    hi_floors: dict[int, int] | None = None  # floors out of reach (proven or undecided)
    status = Status.UNKNOWN
    while a.left() > 0 and not ctx.out_of_wall():
        if best is None:
            floors, decisive = _floors(problem, Fraction(0)), False
        elif best >= 1:
            status = Status.OPTIMAL
            break
        else:
            strict = _floors(problem, best, strictly_better=True)
            floors = _floors(problem, (best + hi) / 2) if hi_floors is not None else _floors(problem, hi)
            decisive = floors in (hi_floors, strict)
            if decisive:
                floors = strict
        left = a.left()
        share = left if best is None or decisive else max(left / 3, min(left, 1.0))
        answer, got = _probe(ctx, _with(kept, floors), share)
        if answer is _Probe.FOUND:
            pairs, hint = got
            ctx.hint = hint
            best = min_ratio(problem, pairs)
            ctx.say(f"  balance: found {float(best):.4f}")
            continue
        if best is None:
            status = Status.INFEASIBLE if answer is _Probe.OUT_OF_REACH else Status.UNKNOWN
            break
        if decisive:
            if answer is _Probe.OUT_OF_REACH:
                ctx.say(f"  balance: proven that no plan beats {float(best):.4f}")
                status = Status.OPTIMAL
            break
        hi_floors, hi = floors, _level(problem, floors)
    if best is None:
        stage = StageResult("balance", status, None, None, time.perf_counter() - start, _BALANCE_UNIT)
        return StageOutcome(stage, None, None, kept)
    if status is Status.OPTIMAL:
        bound = float(best)
    else:
        bound = _balance_upper_bound(ctx, kept, best, a.start + (1 + UPPER_BOUND_SHARE) * work)
        status = Status.FEASIBLE
    tol = problem.rules.tolerances.get("balance", 0.0)
    keep_at = best * (1 - Fraction(tol).limit_denominator(10**6))
    stage = StageResult("balance", status, float(best), bound, time.perf_counter() - start, _BALANCE_UNIT)
    return StageOutcome(stage, tuple(pairs), hint, _with(kept, _floors(problem, keep_at)))


def _balance_upper_bound(ctx: Ctx, kept: Kept, best: Fraction, until: float,
                         steps: int = UPPER_BOUND_STEPS) -> float:
    """Smallest ratio level above ``best`` whose LP (with holder cuts) is infeasible.

    The steps stop once the work charged reaches ``until`` (deterministic), or at the hard
    deadline (then the result says it was cut by the clock)."""
    lo, hi = best, Fraction(1)

    def feasible_at(level: Fraction) -> bool:
        work = max(MIN_WORK, until - ctx.spent)
        return lp(ctx, _with(kept, _floors(ctx.problem, level)), None, work).feasible

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


def _stage_min(ctx: Ctx, kept: Kept, work: float, name: str) -> StageOutcome:
    """Minimise shortfall or distance (``balance`` here only when nothing is needed).

    LP first (infeasible LP: infeasible stage; integral LP x: completed by CP-SAT with x
    fixed), then SCIP, then CP-SAT with the best bound as a constraint and the best plan as
    a hint. The stage is optimal once a plan meets the best proven bound."""
    problem, start = ctx.problem, time.perf_counter()
    objective = "shortfall" if name == "balance" else name
    unit = STAGES[name].unit_for(problem.rules)
    a = _Allowance(ctx, work)

    def stop(status: Status) -> StageOutcome:
        return StageOutcome(StageResult(name, status, None, None, time.perf_counter() - start, unit), None, None, kept)

    relaxed = lp(ctx, kept, objective, a.left())
    if not relaxed.feasible:
        return stop(Status.INFEASIBLE)
    bound_raw = -math.inf if relaxed.value is None else math.ceil(relaxed.value - 1e-6)
    best = None  # (raw value, (pairs, hint)) of the best plan so far

    def offer(got: Plan | None) -> None:
        nonlocal best
        if got is not None:
            raw = raw_value(objective, ctx, got[0])
            if best is None or raw < best[0]:
                best = (raw, got)
                ctx.hint = got[1]

    if relaxed.x is not None:
        offer(complete(ctx, kept, relaxed.x, a.left()))
    if (best is None or best[0] > bound_raw) and not ctx.fixed:
        m = mip(ctx, kept, objective, MIP_SHARE * a.left())
        if m.status is Status.INFEASIBLE:
            return stop(Status.INFEASIBLE)
        if m.bound is not None:
            bound_raw = max(bound_raw, math.ceil(m.bound - 1e-6))
        if m.x is not None:
            offer(complete(ctx, kept, m.x, a.left()))
    status = Status.FEASIBLE
    if best is None or best[0] > bound_raw:
        built = ctx.build(CpBackend(), kept)
        if objective == "shortfall":
            built.backend.minimize(built.shortfall[1], built.shortfall[0], bound_raw)
        else:
            built.backend.minimize(built.distance, 0, bound_raw)
        code, solver = cp_solve(ctx, built, a.for_cp(), objective, to_value(objective, problem))
        if code.has_solution:
            offer(read_solution(ctx, solver, built))
            bound_raw = max(bound_raw, solver.best_objective_bound)
        elif code is Status.INFEASIBLE and best is None:
            return stop(Status.INFEASIBLE)
        if best is None:
            return stop(code)
    raw, (pairs, hint) = best
    if raw <= bound_raw:
        status = Status.OPTIMAL
    value = exact_value(objective, problem, pairs)
    conv = to_value(objective, problem)
    if name == "balance":
        value, bound = 1.0, 1.0
    else:
        bound = value if status is Status.OPTIMAL else conv(bound_raw) if bound_raw > -math.inf else None
    tol = problem.rules.tolerances.get(objective, 0.0)
    cap = math.floor(raw * (1 + tol) + 1e-9)
    new_kept = Kept(
        kept.floors,
        cap if objective == "shortfall" else kept.max_shortfall,
        cap if objective == "distance" else kept.max_distance,
    )
    stage = StageResult(name, status, value, bound, time.perf_counter() - start, unit)
    return StageOutcome(stage, tuple(pairs), hint, new_kept)


def _run_stages(ctx: Ctx, order: Iterable[str], mode: str, kept: Kept | None = None) -> Result:
    start = time.perf_counter()
    ctx.start_guard()
    total = ctx.params.time_limit_s
    order = list(order)
    stages: list[StageResult] = []
    pairs: tuple[Pair, ...] = ()
    kept = kept or Kept()
    overall = Status.OPTIMAL
    for n, name in enumerate(order):
        work = max(MIN_WORK, (total - ctx.spent) / (len(order) - n))
        ctx.say(f"stage {n + 1}/{len(order)} {name} (budget {work:.1f} s of work)")
        run = _stage_balance if name == "balance" else _stage_min
        out = run(ctx, kept, work) if name == "balance" else run(ctx, kept, work, name)
        stages.append(out.stage)
        kept = out.kept
        if out.pairs is None:
            overall = out.stage.status if not pairs else Status.FEASIBLE
            break
        pairs, ctx.hint = out.pairs, out.hint
        stage = out.stage
        ctx.say(
            f"  {name}: {stage.status.value}, value {stage.value:.4g}, "
            f"bound {stage.bound:.4g}, {stage.seconds:.1f} s"
        )
        if stage.status is not Status.OPTIMAL:
            overall = Status.FEASIBLE
    if ctx.wall_cut:
        ctx.say("  stopped by the wall-clock guard: this plan may differ from an unhurried run")
    if pairs:
        stages = _claim(ctx.problem, stages, pairs)
        if overall is Status.FEASIBLE and len(stages) == len(order) and all(
                st.status is Status.OPTIMAL for st in stages):
            overall = Status.OPTIMAL
    return Result(
        status=overall,
        stages=tuple(stages),
        pairs=pairs,
        seconds=time.perf_counter() - start,
        solver=f"{SOLVER_NAME} {ortools_version()}",
        mode=mode,
        params={"time_limit_s": total, "workers": ctx.params.workers, "seed": ctx.params.seed,
                "stopped_by_wall_clock": ctx.wall_cut},
    )


def _claim(problem: Problem, stages: list[StageResult], pairs: tuple[Pair, ...]) -> list[StageResult]:
    """A stage reports at least what the returned plan achieves on it (issue 8).

    A later stage keeps each earlier figure only as a floor (or a cap), so its plan can do
    better on an earlier stage than that stage's own plan did (balance 0.50 against the 0.375
    the balance stage found). That figure is attained by a plan meeting every rule, so it is
    a valid value for the stage; when it meets the stage's bound, the stage is optimal."""
    out = []
    for st in stages:
        if st.value is None:
            out.append(st)
            continue
        stage = STAGES[st.name]
        fig = float(min_ratio(problem, pairs)) if st.name == "balance" else exact_value(st.name, problem, list(pairs))
        if stage.compare(st.value, fig) == "better":
            # Distances are rounded to metres in the model, so only the exact figures (the ratio,
            # whole need units) may turn a bound into a proof here.
            proven = st.bound is not None and st.name != "distance" and (
                fig >= st.bound - stage.eps if stage.sense == "max" else fig <= st.bound + stage.eps)
            st = replace(st, value=fig, status=Status.OPTIMAL if proven else st.status)
        out.append(st)
    return out


def solve(problem: Problem, params: SolveParams | None = None, progress: Progress | None = None, *,
          balance_floor: Fraction | None = None) -> Result:
    """Solve the scenario's stages in order. FEASIBLE and INFEASIBLE are results, not errors.

    ``balance_floor`` (used by a decomposed solve's second pass) replaces the balance stage by
    the kept floors ``C_r >= ceil(balance_floor * N_r)``: the remaining stages run under them and
    the result has no balance stage of its own."""
    ctx = Ctx(problem, candidates(problem), params or SolveParams(), progress, fixed=False)
    order = problem.rules.objectives
    if balance_floor is None:
        return _run_stages(ctx, order, "solve")
    return _run_stages(ctx, [o for o in order if o != "balance"], "solve",
                       Kept(_floors(problem, Fraction(balance_floor))))


def evaluate(
    problem: Problem,
    plan: Iterable[tuple[str, str]],
    params: SolveParams | None = None,
) -> Result:
    """Score a given plan: pairs fixed, the staff split chosen by the same stages.

    Plan pairs outside the rules (beyond the cap, forbidden, over a partner bound) are
    kept as given; :func:`matcher.kpis.broken_rules` lists them.
    """
    plan = list(dict.fromkeys(plan))
    # A unit the plan gives several partners splits its staff, whatever the scenario allows.
    counts: dict[str, int] = {}
    for lc, _ in plan:
        counts[lc] = counts.get(lc, 0) + 1
    problem = replace(problem, units=tuple(
        replace(u, max_partners=counts[u.code]) if counts.get(u.code, 0) > 1 else u for u in problem.units
    ))
    lows = {u.code: i for i, u in enumerate(problem.lowland)}
    rems = {u.code: i for i, u in enumerate(problem.remote)}
    locked = problem.locked
    cands = []
    for lc, rc in plan:
        lo, re = problem.lowland[lows[lc]], problem.remote[rems[rc]]
        km, minutes, source, load = pair_metrics(problem, lo, re)
        cands.append(Candidate(lows[lc], rems[rc], km, minutes, source, load, (lc, rc) in locked))
    ctx = Ctx(problem, cands, params or SolveParams(), None, fixed=True)
    order = [o for o in problem.rules.objectives if o != "distance"] + ["distance"]
    return _run_stages(ctx, order, "evaluate")


def feasible(problem: Problem, params: SolveParams | None = None) -> Status:
    """Can every rule hold at once? ``optimal`` (a plan exists), ``infeasible`` (proven
    impossible) or ``unknown`` (undecided in the time limit). No objective is optimised:
    the LP, SCIP and CP-SAT are asked in turn, as in a balance probe."""
    params = params or SolveParams()
    ctx = Ctx(problem, candidates(problem), params, None, fixed=False)
    ctx.start_guard()
    answer, _ = _probe(ctx, Kept(), params.time_limit_s)
    return {
        _Probe.FOUND: Status.OPTIMAL,
        _Probe.OUT_OF_REACH: Status.INFEASIBLE,
        _Probe.UNDECIDED: Status.UNKNOWN,
    }[answer]
