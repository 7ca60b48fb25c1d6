"""The folder of ``matcher cluster`` (issue 12), per /work/notes/CLUSTER_FORMAT.md: clusters.csv,
cluster_summary.csv, neighbours.csv (each with its .csvt), rotation.csv with ``--years``,
summary.json, plan.xlsx (Vietnamese sheets, codes typed text) and plan.gpkg (layers units, clusters,
neighbours; EPSG:4326), all published at once through :func:`matcher.io.files.write_outputs`.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..errors import group_warnings
from ..i18n import t
from ..render.common import vi_sort_key

CLUSTER_FILES = ("clusters.csv", "cluster_summary.csv", "neighbours.csv", "summary.json", "plan.xlsx", "plan.gpkg")
ROTATION_FILE = "rotation.csv"


def _number_column(values: list[float]) -> pd.Series:
    s = pd.Series(values, dtype="float64")
    present = s.dropna()
    if len(present) and (present == present.round()).all():
        return s.round().astype("Int64")
    return s.round(4)


def _values(units, name: str) -> list[float] | None:
    if name in units.attrs:
        return list(units.attrs[name])
    if name in units.extra:
        out = []
        for v in units.extra[name]:
            try:
                out.append(float(v.replace(",", "")) if v.strip() else math.nan)
            except ValueError:
                out.append(math.nan)
        return out
    return None


def deviations(run) -> dict[str, dict[int, float]]:
    """Signed deviation (percent) of each cluster's total from the mean cluster total, per balanced attribute."""
    out = {}
    for a, vals in run.units.attrs.items():
        totals = {c: 0.0 for c in range(1, run.k + 1)}
        for code, v in zip(run.units.codes, vals, strict=True):
            totals[run.labels[code]] += v
        mean = sum(totals.values()) / run.k
        out[a] = {c: (100.0 * (s - mean) / mean if mean > 0 else 0.0) for c, s in totals.items()}
    return out


def clusters_frame(run) -> pd.DataFrame:
    """clusters.csv: one row per unit, by cluster then Vietnamese name order."""
    u = run.units
    hosts = set(run.hosts.values())
    order = sorted(range(len(u.codes)), key=lambda i: (run.labels[u.codes[i]], vi_sort_key(u.names[i]), u.codes[i]))
    frame = pd.DataFrame({
        "code": [u.codes[i] for i in order], "name": [u.names[i] for i in order],
        "unit_type": [u.types[i] for i in order], "cluster": [run.labels[u.codes[i]] for i in order],
        "is_host": [int(u.codes[i] in hosts) for i in order],
        "lat": [u.lats[i] for i in order], "lon": [u.lons[i] for i in order]})
    for name in ["population", "area_km2", *[a for a in u.attrs if a not in ("population", "area_km2")]]:
        vals = _values(u, name)
        frame[name] = _number_column([vals[i] for i in order]) if vals is not None else pd.Series(
            [None] * len(order), dtype=object)
    return frame.astype({"code": object, "name": object, "unit_type": object})


def summary_frame(run, clusters: pd.DataFrame) -> pd.DataFrame:
    """cluster_summary.csv: one row per cluster."""
    devs = deviations(run)
    names = dict(zip(run.units.codes, run.units.names, strict=True))
    rows = []
    for c in range(1, run.k + 1):
        mine = clusters[clusters["cluster"] == c]
        host = run.hosts.get(c)
        row = {"cluster": c, "n_members": len(mine), "host_code": host or "", "host_name": names.get(host, "")}
        for a in ("population", "area_km2"):
            col = pd.to_numeric(mine[a], errors="coerce")
            row[a] = float(col.sum()) if col.notna().any() else math.nan
        for a in ["population", "area_km2", *[x for x in run.units.attrs if x not in ("population", "area_km2")]]:
            row[f"{a}_dev_percent"] = round(devs[a][c], 2) if a in devs else math.nan
        row["members"] = "; ".join(mine["name"])
        rows.append(row)
    frame = pd.DataFrame(rows)
    for a in ("population", "area_km2"):
        frame[a] = _number_column(list(frame[a]))
    return frame.astype({"host_code": object, "host_name": object, "members": object})


def neighbours_frame(run) -> pd.DataFrame:
    """neighbours.csv: every link of the neighbour graph once (code_a < code_b), with its rule."""
    names = dict(zip(run.units.codes, run.units.names, strict=True))
    islands = {tuple(sorted(p)) for p in run.adjacency.island_links}
    base = "border" if run.adjacency.method == "polygons" else "delaunay"
    rows = [{"code_a": a, "name_a": names[a], "code_b": b, "name_b": names[b],
             "rule": "island" if (a, b) in islands else base}
            for a in sorted(run.adjacency.neighbours) for b in run.adjacency.neighbours[a] if a < b]
    return pd.DataFrame(rows, columns=["code_a", "name_a", "code_b", "name_b", "rule"]).astype(object)


