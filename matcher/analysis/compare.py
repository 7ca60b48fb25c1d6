"""Two plans side by side: which pairs stayed, came or went, and the cost per objective stage.

Used by :mod:`matcher.analysis.whatif` (baseline against the re-solved plan) and
:mod:`matcher.analysis.explain` (baseline against the plan without one pair). Figures are
the plans' own (:func:`matcher.kpis.stage_figures`), in each stage's unit; "same",
"better" and "worse" follow the one stage table, :data:`matcher.model.STAGES`.
:func:`fmt_stage` writes a stage figure in its unit, for the sentences analysis keeps in both
languages and for :mod:`matcher.render.text`. :func:`diff_plans` gives the facts of
``matcher compare`` (every pair kept, added or removed; the units whose partners changed; the
headline figures in A and B), for plans of the same or of different units. No solver, no pandas.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..i18n import fmt_km, fmt_number, fmt_percent, t, tell_apart
from ..kpis import coverage_ratio, covered, stage_figures
from ..model import STAGES, Problem
from ..result import Pair, Result

PairKey = tuple[str, str]


def stage_unit(problem: Problem, name: str) -> str:
    """The unit of a stage's figures in this scenario (ratio, need units, km or minutes)."""
    return STAGES[name].unit_for(problem.rules)


def stage_change(name: str, before: float | None, after: float | None) -> str:
    """``same``, ``better``, ``worse`` or ``unknown`` for one stage, from ``before`` to ``after``."""
    return STAGES[name].compare(before, after)


def fmt_stage(name: str, unit: str, value: float | None, lang: str, other: float | None = None,
              signed: bool = False) -> str:
    """A stage figure in its unit, by the one number rule of :mod:`matcher.i18n`: ratio as a
    percentage (``75%``), need units ``22``, distance ``4.885 km`` / ``53,8 km`` or ``312 phút``;
    a decimal or two more only when needed to tell ``value`` from a different ``other``."""
    if value is None:
        return "–"
    sign = "+" if signed and value > 0 else ("−" if signed and value < 0 else "")
    v = abs(value) if signed else value
    o = None if other is None or abs(value - other) <= STAGES[name].eps else (abs(other) if signed else other)
    if name == "balance":
        return sign + fmt_percent(v, lang, other=o)
    if name != "distance":
        return sign + fmt_number(v, lang, 0)
    if unit != "minutes":
        return sign + fmt_km(v, lang, other=o)
    dec = tell_apart(lambda x, d: fmt_number(x, lang, d), v, o, 0, 2)
    return f"{sign}{fmt_number(v, lang, dec)} {t('pack_minutes', lang)}"


@dataclass(frozen=True)
class StageCost:
    """One stage, baseline -> new, in the stage's own unit."""

    name: str
    unit: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def change(self) -> str:
        return stage_change(self.name, self.before, self.after)


@dataclass(frozen=True)
class Moved:
    """A pair in one plan and not in the other."""

    lowland_code: str
    lowland_name: str
    remote_code: str
    remote_name: str
    km: float
    requested: bool  # the forced (added) or forbidden (dropped) pair itself


@dataclass(frozen=True)
class PlanComparison:
    """Baseline against a new plan: ``stages`` in objective order, the pairs ``kept`` (sorted
    keys), ``added`` (in the new plan only) and ``removed`` (in the baseline only)."""

    stages: tuple[StageCost, ...]
    kept: tuple[PairKey, ...]
    added: tuple[Moved, ...]
    removed: tuple[Moved, ...]


def pair_keys(pairs: Iterable[Pair]) -> set[PairKey]:
    """The (lowland code, remote code) of each pair."""
    return {(p.lowland_code, p.remote_code) for p in pairs}


def stage_costs(problem: Problem, before: Mapping[str, float | None], after: Mapping[str, float | None] | None,
                order: Sequence[str] | None = None) -> tuple[StageCost, ...]:
    """One :class:`StageCost` per stage in ``order`` (default: the scenario's objectives);
    ``after`` None when there is no new plan."""
    order = problem.rules.objectives if order is None else order
    return tuple(StageCost(n, stage_unit(problem, n), before[n], None if after is None else after[n])
                 for n in order)


