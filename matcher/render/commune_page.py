"""One page per remote commune in the review pack: a small map of the commune and its
partners, the partners with their distance, the need by domain with what each partner covers
and what stays uncovered, and each partner's runner-up with what taking it instead would cost.

The small maps are drawn cheaply (they are many): units and polygons are projected once per
pack to a local plane in km (equirectangular about the province's centre: under 0.5 % scale
error across a province), polygons simplified once, and each map draws only the polygons in
its box as one PolyCollection; only the commune and its partners are named, placed by a
greedy rule (right, left, above, below of the point; the first place free of the labels
already set) with their measured text widths, so they never overlap and never spread.
Colours and line styles are those of the committee map (:mod:`matcher.render.style`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..i18n import DASH, domain_label, fmt_km, fmt_number, fmt_percent, t
from .common import printable, vi_sort_key
from .pack_pages import alternative
from .pdf import BODY, CONTENT_W, INK, MARGIN_X, MUTED, SMALL, Col, Flow, Page, Row, fit, text_width, wrap
from .style import LOCKED_COLOUR, NEW_COLOUR, NO_DATA, coverage_colour

if TYPE_CHECKING:  # pragma: no cover
    from ..io.resultdir import ResultView

COMMUNE_PAGES_MAX = 60  # on by default up to this many remote communes
MAP_W, MAP_H = 330.0, 400.0  # the small map's box, layout points
LOWLAND_MARK = "#12355b"
PARTNER_FILL = "#c6d3e6"  # the partners' polygons, a light tint of their marker
SIMPLIFY_DEG = 0.0008  # about 90 m: well under a printed point at the small maps' scales
LABEL_PT = 8.0  # every label at least 7 pt printed on A4


class Plane:
    """Units and polygons of one result projected once to km about the units' centre."""

    def __init__(self, view: ResultView, boundaries=None):
        units = view.units
        self.lat0 = float(units["lat"].mean())
        self.lon0 = float(units["lon"].mean())
        self.kx = 111.32 * math.cos(math.radians(self.lat0))
        xy = self.project(units["lon"].to_numpy(float), units["lat"].to_numpy(float))
        self.xy = dict(zip(units["code"], map(tuple, xy), strict=True))
        self.role = dict(zip(units["code"], units["role"], strict=True))
        self.coverage = dict(zip(view.remote["remote_code"], view.remote["coverage_ratio"], strict=True))
        self.rings: list[tuple[str, np.ndarray]] = []  # (code, ring in km) for every polygon part
        self.bounds = np.zeros((0, 4))
        self.unit_bounds: dict[str, tuple[float, float, float, float]] = {}
        if boundaries is not None and len(boundaries):
            self._polygons(boundaries)

    def project(self, lon, lat) -> np.ndarray:
        return np.column_stack([(np.asarray(lon) - self.lon0) * self.kx, (np.asarray(lat) - self.lat0) * 110.574])

    def _polygons(self, boundaries) -> None:
        polys = boundaries
        if polys.crs is not None and polys.crs.to_epsg() != 4326:
            polys = polys.to_crs(4326)
        polys = polys[polys["code"].isin(self.xy.keys()) & ~polys.geometry.is_empty]
        geoms = polys.geometry.simplify(SIMPLIFY_DEG, preserve_topology=True)
        bounds = []
        for code, geom in zip(polys["code"], geoms, strict=True):
            parts = getattr(geom, "geoms", [geom])
            for part in parts:
                ring = getattr(part, "exterior", None)
                if ring is None or ring.is_empty:
                    continue
                c = np.asarray(ring.coords)
                km = self.project(c[:, 0], c[:, 1])
                self.rings.append((code, km))
                bounds.append((km[:, 0].min(), km[:, 1].min(), km[:, 0].max(), km[:, 1].max()))
                b = self.unit_bounds.get(code)
                nb = bounds[-1]
                self.unit_bounds[code] = nb if b is None else (min(b[0], nb[0]), min(b[1], nb[1]),
                                                               max(b[2], nb[2]), max(b[3], nb[3]))
        self.bounds = np.asarray(bounds).reshape(-1, 4)

    def extent(self, codes: list[str], aspect: float) -> tuple[float, float, float, float]:
        """A box (x0, x1, y0, y1) around ``codes`` (points and polygons), padded, at ``aspect`` w/h."""
        boxes = [self.unit_bounds.get(c) or (*self.xy[c], *self.xy[c]) for c in codes]
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        w, h = max(x1 - x0, 6.0), max(y1 - y0, 6.0)
        w, h = w * 1.3, h * 1.3  # room for the labels
        if w / h < aspect:
            w = h * aspect
        else:
            h = w / aspect
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _nice_length(span_km: float) -> float:
    target = span_km / 4
    for step in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200):
        if step >= target:
            return step
    return 500.0


