r"""Lexicographic twinning model on OR-Tools (GLOP, SCIP, CP-SAT). The only module that imports ortools.

Formulation
-----------
Sets: lowland units :math:`L`, remote units :math:`R`, domains :math:`D`, allowed pairs
:math:`A \subseteq L \times R` (from :func:`matcher.distance.candidates`: within the
distance/time caps and not forbidden, or locked).

Data: supply :math:`s_{ld}`, need :math:`n_{rd}` (non-negative integers), total need
:math:`N_r = \sum_d n_{rd}`, partner bounds :math:`[a_u, b_u]`, optional capacity
:math:`c_r` and pair load :math:`w_{lr}` (default 1), pair cost :math:`t_{lr}` in integer
metres (or seconds when the scenario measures minutes), locked pairs :math:`K \subseteq A`.

Variables:
  :math:`x_{lr} \in \{0,1\}` for :math:`(l,r) \in A` (pair chosen);
  :math:`y_{lrd} \in \{0..\min(s_{ld}, n_{rd})\}` staff of :math:`l` allotted to :math:`r`
  in :math:`d`, only where both are positive.

Constraints (one builder function each, below):
  locked        :math:`x_{lr} = 1` for :math:`(l,r) \in K`
  partners      :math:`a_u \le \sum x \le b_u` for every unit :math:`u`
  link          :math:`y_{lrd} \le \min(s_{ld}, n_{rd})\, x_{lr}`
  staff         :math:`\sum_r y_{lrd} \le s_{ld}` (no person counted twice; only for units
                that may take several partners, otherwise implied by link)
  need          :math:`\sum_l y_{lrd} \le n_{rd}`, so covered need
                :math:`C_{rd} = \sum_l y_{lrd} = \min(n_{rd}, \text{allotted})` at no loss
  capacity      :math:`\sum_l w_{lr} x_{lr} \le c_r` where :math:`c_r` is given

Objectives, lexicographic in the scenario's order (default balance, shortfall, distance);
each stage's optimum (loosened by its relative tolerance) is kept as a constraint in the
later stages, and its solution hints the next:
  balance    maximise :math:`\min_r C_r / N_r` over :math:`N_r > 0` (a remote unit with no
             need counts as fully covered); kept as the integer floors
             :math:`C_r \ge k_r = \lceil v^* N_r \rceil`;
  shortfall  minimise :math:`\sum_{r,d} (n_{rd} - C_{rd})`, in the tables' own units;
  distance   minimise :math:`\sum t_{lr} x_{lr}` (metres or seconds; reported in km or min).

How the stages are proven (the maximin stage defeats a plain model)
-------------------------------------------------------------------
*Holder cuts.* Given floors :math:`k_r`, remote :math:`r` may lose at most
:math:`N_r - k_r` need units. For every domain set :math:`Q` with
:math:`\sum_{d \in Q} n_{rd} > N_r - k_r`, it therefore needs at least one partner that
supplies some domain of :math:`Q`: :math:`\sum_{l \in H_Q} x_{lr} \ge 1`. These integer
roundings carry the pigeonhole argument (31 IT holders cannot serve 33 communes) that the
LP relaxation otherwise spreads away; only minimal :math:`Q` are added.

*Balance by bisection on exact levels.* A probe at level :math:`v` asks for
:math:`C_r \ge \lceil v N_r \rceil` at every remote unit, with the holder cuts of those
floors. The first probe asks for any plan; each found plan has an exact ratio (a fraction,
not a grid value); the next level halves the interval up to the lowest level out of reach;
the last probe asks for anything strictly better than the best plan
(:math:`C_r \ge \lfloor v N_r \rfloor + 1`), and its proven infeasibility proves the
optimum. On Da Nang the LP relaxation with holder cuts is already infeasible just above the
optimum 0.75, where the plain LP allows 1.0.

*LP first, then SCIP, then CP-SAT.* Each minimising stage (and each balance probe) first
solves its LP relaxation (GLOP, with all kept constraints and holder cuts). An infeasible
LP proves the stage infeasible; an integral LP solution is completed (directly, or by
CP-SAT with :math:`x` fixed when staff is split) and is optimal when it meets
:math:`\lceil z_{LP} \rceil`. Otherwise SCIP
(bundled with OR-Tools) gets half the remaining budget on the same model: its branch and
cut closes in milliseconds stages where CP-SAT's search stalls (Da Nang with a 120 km cap:
SCIP 0.05 s, CP-SAT not in 30 s). Whatever is still open goes to CP-SAT with the best
bound as a constraint and the best plan as a hint.

Reproducibility: with ``workers == 1`` the CP-SAT budgets are *deterministic* time
(``max_deterministic_time``) and GLOP is deterministic, so a fixed seed gives the same plan
on every run of the same build; a wall-clock guard of twice the budget still applies.
"""

