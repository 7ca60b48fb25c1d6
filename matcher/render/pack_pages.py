"""The text sections of the committee review pack: pairs, coverage, why each partner (in the
committee's terms: the domains it covers and the best alternative with what taking it instead
would cost), the flags, the existing twinnings kept, the notes and the approval page.

Each ``*_section(view, lang)`` returns its pages (:class:`matcher.render.pdf.Page`); the pack
(:mod:`matcher.render.pack`) numbers them and adds the footers. Every number goes through
the formatters of :mod:`matcher.i18n`; words written for the data's authors (file names,
column names such as ``supply_*``) are put in the committee's words by :func:`committee_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import DASH, STRINGS, fmt_km, fmt_number, fmt_percent, t
from .common import committee_text, printable, repairs_note, vi_sort_key
from .pdf import (
    BODY,
    CONTENT_W,
    MARGIN_X,
    MUTED,
    SMALL,
    TOP,
    Col,
    Flow,
    Page,
    Row,
    domain_text,
    fit,
    with_domains,
    wrap,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..io.resultdir import ResultView

FLAG_KINDS = ("no_staff", "locked_beyond_cap", "low_coverage", "useless_lowland")  # the order of the flags section



def status_text(status, lang: str) -> str:
    key = f"status_{status}"
    return t(key, lang) if key in STRINGS else str(status)


def _stage_value(v, unit: str, lang: str) -> str:
    if v is None:
        return DASH
    if unit == "ratio":
        return fmt_percent(v, lang)
    if unit == "km":
        return fmt_km(v, lang)
    if unit == "minutes":
        return f"{fmt_number(v, lang)} {t('pack_minutes', lang)}"
    return fmt_number(v, lang, 0 if float(v).is_integer() else 2)


def total(frame, column: str) -> float:
    return float(frame[column].astype(float).sum()) if column in frame.columns else 0.0


def blank(v) -> bool:
    """An empty cell: None, NaN or only spaces."""
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def sorted_pairs(view: ResultView):
    pairs = view.pairs.copy()
    pairs["_key"] = [(vi_sort_key(r), vi_sort_key(lw)) for r, lw in zip(pairs.remote_name, pairs.lowland_name,
                                                                         strict=True)]
    return pairs.sort_values("_key", kind="stable").drop(columns="_key").reset_index(drop=True)


def alternative(pair, lang: str) -> tuple[str, str]:
    """(the runner-up "Thanh Khê (62 km)", what taking it instead would cost); dashes when the
    result has no runner-up columns or this pair has none."""
    name = pair.get("alt_name")
    if blank(name):
        return DASH, DASH
    km = pair.get("alt_km")
    head = printable(name) if blank(km) else f"{printable(name)} ({fmt_km(float(km), lang)})"
    change = pair.get(f"alt_change_{lang}")
    return head, DASH if blank(change) else printable(change)


# ---- pairs, locked, coverage -----------------------------------------------------------


def _pairs_table(flow: Flow, view: ResultView, pairs, lang: str, with_kind: bool) -> None:
    """No., remote, lowland, distance, [kind], then staff per domain."""
    domains = [d for d in view.domains if f"staff_{d}" in pairs.columns]
    rows, srcs, group, last = [], [], -1, None
    for i, (_, r) in enumerate(pairs.iterrows()):
        if r.remote_code != last:
            group, last = group + 1, r.remote_code
        cells = [str(i + 1), printable(r.remote_name), printable(r.lowland_name), fmt_km(r.distance_km, lang)]
        if with_kind:
            cells.append(t("kind_locked" if r.locked else "kind_new", lang))
        rows.append(Row(cells, shade=group % 2 == 1))
        srcs.append(r)
    km = t("distance", lang)
    cols = [Col(t("pack_row", lang), fit(t("pack_row", lang), [str(len(rows))]), "right"),
            Col(t("remote", lang)), Col(t("lowland", lang)),
            Col(km, fit(km, [r.cells[3] for r in rows]), "right")]
    if with_kind:
        cols.append(Col(t("pair_kind", lang), fit(t("pair_kind", lang), [r.cells[4] for r in rows])))
    groups = with_domains(cols, rows, [1, 2], domains, srcs, "staff_", t("pack_domains_covered", lang), lang)
    flow.table(cols, rows, groups)


def _pairs_pages(flow: Flow, view: ResultView, pairs, lang: str, with_kind: bool) -> list[Page]:
    if pairs.empty:
        flow.paragraph(t("pack_none", lang))
    else:
        _pairs_table(flow, view, pairs, lang, with_kind=with_kind)
    return flow.pages


def pairs_section(view: ResultView, lang: str) -> list[Page]:
    flow = Flow(t("pack_pairs", lang), lang, t("pack_pairs_note", lang))
    return _pairs_pages(flow, view, sorted_pairs(view), lang, with_kind=True)


def locked_section(view: ResultView, lang: str) -> list[Page]:
    pairs = sorted_pairs(view)
    pairs = pairs[pairs["locked"]].reset_index(drop=True)
    flow = Flow(t("pack_locked", lang), lang, t("pack_locked_note", lang, n=fmt_number(len(pairs), lang)))
    return _pairs_pages(flow, view, pairs, lang, with_kind=False)


def coverage_section(view: ResultView, lang: str) -> list[Page]:
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
    need_total, covered_total = total(remote, "need_total"), total(remote, "covered_total")

    rows, srcs = [], []
    for i, r in remote.iterrows():
        partners = "\n".join(printable(p).strip() for p in str(r.get("partner_names", "")).split(";") if p.strip())
        totals = [fmt_number(r.need_total, lang), fmt_number(r.covered_total, lang)] if has_totals else []
        rows.append(Row([str(i + 1), printable(r.remote_name), partners or DASH, *totals,
                          fmt_percent(r.coverage_ratio, lang)], shade=i % 2 == 1))
        srcs.append(r)
    overall = covered_total / need_total if has_totals and need_total else None
    totals = [fmt_number(need_total, lang), fmt_number(covered_total, lang)] if has_totals else []
    rows.append(Row(["", t("pack_total", lang), "", *totals, fmt_percent(overall, lang)], bold=True))
    srcs.append({f"uncovered_{d}": total(remote, f"uncovered_{d}") for d in domains})

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


# ---- why this partner, flags -----------------------------------------------------------


def why_section(view: ResultView, lang: str, note: str | None = None) -> list[Page]:
    """Per remote commune: each partner, its distance, the domains it covers, the best
    alternative and what taking it instead would cost (``alt_*`` of pairs.csv)."""
    flow = Flow(t("pack_why", lang), lang, " ".join(s for s in (t("pack_why_note", lang), note) if s))
    pairs = sorted_pairs(view)
    if pairs.empty:
        flow.paragraph(t("pack_none", lang))
        return flow.pages
    domains = [d for d in view.domains if f"staff_{d}" in pairs.columns]
    rows, group, last = [], -1, None
    for _, p in pairs.iterrows():
        first = p.remote_code != last
        if first:
            group, last = group + 1, p.remote_code
        alt, change = alternative(p, lang)
        rows.append(Row([printable(p.remote_name) if first else "", printable(p.lowland_name),
                         fmt_km(p.distance_km, lang), domain_text(p, domains, "staff_", lang), alt, change],
                        shade=group % 2 == 1))
    km = t("distance", lang)
    cols = [Col(t("remote", lang), flex=1.0), Col(t("pack_partner", lang), flex=1.0),
            Col(km, fit(km, [r.cells[2] for r in rows]), "right"),
            Col(t("pack_domains_covered", lang), flex=1.7), Col(t("pack_alternative", lang), flex=1.1),
            Col(t("pack_alt_cost", lang), flex=2.4)]
    flow.table(cols, rows)
    return flow.pages


def flag_groups(view: ResultView) -> list[tuple[str, list[dict]]] | None:
    """The flags of summary.json grouped by kind (known kinds first, in their order); None when
    the result records no checks (a folder written before flags)."""
    flags = view.summary.get("flags")
    if not isinstance(flags, list):
        return None
    kinds = list(FLAG_KINDS) + sorted({str(f.get("kind")) for f in flags if isinstance(f, dict)} - set(FLAG_KINDS))
    out = []
    for kind in kinds:  # every known kind, checked, even with nothing found (the section says "None")
        items = [f for f in flags if isinstance(f, dict) and str(f.get("kind")) == kind]
        if items or kind in FLAG_KINDS:
            out.append((kind, items))
    return out


def flags_section(view: ResultView, lang: str) -> list[Page]:
    """Pairs and communes to check, grouped by kind with counts; "None." when there are none."""
    groups = flag_groups(view)
    n = sum(len(items) for _, items in groups or [])
    flow = Flow(t("pack_flags", lang), lang, t("pack_flags_note", lang, n=fmt_number(n, lang)) if groups else None)
    if groups is None:
        flow.paragraph(t("pack_flags_unrecorded", lang))
        return flow.pages
    for kind, items in groups:
        key = f"pack_flag_{kind}"
        label = t(key, lang) if key in STRINGS else kind
        flow.heading(t("pack_flag_group", lang, label=label, n=fmt_number(len(items), lang)), size=11.5)
        if not items:
            flow.paragraph(t("pack_none", lang))
        for i, f in enumerate(items, 1):
            text = f.get(f"text_{lang}") or f.get("text_en") or f.get("text_vi") or label
            flow.paragraph(committee_text(str(text), lang), label=f"{i}.")
        flow.space(6)
    return flow.pages


# ---- notes, approval -------------------------------------------------------------------


def _range(lo, hi, lang: str) -> str:
    return fmt_number(lo, lang) if lo == hi else t("pack_range", lang, lo=fmt_number(lo, lang), hi=fmt_number(hi, lang))


def notes_section(view: ResultView, lang: str) -> list[Page]:
    s = view.summary
    flow = Flow(t("pack_notes", lang), lang)

    def numbered(heading: str, items: list) -> None:
        flow.heading(heading)
        if not items:
            flow.paragraph(t("pack_none", lang))
        for i, item in enumerate(items, 1):
            flow.paragraph(committee_text(str(item), lang), label=f"{i}.")
        flow.space(6)

    numbered(t("assumptions", lang), view.assumptions(lang))
    numbered(t("sources", lang), view.sources(lang))

    sc = s.get("scenario", {}) or {}
    rules = []
    if sc.get("max_distance_km") is not None:
        rules.append(t("pack_rule_distance", lang, km=fmt_km(sc["max_distance_km"], lang)))
    if sc.get("max_minutes") is not None:
        rules.append(t("pack_rule_minutes", lang, minutes=fmt_number(sc["max_minutes"], lang)))
    partners = sc.get("partners", {}) or {}
    if partners.get("lowland"):
        rules.append(t("pack_rule_lowland", lang, range=_range(*partners["lowland"], lang)))
    if partners.get("remote"):
        rules.append(t("pack_rule_remote", lang, range=_range(*partners["remote"], lang)))
    if rules:
        numbered(t("pack_rules", lang), rules)

    flow.heading(t("pack_warnings", lang))  # one sentence, never one line per repaired row
    flow.paragraph(committee_text(repairs_note(s, lang) or t("pack_none", lang), lang))
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
            rows.append(Row([str(i), name, status_text(st.get("status"), lang),
                             _stage_value(st.get("value"), unit, lang), _stage_value(st.get("bound"), unit, lang)]))
        cols = [Col(t("pack_row", lang), fit(t("pack_row", lang), ["9"]), "right"),
                Col(t("pack_stage", lang), flex=2.2), Col(t("status", lang), flex=1.3),
                Col(t("pack_value", lang), 90, "right"), Col(t("pack_bound", lang), 90, "right")]
        flow.table(cols, rows)
    else:
        flow.paragraph(t("pack_none", lang))
    return flow.pages


def approval_page(view: ResultView, lang: str, final: bool) -> Page:
    """Prepared by, reviewed by, approved by: each with its signature line, name and date."""
    p = Page()
    x0 = MARGIN_X
    y = p.lines(x0, TOP, wrap(t("pack_approval", lang), CONTENT_W, 15, True), 15, bold=True) + 4
    name = view.scenario_name
    if name:
        y = p.lines(x0, y, wrap(t("scenario", lang, name=printable(name)), CONTENT_W, 11), 11) + 2
    note = t("pack_approval_final" if final else "pack_approval_draft", lang)
    y = p.lines(x0, y, wrap(note, CONTENT_W, BODY), BODY, color=MUTED) + 34
    roles = ("pack_prepared_by", "pack_reviewed_by", "pack_approved_by")
    gap = 30.0
    w = (CONTENT_W - gap * (len(roles) - 1)) / len(roles)
    for i, key in enumerate(roles):
        x = x0 + i * (w + gap)
        cx = x + w / 2
        p.text(cx, y + 13, t(key, lang).upper(), 12, bold=True, ha="center")
        p.text(cx, y + 29, t("pack_sign", lang), SMALL + 0.5, ha="center", color=MUTED)
        p.line(x + 10, y + 130, x + w - 10, y + 130, 0.6, "#444444")
        p.text(x + 10, y + 150, t("pack_sign_name", lang), BODY)
        p.text(x + 10, y + 172, t("pack_sign_position", lang), BODY)
        p.text(x + 10, y + 194, t("pack_sign_date", lang), BODY)
    return p
