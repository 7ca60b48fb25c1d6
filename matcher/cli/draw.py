"""``matcher map`` and ``matcher report``: a result folder drawn as one file."""

from __future__ import annotations

import typer

from . import EXIT_OK, show_warnings
from .options import (
    Boundaries,
    BoundariesCode,
    CommunePages,
    Final,
    Lang,
    OutMap,
    OutPack,
    PackName,
    Paper,
    ResultDir,
    check_lang,
    check_paper,
)


def map_(
    result_dir: ResultDir,
    out: OutMap,
    boundaries: Boundaries = None,
    lang: Lang = "vi",
    paper: Paper = "a4",
    boundaries_code: BoundariesCode = None,
) -> int:
    """Draw a result as a map: static (PNG, PDF, SVG; A4 landscape or --paper a3) or one offline HTML file."""
    from ..jobs import draw_map_file

    check_lang(lang)
    check_paper(paper)
    written = draw_map_file(result_dir, out, boundaries, lang, paper=paper, boundaries_code=boundaries_code,
                            warn=show_warnings())
    typer.echo(f"wrote {written}")
    return EXIT_OK


def report(
    result_dir: ResultDir,
    out: OutPack,
    boundaries: Boundaries = None,
    lang: Lang = "vi",
    paper: Paper = "a4",
    final: Final = False,
    name: PackName = None,
    commune_pages: CommunePages = None,
    boundaries_code: BoundariesCode = None,
) -> int:
    """Build the committee review pack (PDF): cover, map, checks, pairs, coverage, why each partner,
    one page per remote commune, assumptions, approval; marked DRAFT until --final."""
    from ..jobs import write_pack_file

    check_lang(lang)
    check_paper(paper)
    written = write_pack_file(result_dir, out, boundaries, lang, paper=paper, final=final, name=name,
                              commune_pages=commune_pages, boundaries_code=boundaries_code,
                              warn=show_warnings())
    typer.echo(f"wrote {written}")
    return EXIT_OK
