"""The committee review pack: one PDF with a cover, the map, the pairs, the coverage of each
remote commune, the existing twinnings kept, and the assumptions, sources and solver stages.

``write_pack(view, boundaries, lang, out)`` draws every page with matplotlib (no GUI backend,
no pyplot) and embeds DejaVu Sans as TrueType (``pdf.fonttype = 42``), so the text is real text:
searchable, copyable, with every Vietnamese diacritic. Text pages are A4 portrait; the map page
is whatever size ``matcher.render.maps.draw_map`` returns (A3 landscape). Every visible string comes
from ``matcher.i18n``; numbers follow the language (vi: ``4.884,8``; en: ``4,884.8``).

Layout is computed before drawing: tables are measured with the same font, wrapped inside
their columns, and split over as many pages as needed with the header repeated, so the
contents list on the cover can give page numbers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from .. import __version__
from ..i18n import DASH, STRINGS, domain_label, fmt_date, fmt_km, fmt_number, fmt_percent, t

if TYPE_CHECKING:  # pragma: no cover
    from geopandas import GeoDataFrame

    from ..io.resultdir import ResultView

__all__ = ["write_pack"]

FONT = "DejaVu Sans"
RC = {"pdf.fonttype": 42, "ps.fonttype": 42, "font.family": FONT, "axes.unicode_minus": False}

PT = 72.0  # points per inch
A4 = (595.28, 841.89)  # portrait, points
MARGIN_X, TOP, BOTTOM = 50.0, 52.0, 780.0  # content box on an A4 page (y grows downwards)
CONTENT_W = A4[0] - 2 * MARGIN_X

INK, MUTED, RULE, HEAD_FILL, SHADE = "#111111", "#5a5a5a", "#9a9a9a", "#e4e4e4", "#f2f2f2"
BODY, SMALL, TABLE, TABLE_HEAD = 10.0, 8.5, 8.5, 7.5
LEADING = 1.32  # line height / font size
PAD = 3.0  # cell padding, points


# ---- text measuring and wrapping -------------------------------------------------------


@lru_cache(maxsize=1)
def _renderer():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, PT)  # at 72 dpi a pixel is a point


@lru_cache(maxsize=20000)
def _width(s: str, size: float, bold: bool = False) -> float:
    """Width of ``s`` in points, set in DejaVu Sans at ``size``."""
    if not s:
        return 0.0
    prop = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    w, _, _ = _renderer().get_text_width_height_descent(s, prop, ismath=False)
    return float(w)


def _wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` points; explicit newlines are kept; an over-long word is
    broken between characters rather than allowed to overflow."""
    out: list[str] = []
    for para in str(text).split("\n"):
        words = para.split()
        if not words:
            out.append("")
            continue
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if _width(trial, size, bold) <= width:
                line = trial
                continue
            if line:
                out.append(line)
            while _width(word, size, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and _width(word[:cut] + "-", size, bold) > width:
                    cut -= 1
                hyphen = "-" if word[:cut][-1:].isalpha() and word[cut:cut + 1].isalpha() else ""
                out.append(word[:cut] + hyphen)
                word = word[cut:]
            line = word
        out.append(line)
    return out


def _nfc(value) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value))


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


_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {c: i for i, c in enumerate(_ALPHABET)}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def vi_sort_key(name: str) -> tuple:
    """Vietnamese dictionary order: letters first (a ă â b c d đ e ê ...), tones second."""
    letters, tones = [], []
    for ch in _nfc(name).lower():
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", d[0] + "".join(m for m in d[1:] if m in _LETTER_MARKS))
        letters.append(-1 if ch.isspace() else _RANK.get(base, 100 + ord(base[0])))
        tones.append(next((_TONES[m] for m in d[1:] if m in _TONES), 0))
    return tuple(letters), tuple(tones)


# ---- pages as lists of drawing operations ----------------------------------------------


