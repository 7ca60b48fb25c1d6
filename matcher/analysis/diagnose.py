"""Why a scenario has no plan: quick causes, a minimal conflicting set of rules, verified fixes.

``diagnose(problem)`` answers in three steps, each cheaper than the next:

1. **Pre-checks** (no solver): partner counts that cannot add up, a unit with fewer
   available partners than its minimum (nobody within the caps, the pair forbidden, or the
   partner already full through its locked pairs), locked pairs above a unit's maximum,
   locked loads above a remote capacity. Locked pairs beyond a cap are reported as
   information only: locked pairs are exempt from the caps by design. Every check is sound
   (a cause it reports makes the scenario infeasible).
2. **A minimal infeasible subset** of the relaxable rules (:class:`Rule`): the problem with
   *only* those rules enforced (every other relaxable rule relaxed by :func:`relax`) has no
   plan, and relaxing any one of them gives a plan. Found by QuickXplain (Junker 2004) over
   :func:`matcher.engine.stages.feasible`, starting from the rules the pre-checks name when they
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

This module never imports ortools: the solver is reached only through
:func:`matcher.engine.stages.feasible`.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from ..distance import candidates, geodesic_km, pair_metrics
from ..engine.stages import feasible
from ..i18n import DEFAULT_LANG, LANGS, fmt_number, t
from ..model import Problem, Role, SolveParams, Unit
from ..result import Status

RULE_KINDS = (
    "distance_cap",  # global, value km
    "minutes_cap",  # global, value minutes
    "min_partners",  # per unit (code,), value the minimum
    "max_partners",  # per unit (code,), value the maximum
    "capacity",  # per remote unit (code,), value the capacity
    "locked",  # per pair (lowland code, remote code)
    "forbidden",  # per pair (lowland code, remote code)
)
PAIR_KINDS = ("locked", "forbidden")
UNIT_KINDS = ("min_partners", "max_partners", "capacity")
DEFAULT_CHECK_SECONDS = 10.0  # per feasibility call, when no SolveParams are given
SMALL_POOL = 12  # up to this many rules, a deletion filter (one call per rule), else QuickXplain


# ---- rules as data -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One relaxable rule. ``subject``: () for a global cap, (code,) for a unit rule,
    (lowland code, remote code) for a pair rule. ``value``: the number the rule sets
    (km, minutes, partner count, capacity), None for pair rules."""

    kind: str
    subject: tuple[str, ...] = ()
    value: float | int | None = None

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"unknown rule kind {self.kind!r}; known: {RULE_KINDS}")
        object.__setattr__(self, "subject", tuple(str(c) for c in self.subject))
        want = 0 if self.kind in ("distance_cap", "minutes_cap") else 2 if self.kind in PAIR_KINDS else 1
        if len(self.subject) != want:
            raise ValueError(f"a {self.kind} rule names {want} unit code(s), got {self.subject}")

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.kind, self.subject

    def to_dict(self) -> dict:
        return {"kind": self.kind, "subject": list(self.subject), "value": _plain(self.value)}


def _other_side(problem: Problem, unit: Unit) -> tuple[Unit, ...]:
    return problem.remote if unit.role is Role.LOWLAND else problem.lowland


def _unbounded_max(problem: Problem, unit: Unit) -> int:
    """A maximum that never binds: every unit of the other side."""
    return max(len(_other_side(problem, unit)), problem.partner_bounds(unit)[1])


