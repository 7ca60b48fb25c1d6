"""One self-contained, offline HTML map of a result folder, for a committee member to open
and click through: ``render_html(view, boundaries, lang) -> str``.

What the page holds
    Everything is in the one file: inline CSS, inline JavaScript, the data as JSON, every UI
    string in Vietnamese and English. No CDN, tile server, web font or fetch; a
    Content-Security-Policy (``default-src 'none'``, the script allowed by its SHA-256 hash)
    makes the browser refuse any network request and any inline event handler.
    The page's markup, style and script are package data files in ``matcher/render/web/``
    (``page.html`` with ``%%NAME%%`` placeholders, ``map.css``, ``map.js``), read with
    ``importlib.resources`` and filled in one pass. The coverage classes and pair colours
    travel in the data (``style``), taken from :mod:`matcher.render.style`; the script and
    the style sheet hold none of them. Text is passed through
    :func:`matcher.render.common.printable` (NFC, no control characters).

Drawing
    Units are projected to the UTM zone of the plan (metres; grid north is within about a
    degree of true north for a province-sized area), stored in map units of
    :data:`MAP_UNIT_M` metres and drawn as inline SVG; pan and zoom (mouse wheel, drag,
    +/- buttons, keyboard + and -) are plain JavaScript. Remote units are shaded by coverage
    ratio, lowland units are marked, one line per pair (existing twinnings solid, new ones
    dashed). Markers, lines and labels keep their size on screen while zooming; labels of
    remote units are always placed (collision-checked), lowland labels from
    :data:`LOWLAND_LABEL_ZOOM` x the initial zoom on, or on hover.

Boundaries
    With ``boundaries`` (WGS84 polygons with ``code``) the polygons are projected to the
    same UTM metres and simplified with Douglas–Peucker, topology preserved
    (``shapely.simplify(..., preserve_topology=True)``), tolerance :data:`SIMPLIFY_TOLERANCE_M`
    = 50 m, stated in the page footer. The Da Nang default boundaries (3.9 MB GeoJSON) give an
    HTML file of about 0.16 MB (0.26 MB at 10 m). Without boundaries units are points and the
    footer says that official boundaries were not supplied.

Safety
    Every name and value from the input is data, never markup: it travels as JSON inside
    ``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c``,
    ``\\u003e``, ``\\u0026`` (so ``</script>`` cannot end the block), and the page puts it in
    the DOM with ``textContent`` / ``setAttribute`` only, never ``innerHTML``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import math
import re
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__
from ..analysis.flags import read_flags
from ..i18n import LANGS, STRINGS, domain_label, fmt_km, fmt_percent, t
from ..io.resultdir import ResultView
from .common import clean, clean_view, committee_text, repairs_count
from .style import COVERAGE_CLASSES, LOCKED_COLOUR, NEW_COLOUR, NO_DATA

if TYPE_CHECKING:  # pragma: no cover
    from geopandas import GeoDataFrame

SIMPLIFY_TOLERANCE_M = 50.0
"""Douglas–Peucker tolerance for boundaries, in metres after projecting to UTM."""
MAP_UNIT_M = 10.0
"""One SVG map unit, in metres (coordinates are written as integers of this unit)."""
LOWLAND_LABEL_ZOOM = 2.5
"""Lowland names are drawn from this multiple of the initial (fit-all) zoom on."""
PAD_FRACTION = 0.03


ASSETS = ("page.html", "map.css", "map.js")
"""The page's files, package data in ``matcher/render/web/``."""

__all__ = ["ASSETS", "LOWLAND_LABEL_ZOOM", "MAP_UNIT_M", "SIMPLIFY_TOLERANCE_M", "asset", "render_html"]


@cache
def asset(name: str) -> str:
    """The text of one page file (``page.html``, ``map.css``, ``map.js``), read from the
    package with ``importlib.resources`` (works from a wheel or a zip too)."""
    if name not in ASSETS:
        raise ValueError(f"no page asset {name!r}; the assets are {ASSETS}")
    return files(__package__).joinpath("web", name).read_text(encoding="utf-8")


