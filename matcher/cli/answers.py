"""``matcher diagnose`` and ``matcher whatif``: questions asked of a scenario or a result."""

from __future__ import annotations

from typing import Annotated

import typer

from . import EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_OK, show_warnings
from .options import Lang, OutReport, PairList, ResultDir, Settings, Target, check_lang, pair_args, with_settings


@with_settings("tables", "rules", "params.time_limit_s")
def diagnose(
    target: Target = None,
    out: OutReport = None,
    lang: Lang = "vi",
    *,
    settings: Settings,
) -> int:
    """Why a scenario has no plan: quick checks, a minimal set of conflicting rules, and
    fixes verified by a re-solve (exit 0; the report is also written with --out)."""
    from ..jobs import check_out_dir, run_diagnose

    check_lang(lang)
    settings.check()
    check_out_dir(out)
    from .plan import show_settings

    sc = settings.scenario(target)
    show_settings(sc)
    outcome = run_diagnose(sc, out, lang, warn=show_warnings())
    typer.echo(outcome.text)
    for p in outcome.written:
        typer.echo(f"wrote {p}")
    return EXIT_OK


@with_settings("params.time_limit_s")
def whatif(
    result_dir: ResultDir,
    force: PairList = None,
    forbid: PairList = None,
    release: PairList = None,
    out: OutReport = None,
    lang: Lang = "vi",
    only: Annotated[bool, typer.Option("--only", help="Keep every other pair as it is: the cost of exactly this "
                                                      "change, or why it cannot be made alone.")] = False,
    fewest: Annotated[bool, typer.Option("--fewest-changes", help="Move as few other pairs as the rules allow.")]
    = False,
    *,
    settings: Settings,
) -> int:
    """Re-solve a result with pairs forced (--force), forbidden (--forbid) or an existing rule
    lifted (--release), and report the cost per objective stage and the pairs that moved, or
    why it is impossible. The same change is answered three ways side by side (every other
    pair kept, fewest other changes, everything re-optimised); --only / --fewest-changes
    choose which plan is written (default: re-optimised). Exit 0 possible, 3 impossible,
    4 undecided in the time limit."""
    from ..jobs import check_out_dir, run_whatif

    check_lang(lang)
    changes = pair_args(force=force, forbid=forbid, release=release)
    settings.check()
    check_out_dir(out)
    if only and fewest:
        from ..errors import InputError, ValidationIssue

        raise InputError([ValidationIssue("--only", None, None, "--fewest-changes", "choose one of the two modes")])
    mode = "only" if only else "fewest" if fewest else "reoptimise"
    outcome = run_whatif(result_dir, **changes, out=out, lang=lang, mode=mode,
                         time_limit_s=settings.values.get("params.time_limit_s"))
    typer.echo(outcome.text)
    for p in outcome.written:
        typer.echo(f"wrote {p}")
    return {"possible": EXIT_OK, "impossible": EXIT_INFEASIBLE}.get(outcome.status, EXIT_NO_SOLUTION)