def rules_of(problem: Problem) -> tuple[Rule, ...]:
    """Every relaxable rule of ``problem`` that can bind, in a stable order."""
    r = problem.rules
    out: list[Rule] = []
    if r.max_distance_km is not None:
        out.append(Rule("distance_cap", (), r.max_distance_km))
    if r.max_minutes is not None:
        out.append(Rule("minutes_cap", (), r.max_minutes))
    for u in (*problem.lowland, *problem.remote):
        lo, hi = problem.partner_bounds(u)
        if lo >= 1:
            out.append(Rule("min_partners", (u.code,), lo))
        if hi < len(_other_side(problem, u)):
            out.append(Rule("max_partners", (u.code,), hi))
        if u.role is Role.REMOTE and u.capacity is not None:
            out.append(Rule("capacity", (u.code,), u.capacity))
    for p in problem.pair_rules:
        out.append(Rule(p.status.value, (p.lowland_code, p.remote_code)))
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
    by_code = {u.code: u for u in problem.units}
    return with_values(problem, {r: _relaxed_value(problem, r, by_code) for r in rules})


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
            "max_partners": 3 if remote else 4, "capacity": 6, "forbidden": 7, "locked": 8,
        }[rule.kind]
        return rank, order.get(rule, len(order))

    return key


# ---- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One pre-check result: a sure cause of infeasibility, or information (``cause`` False).
    ``values`` holds the numbers and codes its sentence shows; ``rules`` the rules it
    involves (the starting point of the conflict search)."""

    kind: str  # partner_totals | no_partner | locked_over_max | locked_over_capacity | locked_beyond_cap
    cause: bool
    units: tuple[str, ...]
    values: Mapping[str, object] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))


@dataclass(frozen=True)
class Fix:
    """Set ``rule`` to ``value`` (None: drop the pair rule); verified on the full problem."""

    rule: Rule
    value: float | int | None
    check: str  # the status of the verifying feasibility call: always "optimal" (a plan exists)
    feasibility_calls: int  # calls spent finding this fix


@dataclass(frozen=True)
class Diagnosis:
    """What ``diagnose`` found. ``status``: feasible (nothing to diagnose), infeasible or
    unknown (the solver could not decide). ``names`` maps every code shown to its name."""

    scenario: str
    status: str
    lang: str = DEFAULT_LANG
    findings: tuple[Finding, ...] = ()
    conflict: tuple[Rule, ...] = ()
    minimal: bool = True  # False when undecided solver calls may have left extra rules
    fixes: tuple[Fix, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    n_rules: int = 0  # relaxable rules in the problem
    calls_conflict: int = 0  # feasibility calls for the status and the conflict search
    calls_fixes: int = 0  # feasibility calls for the fixes
    calls_unknown: int = 0  # of all calls, those the solver could not decide
    seconds: float = 0.0

    def __post_init__(self) -> None:
        for name in ("findings", "conflict", "fixes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))

    @property
    def feasibility_calls(self) -> int:
        return self.calls_conflict + self.calls_fixes

    @property
    def causes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.cause)

    @property
    def empty(self) -> bool:
        return not (self.findings or self.conflict or self.fixes)

    def to_dict(self, lang: str | None = None) -> dict:
        """Plain JSON data; codes are text; every ``text`` is in ``lang`` (default: the
        diagnosis's language)."""
        lang = lang or self.lang
        return {
            "scenario": self.scenario,
            "status": self.status,
            "lang": lang,
            "findings": [
                {"kind": f.kind, "cause": f.cause, "units": list(f.units),
                 "values": {k: _plain(v) for k, v in f.values.items()},
                 "rules": [r.to_dict() for r in f.rules], "text": finding_text(f, self.names, lang)}
                for f in self.findings
            ],
            "conflict": [{**r.to_dict(), "text": rule_text(r, self.names, lang)} for r in self.conflict],
            "conflict_minimal": self.minimal,
            "fixes": [
                {"rule": x.rule.to_dict(), "value": _plain(x.value), "check": x.check,
                 "feasibility_calls": x.feasibility_calls, "text": fix_text(x, self.names, lang)}
                for x in self.fixes
            ],
            "names": dict(self.names),
            "n_rules": self.n_rules,
            "feasibility_calls": {"total": self.feasibility_calls, "conflict": self.calls_conflict,
                                  "fixes": self.calls_fixes, "undecided": self.calls_unknown},
            "seconds": round(self.seconds, 3),
        }


def _plain(v):
    """JSON-friendly copy (numpy numbers become floats, tuples lists)."""
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, (bool, int, str)):
        return v
    f = float(v)
    return int(f) if f.is_integer() and not isinstance(v, float) else f


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


