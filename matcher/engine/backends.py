"""The three OR-Tools solvers behind the builders' interface, each run on a deterministic budget.

A solve's ``time_limit_s`` is spent as *work*, counted from each call's deterministic counters,
never from the clock: the same input and seed spend the same work and take the same decisions
on an idle or a busy machine. A unit of work is 1 / WORK_SHARE CPU seconds of the calibration
machine (a 2-core Intel Xeon VM; constants fitted per call, CPU seconds against counters), so a
budget takes about WORK_SHARE x ``time_limit_s`` when idle; the rest is margin for what no
counter sees. Model size = variables and coefficients written by the builders.

  CP-SAT  limit ``max_deterministic_time`` = work / CP_WORK_PER_DET (``num_workers``,
          ``random_seed`` set); charged its deterministic time. Several workers: wall time.
  SCIP    limit ``limits/totalnodes`` = work / (SCIP_WORK_PER_NODE_TERM x size), and per-LP
          iteration limits; charged (iterations x SCIP_WORK_PER_ITER_TERM + nodes x
          SCIP_CHARGE_PER_NODE_TERM) x size. A node limit does not bound one node's cost, so a
          call may overrun its share (charged to the stages after it). ``limits/gap = 0``,
          ``limits/absgap = 0.5``: objectives are integral, and pywraplp's default relative gap
          (1e-4) would call a plan optimal that is not.
  GLOP    limit ``max_number_of_iterations``; charged (LP_WORK_PER_TERM + iterations x
          LP_WORK_PER_ITER_TERM) x size.
  Python  building a model: BUILD_WORK_PER_TERM per variable or coefficient.

The wall clock is a deadline, not a budget: WALL_DEADLINE x ``time_limit_s`` after
:meth:`Ctx.start_guard`. Each call's wall-clock limit is the time left to it (its effective
limit is the smaller of that and its deterministic one); past it :func:`lp`, :func:`mip` and
:func:`cp_solve` return at once with no claim, and loops stop. A call or loop that the deadline
stops before its deterministic limit sets ``Ctx.wall_cut``; the Result then says
``params["stopped_by_wall_clock"] = True``, and only then may the plan depend on the load.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from ..distance import Candidate
from ..model import Problem, SolveParams
from ..result import Status
from .formulation import Built, Index, Kept, Terms, build

SOLVER_NAME = "OR-Tools: GLOP LP, SCIP MIP, CP-SAT"

# Work per counter: CPU seconds of the calibration machine / WORK_SHARE (see the docstring).
WORK_SHARE = 0.9  # of time_limit_s that an idle machine spends on the counted work
CP_WORK_PER_DET = 2.4 / WORK_SHARE  # CP-SAT: per unit of its deterministic time (one worker)
SCIP_WORK_PER_NODE_TERM = 5e-5 / WORK_SHARE  # SCIP: per branch-and-bound node and unit of model size (limit)
SCIP_WORK_PER_ITER_TERM = 6.5e-9 / WORK_SHARE  # SCIP: per simplex iteration and unit of model size (charge)
SCIP_CHARGE_PER_NODE_TERM = 5.5e-6 / WORK_SHARE  # SCIP: per node and unit of model size (charge)
LP_WORK_PER_TERM = 1.7e-7 / WORK_SHARE  # GLOP: per solve and unit of model size
LP_WORK_PER_ITER_TERM = 2e-9 / WORK_SHARE  # GLOP: per simplex iteration and unit of model size
BUILD_WORK_PER_TERM = 1.4e-6 / WORK_SHARE  # building a model in Python, per variable or coefficient
SCIP_ABS_GAP = 0.5  # objectives are integral: a gap below 1 proves the incumbent
MIN_WORK = 0.05  # the least work a call is given
WALL_DEADLINE = 1.0  # the deadline: this x time_limit_s of wall clock after the solve starts
MIN_WALL_S = 0.05

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
}

Progress = Callable[[str], None]


# ---- three backends, one set of builders ------------------------------------------------


class CpBackend:
    """CP-SAT: integer variables."""

    def __init__(self) -> None:
        self.m = cp_model.CpModel()
        self.size = 0  # variables and coefficients written: the build's work

    def bool_var(self, name: str):
        self.size += 1
        return self.m.new_bool_var(name)

    def int_var(self, lo: int, hi: int, name: str):
        self.size += 1
        return self.m.new_int_var(lo, hi, name)

    def linear(self, terms: Terms, lo: float | None, hi: float | None) -> None:
        self.size += len(terms) + 1
        if not terms:
            if (lo is not None and lo > 0) or (hi is not None and hi < 0):
                self.m.add_bool_or([])  # always false: the model is infeasible
            return
        expr = _expr(terms)
        if lo is not None:
            self.m.add(expr >= math.ceil(lo - 1e-9))
        if hi is not None:
            self.m.add(expr <= math.floor(hi + 1e-9))

    def minimize(self, terms: Terms, const: int = 0, at_least: float = -math.inf) -> None:
        """Minimise ``const + terms``, known to be at least ``at_least`` (a proven bound)."""
        expr = const + _expr(terms)
        if at_least > -math.inf and terms:
            self.m.add(expr >= math.ceil(at_least - 1e-9))
        self.m.minimize(expr)

    def maximize(self, terms: Terms) -> None:
        self.m.maximize(_expr(terms))

    def hint(self, variables, values: dict) -> None:
        """Hint each variable whose name ``values`` holds (a previous plan)."""
        for var in variables:
            if var.name in values:
                self.m.add_hint(var, values[var.name])


def _expr(terms: Terms):
    return cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])


class LpBackend:
    """GLOP: the LP relaxation of the same model."""

    solver_name = "GLOP"

    def __init__(self) -> None:
        self.s = pywraplp.Solver.CreateSolver(self.solver_name)
        self.size = 0

    def bool_var(self, name: str):
        self.size += 1
        return self.s.NumVar(0, 1, name)

    def int_var(self, lo: int, hi: int, name: str):
        self.size += 1
        return self.s.NumVar(lo, hi, name)

    def linear(self, terms: Terms, lo: float | None, hi: float | None) -> None:
        self.size += len(terms) + 1
        inf = self.s.infinity()
        row = self.s.RowConstraint(-inf if lo is None else lo, inf if hi is None else hi, "")
        for c, v in terms:  # builders never repeat a variable within one row
            row.SetCoefficient(v, c)

    def objective(self, terms: Terms, const: int = 0) -> None:
        """Minimise ``const + terms`` (no terms: any feasible point)."""
        obj = self.s.Objective()
        for c, v in terms:
            obj.SetCoefficient(v, obj.GetCoefficient(v) + c)
        obj.SetOffset(const)
        obj.SetMinimization()


class MipBackend(LpBackend):
    """SCIP (bundled with OR-Tools): the same model as a MIP."""

    solver_name = "SCIP"

    def bool_var(self, name: str):
        self.size += 1
        return self.s.BoolVar(name)

    def int_var(self, lo: int, hi: int, name: str):
        self.size += 1
        return self.s.IntVar(lo, hi, name)


# ---- the solver parameters: deterministic limits, the wall clock only as a guard ----------


def cp_parameters(p, params: SolveParams, work: float, wall_s: float) -> None:
    """Set a CP-SAT ``SatParameters``. One worker: the deterministic time decides and ``wall_s``
    (the time left to the deadline) only guards. Several workers: CP-SAT's parallel portfolio
    on wall time, ``work`` as seconds (not reproducible; see the README on ``--workers``)."""
    p.num_workers = params.workers
    p.random_seed = params.seed
    p.log_search_progress = params.log
    work = max(work, MIN_WORK)
    if params.workers == 1:
        p.max_deterministic_time = work / CP_WORK_PER_DET
        p.max_time_in_seconds = max(wall_s, MIN_WALL_S)
    else:
        p.max_time_in_seconds = max(min(work * WORK_SHARE, wall_s), MIN_WALL_S)


def scip_parameters(work: float, size: int) -> str:
    """SCIP's parameter string: node and per-LP iteration limits in place of a time limit, and
    no relative gap (only an absolute one below 1: the objectives are integral)."""
    iters = scip_lp_iterations(work, size)
    return (f"limits/totalnodes = {scip_nodes(work, size)}\nlp/iterlim = {iters}\nlp/rootiterlim = {iters}\n"
            f"limits/gap = 0\nlimits/absgap = {SCIP_ABS_GAP}\n")


def scip_charge(iterations: int, nodes: int, size: int) -> float:
    return (iterations * SCIP_WORK_PER_ITER_TERM + nodes * SCIP_CHARGE_PER_NODE_TERM) * size


def scip_lp_iterations(work: float, size: int) -> int:
    return max(1000, int(max(work, MIN_WORK) / (SCIP_WORK_PER_ITER_TERM * max(size, 1))))


def scip_nodes(work: float, size: int) -> int:
    return max(1, int(max(work, MIN_WORK) / (SCIP_WORK_PER_NODE_TERM * max(size, 1))))


def glop_parameters(work: float, size: int) -> str:
    """GLOP's parameter string: an iteration limit in place of a time limit."""
    return f"max_number_of_iterations: {glop_iterations(work, size)}"


