r"""Lexicographic twinning model on CP-SAT. The only module that imports ortools.

Formulation
-----------
Sets: lowland units :math:`L`, remote units :math:`R`, domains :math:`D`, allowed pairs
:math:`A \subseteq L \times R` (from :func:`matcher.distance.candidates`: within the
distance/time caps and not forbidden, or locked).

Data: supply :math:`s_{ld}`, need :math:`n_{rd}` (non-negative integers), total need
:math:`N_r = \sum_d n_{rd}`, partner bounds :math:`[a_u, b_u]`, optional capacity
:math:`c_r` and pair load :math:`w_{lr}` (default 1), pair cost :math:`t_{lr}` in metres
(or seconds when the scenario measures minutes), locked pairs :math:`K \subseteq A`.

Variables:
  :math:`x_{lr} \in \{0,1\}` for :math:`(l,r) \in A` (pair chosen);
  :math:`y_{lrd} \in \{0..\min(s_{ld}, n_{rd})\}` staff of :math:`l` allotted to :math:`r`
  in :math:`d`, only where both are positive.

Constraints (one builder each, below):
  locked        :math:`x_{lr} = 1` for :math:`(l,r) \in K`
  partners      :math:`a_u \le \sum x \le b_u` for every unit :math:`u`
  link          :math:`y_{lrd} \le \min(s_{ld}, n_{rd})\, x_{lr}`
  staff         :math:`\sum_r y_{lrd} \le s_{ld}` (no person counted twice; only for
                units that may take several partners, otherwise implied by link)
  need          :math:`\sum_l y_{lrd} \le n_{rd}`, so covered need
                :math:`C_{rd} = \sum_l y_{lrd} = \min(n_{rd}, \text{allotted})` at no loss
  capacity      :math:`\sum_l w_{lr} x_{lr} \le c_r` where :math:`c_r` is given

Objectives, lexicographic in the scenario's order (default balance, shortfall, distance);
each stage adds its optimum (loosened by its relative tolerance) as a constraint and hints
the next stage with its solution:
  balance    max :math:`T` s.t. :math:`S \cdot \sum_d C_{rd} \ge N_r T` for :math:`N_r > 0`,
             :math:`T \in [0, S]`, :math:`S = 10\,000`: the smallest coverage ratio, in
             units of 1/10 000 (remote units with no need count as fully covered);
  shortfall  min :math:`\sum_{r,d} (n_{rd} - C_{rd})`, in the tables' own units;
  distance   min :math:`\sum t_{lr} x_{lr}`, integer metres (or seconds).

Reported stage values are recomputed from the solution in float (ratio, need units, km or
minutes); the balance stage is optimal to within 1/S.

Reproducibility: with ``workers == 1`` the stage budgets are CP-SAT *deterministic* time
(``max_deterministic_time``), so a fixed seed gives the same plan on every run of the same
build; a wall-clock guard of three times the budget still applies.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .distance import Candidate, candidates, geodesic_km, pair_metrics
from .model import Problem, SolveParams
from .result import Pair, Result, StageResult, Status

SCALE = 10_000  # balance ratio resolution
SOLVER_NAME = "OR-Tools CP-SAT"

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
}

Progress = Callable[[str], None]


@dataclass
class Built:
    """A CP-SAT model with its variables, as built from a problem."""

    model: cp_model.CpModel
    cands: list[Candidate]
    x: dict[int, cp_model.IntVar]  # candidate index -> x
    y: dict[tuple[int, str], cp_model.IntVar]  # (candidate index, domain) -> y
    covered: dict[int, list[cp_model.IntVar]]  # remote index -> its y vars
    exprs: dict[str, cp_model.LinearExprT]
    cost_int: list[int]


# ---- constraint builders ---------------------------------------------------------------


def add_pair_vars(m: cp_model.CpModel, problem: Problem, cands: list[Candidate]):
    lows, rems = problem.lowland, problem.remote
    x, y = {}, {}
    for k, c in enumerate(cands):
        lo, re = lows[c.li], rems[c.ri]
        x[k] = m.new_bool_var(f"x[{lo.code},{re.code}]")
        for d in problem.domains:
            ub = min(lo.supply.get(d, 0), re.need.get(d, 0))
            if ub > 0:
                y[k, d] = m.new_int_var(0, ub, f"y[{lo.code},{re.code},{d}]")
    return x, y


def add_locked(m, cands, x) -> int:
    n = 0
    for k, c in enumerate(cands):
        if c.locked:
            m.add(x[k] == 1)
            n += 1
    return n


def add_partner_bounds(m, problem: Problem, cands, x) -> int:
    by_l: dict[int, list] = {i: [] for i in range(len(problem.lowland))}
    by_r: dict[int, list] = {i: [] for i in range(len(problem.remote))}
    for k, c in enumerate(cands):
        by_l[c.li].append(x[k])
        by_r[c.ri].append(x[k])
    n = 0
    for units, groups in ((problem.lowland, by_l), (problem.remote, by_r)):
        for i, u in enumerate(units):
            lo, hi = problem.partner_bounds(u)
            m.add_linear_constraint(sum(groups[i]), lo, hi)
            n += 1
    return n


def add_links(m, problem: Problem, cands, x, y) -> int:
    n = 0
    for (k, d), var in y.items():
        c = cands[k]
        ub = min(problem.lowland[c.li].supply[d], problem.remote[c.ri].need[d])
        m.add(var <= ub * x[k])
        n += 1
    return n


def add_staff_limits(m, problem: Problem, cands, y) -> int:
    """No person counted twice: only for lowland units that may take several partners."""
    per: dict[tuple[int, str], list] = {}
    for (k, d), var in y.items():
        per.setdefault((cands[k].li, d), []).append(var)
    n = 0
    for (li, d), vars_ in per.items():
        lo = problem.lowland[li]
        if problem.partner_bounds(lo)[1] > 1 and len(vars_) > 1:
            m.add(sum(vars_) <= lo.supply[d])
            n += 1
    return n


def add_need_limits(m, problem: Problem, cands, y) -> dict[int, list]:
    per: dict[tuple[int, str], list] = {}
    for (k, d), var in y.items():
        per.setdefault((cands[k].ri, d), []).append(var)
    covered: dict[int, list] = {i: [] for i in range(len(problem.remote))}
    for (ri, d), vars_ in per.items():
        if len(vars_) > 1:
            m.add(sum(vars_) <= problem.remote[ri].need[d])
        covered[ri].extend(vars_)
    return covered


def add_capacities(m, problem: Problem, cands, x) -> int:
    n = 0
    for ri, re in enumerate(problem.remote):
        if re.capacity is None:
            continue
        terms = [c.load * x[k] for k, c in enumerate(cands) if c.ri == ri]
        m.add(sum(terms) <= re.capacity)
        n += 1
    return n


def cost_units(problem: Problem, c: Candidate) -> int:
    """Integer pair cost: metres, or seconds when the scenario measures minutes."""
    if problem.rules.distance_metric == "minutes":
        return round((c.minutes or 0.0) * 60)
    return round(c.km * 1000)


def build(problem: Problem, cands: list[Candidate] | None = None, *, fixed=False) -> Built:
    """Build the model. ``fixed`` pins every candidate (evaluation of a given plan) and
    drops the partner-count and capacity rules, which the report checks instead."""
    cands = candidates(problem) if cands is None else cands
    m = cp_model.CpModel()
    x, y = add_pair_vars(m, problem, cands)
    if fixed:
        for var in x.values():
            m.add(var == 1)
    else:
        add_locked(m, cands, x)
        add_partner_bounds(m, problem, cands, x)
        add_capacities(m, problem, cands, x)
    add_links(m, problem, cands, x, y)
    add_staff_limits(m, problem, cands, y)
    covered = add_need_limits(m, problem, cands, y)
    cost_int = [cost_units(problem, c) for c in cands]
    exprs = {
        "shortfall": sum(r.total_need for r in problem.remote) - sum(y.values()),
        "distance": sum(cost_int[k] * x[k] for k in x),
    }
    needy = [i for i, r in enumerate(problem.remote) if r.total_need > 0]
    if needy:
        t = m.new_int_var(0, SCALE, "T")
        for i in needy:
            m.add(SCALE * sum(covered[i]) >= problem.remote[i].total_need * t)
        exprs["balance"] = t
    else:
        exprs["balance"] = SCALE  # every remote unit is fully covered
    return Built(m, cands, x, y, covered, exprs, cost_int)


# ---- solving -------------------------------------------------------------------------


class _Progress(cp_model.CpSolverSolutionCallback):
    """Prints the stage, best value and bound at most once a second after the first."""

    def __init__(self, stage: str, to_value: Callable[[float], float], out: Progress):
        super().__init__()
        self.stage, self.to_value, self.out = stage, to_value, out
        self.start = time.perf_counter()
        self.last = self.start

    def on_solution_callback(self) -> None:
        now = time.perf_counter()
        if now - self.start >= 1.0 and now - self.last >= 1.0:
            self.last = now
            self.out(
                f"  {self.stage}: best {self.to_value(self.objective_value):.4g}, "
                f"bound {self.to_value(self.best_objective_bound):.4g}, "
                f"{now - self.start:.0f} s"
            )


def _to_value(name: str, problem: Problem) -> Callable[[float], float]:
    if name == "balance":
        return lambda v: v / SCALE
    if name == "distance":
        return lambda v: v / (60 if problem.rules.distance_metric == "minutes" else 1000)
    return lambda v: v


def _stage_unit(name: str, problem: Problem) -> str:
    return {
        "balance": "ratio",
        "shortfall": "need units",
        "distance": problem.rules.distance_metric,
    }[name]


def _keep(m, built: Built, name: str, raw: int, tol: float) -> None:
    """Hold a stage at its optimum (loosened by a relative tolerance) for later stages."""
    expr = built.exprs[name]
    if name == "balance":
        if not isinstance(expr, int):
            m.add(expr >= math.ceil(raw * (1 - tol) - 1e-9))
    else:
        m.add(expr <= math.floor(raw * (1 + tol) + 1e-9))


def _exact_values(problem: Problem, pairs: list[Pair]) -> dict[str, float]:
    """Stage values recomputed from a plan, in float."""
    got: dict[str, dict[str, int]] = {}
    for p in pairs:
        acc = got.setdefault(p.remote_code, {})
        for d, v in p.allot.items():
            acc[d] = acc.get(d, 0) + v
    ratios, short = [], 0
    for r in problem.remote:
        cov = sum(min(r.need.get(d, 0), got.get(r.code, {}).get(d, 0)) for d in problem.domains)
        short += r.total_need - cov
        ratios.append(cov / r.total_need if r.total_need else 1.0)
    metric = problem.rules.distance_metric
    dist = sum((p.minutes or 0.0) if metric == "minutes" else p.km for p in pairs)
    return {"balance": min(ratios, default=1.0), "shortfall": float(short), "distance": dist}


def _read_pairs(solver, problem: Problem, built: Built) -> list[Pair]:
    pairs = []
    for k, c in enumerate(built.cands):
        if solver.value(built.x[k]):
            lo, re = problem.lowland[c.li], problem.remote[c.ri]
            allot = {
                d: int(solver.value(built.y[k, d])) for d in problem.domains if (k, d) in built.y
            }
            allot = {d: v for d, v in allot.items() if v > 0}
            pairs.append(Pair(lo.code, re.code, c.km, c.minutes, c.km_source, c.locked, allot))
    return pairs


def _hint(m, solver, built: Built) -> None:
    m.clear_hints()
    for var in list(built.x.values()) + list(built.y.values()):
        m.add_hint(var, solver.value(var))


def _run_stages(
    problem: Problem,
    built: Built,
    params: SolveParams,
    order: Iterable[str],
    progress: Progress | None,
    mode: str,
) -> Result:
    start = time.perf_counter()
    m = built.model
    order = list(order)
    stages: list[StageResult] = []
    pairs: list[Pair] = []
    overall = Status.OPTIMAL
    for n, name in enumerate(order):
        remaining = params.time_limit_s - (time.perf_counter() - start)
        budget = max(0.05, remaining / (len(order) - n))
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = params.workers
        p.random_seed = params.seed
        p.log_search_progress = params.log
        if params.workers == 1:
            p.max_deterministic_time = budget
            p.max_time_in_seconds = 3 * budget
        else:
            p.max_time_in_seconds = budget
        expr = built.exprs[name]
        if name == "balance":
            m.maximize(expr)
        else:
            m.minimize(expr)
        conv = _to_value(name, problem)
        if progress:
            progress(f"stage {n + 1}/{len(order)} {name} (budget {budget:.1f} s)")
        t0 = time.perf_counter()
        cb = _Progress(name, conv, progress) if progress else None
        code = solver.solve(m, cb)
        secs = time.perf_counter() - t0
        status = _STATUS[code]
        if not status.has_solution:
            stages.append(StageResult(name, status, None, None, secs, _stage_unit(name, problem)))
            overall = status if not stages[:-1] else Status.FEASIBLE
            if not pairs:  # first stage: nothing to show
                overall = status
            break
        raw = round(solver.objective_value)
        bound_raw = solver.best_objective_bound
        pairs = _read_pairs(solver, problem, built)
        value = _exact_values(problem, pairs)[name]
        if status is Status.OPTIMAL:
            bound = value
        elif name == "balance":
            bound = min(1.0, (math.floor(bound_raw) + 1) / SCALE)
        else:
            bound = conv(bound_raw)
        stages.append(StageResult(name, status, value, bound, secs, _stage_unit(name, problem)))
        if progress:
            progress(f"  {name}: {status.value}, value {value:.4g}, bound {bound:.4g}, {secs:.1f} s")
        if status is not Status.OPTIMAL:
            overall = Status.FEASIBLE
        _keep(m, built, name, raw, problem.rules.tolerances.get(name, 0.0))
        _hint(m, solver, built)
    return Result(
        status=overall,
        stages=tuple(stages),
        pairs=tuple(pairs),
        seconds=time.perf_counter() - start,
        solver=f"{SOLVER_NAME} {_ortools_version()}",
        mode=mode,
        params={"time_limit_s": params.time_limit_s, "workers": params.workers, "seed": params.seed},
    )


def _ortools_version() -> str:
    try:
        from importlib.metadata import version

        return version("ortools")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return ""


def solve(problem: Problem, params: SolveParams | None = None, progress: Progress | None = None) -> Result:
    """Solve the scenario's stages in order. FEASIBLE and INFEASIBLE are results, not errors."""
    params = params or SolveParams()
    built = build(problem)
    return _run_stages(problem, built, params, problem.rules.objectives, progress, "solve")


