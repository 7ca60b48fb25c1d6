"""The national scenario of issue 8: all 3,321 commune-level units of Vietnam (2025), solved by the CLI.

    python benchmarks/national.py [--case NAME ...] [--time-limit S] [--runs N] [--out DIR] [--json FILE]

Data: ``../shared/data/vietnam_2025/units_2025.csv`` (official codes, province codes, the
merger map's points, area, population; see ``../shared/data/README.md``). Everything below
that is not in that file is a RULE of this benchmark, stated here and printed with the output:

* Roles (INFERRED, not official; the data has no mountain or ethnic-minority indicator):
  remote = a commune (``xã``) whose natural area is above the median area of the communes of
  its province (mountain communes are the large ones); lowland = every ward (``phường``) and
  every other commune (a missing area counts as below the median); the 13 special zones
  (``đặc khu``, islands) are excluded (no road partner).
* Staff figures are SYNTHETIC (P = population in thousands, the province's median where
  missing; A = area km2; ward = 1 for a phường; floor division), the Da Nang default's rule
  without its 2017 extremely-difficult count:
  remote need   it 1, digital 1 + P//8, planning 1 + A//200, construction 1 + A//200,
                finance 1 + P//12, land 1 + A//150;
  lowland supply it P//40 + ward, digital P//30, planning 1 + P//50, construction 1 + P//50,
                finance P//40 + ward, land 1 + P//40.
* Partners: lowland 0..1 (a ward need not twin: big cities have far more lowland than 3 x
  remote units), remote 1..3. Road km = geodesic km x 1.5, as the Da Nang default.
* Under the 100 km cap, a remote unit with no lowland unit within 100 road km is excluded (18 of
  the 1,299: border communes of Điện Biên, Lai Châu, Nghệ An); otherwise the case is infeasible.

Cases (each a fresh ``python -m matcher solve SCENARIO --out TMP --time-limit S`` process):
``province`` pairs only within each province (``pair_within = "province_code"``, no km cap);
``cap100`` pairs across provinces within 100 road km; ``thanh-hoa`` Thanh Hóa alone (166
units, province code 38), time limit 5 s; ``rows5000`` and ``rows50000``: tables of that
many rows drawn from the national units (seeded, with replacement, points moved by up to
±0.02°, new codes), ``province`` rules (the 50,000-row table is expected to be refused with
exit 2 "too large for this machine: N candidate pairs"; it runs ``validate`` and ``solve``).

Recorded per run: exit code, wall seconds, peak memory as ``ru_maxrss`` of the children
(``os.wait4`` of the CLI: the largest single process, the CLI or one of its part workers) and as the largest sum of
the RSS of the CLI's process tree sampled every 0.1 s from /proc, the stage values, bounds,
statuses and gaps from ``summary.json``, the number of parts, and the last progress lines.
Targets (issue 8): <= 4 GB, <= 120 s, balance gap <= 1 %; Thanh Hóa proven in <= 5 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data" / "vietnam_2025" / "units_2025.csv"
DOMAINS = ("it", "digital", "planning", "construction", "finance", "land")
CASES = ("province", "cap100", "thanh-hoa", "rows5000", "rows50000")
SEED = 2025
ROLE_RULE = ("remote = xã with area above its province's median xã area; lowland = phường and the other xã; "
             "đặc khu excluded (INFERRED)")
STAFF_RULE = "SYNTHETIC staff figures: the Da Nang default's rule from population and area (benchmarks/national.py)"


def _num(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def need(p: float, a: float) -> dict[str, int]:
    return {"it": 1, "digital": 1 + int(p // 8), "planning": 1 + int(a // 200),
            "construction": 1 + int(a // 200), "finance": 1 + int(p // 12), "land": 1 + int(a // 150)}


def supply(p: float, ward: int) -> dict[str, int]:
    return {"it": int(p // 40) + ward, "digital": int(p // 30), "planning": 1 + int(p // 50),
            "construction": 1 + int(p // 50), "finance": int(p // 40) + ward, "land": 1 + int(p // 40)}


def national_rows(path: Path = SHARED) -> list[dict]:
    """The 3,321 units with role, basis and the synthetic staff columns."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_prov: dict[str, list[dict]] = {}
    for r in rows:
        by_prov.setdefault(r["province_code"], []).append(r)
    out = []
    for r in rows:
        prov = by_prov[r["province_code"]]
        areas = [a for a in (_num(x["area_km2"]) for x in prov if x["unit_type"] == "xã") if a is not None]
        pops = [p for p in (_num(x["population"]) for x in prov) if p is not None]
        area, pop = _num(r["area_km2"]), _num(r["population"])
        pop = (pop if pop is not None else statistics.median(pops)) / 1000
        rec = {k: r[k] for k in ("code", "name", "unit_type", "province_code", "province", "lat", "lon")}
        if r["unit_type"] == "đặc khu":
            rec["role"], rec["role_basis"] = "excluded", "special zone (island): excluded"
        elif r["unit_type"] == "xã" and area is not None and area > statistics.median(areas):
            rec["role"], rec["role_basis"] = "remote", "xã above its province's median xã area"
        else:
            rec["role"], rec["role_basis"] = "lowland", "phường, or xã not above the median area"
        figures = need(pop, area or 0.0) if rec["role"] == "remote" else (
            supply(pop, int(r["unit_type"] == "phường")) if rec["role"] == "lowland" else {})
        for d in DOMAINS:
            rec[f"supply_{d}"] = figures.get(d, "") if rec["role"] == "lowland" else ""
            rec[f"need_{d}"] = figures.get(d, "") if rec["role"] == "remote" else ""
        rec["staff_figures"] = "SYNTHETIC (benchmarks/national.py)" if figures else ""
        out.append(rec)
    return out


