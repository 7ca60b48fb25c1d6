"""``matcher solve``, ``matcher evaluate``, ``matcher validate``: parse, call one job, map to an exit code."""

from __future__ import annotations

from pathlib import Path

import typer

from . import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_OK, err, show_warnings
from .options import (
    FlagCoverage,
    Lang,
    OutCheck,
    OutFolder,
    Plan,
    Quiet,
    Settings,
    Target,
    Verbose,
    Why,
    check_flag_coverage,
    check_lang,
    with_settings,
)


def show_settings(sc) -> None:
    """The effective distance cap, detour factor, metric, partner bounds and time limit,
    each ``[default]`` or where it was given (stderr; summary.json records them too)."""
    from ..io.defaults import effective_settings, settings_block

    err(settings_block(effective_settings(sc)))


def exit_for(status) -> int:
    """The exit code of a result status: 0 a plan, 3 infeasible, 4 no plan in the time limit."""
    from ..result import Status

    if status.has_solution:
        return EXIT_OK
    return EXIT_INFEASIBLE if status is Status.INFEASIBLE else EXIT_NO_SOLUTION


def print_result(problem, result, written) -> None:
    """The status, the stages, the headline figures and the files written (every number by the one
    rule of :mod:`matcher.i18n`: no scientific notation, km with one decimal under 100)."""
    from ..analysis.compare import fmt_stage
    from ..i18n import fmt_km, fmt_number, fmt_percent
    from ..kpis import kpis

    typer.echo(f"status {result.status.value}, {len(result.pairs)} pairs, {fmt_number(result.seconds, 'en', 2)} s")
    for s in result.stages:
        value, bound = (fmt_stage(s.name, s.unit, v, "en") for v in (s.value, s.bound))
        unit = "" if s.name in ("balance", "distance") else f" {s.unit}"  # % and km are in the figures
        typer.echo(f"  {s.name:<9} {s.status.value:<10} value {value} bound {bound}{unit}")
    if result.params.get("stopped_by_wall_clock"):
        typer.echo("warning: the --time-limit deadline stopped the solver before its counted work was done "
                   "(a busy or slower machine); this plan may differ from an idle run's (summary.json: "
                   "solver_params.stopped_by_wall_clock)", err=True)
    if result.status.has_solution:
        k = kpis(problem, result)
        typer.echo(f"smallest coverage {fmt_percent(k.min_coverage, 'en')}, total shortfall "
                   f"{fmt_number(k.total_shortfall, 'en')}, total distance {fmt_km(k.total_distance_km, 'en')}, "
                   f"longest {fmt_km(k.longest_km, 'en')}")
    for p in written or []:
        typer.echo(f"wrote {p}")


def print_changes(changes, lang: str) -> None:
    """The published plan against the new one, and each change with its reason."""
    from ..i18n import t

    typer.echo(t("change_headline", lang, published=changes.published, kept=changes.kept,
                 dropped=len(changes.dropped), added=len(changes.added)))
    for c in changes.changes:
        typer.echo("  " + t(f"change_line_{c.kind}", lang, lowland=f"{c.lowland_name} ({c.lowland_code})",
                            remote=f"{c.remote_name} ({c.remote_code})", why=c.text(lang)))


@with_settings("tables", "rules", "stages", "solver", "baseline")
def solve(
    target: Target = None,
    out: OutFolder = Path("matcher-out"),
    quiet: Quiet = False,
    verbose: Verbose = False,
    lang: Lang = "vi",
    why: Why = False,
    flag_coverage: FlagCoverage = None,
    *,
    settings: Settings,
) -> int:
    """Solve a scenario and write pairs.csv, remote_summary.csv, lowland_summary.csv,
    units.csv (each with a .csvt for QGIS), summary.json and plan.xlsx to --out. When the
    rules cannot all hold (exit 3), write diagnosis.json and diagnosis.md there, beside
    any earlier plan (which is kept; the next plan written there removes the diagnosis)."""
    from ..jobs import check_out_dir, run_solve

    check_lang(lang)
    check_flag_coverage(flag_coverage)
    settings.check()
    check_out_dir(out)
    sc = settings.scenario(target)
    show_settings(sc)
    outcome = run_solve(sc, out, lang, why, progress=None if quiet else err, warn=show_warnings(verbose),
                        flag_coverage=flag_coverage)
    print_result(outcome.problem, outcome.result, [] if outcome.diagnosis else outcome.written)
    if outcome.changes is not None:
        print_changes(outcome.changes, "en")  # the terminal speaks English; the files follow --lang
    if outcome.diagnosis is not None:
        err(outcome.diagnosis_text)
        for p in outcome.written:
            typer.echo(f"wrote {p}")
    elif not outcome.status.has_solution:
        err("no solution found within the time limit; try a longer --time-limit. Nothing was written.")
    return exit_for(outcome.status)


@with_settings("tables", "rules", "stages", "solver")
def evaluate(
    target: Target = None,
    plan: Plan = ...,
    out: OutFolder = Path("matcher-eval"),
    verbose: Verbose = False,
    lang: Lang = "vi",
    flag_coverage: FlagCoverage = None,
    *,
    settings: Settings,
) -> int:
    """Score a hand-made plan with the same outputs, plus the rules it breaks (exit 0)."""
    from ..jobs import check_out_dir, run_evaluate

    check_lang(lang)
    check_flag_coverage(flag_coverage)
    settings.check()
    check_out_dir(out)
    sc = settings.scenario(target)
    show_settings(sc)
    outcome = run_evaluate(sc, plan, out, warn=show_warnings(verbose), lang=lang, flag_coverage=flag_coverage)
    print_result(outcome.problem, outcome.result, outcome.written)
    if outcome.broken:
        typer.echo(f"the plan breaks {len(outcome.broken)} rule(s):")
        for b in outcome.broken:
            typer.echo(f"  - {b}")
    else:
        typer.echo("the plan keeps every rule")
    return EXIT_OK if outcome.result.status.has_solution else exit_for(outcome.result.status)


@with_settings("tables", "rules", "baseline")
def validate(
    target: Target = None,
    verbose: Verbose = False,
    out: OutCheck = None,
    lang: Lang = "vi",
    *,
    settings: Settings,
) -> int:
    """Check every input file and report every problem at once (exit 0 or 2), grouped by
    kind (--verbose: every row); with --out report.xlsx, the full list as a workbook."""
    from ..errors import InputError, issue_lines
    from ..jobs import check_out_file, check_scenario, write_report

    check_lang(lang)
    if out is not None:
        check_out_file(out, (".xlsx",))
    found: list = []
    show = show_warnings(verbose)
    protect = [target] if target is not None else []

    def warn(ws):
        found.extend(ws)
        show(ws)

    try:
        sc = settings.scenario(target)
        protect = sc.inputs
        outcome = check_scenario(sc, warn=warn)
    except InputError as e:
        if out is None:
            raise
        for line in issue_lines(e.issues, verbose):
            err(line)
        path = write_report(out, e.issues, found, protect, lang)
        err(f"{len(e.issues)} problem(s) found; wrote {path}")
        return EXIT_BAD_INPUT
    p = outcome.problem
    typer.echo(f"ok: {len(p.lowland)} lowland, {len(p.remote)} remote, "
               f"{len(p.locked)} locked, {len(p.forbidden)} forbidden pairs, "
               f"{outcome.allowed_pairs} allowed pairs, domains: {', '.join(p.domains) or '(none)'}")
    show_settings(sc)
    if out is not None:
        typer.echo(f"wrote {write_report(out, (), found, protect, lang)}")
    return EXIT_OK