@dataclass
class _Page:
    """One A4 page: drawing operations in points from the top-left corner."""

    ops: list = field(default_factory=list)

    def text(self, x, y, s, size=BODY, bold=False, ha="left", color=INK, rotation=0):
        """``y`` is the baseline (``rotation`` 90: ``x`` is, and the text reads upwards from ``y``)."""
        self.ops.append(("text", x, y, s, size, bold, ha, color, rotation))

    def rect(self, x, y, w, h, color):
        self.ops.append(("rect", x, y, w, h, color))

    def line(self, x0, y0, x1, y1, width=0.5, color=RULE):
        self.ops.append(("line", x0, y0, x1, y1, width, color))

    def lines(self, x, y, rows: list[str], size, bold=False, ha="left", color=INK) -> float:
        """Draw pre-wrapped lines whose first line's top is at ``y``; return the new y."""
        for s in rows:
            self.text(x, y + size * 1.0, s, size, bold, ha, color)
            y += size * LEADING
        return y


@dataclass
class _Col:
    header: str
    width: float = 0.0  # points; 0 = share the width left over (weighted by ``flex``)
    align: str = "left"  # left | right | center
    flex: float = 0.0
    rotate: bool = False  # header set upwards (narrow number columns with long names)


@dataclass
class _Row:
    cells: list[str]
    shade: bool = False
    bold: bool = False
    muted: frozenset = frozenset()  # column indices set in grey


class _Flow:
    """Content that runs over as many A4 pages as it needs, under a section title."""

    def __init__(self, title: str, lang: str, note: str | None = None):
        self.title, self.lang, self.note = title, lang, note
        self.pages: list[_Page] = []
        self._new_page()

    def _new_page(self) -> None:
        page = _Page()
        self.pages.append(page)
        first = len(self.pages) == 1
        title = self.title if first else t("pack_continued", self.lang, title=self.title)
        y = page.lines(MARGIN_X, TOP, _wrap(title, CONTENT_W, 15, True), 15, bold=True)
        if first and self.note:
            y = page.lines(MARGIN_X, y + 2, _wrap(self.note, CONTENT_W, SMALL), SMALL, color=MUTED)
        self.page, self.y = page, y + 10
        self.top = self.y

    def _ensure(self, h: float) -> None:
        if self.y + h > BOTTOM and self.y > self.top:
            self._new_page()

    def space(self, h: float) -> None:
        self.y += h

    def heading(self, text: str, size: float = 12.0) -> None:
        rows = _wrap(text, CONTENT_W, size, True)
        h = len(rows) * size * LEADING
        self._ensure(h + 3 * BODY * LEADING)  # never alone at the foot of a page
        self.y = self.page.lines(MARGIN_X, self.y, rows, size, bold=True) + 3

    def paragraph(self, text: str, size: float = BODY, label: str | None = None, color=INK) -> None:
        """A wrapped paragraph; with ``label`` (e.g. "1.") a hanging indent."""
        indent = 18.0 if label else 0.0
        rows = _wrap(_nfc(text), CONTENT_W - indent, size)
        lh = size * LEADING
        for i, s in enumerate(rows):
            self._ensure(lh)
            if i == 0 and label:
                self.page.text(MARGIN_X, self.y + size, label, size, color=color)
            self.page.text(MARGIN_X + indent, self.y + size, s, size, color=color)
            self.y += lh
        self.y += size * 0.35

    def table(self, cols: list[_Col], rows: list[_Row], groups: list[tuple[str, int, int]] = ()) -> None:
        """A ruled table; its header (and column groups ``(label, first, last)``) is repeated
        on every page it runs onto."""
        widths = _resolve_widths(cols)
        xs = [MARGIN_X]
        for w in widths:
            xs.append(xs[-1] + w)
        lh_head, lh = TABLE_HEAD * LEADING, TABLE * LEADING
        head = [_wrap(c.header, ROTATED_WRAP if c.rotate else w - 2 * PAD, TABLE_HEAD, True)
                for c, w in zip(cols, widths, strict=True)]
        head_h = max(max(_width(s, TABLE_HEAD, True) for s in h) if c.rotate else len(h) * lh_head
                     for c, h in zip(cols, head, strict=True)) + 2 * PAD
        group_h = lh_head + 2 * PAD if groups else 0.0
        body = [[_wrap(_nfc(c), w - 2 * PAD, TABLE, r.bold) for c, w in zip(r.cells, widths, strict=True)]
                for r in rows]
        heights = [max(len(c) for c in cells) * lh + 2 * PAD for cells in body]

        def draw_header():
            p, y = self.page, self.y
            p.rect(xs[0], y, xs[-1] - xs[0], group_h + head_h, HEAD_FILL)
            p.line(xs[0], y, xs[-1], y, 0.9, INK)
            for label, a, b in groups:
                p.text((xs[a] + xs[b + 1]) / 2, y + PAD + TABLE_HEAD, label, TABLE_HEAD, True, "center")
                p.line(xs[a] + PAD, y + group_h, xs[b + 1] - PAD, y + group_h, 0.5, RULE)
            y += group_h
            for i, (c, h) in enumerate(zip(cols, head, strict=True)):
                if c.rotate:  # lines side by side, centred, reading upwards from the rule below
                    left = (xs[i] + xs[i + 1]) / 2 - len(h) * lh_head / 2
                    for k, s in enumerate(h):
                        p.text(left + k * lh_head + TABLE_HEAD, y + head_h - PAD, s, TABLE_HEAD, True,
                               rotation=90)
                    continue
                top = y + head_h - PAD - len(h) * lh_head  # headers sit on the rule below them
                x, ha = _anchor(c, xs[i], xs[i + 1])
                p.lines(x, top, h, TABLE_HEAD, bold=True, ha=ha)
            self.y = y + head_h
            p.line(xs[0], self.y, xs[-1], self.y, 0.7, INK)

        self._ensure(group_h + head_h + (heights[0] if heights else 0))
        draw_header()
        for r, cells, h in zip(rows, body, heights, strict=True):
            if self.y + h > BOTTOM:
                self.page.line(xs[0], self.y, xs[-1], self.y, 0.9, INK)
                self._new_page()
                draw_header()
            p = self.page
            if r.shade:
                p.rect(xs[0], self.y, xs[-1] - xs[0], h, SHADE)
            for i, (c, lines) in enumerate(zip(cols, cells, strict=True)):
                x, ha = _anchor(c, xs[i], xs[i + 1])
                p.lines(x, self.y + PAD, lines, TABLE, r.bold, ha, MUTED if i in r.muted else INK)
            self.y += h
            if r.bold:
                p.line(xs[0], self.y - h, xs[-1], self.y - h, 0.7, INK)
        self.page.line(xs[0], self.y, xs[-1], self.y, 0.9, INK)
        self.y += 8


