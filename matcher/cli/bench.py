"""``matcher bench gap``: OR-Library generalized assignment problems through the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import EXIT_OK
from .options import Settings, with_settings

GapFile = Annotated[Path, typer.Argument(help="An OR-Library gapN.txt or a Chu–Beasley/Yagiura single-problem file.",
                                         exists=True, dir_okay=False)]
ProblemIndex = Annotated[Optional[int], typer.Option(
    "--problem", help="Only problem K of the file (1-based); default: all of them.")]
Sense = Annotated[str, typer.Option(
    "--sense", help="min (cost; types A–E) or max (profit: OR-Library states gap1–gap12 so).")]
DEFAULT_TIME_LIMIT_S = 10.0  # per problem
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per problem instead of a table.")]


@with_settings("params.time_limit_s")
def gap(file: GapFile, problem: ProblemIndex = None, sense: Sense = "min", as_json: AsJson = False, *,
        settings: Settings) -> int:
    """Solve GAP problems with matcher's engine: status, objective, bound, gap and seconds per problem.

    Seconds (wall) and cpu (this process's CPU time) cover building and solving each problem,
    not the interpreter's start and imports, which this process pays once before the first."""
    from ..analysis.gap import solve_gap
    from ..errors import InputError, ValidationIssue
    from ..model import SolveParams

    if sense not in ("min", "max"):
        raise InputError([ValidationIssue("--sense", None, None, sense, "must be 'min' or 'max'")])
    settings.check()  # the same check, and message, as every command's --time-limit
    params = SolveParams(time_limit_s=settings.values.get("params.time_limit_s") or DEFAULT_TIME_LIMIT_S)
    rows = solve_gap(file, problem, sense, params)
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r.as_dict()))
        return EXIT_OK
    typer.echo(f"{'instance':<12} {'sense':<5} {'m':>3} {'n':>5} {'status':<9} {'objective':>11} {'bound':>11} "
               f"{'gap':>8} {'seconds':>8} {'cpu':>8}")
    for r in rows:
        def num(x, fmt):
            return "-" if x is None else format(x, fmt)
        typer.echo(f"{r.instance:<12} {r.sense:<5} {r.m:>3} {r.n:>5} {r.status:<9} {num(r.objective, '.1f'):>11} "
                   f"{num(r.bound, '.1f'):>11} {num(r.gap, '.4%'):>8} {r.seconds:>8.2f} {r.cpu_seconds:>8.2f}")
    return EXIT_OK