def glop_iterations(work: float, size: int) -> int:
    size = max(size, 1)
    return max(1000, int((max(work, MIN_WORK) - LP_WORK_PER_TERM * size) / (LP_WORK_PER_ITER_TERM * size)))


def glop_charge(iterations: int, size: int) -> float:
    return (LP_WORK_PER_TERM + iterations * LP_WORK_PER_ITER_TERM) * size


def _wall_ms(wall_s: float) -> int:
    return max(10, int(max(wall_s, MIN_WALL_S) * 1000))

# ---- one call to each solver, with what it cost --------------------------------------------


@dataclass
class Ctx:
    """One solve: the problem, its candidates, the work spent and the wall-clock guard."""

    problem: Problem
    cands: list[Candidate]
    params: SolveParams
    progress: Progress | None
    fixed: bool
    hint: dict | None = None  # variable name -> value
    index: Index | None = None
    spent: float = 0.0  # work charged so far (deterministic)
    deadline: float = math.inf  # perf_counter time of the deadline
    wall_cut: bool = False  # the guard stopped a call or a loop: the plan may depend on load

    def __post_init__(self) -> None:
        self.index = Index.of(self.problem, self.cands)

    def start_guard(self, started: float | None = None) -> None:
        """Deadline: WALL_DEADLINE x time_limit_s after ``started`` (perf_counter at solve(); default now)."""
        started = time.perf_counter() if started is None else started
        self.deadline = started + WALL_DEADLINE * self.params.time_limit_s

    def wall_left(self) -> float:  # a call's wall-clock limit: the time left to the deadline
        return max(MIN_WALL_S, self.deadline - time.perf_counter())

    def out_of_wall(self) -> bool:
        """Has the deadline passed? (Then the outcome is marked as cut by the clock.)"""
        if time.perf_counter() >= self.deadline:
            self.wall_cut = True
            return True
        return False

    def charge(self, work: float, wall_cut: bool = False) -> None:
        self.spent += work
        self.wall_cut = self.wall_cut or wall_cut

    def build(self, backend, kept: Kept) -> Built:
        built = build(self.problem, backend, self.cands, kept, fixed=self.fixed, index=self.index)
        self.charge(backend.size * BUILD_WORK_PER_TERM)
        return built

    def say(self, msg: str) -> None:
        if self.progress:
            self.progress(msg)