def _anchor(col: _Col, x0: float, x1: float) -> tuple[float, str]:
    if col.align == "right":
        return x1 - PAD, "right"
    if col.align == "center":
        return (x0 + x1) / 2, "center"
    return x0 + PAD, "left"


def _resolve_widths(cols: list[_Col]) -> list[float]:
    fixed = sum(c.width for c in cols if not c.flex)
    flex = sum(c.flex for c in cols)
    rest = max(CONTENT_W - fixed, 0.0)
    return [c.width if not c.flex else rest * c.flex / flex for c in cols]


def _fit(header: str, cells: list[str], minimum: float = 26.0) -> float:
    """Width of a column that must not wrap its values: its longest header word or widest
    value line, plus padding."""
    words = [_width(w, TABLE_HEAD, True) for w in header.split()] or [0.0]
    values = [_width(line, TABLE, True) for c in cells for line in _nfc(c).split("\n")] or [0.0]
    return max(minimum, max(words) + 2 * PAD + 1, max(values) + 2 * PAD + 1)


def _level(desired: list[float], total: float, grow: bool) -> list[float]:
    """Widths as close to ``desired`` as possible summing to ``total``: the narrow ones raised
    to a common level (``grow``) or the wide ones cut down to one (not ``grow``)."""
    lo, hi = 0.0, max(total, *desired)
    for _ in range(60):
        mid = (lo + hi) / 2
        got = sum(max(d, mid) if grow else min(d, mid) for d in desired)
        lo, hi = (mid, hi) if got < total else (lo, mid)
    return [max(d, lo) if grow else min(d, lo) for d in desired]


DOMAIN_MIN, DOMAIN_MAX, ROTATED_MAX = 26.0, 50.0, 34.0  # per-domain number columns, points
ROTATED_WRAP = 78.0  # length of an upright header line, points


