"""``matcher rotate``: a proposed head and deputies per emulation cluster and year (issue 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import EXIT_INFEASIBLE, EXIT_OK, err
from .options import Lang, OutFolder, check_lang

ClustersFile = Annotated[Path, typer.Argument(help="The clusters table (CSV/XLSX): code, name, cluster.")]
Years = Annotated[str, typer.Option("--years", help="The years to plan, FIRST..LAST, e.g. 2026..2030.")]
Deputies = Annotated[int, typer.Option("--deputies", help="Deputies (cụm phó) per cluster and year.")]
History = Annotated[Optional[Path], typer.Option(
    "--history", help="Past terms (CSV/XLSX): cluster, year, head_code, optional deputy_codes (';' between).")]
Rule = Annotated[Optional[list[str]], typer.Option(
    "--rule", help="A rule to apply (repeat, or commas): round-robin, no-consecutive, deputy-becomes-head. "
                   "Default: round-robin and no-consecutive. The head is never a deputy.")]


def rotate(clusters: ClustersFile, years: Years, out: OutFolder, deputies: Deputies = 1,
           history: History = None, rule: Rule = None, lang: Lang = "vi") -> int:
    """Propose a rotation of cluster heads (cụm trưởng) and deputies (cụm phó) over the years:
    by default every member heads once before any heads twice, nobody heads two years running,
    counting the history. Heads are elected or acclaimed by the members: this is a proposal,
    with the slack of every choice. Writes rotation.csv, rotation.xlsx and summary.json."""
    from ..clusters.rotation import DEFAULT_RULES, RotationConflict
    from ..clusters.rotation_io import parse_years, write_rotation

    check_lang(lang)
    span = parse_years(years)
    rules = [r.strip() for item in rule for r in item.split(",") if r.strip()] if rule else list(DEFAULT_RULES)
    try:
        terms, found, _ = write_rotation(clusters, span, out, deputies, history, rules, lang)
    except RotationConflict as e:
        for c in e.conflicts:
            err(str(c))
        err("the rules asked cannot all hold; drop one with --rule (e.g. --rule round-robin); nothing was written.")
        return EXIT_INFEASIBLE
    for c, members in found.members.items():
        heads = ", ".join(f"{x.year} {x.head}" for x in terms if x.cluster == c)
        typer.echo(f"cluster {c} ({len(members)} members): {heads}")
    typer.echo(f"wrote {out} (rotation.csv, rotation.xlsx, summary.json); a proposal: heads are elected or "
               "acclaimed by the members")
    return EXIT_OK