def moved_pairs(problem: Problem, pairs: Iterable[Pair], keys: set[PairKey],
                requested: Iterable[PairKey] = ()) -> tuple[Moved, ...]:
    """The pairs of ``pairs`` whose key is in ``keys``, by remote unit (input order), then
    lowland code; ``requested`` marks the pairs the user named."""
    requested = set(requested)
    out = [
        Moved(p.lowland_code, problem.unit(p.lowland_code).name, p.remote_code,
              problem.unit(p.remote_code).name, round(p.km, 3), (p.lowland_code, p.remote_code) in requested)
        for p in pairs if (p.lowland_code, p.remote_code) in keys
    ]
    return tuple(sorted(out, key=lambda m: (problem.index[m.remote_code], m.lowland_code)))


def compare_plans(problem: Problem, before: Result, after: Result, *,
                  before_figures: Mapping[str, float | None] | None = None,
                  requested_added: Iterable[PairKey] = (),
                  requested_removed: Iterable[PairKey] = ()) -> PlanComparison:
    """Compare plan ``after`` with the baseline ``before`` (both plans of ``problem``'s units).

    ``before_figures``: the baseline's stage figures when the caller has them (checked
    against ``summary.json``, say); otherwise computed. ``requested_added`` /
    ``requested_removed`` mark the pairs the user forced / forbade or released.
    """
    old, new = pair_keys(before.pairs), pair_keys(after.pairs)
    figures = stage_figures(problem, before) if before_figures is None else before_figures
    return PlanComparison(
        stages=stage_costs(problem, figures, stage_figures(problem, after)),
        kept=tuple(sorted(old & new)),
        added=moved_pairs(problem, after.pairs, new - old, requested_added),
        removed=moved_pairs(problem, before.pairs, old - new, requested_removed),
    )


def deciding_stage(order: Sequence[str], before: Mapping[str, float | None],
                   after: Mapping[str, float | None]) -> tuple[str, str | None]:
    """The first stage, in objective ``order``, on which ``after`` differs from ``before``:
    ``(name, name)`` when it is worse, ``("unknown", name)`` when better (the baseline was
    not optimal), ``("tie", None)`` when every stage is the same."""
    for name in order:
        change = stage_change(name, before[name], after[name])
        if change == "worse":
            return name, name
        if change == "better":
            return "unknown", name
    return "tie", None


# ---- two plans, possibly of different problems: the facts of ``matcher compare`` -----------------

CHANGES = ("kept", "removed", "added")  # the order of a remote unit's rows in the change sheet
KPI_NAMES = ("min_coverage", "total_shortfall", "total_distance_km", "longest_km", "n_pairs", "n_idle_pairs")
KPI_STAGE = {"min_coverage": "balance", "total_shortfall": "shortfall", "total_distance_km": "distance",
             "longest_km": "distance"}  # the stage whose sense (max or min) says better or worse


@dataclass(frozen=True)
class PairChange:
    """One pair of either plan: ``change`` is ``kept`` (in both), ``added`` (in B only) or
    ``removed`` (in A only); ``staff_a``/``staff_b`` the staff per domain it moves in each plan
    (None where the plan does not have it)."""

    change: str
    lowland_code: str
    lowland_name: str
    remote_code: str
    remote_name: str
    km: float
    locked: bool
    staff_a: Mapping[str, int] | None
    staff_b: Mapping[str, int] | None


@dataclass(frozen=True)
class UnitChange:
    """A unit whose partners differ between the plans (codes, sorted)."""

    code: str
    name: str
    role: str  # lowland or remote
    partners_a: tuple[str, ...]
    partners_b: tuple[str, ...]


@dataclass(frozen=True)
class KpiDelta:
    """One headline figure in plan A and plan B (over the units both plans share)."""

    name: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def change(self) -> str:
        """``better``/``worse``/``same``/``unknown`` for the stage figures; ``more``/``fewer``/``same``
        for the counts of pairs (neither better nor worse in themselves)."""
        if self.name in KPI_STAGE:
            return stage_change(KPI_STAGE[self.name], self.a, self.b)
        if self.a is None or self.b is None:
            return "unknown"
        return "same" if self.a == self.b else ("more" if self.b > self.a else "fewer")