class CpProgress(cp_model.CpSolverSolutionCallback):
    """Prints the stage, best value and bound at most once a second after the first (only reports)."""

    def __init__(self, label: str, to_value: Callable[[float], float], out: Progress):
        super().__init__()
        self.label, self.to_value, self.out = label, to_value, out
        self.start = time.perf_counter()
        self.last = self.start

    def on_solution_callback(self) -> None:
        now = time.perf_counter()
        if now - self.start >= 1.0 and now - self.last >= 1.0:
            self.last = now
            self.out(f"  {self.label}: best {self.to_value(self.objective_value):.4g}, "
                     f"bound {self.to_value(self.best_objective_bound):.4g}, {now - self.start:.0f} s")


def cp_solve(ctx: Ctx, built: Built, work: float, label: str, conv=None):
    """Run CP-SAT on a built model (hinted with ``ctx.hint``); returns (status, solver)."""
    backend: CpBackend = built.backend
    solver = cp_model.CpSolver()
    if ctx.out_of_wall():
        return Status.UNKNOWN, solver
    if ctx.hint:
        backend.hint([*built.x.values(), *built.y.values(), *built.cov.values()], ctx.hint)
    p = solver.parameters
    cp_parameters(p, ctx.params, work, ctx.wall_left())
    cb = CpProgress(label, conv, ctx.progress) if ctx.progress and conv else None
    status = _STATUS[solver.solve(backend.m, cb)]
    undecided = status not in (Status.OPTIMAL, Status.INFEASIBLE)
    if ctx.params.workers == 1:
        det = solver.deterministic_time
        cut = undecided and det < 0.99 * p.max_deterministic_time and solver.wall_time >= 0.9 * p.max_time_in_seconds
        ctx.charge(det * CP_WORK_PER_DET, cut)
    else:
        ctx.charge(solver.wall_time / WORK_SHARE)
    return status, solver


