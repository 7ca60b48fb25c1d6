"""The committee review pack: one PDF with a cover, the map, the points to check (flags), the
pairs, the coverage of each remote commune, why each partner (its domains and the best
alternative with what taking it instead would cost), one page per remote commune, the existing
twinnings kept, the assumptions, sources and solver stages, and the approval page.

``write_pack(view, boundaries, lang, out, paper="a4", final=False, name=None,
commune_pages=None)`` draws every page with matplotlib (no GUI backend, no pyplot) and embeds
DejaVu Sans as TrueType (``pdf.fonttype = 42``), so the text is real text: searchable,
copyable, with every Vietnamese diacritic.

Paper: one size through the pack, A4 landscape by default (Decree 30/2020/NĐ-CP sets A4 for
administrative documents, and the offices print A4); ``paper="a3"`` makes every page A3
landscape (the text pages are the A4 layout enlarged by sqrt 2; the map is laid out for A3).
Until ``final`` every page carries a light diagonal "DỰ THẢO" / "DRAFT" and the word in its
footer. The cover names the scenario (``name`` or the scenario's own name), never a file; the
footer says, in words, page n of N, draft, the scenario, the date and where the sources and
assumptions are. Every visible string comes from ``matcher.i18n``, every number from its
formatters.

Layout is computed before drawing (with the primitives of :mod:`matcher.render.pdf`): tables
are measured with the same font, wrapped inside their columns, and split over as many pages as
needed with the header repeated, so the contents list on the cover can give page numbers.
Input repairs get one sentence in the notes (:func:`matcher.render.common.repairs_note`), never
one line per repaired row.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.figure import Figure

from .. import __version__
from ..i18n import fmt_date, fmt_km, fmt_number, fmt_percent, t
from . import commune_page as cp
from .common import clean_view, printable, vi_sort_key
from .pack_pages import (
    approval_page,
    coverage_section,
    flags_section,
    locked_section,
    notes_section,
    pairs_section,
    status_text,
    total,
    why_section,
)
from .pdf import (
    A4,
    BODY,
    BOTTOM,
    CONTENT_W,
    FONT,
    INK,
    LEADING,
    MARGIN_X,
    MUTED,
    PAPERS,
    RC,
    RULE,
    SHADE,
    SMALL,
    Page,
    wrap,
)
from .pdf_render import draft_mark, paper_size, render_page

if TYPE_CHECKING:  # pragma: no cover
    from geopandas import GeoDataFrame

    from ..io.resultdir import ResultView

__all__ = ["PAPERS", "vi_sort_key", "write_pack"]


def _cover(view: ResultView, lang: str, contents: list[tuple[str, int]], notes_page: int, final: bool) -> Page:
    """Title, scenario, date and draft state across the top; key figures on the left; the
    contents and the note on assumptions on the right."""
    s = view.summary
    p = Page()
    x0, x1 = MARGIN_X, MARGIN_X + CONTENT_W
    y = p.lines(x0, 46, [t("pack_subtitle", lang)], 12, color=MUTED) + 4
    y = p.lines(x0, y, wrap(t("title", lang), CONTENT_W, 24, True), 24, bold=True) + 4
    if view.scenario_name:
        y = p.lines(x0, y, wrap(t("scenario", lang, name=printable(view.scenario_name)), CONTENT_W, 14, True),
                    14, bold=True)
    when = t("date", lang, date=fmt_date(view.created, lang)) if view.created else ""
    state = t("pack_final", lang) if final else t("pack_draft_state", lang, draft=t("pack_draft", lang))
    y = p.lines(x0, y + 2, [" · ".join(x for x in (when, state) if x)], 11, color=MUTED) + 6
    p.line(x0, y, x1, y, 1.2, INK)
    y += 16
    top = y

    left_w = 0.52 * CONTENT_W
    lx1 = x0 + left_w
    y = p.lines(x0, y, [t("pack_key_figures", lang)], 14, bold=True) + 4
    n_pairs = s.get("n_pairs", len(view.pairs))
    n_locked = s.get("n_locked_pairs", int(view.pairs["locked"].sum()) if "locked" in view.pairs else 0)
    need = total(view.remote, "need_total") if "need_total" in view.remote.columns else None
    shortfall = fmt_number(s.get("total_shortfall"), lang)
    if need:
        shortfall = t("pack_of_total", lang, part=shortfall, total=fmt_number(need, lang))
    figures = [
        (t("n_pairs", lang), fmt_number(n_pairs, lang)),
        (t("n_locked", lang), fmt_number(n_locked, lang)),
        (t("pack_n_new", lang), fmt_number(n_pairs - n_locked, lang)),
        (t("pack_n_lowland", lang), fmt_number(s.get("n_lowland", len(view.lowland)), lang)),
        (t("pack_n_remote", lang), fmt_number(s.get("n_remote", len(view.remote)), lang)),
        (t("min_coverage", lang), fmt_percent(s.get("min_coverage"), lang)),
        (t("total_shortfall", lang), shortfall),
        (t("total_distance", lang), fmt_km(s.get("total_distance_km"), lang)),
        (t("longest_distance", lang), fmt_km(s.get("longest_distance_km"), lang)),
        (t("status", lang), status_text(s.get("status"), lang)),
    ]
    if isinstance(s.get("flags"), list):
        figures.append((t("pack_n_flags", lang), fmt_number(len(s["flags"]), lang)))
    if "broken_rules" in s:
        figures.append((t("pack_n_broken", lang), fmt_number(len(s["broken_rules"]), lang)))
    for i, (label, value) in enumerate(figures):
        indent = 14 if i in (1, 2) else 0  # "of which" lines sit under the number of pairs
        p.text(x0 + indent, y + 12, label, 10.5 if indent else 11.5, color=MUTED if indent else INK)
        p.text(lx1, y + 12, value, 11 if indent else 12.5, bold=not indent, ha="right")
        y += 19
        p.line(x0, y - 3, lx1, y - 3, 0.4, "#cccccc")
    if s.get("mode") == "evaluate":
        y = p.lines(x0, y + 6, wrap(t("pack_mode_evaluate", lang), left_w, BODY, True), BODY, bold=True)

    rx0 = x0 + left_w + 36
    rw = x1 - rx0
    y = p.lines(rx0, top, [t("pack_contents", lang)], 14, bold=True) + 4
    for label, page in contents:
        rows = wrap(label, rw - 40, 10.5)
        y = p.lines(rx0, y + 2, rows, 10.5) + 3
        p.text(x1, y - 3 - 10.5 * (LEADING - 1), fmt_number(page, lang), 10.5, ha="right")  # on the last line
    y += 10
    if s.get("assumptions"):
        note = wrap(t("pack_assumptions_note", lang, page=fmt_number(notes_page, lang)), rw - 16, BODY)
        h = len(note) * BODY * LEADING + 12
        p.rect(rx0, y, rw, h, SHADE)
        p.line(rx0, y, rx0, y + h, 2.0, INK)
        p.lines(rx0 + 10, y + 6, note, BODY)
    p.text(x0, BOTTOM, t("made_with", lang, version=__version__), SMALL, color=MUTED)
    return p


# ---- the map page ----------------------------------------------------------------------


def _map_figures(view: ResultView, boundaries, lang: str, paper: str) -> list[Figure]:
    """The committee map's sheets at ``paper`` (the map, then the key table's continuation
    sheets, if any). The pack's notes give the input repairs, sources and assumptions (in the
    committee's words), so the map pages leave them out."""
    from .maps import map_sheets

    keep = {k: v for k, v in view.summary.items()
            if k not in ("warnings", "warning_details") and not k.startswith(("assumptions", "sources"))}
    figs = map_sheets(replace(view, summary=keep), boundaries, lang, None, paper)
    w, h = paper_size(paper)
    for fig in figs:
        if abs(fig.get_figwidth() - w / 72.0) > 1e-3 or abs(fig.get_figheight() - h / 72.0) > 1e-3:
            fig.set_size_inches(w / 72.0, h / 72.0)  # every page the same size, to the point
    return figs


