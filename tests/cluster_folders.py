"""Cluster result folders for the drawing tests (issue 12), written per /work/notes/CLUSTER_FORMAT.md.

``tiny_folder(out)``: 9 units on a 3 x 3 grid near Hải Phòng in 3 clusters (one per column),
grid neighbours, hosts in the middle row, an optional 3-year rotation. ``haiphong_folder()``:
Hải Phòng's 114 units from ``../shared/data/vietnam_2025/units_2025.csv`` grouped into 15
contiguous clusters by a simple declared rule (balanced region growing on the shared-border
graph: 15 seeds far apart, then the smallest cluster takes its frontier unit nearest its seed,
until every unit is taken), a 5-year rotation written by hand (head = the i-th member, deputy
the next); ``haiphong_boundaries()`` its polygons as a GeoJSON file. Both return None when
../shared is absent (the tests skip). Nothing here is committed data; nothing is solved.
"""

from __future__ import annotations

import json
import math
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "vietnam_2025"
HP = "31"
K_HP = 15

TINY_NAMES = ["An Dương", "Bạch Đằng", "Cát Hải", "Đồ Sơn", "Hải An", "Kiến An", "Lê Chân", "Ngô Quyền", "Thủy Nguyên"]


def _csvt(path: Path, types: list[str]) -> None:
    path.with_suffix(".csvt").write_text(",".join(f'"{t}"' for t in types) + "\n", encoding="utf-8")


def _deviation(values: pd.Series) -> pd.Series:
    mean = values.mean()
    return (values - mean) / mean * 100 if mean else values * 0


