"""Layout primitives of the review pack's text pages: text measured in the font it is set in,
wrapped to a width, and laid out as lists of drawing operations on A4-landscape pages.

``Page`` holds operations (text, rectangles, rules) in points from the top-left corner;
``Flow`` runs headings, paragraphs and ruled tables over as many pages as they need, the
table header repeated on each; ``Col``/``Row`` describe a table and ``fit``, ``with_domains``
size its columns so names never wrap; :mod:`matcher.render.pdf_render` draws a page on paper.
Text is measured in DejaVu Sans, the font the PDF embeds, from its unhinted glyph advances.
Every string drawn passes through :func:`matcher.render.common.printable` (NFC, no control
characters), so a hand-edited result folder cannot break the PDF writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from matplotlib.font_manager import FontProperties

from ..i18n import DASH, domain_label, fmt_number, t
from .common import printable

FONT = "DejaVu Sans"
RC = {"pdf.fonttype": 42, "ps.fonttype": 42, "font.family": FONT, "axes.unicode_minus": False}

PT = 72.0  # points per inch
A4 = (841.89, 595.28)  # landscape, points: the layout box of every page (Decree 30/2020/NĐ-CP: A4)
PAPERS = {"a4": 1.0, "a3": 2 ** 0.5}  # paper -> scale of the A4 layout (A3 is A4 enlarged by sqrt 2)
MARGIN_X, TOP, BOTTOM = 46.0, 44.0, A4[1] - 58.0  # content box on a page (y grows downwards)
CONTENT_W = A4[0] - 2 * MARGIN_X

INK, MUTED, RULE, HEAD_FILL, SHADE = "#111111", "#5a5a5a", "#9a9a9a", "#e4e4e4", "#f2f2f2"
BODY, SMALL, TABLE, TABLE_HEAD = 10.0, 8.5, 8.5, 7.5
LEADING = 1.32  # line height / font size
PAD = 3.0  # cell padding, points


# ---- text measuring and wrapping -------------------------------------------------------


@lru_cache(maxsize=2)
def _face(bold: bool):
    """DejaVu Sans (bold or not) at 1000 units per point size, unhinted, as the PDF sets it."""
    from matplotlib import ft2font
    from matplotlib.font_manager import findfont

    font = ft2font.FT2Font(findfont(FontProperties(family=FONT, weight="bold" if bold else "normal")))
    font.set_size(1000, PT)
    return font, {}, {}


def _advance(bold: bool, a: str, b: str | None) -> float:
    """Advance of ``a`` (plus the kerning before ``b``) in 1/1000 of the font size."""
    font, glyphs, kerns = _face(bold)
    from matplotlib import ft2font

    def glyph(c):
        g = glyphs.get(c)
        if g is None:
            index = font.get_char_index(ord(c))
            adv = font.load_glyph(index, flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance / 65536
            g = glyphs[c] = (index, adv)
        return g

    ia, adv = glyph(a)
    if b is None:
        return adv
    key = (a, b)
    if key not in kerns:
        kerns[key] = font.get_kerning(ia, glyph(b)[0], ft2font.Kerning.UNFITTED) / 64
    return adv + kerns[key]


@lru_cache(maxsize=50000)
def text_width(s: str, size: float, bold: bool = False) -> float:
    """Width of ``s`` in points, set in DejaVu Sans at ``size``: the unhinted glyph advances and
    kerning the PDF uses, summed from per-glyph caches (thousands of strings a second)."""
    if not s:
        return 0.0
    units = sum(_advance(bold, a, b) for a, b in zip(s, [*s[1:], None], strict=True))
    return units * size / 1000.0


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` points; explicit newlines are kept; an over-long word is
    broken between characters rather than allowed to overflow."""
    out: list[str] = []
    for para in printable(text).split("\n"):
        words = para.split()
        if not words:
            out.append("")
            continue
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if text_width(trial, size, bold) <= width:
                line = trial
                continue
            if line:
                out.append(line)
            while text_width(word, size, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut] + "-", size, bold) > width:
                    cut -= 1
                hyphen = "-" if word[:cut][-1:].isalpha() and word[cut:cut + 1].isalpha() else ""
                out.append(word[:cut] + hyphen)
                word = word[cut:]
            line = word
        out.append(line)
    return out


# ---- pages as lists of drawing operations ----------------------------------------------


