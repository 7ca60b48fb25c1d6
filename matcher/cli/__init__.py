"""Command line: ``matcher solve | validate | evaluate``. Thin: parse, call, print, exit.

Exit codes: 0 solved (optimal or feasible) / valid, 2 bad input, 3 infeasible,
4 no solution within the time limit, 1 internal error.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import __version__
from ..errors import InputError
from ..io.files import write_outputs
from ..io.inputs import (
    Scenario,
    load_problem,
    load_scenario,
    parse_objectives,
    parse_tolerances,
    read_plan,
    with_overrides,
)
from ..io.result_tables import broken_rules, kpis, output_files
from ..model import Problem
from ..result import Result, Status

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Pair lowland and remote communes for kết nghĩa twinning (CP-SAT).",
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 2, 3, 4
_state = {"debug": False}


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"matcher {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """matcher: balanced, explainable twinning plans."""
    _state["debug"] = debug


Target = Annotated[Optional[Path], typer.Argument(
    help="Scenario .toml or a units table (CSV/XLSX/GeoJSON/GPKG). Default: Da Nang 2025.")]
PairsOpt = Annotated[Optional[Path], typer.Option("--pairs", help="Pairs table (locked/forbidden).")]
TravelOpt = Annotated[Optional[Path], typer.Option("--travel", help="Travel table (km, minutes).")]
CapOpt = Annotated[Optional[float], typer.Option("--max-distance-km", help="Distance cap, road km.")]
MinOpt = Annotated[Optional[float], typer.Option("--max-minutes", help="Travel-time cap, minutes.")]
DetourOpt = Annotated[Optional[float], typer.Option("--detour-factor", help="Road km per geodesic km.")]
MetricOpt = Annotated[Optional[str], typer.Option("--distance-metric", help="km or minutes.")]
RemoteMaxOpt = Annotated[Optional[int], typer.Option("--remote-max-partners", help="Max partners of a remote unit.")]
LowMaxOpt = Annotated[Optional[int], typer.Option("--lowland-max-partners", help="Max partners of a lowland unit.")]
RemoteMinOpt = Annotated[Optional[int], typer.Option("--remote-min-partners", help="Min partners of a remote unit.")]
LowMinOpt = Annotated[Optional[int], typer.Option("--lowland-min-partners", help="Min partners of a lowland unit.")]
ObjOpt = Annotated[Optional[str], typer.Option(
    "--objectives", help="Stage order, comma-separated, from balance,shortfall,distance.")]
TolOpt = Annotated[Optional[list[str]], typer.Option(
    "--tolerance", help="Relative slack a stage leaves to the next, e.g. balance=0.05 (repeatable).")]
TimeOpt = Annotated[Optional[float], typer.Option("--time-limit", help="Seconds for all stages together.")]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", help="CP-SAT workers (1 = reproducible).")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", help="Random seed.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder for the result files.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")]


def _guard(fn, writes: bool = True):
    """Run a command body: bad input -> exit 2 with one line per problem, no traceback."""
    try:
        with warnings.catch_warnings(record=True):
            return fn()
    except InputError as e:
        for issue in e.issues:
            _err(str(issue))
        _err(f"{len(e.issues)} problem(s) found" + ("; nothing was written." if writes else "."))
        if _state["debug"]:
            traceback.print_exc()
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except typer.Exit:
        raise
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        raise typer.Exit(0) from None
    except Exception as e:
        if _state["debug"]:
            raise
        _err(f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)")
        raise typer.Exit(1) from None


def _scenario(target, pairs=None, travel=None, time_limit=None, workers=None, seed=None,
              objectives=None, tolerance=None, **rules) -> Scenario:
    """The scenario, with command-line options over the file's settings."""
    sc = load_scenario(target)
    rules["objectives"] = parse_objectives(objectives)
    if tolerance:
        rules["tolerances"] = {**sc.rules.tolerances, **parse_tolerances(tolerance)}
    return with_overrides(
        sc, pairs=pairs, travel=travel, rules=rules,
        params={"time_limit_s": time_limit, "workers": workers, "seed": seed},
    )