def evaluate(
    problem: Problem,
    plan: Iterable[tuple[str, str]],
    params: SolveParams | None = None,
) -> Result:
    """Score a given plan: pairs fixed, the staff split chosen by the same stages.

    Plan pairs outside the rules (beyond the cap, forbidden, over a partner bound) are
    kept as given; :func:`matcher.report.broken_rules` lists them.
    """
    params = params or SolveParams()
    lows = {u.code: i for i, u in enumerate(problem.lowland)}
    rems = {u.code: i for i, u in enumerate(problem.remote)}
    locked = problem.locked
    cands = []
    for lc, rc in dict.fromkeys(plan):
        lo, re = problem.lowland[lows[lc]], problem.remote[rems[rc]]
        geo = float(geodesic_km([lo], [re])[0, 0])
        km, minutes, source, load = pair_metrics(problem, lo, re, geo)
        cands.append(Candidate(lows[lc], rems[rc], km, minutes, source, load, (lc, rc) in locked))
    built = build(problem, cands, fixed=True)
    order = [o for o in problem.rules.objectives if o != "distance"] + ["distance"]
    return _run_stages(problem, built, params, order, None, "evaluate")


def allowed_pairs(problem: Problem) -> list[tuple[str, str]]:
    """Codes of the pairs the model may choose."""
    lows, rems = problem.lowland, problem.remote
    return [(lows[c.li].code, rems[c.ri].code) for c in candidates(problem)]