def render_html(view: ResultView, boundaries: GeoDataFrame | None, lang: str,
                *, tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> str:
    """The whole interactive map as one HTML document (a str; write it as UTF-8).

    ``boundaries``: polygons with ``code`` in EPSG:4326 (``matcher.io.read_boundaries``) or
    None for a points-only map. ``lang`` ("vi" or "en") is the language the page opens in;
    both are embedded and a button switches live."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    data = clean(_page_data(clean_view(view), boundaries, lang, tolerance_m))
    payload = json_for_script(data)
    script = asset("map.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    # one pass over the template, so a placeholder inside the data or the script is left alone
    fill = {"LANG": lang, "CSP": csp, "TITLE": html.escape(t("title", lang)), "STYLE": asset("map.css"),
            "DATA": payload, "SCRIPT": script}
    return re.sub(r"%%([A-Z]+)%%", lambda m: fill[m.group(1)], asset("page.html"))


def json_for_script(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` at all
    (written as \\u escapes, which JSON.parse reads back unchanged), no NaN."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


# ---- data ------------------------------------------------------------------------------


def _style() -> dict:
    """The colours of matcher.render.style, for the page (the JS and CSS hold none of them)."""
    return {"classes": [{"hi": None if math.isinf(hi) else hi, "color": c} for hi, c in COVERAGE_CLASSES],
            "no_data": NO_DATA, "locked": LOCKED_COLOUR, "new": NEW_COLOUR}


def _num(value) -> float | int | None:
    """A finite number (int when whole) or None."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    return int(x) if x.is_integer() else round(x, 4)


def _text(value) -> str:
    """A text cell, '' for none (NaN, None)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _texts(fmt, value) -> dict | None:
    """``value`` formatted by ``fmt`` (:mod:`matcher.i18n`'s one rule) in every language, or None."""
    x = _num(value)
    return None if x is None else {code: fmt(x, code) for code in LANGS}


def _page_data(view: ResultView, boundaries, lang: str, tolerance_m: float) -> dict:
    import geopandas as gpd

    domains = list(view.domains)
    units = view.units.copy()
    units["code"] = units["code"].astype(str)
    pts = gpd.GeoSeries(gpd.points_from_xy(units["lon"], units["lat"]), crs=4326)
    active = units["role"].isin(["lowland", "remote"]).to_numpy()
    basis = pts[active] if active.any() else pts
    utm = basis.estimate_utm_crs() if len(basis) else "EPSG:32648"
    xy = pts.to_crs(utm)
    ux, uy = xy.x.to_numpy(), xy.y.to_numpy()

    polys = []
    tol = None
    if boundaries is not None and len(boundaries):
        tol = float(tolerance_m)
        b = boundaries[["code", boundaries.geometry.name]].copy()
        b["code"] = b["code"].astype(str)
        b = b[~b.geometry.isna() & ~b.geometry.is_empty]
        if b["code"].duplicated().any():
            b = b.dissolve(by="code", as_index=False)
        b = b.to_crs(utm)
        b = b.set_geometry(b.geometry.simplify(tol, preserve_topology=True))
        polys = list(zip(b["code"], b.geometry, strict=True))

    # frame: lowland and remote points and their polygons (an excluded far-away unit such
    # as Hoàng Sa is drawn but does not shrink the opening view)
    role_of = dict(zip(units["code"], units["role"], strict=True))
    ok = np.isfinite(ux) & np.isfinite(uy)
    sel = ok & active if (ok & active).any() else ok
    xs, ys = list(ux[sel]), list(uy[sel])
    for code, geom in polys:
        if role_of.get(code) in ("lowland", "remote"):
            x0, y0, x1, y1 = geom.bounds
            xs += [x0, x1]
            ys += [y0, y1]
    if not xs:
        xs, ys = [0.0], [0.0]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    pad = PAD_FRACTION * max(maxx - minx, maxy - miny, 1000.0) + 500.0
    ox, oy = minx - pad, maxy + pad  # map origin: top-left corner
    width = (maxx - minx + 2 * pad) / MAP_UNIT_M
    height = (maxy - miny + 2 * pad) / MAP_UNIT_M

    def mx(x: float) -> int:
        return round((x - ox) / MAP_UNIT_M)

    def my(y: float) -> int:
        return round((oy - y) / MAP_UNIT_M)

    unit_rows = []
    for i, row in enumerate(units.itertuples(index=False)):
        r = row._asdict()
        supply = [_num(r.get(f"supply_{d}")) for d in domains]
        unit_rows.append({
            "code": r["code"], "name": str(r["name"]), "role": str(r["role"]),
            "x": mx(ux[i]) if math.isfinite(ux[i]) else None,
            "y": my(uy[i]) if math.isfinite(uy[i]) else None,
            "lat": _num(r["lat"]), "lon": _num(r["lon"]),
            "supply": supply if any(v is not None for v in supply) else None,
        })
    known = {u["code"] for u in unit_rows}

    remote = {}
    for row in view.remote.to_dict("records"):
        remote[str(row["remote_code"])] = {
            "ratio": _num(row.get("coverage_ratio")),
            "ratio_text": _texts(fmt_percent, row.get("coverage_ratio")),
            "need": [_num(row.get(f"need_{d}")) for d in domains],
            "covered": [_num(row.get(f"covered_{d}")) for d in domains],
            "uncovered": [_num(row.get(f"uncovered_{d}")) for d in domains],
        }

    pairs = []
    for row in view.pairs.to_dict("records"):
        pairs.append({
            "l": str(row["lowland_code"]), "r": str(row["remote_code"]),
            "ln": str(row["lowland_name"]), "rn": str(row["remote_name"]),
            "km": _num(row.get("distance_km")), "minutes": _num(row.get("minutes")),
            "km_text": _texts(fmt_km, row.get("distance_km")),  # issue 11: the one number rule, from Python
            "locked": bool(row["locked"]),
            "staff": [_num(row.get(f"staff_{d}")) for d in domains],
            # "why this partner" sentences, when the result was solved with --why
            "why": {code: str(row.get(f"why_{code}", "") or "") for code in LANGS},
            # the runner-up and its cost (issue 11: pairs.csv alt_change_*; blank in older folders)
            "alt": {code: _text(row.get(f"alt_change_{code}")) for code in LANGS},
        })

    poly_rows = []
    drawn = set()
    for code, geom in polys:
        d = _svg_path(geom, mx, my)
        if d:
            poly_rows.append({"code": code, "d": d})
            drawn.add(code)
    missing = sorted(c for c in known if c not in drawn and role_of.get(c) in ("lowland", "remote")) if polys else []

    s = view.summary or {}
    source = None
    if boundaries is not None:
        source = getattr(boundaries, "attrs", {}).get("source")
    meta = {
        "scenario": view.scenario_name,
        "created": view.created,
        "status": s.get("status"),
        "mode": s.get("mode"),
        "n_pairs": len(pairs),
        "n_locked": sum(p["locked"] for p in pairs),
        "min_coverage": _num(s.get("min_coverage")),
        "total_shortfall": _num(s.get("total_shortfall")),
        "total_distance_km": _num(s.get("total_distance_km")),
        "longest_distance_km": _num(s.get("longest_distance_km")),
        "assumptions": {code: [committee_text(str(a), code) for a in view.assumptions(code)] for code in LANGS},
        "sources": {code: [committee_text(str(a), code) for a in view.sources(code)] for code in LANGS},
        "boundaries": bool(poly_rows),
        "boundaries_source": str(source) if source else None,
        "tolerance_m": _num(tol) if poly_rows else None,
        "missing_polygons": len(missing),
        "version": __version__,
        "utm": str(utm),
        "repairs": repairs_count(s),
        "figures": {"min_coverage": _texts(fmt_percent, s.get("min_coverage")),
                    "total_distance_km": _texts(fmt_km, s.get("total_distance_km")),
                    "longest_distance_km": _texts(fmt_km, s.get("longest_distance_km"))},
    }
    return {
        "lang": lang,
        "strings": STRINGS,
        "style": _style(),
        "domains": [{"key": d, "vi": domain_label(d, "vi"), "en": domain_label(d, "en")} for d in domains],
        "frame": {"w": round(width), "h": round(height), "unit_m": MAP_UNIT_M,
                  "low_label_zoom": LOWLAND_LABEL_ZOOM},
        "units": unit_rows,
        "remote": remote,
        "pairs": pairs,
        "polygons": poly_rows,
        "meta": meta,
        "flags": [{"kind": f["kind"], "l": f.get("lowland_code"), "r": f.get("remote_code"),
                   "text": {code: f[f"text_{code}"] for code in LANGS}} for f in read_flags(s)],
    }


def _svg_path(geom, mx, my) -> str:
    """SVG path data (absolute move, then relative integer steps) of a (multi)polygon."""
    from shapely.geometry import MultiPolygon, Polygon

    if isinstance(geom, Polygon):
        parts = [geom]
    elif isinstance(geom, MultiPolygon):
        parts = list(geom.geoms)
    else:
        parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]
    out = []
    for poly in parts:
        for ring in [poly.exterior, *poly.interiors]:
            pts = []
            for x, y in ring.coords:
                p = (mx(x), my(y))
                if not pts or p != pts[-1]:
                    pts.append(p)
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()
            if len(pts) < 3:
                continue
            seg = [f"M{pts[0][0]} {pts[0][1]}l"]
            steps = []
            for (ax, ay), (bx, by) in itertools.pairwise(pts):
                steps.append(f"{bx - ax} {by - ay}")
            seg.append(" ".join(steps).replace(" -", "-"))
            seg.append("z")
            out.append("".join(seg))
    return "".join(out)