def _domain_widths(labels: list[str], budget: float) -> tuple[list[float], bool] | None:
    """Widths of one number column per domain within ``budget`` points, and whether their
    headers must be set upwards to fit (no header word is ever split); None when even that
    does not fit (then the domains go into one wrapped text column)."""
    if not labels:
        return None
    desired = [_fit(label, ["00"], DOMAIN_MIN + 4) for label in labels]
    if sum(desired) <= budget:
        return _level(desired, min(budget, sum(max(d, DOMAIN_MAX) for d in desired)), grow=True), False
    upright = [max(DOMAIN_MIN, len(_wrap(label, ROTATED_WRAP, TABLE_HEAD, True)) * TABLE_HEAD * LEADING + 2 * PAD)
               for label in labels]
    if sum(upright) > budget:
        return None
    return _level(upright, min(budget, sum(max(d, ROTATED_MAX) for d in upright)), grow=True), True


def _name_width(header: str, cells: list[str]) -> float:
    """What a name column needs so that no name wraps (its header may)."""
    return _fit(header, cells, 40.0) + 2


# ---- the sections ----------------------------------------------------------------------


def _sorted_pairs(view: ResultView):
    pairs = view.pairs.copy()
    pairs["_key"] = [(vi_sort_key(r), vi_sort_key(lw)) for r, lw in zip(pairs.remote_name, pairs.lowland_name,
                                                                         strict=True)]
    return pairs.sort_values("_key", kind="stable").drop(columns="_key").reset_index(drop=True)


def _domain_cells(row, domains: list[str], prefix: str, lang: str) -> list[str]:
    out = []
    for d in domains:
        v = row.get(f"{prefix}{d}")
        out.append(DASH if v is None or v != v or float(v) == 0 else _num(v, lang, 0))
    return out


def _domain_text(row, domains: list[str], prefix: str, lang: str) -> str:
    """"IT 2, Planning 1" for the domains with a non-zero value."""
    parts = [f"{domain_label(d, lang)} {_num(row.get(f'{prefix}{d}'), lang)}" for d in domains
             if (row.get(f"{prefix}{d}") or 0) > 0]
    return ", ".join(parts) or DASH


def _with_domains(cols: list[_Col], rows: list[_Row], names: list[int], domains: list[str], per_row: list,
                  prefix: str, group: str, lang: str) -> list[tuple[str, int, int]]:
    """Append the domain columns to ``cols`` and ``rows`` (number columns side by side when
    they fit, else one text column); the name columns ``names`` share what is left."""
    for i in names:
        cols[i].width = _name_width(cols[i].header, [r.cells[i] for r in rows])
    budget = CONTENT_W - sum(c.width for c in cols)
    labels = [domain_label(d, lang) for d in domains]
    fitted = _domain_widths(labels, budget)
    for i in names:  # the rest is shared in proportion to need, so no name wraps
        cols[i].width, cols[i].flex = 0.0, cols[i].width
    first = len(cols)
    if fitted is None:
        cols.append(_Col(group, flex=1.2 * sum(cols[i].flex for i in names)))
        for r, src in zip(rows, per_row, strict=True):
            r.cells.append(_domain_text(src, domains, prefix, lang) if src is not None else "")
        return []
    widths, rotate = fitted
    cols += [_Col(label, w, "center", rotate=rotate) for label, w in zip(labels, widths, strict=True)]
    for r, src in zip(rows, per_row, strict=True):
        cells = _domain_cells(src, domains, prefix, lang) if src is not None else [""] * len(domains)
        r.cells += cells
        r.muted = frozenset(first + j for j, v in enumerate(cells) if v == DASH)
    return [(group, first, len(cols) - 1)]


def _pairs_table(flow: _Flow, view: ResultView, pairs, lang: str, with_kind: bool) -> None:
    """No., remote, lowland, distance, [kind], then staff per domain."""
    domains = [d for d in view.domains if f"staff_{d}" in pairs.columns]
    rows, srcs, group, last = [], [], -1, None
    for i, (_, r) in enumerate(pairs.iterrows()):
        if r.remote_code != last:
            group, last = group + 1, r.remote_code
        cells = [str(i + 1), _nfc(r.remote_name), _nfc(r.lowland_name), _num(r.distance_km, lang, 1)]
        if with_kind:
            cells.append(t("kind_locked" if r.locked else "kind_new", lang))
        rows.append(_Row(cells, shade=group % 2 == 1))
        srcs.append(r)
    km = f"{t('distance', lang)} ({t('km', lang)})"
    cols = [_Col(t("pack_row", lang), _fit(t("pack_row", lang), [str(len(rows))]), "right"),
            _Col(t("remote", lang)), _Col(t("lowland", lang)),
            _Col(km, _fit(km, [r.cells[3] for r in rows]), "right")]
    if with_kind:
        cols.append(_Col(t("pair_kind", lang), _fit(t("pair_kind", lang), [r.cells[4] for r in rows])))
    groups = _with_domains(cols, rows, [1, 2], domains, srcs, "staff_", t("pack_domains_covered", lang), lang)
    flow.table(cols, rows, groups)