def _check_out(out: Path | None) -> None:
    """--out must be a folder (or not exist yet), checked before any work is done."""
    from ..errors import ValidationIssue

    if out is not None and Path(out).exists() and not Path(out).is_dir():
        raise InputError([ValidationIssue("--out", None, None, str(out), "is a file; give a folder")])


PLAN_FILES = ("pairs.csv", "pairs.csvt", "remote_summary.csv", "remote_summary.csvt", "lowland_summary.csv",
              "lowland_summary.csvt", "units.csv", "units.csvt", "summary.json", "plan.xlsx")
DIAGNOSIS_FILES = ("diagnosis.json", "diagnosis.md")


def _drop_stale(out: Path, names: tuple[str, ...]) -> None:
    """Remove our own files of the other kind left by an earlier run (a plan beside a new
    diagnosis, or the reverse), so a folder never shows two answers at once."""
    for name in names:
        p = Path(out) / name
        if p.is_file():
            p.unlink()
            _err(f"removed {p} (from an earlier run)")


def _tables(sc: Scenario) -> dict[str, str | None]:
    """The pairs and travel tables a run used, recorded so that a result can be re-solved."""
    return {"pairs": str(sc.pairs) if sc.pairs else None, "travel": str(sc.travel) if sc.travel else None}


def _check_lang(lang: str) -> None:
    from ..errors import ValidationIssue
    from ..i18n import LANGS

    if lang not in LANGS:
        raise InputError([ValidationIssue("--lang", None, None, lang, f"use one of {', '.join(LANGS)}")])


def _load(sc: Scenario) -> tuple[Problem, list[str]]:
    problem, warns = load_problem(sc)
    for w in warns:
        _err(f"warning: {w}")
    return problem, warns


def _exit_for(result: Result) -> int:
    if result.status.has_solution:
        return 0
    if result.status is Status.INFEASIBLE:
        return EXIT_INFEASIBLE
    return EXIT_NO_SOLUTION


def _print_result(problem: Problem, result: Result, written: list[Path] | None) -> None:
    typer.echo(result.summary())
    if result.status.has_solution:
        k = kpis(problem, result)
        typer.echo(f"smallest coverage {k.min_coverage:.3f}, total shortfall {k.total_shortfall}, "
                   f"total distance {k.total_distance_km:.1f} km, longest {k.longest_km:.1f} km")
    for p in written or []:
        typer.echo(f"wrote {p}")


