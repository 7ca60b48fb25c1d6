"""One self-contained, offline HTML map of a result folder, for a committee member to open
and click through: ``render_html(view, boundaries, lang) -> str``.

What the page holds
    Everything is in the one file: inline CSS, inline JavaScript, the data as JSON, every UI
    string in Vietnamese and English. No CDN, tile server, web font or fetch; a
    Content-Security-Policy (``default-src 'none'``, the script allowed by its SHA-256 hash)
    makes the browser refuse any network request and any inline event handler.

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
import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__
from ..i18n import LANGS, STRINGS, domain_label, t
from ..io.resultdir import ResultView

if TYPE_CHECKING:  # pragma: no cover
    from geopandas import GeoDataFrame

SIMPLIFY_TOLERANCE_M = 50.0
"""Douglas–Peucker tolerance for boundaries, in metres after projecting to UTM."""
MAP_UNIT_M = 10.0
"""One SVG map unit, in metres (coordinates are written as integers of this unit)."""
LOWLAND_LABEL_ZOOM = 2.5
"""Lowland names are drawn from this multiple of the initial (fit-all) zoom on."""
PAD_FRACTION = 0.03


__all__ = ["LOWLAND_LABEL_ZOOM", "MAP_UNIT_M", "SIMPLIFY_TOLERANCE_M", "render_html"]


def render_html(view: ResultView, boundaries: GeoDataFrame | None, lang: str,
                *, tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> str:
    """The whole interactive map as one HTML document (a str; write it as UTF-8).

    ``boundaries``: polygons with ``code`` in EPSG:4326 (``matcher.io.inputs.read_boundaries``) or
    None for a points-only map. ``lang`` ("vi" or "en") is the language the page opens in;
    both are embedded and a button switches live."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    data = _nfc(_page_data(view, boundaries, lang, tolerance_m))
    payload = json_for_script(data)
    script = _SCRIPT
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return (_TEMPLATE
            .replace("%%LANG%%", lang)
            .replace("%%CSP%%", csp)
            .replace("%%TITLE%%", html.escape(t("title", lang)))
            .replace("%%STYLE%%", _STYLE)
            .replace("%%DATA%%", payload)
            .replace("%%SCRIPT%%", script))