def _pairs_section(view: ResultView, lang: str) -> list[_Page]:
    flow = _Flow(t("pack_pairs", lang), lang, t("pack_pairs_note", lang))
    pairs = _sorted_pairs(view)
    if pairs.empty:
        flow.paragraph(t("pack_none", lang))
    else:
        _pairs_table(flow, view, pairs, lang, with_kind=True)
    return flow.pages


def _locked_section(view: ResultView, lang: str) -> list[_Page]:
    pairs = _sorted_pairs(view)
    pairs = pairs[pairs["locked"]].reset_index(drop=True)
    flow = _Flow(t("pack_locked", lang), lang, t("pack_locked_note", lang, n=len(pairs)))
    if pairs.empty:
        flow.paragraph(t("pack_none", lang))
    else:
        _pairs_table(flow, view, pairs, lang, with_kind=False)
    return flow.pages


def _why_section(view: ResultView, lang: str) -> list[_Page]:
    """Why each partner (only for results solved with --why): one paragraph per pair."""
    flow = _Flow(t("why", lang), lang)
    for _, p in _sorted_pairs(view).iterrows():
        flow.paragraph(f"{_nfc(p['remote_name'])} – {_nfc(p['lowland_name'])}: {_nfc(p[f'why_{lang}'])}")
    return flow.pages


def _coverage_section(view: ResultView, lang: str) -> list[_Page]:
    """No., remote, partners, need, covered, coverage, then uncovered need per domain; a
    totals row at the end."""
    flow = _Flow(t("pack_coverage", lang), lang, t("pack_coverage_note", lang))
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
        partners = "\n".join(_nfc(p).strip() for p in str(r.get("partner_names", "")).split(";") if p.strip())
        totals = [_num(r.need_total, lang), _num(r.covered_total, lang)] if has_totals else []
        rows.append(_Row([str(i + 1), _nfc(r.remote_name), partners or DASH, *totals,
                          _pct(r.coverage_ratio, lang)], shade=i % 2 == 1))
        srcs.append(r)
    overall = covered_total / need_total if has_totals and need_total else None
    totals = [_num(need_total, lang), _num(covered_total, lang)] if has_totals else []
    rows.append(_Row(["", t("pack_total", lang), "", *totals, _pct(overall, lang)], bold=True))
    srcs.append({f"uncovered_{d}": _sum(remote, f"uncovered_{d}") for d in domains})

    def number(key: str, k: int) -> _Col:
        return _Col(t(key, lang), _fit(t(key, lang), [r.cells[k] for r in rows]), "right")

    cols = [_Col(t("pack_row", lang), _fit(t("pack_row", lang), [str(len(remote))]), "right"),
            _Col(t("remote", lang)), _Col(t("partners", lang))]
    if has_totals:
        cols += [number("need", 3), number("covered", 4)]
    cols.append(number("pack_coverage_pct", len(cols)))
    groups = _with_domains(cols, rows, [1, 2], domains, srcs, "uncovered_", t("pack_uncovered_by_domain", lang),
                           lang)
    flow.table(cols, rows, groups)
    return flow.pages


def _sum(frame, column: str) -> float:
    return float(frame[column].astype(float).sum()) if column in frame.columns else 0.0


def _range(lo, hi, lang: str) -> str:
    return str(lo) if lo == hi else t("pack_range", lang, lo=lo, hi=hi)


