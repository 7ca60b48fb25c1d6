"""Static map benchmark (issue 11): median of N runs of `save_map` (PNG and PDF, A4) for Da Nang and
for the 166-unit synthetic Thanh Hóa-size province; target <= 3 s each. Prints a markdown table.

    python benchmarks/map_bench.py [--runs 5]

Da Nang is solved once (`matcher solve`, ~3 s) and Thanh Hóa built as in tests/render/conftest.py
(greedy plan scored by evaluate); polygons from ../shared when present. Each run draws from the
result folder already read (reading the result and the polygons is not timed), one process, one core.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tests" / "render"))


def _danang(tmp: Path) -> Path:
    from typer.testing import CliRunner

    from matcher.cli import app

    out = tmp / "danang"
    res = CliRunner().invoke(app, ["solve", "--out", str(out), "--quiet", "--workers", "1"])
    assert res.exit_code == 0, res.output
    return out


def _thanh_hoa(tmp: Path) -> tuple[Path, Path | None]:
    import conftest  # tests/render/conftest.py: the fixture's builders

    from matcher.engine import evaluate
    from matcher.io import write_result
    from matcher.model import SolveParams

    problem = conftest.thanh_hoa_problem()
    out = tmp / "thanh_hoa"
    write_result(out, problem, evaluate(problem, conftest.greedy_plan(problem), SolveParams(time_limit_s=20)))
    gpkg = SHARED / "vietnam_2025" / "boundaries_2025.gpkg"
    if not gpkg.exists():
        return out, None
    import geopandas as gpd

    g = gpd.read_file(gpkg, layer="units", where="province_code = '38'")
    geo = tmp / "thanh_hoa.geojson"
    g[["code", "geometry"]].to_file(geo, driver="GeoJSON")
    return out, geo


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from matcher.io.geo import read_boundaries
    from matcher.io.resultdir import read_result_dir
    from matcher.render.maps import save_map

    tmp = Path(tempfile.mkdtemp(prefix="map_bench_"))
    dn_geo = SHARED / "danang_2025" / "boundaries.geojson"
    th, th_geo = _thanh_hoa(tmp)
    cases = [("Da Nang (94 units)", _danang(tmp), dn_geo if dn_geo.exists() else None),
             ("Thanh Hóa-size (166 units)", th, th_geo)]
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{args.runs} runs each\n")
    print("| case | boundaries | format | median s | min s | max s | target <= 3 s |")
    print("|---|---|---|---|---|---|---|")
    for name, folder, geo in cases:
        view = read_result_dir(folder)
        polys = read_boundaries(geo) if geo else None
        for fmt in ("png", "pdf"):
            times = []
            for i in range(args.runs):
                t0 = time.perf_counter()
                save_map(view, polys, "vi", tmp / f"m{i}.{fmt}")
                times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            print(f"| {name} | {'polygons' if polys is not None else 'points'} | {fmt.upper()} | {med:.2f} | "
                  f"{min(times):.2f} | {max(times):.2f} | {'met' if med <= 3 else 'NOT met'} |")


if __name__ == "__main__":
    main()
