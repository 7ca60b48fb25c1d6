"""A published plan to keep: ``matcher solve --from-plan PAIRS.csv|RESULT_DIR [--max-changes N]``.

The plan is read like a hand-made plan (:func:`matcher.io.inputs.read_plan`: lowland and
remote codes or names, one pair per row); a result folder gives its ``pairs.csv``. It becomes
:attr:`matcher.model.Problem.baseline`, and the stage ``changes`` (pairs added plus pairs
dropped against it) joins the objectives:

- by default ``changes`` comes **right after balance**: first the best smallest coverage the new
  rules allow, then, among the plans that reach it, the fewest changes; shortfall and distance
  then do their best with what is left free. Under unchanged rules a balance-optimal published
  plan (any plan matcher proved) is kept whole; a plan below the optimum changes only as far as
  reaching the optimum needs. Why not first: on Da Nang with the cap tightened to 120 km,
  ``changes`` first keeps 52 of 60 pairs but the smallest coverage falls to 0.27; after balance
  it keeps 50 at the optimum 0.64 (a full re-solve keeps 35).
- ``max_changes = N``: at most N changes is a rule in every stage (balance then gives the best
  coverage reachable with N changes);
- a scenario that lists ``changes`` in ``objectives`` puts it where it says: first (keep the plan
  whatever it costs), or after balance with a ``[tolerance] balance`` (trade a little coverage
  for stability).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, ValidationIssue
from ..model import Problem


def plan_table(path: Path) -> Path:
    """The table of a published plan: the file itself, or a result folder's ``pairs.csv``."""
    path = Path(path)
    if path.is_dir():
        table = path / "pairs.csv"
        if not table.is_file():
            raise InputError([ValidationIssue("--from-plan", None, None, str(path),
                                              "is a folder without pairs.csv; give a result folder or a pairs table")])
        return table
    if not path.exists():
        raise InputError([ValidationIssue("--from-plan", None, None, str(path), "file not found")])
    return path


def stage_order(objectives: tuple[str, ...], has_baseline: bool, max_changes: int | None = None) -> tuple[str, ...]:
    """Where ``changes`` goes among the objectives: right after balance (first without a balance
    stage); where the scenario lists it, if it does. ``max_changes`` does not move it."""
    if not has_baseline or "changes" in objectives:
        return tuple(objectives)
    if "balance" not in objectives:
        return ("changes", *objectives)
    at = objectives.index("balance") + 1
    return (*objectives[:at], "changes", *objectives[at:])


def check_baseline_rules(objectives: tuple[str, ...], has_baseline: bool, max_changes: int | None,
                         where: str) -> list[ValidationIssue]:
    """``changes`` and ``max_changes`` mean nothing without a published plan."""
    if has_baseline:
        return []
    out = []
    if "changes" in objectives:
        out.append(ValidationIssue(where, None, "objectives", "changes",
                                   "the 'changes' stage needs a published plan (from_plan, --from-plan)",
                                   column_label="setting"))
    if max_changes is not None:
        out.append(ValidationIssue(where, None, "max_changes", str(max_changes),
                                   "needs a published plan to count changes against (from_plan, --from-plan)",
                                   column_label="setting"))
    return out


def with_baseline(problem: Problem, path: Path, warnings: list | None = None) -> Problem:
    """``problem`` with the plan at ``path`` as its baseline and ``changes`` among its stages."""
    from dataclasses import replace

    from .inputs import read_plan

    pairs = read_plan(plan_table(path), problem, warnings=warnings)
    order = stage_order(problem.rules.objectives, True, problem.rules.max_changes)
    return replace(problem, baseline=tuple(pairs), rules=replace(problem.rules, objectives=order))