@dataclass(frozen=True)
class PlanDiff:
    """Plan A against plan B on the units both problems have (all of them when A and B were
    solved for the same units): every pair with its change, the units whose partners changed,
    the headline figures. ``left_out_a``/``left_out_b``: the pairs of each plan with a unit
    the other problem does not have (compared on the shared units only)."""

    changes: tuple[PairChange, ...]
    units: tuple[UnitChange, ...]
    kpis: tuple[KpiDelta, ...]
    shared_units: int
    same_units: bool
    left_out_a: tuple[PairKey, ...] = ()
    left_out_b: tuple[PairKey, ...] = ()

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)

    def changed_units(self, role: str) -> int:
        return sum(1 for u in self.units if u.role == role)

    def kpi(self, name: str) -> KpiDelta:
        return next(k for k in self.kpis if k.name == name)


def _active(problem: Problem) -> dict[str, str]:
    return {u.code: u.role.value for u in problem.units if u.role.value in ("lowland", "remote")}


def shared_figures(problem: Problem, pairs: Sequence[Pair], remote: Iterable[str]) -> dict[str, float | int]:
    """The headline figures of ``pairs`` over the remote units ``remote`` (coverage and
    shortfall from ``problem``'s needs); equal to :func:`matcher.kpis.kpis` when ``remote``
    is every remote unit."""
    cov = covered(problem, tuple(pairs))
    remote = list(remote)
    return {
        "min_coverage": min((coverage_ratio(problem, c, cov[c]) for c in remote), default=1.0),
        "total_shortfall": int(sum(problem.unit(c).total_need - sum(cov[c].values()) for c in remote)),
        "total_distance_km": sum(p.km for p in pairs),
        "longest_km": max((p.km for p in pairs), default=0.0),
        "n_pairs": len(pairs),
        "n_idle_pairs": sum(1 for p in pairs if not any(v > 0 for v in p.allot.values())),
    }


def diff_plans(problem_a: Problem, a: Result, problem_b: Problem, b: Result) -> PlanDiff:
    """Plan ``a`` (of ``problem_a``) against plan ``b`` (of ``problem_b``, often the same
    problem), on the lowland and remote units both problems have with the same role.

    Pairs come by remote unit (A's input order, then B's), then kept/removed/added, then
    lowland code; units whose partners changed in A's unit order (then B's)."""
    roles_a, roles_b = _active(problem_a), _active(problem_b)
    shared = {c for c, r in roles_a.items() if roles_b.get(c) == r}
    inside = [[p for p in plan.pairs if p.lowland_code in shared and p.remote_code in shared] for plan in (a, b)]
    left = [tuple(sorted(pair_keys(plan.pairs) - pair_keys(keep))) for plan, keep in zip((a, b), inside, strict=True)]
    by_a = {(p.lowland_code, p.remote_code): p for p in inside[0]}
    by_b = {(p.lowland_code, p.remote_code): p for p in inside[1]}
    order = {c: i for i, c in enumerate([*(u.code for u in problem_a.units),
                                         *(u.code for u in problem_b.units if u.code not in problem_a.index)])}
    changes = []
    for key in set(by_a) | set(by_b):
        pa, pb = by_a.get(key), by_b.get(key)
        change = "kept" if pa and pb else ("removed" if pa else "added")
        home = problem_a if pa else problem_b
        p = pa or pb
        changes.append(PairChange(change, key[0], home.unit(key[0]).name, key[1], home.unit(key[1]).name,
                                  round(p.km, 3), p.locked, dict(pa.allot) if pa else None,
                                  dict(pb.allot) if pb else None))
    changes.sort(key=lambda c: (order[c.remote_code], CHANGES.index(c.change), c.lowland_code))
    units = []
    for code in sorted(shared, key=order.__getitem__):
        side = "lowland_code" if roles_a[code] == "lowland" else "remote_code"
        other = "remote_code" if side == "lowland_code" else "lowland_code"
        pa, pb = (tuple(sorted(getattr(p, other) for p in plan if getattr(p, side) == code)) for plan in inside)
        if pa != pb:
            units.append(UnitChange(code, problem_a.unit(code).name, roles_a[code], pa, pb))
    remote = [c for c in shared if roles_a[c] == "remote"]
    fa, fb = shared_figures(problem_a, inside[0], remote), shared_figures(problem_b, inside[1], remote)
    return PlanDiff(
        changes=tuple(changes), units=tuple(units), kpis=tuple(KpiDelta(n, fa[n], fb[n]) for n in KPI_NAMES),
        shared_units=len(shared), same_units=set(roles_a.items()) == set(roles_b.items()),
        left_out_a=left[0], left_out_b=left[1],
    )