def json_for_script(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` at all
    (written as \\u escapes, which JSON.parse reads back unchanged), no NaN."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


# ---- data ------------------------------------------------------------------------------


def _nfc(obj: Any) -> Any:
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if isinstance(obj, dict):
        return {_nfc(k): _nfc(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_nfc(v) for v in obj]
    return obj


def _num(value) -> float | int | None:
    """A finite number (int when whole) or None."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    return int(x) if x.is_integer() else round(x, 4)


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
            "locked": bool(row["locked"]),
            "staff": [_num(row.get(f"staff_{d}")) for d in domains],
            # "why this partner" sentences, when the result was solved with --why
            "why": {code: str(row.get(f"why_{code}", "") or "") for code in LANGS},
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
        "assumptions": {code: [str(a) for a in view.assumptions(code)] for code in LANGS},
        "sources": {code: [str(a) for a in view.sources(code)] for code in LANGS},
        "boundaries": bool(poly_rows),
        "boundaries_source": str(source) if source else None,
        "tolerance_m": _num(tol) if poly_rows else None,
        "missing_polygons": len(missing),
        "version": __version__,
        "utm": str(utm),
    }
    return {
        "lang": lang,
        "strings": STRINGS,
        "domains": [{"key": d, "vi": domain_label(d, "vi"), "en": domain_label(d, "en")} for d in domains],
        "frame": {"w": round(width), "h": round(height), "unit_m": MAP_UNIT_M,
                  "low_label_zoom": LOWLAND_LABEL_ZOOM},
        "units": unit_rows,
        "remote": remote,
        "pairs": pairs,
        "polygons": poly_rows,
        "meta": meta,
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


# ---- page ------------------------------------------------------------------------------

_TEMPLATE = """<!DOCTYPE html>
<html lang="%%LANG%%">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="%%CSP%%">
<meta name="generator" content="matcher">
<link rel="icon" href="data:,">
<title>%%TITLE%%</title>
<style>%%STYLE%%</style>
</head>
<body>
<header id="top">
  <div class="titles">
    <h1 data-i18n="title"></h1>
    <div id="subtitle"></div>
  </div>
  <div class="search">
    <label for="q" class="sr" data-i18n="wm_search_label"></label>
    <input id="q" type="search" autocomplete="off" spellcheck="false" data-i18n-placeholder="wm_search">
    <ul id="results" role="listbox" hidden></ul>
  </div>
  <div class="langs" role="group" data-i18n-label="wm_language">
    <button type="button" data-lang="vi" lang="vi">Tiếng Việt</button>
    <button type="button" data-lang="en" lang="en">English</button>
  </div>
</header>
<main>
  <aside id="side">
    <section>
      <h2 data-i18n="wm_layers"></h2>
      <label class="layer"><input type="checkbox" data-layer="remote" checked> <span data-i18n="remote"></span></label>
      <label class="layer"><input type="checkbox" data-layer="lowland" checked>
        <span data-i18n="lowland"></span></label>
      <label class="layer"><input type="checkbox" data-layer="locked" checked>
        <span data-i18n="locked_pair"></span></label>
      <label class="layer"><input type="checkbox" data-layer="new" checked> <span data-i18n="new_pair"></span></label>
      <label class="layer" id="layer-boundaries"><input type="checkbox" data-layer="boundaries" checked>
        <span data-i18n="wm_boundaries"></span></label>
      <label class="layer"><input type="checkbox" data-layer="labels" checked>
        <span data-i18n="wm_labels"></span></label>
    </section>
    <section>
      <h2 data-i18n="wm_legend"></h2>
      <div class="legend-title" data-i18n="coverage"></div>
      <ul id="bins" class="legend"></ul>
      <ul class="legend">
        <li><svg width="28" height="14" aria-hidden="true"><rect id="lowswatch" x="3" y="0.5" width="22" height="13"
          class="poly role-lowland"/><circle cx="14" cy="7" r="3.5" class="mk-lowland"/></svg>
          <span data-i18n="lowland"></span></li>
        <li><svg width="28" height="14" aria-hidden="true"><line x1="1" y1="7" x2="27" y2="7" class="ln-locked"/></svg>
          <span data-i18n="locked_pair"></span></li>
        <li><svg width="28" height="14" aria-hidden="true"><line x1="1" y1="7" x2="27" y2="7" class="ln-new"/></svg>
          <span data-i18n="new_pair"></span></li>
      </ul>
      <p class="note" data-i18n="wm_lowland_labels"></p>
    </section>
    <section>
      <h2 data-i18n="wm_plan"></h2>
      <dl id="figures"></dl>
      <h3 data-i18n="sources"></h3>
      <ul id="sources" class="plain"></ul>
      <h3 data-i18n="assumptions"></h3>
      <ul id="assumptions" class="plain"></ul>
    </section>
  </aside>
  <div id="mapwrap">
    <svg id="map" xmlns="http://www.w3.org/2000/svg" role="img">
      <rect id="bg" x="0" y="0" width="100%" height="100%"/>
      <g id="world"><g id="polys"></g><path id="selpoly" d=""/></g>
      <g id="overlay"><g id="lines"></g><g id="markers"></g><g id="labels"></g></g>
    </svg>
    <div id="zoom">
      <button type="button" id="zin" data-i18n-label="wm_zoom_in">+</button>
      <button type="button" id="zout" data-i18n-label="wm_zoom_out">&#8722;</button>
      <button type="button" id="zreset" data-i18n-label="wm_reset">&#8634;</button>
    </div>
    <div id="north" aria-hidden="true"><span class="arrow">&#9650;</span><span id="northlabel"></span></div>
    <div id="scale" aria-hidden="true"><div id="scalebar"></div><span id="scaletext"></span></div>
    <div id="hint" data-i18n="wm_hint"></div>
    <section id="panel" hidden aria-live="polite">
      <button type="button" id="close" data-i18n-label="wm_close">&#215;</button>
      <div id="panelbody"></div>
    </section>
    <div id="tip" hidden></div>
    <footer id="foot"></footer>
  </div>
</main>
<script type="application/json" id="matcher-data">%%DATA%%</script>
<script>%%SCRIPT%%</script>
</body>
</html>
"""

_STYLE = """
:root{--font:"Segoe UI",Roboto,"Noto Sans","DejaVu Sans","Helvetica Neue",Arial,sans-serif;
--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--locked:#2b2b2b;--new:#c51b7d;--low:#3a3a3a;--sel:#0a58ca}
*{box-sizing:border-box}
html,body{margin:0;height:100%;font-family:var(--font);color:var(--ink);font-size:14px}
body{display:flex;flex-direction:column}
header#top{display:flex;align-items:center;gap:16px;padding:8px 14px;border-bottom:1px solid var(--line);
background:#fff;flex-wrap:wrap}
.titles{flex:1 1 320px;min-width:0}
h1{font-size:18px;margin:0}
#subtitle{color:var(--muted);font-size:13px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.search{position:relative;flex:0 1 340px}
#q{width:100%;padding:7px 10px;font:inherit;border:1px solid #8c959f;border-radius:6px}
#results{position:absolute;z-index:20;left:0;right:0;top:100%;margin:2px 0 0;padding:0;list-style:none;
background:#fff;border:1px solid var(--line);border-radius:6px;box-shadow:0 4px 14px rgba(0,0,0,.15);
max-height:320px;overflow:auto}
#results li button{display:block;width:100%;text-align:left;padding:6px 10px;border:0;background:none;
font:inherit;cursor:pointer}
#results li button:hover,#results li button.active{background:#eef4ff}
#results li .role{color:var(--muted);font-size:12px;margin-left:6px}
#results li.none{padding:6px 10px;color:var(--muted)}
.langs button{font:inherit;padding:5px 10px;border:1px solid #8c959f;background:#fff;cursor:pointer}
.langs button:first-child{border-radius:6px 0 0 6px}
.langs button:last-child{border-radius:0 6px 6px 0;border-left:0}
.langs button[aria-pressed=true]{background:var(--ink);color:#fff;border-color:var(--ink)}
main{flex:1;display:flex;min-height:0}
aside#side{width:310px;flex:0 0 310px;overflow:auto;padding:6px 14px 14px;border-right:1px solid var(--line);
background:#fafbfc}
aside h2{font-size:14px;margin:12px 0 6px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
aside h3{font-size:13px;margin:10px 0 4px}
label.layer{display:flex;gap:6px;align-items:flex-start;margin:3px 0;cursor:pointer}
label.layer input{margin-top:2px}
.legend{list-style:none;margin:4px 0;padding:0}
.legend li{display:flex;align-items:center;gap:6px;margin:3px 0}
.legend .sw{display:inline-block;width:22px;height:13px;border:1px solid #555;flex:0 0 auto}
.legend svg{flex:0 0 auto}
.legend .poly{cursor:default;stroke:#6e7781;stroke-width:1}
.legend-title{font-weight:600;margin-top:2px}
.note{color:var(--muted);font-size:12px;margin:6px 0}
dl#figures{display:grid;grid-template-columns:1fr auto;gap:2px 10px;margin:0}
dl#figures dt{color:var(--muted)}
dl#figures dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;font-weight:600;max-width:9.5em}
ul.plain{margin:0;padding-left:16px;font-size:12px;color:#333}
ul.plain li{margin:3px 0}
#mapwrap{position:relative;flex:1;min-width:0;overflow:hidden;background:#dfe9f0}
svg#map{display:block;width:100%;height:100%;touch-action:none;cursor:grab;user-select:none}
svg#map.dragging{cursor:grabbing}
#bg{fill:#eef2f4}
.poly{stroke:#6e7781;stroke-width:.6;vector-effect:non-scaling-stroke;stroke-linejoin:round;cursor:pointer}
.poly.role-lowland{fill:#f4f1ea}
.poly.role-excluded,.poly.role-other{fill:#e4e4e4;cursor:default}
.poly.role-remote{stroke:#4d4d4d}
.poly:hover{stroke:#000;stroke-width:1.4}
#selpoly{fill:none;stroke:var(--sel);stroke-width:3;vector-effect:non-scaling-stroke;pointer-events:none}
.pair{stroke-linecap:round;pointer-events:none}
.pair.locked{stroke:var(--locked);stroke-width:1.7}
.pair.new{stroke:var(--new);stroke-width:1.5;stroke-dasharray:6 4}
.has-sel .pair:not(.hl){opacity:.18}
.pair.hl{stroke-width:3}
.ln-locked{stroke:var(--locked);stroke-width:2}
.ln-new{stroke:var(--new);stroke-width:2;stroke-dasharray:6 4}
.mk{cursor:pointer}
.mk-lowland{fill:var(--low);stroke:#fff;stroke-width:1}
.mk-remote{stroke:#222;stroke-width:1.2}
.mk-excluded{fill:#9a9a9a;stroke:#fff;stroke-width:1}
.mk.sel{stroke:var(--sel);stroke-width:3}
.mk.found{animation:pulse 1s ease-out 2}
@keyframes pulse{0%{stroke-width:10;stroke:var(--sel)}100%{stroke-width:3}}
.label{font-family:var(--font);paint-order:stroke;stroke:#fff;stroke-width:3.5px;stroke-linejoin:round;
fill:#111;pointer-events:none}
.label.role-remote{font-size:12.5px;font-weight:600}
.label.role-lowland,.label.role-excluded{font-size:11px;fill:#333}
.label.sel{fill:var(--sel);font-weight:700}
.hide-remote .role-remote,.hide-lowland .role-lowland,.hide-lowland .role-excluded,
.hide-locked .pair.locked,.hide-new .pair.new,.hide-labels .label,.hide-boundaries #polys,
.hide-boundaries #selpoly{display:none}
.label.off{display:none}
#zoom{position:absolute;left:12px;top:12px;display:flex;flex-direction:column;gap:4px}
#zoom button{width:34px;height:34px;font-size:20px;line-height:1;border:1px solid #8c959f;background:#fff;
border-radius:6px;cursor:pointer;font-family:var(--font)}
#north{position:absolute;left:18px;top:134px;display:flex;flex-direction:column;align-items:center;
font-weight:700;font-size:13px;color:#333;text-shadow:0 0 3px #fff}
#north .arrow{font-size:16px;line-height:1}
#scale{position:absolute;left:12px;bottom:44px;font-size:12px;background:rgba(255,255,255,.8);padding:2px 6px;
border-radius:4px}
#scalebar{height:6px;border:2px solid #333;border-top:0;margin-bottom:1px}
#hint{transition:opacity .6s;position:absolute;left:60px;top:12px;background:rgba(255,255,255,.88);padding:4px 8px;
border-radius:4px;
font-size:12px;color:#333;max-width:60%}
#panel{position:absolute;right:12px;top:12px;width:380px;max-width:calc(100% - 80px);max-height:calc(100% - 70px);
overflow:auto;background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);
padding:12px 14px}
#panel[hidden]{display:none}
#close{position:absolute;right:8px;top:6px;border:0;background:none;font-size:22px;cursor:pointer;color:#555}
#panel h2{font-size:18px;margin:0 26px 2px 0}
#panel .meta{color:var(--muted);font-size:12.5px;margin-bottom:6px}
#panel .cov{display:flex;align-items:center;gap:8px;margin:6px 0;font-weight:600}
#panel h3{font-size:13px;margin:10px 0 4px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
#panel table{border-collapse:collapse;width:100%;font-size:13px}
#panel th,#panel td{padding:3px 6px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
#panel th:first-child,#panel td:first-child{text-align:left;white-space:normal}
#panel th{font-weight:600;color:var(--muted);font-size:12px}
#panel tr.total td{font-weight:700;border-top:1px solid #999}
#panel td.bad{color:#b2182b;font-weight:700}
#panel button.link{border:0;background:none;padding:0;font:inherit;color:var(--sel);cursor:pointer;text-align:left;
text-decoration:underline}
.kind{display:inline-block;padding:0 6px;border-radius:8px;font-size:11.5px;border:1px solid}
.kind.locked{color:var(--locked);border-color:var(--locked)}
.kind.new{color:var(--new);border-color:var(--new)}
#tip{position:absolute;pointer-events:none;background:rgba(20,20,20,.88);color:#fff;padding:3px 7px;
border-radius:4px;font-size:12.5px;white-space:nowrap;z-index:30}
#tip[hidden]{display:none}
footer#foot{position:absolute;left:0;right:0;bottom:0;background:rgba(255,255,255,.9);border-top:1px solid var(--line);
padding:4px 12px;font-size:12px;color:#333}
#hint.done{opacity:0;pointer-events:none}
@media (max-width:800px){aside#side{display:none}#panel{width:auto;left:60px}}
"""

_SCRIPT = r"""
(function () {
'use strict';
var D = JSON.parse(document.getElementById('matcher-data').textContent);
var lang = D.lang;
var NS = 'http://www.w3.org/2000/svg';
var BINS = [
  {lo: -Infinity, hi: 0.5, color: '#d73027', label: function () { return '< ' + pct(0.5); }},
  {lo: 0.5, hi: 0.75, color: '#fc8d59', label: function () { return pct(0.5) + ' – < ' + pct(0.75); }},
  {lo: 0.75, hi: 0.9, color: '#fee090', label: function () { return pct(0.75) + ' – < ' + pct(0.9); }},
  {lo: 0.9, hi: 0.99995, color: '#91bfdb', label: function () { return pct(0.9) + ' – < ' + pct(1); }},
  {lo: 0.99995, hi: Infinity, color: '#4575b4', label: function () { return pct(1); }}
];
var NODATA = '#bdbdbd';

function $(id) { return document.getElementById(id); }
function t(key, vals) {
  var e = D.strings[key];
  var s = e ? (e[lang] !== undefined ? e[lang] : e.vi) : key;
  if (vals) {
    s = s.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(vals, k) ? String(vals[k]) : m;
    });
  }
  return s;
}
function locale() { return lang === 'vi' ? 'vi-VN' : 'en-GB'; }
function nf(x, digits) {
  if (x === null || x === undefined) { return '–'; }
  return new Intl.NumberFormat(locale(), {maximumFractionDigits: digits === undefined ? 1 : digits}).format(x);
}
function pct(r) {
  if (r === null || r === undefined) { return t('wm_no_data'); }
  return new Intl.NumberFormat(locale(), {style: 'percent', maximumFractionDigits: 1}).format(r);
}
function km(x) { return x === null || x === undefined ? '–' : nf(x, 1) + ' ' + t('km'); }
function h(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined && text !== null) { e.textContent = String(text); }
  return e;
}
function s(tag, attrs) {
  var e = document.createElementNS(NS, tag);
  for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, String(attrs[k])); } }
  return e;
}
function binOf(r) {
  if (r === null || r === undefined) { return null; }
  for (var i = 0; i < BINS.length; i++) { if (r >= BINS[i].lo && r < BINS[i].hi) { return BINS[i]; } }
  return BINS[BINS.length - 1];
}
function colorOf(r) { var b = binOf(r); return b ? b.color : NODATA; }
function domainName(d) { return d[lang] || d.key; }
function roleName(role) {
  if (role === 'lowland') { return t('lowland'); }
  if (role === 'remote') { return t('remote'); }
  return t('wm_excluded');
}
function fold(x) {
  return String(x).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0111/g, 'd').replace(/\u0110/g, 'D')
    .toLowerCase().replace(/\s+/g, ' ').trim();
}

// ---- model -----------------------------------------------------------------------------
var units = D.units, byCode = {};
units.forEach(function (u) { byCode[u.code] = u; u.pairs = []; u.fold = fold(u.name); });
D.pairs.forEach(function (p) {
  if (byCode[p.l]) { byCode[p.l].pairs.push(p); }
  if (byCode[p.r]) { byCode[p.r].pairs.push(p); }
});
var hasPolys = D.polygons.length > 0;

// ---- drawing ---------------------------------------------------------------------------
var root = document.body;
var svg = $('map'), world = $('world'), gPolys = $('polys'), gLines = $('lines'), gMarks = $('markers'),
  gLabels = $('labels'), selPoly = $('selpoly');
var polyOf = {};
var tip = $('tip');
D.polygons.forEach(function (p) {
  var u = byCode[p.code];
  var role = u ? (u.role === 'lowland' || u.role === 'remote' ? u.role : 'excluded') : 'other';
  var el = s('path', {d: p.d, 'class': 'poly role-' + role, 'fill-rule': 'evenodd'});
  if (role === 'remote') { el.setAttribute('fill', colorOf(D.remote[p.code] ? D.remote[p.code].ratio : null)); }
  if (u) { el.setAttribute('data-code', u.code); polyOf[u.code] = p.d; }
  gPolys.appendChild(el);
});
if (!hasPolys) { $('layer-boundaries').hidden = true; $('lowswatch').remove(); }

var lineEls = [];
D.pairs.forEach(function (p) {
  var a = byCode[p.l], b = byCode[p.r];
  if (!a || !b || a.x === null || b.x === null) { return; }
  var el = s('line', {'class': 'pair ' + (p.locked ? 'locked' : 'new')});
  gLines.appendChild(el);
  lineEls.push({el: el, a: a, b: b, p: p});
});

// markers: remote on top of lowland
var drawn = units.filter(function (u) { return u.x !== null && u.y !== null; });
var order = drawn.slice().sort(function (a, b) { return rank(a) - rank(b); });
function rank(u) { return u.role === 'remote' ? 2 : (u.role === 'lowland' ? 1 : 0); }
order.forEach(function (u) {
  var role = u.role === 'lowland' || u.role === 'remote' ? u.role : 'excluded';
  var r = role === 'remote' ? (hasPolys ? 5 : 7.5) : (role === 'lowland' ? 3.5 : 3);
  var el = s('circle', {r: r, 'class': 'mk mk-' + role + ' role-' + role, 'data-code': u.code});
  if (role === 'remote') { el.setAttribute('fill', colorOf(D.remote[u.code] ? D.remote[u.code].ratio : null)); }
  gMarks.appendChild(el);
  u.mark = el; u.r = r; u.vrole = role;
  var lab = s('text', {'class': 'label role-' + role});
  lab.textContent = u.name;
  gLabels.appendChild(lab);
  u.label = lab;
});

// ---- view state ------------------------------------------------------------------------
var V = {k: 1, tx: 0, ty: 0, fitK: 1, touched: false};
function size() { return {w: svg.clientWidth || 800, h: svg.clientHeight || 600}; }
function fit() {
  var z = size(), pad = 24;
  var k = Math.min((z.w - 2 * pad) / D.frame.w, (z.h - 2 * pad - 30) / D.frame.h);
  if (!(k > 0)) { k = 1; }
  V.k = V.fitK = k;
  V.tx = (z.w - k * D.frame.w) / 2;
  V.ty = (z.h - 30 - k * D.frame.h) / 2;
}
function scr(u) { return [V.tx + V.k * u.x, V.ty + V.k * u.y]; }
function zoomAt(sx, sy, f) {
  var nk = Math.max(V.fitK / 3, Math.min(V.fitK * 40, V.k * f));
  f = nk / V.k;
  V.tx = sx - (sx - V.tx) * f;
  V.ty = sy - (sy - V.ty) * f;
  V.k = nk;
  V.touched = true;
  schedule();
}
function centerOn(u, minZoom) {
  var z = size();
  tip.hidden = true;
  V.k = Math.max(V.k, V.fitK * minZoom);
  V.tx = z.w / 2 - V.k * u.x;
  V.ty = z.h / 2 - V.k * u.y;
  V.touched = true;
  schedule();
}
var pending = false;
function schedule() {
  if (pending) { return; }
  pending = true;
  window.requestAnimationFrame(function () { pending = false; render(); });
}
function render() {
  if (V.touched || selected) { $('hint').classList.add('done'); }
  world.setAttribute('transform', 'translate(' + V.tx + ' ' + V.ty + ') scale(' + V.k + ')');
  lineEls.forEach(function (L) {
    var a = scr(L.a), b = scr(L.b);
    L.el.setAttribute('x1', a[0]); L.el.setAttribute('y1', a[1]);
    L.el.setAttribute('x2', b[0]); L.el.setAttribute('y2', b[1]);
  });
  drawn.forEach(function (u) {
    var p = scr(u);
    u.mark.setAttribute('cx', p[0]); u.mark.setAttribute('cy', p[1]);
  });
  layoutLabels();
  drawScale();
}

// ---- labels ----------------------------------------------------------------------------
var layers = {remote: true, lowland: true, locked: true, 'new': true, boundaries: true, labels: true};
var selected = null;
function labelWidth(u) {
  if (u.lw === undefined || u.lw === 0) {
    u.label.classList.remove('off');
    u.label.setAttribute('x', -9999); u.label.setAttribute('y', -9999);
    try { u.lw = u.label.getComputedTextLength(); } catch (e) { u.lw = 0; }
    if (!u.lw) { u.lw = u.name.length * 7; }
  }
  return u.lw;
}
function overlaps(a, list) {
  for (var i = 0; i < list.length; i++) {
    var b = list[i];
    if (a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]) { return true; }
  }
  return false;
}
function layoutLabels() {
  var z = size();
  var forced = {};
  if (selected) {
    forced[selected.code] = true;
    selected.pairs.forEach(function (p) { forced[p.l] = true; forced[p.r] = true; });
  }
  var showLow = V.k >= V.fitK * D.frame.low_label_zoom;
  var placed = [];
  var vis = function (u) { return u.vrole === 'remote' ? layers.remote : layers.lowland; };
  // remote markers are obstacles for every label
  drawn.forEach(function (u) {
    if (u.vrole === 'remote' && layers.remote) {
      var p = scr(u);
      placed.push([p[0] - u.r, p[1] - u.r, 2 * u.r, 2 * u.r]);
    }
  });
  var todo = drawn.slice().sort(function (a, b) {
    var fa = forced[a.code] ? 1 : 0, fb = forced[b.code] ? 1 : 0;
    if (fa !== fb) { return fb - fa; }
    return rank(b) - rank(a);
  });
  todo.forEach(function (u) {
    var L = u.label;
    L.classList.toggle('sel', !!(selected && selected.code === u.code));
    var want = layers.labels && vis(u) && (forced[u.code] || u.vrole === 'remote' || showLow);
    var p = scr(u);
    if (!want || p[0] < -200 || p[1] < -50 || p[0] > z.w + 200 || p[1] > z.h + 50) { L.classList.add('off'); return; }
    var w = labelWidth(u), hgt = u.vrole === 'remote' ? 15 : 13, r = u.r + 3;
    var cands = [
      [p[0] + r, p[1] + hgt * 0.35, 'start', [p[0] + r, p[1] - hgt / 2, w, hgt]],
      [p[0] - r, p[1] + hgt * 0.35, 'end', [p[0] - r - w, p[1] - hgt / 2, w, hgt]],
      [p[0], p[1] - r - 2, 'middle', [p[0] - w / 2, p[1] - r - hgt, w, hgt]],
      [p[0], p[1] + r + hgt - 2, 'middle', [p[0] - w / 2, p[1] + r, w, hgt]]
    ];
    var pick = null;
    for (var i = 0; i < cands.length; i++) { if (!overlaps(cands[i][3], placed)) { pick = cands[i]; break; } }
    if (!pick && forced[u.code]) { pick = cands[0]; }
    if (!pick) { L.classList.add('off'); return; }
    L.classList.remove('off');
    L.setAttribute('x', pick[0]); L.setAttribute('y', pick[1]); L.setAttribute('text-anchor', pick[2]);
    placed.push(pick[3]);
  });
}

// ---- scale bar -------------------------------------------------------------------------
function drawScale() {
  var mPerPx = D.frame.unit_m / V.k;
  var target = 120 * mPerPx, pow = Math.pow(10, Math.floor(Math.log10(target))), len = pow;
  [1, 2, 5, 10].forEach(function (m) { if (m * pow <= target) { len = m * pow; } });
  $('scalebar').style.width = (len / mPerPx) + 'px';
  $('scaletext').textContent = len >= 1000 ? nf(len / 1000, 1) + ' ' + t('km') : nf(len, 0) + ' m';
}

// ---- selection and details panel -------------------------------------------------------
function select(code, center) {
  var u = byCode[code];
  if (!u) { return; }
  if (selected && selected.mark) { selected.mark.classList.remove('sel'); }
  selected = u;
  if (u.mark) { u.mark.classList.add('sel'); }
  root.classList.add('has-sel');
  lineEls.forEach(function (L) { L.el.classList.toggle('hl', L.a === u || L.b === u); });
  selPoly.setAttribute('d', polyOf[u.code] || '');
  if (center && u.mark) {
    centerOn(u, 3);
    u.mark.classList.remove('found');
    void u.mark.getBoundingClientRect();
    u.mark.classList.add('found');
  } else { schedule(); }
  fillPanel();
}
function unselect() {
  if (selected && selected.mark) { selected.mark.classList.remove('sel'); }
  selected = null;
  root.classList.remove('has-sel');
  lineEls.forEach(function (L) { L.el.classList.remove('hl'); });
  selPoly.setAttribute('d', '');
  $('panel').hidden = true;
  schedule();
}
function row(cells, cls) {
  var tr = h('tr', cls);
  cells.forEach(function (c) {
    var td = h('td');
    if (c && c.nodeType) { td.appendChild(c); }
    else { td.textContent = c === null || c === undefined ? '–' : String(c); }
    tr.appendChild(td);
  });
  return tr;
}
function table(heads, rows) {
  var tb = h('table'), thead = h('thead'), tr = h('tr');
  heads.forEach(function (x) { tr.appendChild(h('th', null, x)); });
  thead.appendChild(tr); tb.appendChild(thead);
  var body = h('tbody');
  rows.forEach(function (r) { body.appendChild(r); });
  tb.appendChild(body);
  return tb;
}
function sum(a) {
  var x = 0, any = false;
  a.forEach(function (v) { if (v !== null && v !== undefined) { x += v; any = true; } });
  return any ? x : null;
}
function fillPanel() {
  var u = selected, body = $('panelbody');
  if (!u) { return; }
  body.textContent = '';
  body.appendChild(h('h2', null, u.name));
  body.appendChild(h('div', 'meta', t('code') + ': ' + u.code + ' · ' + roleName(u.role)));
  var rem = D.remote[u.code];
  if (u.role === 'remote') {
    var cov = h('div', 'cov');
    var sw = h('span', 'sw'); sw.style.cssText = 'display:inline-block;width:16px;height:12px;border:1px solid #555';
    sw.style.background = colorOf(rem ? rem.ratio : null);
    cov.appendChild(sw);
    cov.appendChild(h('span', null, t('coverage') + ': ' + pct(rem ? rem.ratio : null)));
    body.appendChild(cov);
  }
  if (u.role === 'lowland' || u.role === 'remote') {
    body.appendChild(h('h3', null, t('partners')));
    if (!u.pairs.length) { body.appendChild(h('p', 'note', t('wm_no_partner'))); } else {
      var rows = u.pairs.slice().sort(function (a, b) { return (a.km || 0) - (b.km || 0); }).map(function (p) {
        var other = p.l === u.code ? p.r : p.l;
        var name = byCode[other] ? byCode[other].name : (p.l === u.code ? p.rn : p.ln);
        var btn = h('button', 'link', name);
        btn.type = 'button';
        btn.addEventListener('click', function () { select(other, true); });
        var kind = h('span', 'kind ' + (p.locked ? 'locked' : 'new'), t(p.locked ? 'kind_locked' : 'kind_new'));
        return row([btn, km(p.km), kind]);
      });
      body.appendChild(table([t('name'), t('distance'), t('pair_kind')], rows));
      var whys = u.pairs.filter(function (p) { return p.why && p.why[lang]; });
      if (whys.length) {
        body.appendChild(h('h3', null, t('why')));
        var ul = h('ul', 'plain');
        whys.forEach(function (p) {
          var other = p.l === u.code ? p.r : p.l;
          var name = byCode[other] ? byCode[other].name : other;
          ul.appendChild(h('li', null, name + ': ' + p.why[lang]));
        });
        body.appendChild(ul);
      }
    }
  }
  if (u.role === 'remote' && rem) {
    body.appendChild(h('h3', null, t('need')));
    var rows2 = D.domains.map(function (d, i) {
      var r = row([domainName(d), nf(rem.need[i], 2), nf(rem.covered[i], 2), nf(rem.uncovered[i], 2)]);
      if (rem.uncovered[i] > 0) { r.lastChild.className = 'bad'; }
      return r;
    });
    var tot = row([t('wm_total'), nf(sum(rem.need), 2), nf(sum(rem.covered), 2), nf(sum(rem.uncovered), 2)], 'total');
    if (sum(rem.uncovered) > 0) { tot.lastChild.className = 'bad'; }
    rows2.push(tot);
    body.appendChild(table([t('domain'), t('need'), t('covered'), t('uncovered')], rows2));
  } else if (u.role === 'lowland') {
    body.appendChild(h('h3', null, t('staff')));
    var staff = D.domains.map(function (d, i) { return sum(u.pairs.map(function (p) { return p.staff[i]; })); });
    var supply = u.supply || D.domains.map(function () { return null; });
    var rows3 = D.domains.map(function (d, i) { return row([domainName(d), nf(supply[i], 2), nf(staff[i], 2)]); });
    rows3.push(row([t('wm_total'), nf(sum(supply), 2), nf(sum(staff), 2)], 'total'));
    body.appendChild(table([t('domain'), t('wm_available'), t('staff')], rows3));
  } else if (u.role !== 'remote') {
    body.appendChild(h('p', 'note', t('wm_excluded')));
  }
  $('panel').hidden = false;
}
$('close').addEventListener('click', unselect);

// ---- pointer: pan, zoom, click, hover ----------------------------------------------------
var drag = null;
function codeAt(target) {
  var el = target && target.closest ? target.closest('[data-code]') : null;
  return el ? el.getAttribute('data-code') : null;
}
function local(e) { var b = svg.getBoundingClientRect(); return [e.clientX - b.left, e.clientY - b.top]; }
svg.addEventListener('wheel', function (e) {
  e.preventDefault();
  var p = local(e), dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
  tip.hidden = true;
  zoomAt(p[0], p[1], Math.exp(-dy * 0.0015));
}, {passive: false});
svg.addEventListener('pointerdown', function (e) {
  if (e.button !== 0) { return; }
  drag = {x: e.clientX, y: e.clientY, tx: V.tx, ty: V.ty, moved: false, id: e.pointerId, code: codeAt(e.target)};
});
svg.addEventListener('pointermove', function (e) {
  if (drag && e.pointerId === drag.id) {
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) {
      drag.moved = true;
      try { svg.setPointerCapture(e.pointerId); } catch (err) { /* pointer already gone */ }
      svg.classList.add('dragging');
      tip.hidden = true;
    }
    if (drag.moved) { V.tx = drag.tx + dx; V.ty = drag.ty + dy; V.touched = true; schedule(); }
    return;
  }
  var code = codeAt(e.target), u = code && byCode[code];
  if (!u) { tip.hidden = true; return; }
  var p = local(e);
  tip.textContent = u.name;
  tip.hidden = false;
  tip.style.left = (p[0] + 14) + 'px';
  tip.style.top = (p[1] + 12) + 'px';
});
svg.addEventListener('pointerleave', function () { tip.hidden = true; });
function endDrag(e) {
  if (!drag || e.pointerId !== drag.id) { return; }
  if (!drag.moved && e.type === 'pointerup') {
    if (drag.code) { select(drag.code, false); } else { unselect(); }
  }
  drag = null;
  svg.classList.remove('dragging');
}
svg.addEventListener('pointerup', endDrag);
svg.addEventListener('pointercancel', endDrag);
$('zin').addEventListener('click', function () { var z = size(); zoomAt(z.w / 2, z.h / 2, 1.5); });
$('zout').addEventListener('click', function () { var z = size(); zoomAt(z.w / 2, z.h / 2, 1 / 1.5); });
$('zreset').addEventListener('click', function () { fit(); V.touched = false; schedule(); });
document.addEventListener('keydown', function (e) {
  var tag = e.target && e.target.tagName;
  if (tag === 'INPUT') { return; }
  var z = size();
  if (e.key === '+' || e.key === '=') { zoomAt(z.w / 2, z.h / 2, 1.5); }
  else if (e.key === '-' || e.key === '_') { zoomAt(z.w / 2, z.h / 2, 1 / 1.5); }
  else if (e.key === 'Escape') { unselect(); }
});
window.addEventListener('resize', function () { if (!V.touched) { fit(); } schedule(); });

// ---- layers ----------------------------------------------------------------------------
Array.prototype.forEach.call(document.querySelectorAll('input[data-layer]'), function (cb) {
  cb.addEventListener('change', function () {
    var name = cb.getAttribute('data-layer');
    layers[name] = cb.checked;
    root.classList.toggle('hide-' + name, !cb.checked);
    schedule();
  });
});

// ---- search ----------------------------------------------------------------------------
var q = $('q'), results = $('results'), hits = [], active = 0;
function searchUnits(text) {
  var f = fold(text);
  if (!f) { return []; }
  var out = units.filter(function (u) { return u.fold.indexOf(f) >= 0 || u.code.indexOf(f) === 0; });
  out.sort(function (a, b) {
    var sa = a.fold.indexOf(f) === 0 ? 0 : 1, sb = b.fold.indexOf(f) === 0 ? 0 : 1;
    if (sa !== sb) { return sa - sb; }
    if (rank(a) !== rank(b)) { return rank(b) - rank(a); }
    return a.name.localeCompare(b.name, 'vi');
  });
  return out.slice(0, 12);
}
function showResults() {
  hits = searchUnits(q.value);
  results.textContent = '';
  if (!q.value.trim()) { results.hidden = true; return; }
  if (!hits.length) { results.appendChild(h('li', 'none', t('wm_no_match'))); }
  hits.forEach(function (u, i) {
    var li = h('li'), b = h('button', i === active ? 'active' : '');
    b.type = 'button';
    b.setAttribute('data-code', u.code);
    b.appendChild(h('span', null, u.name));
    b.appendChild(h('span', 'role', roleName(u.role)));
    b.addEventListener('click', function () { choose(u); });
    li.appendChild(b);
    results.appendChild(li);
  });
  results.hidden = false;
}
function choose(u) {
  results.hidden = true;
  q.value = u.name;
  select(u.code, true);
}
q.addEventListener('input', function () { active = 0; showResults(); });
q.addEventListener('focus', function () { if (q.value.trim()) { showResults(); } });
q.addEventListener('keydown', function (e) {
  if (e.key === 'Enter') { e.preventDefault(); if (hits.length) { choose(hits[Math.min(active, hits.length - 1)]); } }
  else if (e.key === 'ArrowDown') {
    e.preventDefault(); active = Math.min(active + 1, Math.max(hits.length - 1, 0)); showResults();
  }
  else if (e.key === 'ArrowUp') { e.preventDefault(); active = Math.max(active - 1, 0); showResults(); }
  else if (e.key === 'Escape') { results.hidden = true; }
});
document.addEventListener('pointerdown', function (e) {
  if (!e.target.closest || !e.target.closest('.search')) { results.hidden = true; }
});

// ---- language --------------------------------------------------------------------------
function applyLang(l) {
  lang = l;
  document.documentElement.lang = l;
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (e) {
    e.textContent = t(e.getAttribute('data-i18n'));
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-placeholder]'), function (e) {
    e.setAttribute('placeholder', t(e.getAttribute('data-i18n-placeholder')));
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-label]'), function (e) {
    var v = t(e.getAttribute('data-i18n-label'));
    e.setAttribute('aria-label', v); e.setAttribute('title', v);
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-lang]'), function (b) {
    b.setAttribute('aria-pressed', b.getAttribute('data-lang') === l ? 'true' : 'false');
  });
  var m = D.meta;
  var sub = [];
  if (m.scenario) { sub.push(t('scenario', {name: m.scenario})); }
  if (m.created) { sub.push(t('date', {date: m.created})); }
  $('subtitle').textContent = sub.join(' · ');
  document.title = t('title') + (m.scenario ? ' — ' + m.scenario : '');
  svg.setAttribute('aria-label', t('title'));
  $('northlabel').textContent = t('north');
  // legend
  var bins = $('bins');
  bins.textContent = '';
  BINS.forEach(function (b) {
    var li = h('li'), sw = h('span', 'sw');
    sw.style.background = b.color;
    li.appendChild(sw); li.appendChild(h('span', null, b.label()));
    bins.appendChild(li);
  });
  var used = units.some(function (u) {
    return u.role === 'remote' && !(D.remote[u.code] && D.remote[u.code].ratio !== null);
  });
  if (used) {
    var li2 = h('li'), sw2 = h('span', 'sw');
    sw2.style.background = NODATA;
    li2.appendChild(sw2); li2.appendChild(h('span', null, t('wm_no_data')));
    bins.appendChild(li2);
  }
  // figures
  var fig = $('figures');
  fig.textContent = '';
  var stat = m.status === 'optimal' ? t('status_optimal') : (m.status === 'feasible' ? t('status_feasible') : m.status);
  [['n_pairs', nf(m.n_pairs, 0)], ['n_locked', nf(m.n_locked, 0)], ['min_coverage', pct(m.min_coverage)],
    ['total_shortfall', nf(m.total_shortfall, 2)], ['total_distance', km(m.total_distance_km)],
    ['longest_distance', km(m.longest_distance_km)], ['status', stat]].forEach(function (kv) {
    if (kv[1] === null || kv[1] === undefined || kv[1] === '–') { return; }
    fig.appendChild(h('dt', null, t(kv[0])));
    fig.appendChild(h('dd', null, kv[1]));
  });
  [['sources', m.sources[lang] || m.sources.en], ['assumptions', m.assumptions[lang] || m.assumptions.en]].forEach(
    function (kv) {
    var ul = $(kv[0]);
    ul.textContent = '';
    kv[1].forEach(function (x) { ul.appendChild(h('li', null, x)); });
    ul.previousElementSibling.hidden = !kv[1].length;
  });
  // footer
  var parts = [];
  if (m.boundaries) {
    if (m.boundaries_source) { parts.push(t('boundaries_source', {source: m.boundaries_source})); }
    parts.push(t('wm_simplified', {tol: nf(m.tolerance_m, 1)}));
    if (m.missing_polygons) { parts.push(t('wm_missing_polygons', {n: m.missing_polygons})); }
  } else {
    parts.push(t('no_boundaries'));
  }
  parts.push(t('made_with', {version: m.version}));
  $('foot').textContent = parts.join(' ');
  if (selected) { fillPanel(); }
  if (!results.hidden) { showResults(); }
  drawScale();
}
Array.prototype.forEach.call(document.querySelectorAll('[data-lang]'), function (b) {
  b.addEventListener('click', function () { applyLang(b.getAttribute('data-lang')); });
});

applyLang(lang);
fit();
render();
})();
"""