@dataclass
class Page:
    """One page: drawing operations in layout points (A4 landscape) from the top-left corner."""

    ops: list = field(default_factory=list)

    def text(self, x, y, s, size=BODY, bold=False, ha="left", color=INK, rotation=0):
        """``y`` is the baseline (``rotation`` 90: ``x`` is, and the text reads upwards from ``y``)."""
        self.ops.append(("text", x, y, printable(s), size, bold, ha, color, rotation))

    def rect(self, x, y, w, h, color):
        self.ops.append(("rect", x, y, w, h, color))

    def line(self, x0, y0, x1, y1, width=0.5, color=RULE):
        self.ops.append(("line", x0, y0, x1, y1, width, color))

    def axes(self, x, y, w, h, draw):
        """A box for a drawing: ``draw(ax, scale)`` fills a matplotlib Axes placed there
        (``scale`` multiplies every font size and line width it uses)."""
        self.ops.append(("axes", x, y, w, h, draw))

    def lines(self, x, y, rows: list[str], size, bold=False, ha="left", color=INK) -> float:
        """Draw pre-wrapped lines whose first line's top is at ``y``; return the new y."""
        for s in rows:
            self.text(x, y + size * 1.0, s, size, bold, ha, color)
            y += size * LEADING
        return y


@dataclass
class Col:
    header: str
    width: float = 0.0  # points; 0 = share the width left over (weighted by ``flex``)
    align: str = "left"  # left | right | center
    flex: float = 0.0
    rotate: bool = False  # header set upwards (narrow number columns with long names)


@dataclass
class Row:
    cells: list[str]
    shade: bool = False
    bold: bool = False
    muted: frozenset = frozenset()  # column indices set in grey


