"""``matcher cluster``: balanced, contiguous emulation clusters (cụm thi đua) of units (issue 12)."""

from __future__ import annotations

import typer

from . import EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_OK, err
from .options import (
    Balance,
    Boundaries,
    BoundariesCode,
    ClusterDeputies,
    ClusterFromPlan,
    ClusterK,
    ClusterSize,
    ClusterTarget,
    ClusterTimeLimit,
    ClusterYears,
    Contiguous,
    Lang,
    MaxMoves,
    OutFolder,
    Pin,
    Quiet,
    SeparateTypes,
    check_lang,
)

RULE_WORDS = {"band": "the size band", "contiguity": "contiguity", "pins": "the pins",
              "separate types": "separate types", "max moves": "max moves"}


def cluster(target: ClusterTarget, out: OutFolder, k: ClusterK = None, size: ClusterSize = None,
            boundaries: Boundaries = None, boundaries_code: BoundariesCode = None, balance: Balance = None,
            contiguous: Contiguous = None, separate_types: SeparateTypes = None, pin: Pin = None,
            from_plan: ClusterFromPlan = None, max_moves: MaxMoves = None, years: ClusterYears = None,
            deputies: ClusterDeputies = None, time_limit: ClusterTimeLimit = None, lang: Lang = "vi",
            quiet: Quiet = False) -> int:
    """Group units into balanced, contiguous emulation clusters (cụm thi đua): every unit in one
    cluster, sizes in the band, the balanced attributes as even as possible, then compact clusters
    around a host. Writes clusters.csv, cluster_summary.csv, neighbours.csv, summary.json, plan.xlsx,
    plan.gpkg (and rotation.csv with --years). --time-limit counts deterministic seconds."""
    from ..clusters.cluster_io import options_from
    from ..clusters.cluster_job import ClusterInfeasible, run_cluster
    from ..io.outpaths import check_out_dir

    check_lang(lang)
    check_out_dir(out)
    cli = {"k": k, "size": size, "boundaries": boundaries, "boundaries_code": boundaries_code, "balance": balance,
           "contiguous": contiguous, "separate_types": separate_types, "pins": pin or None, "from_plan": from_plan,
           "max_moves": max_moves, "years": years, "deputies": deputies, "time_limit": time_limit,
           "lang": None if lang == "vi" else lang}
    options = options_from(target, cli)
    progress = (lambda s: None) if quiet else err
    from ..clusters.rotation import RotationConflict

    try:
        run = run_cluster(options, out, progress)
    except RotationConflict as e:
        for c in e.conflicts:
            err(str(c))
        err("the rotation rules cannot all hold for these clusters; run without --years, then matcher rotate "
            "with --rule; nothing was written.")
        return EXIT_INFEASIBLE
    except ClusterInfeasible as e:
        rules = ", ".join(RULE_WORDS[r] for r in e.rules) or "none"
        err(f"infeasible: no grouping of the units meets every rule (rules in force: {rules}).")
        for r in e.unblocking:
            err(f"  relaxing {RULE_WORDS[r]} alone makes a grouping possible")
        for r in e.unknown:
            err(f"  relaxing {RULE_WORDS[r]} alone: not settled within the check's budget")
        if not e.unblocking:
            err("  no single rule alone unblocks it; relax two (or widen --size)")
        err("nothing was written.")
        return EXIT_INFEASIBLE
    res = run.result
    typer.echo(f"k = {run.k} clusters of {run.size[0]}..{run.size[1]}; status {res.status.name}")
    for st in res.stages:
        typer.echo(f"  stage {st.name}: {st.status.name}, value {st.value}, bound {st.bound} {st.unit}".rstrip())
    if not run.labels:
        err("no grouping found within the time limit; nothing was written (raise --time-limit).")
        return EXIT_NO_SOLUTION
    from ..clusters.cluster_out import deviations

    for a, d in deviations(run).items():
        typer.echo(f"  largest deviation of {a}: {max(abs(v) for v in d.values()):.2f}% of the mean")
    if run.moves is not None:
        typer.echo(f"  units moved from the previous grouping: {run.moves}")
    typer.echo(f"wrote {out} ({', '.join(sorted(p.name for p in run.files if p.suffix != '.csvt'))})")
    return EXIT_OK