# ---- pre-checks --------------------------------------------------------------------------


def _within_caps(problem: Problem, km: float, minutes: float | None) -> bool:
    """The cap part of :func:`matcher.distance.candidates` for one pair."""
    r = problem.rules
    if r.max_distance_km is not None and km > r.max_distance_km:
        return False
    need_minutes = r.distance_metric == "minutes" or r.max_minutes is not None
    if need_minutes and minutes is None:
        return False
    return not (r.max_minutes is not None and minutes > r.max_minutes)


def _pair(u: Unit, v: Unit) -> tuple[str, str]:
    return (u.code, v.code) if u.role is Role.LOWLAND else (v.code, u.code)


def _cap_rules(problem: Problem) -> list[Rule]:
    r = problem.rules
    out = []
    if r.max_distance_km is not None:
        out.append(Rule("distance_cap", (), r.max_distance_km))
    if r.max_minutes is not None:
        out.append(Rule("minutes_cap", (), r.max_minutes))
    return out


def _max_rule(problem: Problem, u: Unit) -> list[Rule]:
    hi = problem.partner_bounds(u)[1]
    return [Rule("max_partners", (u.code,), hi)] if hi < len(_other_side(problem, u)) else []


def _locked_of(problem: Problem, u: Unit) -> list[tuple[str, str]]:
    i = 0 if u.role is Role.LOWLAND else 1
    return sorted(p for p in problem.locked if p[i] == u.code)


def _locked_rules(pairs: Iterable[tuple[str, str]]) -> list[Rule]:
    return [Rule("locked", p) for p in pairs]


