"""Why a scenario has no plan: quick causes, a minimal conflicting set of rules, verified fixes.

``diagnose(problem)`` answers in three steps, each cheaper than the next:

1. **Pre-checks** (no solver, :func:`matcher.analysis.prechecks.precheck`): partner counts
   that cannot add up, a unit with fewer available partners than its minimum, locked pairs
   above a unit's maximum, locked loads above a remote capacity; locked pairs beyond a cap
   as information only. Every check is sound (a cause it reports makes the scenario
   infeasible).
2. **A minimal infeasible subset** of the relaxable rules (:class:`Rule`): the problem with
   *only* those rules enforced (every other relaxable rule relaxed by :func:`relax`) has no
   plan, and relaxing any one of them gives a plan. Found by QuickXplain (Junker 2004) over
   :func:`matcher.engine.feasible`, starting from the rules the pre-checks name when they
   already conflict, otherwise from every relaxable rule. Answers are memoised and
   monotonicity is used (relaxing rules never removes plans), so the number of solver
   calls stays small; it is recorded in the :class:`Diagnosis`.
3. **Fixes**, one per rule of the conflict, each applied on its own to the *full* problem
   and listed only when ``feasible`` says ``optimal`` (a plan exists): the smallest distance
   or time cap (bisection over the distinct pair distances, rounded up to the next km or
   minute), the smallest maximum, the largest minimum, the smallest capacity, or dropping a
   locked or forbidden pair.

Rules that cannot be relaxed stay enforced throughout: a unit takes >= 0 partners, a pair
needs travel minutes when the scenario measures minutes, staff and need figures.

The data (:class:`Rule`, :class:`Finding`, :class:`Fix`, :class:`Diagnosis`) lives in
:mod:`matcher.analysis.findings` and is re-exported here. The words and the report files
(``diagnosis_markdown``, ``rule_text``, ``diagnosis_files``, ``write_diagnosis``) are in
:mod:`matcher.render.text`: analysis never imports render (the layers point down).

This module never imports ortools: the solver is reached only through
:func:`matcher.engine.feasible`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from ..distance import candidates
from ..engine import feasible
from ..i18n import DEFAULT_LANG, LANGS
from ..model import Problem, Role, SolveParams, Unit
from ..result import Status
from .findings import (  # noqa: F401 - re-exported: the data of a diagnosis
    DIAGNOSIS_FILES,
    PAIR_KINDS,
    RULE_KINDS,
    UNIT_KINDS,
    Diagnosis,
    Finding,
    Fix,
    Rule,
)
from .prechecks import cap_rules, other_side, precheck

DEFAULT_CHECK_SECONDS = 10.0  # per feasibility call, when no SolveParams are given
SMALL_POOL = 12  # up to this many rules, a deletion filter (one call per rule), else QuickXplain


# ---- rules -------------------------------------------------------------------------------


def _unbounded_max(problem: Problem, unit: Unit) -> int:
    """A maximum that never binds: every unit of the other side."""
    return max(len(other_side(problem, unit)), problem.partner_bounds(unit)[1])


def rules_of(problem: Problem) -> tuple[Rule, ...]:
    """Every relaxable rule of ``problem`` that can bind, in a stable order."""
    out: list[Rule] = cap_rules(problem)
    for u in (*problem.lowland, *problem.remote):
        lo, hi = problem.partner_bounds(u)
        if lo >= 1:
            out.append(Rule("min_partners", (u.code,), lo))
        if hi < len(other_side(problem, u)):
            out.append(Rule("max_partners", (u.code,), hi))
        if u.role is Role.REMOTE and u.capacity is not None:
            out.append(Rule("capacity", (u.code,), u.capacity))
    for p in problem.pair_rules:
        out.append(Rule(p.status.value, (p.lowland_code, p.remote_code)))
    if problem.rules.max_changes is not None and problem.baseline is not None:
        out.append(Rule("max_changes", (), problem.rules.max_changes))
    return tuple(out)


def _relaxed_value(problem: Problem, rule: Rule, by_code: Mapping[str, Unit]):
    if rule.kind == "min_partners":
        return 0
    if rule.kind == "max_partners":
        return _unbounded_max(problem, by_code[rule.subject[0]])
    return None  # caps and capacity lifted, pair rules dropped


def with_values(problem: Problem, changes: Mapping[Rule, object]) -> Problem:
    """``problem`` with each rule set to a new value (None drops a pair rule or lifts a
    cap or capacity). Everything else is unchanged."""
    unit_kw: dict[str, dict] = {}
    rules_kw: dict = {}
    drop: set[tuple[str, str, str]] = set()
    for rule, value in changes.items():
        if rule.kind == "distance_cap":
            rules_kw["max_distance_km"] = value
        elif rule.kind == "minutes_cap":
            rules_kw["max_minutes"] = value
        elif rule.kind == "max_changes":
            rules_kw["max_changes"] = value
        elif rule.kind in UNIT_KINDS:
            unit_kw.setdefault(rule.subject[0], {})[rule.kind] = value
        elif value is None:
            drop.add((rule.kind, *rule.subject))
        else:
            raise ValueError(f"a {rule.kind} pair rule can only be dropped (value None)")
    units = tuple(replace(u, **unit_kw[u.code]) if u.code in unit_kw else u for u in problem.units)
    pair_rules = tuple(
        p for p in problem.pair_rules if (p.status.value, p.lowland_code, p.remote_code) not in drop
    )
    rules = replace(problem.rules, **rules_kw) if rules_kw else problem.rules
    return replace(problem, units=units, rules=rules, pair_rules=pair_rules)


def relax(problem: Problem, rules: Iterable[Rule]) -> Problem:
    """``problem`` with ``rules`` relaxed: a minimum to 0, a maximum to every unit of the
    other side, a locked or forbidden pair dropped, a cap or capacity lifted."""
    return with_values(problem, {r: _relaxed_value(problem, r, problem.by_code) for r in rules})


def _staff_free(problem: Problem) -> Problem:
    """``problem`` without supply and need. Staff never decides feasibility (a feasibility
    check puts no floor on coverage), but a unit allowed several partners brings staff
    split variables that make each check ten times slower; the conflict search asks this
    copy instead. Fixes are verified on the real problem."""
    units = tuple(replace(u, supply={}, need={}) for u in problem.units)
    return replace(problem, units=units)


def _priority(problem: Problem):
    """Sort key for the conflict search: QuickXplain keeps earlier rules in the conflict
    when there is a choice, so the rules a planner can most easily change come first."""
    role = {u.code: u.role for u in problem.units}
    order = {r: i for i, r in enumerate(rules_of(problem))}

    def key(rule: Rule):
        remote = bool(rule.subject) and role.get(rule.subject[0]) is Role.REMOTE
        rank = {
            "distance_cap": 0, "minutes_cap": 1, "min_partners": 2 if remote else 5,
            "max_partners": 3 if remote else 4, "capacity": 6, "forbidden": 7, "locked": 8, "max_changes": 9,
        }[rule.kind]
        return rank, order.get(rule, len(order))

    return key


# ---- the feasibility oracle --------------------------------------------------------------


class _Oracle:
    """``feasible`` with memo and monotonicity: with only the rules ``S`` enforced, is there
    a plan? A superset of an infeasible set is infeasible; a subset of a feasible set is
    feasible. Counts the solver calls per phase."""

    def __init__(self, problem: Problem, rules: Sequence[Rule], params: SolveParams) -> None:
        self.problem, self.rules, self.params = problem, tuple(rules), params
        self.staff_free = _staff_free(problem)
        self.infeasible_sets: list[frozenset] = []
        self.feasible_sets: list[frozenset] = []
        self.calls = {"conflict": 0, "fixes": 0}
        self.unknown = 0
        self.phase = "conflict"

    def check(self, problem: Problem) -> Status:
        self.calls[self.phase] += 1
        status = feasible(problem, self.params)
        if status is Status.UNKNOWN:
            self.unknown += 1
        return status

    def record(self, enforced: Iterable[Rule], status: Status) -> None:
        s = frozenset(enforced)
        if status is Status.INFEASIBLE:
            self.infeasible_sets.append(s)
        elif status is Status.OPTIMAL:
            self.feasible_sets.append(s)

    def infeasible(self, enforced: Iterable[Rule]) -> bool:
        """Proven infeasible with only ``enforced`` enforced (undecided counts as not proven)."""
        s = frozenset(enforced)
        if any(known <= s for known in self.infeasible_sets):
            return True
        if any(s <= known for known in self.feasible_sets):
            return False
        status = self.check(relax(self.staff_free, [r for r in self.rules if r not in s]))
        self.record(s, status)
        return status is Status.INFEASIBLE


def quickxplain(rules: Sequence[Rule], infeasible: Callable[[Sequence[Rule]], bool],
                known_infeasible: bool = False) -> list[Rule] | None:
    """A minimal subset of ``rules`` that is infeasible on its own (Junker's QuickXplain),
    or None when ``rules`` together are not proven infeasible. Earlier rules are preferred."""
    rules = list(rules)
    if not known_infeasible and not infeasible(rules):
        return None

    def qx(base: list[Rule], has_delta: bool, c: list[Rule]) -> list[Rule]:
        if has_delta and infeasible(base):
            return []
        if len(c) == 1:
            return c
        k = len(c) // 2
        c1, c2 = c[:k], c[k:]
        d2 = qx(base + c1, True, c2)
        d1 = qx(base + d2, bool(d2), c1)
        return d1 + d2

    return qx([], False, rules) if rules else []


def deletion_filter(rules: Sequence[Rule], infeasible: Callable[[Sequence[Rule]], bool]) -> list[Rule]:
    """A minimal infeasible subset of ``rules`` (known infeasible together) by trying to drop
    each rule in turn, last first (so earlier rules are preferred, as in QuickXplain):
    exactly one call per rule, fewer than QuickXplain when most rules are in the conflict."""
    keep = list(rules)
    for rule in reversed(list(rules)):
        rest = [r for r in keep if r != rule]
        if infeasible(rest):
            keep = rest
    return keep


# ---- fixes -------------------------------------------------------------------------------


def _first_ok(values: Sequence, ok: Callable[[object], bool]):
    """The first value for which ``ok`` holds, where ``ok`` is monotone along ``values``
    (False ... False True ... True); None if it fails even at the last value."""
    if not values or not ok(values[-1]):
        return None
    lo, hi = -1, len(values) - 1  # ok(values[hi]) holds; values[lo] fails (or lo = -1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(values[mid]):
            hi = mid
        else:
            lo = mid
    return values[hi]


def _fix_values(problem: Problem, rule: Rule) -> Sequence:
    """The values to try for ``rule``, from the smallest change to the largest."""
    if rule.kind in PAIR_KINDS:
        return [None]
    if rule.kind in ("distance_cap", "minutes_cap"):
        field_ = "max_distance_km" if rule.kind == "distance_cap" else "max_minutes"
        lifted = replace(problem, rules=replace(problem.rules, **{field_: None}))
        dists = [c.km if rule.kind == "distance_cap" else c.minutes for c in candidates(lifted) if not c.locked]
        return sorted({math.ceil(float(d)) for d in dists if d is not None and d > rule.value})
    if rule.kind == "max_changes":  # up to every published pair dropped and every allowed pair added
        return range(int(rule.value) + 1, len(problem.baseline or ()) + len(candidates(problem)) + 1)
    u = problem.unit(rule.subject[0])
    lo, hi = problem.partner_bounds(u)
    if rule.kind == "min_partners":
        return range(lo - 1, -1, -1)
    if rule.kind == "max_partners":
        return range(hi + 1, _unbounded_max(problem, u) + 1)
    ri = problem.index[u.code]
    upper = sum(c.load for c in candidates(problem) if c.ri == ri)
    return range(u.capacity + 1, upper + 1)


def find_fix(problem: Problem, rule: Rule, check: Callable[[Problem], Status]) -> Fix | None:
    """The smallest change to ``rule`` alone that gives the full problem a plan, verified
    by ``check`` (``feasible``); None when no change to this rule alone is enough."""
    calls = 0

    def ok(value) -> bool:
        nonlocal calls
        calls += 1
        return check(with_values(problem, {rule: value})) is Status.OPTIMAL

    values = _fix_values(problem, rule)
    if not values:
        return None
    if rule.kind in PAIR_KINDS:  # the one change: drop the pair rule (value None)
        return Fix(rule, None, Status.OPTIMAL.value, calls) if ok(None) else None
    found = _first_ok(values, ok)
    return None if found is None else Fix(rule, found, Status.OPTIMAL.value, calls)


# ---- the diagnosis -----------------------------------------------------------------------


def diagnose(problem: Problem, params: SolveParams | None = None, lang: str = DEFAULT_LANG) -> Diagnosis:
    """Why ``problem`` has no plan. ``params.time_limit_s`` bounds each feasibility call
    (default 10 s). A feasible problem gives an empty diagnosis (status ``feasible``)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    start = time.perf_counter()
    params = params or SolveParams(time_limit_s=DEFAULT_CHECK_SECONDS)
    rules = rules_of(problem)
    oracle = _Oracle(problem, rules, params)
    findings = precheck(problem)
    causes = [f for f in findings if f.cause]

    def done(status: str, **kw) -> Diagnosis:
        return Diagnosis(
            scenario=problem.name, status=status, lang=lang, n_rules=len(rules),
            calls_conflict=oracle.calls["conflict"], calls_fixes=oracle.calls["fixes"],
            calls_unknown=oracle.unknown, seconds=time.perf_counter() - start, **kw)

    if not causes:  # the pre-checks prove nothing: ask the solver about the full problem
        status = oracle.check(problem)
        oracle.record(rules, status)
        if status is Status.OPTIMAL:
            return done("feasible")
        if status is not Status.INFEASIBLE:
            return done("unknown", findings=tuple(findings), names=_names(problem, findings, ()))

    key = _priority(problem)
    pool = sorted(rules, key=key)
    known = not causes
    if causes:  # start from the rules the pre-checks name, if they conflict on their own
        seed = sorted(dict.fromkeys(r for f in causes for r in f.rules), key=key)
        if oracle.infeasible(seed):
            pool, known = seed, True
    if not known:
        known = oracle.infeasible(pool)
    if not known:
        conflict = []
    elif len(pool) <= SMALL_POOL:
        conflict = deletion_filter(pool, oracle.infeasible)
    else:
        conflict = quickxplain(pool, oracle.infeasible, known_infeasible=True) or []
    conflict = sorted(conflict, key=key)
    minimal = oracle.unknown == 0 and bool(conflict)
    status = "infeasible" if conflict or causes else "unknown"

    oracle.phase = "fixes"
    fixes = [f for f in (find_fix(problem, r, oracle.check) for r in conflict) if f is not None]
    return done(status, findings=tuple(findings), conflict=tuple(conflict), minimal=minimal,
                fixes=tuple(fixes), names=_names(problem, findings, conflict))


def _names(problem: Problem, findings: Iterable[Finding], conflict: Iterable[Rule]) -> dict[str, str]:
    codes: list[str] = []
    for f in findings:
        codes += f.units
        for v in f.values.values():
            if isinstance(v, str):
                codes.append(v)
            elif isinstance(v, tuple):
                codes += [x for x in v if isinstance(x, str)]
        codes += [c for r in f.rules for c in r.subject]
    codes += [c for r in conflict for c in r.subject]
    by_code = {u.code: u.name for u in problem.units}
    return {c: by_code[c] for c in dict.fromkeys(codes) if c in by_code}
