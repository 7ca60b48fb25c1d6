"""Independent parts solved apart, in parallel processes, and joined with certified bounds (issue 8).

Parts
-----
Lowland and remote units are the nodes of the *candidate graph*, the allowed pairs
(:func:`matcher.distance.candidates`) its edges. No plan can pair units of two connected
components, so each component is an independent problem; any union of components is one
too. Components are taken in the order of their first unit in the units table; a component
of fewer than :data:`BATCH_UNITS` units (a unit with no allowed pair is one on its own, and
its rules decide, as in a whole solve, whether that is infeasible) is merged with its small
neighbours in that order into one sub-problem of up to :data:`BATCH_UNITS` units. With
``rules.pair_within`` set the groups (provinces) are already disconnected. A sub-problem
keeps the rules, its units (input order), the pair rules and travel rows between its units;
excluded units belong to no part.

The exact lexicographic join (balance first)
--------------------------------------------
The balance stage is a max-min: the whole problem's optimum is the *smallest* of the parts'
optima, and a part above it must not keep its own higher floor, or it gives up shortfall the
whole solve would not. So:

1. pass 1 solves each part's balance stage alone (``objectives = ("balance",)``);
   ``v*`` = the least exact smallest coverage of the parts' plans, and the whole's balance
   bound = the least of the parts' bounds (each bounds its part, so the least bounds the whole);
2. pass 2 solves each part's remaining stages under the whole's floors
   ``C_r >= ceil(v* (1 - tol_balance) N_r)`` (:func:`~matcher.engine.stages.solve` with
   ``balance_floor``). Shortfall and distance are sums over parts, so the lexicographic
   minimum of the whole is the parts' minima side by side: values and bounds are the sums of
   the parts' (a bound is None if a part has none); a stage is optimal only if it is in every
   part. The joined balance value is that of the joined plan (at least ``v*``), optimal when
   it meets the joined bound.

A part whose pass 2 finds no plan keeps its pass-1 plan (it meets the floors): its figures
count, its bounds are unknown. With a tolerance > 0 on shortfall each part keeps its own
slack, a restriction of the whole's (the plan is valid, the later stages may be a little
worse than a whole solve's). Without a balance stage all stages are sums and one pass does.
When balance is not the first stage, the whole problem is solved at once (:func:`solve_parts`
falls back to :func:`~matcher.engine.stages.solve`), as it is when there is one part, or
fewer than :data:`DECOMPOSE_MIN_PAIRS` allowed pairs (small enough to solve whole).

Budgets, processes, determinism
-------------------------------
Pass 1 gets :data:`PASS1_SHARE` of ``time_limit_s``, pass 2 :data:`PASS2_SHARE` (the rest is
kept for starting processes and joining). Within a pass a part's budget is proportional to its
size (units + allowed pairs) with a floor of :data:`MIN_PART_S` and a ceiling of the pass's
share, scaled as if :data:`REFERENCE_CORES` parts ran at once (``REFERENCE_CORES //
workers``): budgets are *work* on the reference machine of :mod:`.backends`, so they are a
pure function of the problem and the parameters, never of this machine's core count or of
the order in which parts finish; the same input and seed give the same plan. Parts run in a
``spawn`` process pool of ``min(parts, cores // workers)`` processes (cores = the CPUs this
process may use), or in this process when that is 1; on fewer cores than the reference the
wall time grows, the plan does not change. Progress reports ``parts done k/n`` per pass; a
part's own progress lines stay in its process.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from fractions import Fraction

from ..distance import Candidate, candidates
from ..kpis import min_ratio, stage_figures
from ..model import STAGES, Problem, Role, SolveParams
from ..result import Pair, Result, StageResult, Status
from .backends import Progress
from .stages import solve

PASS1_SHARE = 0.55  # of time_limit_s: the balance stage of every part
PASS2_SHARE = 0.40  # the remaining stages; 5 % is left for processes and the join
REFERENCE_CORES = 2  # parts run at once on the reference machine that defines work
MIN_PART_S = 0.5  # the least work a part gets in a pass (never more than the pass's share)
BATCH_UNITS = 60  # components smaller than this are merged, in order, into parts of up to this many units
DECOMPOSE_MIN_PAIRS = 2_000  # below this many allowed pairs the whole problem is solved at once
POOL_MIN_PAIRS = 10_000  # below this many allowed pairs the parts are solved in this process


def components(problem: Problem, cands: Sequence[Candidate] | None = None) -> list[tuple[int, ...]]:
    """Connected components of the candidate graph, as positions in ``problem.units``.

    Each component lists its positions in input order; components are ordered by their first
    position. Excluded units are in none."""
    cands = candidates(problem) if cands is None else cands
    n_low = len(problem.lowland)
    parent = list(range(n_low + len(problem.remote)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for c in cands:
        a, b = find(c.li), find(n_low + c.ri)
        if a != b:
            parent[max(a, b)] = min(a, b)
    node = {u.code: i for i, u in enumerate(problem.lowland)}
    node.update({u.code: n_low + i for i, u in enumerate(problem.remote)})
    groups: dict[int, list[int]] = {}
    for pos, u in enumerate(problem.units):
        if u.role is not Role.EXCLUDED:
            groups.setdefault(find(node[u.code]), []).append(pos)
    return sorted((tuple(g) for g in groups.values()), key=lambda g: g[0])


def batches(comps: Sequence[tuple[int, ...]], batch_units: int = BATCH_UNITS) -> list[tuple[int, ...]]:
    """Components merged into parts: a large one alone, small ones (in order) up to ``batch_units``."""
    out: list[tuple[int, ...]] = []
    small: list[int] = []
    for comp in comps:
        if len(comp) >= batch_units:
            out.append(comp)
            continue
        if small and len(small) + len(comp) > batch_units:
            out.append(tuple(sorted(small)))
            small = []
        small.extend(comp)
    if small:
        out.append(tuple(sorted(small)))
    return sorted(out, key=lambda g: g[0])


def sub_problem(problem: Problem, positions: Sequence[int]) -> Problem:
    """The problem restricted to the units at ``positions``: same rules, their pair rules and travel."""
    units = tuple(problem.units[i] for i in sorted(positions))
    codes = {u.code for u in units}
    rules = tuple(r for r in problem.pair_rules if r.lowland_code in codes and r.remote_code in codes)
    travel = {k: t for k, t in problem.travel.items() if k[0] in codes and k[1] in codes}
    return replace(problem, units=units, pair_rules=rules, travel=travel)


def budgets(sizes: Sequence[int], time_limit_s: float, share: float, workers: int = 1) -> list[float]:
    """Each part's work in a pass: proportional to its size, floored, capped at the pass's share."""
    pass_s = share * time_limit_s
    at_once = min(len(sizes), max(1, REFERENCE_CORES // workers))
    total = max(1, sum(sizes))
    floor = min(MIN_PART_S, pass_s)
    return [min(pass_s, max(floor, pass_s * at_once * s / total)) for s in sizes]


def _solve_part(task: tuple[Problem, SolveParams, Fraction | None]) -> Result:
    """One part in a worker process (module level, so it pickles)."""
    sub, params, floor = task
    return solve(sub, params, None, balance_floor=floor)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Runner:
    """Runs tasks in this process or in a spawn pool; results in task order, progress as they finish."""

    def __init__(self, processes: int, progress: Progress | None) -> None:
        self.progress = progress
        self.pool = None
        if processes > 1:
            self.pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))

    def run(self, tasks: list[tuple[Problem, SolveParams, Fraction | None]], label: str,
            stop: bool = True) -> list[Result]:
        """Every task's result in task order; with ``stop``, after a proven infeasible part only those finished."""
        out: list[Result | None] = [None] * len(tasks)
        n = len(tasks)
        if self.pool is None:
            for k, task in enumerate(tasks):
                out[k] = res = _solve_part(task)
                self._say(f"{label}: parts done {k + 1}/{n}")
                if stop and res.status is Status.INFEASIBLE:  # the whole is infeasible: the rest need not run
                    break
        else:  # largest first, so the last to start are short (scheduling only: results do not depend on it)
            order = sorted(range(n), key=lambda k: (-tasks[k][1].time_limit_s, k))
            futures = {self.pool.submit(_solve_part, tasks[k]): k for k in order}
            for done, fut in enumerate(as_completed(futures), 1):
                out[futures[fut]] = res = fut.result()
                self._say(f"{label}: parts done {done}/{n}")
                if stop and res.status is Status.INFEASIBLE:  # the whole is infeasible, whatever the others find
                    for f in futures:
                        f.cancel()
                    break
        return [r for r in out if r is not None]

    def _say(self, msg: str) -> None:
        if self.progress:
            self.progress(msg)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def solve_parts(problem: Problem, params: SolveParams | None = None, progress: Progress | None = None, *,
                processes: int | None = None, min_pairs: int = DECOMPOSE_MIN_PAIRS,
                batch_units: int = BATCH_UNITS) -> Result:
    """Solve ``problem`` part by part (see the module docstring) and join the parts' results.

    ``processes`` forces the number of worker processes (1: all in this process); by default
    ``min(parts, cores // workers)``, and 1 below :data:`POOL_MIN_PAIRS` allowed pairs.
    ``min_pairs`` is the size below which the whole problem is solved at once (0: always split
    when there are several components)."""
    params = params or SolveParams()
    order = problem.rules.objectives
    start = time.perf_counter()
    if ("balance" in order and order[0] != "balance") or problem.baseline is not None:
        # a published plan's change count (and --max-changes) spans the parts: solved whole
        return _whole(problem, params, progress, None)
    cands = candidates(problem)
    comps = components(problem, cands)
    groups = batches(comps, batch_units)
    if len(groups) < 2 or len(cands) < min_pairs:
        return _whole(problem, params, progress, len(comps))
    subs = [sub_problem(problem, g) for g in groups]
    where = {u.code: k for k, sub in enumerate(subs) for u in sub.units}
    sizes = [len(g) for g in groups]
    for c in cands:
        sizes[where[problem.lowland[c.li].code]] += 1
    if processes is None:
        processes = 1 if len(cands) < POOL_MIN_PAIRS else min(len(subs), max(1, _cores() // params.workers))
    if progress:
        progress(f"{len(comps)} independent parts (components of the allowed pairs) solved as {len(subs)} "
                 f"sub-problems in {processes} process(es)")
    runner = _Runner(min(processes, len(subs)), progress)
    try:
        return _two_pass(problem, params, subs, sizes, runner, len(comps), start)
    finally:
        runner.close()


def _whole(problem: Problem, params: SolveParams, progress: Progress | None, n_comps: int | None) -> Result:
    """The whole problem in one solve (params say ``parts: 1``)."""
    res = solve(problem, params, progress)
    return replace(res, params={**res.params, "parts": 1, "components": n_comps})


def _params(params: SolveParams, work: float) -> SolveParams:
    return replace(params, time_limit_s=max(work, 1e-3))


def _two_pass(problem: Problem, params: SolveParams, subs: list[Problem], sizes: list[int], runner: _Runner,
              n_comps: int, start: float) -> Result:
    order = problem.rules.objectives
    later = [o for o in order if o != "balance"]
    meta = {"time_limit_s": params.time_limit_s, "workers": params.workers, "seed": params.seed,
            "parts": len(subs), "components": n_comps}
    first: list[Result] | None = None
    floor: Fraction | None = None
    balance: StageResult | None = None
    t1 = time.perf_counter()
    if "balance" in order:
        share = PASS1_SHARE if later else PASS1_SHARE + PASS2_SHARE
        work = budgets(sizes, params.time_limit_s, share, params.workers)
        tasks = [(replace(s, rules=replace(s.rules, objectives=("balance",))), _params(params, w), None)
                 for s, w in zip(subs, work, strict=True)]
        first = runner.run(tasks, f"pass 1/{1 + bool(later)} balance")
        if not all(r.status.has_solution for r in first):  # a part has no plan: neither has the whole
            return _no_plan(problem, "balance", first, t1, start, meta)
        stages1 = [r.stage("balance") for r in first]
        v_star = min(min_ratio(s, r.pairs) for s, r in zip(subs, first, strict=True))
        tol = Fraction(problem.rules.tolerances.get("balance", 0.0)).limit_denominator(10**6)
        floor = v_star * (1 - tol)
        bounds = [st.bound for st in stages1]
        balance = StageResult("balance", Status.FEASIBLE, float(v_star),
                              None if None in bounds else min(bounds), time.perf_counter() - t1,
                              STAGES["balance"].unit)
    plans = [r.pairs for r in first] if first is not None else [() for _ in subs]
    second: list[Result] = []
    t2 = time.perf_counter()
    if later:
        share = PASS2_SHARE if "balance" in order else PASS1_SHARE + PASS2_SHARE
        work = budgets(sizes, params.time_limit_s, share, params.workers)
        tasks = [(s, _params(params, w), floor) for s, w in zip(subs, work, strict=True)]
        second = runner.run(tasks, f"pass {1 + bool(first)}/{1 + bool(first)} {', '.join(later)}", first is None)
        for k, r in enumerate(second):
            if r.status.has_solution:
                plans[k] = r.pairs
            elif first is None:  # no balance pass to fall back on: the whole has no plan
                return _no_plan(problem, later[0], second, t2, start, meta)
    meta["parts_proven"] = {name: sum(1 for r in (first or []) + second if (st := r.stage(name)) is not None
                                      and st.status is Status.OPTIMAL) for name in order}
    meta["parts_without_pass2_plan"] = sum(1 for r in second if not r.status.has_solution)
    pairs = _ordered(problem, [p for plan in plans for p in plan])
    figures = stage_figures(problem, Result(Status.FEASIBLE, (), pairs, 0.0, ""))
    stages: list[StageResult] = []
    wall2 = time.perf_counter() - t2
    for name in order:
        if name == "balance":
            value = float(min_ratio(problem, pairs))
            proven = balance.bound is not None and value >= balance.bound - STAGES["balance"].eps
            stages.append(replace(balance, value=value, status=Status.OPTIMAL if proven else Status.FEASIBLE))
        else:
            stages.append(_joined(name, figures[name], second, wall2, problem))
    overall = Status.OPTIMAL if all(st.status is Status.OPTIMAL for st in stages) else Status.FEASIBLE
    return _result(problem, overall, stages, pairs, first or [], start, meta, second)


def _no_plan(problem: Problem, name: str, runs: list[Result], since: float, start: float, meta: dict) -> Result:
    """The whole has no plan because a part has none: infeasible if a part is proven so, else unknown."""
    status = Status.INFEASIBLE if any(r.status is Status.INFEASIBLE for r in runs) else Status.UNKNOWN
    st = StageResult(name, status, None, None, time.perf_counter() - since, STAGES[name].unit_for(problem.rules))
    return _result(problem, status, [st], (), runs, start, meta)


def _joined(name: str, value: float, parts: list[Result], wall: float, problem: Problem) -> StageResult:
    """A sum stage of the whole: the plan's figure, the sum of the parts' bounds, optimal if every part's is."""
    sts = [r.stage(name) for r in parts]
    bounds = [None if st is None else st.bound for st in sts]
    bound = None if None in bounds else float(sum(bounds))
    optimal = all(st is not None and st.status is Status.OPTIMAL for st in sts)
    if not optimal and name != "distance" and bound is not None:  # whole need units: a met bound proves it
        optimal = value <= bound + STAGES[name].eps
    secs = sum(st.seconds for r in parts for st in r.stages)
    own = sum(st.seconds for st in sts if st is not None)
    return StageResult(name, Status.OPTIMAL if optimal else Status.FEASIBLE, value, bound,
                       wall * own / secs if secs else 0.0, STAGES[name].unit_for(problem.rules))


def _ordered(problem: Problem, pairs: list[Pair]) -> tuple[Pair, ...]:
    """Pairs in the whole solve's order: by lowland, then remote, position."""
    ix = problem.index
    return tuple(sorted(pairs, key=lambda p: (ix[p.lowland_code], ix[p.remote_code])))


def _result(problem: Problem, status: Status, stages: list[StageResult], pairs, first: list[Result], start: float,
            meta: dict, second: list[Result] = ()) -> Result:
    runs = [*first, *second]
    solver = runs[0].solver if runs else ""
    meta = {**meta, "stopped_by_wall_clock": any(r.params.get("stopped_by_wall_clock") for r in runs)}
    return Result(status=status, stages=tuple(stages), pairs=tuple(pairs), seconds=time.perf_counter() - start,
                  solver=solver, mode="solve", params=meta)