def _place_labels(ax, items, extent, box_pt, scale: float) -> None:
    """Set each (x, y, text, bold) label beside its point, at the first of right, left, above,
    below whose box is inside the map and clear of the labels set before it."""
    x0, x1, y0, y1 = extent
    per_pt = (x1 - x0) / box_pt[0]  # km per layout point
    taken: list[tuple[float, float, float, float]] = []
    for x, y, text, bold in items:
        size = LABEL_PT + (1.0 if bold else 0.0)
        w = (text_width(text, size, bold) + 4) * per_pt
        h = size * 1.25 * per_pt
        off = 5 * per_pt
        options = [(x + off, y - h / 2), (x - off - w, y - h / 2), (x - w / 2, y + off), (x - w / 2, y - off - h)]
        inside = [o for o in options if x0 <= o[0] and o[0] + w <= x1 and y0 <= o[1] and o[1] + h <= y1] or options
        free = [o for o in inside if all(o[0] + w <= a or b <= o[0] or o[1] + h <= c or d <= o[1]
                                         for a, c, b, d in taken)]
        lx, ly = (free or inside)[0]
        taken.append((lx, ly, lx + w, ly + h))
        ax.text(lx + 2 * per_pt, ly + h / 2, text, fontsize=size * scale, fontweight="bold" if bold else "normal",
                va="center", ha="left", color=INK, zorder=9, parse_math=False)  # on light fills: no box needed


def small_map(ax, plane: Plane, view: ResultView, remote_code: str, pairs, lang: str, scale: float) -> None:
    """The commune, its partners and the units around them, in the committee map's styles."""
    from matplotlib.collections import PolyCollection

    codes = [remote_code, *pairs["lowland_code"]]
    partners = set(codes[1:])
    extent = plane.extent(codes, MAP_W / MAP_H)
    x0, x1, y0, y1 = extent
    if len(plane.bounds):
        b = plane.bounds
        hit = np.nonzero((b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1))[0]
        verts, faces = [], []
        for i in hit:
            code, ring = plane.rings[i]
            verts.append(ring)
            if code == remote_code:
                faces.append(coverage_colour(plane.coverage.get(code)))
            elif code in partners:
                faces.append(PARTNER_FILL)
            else:
                faces.append("#dcdcdc" if plane.role.get(code) == "remote" else "#f1f1f1")
        ax.add_collection(PolyCollection(verts, facecolors=faces, edgecolors="#9a9a9a", linewidths=0.3 * scale,
                                         zorder=1))
    near = [(c, xy) for c, xy in plane.xy.items() if x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1 and c not in codes]
    if near:
        pts = np.asarray([xy for _, xy in near])
        ax.scatter(pts[:, 0], pts[:, 1], s=5 * scale ** 2, color="#9a9a9a", zorder=3, linewidths=0)
    rx, ry = plane.xy[remote_code]
    labels = [(rx, ry, printable(view.name(remote_code)), True)]
    for _, p in pairs.iterrows():
        lx, ly = plane.xy[p["lowland_code"]]
        if p["locked"]:
            ax.plot([lx, rx], [ly, ry], color=LOCKED_COLOUR, lw=1.8 * scale, zorder=4)
        else:
            ax.plot([lx, rx], [ly, ry], color=NEW_COLOUR, lw=1.2 * scale, ls=(0, (4, 2)), zorder=4)
        ax.scatter([lx], [ly], marker="s", s=30 * scale ** 2, color=LOWLAND_MARK, zorder=6, linewidths=0)
        labels.append((lx, ly, printable(p["lowland_name"]), False))
    colour = coverage_colour(plane.coverage.get(remote_code)) if remote_code in plane.coverage else NO_DATA
    ax.scatter([rx], [ry], marker="o", s=70 * scale ** 2, color=colour, edgecolors="#222222",
               linewidths=1.0 * scale, zorder=7)
    _place_labels(ax, labels, extent, (MAP_W, MAP_H), scale)
    length = _nice_length(x1 - x0)
    bx, by = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([bx, bx + length], [by, by], color="#222222", lw=2.0 * scale, solid_capstyle="butt", zorder=9)
    label = f"{fmt_number(length, lang, 0 if length >= 1 else 1)} {t('km', lang)}"  # a round length, no decimal
    ax.text(bx, by + 0.02 * (y1 - y0), label, fontsize=7.5 * scale, zorder=9, color="#222222")
    ax.annotate(t("north", lang), xy=(0.94, 0.95), xytext=(0.94, 0.87), xycoords="axes fraction", ha="center",
                va="center", fontsize=8 * scale, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.0 * scale})
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#999999")
        side.set_linewidth(0.6 * scale)