from __future__ import annotations

import enum
import itertools
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from ..distance import Candidate, candidates, geodesic_km, pair_metrics
from ..model import Problem, SolveParams
from ..result import Pair, Result, StageResult, Status

SOLVER_NAME = "OR-Tools: GLOP LP, SCIP MIP, CP-SAT"
MIP_SHARE = 0.8  # of a stage's remaining budget given to SCIP before CP-SAT takes over
MAX_CUT_DOMAINS = 10  # enumerate all domain subsets up to this many needy domains

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
}

Progress = Callable[[str], None]
Terms = list[tuple[int, object]]  # (coefficient, variable)


# ---- two backends, one set of builders --------------------------------------------------


class CpBackend:
    """CP-SAT: integer variables."""

    def __init__(self) -> None:
        self.m = cp_model.CpModel()

    def bool_var(self, name: str):
        return self.m.new_bool_var(name)

    def int_var(self, lo: int, hi: int, name: str):
        return self.m.new_int_var(lo, hi, name)

    def linear(self, terms: Terms, lo: float | None, hi: float | None) -> None:
        if not terms:
            if (lo is not None and lo > 0) or (hi is not None and hi < 0):
                self.m.add_bool_or([])  # always false: the model is infeasible
            return
        expr = cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
        if lo is not None:
            self.m.add(expr >= math.ceil(lo - 1e-9))
        if hi is not None:
            self.m.add(expr <= math.floor(hi + 1e-9))


class LpBackend:
    """GLOP: the LP relaxation of the same model."""

    def __init__(self) -> None:
        self.s = pywraplp.Solver.CreateSolver("GLOP")

    def bool_var(self, name: str):
        return self.s.NumVar(0, 1, name)

    def int_var(self, lo: int, hi: int, name: str):
        return self.s.NumVar(lo, hi, name)

    def linear(self, terms: Terms, lo: float | None, hi: float | None) -> None:
        inf = self.s.infinity()
        row = self.s.RowConstraint(-inf if lo is None else lo, inf if hi is None else hi, "")
        for c, v in terms:  # builders never repeat a variable within one row
            row.SetCoefficient(v, c)


class MipBackend(LpBackend):
    """SCIP (bundled with OR-Tools): the same model as a MIP."""

    def __init__(self) -> None:
        self.s = pywraplp.Solver.CreateSolver("SCIP")

    def bool_var(self, name: str):
        return self.s.BoolVar(name)

    def int_var(self, lo: int, hi: int, name: str):
        return self.s.IntVar(lo, hi, name)


@dataclass
class Built:
    """A model with its variables and objective terms."""

    backend: CpBackend | LpBackend
    cands: list[Candidate]
    x: dict[int, object]  # candidate index -> x
    y: dict[tuple[int, str], object]  # (candidate index, domain) -> y (splitting units)
    cov: dict[tuple[int, str], object]  # (remote index, domain) -> covered need C
    covered: dict[int, Terms]  # remote index -> terms of its covered need
    shortfall: tuple[int, Terms]  # constant + terms
    distance: Terms


# ---- constraint builders ---------------------------------------------------------------


@dataclass
class Index:
    """Everything about the candidates that does not change between models: computed once
    per solve, so that the many probe models are cheap to build."""

    x_names: list[str]
    gives: dict[tuple[int, str], list[tuple[int, int]]]  # (remote, domain) -> (give, k), single-partner units
    y_specs: list[tuple[int, str, int, str]]  # (k, domain, bound, name), splitting units
    holders: dict[tuple[int, str], set[int]]  # (remote, domain) -> candidates whose unit supplies it
    by_l: list[list[int]]
    by_r: list[list[int]]
    cost: list[int]

    _cuts: dict[tuple[int, int], list[list[int]]] = field(default_factory=dict)

    def cut_lists(self, problem: Problem, ri: int, floor: int) -> list[list[int]]:
        """The candidates of each holder cut of remote ``ri`` at ``floor`` (memoised)."""
        key = (ri, floor)
        if key not in self._cuts:
            self._cuts[key] = [
                sorted(set().union(*(self.holders.get((ri, d), set()) for d in q)))
                for q in holder_sets(problem, ri, floor)
            ]
        return self._cuts[key]

    @cached_property
    def split_ks(self) -> frozenset[int]:
        """Candidates whose lowland unit splits its staff (and so carries y variables)."""
        return frozenset(k for k, _, _, _ in self.y_specs)

    @classmethod
    def of(cls, problem: Problem, cands: list[Candidate]) -> Index:
        lows, rems = problem.lowland, problem.remote
        gives: dict = {}
        y_specs, holders = [], {}
        by_l: list[list[int]] = [[] for _ in lows]
        by_r: list[list[int]] = [[] for _ in rems]
        for k, c in enumerate(cands):
            lo, re = lows[c.li], rems[c.ri]
            by_l[c.li].append(k)
            by_r[c.ri].append(k)
            for d in problem.domains:
                s, n = lo.supply.get(d, 0), re.need.get(d, 0)
                if s > 0:
                    holders.setdefault((c.ri, d), set()).add(k)
                if s > 0 and n > 0:
                    if problem.splitting[c.li]:
                        y_specs.append((k, d, min(s, n), f"y[{lo.code},{re.code},{d}]"))
                    else:
                        gives.setdefault((c.ri, d), []).append((min(s, n), k))
        return cls(
            [f"x[{lows[c.li].code},{rems[c.ri].code}]" for c in cands], gives, y_specs, holders,
            by_l, by_r, [cost_units(problem, c) for c in cands],
        )


