"""Cluster partition and rotation benchmark (issue 12).

    python benchmarks/clusters_bench.py [--only a,b,c] [--runs 5] [--budget S] [--solvers LIST]
        [--ks 6,7,8] [--spopt-python PATH] [--repo PATH] [--out benchmarks/clusters_results.json]

Instances, built at run time from /work/shared/data/vietnam_2025/ (never committed; see
``clusters_instances.py``):
  (a) ``haiphong``: the 114 units of Hải Phòng, shared-border neighbours, 15 clusters of 6–9,
      contiguous, population balanced (target: proven optimal or within 1 % in <= 30 s);
  (b) ``provinces-k6/k7/k8``: the 34 provinces, k = 6, 7, 8 contiguous clusters, no size band,
      population balanced (target <= 10 s);
  (c) ``rotation``: a 2026..2030 rotation (one deputy, default rules) of the 15 Hải Phòng clusters
      of the greedy + local search row; only the ``rotate`` call is timed (target <= 1 s).
Solvers (rows) of (a) and (b):
  ``matcher``     ``matcher.engine.clusters.partition`` in this process, seed 0, one worker,
                  ``max_deterministic_time`` = the budget (default 30 s for (a), 10 s for (b)), a
                  wall guard of 4 x budget + 5 s; wall = the call only (imports and instance not timed);
  ``greedy``      ``matcher.engine.clusters_warm.greedy`` (seed 0), the region-growing baseline;
  ``greedy+ls``   the same plus the module's local search (``improve``) when it has one;
  ``highs``       ``clusters_highs.py`` in a subprocess (the same model, deviation stage only; wall
                  time limit = the budget: HiGHS has no deterministic limit);
  ``spopt-*``     ``clusters_spopt.py`` (Skater, RegionKMeansHeuristic, AZP) under ``--spopt-python``
                  (a throwaway venv), when that interpreter exists.
Every partition is checked here by breadth-first search (every unit once, k clusters, band,
each cluster connected); a row that fails is marked invalid. Runs are round-robin over solvers.
``--out`` keeps the rows of other (instance, solver) pairs already in the file, so
``--solvers matcher`` reruns only the matcher rows. Prints the markdown tables.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_BUDGET = {"haiphong": 30.0, "provinces": 10.0}
YEARS = range(2026, 2031)
SPOPT_PYTHON = Path("/tmp/spopt_venv/bin/python")


def _setup_path(repo: Path) -> None:
    """Import matcher from ``repo`` (a pinned worktree), before the editable install."""
    sys.path.insert(0, str(repo))
    sys.path.insert(0, str(HERE))


def _stage(s) -> dict:
    status = getattr(s.status, "value", str(s.status))
    return {"name": s.name, "status": status, "value": s.value, "bound": s.bound, "seconds": round(s.seconds, 4),
            "unit": s.unit, "gap": s.gap}


def run_matcher(inst: dict, budget: float, seed: int = 0) -> dict:
    from matcher.engine.clusters import partition

    kwargs = {"k": inst["k"], "size": (inst["lo"], inst["hi"]), "attributes": {"population": inst["population"]},
              "contiguous": True, "max_deterministic_time": budget, "wall_limit_s": 4 * budget + 5, "seed": seed}
    t0 = time.perf_counter()
    res = partition(inst["codes"], inst["neighbours"], **kwargs)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "status": getattr(res.status, "value", str(res.status)), "clusters": dict(res.clusters),
            "stages": [_stage(s) for s in res.stages]}


def _groups_to_clusters(inst: dict, groups) -> dict | None:
    if groups is None:
        return None
    return {inst["codes"][i]: c for c, g in enumerate(groups) for i in g}


def run_greedy(inst: dict, local: bool, seed: int = 0) -> dict:
    from clusters_instances import index_adjacency

    from matcher.engine import clusters_warm

    n, adj = len(inst["codes"]), index_adjacency(inst)
    t0 = time.perf_counter()
    groups = clusters_warm.greedy(n, inst["k"], inst["lo"], inst["hi"], adj, None, seed)
    note = "greedy region growing, seed 0"
    if local:
        improve = getattr(clusters_warm, "improve", None)
        if improve is None:
            return {"wall_s": None, "status": "error: clusters_warm has no local search", "clusters": None}
        if groups is not None:
            groups = improve(groups, adj, inst["lo"], inst["hi"], [inst["population"]])
        note += f" + {improve.__name__}{inspect.signature(improve)}"
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "status": "done" if groups is not None else "no partition",
            "clusters": _groups_to_clusters(inst, groups), "note": note}


def run_highs(inst_path: Path, budget: float) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / "clusters_highs.py"), str(inst_path), "--time-limit",
                           str(budget)], capture_output=True, text=True, timeout=budget * 3 + 120)
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        return {"wall_s": wall, "status": f"error: exit {proc.returncode}: {proc.stderr.strip()[-300:]}",
                "clusters": None}
    out = json.loads(lines[-1])
    out["process_wall_s"], out["wall_s"] = wall, out["seconds"]
    return out


def run_spopt(inst_path: Path, python: Path) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([str(python), str(HERE / "clusters_spopt.py"), str(inst_path)], capture_output=True,
                          text=True, env=env, timeout=600)
    rows = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not rows:
        return [{"solver": "spopt", "wall_s": None, "status": f"error: exit {proc.returncode}: "
                                                              f"{proc.stderr.strip()[-300:]}", "clusters": None}]
    for r in rows:
        r["wall_s"] = r["seconds"]
    return rows


def run_rotation(clusters: dict) -> dict:
    from matcher.clusters.rotation import rotate

    groups: dict[str, list[str]] = {}
    for code, c in sorted(clusters.items(), key=lambda kv: (kv[1], kv[0])):
        groups.setdefault(f"{c + 1:02d}", []).append(code)
    t0 = time.perf_counter()
    terms = rotate(groups, list(YEARS), deputies=1)
    wall = time.perf_counter() - t0
    problems = []
    if len(terms) != len(groups) * len(YEARS):
        problems.append(f"{len(terms)} terms, expected {len(groups) * len(YEARS)}")
    by = {}
    for t in terms:
        by.setdefault(t.cluster, []).append(t)
        if t.head in t.deputies:
            problems.append(f"{t.cluster} {t.year}: head is also a deputy")
    for c, ts in by.items():
        heads = [t.head for t in sorted(ts, key=lambda t: t.year)]
        if any(a == b for a, b in itertools.pairwise(heads)):
            problems.append(f"{c}: a head serves two years running")
        if len(set(heads)) != min(len(heads), len(groups[c])):
            problems.append(f"{c}: a member heads twice before every member headed once")
    return {"wall_s": wall, "status": "done", "clusters": None, "terms": len(terms), "clusters_n": len(groups),
            "check": {"valid": not problems, "problems": problems}}


def _check(inst: dict, rec: dict) -> None:
    from clusters_instances import check

    rec["check"] = check(inst, rec.get("clusters"))
    dev = next((s for s in rec.get("stages") or [] if s["name"] == "deviation"), None)
    claim = dev["value"] if dev else rec.get("objective")
    got = rec["check"].get("max_dev_bp")
    if claim is not None and got is not None and got > round(claim):  # later stages keep deviation <= value
        rec["check"]["valid"] = False
        rec["check"]["problems"].append(f"claims deviation {claim} bp, recomputed {got} bp")
    elif claim is not None and got is not None and got < round(claim):
        rec["check"]["note"] = f"final plan {got} bp, below the deviation stage's {round(claim)} (a later stage)"
    rec.pop("clusters", None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="a,b,c")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--budget", type=float, default=None, help="seconds for every instance (default 30 a, 10 b)")
    ap.add_argument("--solvers", default="matcher,greedy,greedy+ls,highs,spopt")
    ap.add_argument("--ks", default="6,7,8")
    ap.add_argument("--spopt-python", type=Path, default=SPOPT_PYTHON)
    ap.add_argument("--repo", type=Path, default=HERE.parent)
    ap.add_argument("--out", type=Path, default=HERE / "clusters_results.json")
    args = ap.parse_args()
    _setup_path(args.repo.resolve())
    import clusters_instances as ci
    import clusters_table
    from report import machine_facts

    import matcher

    only, solvers = set(args.only.split(",")), args.solvers.split(",")
    facts = machine_facts(args.repo.resolve())
    facts["matcher_from"] = str(Path(matcher.__file__).parent)
    tmp = Path(tempfile.mkdtemp(prefix="clusters_bench_"))
    insts = []
    if only & {"a", "c"}:
        insts.append(("a", ci.haiphong()))
    if "b" in only:
        insts += [("b", ci.provinces(int(k))) for k in args.ks.split(",")]
    records = []
    for part, inst in insts:
        if part == "a" and "a" not in only:
            continue
        budget = args.budget or DEFAULT_BUDGET[inst["name"].split("-")[0]]
        path = ci.write(inst, tmp / f"{inst['name']}.json")
        for run in range(args.runs):
            for solver in solvers:
                if solver == "matcher":
                    got = [dict(run_matcher(inst, budget), solver="matcher")]
                elif solver in ("greedy", "greedy+ls"):
                    got = [dict(run_greedy(inst, solver == "greedy+ls"), solver=solver)]
                elif solver == "highs":
                    got = [dict(run_highs(path, budget), solver="highs-mip")]
                elif solver == "spopt" and args.spopt_python.exists():
                    got = run_spopt(path, args.spopt_python)
                else:
                    got = []
                for rec in got:
                    _check(inst, rec)
                    records.append(dict(rec, instance=inst["name"], run=run, budget_s=budget, part=part))
                    print(f"  {inst['name']} run {run} {rec['solver']}: {clusters_table.one_line(rec)}",
                          file=sys.stderr)
    if "c" in only:
        hp = next(i for p, i in insts if p == "a")
        base = run_greedy(hp, local=True)
        if base["clusters"] is None:
            base = run_greedy(hp, local=False)
        for run in range(args.runs):
            rec = run_rotation(base["clusters"])
            records.append(dict(rec, solver="matcher-rotate", instance="rotation-haiphong-15x5", run=run, part="c",
                                budget_s=None, source=base.get("note")))
    clusters_table.save(args.out, facts, records, vars(args))
    print(clusters_table.markdown(json.loads(args.out.read_text())))


if __name__ == "__main__":
    main()
