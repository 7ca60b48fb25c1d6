"""The difference map of ``matcher compare`` as one offline HTML file (``diff.html``).

One self-contained page: inline CSS, an inline SVG map (units projected to the plans' UTM
zone, as :mod:`matcher.render.maps` does), the legend, the headline figures and the tables of
pairs and units that changed. No script, no CDN, font or image from the network; a
Content-Security-Policy (``default-src 'none'``) makes the browser refuse any request. Every
name is escaped (:func:`html.escape`) and cleaned (:func:`~matcher.render.common.printable`).
Hovering a unit or a pair shows its name (SVG ``<title>``); the browser's zoom enlarges the
map without loss (vector).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .. import __version__
from ..i18n import LANGS, fmt_km, t
from .common import printable
from .diff import ADDED_COLOUR, KEPT_COLOUR, REMOVED_COLOUR, projected
from .diff_files import change_word, fmt_kpi, kpi_label, partner_names, summary_line
from .maps import LOWLAND_STYLE

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.changes import Comparison

WIDTH = 900  # the SVG's user units across
PAD = 0.04
CSS = """
body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:1.2em;color:#222;max-width:1200px}
h1{font-size:1.5em;margin:.2em 0} h2{font-size:1.15em;margin-top:1.4em}
.src{color:#444;font-size:.9em;margin:.1em 0} .summary{font-weight:bold;margin:.6em 0}
.wrap{display:flex;gap:1.5em;flex-wrap:wrap;align-items:flex-start}
svg.map{border:1px solid #999;background:#fbfbf8;width:100%;max-width:900px;height:auto}
.legend{font-size:.9em;min-width:16em} .legend div{margin:.3em 0}
.sw{display:inline-block;width:2.6em;vertical-align:middle;margin-right:.5em}
table{border-collapse:collapse;font-size:.88em;margin:.4em 0} td,th{border:1px solid #ccc;padding:.2em .5em}
th{background:#eee;text-align:left} td.n{text-align:right} .notes li{font-size:.9em;color:#333}
.added{stroke:@ADDED@;stroke-width:3;opacity:.95}
.removed{stroke:@REMOVED@;stroke-width:2.4;stroke-dasharray:7 4;opacity:.95}
.kept{stroke:@KEPT@;stroke-width:1.3;opacity:.6}
.low{fill:@LOW@} .rem{fill:#fff;stroke:#555;stroke-width:1} .ring{fill:none;stroke:#111;stroke-width:1.6}
.lbl{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
footer{margin-top:2em;font-size:.8em;color:#555}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _e(value) -> str:
    return html.escape(printable(value), quote=True)


def _svg(cmp: Comparison, lang: str) -> str:
    pts = projected(cmp)
    active = pts[pts["role"].isin(["lowland", "remote"])]
    x0, x1, y0, y1 = active["x"].min(), active["x"].max(), active["y"].min(), active["y"].max()
    span = max(x1 - x0, y1 - y0, 1000.0)
    x0, x1, y0, y1 = x0 - PAD * span, x1 + PAD * span, y0 - PAD * span, y1 + PAD * span
    scale = WIDTH / (x1 - x0)
    height = max(200, round((y1 - y0) * scale))

    def xy(code):
        p = pts.loc[code]
        return round((p.x - x0) * scale, 1), round((y1 - p.y) * scale, 1)

    out = [f'<svg class="map" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{_e(t("cmp_title", lang))}">']
    for change in ("kept", "removed", "added"):
        for c in cmp.diff.changes:
            if c.change == change:
                (ax, ay), (bx, by) = xy(c.lowland_code), xy(c.remote_code)
                tip = f"{change_word(change, lang)}: {c.lowland_name} – {c.remote_name}, {fmt_km(c.km, lang)}"
                out.append(f'<line class="{change}" data-pair="{_e(c.lowland_code)}-{_e(c.remote_code)}" '
                           f'x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}"><title>{_e(tip)}</title></line>')
    changed = {u.code for u in cmp.diff.units}
    for code, u in active.iterrows():
        x, y = xy(code)
        tip = f"{u['name']} ({code})"
        if u["role"] == "lowland":
            out.append(f'<rect class="low" x="{x - 3.5}" y="{y - 3.5}" width="7" height="7"><title>{_e(tip)}</title>'
                       "</rect>")
        else:
            out.append(f'<circle class="rem" cx="{x}" cy="{y}" r="4.5"><title>{_e(tip)}</title></circle>')
        if code in changed:
            out.append(f'<circle class="ring" cx="{x}" cy="{y}" r="8"/>')
            out.append(f'<text class="lbl" x="{x + 9}" y="{y + 4}">{_e(u["name"])}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _legend(cmp: Comparison, lang: str) -> str:
    d = cmp.diff

    def line(cls):
        return f'<svg class="sw" viewBox="0 0 40 10"><line class="{cls}" x1="2" y1="5" x2="38" y2="5"/></svg>'

    items = [
        (line("added"), f"{t('cmp_legend_added', lang)} ({d.count('added')})"),
        (line("removed"), f"{t('cmp_legend_removed', lang)} ({d.count('removed')})"),
        (line("kept"), f"{t('cmp_legend_kept', lang)} ({d.count('kept')})"),
        ('<svg class="sw" viewBox="0 0 40 10"><rect class="low" x="16" y="1" width="8" height="8"/></svg>',
         t("lowland", lang)),
        ('<svg class="sw" viewBox="0 0 40 10"><circle class="rem" cx="20" cy="5" r="4"/></svg>', t("remote", lang)),
        ('<svg class="sw" viewBox="0 0 40 20"><circle class="ring" cx="20" cy="10" r="8"/></svg>',
         f"{t('cmp_legend_changed', lang)} ({len(d.units)})"),
    ]
    rows = "".join(f"<div>{sw}{_e(text)}</div>" for sw, text in items)
    return f'<div class="legend"><h2>{_e(t("cmp_legend", lang))}</h2>{rows}{_kpis(cmp, lang)}</div>'


def _kpis(cmp: Comparison, lang: str) -> str:
    rows = "".join(
        f"<tr><td>{_e(kpi_label(k.name, lang))}</td><td class=n>{_e(fmt_kpi(k.name, k.a, lang, k.b))}</td>"
        f"<td class=n>{_e(fmt_kpi(k.name, k.b, lang, k.a))}</td>"
        f"<td class=n>{_e(fmt_kpi(k.name, k.delta, lang, signed=True))}</td></tr>" for k in cmp.diff.kpis)
    return (f"<h2>{_e(t('cmp_md_kpis', lang))}</h2><table><tr><th></th><th>A</th><th>B</th><th>B − A</th></tr>"
            f"{rows}</table>")


def _tables(cmp: Comparison, lang: str) -> str:
    d = cmp.diff
    moved = [c for c in d.changes if c.change != "kept"]
    out = [f"<h2>{_e(t('cmp_md_pairs', lang))}</h2>"]
    if moved:
        out.append(f"<table><tr><th>{_e(t('cmp_md_change', lang))}</th><th>{_e(t('lowland', lang))}</th>"
                   f"<th>{_e(t('remote', lang))}</th><th>{_e(t('distance', lang))}</th></tr>")
        out += [f"<tr><td>{_e(change_word(c.change, lang))}</td><td>{_e(c.lowland_name)} ({_e(c.lowland_code)})</td>"
                f"<td>{_e(c.remote_name)} ({_e(c.remote_code)})</td><td class=n>{_e(fmt_km(c.km, lang))}</td></tr>"
                for c in moved]
        out.append("</table>")
    else:
        out.append(f"<p>{_e(t('cmp_md_none', lang))}</p>")
    out.append(f"<h2>{_e(t('cmp_md_units', lang))}</h2>")
    if d.units:
        out.append(f"<table><tr><th>{_e(t('code', lang))}</th><th>{_e(t('name', lang))}</th>"
                   f"<th>{_e(t('cmp_col_role', lang))}</th><th>{_e(t('cmp_plan', lang, side='A'))}</th>"
                   f"<th>{_e(t('cmp_plan', lang, side='B'))}</th></tr>")
        out += [f"<tr><td>{_e(u.code)}</td><td>{_e(u.name)}</td><td>{_e(t(f'xlsx_word_{u.role}', lang))}</td>"
                + "".join(f"<td>{_e(partner_names(cmp, codes)) or '–'}</td>" for codes in (u.partners_a, u.partners_b))
                + "</tr>"
                for u in d.units]
        out.append("</table>")
    else:
        out.append(f"<p>{_e(t('cmp_md_none', lang))}</p>")
    return "\n".join(out)


def diff_html(cmp: Comparison, lang: str = "vi") -> str:
    """The whole page as one HTML document (a str; write it as UTF-8)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    css = CSS
    for name, colour in (("ADDED", ADDED_COLOUR), ("REMOVED", REMOVED_COLOUR), ("KEPT", KEPT_COLOUR),
                         ("LOW", LOWLAND_STYLE["color"])):
        css = css.replace(f"@{name}@", colour)
    sides = "".join(f'<p class="src">{s.label}: {_e(s.path)} ({_e(t(f"cmp_kind_{s.kind}", lang))}; {_e(s.scenario)})'
                    "</p>" for s in (cmp.a, cmp.b))
    notes = "".join(f"<li>{_e(n)}</li>" for n in cmp.notes(lang))
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('cmp_title', lang))}</title><style>{css}</style></head><body>",
        f"<h1>{_e(t('cmp_title', lang))}</h1>{sides}",
        f'<p class="summary">{_e(summary_line(cmp, lang))}</p>',
        f'<ul class="notes">{notes}</ul>' if notes else "",
        f'<div class="wrap">{_svg(cmp, lang)}{_legend(cmp, lang)}</div>',
        _tables(cmp, lang),
        f"<footer>{_e(t('made_with', lang, version=__version__))}</footer>",
        "</body></html>",
    ]) + "\n"