@app.command()
def solve(
    target: Target = None, out: OutOpt = Path("matcher-out"), pairs: PairsOpt = None,
    travel: TravelOpt = None, max_distance_km: CapOpt = None, max_minutes: MinOpt = None,
    detour_factor: DetourOpt = None, distance_metric: MetricOpt = None,
    remote_max_partners: RemoteMaxOpt = None, lowland_max_partners: LowMaxOpt = None,
    remote_min_partners: RemoteMinOpt = None, lowland_min_partners: LowMinOpt = None,
    objectives: ObjOpt = None, tolerance: TolOpt = None,
    time_limit: TimeOpt = None, workers: WorkersOpt = None, seed: SeedOpt = None,
    quiet: QuietOpt = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the diagnosis if infeasible: vi or en.")] = "vi",
    why: Annotated[bool, typer.Option(
        "--why", help="Explain every pair in pairs.csv: domains, distance rank, and which objective stage "
                      "decided it (one re-solve per new pair: about a minute for Da Nang).")] = False,
) -> None:
    """Solve a scenario and write pairs.csv, remote_summary.csv, lowland_summary.csv,
    units.csv (each with a .csvt for QGIS), summary.json and plan.xlsx to --out. When the
    rules cannot all hold (exit 3), write diagnosis.json and diagnosis.md there instead."""
    from ..engine.stages import solve as run_solve

    def body():
        _check_lang(lang)
        _check_out(out)
        sc = _scenario(
            target, pairs, travel, time_limit, workers, seed, objectives, tolerance,
            max_distance_km=max_distance_km, max_minutes=max_minutes, detour_factor=detour_factor,
            distance_metric=distance_metric, remote_max_partners=remote_max_partners,
            lowland_max_partners=lowland_max_partners, remote_min_partners=remote_min_partners,
            lowland_min_partners=lowland_min_partners,
        )
        problem, warns = _load(sc)
        progress = None if quiet else _err
        if progress:
            progress(f"{problem.name}: {len(problem.lowland)} lowland, {len(problem.remote)} remote, "
                     f"{len(problem.locked)} locked pairs; time limit {sc.params.time_limit_s:g} s")
        result = run_solve(problem, sc.params, progress)
        written = None
        if result.status.has_solution:
            reasons = None
            if why:
                from ..analysis.explain import why as explain

                if progress:
                    progress("explaining every pair (one re-solve per new pair) ...")
                reasons = explain(problem, result, sc.params)
            files = output_files(problem, result, str(sc.path) if sc.path else str(sc.units), warns,
                                 why=reasons, inputs=_tables(sc))
            written = write_outputs(out, files, sc.inputs)
            _drop_stale(out, DIAGNOSIS_FILES)
        _print_result(problem, result, written)
        if result.status is Status.INFEASIBLE:
            from ..analysis.diagnose import diagnose as run_diagnose
            from ..analysis.diagnose import diagnosis_markdown, write_diagnosis

            _err("infeasible: the rules cannot all hold; diagnosing ...")
            d = run_diagnose(problem, sc.params, lang)
            _err(diagnosis_markdown(d, lang))
            for p in write_diagnosis(d, out, lang) or []:
                typer.echo(f"wrote {p}")
            _drop_stale(out, PLAN_FILES)
        elif not result.status.has_solution:
            _err("no solution found within the time limit; try a longer --time-limit. Nothing was written.")
        return _exit_for(result)

    raise typer.Exit(_guard(body))


@app.command()
def validate(
    target: Target = None, pairs: PairsOpt = None, travel: TravelOpt = None,
) -> None:
    """Check every input file and report every problem at once (exit 0 or 2)."""

    def body():
        sc = with_overrides(load_scenario(target), pairs=pairs, travel=travel)
        problem, _ = _load(sc)
        from ..distance import candidates

        n = len(candidates(problem))
        typer.echo(f"ok: {len(problem.lowland)} lowland, {len(problem.remote)} remote, "
                   f"{len(problem.locked)} locked, {len(problem.forbidden)} forbidden pairs, "
                   f"{n} allowed pairs, domains: {', '.join(problem.domains) or '(none)'}")
        return 0

    raise typer.Exit(_guard(body, writes=False))


@app.command()
def evaluate(
    target: Target = None,
    plan: Annotated[
        Path, typer.Option("--plan", help="The plan to score: a table with lowland_code, remote_code.")
    ] = ...,
    out: OutOpt = Path("matcher-eval"), pairs: PairsOpt = None, travel: TravelOpt = None,
    max_distance_km: CapOpt = None, max_minutes: MinOpt = None, detour_factor: DetourOpt = None,
    distance_metric: MetricOpt = None,
    remote_max_partners: RemoteMaxOpt = None, lowland_max_partners: LowMaxOpt = None,
    remote_min_partners: RemoteMinOpt = None, lowland_min_partners: LowMinOpt = None,
    objectives: ObjOpt = None,
    time_limit: TimeOpt = None, workers: WorkersOpt = None, seed: SeedOpt = None,
) -> None:
    """Score a hand-made plan with the same outputs, plus the rules it breaks (exit 0)."""
    from ..engine.stages import evaluate as run_evaluate

    def body():
        _check_out(out)
        sc = _scenario(
            target, pairs, travel, time_limit, workers, seed, objectives, None,
            max_distance_km=max_distance_km, max_minutes=max_minutes, detour_factor=detour_factor,
            distance_metric=distance_metric, remote_max_partners=remote_max_partners,
            lowland_max_partners=lowland_max_partners, remote_min_partners=remote_min_partners,
            lowland_min_partners=lowland_min_partners,
        )
        problem, warns = _load(sc)
        plan_pairs = read_plan(plan, problem)
        result = run_evaluate(problem, plan_pairs, sc.params)
        broken = broken_rules(problem, result)
        files = output_files(problem, result, str(sc.path) if sc.path else str(sc.units), warns, broken,
                             inputs=_tables(sc))
        written = write_outputs(out, files, [*sc.inputs, Path(plan)])
        _print_result(problem, result, written)
        if broken:
            typer.echo(f"the plan breaks {len(broken)} rule(s):")
            for b in broken:
                typer.echo(f"  - {b}")
        else:
            typer.echo("the plan keeps every rule")
        return 0 if result.status.has_solution else _exit_for(result)

    raise typer.Exit(_guard(body))