# ---- assembling ------------------------------------------------------------------------


def _footer_words(view: ResultView, lang: str, final: bool, notes_page: int) -> tuple[str, str]:
    """The footer's two lines in the committee's words: draft, scenario, date; where the
    sources and assumptions are."""
    parts = [] if final else [t("pack_draft", lang)]
    if view.scenario_name:
        parts.append(t("scenario", lang, name=printable(view.scenario_name)))
    if view.created:
        parts.append(t("date", lang, date=fmt_date(view.created, lang)))
    return " · ".join(parts), t("pack_footer_sources", lang, page=fmt_number(notes_page, lang))


def _footer(page: Page, n: int, pages: int, words: tuple[str, str], lang: str) -> None:
    y = A4[1] - 36
    page.line(MARGIN_X, y - 11, MARGIN_X + CONTENT_W, y - 11, 0.5, RULE)
    page.text(MARGIN_X, y, wrap(words[0], CONTENT_W - 110, 7.5)[0], 7.5, color=MUTED)
    page.text(MARGIN_X, y + 10, wrap(words[1], CONTENT_W - 110, 7.5)[0], 7.5, color=MUTED)
    page.text(MARGIN_X + CONTENT_W, y, t("pack_page", lang, page=fmt_number(n, lang), pages=fmt_number(pages, lang)),
              7.5, ha="right", color=MUTED)


