"""Two plans side by side: which pairs stayed, came or went, and the cost per objective stage.

Used by :mod:`matcher.analysis.whatif` (baseline against the re-solved plan) and
:mod:`matcher.analysis.explain` (baseline against the plan without one pair). Figures are
the plans' own (:func:`matcher.kpis.stage_figures`), in each stage's unit; "same",
"better" and "worse" follow the one stage table, :data:`matcher.model.STAGES`.
:func:`fmt_stage` writes a stage figure in its unit, for the sentences analysis keeps in both
languages and for :mod:`matcher.render.text`. No solver, no pandas.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..i18n import fmt_number, t
from ..kpis import stage_figures
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
    """A stage figure in its unit: ratio 0,75, need units 22, distance 4.884,8 km or 312 min;
    more decimals (up to two more) when needed to tell ``value`` from ``other``."""
    if value is None:
        return "–"
    sign = "+" if signed and value > 0 else ("−" if signed and value < 0 else "")
    v = abs(value) if signed else value
    dec = {"balance": 2, "shortfall": 0}.get(name, 0 if unit == "minutes" else 1)
    if name != "shortfall":
        start = dec
        while (other is not None and dec < start + 2 and round(value, dec) == round(other, dec)
               and abs(value - other) > STAGES[name].eps):
            dec += 1
    text = sign + fmt_number(v, lang, dec)
    if name != "distance":
        return text
    return f"{text} {t('pack_minutes', lang) if unit == 'minutes' else t('km', lang)}"


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
