"""The flows behind the commands, as library functions (no typer, no printing).

Each function does one job from inputs already parsed to files published, and returns
an outcome the caller (the command line, a notebook) turns into words and an exit code:

- :func:`run_solve`: load -> solve -> (explain) -> write the plan; or, when the rules
  cannot all hold, diagnose -> write ``diagnosis.json``/``diagnosis.md`` *beside* whatever
  the folder held (an earlier plan is kept; a new plan removes a stale diagnosis);
- :func:`run_evaluate`: score a hand-made plan and write it like a solved one;
- :func:`check_scenario`: read every table and count the allowed pairs (``validate``);
- :func:`run_diagnose`: why a scenario has no plan;
- :func:`run_whatif`: re-solve a result folder with pairs forced/forbidden/released and
  publish ``whatif.md``, ``whatif.json`` and the new plan's files in one step;
- :func:`draw_map_file`, :func:`write_pack_file`: a map or the committee pack as one file.

Every file goes out through :func:`matcher.io.files.write_outputs` (folders) or
:func:`matcher.io.files.publish_file` (single files), which refuse to overwrite an input.
``progress`` receives optional progress lines; ``warn`` the load warnings
(:class:`~matcher.errors.MatcherWarning`, grouped by kind) as soon as the tables are read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .analysis.baseline import CHANGE_FILES, with_plan_changes
from .analysis.findings import DIAGNOSIS_FILES
from .analysis.flags import plan_flagged, with_flags
from .engine import evaluate
from .engine.parts import solve_parts as solve  # independent parts solved apart, in parallel (issue 8)
from .errors import group_warnings
from .io.defaults import effective_settings
from .io.files import publish_file, write_outputs
from .io.history import now_utc, result_record, run_record
from .io.inputs import read_plan
from .io.outpaths import check_out_dir, check_out_file, refuse_inputs
from .io.result_tables import output_files
from .io.scenario import Scenario, load_problem, load_scenario
from .kpis import broken_rules
from .model import Problem
from .result import Result, Status

Progress = Callable[[str], None] | None
Warn = Callable[[list], None] | None

PLAN_FILES = ("pairs.csv", "pairs.csvt", "remote_summary.csv", "remote_summary.csvt", "lowland_summary.csv",
              "lowland_summary.csvt", "units.csv", "units.csvt", "summary.json", "plan.xlsx", "plan.gpkg",
              "pairs.geojson")
MAP_SUFFIXES = (".png", ".pdf", ".svg", ".html")


# ---- outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolveOutcome:
    """What :func:`run_solve` did: the result, and the files it published."""

    problem: Problem
    result: Result
    warnings: list = field(default_factory=list)  # MatcherWarning, grouped by kind
    written: list[Path] = field(default_factory=list)
    diagnosis: object | None = None  # a Diagnosis when the rules cannot all hold
    diagnosis_text: str = ""  # its markdown, in the run's language
    changes: object | None = None  # PlanChanges against the published plan (--from-plan)

    @property
    def status(self) -> Status:
        return self.result.status


@dataclass(frozen=True)
class EvaluateOutcome:
    """What :func:`run_evaluate` did: the scored plan, the rules it breaks, the files."""

    problem: Problem
    result: Result
    broken: list[str]
    warnings: list = field(default_factory=list)  # MatcherWarning, grouped by kind
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class CheckOutcome:
    """What :func:`check_scenario` found: the problem and its number of allowed pairs."""

    problem: Problem
    allowed_pairs: int
    warnings: list = field(default_factory=list)  # MatcherWarning, grouped by kind


@dataclass(frozen=True)
class DiagnoseOutcome:
    """What :func:`run_diagnose` found, as data and as markdown, and the files written."""

    diagnosis: object
    text: str
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class WhatIfOutcome:
    """What :func:`run_whatif` found (``whatif.status``: possible, impossible, undecided)."""

    whatif: object
    text: str
    written: list[Path] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.whatif.status


# ---- checks done before any work: matcher.io.outpaths (check_out_dir, check_out_file, refuse_inputs)


def _tables(sc: Scenario) -> dict[str, str | None]:
    """The pairs and travel tables a run used, recorded so that a result can be re-solved."""
    return {"pairs": str(sc.pairs) if sc.pairs else None, "travel": str(sc.travel) if sc.travel else None,
            "units_sheet": sc.units_sheet, "from_plan": str(sc.from_plan) if sc.from_plan else None}


def _origin(sc: Scenario) -> str:
    return str(sc.path) if sc.path else str(sc.units)


def load(sc: Scenario, warn: Warn = None) -> tuple[Problem, list]:
    """Read every table of ``sc``; hand the warnings, grouped by kind, to ``warn``.

    Returns the problem and the warnings as io gave them (for summary.json)."""
    problem, warns = load_problem(sc)
    if warn is not None and warns:
        warn(group_warnings(warns))
    return problem, list(warns)


# ---- solve, evaluate, validate ---------------------------------------------------------------


def run_solve(sc: Scenario, out: Path, lang: str = "vi", why: bool = False, progress: Progress = None,
              warn: Warn = None, flag_coverage: float | None = None) -> SolveOutcome:
    """Solve ``sc`` and publish the plan to ``out``; if infeasible, publish the diagnosis instead.

    A plan replaces the folder's plan files and removes a diagnosis left by an earlier run.
    A diagnosis is written beside what the folder holds: an earlier plan stays readable.
    When no plan is found in the time limit, nothing is written. Every plan gets its flags
    (:mod:`matcher.analysis.flags`, remote units below ``flag_coverage``) and each pair its
    runner-up (:mod:`matcher.analysis.runner_up`; with ``why``, checked by what-if's only mode).
    """
    check_out_dir(out)
    refuse_inputs(out, sc.inputs, (*PLAN_FILES, *CHANGE_FILES))
    started = now_utc()
    problem, warns = load(sc, warn)
    if progress:
        progress(f"{problem.name}: {len(problem.lowland)} lowland, {len(problem.remote)} remote, "
                 f"{len(problem.locked)} locked pairs; time limit {sc.params.time_limit_s:g} s")
    result = solve(problem, sc.params, progress)
    if result.status.has_solution:
        reasons = None
        if why:
            from .analysis.explain import why as explain

            if progress:
                progress("explaining every pair (one re-solve per new pair) ...")
            reasons = explain(problem, result, sc.params, progress=progress)
        else:
            from .analysis.runner_up import runner_up

            reasons = runner_up(problem, result, sc.params, progress=progress)  # issue 11: pairs.csv alt_*
        flags, flagged = plan_flagged(problem, result, flag_coverage, warn)
        files = output_files(problem, result, _origin(sc), [*warns, *flagged], why=reasons, inputs=_tables(sc),
                             lang=lang, settings=effective_settings(sc), run=run_record(sc, started=started))
        with_flags(files, flags, flag_coverage)
        changes = with_plan_changes(problem, result, files, lang)
        written = write_outputs(out, files, sc.inputs, drop=(*DIAGNOSIS_FILES, *CHANGE_FILES))
        return SolveOutcome(problem, result, group_warnings(warns), written, changes=changes)
    if result.status is Status.INFEASIBLE:
        from .analysis.diagnose import diagnose
        from .render.text import diagnosis_files, diagnosis_markdown

        if progress:
            progress("infeasible: the rules cannot all hold; diagnosing ...")
        d = diagnose(problem, sc.params, lang)
        text = diagnosis_markdown(d, lang)
        written = write_outputs(out, diagnosis_files(d, lang), sc.inputs)
        return SolveOutcome(problem, result, group_warnings(warns), written, d, text)
    return SolveOutcome(problem, result, group_warnings(warns))


def run_evaluate(sc: Scenario, plan: Path, out: Path, warn: Warn = None, lang: str = "vi",
                 flag_coverage: float | None = None) -> EvaluateOutcome:
    """Score the hand-made ``plan`` (a table with lowland_code, remote_code) and publish it to ``out``
    (with its flags, remote units below ``flag_coverage``: :mod:`matcher.analysis.flags`)."""
    check_out_dir(out)
    started = now_utc()
    problem, warns = load(sc, warn)
    pairs = read_plan(plan, problem)
    result = evaluate(problem, pairs, sc.params)
    broken = broken_rules(problem, result)
    flags, flagged = plan_flagged(problem, result, flag_coverage, warn)
    files = output_files(problem, result, _origin(sc), [*warns, *flagged], broken, inputs=_tables(sc), lang=lang,
                         settings=effective_settings(sc), run=run_record(sc, started=started, plan=plan))
    with_flags(files, flags, flag_coverage)
    written = write_outputs(out, files, [*sc.inputs, Path(plan)])
    return EvaluateOutcome(problem, result, broken, group_warnings(warns), written)


def check_scenario(sc: Scenario, warn: Warn = None) -> CheckOutcome:
    """Read every table of ``sc`` (every problem at once) and count the allowed pairs."""
    from .distance import candidates

    problem, warns = load(sc, warn)
    return CheckOutcome(problem, len(candidates(problem)), group_warnings(warns))


# ---- diagnose and what-if ----------------------------------------------------------------------


def run_diagnose(sc: Scenario, out: Path | None = None, lang: str = "vi", warn: Warn = None) -> DiagnoseOutcome:
    """Why ``sc`` has no plan; with ``out``, publish ``diagnosis.json`` and ``diagnosis.md`` there."""
    from .analysis.diagnose import diagnose
    from .render.text import diagnosis_files, diagnosis_markdown

    check_out_dir(out)
    problem, _ = load(sc, warn)
    d = diagnose(problem, sc.params, lang)
    text = diagnosis_markdown(d, lang)
    written = [] if out is None else write_outputs(out, diagnosis_files(d, lang), sc.inputs)
    return DiagnoseOutcome(d, text, written)


def run_whatif(result_dir: Path, force=(), forbid=(), release=(), out: Path | None = None, lang: str = "vi",
               time_limit_s: float | None = None, mode: str = "reoptimise",
               compare_modes: bool = True) -> WhatIfOutcome:
    """Re-solve the result in ``result_dir`` with pairs forced, forbidden or released.

    ``mode`` (:mod:`matcher.analysis.whatif_modes`): ``reoptimise``, ``only`` (every other
    pair kept) or ``fewest`` (fewest other changes); with ``compare_modes`` the other modes are
    answered too and shown side by side, but the plan published is the one of ``mode``.
    With ``out``, ``whatif.md``, ``whatif.json`` and (when possible) the new plan's files are
    published together; the result folder itself and the scenario's inputs are never overwritten.
    """
    from .analysis.whatif_modes import as_published, what_if_modes
    from .io.resultdir import problem_for_result, read_result_dir
    from .render.text import whatif_files, whatif_markdown

    check_out_dir(out)
    started = now_utc()
    problem, params = problem_for_result(result_dir)
    if time_limit_s is not None:
        params = replace(params, time_limit_s=time_limit_s)
    base = read_result_dir(result_dir)
    w, *others = what_if_modes(problem, params, base, force, forbid, release=release, first=mode,
                               modes=None if compare_modes else (mode,))
    text = whatif_markdown(w, lang, others)
    written: list[Path] = []
    if out is not None:
        origin = base.summary.get("scenario", {})
        files: dict = {}
        if w.result is not None and w.result.status.has_solution:
            res = as_published(problem, w.result)
            settings = dict(base.summary.get("settings") or {}) or None  # as the base run had them
            if settings and time_limit_s is not None:
                settings["time_limit_s"] = {"value": time_limit_s, "origin": "given", "from": "--time-limit"}
            coverage = base.summary.get("flag_coverage")  # issue 11: the base run's threshold
            flags, flagged = plan_flagged(problem, res, coverage)
            files = output_files(problem, res, origin.get("file"), flagged, inputs={
                "pairs": origin.get("pairs_file"), "travel": origin.get("travel_file"),
                "units_sheet": origin.get("units_sheet"), "from_plan": str(Path(result_dir).resolve() / "pairs.csv")},
                lang=lang, settings=settings,
                run=result_record(result_dir, started, changes={"force": force, "forbid": forbid, "release": release,
                                                                "mode": mode}))
            with_flags(files, flags, coverage)
            base_keys = tuple(zip(base.pairs["lowland_code"], base.pairs["remote_code"], strict=True))
            with_plan_changes(replace(w.solved, baseline=base_keys), res, files, lang)  # against the plan asked about
        files.update(whatif_files(w, lang, others))
        protected = [Path(result_dir) / n for n in PLAN_FILES]
        if origin.get("file"):
            protected += load_scenario(Path(origin["file"])).inputs
        protected += [Path(f) for f in (origin.get("pairs_file"), origin.get("travel_file")) if f]
        written = write_outputs(out, files, protected)
    return WhatIfOutcome(w, text, written)


# ---- single files: maps and the committee pack -------------------------------------------------


def _drawing_inputs(result_dir: Path, boundaries: Path | None, boundaries_code: str | None = None,
                    warn: Warn = None):
    """The result, its polygons (checked against its units: none matching is bad input, some
    missing a warning handed to ``warn``) and the paths a drawing must not overwrite."""
    from .io.geo import match_boundaries, read_boundaries
    from .io.resultdir import read_result_dir

    view = read_result_dir(result_dir)
    polys = read_boundaries(boundaries, boundaries_code) if boundaries else None
    partial = match_boundaries(polys, view.units["code"].astype(str))  # issue 11
    if partial is not None and warn is not None:
        warn([partial])
    protect = [Path(result_dir) / n for n in (*PLAN_FILES, *DIAGNOSIS_FILES)]
    return view, polys, protect + ([Path(boundaries)] if boundaries else [])


def draw_map_file(result_dir: Path, out: Path, boundaries: Path | None = None, lang: str = "vi",
                  paper: str = "a4", boundaries_code: str | None = None, warn: Warn = None) -> Path:
    """Draw the result in ``result_dir`` to ``out``: PNG, PDF or SVG on ``paper`` (a4 or a3,
    landscape), or one offline HTML file. ``boundaries_code`` names the polygons' code column;
    ``warn`` gets the warning about units without a polygon."""
    out = Path(out)
    check_out_file(out, MAP_SUFFIXES)
    view, polys, protect = _drawing_inputs(result_dir, boundaries, boundaries_code, warn)
    if out.suffix.lower() == ".html":
        from .render.web import render_html

        return publish_file(out, lambda p: p.write_text(render_html(view, polys, lang), encoding="utf-8"), protect)
    from .render.maps import save_map

    name = Path(boundaries).name if boundaries else None
    return publish_file(out, lambda p: save_map(view, polys, lang, p, name, paper=paper), protect)


def write_pack_file(result_dir: Path, out: Path, boundaries: Path | None = None, lang: str = "vi", *,
                    paper: str = "a4", final: bool = False, name: str | None = None,
                    commune_pages: bool | None = None, boundaries_code: str | None = None,
                    warn: Warn = None) -> Path:
    """Build the committee review pack (PDF) of the result in ``result_dir`` at ``out``: every page
    on ``paper`` (a4 or a3, landscape), marked DRAFT until ``final``, the scenario called ``name``
    when given; ``commune_pages`` None: one page per remote commune up to 60 of them."""
    from .render.pack import write_pack

    out = Path(out)
    check_out_file(out, (".pdf",))
    view, polys, protect = _drawing_inputs(result_dir, boundaries, boundaries_code, warn)
    return publish_file(out, lambda p: write_pack(view, polys, lang, p, paper=paper, final=final, name=name,
                                                   commune_pages=commune_pages), protect)


# ---- the validation report ---------------------------------------------------------------------


def write_report(out: Path, issues=(), warnings=(), protect: Sequence[Path] = (), lang: str = "vi") -> Path:
    """Publish every problem and warning (file, row, column, value, message, kind, level) as
    one XLSX sheet at ``out`` (``matcher validate --out report.xlsx``), atomically."""
    import pandas as pd

    from .errors import REPORT_COLUMNS, report_rows
    from .i18n import t
    from .io.cells import write_xlsx

    check_out_file(out, (".xlsx",))
    frame = pd.DataFrame(report_rows(issues, warnings), columns=list(REPORT_COLUMNS), dtype=object)
    if len(frame):
        frame["row"] = frame["row"].astype("Int64")
    heads = {c: t(f"xlsx_report_{c}", lang) for c in REPORT_COLUMNS}
    sheet = {t("xlsx_sheet_report", lang): frame.rename(columns=heads)}
    return publish_file(Path(out), lambda p: write_xlsx(p, sheet), list(protect))


# ---- compare -------------------------------------------------------------------------------------

COMPARE_MAPS = ("diff.png", "diff.pdf", "diff.html")


@dataclass(frozen=True)
class CompareOutcome:
    """What :func:`run_compare` found (``comparison``: a :class:`~matcher.analysis.changes.Comparison`),
    its one-line summary in the run's language, and the files written."""

    comparison: object
    summary: str
    written: list[Path] = field(default_factory=list)


def run_compare(a: Path, b: Path, out: Path, scenario: Path | None = None, lang: str = "vi") -> CompareOutcome:
    """Compare plan ``a`` with plan ``b`` (result folders or plan tables) and publish
    ``changes.csv``/``.csvt``, ``changes.xlsx``, ``compare.md``, ``compare.json`` and the
    difference map (``diff.png``, ``diff.pdf``, ``diff.html``) to ``out`` in one step."""
    from .analysis.changes import compare_sources
    from .i18n import t
    from .render.diff import diff_image
    from .render.diff_files import compare_files, summary_line
    from .render.diff_web import diff_html

    t("cmp_title", lang)  # an unknown language fails before any work
    check_out_dir(out)
    cmp = compare_sources(a, b, scenario)
    files = compare_files(cmp, lang)
    files.update({"diff.png": diff_image(cmp, lang, "png"), "diff.pdf": diff_image(cmp, lang, "pdf"),
                  "diff.html": diff_html(cmp, lang)})
    protected = [*cmp.inputs, *(Path(s.path) / n for s in (cmp.a, cmp.b) if s.kind == "result"
                                for n in (*PLAN_FILES, *DIAGNOSIS_FILES))]
    written = write_outputs(out, files, protected)
    return CompareOutcome(cmp, summary_line(cmp, lang), written)