@dataclass
class LpAnswer:
    feasible: bool
    value: float | None  # objective in model units; None when not solved to optimality
    x: dict[int, int] | None  # the LP's x when every x is integral, else None


@dataclass
class MipAnswer:
    status: Status
    bound: float | None  # proven lower bound of the objective, model units
    x: dict[int, int] | None  # incumbent


def _objective(built: Built, objective: str | None) -> None:
    sums = {"shortfall": built.shortfall, "changes": built.changes}  # (constant, terms)
    const, terms = sums.get(objective, (0, built.distance if objective else []))
    built.backend.objective(terms, const)


def mip(ctx: Ctx, kept: Kept, objective: str | None, work: float) -> MipAnswer:
    """The same model on SCIP. LP-based branch and cut closes, in milliseconds, stages
    whose LP is fractional but whose integer optimum CP-SAT finds only slowly. Past the deadline: no claim."""
    if ctx.out_of_wall():
        return MipAnswer(Status.UNKNOWN, None, None)
    built = ctx.build(MipBackend(), kept)
    s = built.backend.s
    _objective(built, objective)
    size = built.backend.size
    nodes = scip_nodes(work, size)
    s.SetSolverSpecificParametersAsString(scip_parameters(work, size))
    wall_ms = _wall_ms(ctx.wall_left())
    s.SetTimeLimit(wall_ms)
    code = s.Solve()
    decided = code in (s.OPTIMAL, s.INFEASIBLE)
    cut = not decided and s.nodes() < nodes and s.wall_time() >= 0.9 * wall_ms
    ctx.charge(scip_charge(s.iterations(), s.nodes(), size), cut)
    if code == s.INFEASIBLE:
        return MipAnswer(Status.INFEASIBLE, None, None)
    if code not in (s.OPTIMAL, s.FEASIBLE):
        return MipAnswer(Status.UNKNOWN, None, None)
    x = {k: round(v.solution_value()) for k, v in built.x.items()}
    status = Status.OPTIMAL if code == s.OPTIMAL else Status.FEASIBLE
    return MipAnswer(status, s.Objective().BestBound() if objective else None, x)


LP_TRUST_MAX = 10**6  # above this need/supply magnitude GLOP's infeasibility is no proof


def lp_trusted(problem: Problem) -> bool:
    """Whether an LP infeasibility counts as proof: only with moderate coefficients (GLOP's
    tolerances make it call feasible models infeasible when needs run to 1e9, e.g. in VND)."""
    values = [v for u in problem.units for v in (*u.supply.values(), *u.need.values())]
    return max(values, default=0) <= LP_TRUST_MAX


def lp(ctx: Ctx, kept: Kept, objective: str | None, work: float) -> LpAnswer:
    """LP relaxation (GLOP) with every kept constraint and holder cut. Past the deadline: no claim."""
    if ctx.out_of_wall():
        return LpAnswer(True, None, None)
    built = ctx.build(LpBackend(), kept)
    s = built.backend.s
    _objective(built, objective)
    size = built.backend.size
    s.SetSolverSpecificParametersAsString(glop_parameters(work, size))
    wall_ms = _wall_ms(ctx.wall_left())
    s.SetTimeLimit(wall_ms)
    code = s.Solve()
    cut = code not in (s.OPTIMAL, s.INFEASIBLE) and s.iterations() < glop_iterations(work, size) \
        and s.wall_time() >= 0.9 * wall_ms
    ctx.charge(glop_charge(s.iterations(), size), cut)
    if code == s.INFEASIBLE:  # with huge coefficients no proof: let SCIP and CP-SAT decide
        return LpAnswer(not lp_trusted(ctx.problem), None, None)
    if code != s.OPTIMAL:  # numerical trouble or the iteration limit: no claim either way
        return LpAnswer(True, None, None)
    xs = {k: v.solution_value() for k, v in built.x.items()}
    integral = all(abs(v - round(v)) < 1e-6 for v in xs.values())
    return LpAnswer(True, s.Objective().Value(), {k: round(v) for k, v in xs.items()} if integral else None)


def ortools_version() -> str:
    try:
        return version("ortools")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return ""