def add_pair_vars(b, ix: Index):
    """x for every candidate; y only for lowland units that may split their staff."""
    x = {k: b.bool_var(name) for k, name in enumerate(ix.x_names)}
    y = {(k, d): b.int_var(0, ub, name) for k, d, ub, name in ix.y_specs}
    return x, y


def add_locked(b, cands: list[Candidate], x) -> int:
    n = 0
    for k, c in enumerate(cands):
        if c.locked:
            b.linear([(1, x[k])], 1, 1)
            n += 1
    return n


def add_partner_bounds(b, problem: Problem, ix: Index, x) -> int:
    n = 0
    for units, groups in ((problem.lowland, ix.by_l), (problem.remote, ix.by_r)):
        for u, ks in zip(units, groups, strict=True):
            lo, hi = problem.partner_bounds(u)
            b.linear([(1, x[k]) for k in ks], lo, hi)
            n += 1
    return n


def add_links(b, problem: Problem, cands: list[Candidate], x, y) -> int:
    for (k, d), var in y.items():
        c = cands[k]
        ub = min(problem.lowland[c.li].supply[d], problem.remote[c.ri].need[d])
        b.linear([(1, var), (-ub, x[k])], None, 0)
    return len(y)


def add_staff_limits(b, problem: Problem, cands: list[Candidate], y) -> int:
    """No person counted twice: only for lowland units that may take several partners."""
    per: dict[tuple[int, str], Terms] = {}
    for (k, d), var in y.items():
        per.setdefault((cands[k].li, d), []).append((1, var))
    n = 0
    for (li, d), terms in per.items():
        lo = problem.lowland[li]
        if problem.partner_bounds(lo)[1] > 1 and len(terms) > 1:
            b.linear(terms, None, lo.supply[d])
            n += 1
    return n


def add_covered(b, problem: Problem, ix: Index, cands: list[Candidate], x, y):
    """Covered need C[r,d] <= need, and <= what the partners can give: the whole
    (need-capped) supply of a single-partner lowland unit, the allotment y of others."""
    per: dict[tuple[int, str], Terms] = {key: [(g, x[k]) for g, k in v] for key, v in ix.gives.items()}
    for (k, d), var in y.items():
        per.setdefault((cands[k].ri, d), []).append((1, var))
    cov: dict[tuple[int, str], object] = {}
    covered: dict[int, Terms] = {i: [] for i in range(len(problem.remote))}
    for (ri, d), terms in per.items():
        re = problem.remote[ri]
        var = b.int_var(0, re.need[d], f"C[{re.code},{d}]")
        b.linear([(1, var)] + [(-c, v) for c, v in terms], None, 0)
        cov[ri, d] = var
        covered[ri].append((1, var))
    return cov, covered


def add_capacities(b, problem: Problem, cands: list[Candidate], x) -> int:
    n = 0
    for ri, re in enumerate(problem.remote):
        if re.capacity is None:
            continue
        b.linear([(c.load, x[k]) for k, c in enumerate(cands) if c.ri == ri], None, re.capacity)
        n += 1
    return n


def add_coverage_floors(b, covered: dict[int, Terms], floors: Mapping[int, int]) -> int:
    """Covered need of remote ``r`` at least ``floors[r]`` (the kept balance stage)."""
    for ri, k in floors.items():
        b.linear(covered[ri], k, None)
    return len(floors)