LangOpt = Annotated[str, typer.Option("--lang", help="Language of every label: vi (default) or en.")]


@app.command()
def diagnose(
    target: Target = None, out: Annotated[Optional[Path], typer.Option(
        "--out", help="Folder for diagnosis.json and diagnosis.md (optional).")] = None,
    pairs: PairsOpt = None, travel: TravelOpt = None, max_distance_km: CapOpt = None,
    max_minutes: MinOpt = None, detour_factor: DetourOpt = None,
    remote_max_partners: RemoteMaxOpt = None, lowland_max_partners: LowMaxOpt = None,
    remote_min_partners: RemoteMinOpt = None, lowland_min_partners: LowMinOpt = None,
    time_limit: Annotated[Optional[float], typer.Option(
        "--time-limit", help="Seconds for each feasibility check.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: vi (default) or en.")] = "vi",
) -> None:
    """Why a scenario has no plan: quick checks, a minimal set of conflicting rules, and
    fixes verified by a re-solve (exit 0; the report is also written with --out)."""

    def body():
        from ..analysis.diagnose import diagnose as run_diagnose
        from ..analysis.diagnose import diagnosis_markdown, write_diagnosis

        _check_lang(lang)
        _check_out(out)
        sc = _scenario(
            target, pairs, travel, time_limit, None, None, None, None,
            max_distance_km=max_distance_km, max_minutes=max_minutes, detour_factor=detour_factor,
            remote_max_partners=remote_max_partners, lowland_max_partners=lowland_max_partners,
            remote_min_partners=remote_min_partners, lowland_min_partners=lowland_min_partners,
        )
        problem, _ = _load(sc)
        d = run_diagnose(problem, sc.params, lang)
        typer.echo(diagnosis_markdown(d, lang))
        if out is not None:
            for p in write_diagnosis(d, out, lang) or []:
                typer.echo(f"wrote {p}")
        return 0

    raise typer.Exit(_guard(body, writes=False))
BoundOpt = Annotated[Optional[Path], typer.Option(
    "--boundaries", help="Polygons (GeoJSON, GeoPackage, Shapefile) with a 'code' column, any declared CRS.")]
ResultDir = Annotated[Path, typer.Argument(help="A folder written by matcher solve or matcher evaluate.")]


def _map_inputs(result_dir: Path, boundaries: Path | None, lang: str, out: Path, suffixes: tuple[str, ...]):
    """Read a result folder and boundaries for drawing; check --lang and --out first."""
    from ..errors import ValidationIssue
    from ..io.inputs import read_boundaries
    from ..io.resultdir import read_result_dir

    _check_lang(lang)
    if out.suffix.lower() not in suffixes:
        raise InputError([ValidationIssue("--out", None, None, str(out),
                                          f"use a file ending in {', '.join(suffixes)}")])
    view = read_result_dir(result_dir)
    polys = read_boundaries(boundaries) if boundaries else None
    return view, polys


def _publish(out: Path, write) -> None:
    """Write to a temporary file beside ``out``, then move it into place (never half-written)."""
    import os
    import tempfile

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".matcher-", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    typer.echo(f"wrote {out}")