def write_folder(out: Path, units: pd.DataFrame, neighbours: list[tuple[str, str, str]],
                 rotation: list[dict] | None = None, extra: dict | None = None) -> Path:
    """Write a cluster folder: ``units`` has code, name, unit_type, cluster, is_host, lat, lon,
    population, area_km2 (population balanced)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    units = units.copy()
    units["code"] = units["code"].astype(str)
    names = dict(zip(units["code"], units["name"], strict=True))
    units.to_csv(out / "clusters.csv", index=False, columns=["code", "name", "unit_type", "cluster", "is_host", "lat",
                                                             "lon", "population", "area_km2"])
    _csvt(out / "clusters.csv", ["String", "String", "String", "Integer", "Integer", "Real", "Real", "Real", "Real"])
    g = units.groupby("cluster")
    summ = pd.DataFrame({"cluster": sorted(g.groups)})
    summ["n_members"] = [len(g.get_group(c)) for c in summ["cluster"]]
    hosts = units[units["is_host"] == 1].set_index("cluster")["code"]
    summ["host_code"] = [hosts[c] for c in summ["cluster"]]
    summ["host_name"] = [names[hosts[c]] for c in summ["cluster"]]
    summ["population"] = [g.get_group(c)["population"].sum() for c in summ["cluster"]]
    summ["area_km2"] = [round(g.get_group(c)["area_km2"].sum(), 2) for c in summ["cluster"]]
    summ["population_dev_percent"] = _deviation(summ["population"]).round(2)
    summ["area_km2_dev_percent"] = ""
    summ["members"] = ["; ".join(g.get_group(c)["name"]) for c in summ["cluster"]]
    summ.to_csv(out / "cluster_summary.csv", index=False)
    _csvt(out / "cluster_summary.csv", ["Integer", "Integer", "String", "String", "Real", "Real", "Real", "Real",
                                        "String"])
    nb = pd.DataFrame([{"code_a": a, "name_a": names[a], "code_b": b, "name_b": names[b], "rule": r}
                       for a, b, r in neighbours], columns=["code_a", "name_a", "code_b", "name_b", "rule"])
    nb.to_csv(out / "neighbours.csv", index=False)
    _csvt(out / "neighbours.csv", ["String"] * 5)
    years = None
    if rotation:
        rot = pd.DataFrame(rotation, columns=["cluster", "year", "head_code", "head_name", "deputy_codes",
                                              "deputy_names", "slack"])
        rot.to_csv(out / "rotation.csv", index=False)
        _csvt(out / "rotation.csv", ["Integer", "Integer", "String", "String", "String", "String", "String"])
        years = [int(rot["year"].min()), int(rot["year"].max())]
    islands = [[a, b] for a, b, r in neighbours if r == "island"]
    summary = {"kind": "clusters", "status": "OPTIMAL", "k": int(units["cluster"].nunique()),
               "size": [int(summ["n_members"].min()), int(summ["n_members"].max())], "contiguous": True,
               "separate_types": False, "balance": ["population"],
               "adjacency": {"method": "polygons" if any(r == "border" for *_, r in neighbours) else "delaunay",
                             "island_links": islands, "edges": len(neighbours)},
               "stages": [{"name": "balance", "status": "OPTIMAL", "value": 1.0, "bound": 1.0, "unit": "percent",
                           "seconds": 0.1}],
               "deviation_percent": {"population": float(summ["population_dev_percent"].abs().max())},
               "pins": {}, "previous": None, "years": years,
               "assumptions": ["Dân số và diện tích lấy từ bảng đơn vị 2025 (dữ liệu thử)."],
               "inputs": {}, "lang": "vi", "units_file": "units.csv", "boundaries": None,
               "created": "2026-12-01T10:00:00", "scenario": {"name": "Thử nghiệm cụm"}}
    summary.update(extra or {})
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def tiny_units() -> pd.DataFrame:
    """9 units, 3 x 3 grid about 5 km apart; cluster = column + 1; host = middle row."""
    rows = []
    for i, name in enumerate(TINY_NAMES):
        col, row = i // 3, i % 3
        rows.append({"code": f"{10000 + i:05d}", "name": name, "unit_type": "phường" if row == 1 else "xã",
                     "cluster": col + 1, "is_host": int(row == 1), "lat": 20.80 + 0.045 * row,
                     "lon": 106.60 + 0.048 * col, "population": 10000 + 1000 * i, "area_km2": 10.0 + i})
    return pd.DataFrame(rows)


def tiny_neighbours() -> list[tuple[str, str, str]]:
    out = []
    for i in range(9):
        col, row = i // 3, i % 3
        if row < 2:
            out.append((f"{10000 + i:05d}", f"{10000 + i + 1:05d}", "border"))
        if col < 2:
            out.append((f"{10000 + i:05d}", f"{10000 + i + 3:05d}", "border"))
    return out


def tiny_rotation(years=(2026, 2027, 2028)) -> list[dict]:
    """Head of cluster c in the i-th year: its (i mod 3)-th member; deputy: the next one."""
    u = tiny_units()
    names = dict(zip(u["code"], u["name"], strict=True))
    out = []
    for c, g in u.groupby("cluster"):
        codes = list(g["code"])
        for i, y in enumerate(years):
            h, d = codes[i % 3], codes[(i + 1) % 3]
            out.append({"cluster": c, "year": y, "head_code": h, "head_name": names[h], "deputy_codes": d,
                        "deputy_names": names[d], "slack": ";".join(x for x in codes if x not in (h, d))})
    return out


def tiny_folder(out: Path, rotation: bool = True) -> Path:
    """The 9-unit folder at ``out`` (with rotation.csv for 2026..2028 when ``rotation``)."""
    return write_folder(out, tiny_units(), tiny_neighbours(), tiny_rotation() if rotation else None)


# ---- Hải Phòng -------------------------------------------------------------------------------


def _hp_units() -> pd.DataFrame | None:
    csv = SHARED / "units_2025.csv"
    if not csv.exists():
        return None
    u = pd.read_csv(csv, dtype=str)
    u = u[u["province_code"].str.zfill(2) == HP].copy()
    for c in ("lat", "lon", "population", "area_km2"):
        u[c] = u[c].astype(float)
    return u[["code", "name", "unit_type", "lat", "lon", "population", "area_km2"]].reset_index(drop=True)


@lru_cache(maxsize=1)
def haiphong_boundaries() -> Path | None:
    """Hải Phòng's unit polygons as a GeoJSON file in a temporary folder (None without ../shared)."""
    gpkg = SHARED / "boundaries_2025.gpkg"
    u = _hp_units()
    if u is None or not gpkg.exists():
        return None
    import geopandas as gpd

    g = gpd.read_file(gpkg, layer="units")
    g = g[g["code"].astype(str).isin(set(u["code"]))][["code", "name", "geometry"]]
    path = Path(tempfile.mkdtemp(prefix="hp_bounds_")) / "haiphong.geojson"
    g.to_file(path, driver="GeoJSON")
    return path