def holder_sets(problem: Problem, ri: int, floor: int) -> list[tuple[str, ...]]:
    """Minimal domain sets Q whose need exceeds what remote ``ri`` may lose at ``floor``."""
    re = problem.remote[ri]
    slack = re.total_need - floor
    needy = [d for d in problem.domains if re.need.get(d, 0) > 0]
    max_size = len(needy) if len(needy) <= MAX_CUT_DOMAINS else 2
    found: list[tuple[str, ...]] = []
    for size in range(1, max_size + 1):
        for q in itertools.combinations(needy, size):
            if sum(re.need[d] for d in q) > slack and not any(set(f) <= set(q) for f in found):
                found.append(q)
    return found


def add_holder_cuts(b, problem: Problem, ix: Index, x, floors: Mapping[int, int]) -> int:
    """For each minimal Q of :func:`holder_sets`: at least one partner supplying Q."""
    n = 0
    for ri, floor in floors.items():
        for ks in ix.cut_lists(problem, ri, floor):
            b.linear([(1, x[k]) for k in ks], 1, None)
            n += 1
    return n


def cost_units(problem: Problem, c: Candidate) -> int:
    """Integer pair cost: metres, or seconds when the scenario measures minutes."""
    if problem.rules.distance_metric == "minutes":
        return round((c.minutes or 0.0) * 60)
    return round(c.km * 1000)


@dataclass(frozen=True)
class Kept:
    """What earlier stages fixed: coverage floors and objective caps."""

    floors: Mapping[int, int] = field(default_factory=dict)
    max_shortfall: int | None = None
    max_distance: int | None = None


def build(
    problem: Problem,
    backend,
    cands: list[Candidate],
    kept: Kept = Kept(),
    *,
    fixed: bool = False,
    index: Index | None = None,
) -> Built:
    """Build the model on ``backend``. ``fixed`` pins every candidate (evaluation of a given
    plan) and drops the partner-count and capacity rules, which the report checks instead."""
    b = backend
    ix = index or Index.of(problem, cands)
    x, y = add_pair_vars(b, ix)
    if fixed:
        for var in x.values():
            b.linear([(1, var)], 1, 1)
    else:
        add_locked(b, cands, x)
        add_partner_bounds(b, problem, ix, x)
        add_capacities(b, problem, cands, x)
    add_links(b, problem, cands, x, y)
    add_staff_limits(b, problem, cands, y)
    cov, covered = add_covered(b, problem, ix, cands, x, y)
    add_coverage_floors(b, covered, kept.floors)
    if not fixed:
        add_holder_cuts(b, problem, ix, x, kept.floors)
    total_need = sum(r.total_need for r in problem.remote)
    short_terms = [(-1, v) for v in cov.values()]
    dist_terms = [(ix.cost[k], x[k]) for k in x]
    if kept.max_shortfall is not None:
        b.linear(short_terms, None, kept.max_shortfall - total_need)
    if kept.max_distance is not None:
        b.linear(dist_terms, None, kept.max_distance)
    return Built(b, cands, x, y, cov, covered, (total_need, short_terms), dist_terms)


# ---- solving -------------------------------------------------------------------------


@dataclass
class _Ctx:
    problem: Problem
    cands: list[Candidate]
    params: SolveParams
    progress: Progress | None
    fixed: bool
    hint: dict | None = None  # variable name -> value
    deadline: float = math.inf  # perf_counter time by which every solver call must end
    index: Index | None = None

    def __post_init__(self) -> None:
        self.index = Index.of(self.problem, self.cands)

    def wall_left(self) -> float:
        return max(0.05, self.deadline - time.perf_counter())

    def say(self, msg: str) -> None:
        if self.progress:
            self.progress(msg)


class _Progress(cp_model.CpSolverSolutionCallback):
    """Prints the stage, best value and bound at most once a second after the first."""

    def __init__(self, label: str, to_value: Callable[[float], float], out: Progress):
        super().__init__()
        self.label, self.to_value, self.out = label, to_value, out
        self.start = time.perf_counter()
        self.last = self.start

    def on_solution_callback(self) -> None:
        now = time.perf_counter()
        if now - self.start >= 1.0 and now - self.last >= 1.0:
            self.last = now
            self.out(
                f"  {self.label}: best {self.to_value(self.objective_value):.4g}, "
                f"bound {self.to_value(self.best_objective_bound):.4g}, {now - self.start:.0f} s"
            )


def _cp_solve(ctx: _Ctx, built: Built, budget: float, label: str, conv=None):
    """Run CP-SAT on a built model; returns (status, solver)."""
    m = built.backend.m
    if ctx.hint:
        for var in [*built.x.values(), *built.y.values(), *built.cov.values()]:
            if var.name in ctx.hint:
                m.add_hint(var, ctx.hint[var.name])
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = ctx.params.workers
    p.random_seed = ctx.params.seed
    p.log_search_progress = ctx.params.log
    budget = max(budget, 0.05)
    if ctx.params.workers == 1:
        p.max_deterministic_time = budget
        p.max_time_in_seconds = min(2 * budget, ctx.wall_left())
    else:
        p.max_time_in_seconds = min(budget, ctx.wall_left())
    cb = _Progress(label, conv, ctx.progress) if ctx.progress and conv else None
    code = solver.solve(m, cb)
    return _STATUS[code], solver