@app.command("map")
def map_(
    result_dir: ResultDir,
    out: Annotated[Path, typer.Option("--out", help="FILE.png, .pdf, .svg (static) or .html (interactive).")],
    boundaries: BoundOpt = None,
    lang: LangOpt = "vi",
) -> None:
    """Draw a result as a map: static (PNG, PDF at A3, SVG) or one offline HTML file."""

    def body():
        view, polys = _map_inputs(result_dir, boundaries, lang, out, (".png", ".pdf", ".svg", ".html"))
        if out.suffix.lower() == ".html":
            from ..render.web import render_html

            _publish(out, lambda p: p.write_text(render_html(view, polys, lang), encoding="utf-8"))
        else:
            from ..render.maps import save_map

            name = boundaries.name if boundaries else None
            _publish(out, lambda p: save_map(view, polys, lang, p, name))
        return 0

    raise typer.Exit(_guard(body))


@app.command()
def report(
    result_dir: ResultDir,
    out: Annotated[Path, typer.Option("--out", help="The review pack, a .pdf file.")],
    boundaries: BoundOpt = None,
    lang: LangOpt = "vi",
) -> None:
    """Build the committee review pack (PDF): cover, map, pairs, coverage, assumptions."""

    def body():
        from ..render.pack import write_pack

        view, polys = _map_inputs(result_dir, boundaries, lang, out, (".pdf",))
        _publish(out, lambda p: write_pack(view, polys, lang, p))
        return 0

    raise typer.Exit(_guard(body))


PairList = Annotated[Optional[list[str]], typer.Option(help="LOWLAND_CODE:REMOTE_CODE (repeatable).")]


@app.command()
def whatif(
    result_dir: ResultDir,
    force: PairList = None,
    forbid: PairList = None,
    release: PairList = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Folder for whatif.json, whatif.md and the new plan's files (optional).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: vi (default) or en.")] = "vi",
    time_limit: TimeOpt = None,
) -> None:
    """Re-solve a result with pairs forced (--force), forbidden (--forbid) or an existing rule
    lifted (--release), and report the cost per objective stage and the pairs that moved, or
    why it is impossible. Exit 0 possible, 3 impossible, 4 undecided in the time limit."""

    def body():
        from dataclasses import replace as _replace

        from ..analysis.whatif import what_if, whatif_json, whatif_markdown
        from ..io.inputs import parse_pair_args
        from ..io.resultdir import problem_for_result, read_result_dir

        _check_lang(lang)
        changes = {name: parse_pair_args(f"--{name}", items or []) for name, items in
                   (("force", force), ("forbid", forbid), ("release", release))}
        _check_out(out)
        problem, params = problem_for_result(result_dir)
        if time_limit is not None:
            try:
                params = _replace(params, time_limit_s=time_limit)
            except ValueError as e:
                from ..errors import ValidationIssue

                raise InputError([ValidationIssue("--time-limit", None, None, time_limit, str(e))]) from None
        base = read_result_dir(result_dir)
        w = what_if(problem, params, base, **changes)
        text = whatif_markdown(w, lang)
        typer.echo(text)
        if out is not None:
            files: dict = {"whatif.md": None, "whatif.json": None}
            origin = base.summary.get("scenario", {})
            if w.result is not None and w.result.status.has_solution:
                files = {**output_files(problem, w.result, origin.get("file"), [], inputs={
                    "pairs": origin.get("pairs_file"), "travel": origin.get("travel_file")}), **files}
            files["whatif.md"], files["whatif.json"] = text, whatif_json(w)
            protected = [Path(result_dir) / n for n in PLAN_FILES]
            if origin.get("file"):
                protected += load_scenario(Path(origin["file"])).inputs
            protected += [Path(f) for f in (origin.get("pairs_file"), origin.get("travel_file")) if f]
            for p in write_outputs(out, files, protected):
                typer.echo(f"wrote {p}")
        return {"possible": 0, "impossible": EXIT_INFEASIBLE}.get(w.status, EXIT_NO_SOLUTION)

    raise typer.Exit(_guard(body))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