def _needs_table(flow: Flow, view: ResultView, r, pairs, lang: str) -> None:
    """Domain, need, what each partner sends, covered, uncovered; a totals row."""
    names = [printable(n) for n in pairs["lowland_name"]]
    rows = []
    sums = [0.0] * (len(names) + 3)
    for d in view.domains:
        need = float(r.get(f"need_{d}", 0) or 0)
        sent = [float(p.get(f"staff_{d}", 0) or 0) for _, p in pairs.iterrows()]
        covered = r.get(f"covered_{d}")
        uncovered = r.get(f"uncovered_{d}")
        if need == 0 and not any(sent):
            continue
        values = [need, *sent, float(covered or 0), float(uncovered or 0)]
        sums = [a + b for a, b in zip(sums, values, strict=True)]
        cells = [domain_label(d, lang), *(DASH if v == 0 else fmt_number(v, lang) for v in values)]
        rows.append(Row(cells, shade=len(rows) % 2 == 1))
    rows.append(Row([t("pack_total", lang), *(fmt_number(v, lang) for v in sums)], bold=True))
    def number(header: str) -> Col:  # the header on one line where it is short
        return Col(header, fit(header, ["000", header]), "right")

    cols = [Col(t("pack_domain", lang), flex=1.4), number(t("need", lang))]
    cols += [Col(n, flex=1.0, align="right") for n in names]
    cols += [number(t("covered", lang)), number(t("pack_uncovered", lang))]
    flow.table(cols, rows)


def commune_pages(view: ResultView, plane: Plane, lang: str) -> list[Page]:
    """One page (or more, for a very long needs table) per remote commune, in Vietnamese order."""
    remote = view.remote.copy()
    remote = remote.iloc[sorted(range(len(remote)), key=lambda i: vi_sort_key(remote.iloc[i]["remote_name"]))]
    by_remote = {c: g for c, g in view.pairs.groupby("remote_code", sort=False)}
    section = t("pack_communes", lang)
    right = MARGIN_X + MAP_W + 22
    pages: list[Page] = []
    for k, (_, r) in enumerate(remote.iterrows(), 1):
        code = r["remote_code"]
        pairs = by_remote.get(code, view.pairs.iloc[0:0])
        pairs = pairs.iloc[sorted(range(len(pairs)), key=lambda i: vi_sort_key(pairs.iloc[i]["lowland_name"]))]
        flow = Flow(f"{section} · {fmt_number(k, lang)}/{fmt_number(len(remote), lang)}", lang)
        page = flow.page
        y = page.lines(MARGIN_X, flow.y - 4, wrap(printable(r["remote_name"]), CONTENT_W, 17, True), 17, bold=True)
        cov = t("pack_commune_coverage", lang, pct=fmt_percent(r.get("coverage_ratio"), lang),
                covered=fmt_number(r.get("covered_total"), lang), need=fmt_number(r.get("need_total"), lang),
                n=fmt_number(len(pairs), lang))
        y = page.lines(MARGIN_X, y + 1, wrap(cov, CONTENT_W, BODY), BODY, color=MUTED) + 8
        page.axes(MARGIN_X, y, MAP_W, MAP_H,
                  lambda ax, scale, code=code, pairs=pairs: small_map(ax, plane, view, code, pairs, lang, scale))
        flow.left, flow.width, flow.y, flow.top = right, MARGIN_X + CONTENT_W - right, y, y
        flow.heading(t("partners", lang), size=11)
        if pairs.empty:
            flow.paragraph(t("pack_none", lang))
        else:
            rows = [Row([printable(p["lowland_name"]), t("kind_locked" if p["locked"] else "kind_new", lang),
                         fmt_km(p["distance_km"], lang)]) for _, p in pairs.iterrows()]
            km = t("distance", lang)
            flow.table([Col(t("pack_partner", lang), flex=1.0),
                        Col(t("pair_kind", lang), fit(t("pair_kind", lang), [x.cells[1] for x in rows])),
                        Col(km, fit(km, [x.cells[2] for x in rows]), "right")], rows)
        flow.heading(t("pack_needs", lang), size=11)
        _needs_table(flow, view, r, pairs, lang)
        flow.heading(t("pack_alternative", lang), size=11)
        if pairs.empty:
            flow.paragraph(DASH)
        for _, p in pairs.iterrows():
            alt, change = alternative(p, lang)  # the sentence names both units when there is one
            line = change[:1].upper() + change[1:] if change != DASH else t(
                "pack_instead_of", lang, name=printable(p["lowland_name"]), alt=alt)
            flow.paragraph(line, size=BODY - 0.5)
        if pairs.empty:
            flow.paragraph(t("pack_commune_unpaired", lang), size=SMALL, color=MUTED)
        pages.extend(flow.pages)
    return pages


def wanted(view: ResultView, commune_pages_flag: bool | None) -> bool:
    """Per-commune pages: as asked, else on up to :data:`COMMUNE_PAGES_MAX` remote communes."""
    if commune_pages_flag is not None:
        return bool(commune_pages_flag)
    return 0 < len(view.remote) <= COMMUNE_PAGES_MAX  # read at call time (a test may lower it)