def _named(view: ResultView, name: str | None) -> ResultView:
    """``view`` with the scenario called ``name`` (``--name``) everywhere in the pack."""
    if not name:
        return view
    scenario = dict(view.summary.get("scenario") or {})
    scenario["name"] = name
    return replace(view, summary={**view.summary, "scenario": scenario})


def write_pack(view: ResultView, boundaries: GeoDataFrame | None, lang: str, out: Path, *, paper: str = "a4",
               final: bool = False, name: str | None = None, commune_pages: bool | None = None) -> None:
    """Write the committee review pack for ``view`` to the PDF ``out``, all text in ``lang``,
    every page on ``paper`` (``a4`` or ``a3``, landscape).

    Pages: cover (scenario, key figures, contents), map (``matcher.render.maps.draw_map``), the
    points to check, the pairs sorted by remote commune, coverage per remote commune, why each
    partner, one page per remote commune (``commune_pages``; None: when there are at most
    :data:`matcher.render.commune_page.COMMUNE_PAGES_MAX`), the existing twinnings kept, the
    notes (assumptions, sources, pairing rules, one sentence on input repairs, solver stages)
    and the approval page. Until
    ``final`` every page is marked as a draft."""
    from matplotlib.backends.backend_pdf import PdfPages

    t("title", lang)  # an unknown language fails here, before anything is written
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    view = clean_view(_named(view, printable(name).strip() if name else None))
    draft = None if final else t("pack_draft", lang)
    with matplotlib.rc_context(RC):
        per_commune = cp.wanted(view, commune_pages)
        skipped = None
        if not per_commune and commune_pages is None and len(view.remote):
            skipped = t("pack_communes_skipped", lang, n=fmt_number(len(view.remote), lang),
                        limit=fmt_number(cp.COMMUNE_PAGES_MAX, lang))
        sections = [
            (t("pack_flags", lang), flags_section(view, lang)),
            (t("pack_pairs", lang), pairs_section(view, lang)),
            (t("pack_coverage", lang), coverage_section(view, lang)),
            (t("pack_why", lang), why_section(view, lang, skipped)),
            *([(t("pack_communes", lang), cp.commune_pages(view, cp.Plane(view, boundaries), lang))]
              if per_commune else []),
            (t("pack_locked", lang), locked_section(view, lang)),
            (t("pack_notes", lang), notes_section(view, lang)),
            (t("pack_approval", lang), [approval_page(view, lang, final)]),
        ]
        maps = _map_figures(view, boundaries, lang, paper)
        contents, page_no = [(t("pack_map", lang), 2)], 2 + len(maps)
        for label, pages in sections:
            contents.append((label, page_no))
            page_no += len(pages)
        n_pages = page_no - 1
        notes_page = next(page for label, page in contents if label == t("pack_notes", lang))
        cover = _cover(view, lang, contents, notes_page, final)
        text_pages = [cover] + [p for _, pages in sections for p in pages]
        words = _footer_words(view, lang, final, notes_page)
        for n, page in zip([1, *range(2 + len(maps), n_pages + 1)], text_pages, strict=True):
            _footer(page, n, n_pages, words, lang)

        meta = {"Title": t("title", lang), "Subject": printable(view.scenario_name),
                "Creator": f"matcher {__version__}", "CreationDate": None}
        k = PAPERS[paper]
        for n, fig in enumerate(maps, 2):
            words_n = [*([draft] if draft else []),
                       t("pack_page", lang, page=fmt_number(n, lang), pages=fmt_number(n_pages, lang))]
            fig.text(0.985, 0.006, " · ".join(words_n), fontsize=8 * k, color=MUTED, ha="right", va="bottom",
                     fontfamily=FONT)
            if draft:
                draft_mark(fig, draft, k)
        with PdfPages(out, metadata=meta) as pdf:
            pdf.savefig(render_page(cover, paper, draft))
            for fig in maps:
                pdf.savefig(fig)
            for page in text_pages[1:]:
                pdf.savefig(render_page(page, paper, draft))
