"""``matcher template``: a units workbook for one or more provinces, pre-filled from the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import EXIT_OK, err
from .options import Lang, check_lang

Provinces = Annotated[list[str], typer.Option(
    "--province", help="A 2025 province by name (diacritics, case and 'tỉnh'/'thành phố' optional) or code; "
                       "repeat it for a cross-province template.")]
OutTemplate = Annotated[Path, typer.Option("--out", help="The workbook to write, an .xlsx file.")]


def template(province: Provinces, out: OutTemplate = Path("units.xlsx"), lang: Lang = "vi") -> int:
    """Write a units workbook for the province(s): the 2025 units from the registry
    (vietnamadminunits) with codes, names, types, points, areas and former units, a suggested
    role by a declared rule, empty staff columns per domain, a pairs sheet, instructions in
    Vietnamese and English, and a column key. Fill it and run ``matcher solve FILE``."""
    from ..io.template import write_template

    check_lang(lang)
    tpl = write_template(out, province, lang)
    names = ", ".join(f"{p.name} ({p.code})" for p in tpl.provinces)
    c = tpl.counts
    typer.echo(f"{names}: {tpl.n_units} units, suggested {c['lowland']} lowland, {c['remote']} remote "
               f"(source: {tpl.source.cite()})")
    if not tpl.bounds_can_hold:
        err("warning: with the default partner bounds (lowland 1..1, remote 1..3) the suggested roles cannot all "
            "be paired (needs remote <= lowland <= 3 x remote); change roles or partner bounds before solving")
    if not tpl.labels:
        err("note: row 1 holds the machine column names (code, name, role, ...); the Vietnamese labels are in "
            "the header comments and on the column key sheet")
    typer.echo(f"wrote {tpl.path}")
    _check(tpl.path)
    return EXIT_OK


def _check(path: Path, seconds: float = 5.0) -> None:
    """Say whether the template, as written, can be paired under the bare-table defaults (a
    feasibility probe of at most ``seconds``): the suggested roles are a rule, not a plan."""
    from dataclasses import replace

    from .. import feasible, load_problem, load_scenario
    from ..result import Status

    sc = load_scenario(path)
    problem, _ = load_problem(sc)
    status = feasible(problem, replace(sc.params, time_limit_s=min(seconds, sc.params.time_limit_s)))
    if status is Status.INFEASIBLE:
        err(f"warning: as written, with the default rules, the suggested roles cannot all be paired (proven); "
            f"run `matcher diagnose {path}` for the rules in conflict and the fixes checked, then change roles "
            "or partner bounds, or give --max-distance-km")
    elif status is not Status.OPTIMAL:
        err(f"note: whether the suggested roles can all be paired was not decided in {seconds:.0f} s")
