"""The parts of a map sheet around the map: key table of the pairs, legend, headline figures,
sources. Every size here is a printed size in points on the sheet (the figure is the paper).

The key table lists every pair, grouped by remote commune in the order of its number on the
map (``12 | Trà Linh | Hải Châu | 152 km``), remote name on the first row of its group, ``!``
on a flagged pair or commune. :func:`key_layout` says how many table columns and rows fit in
a region; :func:`draw_key` draws rows into it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import __version__
from ..i18n import fmt_km, fmt_number, fmt_percent, t
from .common import committee_text, printable, repairs_note
from .map_labels import ARROW, FLAG, PALETTE, flagged_pairs, flagged_remote
from .style import COVERAGE_CLASSES, LOCKED_COLOUR, NEW_COLOUR, coverage_labels

KEY_PT = 7.0  # key rows
KEY_ROW = 1.3  # row height in font sizes
SMALL_PT = 7.0  # footer, legend
FLAG_COLOUR = "#b2182b"
COL_GAP_PT = 6.0  # between the columns of one key table
TABLE_GAP_PT = 14.0  # between key tables side by side


@dataclass(frozen=True)
class KeyRow:
    """One row of the key: ``number``/``remote`` only on the first row of a remote's group."""

    number: str
    remote: str
    partner: str
    km: str
    locked: bool
    flag: bool


def key_rows(view, numbers: dict[str, int], lang: str) -> list[KeyRow]:
    """Every pair as a key row, by remote number then distance; a remote without partner: one row."""
    names = dict(zip(view.units["code"].astype(str), view.units["name"].astype(str), strict=True))
    by_remote: dict[str, list] = {c: [] for c in numbers}
    for _, p in view.pairs.iterrows():
        by_remote.setdefault(str(p["remote_code"]), []).append(p)
    bad_pairs, bad_remote = flagged_pairs(view.summary), flagged_remote(view.summary)
    rows = []
    for code in sorted(by_remote, key=lambda c: numbers.get(c, 10**6)):
        pairs = sorted(by_remote[code], key=lambda p: float(p["distance_km"]))
        first = True
        for p in pairs or [None]:
            lc = None if p is None else str(p["lowland_code"])
            flag = (lc, code) in bad_pairs or (first and "low_coverage" in bad_remote.get(code, []))
            rows.append(KeyRow(str(numbers.get(code, "")) if first else "", printable(names.get(code, code)) if first
                               else "", "–" if p is None else printable(names.get(lc, lc)),
                               "" if p is None else fmt_km(float(p["distance_km"]), lang),
                               bool(p is not None and p["locked"]), bool(flag)))
            first = False
    return rows


def _width(renderer, text: str, size: float, weight: str = "normal") -> float:
    """Printed width of ``text`` in points."""
    fp = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    w, _, _ = renderer.get_text_width_height_descent(text, fp, ismath=False)
    return w * 72 / renderer.dpi


def key_columns(renderer, rows: list[KeyRow], lang: str) -> list[float]:
    """Widths in points of the key's columns: flag, number, remote, partner, km."""
    heads = [t("mk_key_no", lang), t("mk_key_remote", lang), t("mk_key_partner", lang), t("mk_key_km", lang)]
    cols = [_width(renderer, FLAG, KEY_PT, "bold")]
    for i, attr in enumerate(("number", "remote", "partner", "km")):
        widest = max([_width(renderer, getattr(r, attr), KEY_PT, "bold" if i < 2 else "normal") for r in rows]
                     + [_width(renderer, heads[i], KEY_PT, "bold")])
        cols.append(widest)
    return cols


