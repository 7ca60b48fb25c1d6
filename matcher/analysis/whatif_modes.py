"""What-if in three modes, side by side: the price of stability.

- ``only``: every other pair of the plan stays as it is (locked); the change alone, with
  whatever new pairs the units it frees must take. Its cost is the cost of exactly this
  change; impossible means it cannot be made without moving other pairs (the reasons say
  which rule: a partner limit, a unit left without partner).
- ``fewest``: the plan is the published plan of a re-solve (:mod:`matcher.io.baseline`): the
  best smallest coverage first, then as few other pairs moved as reach it.
- ``reoptimise``: everything is free; the best plan under the changed rules.

:func:`what_if_modes` answers the same question in every mode (the one asked first), so a
committee sees what stability costs and what re-optimising would gain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..io.baseline import stage_order
from ..model import PairRule, PairStatus, Problem, SolveParams
from ..result import Result

MODES = ("only", "fewest", "reoptimise")
PairKey = tuple[str, str]


def in_mode(changed: Problem, mode: str, others: Iterable[PairKey]) -> Problem:
    """The changed problem in ``mode``: ``others`` are the plan's pairs the change leaves."""
    others = sorted(set(others))
    if mode == "only":
        locked = changed.locked
        extra = [PairRule(lc, rc, PairStatus.LOCKED, "what-if: kept as planned") for lc, rc in others
                 if (lc, rc) not in locked]
        return replace(changed, pair_rules=(*changed.pair_rules, *extra))
    if mode == "fewest":
        order = stage_order(tuple(o for o in changed.rules.objectives if o != "changes"), True)
        return replace(changed, baseline=tuple(others), rules=replace(changed.rules, objectives=order))
    if mode == "reoptimise":
        return changed
    raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def what_if_modes(problem: Problem, params: SolveParams | None, base, force=(), forbid=(), *, release=(),
                  first: str = "reoptimise", modes: Iterable[str] | None = MODES) -> list:
    """:func:`matcher.analysis.whatif.what_if` in each of ``modes``, ``first`` first (the
    answer asked for: its plan is the one published)."""
    from .whatif import what_if

    order = [first, *(m for m in (MODES if modes is None else modes) if m != first)]
    if first not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {first!r}")
    return [what_if(problem, params, base, force, forbid, release=release, mode=m) for m in order]


def moved_count(w) -> int | None:
    """Pairs added plus pairs dropped (None when the mode found no plan)."""
    return None if w.status != "possible" else len(w.added) + len(w.removed)


def result_of(w) -> Result | None:
    return w.result if w.status == "possible" else None


def as_published(problem: Problem, result: Result) -> Result:
    """A what-if's plan as its result folder shows it: a pair the what-if forced (or kept
    fixed in ``only`` mode) is not an existing twinning, so only ``problem``'s own locked
    pairs stay ``locked``."""
    locked = problem.locked
    return replace(result, pairs=tuple(replace(p, locked=(p.lowland_code, p.remote_code) in locked)
                                       for p in result.pairs))
