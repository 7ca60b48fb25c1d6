"""A published plan to keep: ``matcher solve --from-plan PAIRS.csv|RESULT_DIR [--max-changes N]``.

The plan is read like a hand-made plan (:func:`matcher.io.inputs.read_plan`: lowland and
remote codes or names, one pair per row); a result folder gives its ``pairs.csv``. It becomes
:attr:`matcher.model.Problem.baseline`, and the stage ``changes`` (pairs added plus pairs
dropped against it) joins the objectives:

- without ``max_changes``: **first** — keep the published plan as far as the new rules allow;
  the other stages then do their best with what is left free. Under unchanged rules nothing
  changes, whatever plan was published;
- with ``max_changes = N``: at most N changes is a rule, and ``changes`` comes **after
  balance** — balance may use up to N changes, and among the plans with the best balance the
  fewest changes win;
- a scenario that lists ``changes`` in ``objectives`` puts it where it says (a tolerance on an
  earlier stage, e.g. ``[tolerance] balance = 0.05``, lets ``changes`` trade a little of it).
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


def stage_order(objectives: tuple[str, ...], has_baseline: bool, max_changes: int | None) -> tuple[str, ...]:
    """Where ``changes`` goes among the objectives (see the module docstring)."""
    if not has_baseline or "changes" in objectives:
        return tuple(objectives)
    if max_changes is None or "balance" not in objectives:
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