def precheck(problem: Problem) -> list[Finding]:
    """The cheap checks, in order: totals, units without available partners, locked pairs
    over a maximum, locked loads over a capacity; then locked pairs beyond a cap (info)."""
    out: list[Finding] = []
    cands = candidates(problem)
    lows, rems = problem.lowland, problem.remote

    # (a) partner counts cannot add up
    for need_side, room_side, side in ((rems, lows, "remote"), (lows, rems, "lowland")):
        need = sum(problem.partner_bounds(u)[0] for u in need_side)
        room = sum(problem.partner_bounds(u)[1] for u in room_side)
        if need > room:
            needy = [u for u in need_side if problem.partner_bounds(u)[0] >= 1]
            rules = [Rule("min_partners", (u.code,), problem.partner_bounds(u)[0]) for u in needy]
            rules += [r for u in room_side for r in _max_rule(problem, u)]
            out.append(Finding("partner_totals", True, tuple(u.code for u in needy), {
                "side": side, "need": need, "room": room,
                "others": tuple(u.code for u in room_side)}, tuple(rules)))

    # (b) a unit with fewer available partners than its minimum
    allowed: dict[str, set[str]] = {u.code: set() for u in problem.units}
    for c in cands:
        lo, re = lows[c.li], rems[c.ri]
        allowed[lo.code].add(re.code)
        allowed[re.code].add(lo.code)
    n_locked = {u.code: len(_locked_of(problem, u)) for u in (*lows, *rems)}
    full = {u.code for u in (*lows, *rems) if n_locked[u.code] >= problem.partner_bounds(u)[1]}
    for u in (*rems, *lows):
        need = problem.partner_bounds(u)[0]
        if need < 1:
            continue
        others = _other_side(problem, u)
        committed = [v for v in others if v.code in allowed[u.code] and v.code in full
                     and _pair(u, v) not in problem.locked]
        available = len(allowed[u.code]) - len(committed)
        if available >= need:
            continue
        geo = geodesic_km([u], list(others))[0]
        forbidden_near, beyond = [], []
        for j, v in enumerate(others):
            lo, re = (u, v) if u.role is Role.LOWLAND else (v, u)
            km, minutes, _, _ = pair_metrics(problem, lo, re, float(geo[j]))
            if _pair(u, v) in problem.forbidden:
                if _within_caps(problem, km, minutes):
                    forbidden_near.append(v)
            elif v.code not in allowed[u.code] and v.code not in full:
                beyond.append((km, v))
        nearest = min(beyond, key=lambda kv: kv[0], default=None)
        rules = [Rule("min_partners", (u.code,), need), *_cap_rules(problem)]
        rules += [Rule("forbidden", p) for p in sorted(problem.forbidden) if u.code in p]
        for v in committed:
            rules += _max_rule(problem, v) + _locked_rules(_locked_of(problem, v))
        out.append(Finding("no_partner", True, (u.code,), {
            "unit": u.code, "min": need, "available": available,
            "committed": tuple(v.code for v in committed),
            "forbidden_near": tuple(v.code for v in forbidden_near),
            "nearest": nearest[1].code if nearest else None,
            "nearest_km": round(float(nearest[0]), 3) if nearest else None,
        }, tuple(dict.fromkeys(rules))))

    # (c) locked pairs above a unit's maximum
    for u in (*lows, *rems):
        hi = problem.partner_bounds(u)[1]
        pairs = _locked_of(problem, u)
        if len(pairs) > hi:
            partners = tuple(p[1] if u.role is Role.LOWLAND else p[0] for p in pairs)
            out.append(Finding("locked_over_max", True, (u.code, *partners), {
                "unit": u.code, "n": len(pairs), "max": hi, "partners": partners},
                tuple(_max_rule(problem, u) + _locked_rules(pairs))))

    # (e) locked loads above a remote capacity
    for re in rems:
        if re.capacity is None:
            continue
        pairs = _locked_of(problem, re)
        load = 0
        for lc, _ in pairs:
            t_ = problem.travel.get((lc, re.code))
            load += t_.load if t_ is not None and t_.load is not None else 1
        if load > re.capacity:
            partners = tuple(p[0] for p in pairs)
            out.append(Finding("locked_over_capacity", True, (re.code, *partners), {
                "unit": re.code, "load": load, "capacity": re.capacity, "partners": partners},
                tuple([Rule("capacity", (re.code,), re.capacity), *_locked_rules(pairs)])))

    # (d) locked pairs beyond a cap: allowed by design, information only
    r = problem.rules
    for c in cands:
        if not c.locked:
            continue
        pair = (lows[c.li].code, rems[c.ri].code)
        if r.max_distance_km is not None and c.km > r.max_distance_km:
            out.append(Finding("locked_beyond_cap", False, pair, {
                "pair": pair, "metric": "km", "dist": round(float(c.km), 3), "cap": r.max_distance_km}))
        elif r.max_minutes is not None and c.minutes is not None and c.minutes > r.max_minutes:
            out.append(Finding("locked_beyond_cap", False, pair, {
                "pair": pair, "metric": "minutes", "dist": float(c.minutes), "cap": r.max_minutes}))
    return out


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
    u = problem.unit(rule.subject[0])
    lo, hi = problem.partner_bounds(u)
    if rule.kind == "min_partners":
        return range(lo - 1, -1, -1)
    if rule.kind == "max_partners":
        return range(hi + 1, _unbounded_max(problem, u) + 1)
    ri = problem.remote.index(u)
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


# ---- words -------------------------------------------------------------------------------

_MD_SPECIAL = "\\`*_[]<>#|~"