def grow_regions(codes: list[str], xy: dict[str, tuple[float, float]], neigh: dict[str, list[str]],
                 k: int) -> dict[str, int]:
    """The declared rule: seeds by farthest point among units with two neighbours or more (first:
    the first such code), then the smallest
    cluster takes its unassigned neighbour nearest its seed; contiguous by construction."""
    mainland = [c for c in codes if len(neigh[c]) > 1]  # a unit joined by one island link seeds no cluster
    seeds = [mainland[0]]
    while len(seeds) < k:
        seeds.append(max(mainland, key=lambda c: min(math.dist(xy[c], xy[s]) for s in seeds)))
    of = {s: i for i, s in enumerate(seeds)}
    size = [1] * k
    while len(of) < len(codes):
        for c in sorted(range(k), key=lambda c: (size[c], c)):
            frontier = {n for m, cl in of.items() if cl == c for n in neigh[m] if n not in of}
            if frontier:
                pick = min(frontier, key=lambda n: (math.dist(xy[n], xy[seeds[c]]), n))
                of[pick] = c
                size[c] += 1
                break
    return of


@lru_cache(maxsize=1)
def haiphong_folder() -> Path | None:
    """Hải Phòng's 114 units in 15 contiguous clusters with a 2026..2030 rotation (None without ../shared)."""
    u = _hp_units()
    bounds = haiphong_boundaries()
    if u is None or bounds is None:
        return None
    import geopandas as gpd

    from matcher.clusters.adjacency import _project, neighbours

    adj = neighbours(list(u["code"]), list(u["lat"]), list(u["lon"]), gpd.read_file(bounds))
    xyarr = _project(list(u["lon"]), list(u["lat"]))
    xy = {c: (float(x), float(y)) for c, (x, y) in zip(u["code"], xyarr, strict=True)}
    of = grow_regions(list(u["code"]), xy, adj.neighbours, K_HP)
    u["cluster"] = [of[c] + 1 for c in u["code"]]
    u = u.sort_values(["cluster", "name"], kind="stable").reset_index(drop=True)
    u["is_host"] = 0
    names = dict(zip(u["code"], u["name"], strict=True))
    rotation = []
    for c, g in u.groupby("cluster"):
        codes = list(g["code"])
        host = min(codes, key=lambda a: (sum(math.dist(xy[a], xy[b]) for b in codes), a))
        u.loc[u["code"] == host, "is_host"] = 1
        for i, y in enumerate(range(2026, 2031)):
            h, d = codes[i % len(codes)], codes[(i + 1) % len(codes)]
            rotation.append({"cluster": c, "year": y, "head_code": h, "head_name": names[h], "deputy_codes": d,
                             "deputy_names": names[d], "slack": ""})
    links = {tuple(sorted(p)) for p in adj.island_links}
    edges = sorted({tuple(sorted((a, b))) for a, ns in adj.neighbours.items() for b in ns})
    nb = [(a, b, "island" if (a, b) in links else "border") for a, b in edges]
    out = Path(tempfile.mkdtemp(prefix="hp_clusters_")) / "haiphong"
    return write_folder(out, u, nb, rotation, {"scenario": {"name": "Cụm thi đua Hải Phòng (thử)"}})