class Flow:
    """Content that runs over as many pages as it needs, under a section title."""

    def __init__(self, title: str, lang: str, note: str | None = None):
        self.title, self.lang, self.note = title, lang, note
        self.left, self.width = MARGIN_X, CONTENT_W  # the column content runs in (a page may narrow it)
        self.pages: list[Page] = []
        self._new_page()

    def _new_page(self) -> None:
        page = Page()
        self.pages.append(page)
        first = len(self.pages) == 1
        title = self.title if first else t("pack_continued", self.lang, title=self.title)
        y = page.lines(MARGIN_X, TOP, wrap(title, CONTENT_W, 15, True), 15, bold=True)
        if first and self.note:
            y = page.lines(MARGIN_X, y + 2, wrap(self.note, CONTENT_W, SMALL), SMALL, color=MUTED)
        self.page, self.y = page, y + 10
        self.top = self.y

    def _ensure(self, h: float) -> None:
        if self.y + h > BOTTOM and self.y > self.top:
            self._new_page()

    def space(self, h: float) -> None:
        self.y += h

    def heading(self, text: str, size: float = 12.0) -> None:
        rows = wrap(text, self.width, size, True)
        h = len(rows) * size * LEADING
        self._ensure(h + 3 * BODY * LEADING)  # never alone at the foot of a page
        self.y = self.page.lines(self.left, self.y, rows, size, bold=True) + 3

    def paragraph(self, text: str, size: float = BODY, label: str | None = None, color=INK) -> None:
        """A wrapped paragraph; with ``label`` (e.g. "1.") a hanging indent."""
        indent = 18.0 if label else 0.0
        rows = wrap(printable(text), self.width - indent, size)
        lh = size * LEADING
        for i, s in enumerate(rows):
            self._ensure(lh)
            if i == 0 and label:
                self.page.text(self.left, self.y + size, label, size, color=color)
            self.page.text(self.left + indent, self.y + size, s, size, color=color)
            self.y += lh
        self.y += size * 0.35

    def table(self, cols: list[Col], rows: list[Row], groups: list[tuple[str, int, int]] = ()) -> None:
        """A ruled table; its header (and column groups ``(label, first, last)``) is repeated
        on every page it runs onto."""
        widths = _resolve_widths(cols, self.width)
        xs = [self.left]
        for w in widths:
            xs.append(xs[-1] + w)
        lh_head, lh = TABLE_HEAD * LEADING, TABLE * LEADING
        head = [wrap(c.header, ROTATED_WRAP if c.rotate else w - 2 * PAD, TABLE_HEAD, True)
                for c, w in zip(cols, widths, strict=True)]
        head_h = max(max(text_width(s, TABLE_HEAD, True) for s in h) if c.rotate else len(h) * lh_head
                     for c, h in zip(cols, head, strict=True)) + 2 * PAD
        group_h = lh_head + 2 * PAD if groups else 0.0
        body = [[wrap(printable(c), w - 2 * PAD, TABLE, r.bold) for c, w in zip(r.cells, widths, strict=True)]
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


def _anchor(col: Col, x0: float, x1: float) -> tuple[float, str]:
    if col.align == "right":
        return x1 - PAD, "right"
    if col.align == "center":
        return (x0 + x1) / 2, "center"
    return x0 + PAD, "left"


def _resolve_widths(cols: list[Col], total: float = CONTENT_W) -> list[float]:
    fixed = sum(c.width for c in cols if not c.flex)
    flex = sum(c.flex for c in cols)
    rest = max(total - fixed, 0.0)
    return [c.width if not c.flex else rest * c.flex / flex for c in cols]


def fit(header: str, cells: list[str], minimum: float = 26.0) -> float:
    """Width of a column that must not wrap its values: its longest header word or widest
    value line, plus padding."""
    words = [text_width(w, TABLE_HEAD, True) for w in header.split()] or [0.0]
    values = [text_width(line, TABLE, True) for c in cells for line in printable(c).split("\n")] or [0.0]
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
    desired = [fit(label, ["00"], DOMAIN_MIN + 4) for label in labels]
    if sum(desired) <= budget:
        return _level(desired, min(budget, sum(max(d, DOMAIN_MAX) for d in desired)), grow=True), False
    upright = [max(DOMAIN_MIN, len(wrap(label, ROTATED_WRAP, TABLE_HEAD, True)) * TABLE_HEAD * LEADING + 2 * PAD)
               for label in labels]
    if sum(upright) > budget:
        return None
    return _level(upright, min(budget, sum(max(d, ROTATED_MAX) for d in upright)), grow=True), True


def _name_width(header: str, cells: list[str]) -> float:
    """What a name column needs so that no name wraps (its header may)."""
    return fit(header, cells, 40.0) + 2


def _domain_cells(row, domains: list[str], prefix: str, lang: str) -> list[str]:
    out = []
    for d in domains:
        v = row.get(f"{prefix}{d}")
        out.append(DASH if v is None or v != v or float(v) == 0 else fmt_number(v, lang, 0))
    return out


def domain_text(row, domains: list[str], prefix: str, lang: str) -> str:
    """"IT 2, Planning 1" for the domains with a non-zero value."""
    parts = [f"{domain_label(d, lang)} {fmt_number(row.get(f'{prefix}{d}'), lang)}" for d in domains
             if (row.get(f"{prefix}{d}") or 0) > 0]
    return ", ".join(parts) or DASH


def with_domains(cols: list[Col], rows: list[Row], names: list[int], domains: list[str], per_row: list,
                  prefix: str, group: str, lang: str, width: float = CONTENT_W) -> list[tuple[str, int, int]]:
    """Append the domain columns to ``cols`` and ``rows`` (number columns side by side when
    they fit in ``width``, else one text column); the name columns ``names`` share what is left."""
    for i in names:
        cols[i].width = _name_width(cols[i].header, [r.cells[i] for r in rows])
    budget = width - sum(c.width for c in cols)
    labels = [domain_label(d, lang) for d in domains]
    fitted = _domain_widths(labels, budget)
    for i in names:  # the rest is shared in proportion to need, so no name wraps
        cols[i].width, cols[i].flex = 0.0, cols[i].width
    first = len(cols)
    if fitted is None:
        cols.append(Col(group, flex=1.2 * sum(cols[i].flex for i in names)))
        for r, src in zip(rows, per_row, strict=True):
            r.cells.append(domain_text(src, domains, prefix, lang) if src is not None else "")
        return []
    widths, rotate = fitted
    cols += [Col(label, w, "center", rotate=rotate) for label, w in zip(labels, widths, strict=True)]
    for r, src in zip(rows, per_row, strict=True):
        cells = _domain_cells(src, domains, prefix, lang) if src is not None else [""] * len(domains)
        r.cells += cells
        r.muted = frozenset(first + j for j, v in enumerate(cells) if v == DASH)
    return [(group, first, len(cols) - 1)]
