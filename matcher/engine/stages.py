"""The stage loop: the balance stage (:mod:`.balance`), the minimising stages, and the
public :func:`solve`, :func:`evaluate` and :func:`feasible` (re-exported by
:mod:`matcher.engine`, whose docstring states the formulation and the method).

Every budget here is *work* counted by :class:`~matcher.engine.backends.Ctx` from the
solvers' deterministic counters (see :mod:`matcher.engine.backends`), never elapsed wall
time, so how a stage's budget is split does not depend on the machine's load.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import replace
from fractions import Fraction

from ..distance import Candidate, candidates, pair_metrics
from ..kpis import min_ratio
from ..model import STAGES, Problem, SolveParams
from ..result import Pair, Result, StageResult, Status
from .backends import MIN_WORK, SOLVER_NAME, CpBackend, Ctx, Progress, cp_solve, lp, mip, ortools_version
from .balance import MIP_SHARE, Allowance, Probe, StageOutcome, probe, stage_balance
from .formulation import Kept
from .lns import floors as _floors
from .lns import improve_sum
from .plan import Plan, complete, exact_value, raw_value, read_solution, to_value

# The stages share the budget by these weights; what a stage does not use passes on. The
# max–min stage is the hard one (issue 8), the minimising stages are usually proven fast.
STAGE_WEIGHT = {"balance": 4.0}
MIN_LNS_SHARE = 0.5  # of a minimising stage's work left after SCIP, for the neighbourhood search


def _stage_min(ctx: Ctx, kept: Kept, work: float, name: str, incumbent: Plan | None = None) -> StageOutcome:
    """Minimise shortfall, distance or changes (``balance`` here only when nothing is needed).

    LP first (infeasible LP: infeasible stage; integral LP x: completed by CP-SAT with x
    fixed), then SCIP, then neighbourhood search around the best plan
    (:func:`matcher.engine.lns.improve_sum`), then CP-SAT with the best bound as a
    constraint and the best plan as a hint. The stage is optimal once a plan meets the best
    proven bound. ``incumbent`` (the previous stage's plan, which keeps every kept
    constraint) is the first plan offered, so a stage never ends with less than it started
    with (issue 8)."""
    problem, start = ctx.problem, time.perf_counter()
    objective = "shortfall" if name == "balance" else name
    unit = STAGES[name].unit_for(problem.rules)
    a = Allowance(ctx, work)

    def stop(status: Status) -> StageOutcome:
        return StageOutcome(StageResult(name, status, None, None, time.perf_counter() - start, unit), None, None, kept)

    relaxed = lp(ctx, kept, objective, a.left())
    if not relaxed.feasible and incumbent is None:
        return stop(Status.INFEASIBLE)
    bound_raw = -math.inf if relaxed.value is None or not relaxed.feasible else math.ceil(relaxed.value - 1e-6)
    best = None  # (raw value, (pairs, hint)) of the best plan so far

    def offer(got: Plan | None) -> None:
        nonlocal best
        if got is not None:
            raw = raw_value(objective, ctx, got[0])
            if best is None or raw < best[0]:
                best = (raw, got)
                ctx.hint = got[1]

    if incumbent is not None:
        offer(incumbent)
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
    if best is not None and best[0] > bound_raw and not ctx.fixed and name != "balance":
        plan = improve_sum(ctx, kept, best[1], objective, ctx.spent + MIN_LNS_SHARE * a.left(),
                           lambda got: raw_value(objective, ctx, got[0]))
        offer(plan)
    if best is None or best[0] > bound_raw:
        built = ctx.build(CpBackend(), kept)
        if objective in ("shortfall", "changes"):
            const_terms = built.shortfall if objective == "shortfall" else built.changes
            built.backend.minimize(const_terms[1], const_terms[0], bound_raw)
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
        cap if objective == "changes" else kept.max_changes,
    )
    stage = StageResult(name, status, value, bound, time.perf_counter() - start, unit)
    return StageOutcome(stage, tuple(pairs), hint, new_kept)


def _run_stages(ctx: Ctx, order: Iterable[str], mode: str, kept: Kept | None = None,
                started: float | None = None) -> Result:
    start = time.perf_counter() if started is None else started
    ctx.start_guard(start)  # the deadline counts from before the candidates were built
    total = ctx.params.time_limit_s
    order = list(order)
    stages: list[StageResult] = []
    pairs: tuple[Pair, ...] = ()
    kept = kept or Kept()
    overall = Status.OPTIMAL
    for n, name in enumerate(order):
        weights = [STAGE_WEIGHT.get(o, 1.0) for o in order[n:]]
        work = max(MIN_WORK, (total - ctx.spent) * weights[0] / sum(weights))
        ctx.say(f"stage {n + 1}/{len(order)} {name} (budget {work:.1f} s of work)")
        if name == "balance" and any(r.total_need for r in ctx.problem.remote):
            out = stage_balance(ctx, kept, work)
        else:
            out = _stage_min(ctx, kept, work, name, (list(pairs), ctx.hint) if pairs else None)
        stages.append(out.stage)
        kept = out.kept
        if out.pairs is None:
            overall = out.stage.status if not pairs else Status.FEASIBLE
            break
        pairs, ctx.hint = out.pairs, out.hint
        stage = out.stage
        bound = "–" if stage.bound is None else f"{stage.bound:.4g}"
        ctx.say(f"  {name}: {stage.status.value}, value {stage.value:.4g}, bound {bound}, {stage.seconds:.1f} s")
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
    started = time.perf_counter()
    ctx = Ctx(problem, candidates(problem), params or SolveParams(), progress, fixed=False)
    order = problem.rules.objectives
    if balance_floor is None:
        return _run_stages(ctx, order, "solve", started=started)
    return _run_stages(ctx, [o for o in order if o != "balance"], "solve",
                       Kept(_floors(problem, Fraction(balance_floor))), started)


def evaluate(
    problem: Problem,
    plan: Iterable[tuple[str, str]],
    params: SolveParams | None = None,
) -> Result:
    """Score a given plan: pairs fixed, the staff split chosen by the same stages.

    Plan pairs outside the rules (beyond the cap, forbidden, over a partner bound) are
    kept as given; :func:`matcher.kpis.broken_rules` lists them.
    """
    started = time.perf_counter()
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
    return _run_stages(ctx, order, "evaluate", started=started)


def feasible(problem: Problem, params: SolveParams | None = None) -> Status:
    """Can every rule hold at once? ``optimal`` (a plan exists), ``infeasible`` (proven
    impossible) or ``unknown`` (undecided in the time limit). No objective is optimised:
    the LP, SCIP and CP-SAT are asked in turn, as in a balance probe."""
    started = time.perf_counter()
    params = params or SolveParams()
    ctx = Ctx(problem, candidates(problem), params, None, fixed=False)
    ctx.start_guard(started)
    answer, _ = probe(ctx, Kept(), params.time_limit_s)
    return {
        Probe.FOUND: Status.OPTIMAL,
        Probe.OUT_OF_REACH: Status.INFEASIBLE,
        Probe.UNDECIDED: Status.UNKNOWN,
    }[answer]