def key_layout(cols: list[float], width_in: float, height_in: float) -> tuple[int, int]:
    """(tables side by side, rows per table) of the key in a region of this size (inches)."""
    table = sum(cols) + COL_GAP_PT * (len(cols) - 1)
    n_tables = max(0, int((width_in * 72 + TABLE_GAP_PT) // (table + TABLE_GAP_PT)))
    per = max(0, int((height_in * 72) // (KEY_PT * KEY_ROW)) - 1)  # less the header row
    return n_tables, per


def draw_key(fig, place, rows: list[KeyRow], cols: list[float], region, lang: str) -> int:
    """Draw as many ``rows`` as fit into ``region`` (x, y_top, w, h inches of the sheet; ``place``
    turns sheet inches into figure fractions); returns how many were drawn."""
    x0, y0, w, h = region
    n_tables, per = key_layout(cols, w, h)
    heads = ["", t("mk_key_no", lang), t("mk_key_remote", lang), t("mk_key_partner", lang), t("mk_key_km", lang)]
    table_w = sum(cols) + COL_GAP_PT * (len(cols) - 1)
    row_in = KEY_PT * KEY_ROW / 72
    drawn = 0
    for k in range(n_tables):
        chunk = rows[drawn:drawn + per]
        if not chunk:
            break
        left = x0 + k * (table_w + TABLE_GAP_PT) / 72
        xs, acc = [], left
        for c in cols:
            xs.append(acc)
            acc += (c + COL_GAP_PT) / 72
        for i, head in enumerate(heads):
            if head:
                right = i in (1, 4)
                px = xs[i] + (cols[i] / 72 if right else 0)
                fig.text(*place(px, y0 + row_in * 0.8), head, fontsize=KEY_PT, fontweight="bold",
                         ha="right" if right else "left", va="baseline", color="#333333")
        for j, r in enumerate(chunk):
            y = y0 + row_in * (j + 1.8)
            first = j == 0 and not r.number  # a group continued from the previous table: name it again
            number = r.number or ("" if not first else _group_of(rows, drawn + j).number)
            remote = r.remote or ("" if not first else _group_of(rows, drawn + j).remote)
            if r.flag:
                fig.text(*place(xs[0], y), FLAG, fontsize=KEY_PT, fontweight="bold", color=FLAG_COLOUR, va="baseline")
            if number:
                fig.text(*place(xs[1] + cols[1] / 72, y), number, fontsize=KEY_PT, fontweight="bold", ha="right",
                         va="baseline")
                fig.text(*place(xs[2], y), remote, fontsize=KEY_PT, fontweight="bold", va="baseline")
            fig.text(*place(xs[3], y), r.partner, fontsize=KEY_PT, va="baseline",
                     color=LOCKED_COLOUR if r.locked else "#222222", fontstyle="italic" if r.locked else "normal")
            fig.text(*place(xs[4] + cols[4] / 72, y), r.km, fontsize=KEY_PT, ha="right", va="baseline")
        drawn += len(chunk)
    return drawn


def _group_of(rows: list[KeyRow], i: int) -> KeyRow:
    while i > 0 and not rows[i].number:
        i -= 1
    return rows[i]


def footer_lines(view, polys, boundaries_name: str | None, lang: str, chars: int) -> list[str]:
    """The sources, assumptions and boundaries note, wrapped at ``chars`` characters."""
    # committee words: the boundaries file and the tables' file and column names are not named (issue 11)
    lines = [t("no_boundaries", lang) if polys is None
             else t("boundaries_source", lang, source=t("pack_words_files", lang))]
    sources = view.sources(lang)
    if sources:
        lines.append(f"{t('sources', lang)}: " + " ".join(committee_text(x, lang) for x in sources))
    assumptions = view.assumptions(lang)
    if assumptions:
        lines.append(f"{t('assumptions', lang)}: " + " ".join(committee_text(x, lang) for x in assumptions))
    repairs = repairs_note(view.summary, lang)
    if repairs:
        lines.append(repairs)
    lines.append(t("made_with", lang, version=__version__))
    out = []
    for line in lines:
        out += textwrap.wrap(printable(line), chars) or [""]
    return out


def legend(ax, lang: str, flags: bool, inset: bool) -> None:
    """The legend into an axes of its own (turned off): symbols, then the coverage classes."""
    ax.axis("off")
    handles = [
        Line2D([], [], marker="s", ls="", color=PALETTE[0], markeredgecolor="#222222", markersize=5,
               label=t("mk_legend_lowland", lang, arrow=ARROW)),
        Line2D([], [], marker="o", ls="", color="#bbbbbb", markeredgecolor="#333333", markersize=7,
               label=t("mk_legend_remote", lang)),
        Line2D([], [], color=LOCKED_COLOUR, lw=1.6, label=t("locked_pair", lang)),
        Line2D([], [], color=NEW_COLOUR, lw=1.0, ls="--", label=t("new_pair", lang)),
        Line2D([], [], color="#777777", lw=1.0, label=t("mk_legend_spokes", lang)),
    ]
    if flags:
        handles.append(Line2D([], [], marker="$!$", ls="", color=FLAG_COLOUR, markersize=6,
                              label=t("mk_legend_flag", lang)))
    if inset:
        handles.append(Patch(fill=False, edgecolor="#333333", ls="--", label=t("mk_legend_inset", lang)))
    first = ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=SMALL_PT + 0.5,
                      borderaxespad=0, handlelength=2.2, labelspacing=0.35)
    ax.add_artist(first)
    classes = [Patch(facecolor=c, edgecolor="#666666", label=label)
               for (_, c), label in zip(COVERAGE_CLASSES, coverage_labels(), strict=True)]
    ax.legend(handles=classes, loc="lower left", frameon=False, fontsize=SMALL_PT + 0.5, ncol=3,
              title=t("coverage", lang), title_fontsize=SMALL_PT + 0.5, alignment="left", borderaxespad=0,
              columnspacing=1.0, labelspacing=0.3)


def headline(view, lang: str) -> list[tuple[str, str]]:
    """The headline figures as (label, value) rows."""
    s = view.summary
    n_locked = s.get("n_locked_pairs", int(view.pairs["locked"].sum()) if len(view.pairs) else 0)
    return [
        (t("n_pairs", lang), f"{fmt_number(s.get('n_pairs', len(view.pairs)), lang)} "
                             f"({t('n_locked', lang).lower()}: {fmt_number(n_locked, lang)})"),
        (t("min_coverage", lang), fmt_percent(s.get("min_coverage"), lang)),
        (t("total_shortfall", lang), fmt_number(s.get("total_shortfall"), lang)),
        (t("total_distance", lang), fmt_km(s.get("total_distance_km"), lang)),
        (t("longest_distance", lang), fmt_km(s.get("longest_distance_km"), lang)),
    ]