@dataclass
class _Lp:
    feasible: bool
    value: float | None  # objective in model units; None when not solved to optimality
    x: dict[int, int] | None  # the LP's x when every x is integral, else None


def _objective_terms(built: Built, objective: str | None, s) -> None:
    obj = s.Objective()
    terms = built.shortfall[1] if objective == "shortfall" else built.distance if objective else []
    for c, v in terms:
        obj.SetCoefficient(v, obj.GetCoefficient(v) + c)
    if objective == "shortfall":
        obj.SetOffset(built.shortfall[0])
    obj.SetMinimization()


@dataclass
class _Mip:
    status: Status
    bound: float | None  # proven lower bound of the objective, model units
    x: dict[int, int] | None  # incumbent


def _mip(ctx: _Ctx, kept: Kept, objective: str | None, budget: float) -> _Mip:
    """The same model on SCIP. LP-based branch and cut closes, in milliseconds, stages
    whose LP is fractional but whose integer optimum CP-SAT's search finds only slowly."""
    built = build(ctx.problem, MipBackend(), ctx.cands, kept, fixed=ctx.fixed, index=ctx.index)
    s = built.backend.s
    _objective_terms(built, objective, s)
    s.SetTimeLimit(max(10, int(min(budget, ctx.wall_left()) * 1000)))
    code = s.Solve()
    if code == s.INFEASIBLE:
        return _Mip(Status.INFEASIBLE, None, None)
    if code not in (s.OPTIMAL, s.FEASIBLE):
        return _Mip(Status.UNKNOWN, None, None)
    x = {k: round(v.solution_value()) for k, v in built.x.items()}
    status = Status.OPTIMAL if code == s.OPTIMAL else Status.FEASIBLE
    return _Mip(status, s.Objective().BestBound() if objective else None, x)


LP_TRUST_MAX = 10**6  # above this need/supply magnitude GLOP's infeasibility is no proof


def _lp_trusted(problem: Problem) -> bool:
    """Whether an LP infeasibility counts as proof: only with moderate coefficients (GLOP's
    tolerances make it call feasible models infeasible when needs run to 1e9, e.g. in VND)."""
    values = [v for u in problem.units for v in (*u.supply.values(), *u.need.values())]
    return max(values, default=0) <= LP_TRUST_MAX


def _lp(ctx: _Ctx, kept: Kept, objective: str | None) -> _Lp:
    """LP relaxation (GLOP) with every kept constraint and holder cut."""
    built = build(ctx.problem, LpBackend(), ctx.cands, kept, fixed=ctx.fixed, index=ctx.index)
    s = built.backend.s
    _objective_terms(built, objective, s)
    obj = s.Objective()
    s.SetTimeLimit(max(10, int(ctx.wall_left() * 1000)))
    code = s.Solve()
    if code == s.INFEASIBLE:
        if _lp_trusted(ctx.problem):
            return _Lp(False, None, None)
        return _Lp(True, None, None)  # huge coefficients: let SCIP and CP-SAT decide
    if code != s.OPTIMAL:  # numerical trouble: no claim either way
        return _Lp(True, None, None)
    xs = {k: v.solution_value() for k, v in built.x.items()}
    integral = all(abs(v - round(v)) < 1e-6 for v in xs.values())
    return _Lp(True, obj.Value(), {k: round(v) for k, v in xs.items()} if integral else None)


def _complete(ctx: _Ctx, kept: Kept, x: dict[int, int], budget: float):
    """A whole plan from an integral x (of the LP or SCIP), or None if x breaks a rule.

    Without staff splitting the covered need follows from x directly; otherwise CP-SAT
    with every x fixed chooses the split."""
    ix = ctx.index
    chosen = [k for k, v in x.items() if v]
    if any(k in ix.split_ks for k in chosen):
        built = build(ctx.problem, CpBackend(), ctx.cands, kept, fixed=ctx.fixed, index=ix)
        for k, v in x.items():
            built.backend.linear([(1, built.x[k])], v, v)
        cov = list(built.cov.values())
        if cov:  # any split will do; take the most coverage
            built.backend.m.maximize(sum(cov))
        status, solver = _cp_solve(ctx, built, budget, "complete")
        if not status.has_solution:
            return None
        return _read_solution(ctx, solver, built)
    problem, on = ctx.problem, set(chosen)
    cov = {
        (ri, d): min(problem.remote[ri].need[d], sum(g for g, k in gk if k in on))
        for (ri, d), gk in ix.gives.items()
    }
    if not _keeps(ctx, kept, on, cov):
        return None
    return _plan(ctx, on, {}, cov)


