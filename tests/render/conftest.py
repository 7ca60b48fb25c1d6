"""Render fixtures: a 166-unit synthetic province (Thanh Hóa's 2025 units) built at test time.

``thanh_hoa_result`` is a result folder written by ``matcher.io.write_result``: Thanh Hóa's
166 units from ``../shared/data/vietnam_2025/units_2025.csv`` (else the installed registry),
roles by a simple declared rule (the 45 communes of largest area remote, the rest lowland:
121 pairs with one partner per lowland unit), staff made up from the codes (deterministic), and
a greedy nearest-partner plan scored by ``matcher.engine.evaluate`` (no search: fast and the
same on every run). ``thanh_hoa_boundaries`` is the province's polygons from
``../shared/data/vietnam_2025/boundaries_2025.gpkg`` as a GeoJSON file (skips when absent).
Nothing here is committed data.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "vietnam_2025"
DOMAINS = ("it", "digital", "planning", "construction", "finance", "land")
N_REMOTE = 45
TH_CODE = "38"


def _units_rows() -> list[dict]:
    """(code, name, kind, lat, lon, area) of Thanh Hóa's 2025 units."""
    csv = SHARED / "units_2025.csv"
    if csv.exists():
        import pandas as pd

        u = pd.read_csv(csv, dtype=str)
        u = u[u["province_code"].str.zfill(2) == TH_CODE]
        return [{"code": r.code, "name": r["name"], "ward": r.unit_type == "phường", "lat": float(r.lat),
                 "lon": float(r.lon), "area": float(r.area_km2 or 0)} for _, r in u.iterrows()]
    from matcher.io import registry

    try:
        units = registry.units([TH_CODE])
    except Exception as e:  # registry not installed
        pytest.skip(f"no 2025 units: {e}")
    return [{"code": u.code, "name": u.name, "ward": u.kind == "ward", "lat": u.lat, "lon": u.lon,
             "area": u.area_km2 or 0.0} for u in units if u.lat is not None]


def thanh_hoa_problem():
    """The synthetic Thanh Hóa-size problem (166 units, 45 remote, 121 lowland)."""
    from matcher.model import Problem, Role, Rules, Unit

    rows = _units_rows()
    communes = sorted((r for r in rows if not r["ward"]), key=lambda r: (-r["area"], r["code"]))
    remote = {r["code"] for r in communes[:N_REMOTE]}
    units = []
    for r in rows:
        k = int(r["code"])
        if r["code"] in remote:
            need = {d: 1 + (k + 3 * i) % 3 for i, d in enumerate(DOMAINS)}
            units.append(Unit(r["code"], r["name"], Role.REMOTE, r["lat"], r["lon"], need=need))
        else:
            supply = {d: (k // 7 + 5 * i) % 3 for i, d in enumerate(DOMAINS)}
            units.append(Unit(r["code"], r["name"], Role.LOWLAND, r["lat"], r["lon"], supply=supply))
    rules = Rules(max_distance_km=None, detour_factor=1.3, remote_max_partners=3)
    return Problem(units=tuple(units), domains=DOMAINS, rules=rules, name="Thanh Hóa (tổng hợp / synthetic)")


def greedy_plan(problem) -> list[tuple[str, str]]:
    """Every remote unit takes its nearest free lowland unit, then every other lowland unit goes
    to its nearest remote unit with room (at most 3 partners)."""
    low, rem = problem.lowland, problem.remote

    def km(a, b):
        return math.dist((a.lat, a.lon * math.cos(math.radians(a.lat))), (b.lat, b.lon * math.cos(math.radians(b.lat))))

    taken: dict[str, str] = {}
    count = {r.code: 0 for r in rem}
    for r in sorted(rem, key=lambda r: r.code):
        best = min((u for u in low if u.code not in taken), key=lambda u: (km(u, r), u.code))
        taken[best.code] = r.code
        count[r.code] += 1
    for u in sorted(low, key=lambda u: u.code):
        if u.code in taken:
            continue
        r = min((r for r in rem if count[r.code] < 3), key=lambda r: (km(u, r), r.code))
        taken[u.code] = r.code
        count[r.code] += 1
    return sorted(taken.items())


@pytest.fixture(scope="session")
def thanh_hoa_result(tmp_path_factory) -> Path:
    """A result folder of the 166-unit synthetic Thanh Hóa province (121 pairs), read only."""
    from matcher.engine import evaluate
    from matcher.io import write_result
    from matcher.model import SolveParams

    problem = thanh_hoa_problem()
    result = evaluate(problem, greedy_plan(problem), SolveParams(time_limit_s=20))
    out = tmp_path_factory.mktemp("thanh_hoa") / "result"
    write_result(out, problem, result)
    return out


@pytest.fixture(scope="session")
def thanh_hoa_boundaries(tmp_path_factory) -> Path:
    """Thanh Hóa's 2025 polygons as a GeoJSON file (from ../shared; skipped when absent)."""
    gpkg = SHARED / "boundaries_2025.gpkg"
    if not gpkg.exists():
        pytest.skip("../shared/data/vietnam_2025/boundaries_2025.gpkg not present")
    import geopandas as gpd

    g = gpd.read_file(gpkg, layer="units", where=f"province_code = '{TH_CODE}'")
    out = tmp_path_factory.mktemp("thanh_hoa_geo") / "thanh_hoa.geojson"
    g[["code", "name", "geometry"]].to_file(out, driver="GeoJSON")
    return out
