"""The model: an index of the allowed pairs, one builder per constraint family, ``build()``.

No solver is imported here: every builder writes through the small backend interface of
:mod:`matcher.engine.backends` (``bool_var``, ``int_var``, ``linear``), so one set of
builders feeds GLOP (the LP relaxation), SCIP (the MIP) and CP-SAT. The formulation these
builders write is stated in :mod:`matcher.engine`'s docstring.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from ..distance import Candidate
from ..model import Problem

MAX_CUT_DOMAINS = 10  # enumerate all domain subsets up to this many needy domains

Terms = list[tuple[int, object]]  # (coefficient, variable)


class Backend(Protocol):
    """What the builders need of a solver: variables and linear rows ``lo <= sum <= hi``."""

    def bool_var(self, name: str) -> object: ...

    def int_var(self, lo: int, hi: int, name: str) -> object: ...

    def linear(self, terms: Terms, lo: float | None, hi: float | None) -> None: ...


@dataclass
class Built:
    """A model with its variables and objective terms."""

    backend: Backend
    cands: list[Candidate]
    x: dict[int, object]  # candidate index -> x
    y: dict[tuple[int, str], object]  # (candidate index, domain) -> y (splitting units)
    cov: dict[tuple[int, str], object]  # (remote index, domain) -> covered need C
    covered: dict[int, Terms]  # remote index -> terms of its covered need
    shortfall: tuple[int, Terms]  # constant + terms
    distance: Terms
    changes: tuple[int, Terms] = (0, [])  # constant + terms: pairs added or dropped against the baseline


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
    # changes = change_const + sum change[k] x_k: +1 for a pair not in the published plan, -1 for one in it
    change: list[int] = field(default_factory=list)
    change_const: int = 0

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
        base = set(problem.baseline or ())
        change = ([-1 if (lows[c.li].code, rems[c.ri].code) in base else 1 for c in cands]
                  if problem.baseline is not None else [])
        return cls(
            [f"x[{lows[c.li].code},{rems[c.ri].code}]" for c in cands], gives, y_specs, holders,
            by_l, by_r, [cost_units(problem, c) for c in cands], change, len(base),
        )


def add_pair_vars(b, ix: Index):
    """x for every candidate; y only for lowland units that may split their staff."""
    x = {k: b.bool_var(name) for k, name in enumerate(ix.x_names)}
    y = {(k, d): b.int_var(0, ub, name) for k, d, ub, name in ix.y_specs}
    return x, y


def add_fixed(b, x) -> int:
    """Every candidate chosen (evaluation of a given plan)."""
    for var in x.values():
        b.linear([(1, var)], 1, 1)
    return len(x)


def add_locked(b, cands: list[Candidate], x) -> int:
    """Locked pairs are chosen."""
    n = 0
    for k, c in enumerate(cands):
        if c.locked:
            b.linear([(1, x[k])], 1, 1)
            n += 1
    return n


def add_partner_bounds(b, problem: Problem, ix: Index, x) -> int:
    """Each unit's partner count within its bounds."""
    n = 0
    for units, groups in ((problem.lowland, ix.by_l), (problem.remote, ix.by_r)):
        for u, ks in zip(units, groups, strict=True):
            lo, hi = problem.partner_bounds(u)
            b.linear([(1, x[k]) for k in ks], lo, hi)
            n += 1
    return n


def add_links(b, problem: Problem, cands: list[Candidate], x, y) -> int:
    """Staff goes only to a chosen partner: y <= min(supply, need) x."""
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


def add_capacities(b, problem: Problem, ix: Index, cands: list[Candidate], x) -> int:
    """The partners' total load at most the remote unit's capacity, where it has one."""
    n = 0
    for ri, re in enumerate(problem.remote):
        if re.capacity is None:
            continue
        b.linear([(cands[k].load, x[k]) for k in ix.by_r[ri]], None, re.capacity)
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


def add_objective_caps(b, kept: Kept, total_need: int, short_terms: Terms, dist_terms: Terms,
                       changes: tuple[int, Terms] = (0, []), max_changes: int | None = None) -> int:
    """The kept optimum of an earlier shortfall, distance or changes stage, as a cap; and the
    scenario's ``max_changes`` (at most that many pairs added or dropped against the baseline)."""
    n = 0
    for cap in (kept.max_changes, max_changes):
        if cap is not None and changes[1]:
            b.linear(changes[1], None, cap - changes[0])
            n += 1
    if kept.max_shortfall is not None:
        b.linear(short_terms, None, kept.max_shortfall - total_need)
        n += 1
    if kept.max_distance is not None:
        b.linear(dist_terms, None, kept.max_distance)
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
    max_changes: int | None = None


def build(
    problem: Problem,
    backend: Backend,
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
        add_fixed(b, x)
    else:
        add_locked(b, cands, x)
        add_partner_bounds(b, problem, ix, x)
        add_capacities(b, problem, ix, cands, x)
    add_links(b, problem, cands, x, y)
    add_staff_limits(b, problem, cands, y)
    cov, covered = add_covered(b, problem, ix, cands, x, y)
    add_coverage_floors(b, covered, kept.floors)
    if not fixed:
        add_holder_cuts(b, problem, ix, x, kept.floors)
    total_need = sum(r.total_need for r in problem.remote)
    short_terms = [(-1, v) for v in cov.values()]
    dist_terms = [(ix.cost[k], x[k]) for k in x]
    changes = (ix.change_const, [(ix.change[k], x[k]) for k in x] if ix.change else [])
    add_objective_caps(b, kept, total_need, short_terms, dist_terms, changes,
                       None if fixed else problem.rules.max_changes)
    return Built(b, cands, x, y, cov, covered, (total_need, short_terms), dist_terms, changes)

