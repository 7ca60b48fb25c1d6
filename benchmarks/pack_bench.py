"""Review-pack benchmark (issue 11): the committee pack of Da Nang and of a Thanh Hóa-size province.

    python benchmarks/pack_bench.py [--runs 5] [--repo PATH]

Times, each run a fresh ``python -m matcher report ...`` subprocess (interpreter start, imports
and reading the result folder included), the median of ``--runs`` (at least 5):
  1. the Da Nang default (93 units, 33 remote communes) with its boundaries: every section,
     the 33 per-commune pages included (target <= 8 s);
  2. the 166-unit synthetic Thanh Hóa province of tests/render/conftest.py (45 remote communes,
     121 pairs, a greedy plan scored by ``matcher.engine.evaluate``) with its 2025 polygons from
     ../shared/data/vietnam_2025/, the 45 per-commune pages included (target <= 20 s).
The result folders are made once before timing (``matcher solve`` for Da Nang; the fixture's
builder for Thanh Hóa). ``--repo`` runs the code of another checkout (a pinned worktree).
Prints a markdown table (machine, pages, medians, min, max, target met or not).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(repo: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(repo) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run(repo: Path, *args) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "matcher", *map(str, args)], check=True, cwd=repo, env=_env(repo),
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _danang(repo: Path, tmp: Path) -> tuple[Path, Path | None]:
    out = tmp / "danang"
    subprocess.run([sys.executable, "-m", "matcher", "solve", "--out", str(out), "--quiet"], check=True, cwd=repo,
                   env=_env(repo), stdout=subprocess.DEVNULL)
    b = repo.parent / "shared" / "data" / "danang_2025" / "boundaries.geojson"
    if not b.exists():
        b = ROOT.parent / "shared" / "data" / "danang_2025" / "boundaries.geojson"
    return out, b if b.exists() else None


def _thanh_hoa(repo: Path, tmp: Path) -> tuple[Path, Path | None]:
    """The fixture's result folder and polygons, built by its own code (tests/render/conftest.py)."""
    sys.path.insert(0, str(repo))
    spec = importlib.util.spec_from_file_location("th_fixture", repo / "tests" / "render" / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from matcher.engine import evaluate
    from matcher.io import write_result
    from matcher.model import SolveParams

    problem = mod.thanh_hoa_problem()
    out = tmp / "thanh_hoa"
    write_result(out, problem, evaluate(problem, mod.greedy_plan(problem), SolveParams(time_limit_s=20)))
    gpkg = mod.SHARED / "boundaries_2025.gpkg"
    if not gpkg.exists():
        return out, None
    import geopandas as gpd

    g = gpd.read_file(gpkg, layer="units", where=f"province_code = '{mod.TH_CODE}'")
    geo = tmp / "thanh_hoa.geojson"
    g[["code", "name", "geometry"]].to_file(geo, driver="GeoJSON")
    return out, geo


def _pages(path: Path) -> int | str:
    try:
        import pypdf
    except ImportError:
        return "?"
    return len(pypdf.PdfReader(path).pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repo", type=Path, default=ROOT, help="checkout whose code is timed (default: this one)")
    a = ap.parse_args()
    runs = max(a.runs, 1)
    repo = a.repo.resolve()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cases = [("Da Nang default (33 remote communes)", _danang(repo, tmp), 8.0),
                 ("Thanh Hóa-size synthetic (166 units, 45 remote)", _thanh_hoa(repo, tmp), 20.0)]
        for label, (folder, boundaries), target in cases:
            out = tmp / "pack.pdf"
            extra = ["--boundaries", boundaries] if boundaries else []
            times = [_run(repo, "report", folder, "--out", out, *extra) for _ in range(runs)]
            med = statistics.median(times)
            rows.append((label, "yes" if boundaries else "no", _pages(out), med, min(times), max(times), target))
    cpu = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU"
    print(f"Review pack (matcher report, fresh process each run, median of {runs}); {cpu}, Python "
          f"{platform.python_version()}\n")
    print("| case | boundaries | pages | median s | min s | max s | target s | met |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for label, b, pages, med, lo, hi, target in rows:
        print(f"| {label} | {b} | {pages} | {med:.2f} | {lo:.2f} | {hi:.2f} | {target:.0f} | "
              f"{'yes' if med <= target else 'NO'} |")


if __name__ == "__main__":
    main()
