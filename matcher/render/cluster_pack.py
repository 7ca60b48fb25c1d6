"""The emulation-cluster pack (issue 12): one PDF for the committee, like the twinning pack.

``write_cluster_pack(view, boundaries, lang, out, paper="a4", final=False, name=None)``: the
cover (name, k, units, date, DỰ THẢO / DRAFT until ``final``, key figures, contents), the map
(:func:`matcher.render.cluster_map.cluster_sheet`), the balance table per cluster (members,
population, area, deviation, host), the members of each cluster (code, name, type), the
rotation per cluster and year when the folder has one, the assumptions (summary.json
``assumptions``, the neighbour rule, island links, the size band) and the approval page of
the twinning pack. Pages are laid out with :mod:`matcher.render.pdf` (``Flow``, ``Col``,
``Row``) and drawn by :func:`matcher.render.pdf_render.render_page`; text is real text in
DejaVu Sans, every number through :mod:`matcher.i18n`.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from types import SimpleNamespace

import matplotlib

from .. import __version__
from ..i18n import DASH, fmt_date, fmt_number, fmt_percent, t
from .cluster_map import cluster_sheet, headline, title
from .common import printable
from .pack_pages import approval_page, status_text
from .pdf import (
    A4,
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
    SMALL,
    Col,
    Flow,
    Page,
    Row,
    fit,
    text_width,
    wrap,
)
from .pdf_render import draft_mark, paper_size, render_page


def _dev(v, lang: str) -> str:
    if v is None or v != v:
        return DASH
    sign = "+" if float(v) > 0 else ""
    return sign + fmt_percent(float(v) / 100, lang)


def _area(v, lang: str) -> str:
    return DASH if v is None or v != v else f"{fmt_number(v, lang, 1)} km²"


def balance_section(view, lang: str) -> list[Page]:
    flow = Flow(t("cl_pack_balance", lang), lang, t("cl_pack_balance_note", lang))
    balanced = set(view.summary.get("balance") or ["population"])
    show_area_dev = "area_km2" in balanced and "area_km2_dev_percent" in view.clusters.columns
    hosts, names = view.hosts(), view.names
    rows = []
    for r in view.clusters.to_dict("records"):
        cells = [t("cl_cluster", lang, n=fmt_number(r["cluster"], lang)), fmt_number(r["n_members"], lang),
                 fmt_number(r["population"], lang), _area(r.get("area_km2"), lang),
                 _dev(r.get("population_dev_percent") if "population" in balanced else None, lang)]
        if show_area_dev:
            cells.append(_dev(r.get("area_km2_dev_percent"), lang))
        host = hosts.get(int(r["cluster"]), "")
        cells.append(printable(names.get(host, r.get("host_name") or DASH)))
        rows.append(Row(cells))
    pop = fmt_number(view.clusters["population"].sum(), lang)
    total = [t("cl_total", lang), fmt_number(len(view.units), lang), pop,
             _area(view.clusters["area_km2"].sum(), lang), ""] + ([""] if show_area_dev else []) + [""]
    rows.append(Row(total, bold=True))
    heads = [t("cl_col_cluster", lang), t("cl_col_members", lang), t("cl_col_population", lang),
             t("cl_col_area", lang), t("cl_col_dev", lang)] + ([t("cl_col_dev_area", lang)] if show_area_dev else [])
    cols = [Col(h, max(fit(h, [r.cells[i] for r in rows]), text_width(h, 7.5, True) + 12) + 8, "left" if i == 0 else
                "right") for i, h in enumerate(heads)]
    cols.append(Col(t("cl_col_host", lang), flex=1.0))
    flow.table(cols, rows)
    return flow.pages


def members_section(view, lang: str) -> list[Page]:
    flow = Flow(t("cl_pack_members", lang), lang)
    hosts, names = view.hosts(), view.names
    for c, codes in sorted(view.members().items()):
        host = hosts.get(c)
        head = t("cl_cluster", lang, n=fmt_number(c, lang))
        if host:
            head += f" · {t('cl_col_host', lang)}: {printable(names.get(host, host))}"
        flow.heading(head, 11.0)
        u = view.units.set_index("code")
        rows = [Row([code, printable(u.loc[code, "name"]), printable(u.loc[code, "unit_type"])], bold=code == host)
                for code in codes]
        cols = [Col(t("cl_col_code", lang), fit(t("cl_col_code", lang), [r.cells[0] for r in rows])),
                Col(t("cl_col_name", lang), flex=2.0), Col(t("cl_col_type", lang), flex=1.0)]
        flow.table(cols, rows)
    return flow.pages


def rotation_section(view, lang: str) -> list[Page]:
    flow = Flow(t("cl_pack_rotation", lang), lang, t("cl_pack_rotation_note", lang))
    if view.rotation is None or not len(view.rotation):
        flow.paragraph(t("cl_pack_no_rotation", lang))
        return flow.pages
    names = view.names
    rows = []
    rot = view.rotation.sort_values(["cluster", "year"], kind="stable")
    for r in rot.itertuples():
        deputies = "; ".join(printable(names.get(d, d)) for d in r.deputy_codes) or DASH
        slack = "; ".join(printable(names.get(s, s)) for s in r.slack) or DASH
        rows.append(Row([t("cl_cluster", lang, n=fmt_number(r.cluster, lang)), str(r.year),
                         printable(names.get(r.head_code, r.head_name)), deputies, slack], shade=r.cluster % 2 == 0))
    heads = [t("cl_col_cluster", lang), t("cl_col_year", lang)]
    cols = [Col(h, fit(h, [r.cells[i] for r in rows])) for i, h in enumerate(heads)]
    cols += [Col(t("cl_col_head", lang), flex=1.0), Col(t("cl_col_deputies", lang), flex=1.2),
             Col(t("cl_col_slack", lang), flex=1.6)]
    flow.table(cols, rows)
    return flow.pages


def assumptions_section(view, lang: str) -> list[Page]:
    s = view.summary
    flow = Flow(t("cl_pack_assumptions", lang), lang)
    own = (s.get("assumptions_by_lang") or {}).get(lang)  # the writer's sentences in the pack's language
    given = [printable(a) for a in own or (s.get("assumptions") if s.get("lang", "vi") == lang else None) or []
             if str(a).strip()]
    items = list(given)
    adj = s.get("adjacency") or {}
    if not given:  # a folder without sentences in this language: the neighbour rule said here
        items.append(t("cl_rule_delaunay" if adj.get("method") == "delaunay" else "cl_rule_polygons", lang))
        names = view.names
        for a, b in adj.get("island_links") or []:
            items.append(t("cl_island_link", lang, a=printable(names.get(str(a), a)),
                           b=printable(names.get(str(b), b))))
    size = s.get("size")
    if isinstance(size, list | tuple) and len(size) == 2:
        items.append(t("cl_size_band", lang, lo=fmt_number(size[0], lang), hi=fmt_number(size[1], lang)))
    yes_no = {True: t("cl_yes", lang), False: t("cl_no", lang)}
    if "contiguous" in s:
        items.append(t("cl_contiguous", lang, value=yes_no[bool(s["contiguous"])]))
    if "separate_types" in s:
        items.append(t("cl_separate_types", lang, value=yes_no[bool(s["separate_types"])]))
    for i, text in enumerate(items, 1):
        flow.paragraph(text, label=f"{i}.")
    stages = [st for st in s.get("stages") or [] if isinstance(st, dict)]
    if stages:
        flow.heading(t("cl_stages", lang), 11.0)
        rows = [Row([printable(st.get("name")), status_text(str(st.get("status", "")).lower(), lang),
                     fmt_number(st.get("value"), lang, 2), fmt_number(st.get("bound"), lang, 2),
                     printable(st.get("unit") or ""), fmt_number(st.get("seconds"), lang, 1)]) for st in stages]
        heads = [t(f"cl_stage_{k}", lang) for k in ("name", "status", "value", "bound", "unit", "seconds")]
        flow.table([Col(h, flex=1.0) for h in heads], rows)
    return flow.pages


def _cover(view, lang: str, name: str | None, when: str, final: bool, contents) -> Page:
    s = view.summary
    p = Page()
    x0, x1 = MARGIN_X, MARGIN_X + CONTENT_W
    y = p.lines(x0, 46, [t("cl_pack_subtitle", lang)], 12, color=MUTED) + 4
    y = p.lines(x0, y, wrap(title(view, lang, name), CONTENT_W, 22, True), 22, bold=True) + 4
    state = t("pack_final", lang) if final else t("pack_draft_state", lang, draft=t("pack_draft", lang))
    y = p.lines(x0, y + 2, [f"{t('date', lang, date=when)} · {state}"], 11, color=MUTED) + 6
    p.line(x0, y, x1, y, 1.2, INK)
    y += 16
    top = y
    lx1 = x0 + 0.5 * CONTENT_W
    size = s.get("size") or [None, None]
    years = view.years()
    figures = [(t("cl_n_clusters", lang), fmt_number(view.k, lang)),
               (t("cl_n_units", lang), fmt_number(len(view.units), lang)),
               (t("cl_size_range", lang), f"{fmt_number(min(view.clusters['n_members']), lang)}–"
                                          f"{fmt_number(max(view.clusters['n_members']), lang)}"
                if size else DASH),
               (t("status", lang), status_text(str(s.get("status", "")).lower(), lang)),
               (t("cl_years", lang), f"{years[0]}–{years[-1]}" if years else DASH)]
    for label, value in figures:
        p.text(x0, y + 12, label, 11.5)
        p.text(lx1, y + 12, value, 12.5, bold=True, ha="right")
        y += 19
        p.line(x0, y - 3, lx1, y - 3, 0.4, "#cccccc")
    y = p.lines(x0, y + 8, wrap(headline(view, lang), lx1 - x0, 10.5), 10.5)
    rx0 = lx1 + 36
    y = p.lines(rx0, top, [t("pack_contents", lang)], 14, bold=True) + 4
    for label, page in contents:
        y = p.lines(rx0, y + 2, wrap(label, x1 - rx0 - 40, 10.5), 10.5) + 3
        p.text(x1, y - 3 - 10.5 * (LEADING - 1), fmt_number(page, lang), 10.5, ha="right")
    p.text(x0, BOTTOM, t("made_with", lang, version=__version__), SMALL, color=MUTED)
    return p


def _footer(page: Page, n: int, pages: int, words: str, lang: str) -> None:
    y = A4[1] - 36
    page.line(MARGIN_X, y - 11, MARGIN_X + CONTENT_W, y - 11, 0.5, RULE)
    page.text(MARGIN_X, y, wrap(words, CONTENT_W - 110, 7.5)[0], 7.5, color=MUTED)
    page.text(MARGIN_X + CONTENT_W, y, t("pack_page", lang, page=fmt_number(n, lang), pages=fmt_number(pages, lang)),
              7.5, ha="right", color=MUTED)


def write_cluster_pack(view, boundaries, lang: str, out: Path, *, paper: str = "a4", final: bool = False,
                       name: str | None = None, boundaries_name: str | None = None) -> None:
    """Write the cluster pack of ``view`` to the PDF ``out`` (every page on ``paper``, landscape)."""
    from matplotlib.backends.backend_pdf import PdfPages

    t("cl_title", lang)
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    name = printable(name).strip() if name else (view.summary.get("scenario") or {}).get("name")
    created = str(view.summary.get("created") or _dt.date.today().isoformat())
    when = fmt_date(created, lang)
    draft = None if final else t("pack_draft", lang)
    with matplotlib.rc_context(RC):
        sections = [(t("cl_pack_balance", lang), balance_section(view, lang)),
                    (t("cl_pack_members", lang), members_section(view, lang)),
                    (t("cl_pack_rotation", lang), rotation_section(view, lang)),
                    (t("cl_pack_assumptions", lang), assumptions_section(view, lang)),
                    (t("pack_approval", lang), [approval_page(SimpleNamespace(scenario_name=name or ""), lang,
                                                              final)])]
        contents, n = [(t("cl_pack_map", lang), 2)], 3
        for label, pages in sections:
            contents.append((label, n))
            n += len(pages)
        n_pages = n - 1
        cover = _cover(view, lang, name, when, final, contents)
        text_pages = [cover] + [p for _, pages in sections for p in pages]
        words = " · ".join([*([draft] if draft else []), title(view, lang, name), t("date", lang, date=when)])
        for i, page in zip([1, *range(3, n_pages + 1)], text_pages, strict=True):
            _footer(page, i, n_pages, words, lang)
        fig = cluster_sheet(view, boundaries, lang, paper, boundaries_name, draft=draft, name=name)
        w, h = paper_size(paper)
        fig.set_size_inches(w / 72.0, h / 72.0)
        k = PAPERS[paper]
        fig.text(0.985, 0.006, " · ".join([*([draft] if draft else []), t("pack_page", lang, page="2",
                                                                          pages=fmt_number(n_pages, lang))]),
                 fontsize=8 * k, color=MUTED, ha="right", va="bottom", fontfamily=FONT)
        if draft:
            draft_mark(fig, draft, k)
        meta = {"Title": title(view, lang, name), "Creator": f"matcher {__version__}", "CreationDate": None}
        with PdfPages(out, metadata=meta) as pdf:
            pdf.savefig(render_page(cover, paper, draft))
            pdf.savefig(fig)
            for page in text_pages[1:]:
                pdf.savefig(render_page(page, paper, draft))
