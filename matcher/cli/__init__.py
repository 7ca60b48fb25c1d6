"""Command line: ``matcher solve | validate | evaluate | diagnose | whatif | map | report``.

Thin: each command (in :mod:`.plan`, :mod:`.answers`, :mod:`.draw`) parses its options
(declared once in :mod:`.options`), calls one function of :mod:`matcher.jobs`, prints the
outcome and returns an exit code. This module holds the app, ``--version``/``--debug``,
the error guard every command runs in, and the exit codes:

0 solved (optimal or feasible) / valid, 2 bad input, 3 infeasible (or a what-if impossible),
4 no solution within the time limit, 1 internal error.
"""

from __future__ import annotations

import functools
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Annotated

import typer

from .. import __version__
from ..errors import InputError, group_warnings, issue_lines

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Pair lowland and remote communes for kết nghĩa twinning (CP-SAT).",
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4
_state = {"debug": False}


def err(msg: str) -> None:
    """One line on stderr."""
    typer.echo(msg, err=True)


def show_warnings(verbose: bool = False) -> Callable[[list], None]:
    """A ``warn`` callback for :mod:`matcher.jobs`: one line per kind of warning on stderr;
    with ``verbose``, every detail line under it."""

    def show(found: list) -> None:
        for w in group_warnings(found):
            err(f"warning: {w}")
            if verbose:
                for detail in w.details:
                    err(f"  {detail}")

    return show


def _version(value: bool) -> None:
    if value:
        typer.echo(f"matcher {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """matcher: balanced, explainable twinning plans."""
    _state["debug"] = debug
    from .history import record_command

    record_command(ctx, debug)  # the command line, for the run record in summary.json (issue 10)


def guard(fn: Callable[..., int], writes: bool = True) -> Callable[..., None]:
    """Wrap a command: its return value is the exit code; bad input -> exit 2 with one line per
    problem and no traceback; anything else -> exit 1 with one line (``--debug`` re-raises)."""

    @functools.wraps(fn)
    def command(*args, **kwargs) -> None:
        try:
            with warnings.catch_warnings(record=True):
                code = fn(*args, **kwargs)
        except InputError as e:
            for line in issue_lines(e.issues, verbose=bool(kwargs.get("verbose"))):  # grouped by kind
                err(line)
            err(f"{len(e.issues)} problem(s) found" + ("; nothing was written." if writes else "."))
            if _state["debug"]:
                traceback.print_exc()
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except typer.Exit:
            raise
        except BrokenPipeError:  # output piped into `head` and the like
            sys.stderr.close()
            raise typer.Exit(EXIT_OK) from None
        except Exception as e:
            if _state["debug"]:
                raise
            err(f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)")
            raise typer.Exit(EXIT_INTERNAL) from None
        raise typer.Exit(code or EXIT_OK)

    return command


def _register() -> None:
    from . import answers, draw, plan, template

    for fn, name, writes in ((plan.solve, "solve", True), (plan.validate, "validate", False),
                             (plan.evaluate, "evaluate", True), (answers.diagnose, "diagnose", False),
                             (answers.whatif, "whatif", True), (draw.map_, "map", True),
                             (draw.report, "report", True), (template.template, "template", True)):
        app.command(name)(guard(fn, writes))
    from . import history

    app.command("history")(guard(history.history, writes=True))  # issue 10: run history
    from . import compare

    app.command("compare")(guard(compare.compare, writes=True))  # issue 10: compare two plans
    from . import sweep

    app.command("sweep")(guard(sweep.sweep, writes=True))  # issue 10: sweeps
    from . import rotate

    app.command("rotate")(guard(rotate.rotate, writes=True))  # issue 12: rotation
    from . import cluster

    app.command("cluster")(guard(cluster.cluster, writes=True))  # issue 12: cluster command
    from . import bench

    bench_app = typer.Typer(help="Benchmarks through matcher's engine (OR-Library GAP).", no_args_is_help=True)
    bench_app.command("gap")(guard(bench.gap, writes=False))
    app.add_typer(bench_app, name="bench")


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