def drawn_rows(rows: list[dict], n: int, seed: int = SEED) -> list[dict]:
    """``n`` rows drawn with replacement (seeded), points moved by up to ±0.02°, codes made unique."""
    rng = random.Random(seed)
    pool = [r for r in rows if r["role"] != "excluded"]
    out = []
    for k in range(n):
        r = dict(rng.choice(pool))
        r["code"], r["name"] = f"S{k:06d}", f"{r['name']} #{k}"
        r["lat"] = f"{float(r['lat']) + rng.uniform(-0.02, 0.02):.5f}"
        r["lon"] = f"{float(r['lon']) + rng.uniform(-0.02, 0.02):.5f}"
        out.append(r)
    return out


def write_case(case: str, folder: Path) -> Path:
    """Write the case's units.csv and scenario.toml under ``folder``; returns the scenario."""
    rows = national_rows()
    if case == "thanh-hoa":
        rows = [r for r in rows if r["province_code"] == "38"]
    elif case.startswith("rows"):
        rows = drawn_rows(rows, int(case[4:]))
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "units.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    lines = [f'name = "Vietnam 2025 national, case {case} (SYNTHETIC staff figures)"', 'units = "units.csv"',
             "detour_factor = 1.5", 'distance_metric = "km"', 'objectives = ["balance", "shortfall", "distance"]']
    if case == "province" or case.startswith("rows"):
        lines.append('pair_within = "province_code"')
    elif case != "thanh-hoa":
        lines.append("max_distance_km = 100")
    lines += [f"assumptions = [{json.dumps(ROLE_RULE, ensure_ascii=False)}, {json.dumps(STAFF_RULE)}]",
              "[partners]", "lowland_min = 0", "lowland_max = 1", "remote_min = 1", "remote_max = 3"]
    (folder / "scenario.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if case == "cap100":
        _exclude_out_of_reach(folder, rows)
    return folder / "scenario.toml"


def _exclude_out_of_reach(folder: Path, rows: list[dict]) -> None:
    """Under a km cap, a remote unit with no lowland unit within it is excluded (it could only make the
    scenario infeasible); found with matcher's own candidate search. A table too large to search is kept."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from matcher.distance import candidates
    from matcher.errors import InputError
    from matcher.io.scenario import load_problem, load_scenario

    problem, _ = load_problem(load_scenario(folder / "scenario.toml"))
    try:
        reach = {problem.remote[c.ri].code for c in candidates(problem)}
    except InputError:
        return
    for r in rows:
        if r["role"] == "remote" and r["code"] not in reach:
            r["role"], r["role_basis"] = "excluded", "remote, but no lowland unit within the 100 km cap"
            for d in DOMAINS:
                r[f"need_{d}"] = ""
            r["staff_figures"] = ""
    with open(folder / "units.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _tree_rss(root: int) -> int:
    """Sum of the RSS (bytes) of ``root`` and its descendants, from /proc."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            kids.setdefault(int(parts[1]), []).append(int(d))
            rss[int(d)] = int(parts[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += kids.get(pid, [])
    return total


def run_cli(args: list[str], timeout: float, work: Path) -> dict:
    """One fresh CLI process: exit code, wall s, peak memory (its rusage, and the sampled tree RSS), output tails.

    ``os.wait4`` gives this child's own rusage, whose ``ru_maxrss`` covers it and the workers it reaped."""
    out_f, err_f = work / "stdout.txt", work / "stderr.txt"
    start = time.perf_counter()
    with open(out_f, "w") as fo, open(err_f, "w") as fe:
        proc = subprocess.Popen([sys.executable, "-m", "matcher", *args], cwd=REPO, stdout=fo, stderr=fe)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    killer.cancel()
    done.set()
    t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = out_f.read_text(encoding="utf-8"), err_f.read_text(encoding="utf-8")
    return {"exit": proc.returncode, "wall_s": round(wall, 2), "maxrss_mb": round(usage.ru_maxrss / 1024),
            "tree_rss_peak_mb": round(peak[0] / 2**20), "stdout_tail": out.strip().splitlines()[-6:],
            "stderr_tail": err.strip().splitlines()[-4:]}


def run_case(case: str, time_limit: float, work: Path) -> dict:
    scenario = write_case(case, work / case)
    limit = 5.0 if case == "thanh-hoa" and time_limit == 120 else time_limit
    if case == "rows5000" and time_limit == 120:
        limit = 60.0
    rec: dict = {"case": case, "time_limit_s": limit}
    if case == "rows50000":
        rec["validate"] = run_cli(["validate", str(scenario)], 600, work)
    out = work / f"{case}-out"
    rec["solve"] = run_cli(["solve", str(scenario), "--out", str(out), "--time-limit", f"{limit:g}"],
                           4 * limit + 120, work)
    summary = out / "summary.json"
    if summary.exists() and rec["solve"]["exit"] == 0:
        s = json.loads(summary.read_text(encoding="utf-8"))
        rec["status"] = s.get("status")
        rec["stages"] = [{k: st.get(k) for k in ("name", "status", "value", "bound", "gap", "seconds")}
                         for st in s.get("stages", [])]
        rec["parts"] = (s.get("solver_params") or {}).get("parts")
        rec["components"] = (s.get("solver_params") or {}).get("components")
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", action="append", choices=CASES, help="repeat; default: province, cap100, thanh-hoa")
    ap.add_argument("--time-limit", type=float, default=120.0,
                    help="seconds (default 120; thanh-hoa then uses 5, rows5000 60)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="folder for the scenarios and results (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=None, help="write every record to this file")
    a = ap.parse_args(argv)
    cases = a.case or ["province", "cap100", "thanh-hoa"]
    print(f"roles: {ROLE_RULE}\nstaff: {STAFF_RULE}\nmachine: {os.cpu_count()} CPUs", flush=True)
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        work = a.out or Path(tmp)
        for run in range(a.runs):
            for case in cases:  # each case in a fresh process
                rec = run_case(case, a.time_limit, work)
                rec["run"] = run + 1
                records.append(rec)
                print(json.dumps(rec, ensure_ascii=False), flush=True)
    if a.json:
        a.json.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
