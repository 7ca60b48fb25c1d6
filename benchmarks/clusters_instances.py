"""Instances and the independent checker of the cluster benchmark (issue 12).

An instance is a plain dict (written as JSON for the peers, never committed):
``name``, ``codes`` (unit codes, the model's unit order), ``names``, ``neighbours`` (code ->
neighbour codes, symmetric), ``island_links``, ``population`` (integers, in ``codes`` order),
``lats``/``lons``, ``k``, ``lo``/``hi`` (the size band). Built at run time from
/work/shared/data/vietnam_2025/ (``units_2025.csv`` and ``boundaries_2025.gpkg``):

- ``haiphong``: the 114 units of Thành phố Hải Phòng (province code 31), neighbours from shared
  borders (layer ``units``; the island rule of :mod:`matcher.clusters.adjacency` joins the special
  zones), 15 clusters of 6–9;
- ``provinces-k6|k7|k8``: the 34 provinces (layer ``provinces``), population = the sum of their
  communes', point = the population-weighted mean of the communes' points, k = 6, 7, 8 with no
  size band (1..34).

:func:`check` verifies a partition against the instance with its own breadth-first search (no
matcher code): every unit once, k clusters, sizes in the band, each cluster's induced neighbour
subgraph connected; and recomputes the largest deviation (percent and basis points of the mean,
the engine's unit). This module imports neither ortools nor highspy.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/data/vietnam_2025")
HAIPHONG = "31"
BP = 10_000


def shared_dir() -> Path:
    """The 2025 data folder: /work/shared when present, else ../shared beside the repository."""
    return SHARED if SHARED.exists() else ROOT.parent / "shared" / "data" / "vietnam_2025"


def build_instance(name: str, units, polygons, k: int, size: tuple[int, int] | None = None) -> dict:
    """An instance from a units table (columns code, name, lat, lon, population) and polygons
    (a GeoDataFrame with a ``code`` column covering every unit), neighbours by shared border."""
    from matcher.clusters.adjacency import neighbours

    codes = [str(c) for c in units["code"]]
    lats, lons = [float(v) for v in units["lat"]], [float(v) for v in units["lon"]]
    adj = neighbours(codes, lats, lons, polygons=polygons)
    lo, hi = size if size is not None else (1, len(codes))
    return {"name": name, "codes": codes, "names": [str(v) for v in units["name"]],
            "neighbours": {c: list(adj.neighbours[c]) for c in codes},
            "island_links": [list(p) for p in adj.island_links], "adjacency_method": adj.method,
            "population": [int(v) for v in units["population"]], "lats": lats, "lons": lons,
            "k": int(k), "lo": int(lo), "hi": int(hi)}


def _units_csv(shared: Path):
    import pandas as pd

    return pd.read_csv(shared / "units_2025.csv", dtype={"code": str, "province_code": str})


def haiphong(shared: Path | None = None, k: int = 15, size: tuple[int, int] = (6, 9)) -> dict:
    """(a) the 114 units of Hải Phòng, 15 clusters of 6–9."""
    import geopandas as gpd

    shared = shared or shared_dir()
    units = _units_csv(shared)
    units = units[units["province_code"] == HAIPHONG].sort_values("code").reset_index(drop=True)
    gdf = gpd.read_file(shared / "boundaries_2025.gpkg", layer="units", where=f"province_code = '{HAIPHONG}'")
    return build_instance("haiphong", units, gdf, k, size)


def provinces(k: int, shared: Path | None = None) -> dict:
    """(b) the 34 provinces aggregated from their communes, k clusters, no size band."""
    import geopandas as gpd
    import pandas as pd

    shared = shared or shared_dir()
    units = _units_csv(shared)
    units["wlat"] = units["lat"] * units["population"]
    units["wlon"] = units["lon"] * units["population"]
    agg = units.groupby("province_code").agg(population=("population", "sum"), wlat=("wlat", "sum"),
                                             wlon=("wlon", "sum")).reset_index()
    gdf = gpd.read_file(shared / "boundaries_2025.gpkg", layer="provinces")
    names = dict(zip(gdf["code"].astype(str), gdf["name"].astype(str), strict=True))
    table = pd.DataFrame({"code": agg["province_code"], "name": agg["province_code"].map(names),
                          "lat": agg["wlat"] / agg["population"], "lon": agg["wlon"] / agg["population"],
                          "population": agg["population"]}).sort_values("code").reset_index(drop=True)
    return build_instance(f"provinces-k{k}", table, gdf, k, None)


def index_adjacency(inst: Mapping) -> list[list[int]]:
    """The neighbour lists as unit indices (the engine's and the greedy's form)."""
    index = {c: i for i, c in enumerate(inst["codes"])}
    return [sorted({index[v] for v in inst["neighbours"][c] if v in index and v != c}) for c in inst["codes"]]


def deviation(inst: Mapping, clusters: Mapping[str, int]) -> tuple[float, int, list[int]]:
    """(largest deviation from the mean total in %, the same in whole basis points rounded up as
    the engine's objective, the cluster totals); the mean over the clusters ``clusters`` has
    (labels 0..m-1), which is k for a valid partition."""
    k = max(clusters.values()) + 1 if clusters else inst["k"]  # a peer may give another count: its own mean
    pop = dict(zip(inst["codes"], inst["population"], strict=True))
    totals = [0] * k
    for code, c in clusters.items():
        totals[c] += pop[code]
    t = sum(totals)
    worst = max(abs(k * s - t) for s in totals)
    return 100.0 * worst / t, math.ceil(BP * worst / t) if t else 0, totals


def check(inst: Mapping, clusters: Mapping[str, int] | None) -> dict:
    """Independent validity check of ``clusters`` (code -> 0-based cluster). ``valid`` is False
    with the reasons in ``problems`` when any unit is missing or unknown, the cluster count is
    not k, a size is outside the band or a cluster is not connected on the neighbour graph."""
    if not clusters:
        return {"valid": False, "problems": ["no partition"], "sizes": [], "max_dev_pct": None, "max_dev_bp": None}
    codes, k, lo, hi = inst["codes"], inst["k"], inst["lo"], inst["hi"]
    problems = []
    missing, unknown = set(codes) - set(clusters), set(clusters) - set(codes)
    if missing or unknown:
        problems.append(f"{len(missing)} unit(s) unassigned, {len(unknown)} unknown")
    labels = sorted(set(clusters.values()))
    if labels != list(range(len(labels))):
        problems.append(f"cluster labels {labels[:3]}... are not 0..{len(labels) - 1}")
    elif len(labels) != k:
        problems.append(f"{len(labels)} clusters, expected {k}")
    groups = {c: [u for u in codes if clusters.get(u) == c] for c in labels}
    sizes = [len(groups[c]) for c in labels]
    out_band = [s for s in sizes if not lo <= s <= hi]
    if out_band:
        problems.append(f"{len(out_band)} cluster(s) outside {lo}..{hi}: sizes {sorted(out_band)}")
    broken = [c for c, g in groups.items() if not _connected(g, inst["neighbours"])]
    if broken:
        problems.append(f"{len(broken)} cluster(s) not contiguous: {broken}")
    pct, bp, totals = deviation(inst, clusters) if not (missing or unknown or labels != list(range(len(labels)))) \
        else (None, None, [])
    return {"valid": not problems, "problems": problems, "sizes": sizes, "band_violations": len(out_band),
            "non_contiguous": len(broken), "max_dev_pct": pct, "max_dev_bp": bp, "totals": totals}


def _connected(members: Sequence[str], neighbours: Mapping[str, Sequence[str]]) -> bool:
    if not members:
        return False
    inside = set(members)
    seen, queue = {members[0]}, deque([members[0]])
    while queue:
        u = queue.popleft()
        for v in neighbours.get(u, ()):
            if v in inside and v not in seen:
                seen.add(v)
                queue.append(v)
    return seen == inside


def grid_instance(rows: int, cols: int, population: Sequence[int], k: int, size: tuple[int, int],
                  name: str = "grid") -> dict:
    """A rows x cols grid of units with 4-neighbour adjacency (for tests; no polygons needed)."""
    codes = [f"{i:05d}" for i in range(rows * cols)]
    neigh = {c: [] for c in codes}
    for i in range(rows * cols):
        r, c = divmod(i, cols)
        for j in ([i + 1] if c + 1 < cols else []) + ([i + cols] if r + 1 < rows else []):
            neigh[codes[i]].append(codes[j])
            neigh[codes[j]].append(codes[i])
    return {"name": name, "codes": codes, "names": codes, "neighbours": {c: sorted(v) for c, v in neigh.items()},
            "island_links": [], "adjacency_method": "grid", "population": [int(p) for p in population],
            "lats": [20.8 + 0.01 * (i // cols) for i in range(rows * cols)],
            "lons": [106.6 + 0.01 * (i % cols) for i in range(rows * cols)], "k": k, "lo": size[0], "hi": size[1]}


def write(inst: Mapping, path: Path) -> Path:
    """Write an instance as JSON (for a peer subprocess)."""
    path.write_text(json.dumps(inst, ensure_ascii=False))
    return path


def read(path: Path) -> dict:
    return json.loads(Path(path).read_text())