def _keeps(ctx: _Ctx, kept: Kept, on: set[int], cov: dict[tuple[int, str], int]) -> bool:
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
    return not (kept.max_distance is not None and sum(ix.cost[k] for k in on) > kept.max_distance)


def _read_solution(ctx: _Ctx, solver, built: Built) -> tuple[list[Pair], dict]:
    """The plan in a solved CP-SAT model."""
    on = {k for k, var in built.x.items() if solver.value(var)}
    yv = {key: int(solver.value(var)) for key, var in built.y.items()}
    cv = {key: int(solver.value(var)) for key, var in built.cov.items()}
    return _plan(ctx, on, yv, cv)


def _plan(ctx: _Ctx, on: set[int], yv: dict, cv: dict) -> tuple[list[Pair], dict]:
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


def _coverage(problem: Problem, pairs: list[Pair]) -> list[int]:
    got: dict[str, dict[str, int]] = {}
    for p in pairs:
        acc = got.setdefault(p.remote_code, {})
        for d, v in p.allot.items():
            acc[d] = acc.get(d, 0) + v
    return [
        sum(min(r.need.get(d, 0), got.get(r.code, {}).get(d, 0)) for d in problem.domains)
        for r in problem.remote
    ]


def min_ratio(problem: Problem, pairs: list[Pair]) -> Fraction:
    """The exact smallest coverage ratio of a plan (1 when no remote unit needs anything)."""
    cov = _coverage(problem, pairs)
    ratios = [Fraction(c, r.total_need) for c, r in zip(cov, problem.remote, strict=True) if r.total_need]
    return min(ratios, default=Fraction(1))


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


def _probe(ctx: _Ctx, kept: Kept, budget: float):
    """Is there a plan meeting ``kept``? LP, then SCIP, then CP-SAT. Returns (answer, plan)."""
    start = time.perf_counter()
    lp = _lp(ctx, kept, None)
    if not lp.feasible:
        return _Probe.OUT_OF_REACH, None
    if lp.x is not None:
        got = _complete(ctx, kept, lp.x, budget)
        if got is not None:
            return _Probe.FOUND, got
    if not ctx.fixed:
        mip = _mip(ctx, kept, None, MIP_SHARE * (budget - (time.perf_counter() - start)))
        if mip.status is Status.INFEASIBLE:
            return _Probe.OUT_OF_REACH, None
        if mip.x is not None:
            got = _complete(ctx, kept, mip.x, budget)
            if got is not None:
                return _Probe.FOUND, got
    pb = build(ctx.problem, CpBackend(), ctx.cands, kept, fixed=ctx.fixed, index=ctx.index)
    code, solver = _cp_solve(ctx, pb, budget - (time.perf_counter() - start), "balance probe")
    if code.has_solution:
        return _Probe.FOUND, _read_solution(ctx, solver, pb)
    if code is Status.INFEASIBLE:
        return _Probe.OUT_OF_REACH, None
    return _Probe.UNDECIDED, None


def _level(problem: Problem, floors: Mapping[int, int]) -> Fraction:
    """The smallest coverage ratio that a set of floors demands."""
    return min(Fraction(k, problem.remote[i].total_need) for i, k in floors.items())


def _stage_balance(ctx: _Ctx, kept: Kept, budget: float):
    """Maximise the smallest coverage ratio by bisection on exact ratio levels.

    A probe at level ``v`` asks for covered need >= ceil(v N_r) at every remote unit, with
    the holder cuts of those floors (see :func:`_probe`). The first probe asks for any
    plan; then ``v`` halves the interval between the best plan's exact ratio and the lowest
    level out of reach (proven or undecided in its time slice). The last probe asks for
    anything strictly better than the best plan: out of reach proves it optimal.
    Returns (StageResult, pairs, hint, Kept)."""
    problem, start = ctx.problem, time.perf_counter()
    if not any(r.total_need for r in problem.remote):
        return _stage_min(ctx, kept, budget, "balance")

    def left() -> float:
        return budget - (time.perf_counter() - start)

    best: Fraction | None = None
    pairs = hint = None
    hi = Fraction(1)
    hi_floors: dict[int, int] | None = None  # floors out of reach (proven or undecided)
    status = Status.UNKNOWN
    while left() > 0:
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
        slice_s = left() if best is None or decisive else max(left() / 3, min(left(), 1.0))
        answer, got = _probe(ctx, _with(kept, floors), slice_s)
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
    secs = time.perf_counter() - start
    if best is None:
        return StageResult("balance", status, None, None, secs, "ratio"), None, None, kept
    if status is Status.OPTIMAL:
        bound = float(best)
    else:
        bound = _balance_upper_bound(ctx, kept, best)
        status = Status.FEASIBLE
    tol = problem.rules.tolerances.get("balance", 0.0)
    keep_at = best * (1 - Fraction(tol).limit_denominator(10**6))
    stage = StageResult("balance", status, float(best), bound, secs, "ratio")
    return stage, pairs, hint, _with(kept, _floors(problem, keep_at))