def assumptions(run, lang: str) -> list[str]:
    """The derived or assumed data of this run, in ``lang``."""
    names = dict(zip(run.units.codes, run.units.names, strict=True))
    out = [t("cx_assume_polygons" if run.adjacency.method == "polygons" else "cx_assume_delaunay", lang)]
    for a, b in run.adjacency.island_links:
        out.append(t("cx_assume_island", lang, a=f"{a} {names[a]}", b=f"{b} {names[b]}"))
    out.append(t("cx_assume_hosts", lang))
    out.append(t("cx_assume_budget", lang, s=f"{run.options.time_limit:g}"))
    if run.polygons is None:
        out.append(t("cx_assume_hull", lang))
    if run.previous is not None and run.moves is not None:
        out.append(t("cx_assume_moves", lang, moves=run.moves))
    if run.years is not None:
        out.append(t("rot_note_proposal", lang))
        if run.options.size is None and run.size[0] > 1:
            out.append(t("cx_assume_rotation_band", lang, lo=run.size[0]))
    return out


def _sheet(frame: pd.DataFrame, prefix: str, lang: str) -> pd.DataFrame:
    def head(c: str) -> str:
        if c.endswith("_dev_percent"):
            return t("cx_col_dev_percent", lang, attr=c.removesuffix("_dev_percent"))
        key = f"{prefix}{c}"
        from ..i18n import STRINGS

        return t(key, lang) if key in STRINGS else c

    return frame.rename(columns={c: head(c) for c in frame.columns})


def xlsx_sheets(run, tables: dict, lang: str, rotation_sheets: dict | None) -> dict[str, pd.DataFrame]:
    """plan.xlsx: Cụm, Đơn vị, Láng giềng, Luân phiên (with --years), Giả định."""
    rule_word = {r: t(f"cx_rule_{r}", lang) for r in ("border", "delaunay", "island")}
    neigh = tables["neighbours"].copy()
    neigh["rule"] = [rule_word[r] for r in neigh["rule"]]
    sheets = {t("cx_sheet_clusters", lang): _sheet(tables["cluster_summary"], "cx_col_", lang),
              t("cx_sheet_units", lang): _sheet(tables["clusters"], "cx_col_", lang),
              t("cx_sheet_neighbours", lang): _sheet(neigh, "cx_col_", lang)}
    if rotation_sheets:
        sheets[t("rot_sheet_rotation", lang)] = next(iter(rotation_sheets.values()))
    sheets[t("cx_sheet_assumptions", lang)] = pd.DataFrame({t("cx_col_assumption", lang): assumptions(run, lang)})
    return sheets


def _cells(units: pd.DataFrame) -> dict:
    """cluster -> the union of its members' Voronoi cells in EPSG:4326, the areas the map shades (no overlaps,
    unlike hulls); {} when the points give none."""
    import geopandas as gpd

    from ..render.cluster_plot import point_regions
    from ..render.map_plot import utm_epsg

    lon, lat = units["lon"].astype(float), units["lat"].astype(float)
    epsg = utm_epsg(float(lon.mean()), float(lat.mean()))
    g = gpd.GeoDataFrame({"cluster": units["cluster"].astype(int)}, geometry=gpd.points_from_xy(lon, lat),
                         crs=4326).to_crs(epsg)
    g["x"], g["y"] = g.geometry.x, g.geometry.y
    found = point_regions(g)
    if not found:
        return {}
    back = gpd.GeoSeries(list(found.values()), crs=epsg).to_crs(4326)
    return dict(zip(found, back, strict=True))


def gpkg_layers(run, tables: dict, lang: str) -> dict:
    """plan.gpkg: ``units`` (points, or polygons with --boundaries), ``clusters`` (dissolved polygons,
    else the union of the members' Voronoi cells as the map shades them: derived), ``neighbours`` (lines)."""
    import geopandas as gpd
    import shapely

    from ..io.geo_out import CRS, _gdf, _polygons

    units = tables["clusters"].copy()
    polys = _polygons(run.polygons)
    if polys:
        shapes = [polys.get(c) for c in units["code"]]
        units["geometry_source"] = "boundary"
        geometry = [g if g is None or g.geom_type == "MultiPolygon" else shapely.multipolygons([g]) for g in shapes]
    else:
        units["geometry_source"] = "point (lat, lon)"
        geometry = shapely.points(units["lon"].astype(float).to_numpy(), units["lat"].astype(float).to_numpy())
    units_layer = _gdf(units, geometry)
    summ = tables["cluster_summary"].copy()
    cells = {} if polys else _cells(units)
    shapes = []
    for c in summ["cluster"]:
        mine = units_layer[units_layer["cluster"] == c].geometry
        if polys:
            g = shapely.union_all(list(mine))
        elif int(c) in cells:
            g = cells[int(c)]
        else:
            g = shapely.convex_hull(shapely.multipoints(list(mine)))
            if g.geom_type != "Polygon":  # one or two members: a small buffer so it draws as an area
                g = g.buffer(0.002)
        shapes.append(g if g.geom_type == "MultiPolygon" else shapely.multipolygons([g]) if g.geom_type == "Polygon"
                      else g)
    summ["geometry_source"] = "dissolved boundaries" if polys else (
        "members' Voronoi cells, cut near the points (derived)" if cells else "convex hull of member points (derived)")
    clusters_layer = gpd.GeoDataFrame(summ, geometry=shapes, crs=CRS)
    at = {c: (lon, lat) for c, lat, lon in zip(run.units.codes, run.units.lats, run.units.lons, strict=True)}
    neigh = tables["neighbours"]
    lines = [shapely.linestrings([at[a], at[b]]) for a, b in zip(neigh["code_a"], neigh["code_b"], strict=True)]
    neigh_layer = _gdf(neigh, lines if lines else [])
    return {"units": units_layer, "clusters": _gdf(pd.DataFrame(clusters_layer.drop(columns="geometry")),
                                                    clusters_layer.geometry), "neighbours": neigh_layer}


