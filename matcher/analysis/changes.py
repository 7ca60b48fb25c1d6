"""The two plans ``matcher compare`` puts side by side, read from result folders or plan tables.

A side is either a result folder (written by ``matcher solve``, ``evaluate`` or ``whatif``: its
own pairs and staff split, read back with :func:`matcher.io.resultdir.result_from_view`) or a
plan table (CSV/XLSX with lowland and remote codes or names, read as ``matcher evaluate --plan``
reads it, :func:`matcher.io.inputs.read_plan`), scored with :func:`matcher.engine.evaluate`:
its staff split is then matcher's choice, a derived figure, and said so.

The problem is the first result folder's (:func:`matcher.io.resultdir.problem_for_result`);
when that folder cannot be rebuilt by itself (a what-if that forced a pair shows locked pairs
the scenario does not have) the other folder's problem is used if it has the same units. With
two tables the scenario given (a scenario file or units table; default the Da Nang 2025
default) gives it. A second result folder keeps its own problem: when it was solved for other
units, :func:`~matcher.analysis.compare.diff_plans` compares on the shared units only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, ValidationIssue
from ..i18n import t
from ..kpis import broken_rules
from ..model import Problem, SolveParams
from ..result import Result
from .compare import PlanDiff, diff_plans

KINDS = ("result", "table")


@dataclass(frozen=True)
class PlanSide:
    """One plan of a comparison: ``label`` A or B, ``kind`` result (folder) or table."""

    label: str
    path: Path
    kind: str
    problem: Problem
    result: Result
    broken: tuple[str, ...]  # the scenario rules the plan breaks (English sentences)
    scenario: str  # the name of the problem it was scored on


@dataclass(frozen=True)
class Comparison:
    """Plan A against plan B: both sides, the diff, the files outputs must never overwrite
    (the plan tables and the scenario's tables) and the reading notes of the tables."""

    a: PlanSide
    b: PlanSide
    diff: PlanDiff
    inputs: tuple[Path, ...] = ()
    warnings: tuple = ()

    @property
    def staff_differ(self) -> bool:
        """The shared units' staff figures (supply, need) differ between the two problems."""
        pa, pb = self.a.problem, self.b.problem
        if pa is pb:
            return False
        for u in pa.units:
            if u.code in pb.index and pb.unit(u.code).role is u.role:
                v = pb.unit(u.code)
                if dict(u.supply) != dict(v.supply) or dict(u.need) != dict(v.need):
                    return True
        return False

    def notes(self, lang: str) -> list[str]:
        """What a reader must know to read the figures right, in ``lang``."""
        d = self.diff
        out = []
        if not d.same_units:
            out.append(t("cmp_note_shared", lang, n=d.shared_units, a=len(d.left_out_a), b=len(d.left_out_b)))
        if self.staff_differ:
            out.append(t("cmp_note_staff", lang))
        for side in (self.a, self.b):
            if side.kind == "table":
                out.append(t("cmp_note_scored", lang, side=side.label))
            if side.broken:
                out.append(t("cmp_note_broken", lang, side=side.label, n=len(side.broken)))
        return out


def _issue(where, value, message: str) -> InputError:
    return InputError([ValidationIssue(str(where), None, None, None if value is None else str(value), message)])


def source_kind(path: Path) -> str:
    """``result`` for a folder, ``table`` for a file; a missing path is bad input."""
    path = Path(path)
    if path.is_dir():
        return "result"
    if path.is_file():
        return "table"
    raise _issue(path, None, "no such file or folder: give a result folder or a plan table (CSV/XLSX)")


def _scenario_inputs(view) -> list[Path]:
    """The tables of the scenario a result folder records (kept from being overwritten)."""
    from ..io.scenario import load_scenario

    origin = view.summary.get("scenario") or {}
    found = [Path(f) for f in (origin.get("pairs_file"), origin.get("travel_file")) if f]
    if origin.get("file") and Path(origin["file"]).exists():
        try:
            found += load_scenario(Path(origin["file"])).inputs
        except InputError:
            found.append(Path(origin["file"]))
    return found


def _same_units(problem: Problem, view) -> bool:
    """The result folder shows ``problem``'s units with the same roles and staff figures."""
    rows = {r["code"]: r for r in view.units.to_dict("records")}
    if set(rows) != {u.code for u in problem.units}:
        return False
    for u in problem.units:
        row = rows[u.code]
        if row["role"] != u.role.value:
            return False
        for d in problem.domains:
            for col, values in ((f"supply_{d}", u.supply), (f"need_{d}", u.need)):
                if str(row.get(col, "")).strip() not in ("", "nan") and int(float(row[col])) != values.get(d, 0):
                    return False
    return True


def _main_problem(folders: list[Path]) -> tuple[Problem, SolveParams]:
    """The first folder's problem; else (it cannot be rebuilt by itself) the second folder's,
    when the first folder shows the same units."""
    from ..io.resultdir import problem_for_result, read_result_dir

    try:
        return problem_for_result(folders[0])
    except InputError as first:
        if len(folders) < 2:
            raise
        try:
            problem, params = problem_for_result(folders[1])
        except InputError:
            raise first from None
        if not _same_units(problem, read_result_dir(folders[0])):
            raise first from None
        return problem, params


def compare_sources(a: Path, b: Path, scenario: Path | None = None) -> Comparison:
    """Read plans ``a`` and ``b`` (result folders or plan tables) and compare them.

    ``scenario`` (a scenario file or units table) gives the problem when both are tables
    (default: the Da Nang 2025 default); with a result folder among them it is refused, the
    folder giving the problem. Bad input raises :class:`~matcher.errors.InputError`: a missing
    path, a folder matcher did not write, a plan table code or name that is not a unit of the
    problem (``file:row: column 'x': value 'y': …``)."""
    from ..engine import evaluate
    from ..io.inputs import read_plan
    from ..io.resultdir import problem_for_result, read_result_dir, result_from_view
    from ..io.scenario import load_problem, load_scenario

    paths = (Path(a), Path(b))
    kinds = [source_kind(p) for p in paths]
    folders = [p for p, k in zip(paths, kinds, strict=True) if k == "result"]
    warnings: list = []
    inputs = [p for p, k in zip(paths, kinds, strict=True) if k == "table"]
    if folders:
        if scenario is not None:
            raise _issue("--scenario", scenario, "is used only when A and B are both plan tables; here the "
                         f"problem comes from the result folder {folders[0]}")
        views = {p.resolve(): read_result_dir(p) for p in dict.fromkeys(folders)}
        problem, params = _main_problem(list(dict.fromkeys(folders)))
        for view in views.values():
            inputs += _scenario_inputs(view)
    else:
        sc = load_scenario(None if scenario is None else Path(scenario))
        problem, warnings = load_problem(sc)
        warnings = list(warnings)
        params = sc.params
        inputs += list(sc.inputs)
    sides = []
    for label, path, kind in zip("AB", paths, kinds, strict=True):
        if kind == "table":
            result = evaluate(problem, read_plan(path, problem, warnings=warnings), params)
            if not result.status.has_solution:
                raise _issue(path, None, f"the plan could not be scored (status {result.status.value}); "
                             "try matcher evaluate --plan on it")
            own, name = problem, problem.name
        else:
            view = views[path.resolve()]
            own = problem
            if not _same_units(problem, view):
                own = problem_for_result(path)[0]
            result = result_from_view(own, view)
            name = view.scenario_name or own.name
        sides.append(PlanSide(label, path, kind, own, result, tuple(broken_rules(own, result)), name))
    diff = diff_plans(sides[0].problem, sides[0].result, sides[1].problem, sides[1].result)
    return Comparison(sides[0], sides[1], diff, tuple(dict.fromkeys(inputs)), tuple(warnings))