def _balance_upper_bound(ctx: _Ctx, kept: Kept, best: Fraction, steps: int = 12) -> float:
    """Smallest ratio level above ``best`` whose LP (with holder cuts) is infeasible."""
    lo, hi = best, Fraction(1)
    if not _lp_trusted(ctx.problem) or _lp(ctx, _with(kept, _floors(ctx.problem, hi)), None).feasible:
        return 1.0
    for _ in range(steps):
        if time.perf_counter() >= ctx.deadline:
            break
        mid = (lo + hi) / 2
        if _lp(ctx, _with(kept, _floors(ctx.problem, mid)), None).feasible:
            lo = mid
        else:
            hi = mid
    return float(hi)


def _stage_min(ctx: _Ctx, kept: Kept, budget: float, name: str):
    """Minimise shortfall or distance (``balance`` here only when nothing is needed).

    LP first (infeasible LP: infeasible stage; integral LP x: completed by CP-SAT with x
    fixed), then SCIP, then CP-SAT with the best bound as a constraint and the best plan as
    a hint. The stage is optimal once a plan meets the best proven bound."""
    problem, start = ctx.problem, time.perf_counter()
    objective = "shortfall" if name == "balance" else name
    unit = _stage_unit(name, problem)

    def left() -> float:
        return budget - (time.perf_counter() - start)

    def stop(status: Status):
        return StageResult(name, status, None, None, time.perf_counter() - start, unit), None, None, kept

    lp = _lp(ctx, kept, objective)
    if not lp.feasible:
        return stop(Status.INFEASIBLE)
    bound_raw = -math.inf if lp.value is None else math.ceil(lp.value - 1e-6)
    best = None  # (raw value, (pairs, hint)) of the best plan so far

    def offer(got) -> None:
        nonlocal best
        if got is not None:
            raw = _raw_value(objective, ctx, got[0])
            if best is None or raw < best[0]:
                best = (raw, got)
                ctx.hint = got[1]

    if lp.x is not None:
        offer(_complete(ctx, kept, lp.x, left()))
    if (best is None or best[0] > bound_raw) and not ctx.fixed:
        mip = _mip(ctx, kept, objective, MIP_SHARE * left())
        if mip.status is Status.INFEASIBLE:
            return stop(Status.INFEASIBLE)
        if mip.bound is not None:
            bound_raw = max(bound_raw, math.ceil(mip.bound - 1e-6))
        if mip.x is not None:
            offer(_complete(ctx, kept, mip.x, left()))
    status = Status.FEASIBLE
    if best is None or best[0] > bound_raw:
        built = build(problem, CpBackend(), ctx.cands, kept, fixed=ctx.fixed, index=ctx.index)
        terms = built.shortfall[1] if objective == "shortfall" else built.distance
        const = built.shortfall[0] if objective == "shortfall" else 0
        expr = const + cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
        if bound_raw > -math.inf and terms:
            built.backend.m.add(expr >= bound_raw)
        built.backend.m.minimize(expr)
        code, solver = _cp_solve(ctx, built, left(), objective, _to_value(objective, problem))
        if code.has_solution:
            offer(_read_solution(ctx, solver, built))
            bound_raw = max(bound_raw, solver.best_objective_bound)
        elif code is Status.INFEASIBLE and best is None:
            return stop(Status.INFEASIBLE)
        if best is None:
            return stop(code)
    got = best[1]
    pairs, hint = got
    raw = best[0]
    if raw <= bound_raw:
        status = Status.OPTIMAL
    secs = time.perf_counter() - start
    value = _exact_value(objective, problem, pairs)
    conv = _to_value(objective, problem)
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
    return StageResult(name, status, value, bound, secs, unit), pairs, hint, new_kept


def _raw_value(objective: str, ctx: _Ctx, pairs: list[Pair]) -> int:
    """A plan's objective in integer model units."""
    problem = ctx.problem
    if objective == "shortfall":
        return sum(r.total_need for r in problem.remote) - sum(_coverage(problem, pairs))
    chosen = {(p.lowland_code, p.remote_code) for p in pairs}
    return sum(
        cost_units(problem, c) for c in ctx.cands
        if (problem.lowland[c.li].code, problem.remote[c.ri].code) in chosen
    )