def _md(text: str) -> str:
    """Escape the characters that Markdown would read as markup."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def _plain_text(text: str) -> str:
    return str(text)


def _num(x, lang: str) -> str:
    x = float(x)
    return fmt_number(x, lang, 0 if x.is_integer() else 1)


def _dist(x, lang: str, metric: str = "km") -> str:
    if metric == "minutes":
        return t("dx_minutes", lang, n=_num(x, lang))
    return f"{_num(x, lang)} {t('km', lang)}"


def _partners(n: int, lang: str) -> str:
    return t("dx_n_partners_one" if n == 1 else "dx_n_partners", lang, n=n)


class _Words:
    def __init__(self, names: Mapping[str, str], lang: str, esc: Callable[[str], str]) -> None:
        self.names, self.lang, self.esc = names, lang, esc

    def unit(self, code: str) -> str:
        return t("dx_unit", self.lang, name=self.esc(self.names.get(code, code)), code=self.esc(code))

    def pair(self, pair: Sequence[str]) -> str:
        return t("dx_pair", self.lang, lowland=self.unit(pair[0]), remote=self.unit(pair[1]))

    def units(self, codes: Sequence[str], limit: int = 6) -> str:
        shown = [self.unit(c) for c in codes[:limit]]
        if len(codes) > limit:
            shown.append(t("dx_more", self.lang, n=len(codes) - limit))
        return ", ".join(shown)


def rule_text(rule: Rule, names: Mapping[str, str], lang: str = DEFAULT_LANG, esc=_plain_text) -> str:
    """One rule in words, e.g. "Trà Linh (20950) needs at least 1 partner", "distance cap 80 km"."""
    w = _Words(names, lang, esc)
    k = rule.kind
    if k in ("distance_cap", "minutes_cap"):
        return t(f"dx_r_{k}", lang, dist=_dist(rule.value, lang, "km" if k == "distance_cap" else "minutes"))
    if k in ("min_partners", "max_partners"):
        return t(f"dx_r_{k}", lang, unit=w.unit(rule.subject[0]), partners=_partners(rule.value, lang))
    if k == "capacity":
        return t("dx_r_capacity", lang, unit=w.unit(rule.subject[0]), capacity=_num(rule.value, lang))
    return t(f"dx_r_{k}", lang, pair=w.pair(rule.subject))


def fix_text(fix: Fix, names: Mapping[str, str], lang: str = DEFAULT_LANG, esc=_plain_text) -> str:
    """One fix in words, e.g. "raise the distance cap to 126 km", "unlock Sơn Trà–Trà Leng"."""
    w = _Words(names, lang, esc)
    rule, v = fix.rule, fix.value
    k = rule.kind
    if k in ("distance_cap", "minutes_cap"):
        return t(f"dx_x_{k}", lang, dist=_dist(v, lang, "km" if k == "distance_cap" else "minutes"))
    if k == "max_partners":
        return t("dx_x_max_partners", lang, unit=w.unit(rule.subject[0]), partners=_partners(v, lang))
    if k == "min_partners":
        if v == 0:
            return t("dx_x_min_partners_zero", lang, unit=w.unit(rule.subject[0]))
        return t("dx_x_min_partners", lang, unit=w.unit(rule.subject[0]), n=v)
    if k == "capacity":
        return t("dx_x_capacity", lang, unit=w.unit(rule.subject[0]), capacity=_num(v, lang))
    return t(f"dx_x_{k}", lang, pair=w.pair(rule.subject))


def finding_text(f: Finding, names: Mapping[str, str], lang: str = DEFAULT_LANG, esc=_plain_text) -> str:
    """One pre-check result in words, with its numbers and names."""
    w, v = _Words(names, lang, esc), f.values
    if f.kind == "partner_totals":
        return t(f"dx_f_totals_{v['side']}", lang, need=v["need"], room=v["room"],
                 units=w.units(f.units), others=w.units(v["others"]))
    if f.kind == "no_partner":
        unit, partners = w.unit(v["unit"]), _partners(v["min"], lang)
        parts = [t("dx_f_nobody", lang, unit=unit, partners=partners) if v["available"] == 0
                 else t("dx_f_too_few", lang, unit=unit, partners=partners, available=v["available"])]
        if v["committed"]:
            parts.append(t("dx_f_committed", lang, units=w.units(v["committed"])))
        if v["forbidden_near"]:
            parts.append(t("dx_f_forbidden_near", lang, units=w.units(v["forbidden_near"])))
        if v["nearest"] is not None:
            parts.append(t("dx_f_nearest", lang, nearest=w.unit(v["nearest"]), dist=_dist(v["nearest_km"], lang)))
        return " ".join(parts)
    if f.kind == "locked_over_max":
        return t("dx_f_locked_over_max", lang, unit=w.unit(v["unit"]), n=v["n"],
                 units=w.units(v["partners"]), partners=_partners(v["max"], lang))
    if f.kind == "locked_over_capacity":
        return t("dx_f_locked_over_capacity", lang, unit=w.unit(v["unit"]), units=w.units(v["partners"]),
                 load=_num(v["load"], lang), capacity=_num(v["capacity"], lang))
    if f.kind == "locked_beyond_cap":
        return t("dx_f_locked_beyond_cap", lang, pair=w.pair(v["pair"]),
                 dist=_dist(v["dist"], lang, v["metric"]), cap=_dist(v["cap"], lang, v["metric"]))
    raise ValueError(f"unknown finding kind {f.kind!r}")


def diagnosis_markdown(d: Diagnosis, lang: str | None = None) -> str:
    """A readable report in Vietnamese (default) or English."""
    lang = lang or d.lang
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    names = d.names
    lines = [f"# {t('dx_title', lang)}", "", _md(t("scenario", lang, name=d.scenario)), ""]
    verdict = {"feasible": "dx_verdict_feasible", "infeasible": "dx_verdict_infeasible"}.get(
        d.status, "dx_verdict_unknown")
    lines += [f"**{t(verdict, lang)}**", ""]
    if d.causes:
        lines += [f"## {t('dx_findings', lang)}", ""]
        lines += [f"- {finding_text(f, names, lang, _md)}" for f in d.causes] + [""]
    if d.conflict:
        lines += [f"## {t('dx_conflict', lang)}", "", t("dx_conflict_note", lang), ""]
        if not d.minimal:
            lines += [f"_{t('dx_conflict_not_minimal', lang)}_", ""]
        lines += [f"{i}. {rule_text(r, names, lang, _md)}" for i, r in enumerate(d.conflict, 1)] + [""]
        lines += [f"## {t('dx_fixes', lang)}", ""]
        if d.fixes:
            lines += [t("dx_fixes_note", lang), ""]
            lines += [f"- {fix_text(x, names, lang, _md)} ({t('dx_x_checked', lang)})" for x in d.fixes]
            lines.append("")
            fixed = {x.rule for x in d.fixes}
            missing = [r for r in d.conflict if r not in fixed]
            if missing:
                lines += [t("dx_no_fix", lang, rule=rule_text(r, names, lang, _md)) for r in missing]
                lines.append("")
        else:
            lines += [t("dx_no_fixes", lang), ""]
    info = [f for f in d.findings if not f.cause]
    if info:
        lines += [f"## {t('dx_info', lang)}", ""]
        lines += [f"- {finding_text(f, names, lang, _md)}" for f in info] + [""]
    if d.feasibility_calls:
        lines += ["---", "", t("dx_checks", lang, total=d.feasibility_calls, conflict=d.calls_conflict,
                                fixes=d.calls_fixes, seconds=fmt_number(d.seconds, lang, 1)), ""]
    return "\n".join(lines)


# ---- files -------------------------------------------------------------------------------


def write_diagnosis(d: Diagnosis, out_dir: Path, lang: str | None = None) -> list[Path]:
    """Write ``diagnosis.json`` (UTF-8, codes as text) and ``diagnosis.md`` into ``out_dir``.
    Both are written in full to temporary files in ``out_dir`` before either is moved into
    place with ``os.replace``, so neither is ever half-written."""
    lang = lang or d.lang
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "diagnosis.json": json.dumps(d.to_dict(lang), ensure_ascii=False, indent=2) + "\n",
        "diagnosis.md": diagnosis_markdown(d, lang),
    }
    temps: dict[str, str] = {}
    try:
        for name, text in files.items():  # every file complete on disk first ...
            fd, temps[name] = tempfile.mkstemp(prefix=".matcher-", suffix=Path(name).suffix, dir=out_dir)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for name in files:  # ... then each moved into place in one step
            os.replace(temps[name], out_dir / name)
            del temps[name]
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
    return [out_dir / name for name in files]
