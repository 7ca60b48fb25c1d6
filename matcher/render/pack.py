"""The committee review pack: one PDF with a cover, the map, the pairs, the coverage of each
remote commune, the existing twinnings kept, and the assumptions, sources and solver stages.

``write_pack(view, boundaries, lang, out)`` draws every page with matplotlib (no GUI backend,
no pyplot) and embeds DejaVu Sans as TrueType (``pdf.fonttype = 42``), so the text is real text:
searchable, copyable, with every Vietnamese diacritic. Text pages are A4 portrait; the map page
is whatever size ``matcher.render.maps.draw_map`` returns (A3 landscape). Every visible string comes
from ``matcher.i18n``; numbers follow the language (vi: ``4.884,8``; en: ``4,884.8``).

Layout is computed before drawing (with the primitives of :mod:`matcher.render.pdf`): tables
are measured with the same font, wrapped inside their columns, and split over as many pages as
needed with the header repeated, so the contents list on the cover can give page numbers.
Input repairs get one sentence in the notes (:func:`matcher.render.common.repairs_note`), never
one line per repaired row.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.figure import Figure

from .. import __version__
from ..i18n import DASH, STRINGS, fmt_date, fmt_km, fmt_number, fmt_percent, t
from .common import clean_view, printable, repairs_note, vi_sort_key
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
    RC,
    RULE,
    SHADE,
    SMALL,
    Col,
    Flow,
    Page,
    Row,
    fit,
    render_page,
    with_domains,
    wrap,
)

if TYPE_CHECKING:  # pragma: no cover
    from geopandas import GeoDataFrame

    from ..io.resultdir import ResultView

__all__ = ["vi_sort_key", "write_pack"]


# ---- numbers, statuses and sorting ------------------------------------------------------


_num, _pct, _km, _date = fmt_number, fmt_percent, fmt_km, fmt_date


def _status(status, lang: str) -> str:
    key = f"status_{status}"
    return t(key, lang) if key in STRINGS else str(status)


def _stage_value(v, unit: str, lang: str) -> str:
    if v is None:
        return DASH
    if unit == "ratio":
        return _pct(v, lang)
    if unit == "km":
        return _km(v, lang)
    if unit == "minutes":
        return f"{_num(v, lang, 0)} {t('pack_minutes', lang)}"
    return _num(v, lang, 0 if float(v).is_integer() else 2)


# ---- the sections ----------------------------------------------------------------------


def _sorted_pairs(view: ResultView):
    pairs = view.pairs.copy()
    pairs["_key"] = [(vi_sort_key(r), vi_sort_key(lw)) for r, lw in zip(pairs.remote_name, pairs.lowland_name,
                                                                         strict=True)]
    return pairs.sort_values("_key", kind="stable").drop(columns="_key").reset_index(drop=True)


def _pairs_table(flow: Flow, view: ResultView, pairs, lang: str, with_kind: bool) -> None:
    """No., remote, lowland, distance, [kind], then staff per domain."""
    domains = [d for d in view.domains if f"staff_{d}" in pairs.columns]
    rows, srcs, group, last = [], [], -1, None
    for i, (_, r) in enumerate(pairs.iterrows()):
        if r.remote_code != last:
            group, last = group + 1, r.remote_code
        cells = [str(i + 1), printable(r.remote_name), printable(r.lowland_name), _num(r.distance_km, lang, 1)]
        if with_kind:
            cells.append(t("kind_locked" if r.locked else "kind_new", lang))
        rows.append(Row(cells, shade=group % 2 == 1))
        srcs.append(r)
    km = f"{t('distance', lang)} ({t('km', lang)})"
    cols = [Col(t("pack_row", lang), fit(t("pack_row", lang), [str(len(rows))]), "right"),
            Col(t("remote", lang)), Col(t("lowland", lang)),
            Col(km, fit(km, [r.cells[3] for r in rows]), "right")]
    if with_kind:
        cols.append(Col(t("pair_kind", lang), fit(t("pair_kind", lang), [r.cells[4] for r in rows])))
    groups = with_domains(cols, rows, [1, 2], domains, srcs, "staff_", t("pack_domains_covered", lang), lang)
    flow.table(cols, rows, groups)


def _pairs_pages(flow: Flow, view: ResultView, pairs, lang: str, with_kind: bool) -> list[Page]:
    """A section of pairs: the table, or "none" when there are no pairs."""
    if pairs.empty:
        flow.paragraph(t("pack_none", lang))
    else:
        _pairs_table(flow, view, pairs, lang, with_kind=with_kind)
    return flow.pages


def _pairs_section(view: ResultView, lang: str) -> list[Page]:
    flow = Flow(t("pack_pairs", lang), lang, t("pack_pairs_note", lang))
    return _pairs_pages(flow, view, _sorted_pairs(view), lang, with_kind=True)


def _locked_section(view: ResultView, lang: str) -> list[Page]:
    pairs = _sorted_pairs(view)
    pairs = pairs[pairs["locked"]].reset_index(drop=True)
    flow = Flow(t("pack_locked", lang), lang, t("pack_locked_note", lang, n=len(pairs)))
    return _pairs_pages(flow, view, pairs, lang, with_kind=False)


def _why_section(view: ResultView, lang: str) -> list[Page]:
    """Why each partner (only for results solved with --why): one paragraph per pair."""
    flow = Flow(t("why", lang), lang)
    for _, p in _sorted_pairs(view).iterrows():
        flow.paragraph(f"{printable(p['remote_name'])} – {printable(p['lowland_name'])}: {printable(p[f'why_{lang}'])}")
    return flow.pages


def _coverage_section(view: ResultView, lang: str) -> list[Page]:
    """No., remote, partners, need, covered, coverage, then uncovered need per domain; a
    totals row at the end."""
    flow = Flow(t("pack_coverage", lang), lang, t("pack_coverage_note", lang))
    remote = view.remote.copy()
    if remote.empty:
        flow.paragraph(t("pack_none", lang))
        return flow.pages
    remote["_key"] = [(c, vi_sort_key(n)) for c, n in zip(remote.coverage_ratio, remote.remote_name, strict=True)]
    remote = remote.sort_values("_key", kind="stable").reset_index(drop=True)
    domains = [d for d in view.domains if f"uncovered_{d}" in remote.columns]
    has_totals = "need_total" in remote.columns and "covered_total" in remote.columns
    need_total, covered_total = _sum(remote, "need_total"), _sum(remote, "covered_total")

    rows, srcs = [], []
    for i, r in remote.iterrows():
        partners = "\n".join(printable(p).strip() for p in str(r.get("partner_names", "")).split(";") if p.strip())
        totals = [_num(r.need_total, lang), _num(r.covered_total, lang)] if has_totals else []
        rows.append(Row([str(i + 1), printable(r.remote_name), partners or DASH, *totals,
                          _pct(r.coverage_ratio, lang)], shade=i % 2 == 1))
        srcs.append(r)
    overall = covered_total / need_total if has_totals and need_total else None
    totals = [_num(need_total, lang), _num(covered_total, lang)] if has_totals else []
    rows.append(Row(["", t("pack_total", lang), "", *totals, _pct(overall, lang)], bold=True))
    srcs.append({f"uncovered_{d}": _sum(remote, f"uncovered_{d}") for d in domains})

    def number(key: str, k: int) -> Col:
        return Col(t(key, lang), fit(t(key, lang), [r.cells[k] for r in rows]), "right")

    cols = [Col(t("pack_row", lang), fit(t("pack_row", lang), [str(len(remote))]), "right"),
            Col(t("remote", lang)), Col(t("partners", lang))]
    if has_totals:
        cols += [number("need", 3), number("covered", 4)]
    cols.append(number("pack_coverage_pct", len(cols)))
    groups = with_domains(cols, rows, [1, 2], domains, srcs, "uncovered_", t("pack_uncovered_by_domain", lang),
                           lang)
    flow.table(cols, rows, groups)
    return flow.pages


def _sum(frame, column: str) -> float:
    return float(frame[column].astype(float).sum()) if column in frame.columns else 0.0


def _range(lo, hi, lang: str) -> str:
    return str(lo) if lo == hi else t("pack_range", lang, lo=lo, hi=hi)


def _notes_section(view: ResultView, lang: str) -> list[Page]:
    s = view.summary
    flow = Flow(t("pack_notes", lang), lang)

    def numbered(heading: str, items: list) -> None:
        flow.heading(heading)
        if not items:
            flow.paragraph(t("pack_none", lang))
        for i, item in enumerate(items, 1):
            flow.paragraph(str(item), label=f"{i}.")
        flow.space(6)

    numbered(t("assumptions", lang), view.assumptions(lang))
    numbered(t("sources", lang), view.sources(lang))

    sc = s.get("scenario", {}) or {}
    rules = []
    if sc.get("max_distance_km") is not None:
        rules.append(t("pack_rule_distance", lang, km=_km(sc["max_distance_km"], lang)))
    if sc.get("max_minutes") is not None:
        rules.append(t("pack_rule_minutes", lang, minutes=_num(sc["max_minutes"], lang)))
    partners = sc.get("partners", {}) or {}
    if partners.get("lowland"):
        rules.append(t("pack_rule_lowland", lang, range=_range(*partners["lowland"], lang)))
    if partners.get("remote"):
        rules.append(t("pack_rule_remote", lang, range=_range(*partners["remote"], lang)))
    if rules:
        numbered(t("pack_rules", lang), rules)

    flow.heading(t("pack_warnings", lang))  # one sentence, never one line per repaired row
    flow.paragraph(repairs_note(s, lang) or t("pack_none", lang))
    flow.space(6)
    if "broken_rules" in s:
        numbered(t("pack_broken_rules", lang), s["broken_rules"])

    flow.heading(t("pack_stages", lang))
    stages = s.get("stages", [])
    if stages:
        rows = []
        for i, st in enumerate(stages, 1):
            key = f"stage_{st.get('name')}"
            name = t(key, lang) if key in STRINGS else str(st.get("name"))
            unit = st.get("unit", "")
            rows.append(Row([str(i), name, _status(st.get("status"), lang), _stage_value(st.get("value"), unit, lang),
                              _stage_value(st.get("bound"), unit, lang)]))
        cols = [Col(t("pack_row", lang), fit(t("pack_row", lang), ["9"]), "right"),
                Col(t("pack_stage", lang), flex=2.2), Col(t("status", lang), flex=1.3),
                Col(t("pack_value", lang), 78, "right"), Col(t("pack_bound", lang), 78, "right")]
        flow.table(cols, rows)
    else:
        flow.paragraph(t("pack_none", lang))
    if s.get("solver"):
        flow.paragraph(t("pack_solver", lang, solver=s["solver"]), size=SMALL, color=MUTED)
    return flow.pages


def _cover(view: ResultView, lang: str, contents: list[tuple[str, int]], notes_page: int) -> Page:
    s = view.summary
    p = Page()
    x0, x1 = MARGIN_X, MARGIN_X + CONTENT_W
    y = p.lines(x0, 70, [t("pack_subtitle", lang)], 12, color=MUTED) + 6
    y = p.lines(x0, y, wrap(t("title", lang), CONTENT_W, 24, True), 24, bold=True) + 6
    if view.scenario_name:
        y = p.lines(x0, y, wrap(t("scenario", lang, name=printable(view.scenario_name)), CONTENT_W, 13), 13)
    if view.created:
        y = p.lines(x0, y + 2, [t("date", lang, date=_date(view.created, lang))], 11, color=MUTED)
    y += 10
    p.line(x0, y, x1, y, 1.2, INK)
    y += 22

    y = p.lines(x0, y, [t("pack_key_figures", lang)], 14, bold=True) + 6
    n_pairs = s.get("n_pairs", len(view.pairs))
    n_locked = s.get("n_locked_pairs", int(view.pairs["locked"].sum()) if "locked" in view.pairs else 0)
    need = _sum(view.remote, "need_total") if "need_total" in view.remote.columns else None
    shortfall = _num(s.get("total_shortfall"), lang)
    if need:
        shortfall = t("pack_of_total", lang, part=shortfall, total=_num(need, lang))
    figures = [
        (t("n_pairs", lang), _num(n_pairs, lang)),
        (t("n_locked", lang), _num(n_locked, lang)),
        (t("pack_n_new", lang), _num(n_pairs - n_locked, lang)),
        (t("pack_n_lowland", lang), _num(s.get("n_lowland", len(view.lowland)), lang)),
        (t("pack_n_remote", lang), _num(s.get("n_remote", len(view.remote)), lang)),
        (t("min_coverage", lang), _pct(s.get("min_coverage"), lang)),
        (t("total_shortfall", lang), shortfall),
        (t("total_distance", lang), _km(s.get("total_distance_km"), lang)),
        (t("longest_distance", lang), _km(s.get("longest_distance_km"), lang)),
        (t("status", lang), _status(s.get("status"), lang)),
    ]
    if "broken_rules" in s:
        figures.append((t("pack_n_broken", lang), _num(len(s["broken_rules"]), lang)))
    for i, (label, value) in enumerate(figures):
        indent = 14 if i in (1, 2) else 0  # "of which" lines sit under the number of pairs
        size = 11 if indent else 12
        p.text(x0 + indent, y + 13, label, size, color=MUTED if indent else INK)
        p.text(x1, y + 13, value, 13 if not indent else 11.5, bold=not indent, ha="right")
        y += 21
        p.line(x0, y - 3, x1, y - 3, 0.4, "#cccccc")
    y += 10
    if s.get("mode") == "evaluate":
        y = p.lines(x0, y, wrap(t("pack_mode_evaluate", lang), CONTENT_W, BODY, True), BODY, bold=True) + 4
    if s.get("assumptions"):
        note = wrap(t("pack_assumptions_note", lang, page=notes_page), CONTENT_W - 16, BODY)
        h = len(note) * BODY * LEADING + 12
        p.rect(x0, y, CONTENT_W, h, SHADE)
        p.line(x0, y, x0, y + h, 2.0, INK)
        y = p.lines(x0 + 10, y + 6, note, BODY) + 6
    y += 24

    y = p.lines(x0, y, [t("pack_contents", lang)], 14, bold=True) + 6
    for label, page in contents:
        p.text(x0, y + 11, label, 11)
        p.text(x1, y + 11, str(page), 11, ha="right")
        y += 19
    p.text(x0, BOTTOM, t("made_with", lang, version=__version__), SMALL, color=MUTED)
    return p


# ---- the map page ----------------------------------------------------------------------


def _map_figure(view: ResultView, boundaries, lang: str) -> Figure:
    """The A3 map; its sentence on input repairs is left out (the notes give it, once)."""
    from dataclasses import replace

    from .maps import draw_map

    quiet = {k: v for k, v in view.summary.items() if k not in ("warnings", "warning_details")}
    return draw_map(replace(view, summary=quiet), boundaries, lang)


# ---- assembling ------------------------------------------------------------------------


def _footer(page: Page, n: int, total: int, view: ResultView, lang: str) -> None:
    y = A4[1] - 34
    page.line(MARGIN_X, y - 12, MARGIN_X + CONTENT_W, y - 12, 0.5, RULE)
    left = t("title", lang) + (f" · {printable(view.scenario_name)}" if view.scenario_name else "")
    page.text(MARGIN_X, y, wrap(left, CONTENT_W - 90, 7.5)[0], 7.5, color=MUTED)
    page.text(MARGIN_X + CONTENT_W, y, t("pack_page", lang, page=n, pages=total), 7.5, ha="right", color=MUTED)


def write_pack(view: ResultView, boundaries: GeoDataFrame | None, lang: str, out: Path) -> None:
    """Write the committee review pack for ``view`` to the PDF ``out``, all text in ``lang``.

    Pages: cover (key figures, contents), map (``matcher.render.maps.draw_map``), the pairs sorted by
    remote commune, coverage per remote commune, the existing twinnings kept, and the
    assumptions, sources, pairing rules, one sentence on input repairs and solver stages."""
    from matplotlib.backends.backend_pdf import PdfPages

    t("title", lang)  # an unknown language fails here, before anything is written
    view = clean_view(view)  # no control characters reach the PDF writer
    with matplotlib.rc_context(RC):
        sections = [
            (t("pack_pairs", lang), _pairs_section(view, lang)),
            *([(t("why", lang), _why_section(view, lang))] if f"why_{lang}" in view.pairs.columns else []),
            (t("pack_coverage", lang), _coverage_section(view, lang)),
            (t("pack_locked", lang), _locked_section(view, lang)),
            (t("pack_notes", lang), _notes_section(view, lang)),
        ]
        contents, page_no = [(t("pack_map", lang), 2)], 3
        for label, pages in sections:
            contents.append((label, page_no))
            page_no += len(pages)
        total = page_no - 1
        cover = _cover(view, lang, contents, notes_page=contents[-1][1])
        text_pages = [cover] + [p for _, pages in sections for p in pages]
        for n, page in zip([1, *range(3, total + 1)], text_pages, strict=True):
            _footer(page, n, total, view, lang)

        meta = {"Title": t("title", lang), "Subject": printable(view.scenario_name),
                "Creator": f"matcher {__version__}", "CreationDate": None}
        the_map = _map_figure(view, boundaries, lang)
        the_map.text(0.985, 0.012, t("pack_page", lang, page=2, pages=total), fontsize=9, color=MUTED,
                     ha="right", va="bottom", fontfamily=FONT)
        with PdfPages(out, metadata=meta) as pdf:
            for fig in (render_page(cover), the_map, *(render_page(p) for p in text_pages[1:])):
                pdf.savefig(fig)