def _to_value(name: str, problem: Problem) -> Callable[[float], float]:
    if name == "distance":
        return lambda v: v / (60 if problem.rules.distance_metric == "minutes" else 1000)
    return lambda v: v


def _stage_unit(name: str, problem: Problem) -> str:
    return {"balance": "ratio", "shortfall": "need units", "distance": problem.rules.distance_metric}[name]


def _exact_value(name: str, problem: Problem, pairs: list[Pair]) -> float:
    if name == "shortfall":
        return float(sum(r.total_need for r in problem.remote) - sum(_coverage(problem, pairs)))
    if problem.rules.distance_metric == "minutes":
        return float(sum(p.minutes or 0.0 for p in pairs))
    return float(sum(p.km for p in pairs))


def _run_stages(ctx: _Ctx, order: Iterable[str], mode: str) -> Result:
    start = time.perf_counter()
    # Hard stop: the time limit plus 10 % for the last stage's bookkeeping.
    ctx.deadline = start + 1.1 * ctx.params.time_limit_s
    order = list(order)
    stages: list[StageResult] = []
    pairs: list[Pair] = []
    kept = Kept()
    overall = Status.OPTIMAL
    for n, name in enumerate(order):
        remaining = ctx.params.time_limit_s - (time.perf_counter() - start)
        budget = max(0.05, remaining / (len(order) - n))
        ctx.say(f"stage {n + 1}/{len(order)} {name} (budget {budget:.1f} s)")
        if name == "balance":
            stage, got, hint, kept = _stage_balance(ctx, kept, budget)
        else:
            stage, got, hint, kept = _stage_min(ctx, kept, budget, name)
        stages.append(stage)
        if got is None:
            overall = stage.status if not pairs else Status.FEASIBLE
            break
        pairs, ctx.hint = got, hint
        ctx.say(
            f"  {name}: {stage.status.value}, value {stage.value:.4g}, "
            f"bound {stage.bound:.4g}, {stage.seconds:.1f} s"
        )
        if stage.status is not Status.OPTIMAL:
            overall = Status.FEASIBLE
    return Result(
        status=overall,
        stages=tuple(stages),
        pairs=tuple(pairs),
        seconds=time.perf_counter() - start,
        solver=f"{SOLVER_NAME} {_ortools_version()}",
        mode=mode,
        params={"time_limit_s": ctx.params.time_limit_s, "workers": ctx.params.workers,
                "seed": ctx.params.seed},
    )


def _ortools_version() -> str:
    try:
        from importlib.metadata import version

        return version("ortools")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return ""


def solve(problem: Problem, params: SolveParams | None = None, progress: Progress | None = None) -> Result:
    """Solve the scenario's stages in order. FEASIBLE and INFEASIBLE are results, not errors."""
    ctx = _Ctx(problem, candidates(problem), params or SolveParams(), progress, fixed=False)
    return _run_stages(ctx, problem.rules.objectives, "solve")


def evaluate(
    problem: Problem,
    plan: Iterable[tuple[str, str]],
    params: SolveParams | None = None,
) -> Result:
    """Score a given plan: pairs fixed, the staff split chosen by the same stages.

    Plan pairs outside the rules (beyond the cap, forbidden, over a partner bound) are
    kept as given; :func:`matcher.io.result_tables.broken_rules` lists them.
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
        geo = float(geodesic_km([lo], [re])[0, 0])
        km, minutes, source, load = pair_metrics(problem, lo, re, geo)
        cands.append(Candidate(lows[lc], rems[rc], km, minutes, source, load, (lc, rc) in locked))
    ctx = _Ctx(problem, cands, params or SolveParams(), None, fixed=True)
    order = [o for o in problem.rules.objectives if o != "distance"] + ["distance"]
    return _run_stages(ctx, order, "evaluate")


def feasible(problem: Problem, params: SolveParams | None = None) -> Status:
    """Can every rule hold at once? ``optimal`` (a plan exists), ``infeasible`` (proven
    impossible) or ``unknown`` (undecided in the time limit). No objective is optimised:
    the LP, SCIP and CP-SAT are asked in turn, as in a balance probe."""
    params = params or SolveParams()
    ctx = _Ctx(problem, candidates(problem), params, None, fixed=False)
    ctx.deadline = time.perf_counter() + 1.1 * params.time_limit_s
    answer, _ = _probe(ctx, Kept(), params.time_limit_s)
    return {
        _Probe.FOUND: Status.OPTIMAL,
        _Probe.OUT_OF_REACH: Status.INFEASIBLE,
        _Probe.UNDECIDED: Status.UNKNOWN,
    }[answer]