def stage_rows(result) -> list[dict]:
    return [{"name": s.name, "status": s.status.name, "value": s.value, "bound": s.bound, "unit": s.unit,
             "seconds": round(s.seconds, 3)} for s in result.stages]


def summary_json(run, tables: dict, lang: str, record: dict | None, rotation_summary: dict | None) -> dict:
    devs = deviations(run)
    o = run.options
    return {
        "kind": "clusters", "status": run.result.status.name, "k": run.k, "size": list(run.size),
        "contiguous": o.contiguous, "separate_types": o.separate_types, "balance": list(run.units.attrs),
        "adjacency": {"method": run.adjacency.method, "island_links": [list(p) for p in run.adjacency.island_links],
                      "edges": len(tables["neighbours"])},
        "stages": stage_rows(run.result),
        "deviation_percent": {a: round(max(abs(v) for v in d.values()), 2) for a, d in devs.items()},
        "pins": dict(o.pins),
        "previous": None if run.previous is None else {"file": str(o.from_plan), "moves": run.moves,
                                                       "max_moves": o.max_moves,
                                                       "in_solver": run.previous_in_engine},
        "years": None if run.years is None else [run.years.start, run.years[-1]],
        "deputies": o.deputies if run.years is not None else None,
        "assumptions": assumptions(run, lang),
        "assumptions_by_lang": {code: assumptions(run, code) for code in ("vi", "en")},  # a pack in either
        "warnings": [str(w) for w in group_warnings(run.units.warnings)],
        "inputs": {"units": str(o.units), "scenario": None if o.scenario is None else str(o.scenario),
                   "boundaries": None if o.boundaries is None else str(o.boundaries),
                   "from_plan": None if o.from_plan is None else str(o.from_plan)},
        "time_limit_deterministic_s": o.time_limit,
        "lang": lang, "units_file": str(o.units), "boundaries": None if o.boundaries is None else str(o.boundaries),
        "rotation": rotation_summary, "run": record,
    }


def input_paths(o) -> list[Path]:
    return [Path(p) for p in (o.units, o.scenario, o.from_plan, o.boundaries) if p is not None]


def publish(run, out: Path, lang: str = "vi", record: dict | None = None) -> list[Path]:
    """Build every file and publish the folder at once (refuses to overwrite an input)."""
    from ..io.files import write_outputs

    tables = {"clusters": clusters_frame(run)}
    tables["cluster_summary"] = summary_frame(run, tables["clusters"])
    tables["neighbours"] = neighbours_frame(run)
    rotation_sheets = rotation_summary = None
    files: dict[str, object] = {"clusters.csv": tables["clusters"], "cluster_summary.csv": tables["cluster_summary"],
                                "neighbours.csv": tables["neighbours"]}
    if run.years is not None:
        from .rotation_io import Clusters, check_sizes, rotation_tables

        members = {str(c): tuple(sorted(code for code in run.units.codes if run.labels[code] == c))
                   for c in range(1, run.k + 1)}
        clusters = Clusters(members, dict(zip(run.units.codes, run.units.names, strict=True)))
        check_sizes(clusters, run.options.deputies)
        run.terms, frame, rotation_sheets, rotation_summary = rotation_tables(
            clusters, run.years, run.options.deputies, (), lang=lang, sources=[out / "clusters.csv"])
        files[ROTATION_FILE] = frame
    files["summary.json"] = summary_json(run, tables, lang, record, rotation_summary)
    files["plan.xlsx"] = xlsx_sheets(run, tables, lang, rotation_sheets)
    files["plan.gpkg"] = gpkg_layers(run, tables, lang)
    written = write_outputs(out, files, inputs=input_paths(run.options))
    if run.years is None:  # a rotation left by an earlier run into this folder no longer fits these clusters
        for stale in (ROTATION_FILE, ROTATION_FILE.replace(".csv", ".csvt")):
            (Path(out) / stale).unlink(missing_ok=True)
    return written
