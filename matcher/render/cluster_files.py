"""``matcher map`` and ``matcher report`` on a cluster result folder (issue 12): the one-file flows.

:func:`cluster_dispatch` tells :mod:`matcher.jobs` whether a folder is a cluster folder
(summary.json ``"kind": "clusters"``) and refuses ``--year`` on any other folder (exit 2).
:func:`cluster_map_file` and :func:`cluster_pack_file` read the folder
(:func:`matcher.clusters.cluster_view.read_cluster_dir`), the polygons (as ``matcher cluster``
reads them: :func:`matcher.clusters.cluster_job.read_polygons`, the boundary reader of
:mod:`matcher.io.geo` with its errors, a ``provinces`` layer for 2-digit codes; the partial-coverage
warning of :func:`matcher.io.geo.match_boundaries`) and publish one file
through :func:`matcher.io.files.publish_file` (atomic; never over an input of the folder).
"""

from __future__ import annotations

from pathlib import Path

from ..clusters.cluster_view import is_cluster_dir, read_cluster_dir
from ..errors import InputError, ValidationIssue
from ..io.files import publish_file
from ..io.outpaths import check_out_file

FOLDER_FILES = ("clusters.csv", "clusters.csvt", "cluster_summary.csv", "cluster_summary.csvt", "neighbours.csv",
                "neighbours.csvt", "rotation.csv", "rotation.csvt", "summary.json", "plan.xlsx", "plan.gpkg")
MAP_SUFFIXES = (".png", ".pdf", ".svg")


def cluster_dispatch(result_dir: Path, year: int | None = None, rotation: Path | None = None) -> bool:
    """True for a cluster folder; ``year`` or ``rotation`` on another folder is bad input."""
    if is_cluster_dir(result_dir):
        return True
    asked = [(o, v) for o, v in (("--year", year), ("--rotation", rotation)) if v is not None]
    if asked and not Path(result_dir).is_dir():
        raise InputError([ValidationIssue(str(result_dir), None, None, None, "is not a folder: give a result folder")])
    if asked:
        raise InputError([ValidationIssue(o, None, None, str(v), "is for a cluster result folder (matcher cluster); "
                                          "this folder is a twinning result") for o, v in asked])
    return False


def _inputs(result_dir: Path, boundaries, boundaries_code, year, warn, rotation=None):
    from ..clusters.cluster_job import read_polygons  # read_boundaries; 2-digit codes: a 'provinces' layer
    from ..io.geo import match_boundaries

    view = read_cluster_dir(result_dir, rotation=rotation, year=year)
    polys = read_polygons(boundaries, boundaries_code, list(view.units["code"])) if boundaries else None
    partial = match_boundaries(polys, view.units["code"].astype(str))
    if partial is not None and warn is not None:
        warn([partial])
    protect = [Path(result_dir) / n for n in FOLDER_FILES] + ([Path(boundaries)] if boundaries else [])
    return view, polys, protect + ([Path(rotation)] if rotation else [])


def cluster_map_file(result_dir: Path, out: Path, boundaries=None, lang: str = "vi", paper: str = "a4",
                     boundaries_code=None, year: int | None = None, warn=None, rotation=None) -> Path:
    """The cluster map of ``result_dir`` (heads of ``year`` when given) as PNG, PDF or SVG at ``out``."""
    from .cluster_map import save_cluster_map

    out = Path(out)
    check_out_file(out, MAP_SUFFIXES)
    view, polys, protect = _inputs(result_dir, boundaries, boundaries_code, year, warn, rotation)
    name = Path(boundaries).name if boundaries else None
    return publish_file(out, lambda p: save_cluster_map(view, polys, lang, p, name, paper=paper), protect)


def cluster_pack_file(result_dir: Path, out: Path, boundaries=None, lang: str = "vi", *, paper: str = "a4",
                      final: bool = False, name: str | None = None, boundaries_code=None, year: int | None = None,
                      warn=None, rotation=None) -> Path:
    """The cluster pack (PDF) of ``result_dir`` at ``out``; DỰ THẢO / DRAFT until ``final``."""
    from .cluster_pack import write_cluster_pack

    out = Path(out)
    check_out_file(out, (".pdf",))
    view, polys, protect = _inputs(result_dir, boundaries, boundaries_code, year, warn, rotation)
    bname = Path(boundaries).name if boundaries else None
    return publish_file(out, lambda p: write_cluster_pack(view, polys, lang, p, paper=paper, final=final, name=name,
                                                          boundaries_name=bname), protect)
