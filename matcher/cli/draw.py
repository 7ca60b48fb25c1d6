"""``matcher map`` and ``matcher report``: a result folder drawn as one file."""

from __future__ import annotations

import typer

from . import EXIT_OK
from .options import Boundaries, Lang, OutMap, OutPack, ResultDir, check_lang


def map_(
    result_dir: ResultDir,
    out: OutMap,
    boundaries: Boundaries = None,
    lang: Lang = "vi",
) -> int:
    """Draw a result as a map: static (PNG, PDF at A3, SVG) or one offline HTML file."""
    from ..jobs import draw_map_file

    check_lang(lang)
    typer.echo(f"wrote {draw_map_file(result_dir, out, boundaries, lang)}")
    return EXIT_OK


def report(
    result_dir: ResultDir,
    out: OutPack,
    boundaries: Boundaries = None,
    lang: Lang = "vi",
) -> int:
    """Build the committee review pack (PDF): cover, map, pairs, coverage, assumptions."""
    from ..jobs import write_pack_file

    check_lang(lang)
    typer.echo(f"wrote {write_pack_file(result_dir, out, boundaries, lang)}")
    return EXIT_OK