def _notes_section(view: ResultView, lang: str) -> list[_Page]:
    s = view.summary
    flow = _Flow(t("pack_notes", lang), lang)

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

    numbered(t("pack_warnings", lang), s.get("warnings", []))
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
            rows.append(_Row([str(i), name, _status(st.get("status"), lang), _stage_value(st.get("value"), unit, lang),
                              _stage_value(st.get("bound"), unit, lang)]))
        cols = [_Col(t("pack_row", lang), _fit(t("pack_row", lang), ["9"]), "right"),
                _Col(t("pack_stage", lang), flex=2.2), _Col(t("status", lang), flex=1.3),
                _Col(t("pack_value", lang), 78, "right"), _Col(t("pack_bound", lang), 78, "right")]
        flow.table(cols, rows)
    else:
        flow.paragraph(t("pack_none", lang))
    if s.get("solver"):
        flow.paragraph(t("pack_solver", lang, solver=s["solver"]), size=SMALL, color=MUTED)
    return flow.pages


def _cover(view: ResultView, lang: str, contents: list[tuple[str, int]], notes_page: int) -> _Page:
    s = view.summary
    p = _Page()
    x0, x1 = MARGIN_X, MARGIN_X + CONTENT_W
    y = p.lines(x0, 70, [t("pack_subtitle", lang)], 12, color=MUTED) + 6
    y = p.lines(x0, y, _wrap(t("title", lang), CONTENT_W, 24, True), 24, bold=True) + 6
    if view.scenario_name:
        y = p.lines(x0, y, _wrap(t("scenario", lang, name=_nfc(view.scenario_name)), CONTENT_W, 13), 13)
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
        y = p.lines(x0, y, _wrap(t("pack_mode_evaluate", lang), CONTENT_W, BODY, True), BODY, bold=True) + 4
    if s.get("assumptions"):
        note = _wrap(t("pack_assumptions_note", lang, page=notes_page), CONTENT_W - 16, BODY)
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
    from .maps import draw_map

    return draw_map(view, boundaries, lang)


# ---- assembling ------------------------------------------------------------------------


def _render(page: _Page) -> Figure:
    fig = Figure(figsize=(A4[0] / PT, A4[1] / PT))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, A4[0])
    ax.set_ylim(A4[1], 0)
    ax.set_axis_off()
    from matplotlib.patches import Rectangle

    for op in page.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, s, size, bold, ha, color, rotation = op
            ax.text(x, y, s, fontsize=size, fontweight="bold" if bold else "normal", ha=ha, va="baseline",
                    color=color, fontfamily=FONT, parse_math=False, rotation=rotation, rotation_mode="anchor")
        elif kind == "rect":
            _, x, y, w, h, color = op
            ax.add_patch(Rectangle((x, y), w, h, facecolor=color, edgecolor="none", zorder=0))
        else:
            _, x0, y0, x1, y1, width, color = op
            ax.plot([x0, x1], [y0, y1], color=color, lw=width, solid_capstyle="butt")
    return fig


def _footer(page: _Page, n: int, total: int, view: ResultView, lang: str) -> None:
    y = A4[1] - 34
    page.line(MARGIN_X, y - 12, MARGIN_X + CONTENT_W, y - 12, 0.5, RULE)
    left = t("title", lang) + (f" · {_nfc(view.scenario_name)}" if view.scenario_name else "")
    page.text(MARGIN_X, y, _wrap(left, CONTENT_W - 90, 7.5)[0], 7.5, color=MUTED)
    page.text(MARGIN_X + CONTENT_W, y, t("pack_page", lang, page=n, pages=total), 7.5, ha="right", color=MUTED)


def write_pack(view: ResultView, boundaries: GeoDataFrame | None, lang: str, out: Path) -> None:
    """Write the committee review pack for ``view`` to the PDF ``out``, all text in ``lang``.

    Pages: cover (key figures, contents), map (``matcher.render.maps.draw_map``), the pairs sorted by
    remote commune, coverage per remote commune, the existing twinnings kept, and the
    assumptions, sources, pairing rules, warnings and solver stages."""
    from matplotlib.backends.backend_pdf import PdfPages

    t("title", lang)  # an unknown language fails here, before anything is written
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

        meta = {"Title": t("title", lang), "Subject": _nfc(view.scenario_name), "Creator": f"matcher {__version__}",
                "CreationDate": None}
        the_map = _map_figure(view, boundaries, lang)
        the_map.text(0.985, 0.012, t("pack_page", lang, page=2, pages=total), fontsize=9, color=MUTED,
                     ha="right", va="bottom", fontfamily=FONT)
        with PdfPages(out, metadata=meta) as pdf:
            for fig in (_render(cover), the_map, *(_render(p) for p in text_pages[1:])):
                pdf.savefig(fig)
