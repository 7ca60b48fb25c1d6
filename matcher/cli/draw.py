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
    RotationFile,
    Year,
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
    year: Year = None,
    rotation: RotationFile = None,
) -> int:
    """Draw a result as a map: static (PNG, PDF, SVG; A4 landscape or --paper a3) or one offline HTML file.
    A cluster folder (matcher cluster): each cluster in its colour, the host or, with --year, that year's head."""
    from ..jobs import draw_map_file
    from ..render.cluster_files import cluster_dispatch, cluster_map_file

    check_lang(lang)
    check_paper(paper)
    if cluster_dispatch(result_dir, year, rotation):  # issue 12: a cluster folder
        written = cluster_map_file(result_dir, out, boundaries, lang, paper, boundaries_code, year, show_warnings(),
                                   rotation)
        typer.echo(f"wrote {written}")
        return EXIT_OK
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
    year: Year = None,
    rotation: RotationFile = None,
) -> int:
    """Build the committee review pack (PDF): cover, map, checks, pairs, coverage, why each partner,
    one page per remote commune, assumptions, approval; marked DRAFT until --final. A cluster folder: the
    cluster pack (map, balance, members, rotation, assumptions, approval)."""
    from ..jobs import write_pack_file
    from ..render.cluster_files import cluster_dispatch, cluster_pack_file

    check_lang(lang)
    check_paper(paper)
    if cluster_dispatch(result_dir, year, rotation):  # issue 12: a cluster folder
        written = cluster_pack_file(result_dir, out, boundaries, lang, paper=paper, final=final, name=name,
                                    boundaries_code=boundaries_code, year=year, warn=show_warnings(),
                                    rotation=rotation)
        typer.echo(f"wrote {written}")
        return EXIT_OK
    written = write_pack_file(result_dir, out, boundaries, lang, paper=paper, final=final, name=name,
                              commune_pages=commune_pages, boundaries_code=boundaries_code,
                              warn=show_warnings())
    typer.echo(f"wrote {written}")
    return EXIT_OK
