"""``matcher compare A B``: two plans side by side (result folders or plan tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import EXIT_OK
from .options import Lang, check_lang

# the options of this command alone (declared here, once)
PlanA = Annotated[Path, typer.Argument(
    help="Plan A (the baseline): a result folder (matcher solve, evaluate or whatif) or a plan table "
         "(CSV/XLSX with lowland and remote codes or names, e.g. the published list).")]
PlanB = Annotated[Path, typer.Argument(help="Plan B, compared with A: a result folder or a plan table.")]
CompareScenario = Annotated[Optional[Path], typer.Option(
    "--scenario", help="The scenario (.toml or units table) that scores two plan tables; default: Da Nang 2025. "
                       "With a result folder the problem is that folder's.")]
OutCompare = Annotated[Path, typer.Option(
    "--out", help="Folder for changes.csv, changes.xlsx, compare.md, compare.json and diff.png/.pdf/.html.")]


def compare(
    a: PlanA,
    b: PlanB,
    out: OutCompare = ...,
    scenario: CompareScenario = None,
    lang: Lang = "vi",
) -> int:
    """Compare two plans: the pairs kept, added and removed, the units whose partner changed and the
    change in the headline figures, as a change sheet (changes.csv, changes.xlsx), compare.md and
    compare.json, and a difference map (diff.png, diff.pdf, diff.html). Exit 0, or 2 on bad input."""
    from ..jobs import check_out_dir, run_compare

    check_lang(lang)
    check_out_dir(out)
    outcome = run_compare(a, b, out, scenario=scenario, lang=lang)
    typer.echo(outcome.summary)
    for note in outcome.comparison.notes(lang):
        typer.echo(f"- {note}")
    for p in outcome.written:
        typer.echo(f"wrote {p}")
    return EXIT_OK
