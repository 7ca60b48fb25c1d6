"""Sweep benchmark (issue 10): a 16-run sweep of the Da Nang default, serial, on local processes, on Dask.

    python benchmarks/sweep_bench.py [--repo PATH] [--reps 5] [--modes serial,local,dask] [--procs 2]
                                     [--set NAME=V1,V2 ...] [--out FILE.json] [--keep DIR]

Run it from a pinned worktree (``git worktree add /tmp/sw <commit>``; ``python
/tmp/sw/benchmarks/sweep_bench.py``): ``--repo`` (default: the repository holding this file) is
the code every sweep runs (``PYTHONPATH`` and the working folder of each command), so the
figures belong to that commit. Modes, each one ``matcher sweep`` command in a fresh interpreter,
timed with ``time.perf_counter()`` around the whole command (imports included):

- ``serial``: ``--workers-procs 1``, the 16 runs one after the other in one process;
- ``local``: ``--workers-procs N`` (``--procs``, default 2), a spawn process pool;
- ``dask``: ``--scheduler`` of a ``dask.distributed.LocalCluster(n_workers=N, processes=True,
  threads_per_worker=1)`` started fresh for each repetition by this script; its start-up is
  timed apart (``cluster_s``) and not in the sweep's wall time (the issue's "existing cluster").

Repetitions go round-robin (rep 1 of every mode, then rep 2, ...), each in a new empty folder
(so nothing is resumed). Per sweep: wall seconds, the sum of the runs' own ``solve_seconds`` and
``run_seconds`` (runs.csv), the overhead per run ``(wall - sum solve) / runs`` and, for parallel
modes, the process-seconds overhead per run ``(wall x N - sum solve) / runs``. Every sweep's KPIs
(runs.csv without the seconds) and every run's pairs.csv are compared with the first serial
sweep's: ``identical`` says whether all agree. Prints a markdown table (medians, min–max) and
writes the records and the machine facts as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SETS = ["max_distance_km=130,150,170,190", "remote_max_partners=2,3", "seed=0,1"]  # 4 x 2 x 2 = 16 runs
TIMES = ("solve_seconds", "run_seconds")
MODES = ("serial", "local", "dask")


def _env(repo: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _read(out: Path) -> tuple[list[dict], dict[str, str]]:
    """runs.csv as rows, and each run's pairs.csv as a SHA-256."""
    with open(out / "runs.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    pairs = {p.parent.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted((out / "runs").glob("*/pairs.csv"))}
    return rows, pairs


def one_sweep(repo: Path, mode: str, sets: list[str], procs: int, work: Path, scenario: Path | None = None) -> dict:
    """One sweep in ``mode`` into a new folder under ``work``; its record."""
    out = Path(tempfile.mkdtemp(prefix=f"{mode}-", dir=work)) / "sweep"
    cmd = [sys.executable, "-m", "matcher", "sweep", *([str(scenario)] if scenario else []),
           *[a for s in sets for a in ("--set", s)], "--out", str(out), "-q"]
    cluster, cluster_s = None, None
    if mode == "dask":
        from dask.distributed import LocalCluster

        start = time.perf_counter()
        os.environ["PYTHONPATH"] = _env(repo)["PYTHONPATH"]  # the workers import matcher from --repo
        cluster = LocalCluster(n_workers=procs, processes=True, threads_per_worker=1, dashboard_address=None)
        cluster_s = time.perf_counter() - start
        cmd += ["--scheduler", cluster.scheduler_address]
    else:
        cmd += ["--workers-procs", "1" if mode == "serial" else str(procs)]
    try:
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=repo, env=_env(repo), capture_output=True, text=True)
        wall = time.perf_counter() - start
    finally:
        if cluster is not None:
            cluster.close()
    rec = {"mode": mode, "procs": 1 if mode == "serial" else procs, "exit": proc.returncode, "wall_s": round(wall, 3),
           "cluster_s": None if cluster_s is None else round(cluster_s, 3), "loadavg": list(os.getloadavg())}
    if proc.returncode != 0:
        rec["stderr"] = proc.stderr[-2000:]
        return rec
    rows, pairs = _read(out)
    n = len(rows)
    solve = sum(float(r["solve_seconds"]) for r in rows)
    rec.update({"runs": n, "statuses": [r["status"] for r in rows], "sum_solve_s": round(solve, 3),
                "sum_run_s": round(sum(float(r["run_seconds"]) for r in rows), 3),
                "overhead_per_run_s": round((wall - solve) / n, 3),
                "process_overhead_per_run_s": round((wall * rec["procs"] - solve) / n, 3),
                "kpis": [{k: v for k, v in r.items() if k not in TIMES} for r in rows], "pairs": pairs,
                "out": str(out)})
    return rec


def _med(values) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    return f"{statistics.median(values):.2f}" + (f" ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else "")


def table(records: list[dict], modes: list[str]) -> str:
    """The markdown table: per mode the medians (min–max) over the repetitions."""
    ok = [r for r in records if r["exit"] == 0]
    ref = next((r for r in ok if r["mode"] == "serial"), ok[0] if ok else None)
    serial = [r["wall_s"] for r in ok if r["mode"] == "serial"]
    lines = ["| mode | procs | runs | reps | wall s | vs serial | sum of solve s | overhead s/run | "
             "process-s overhead/run | cluster start s | identical to serial |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for mode in modes:
        rs = [r for r in ok if r["mode"] == mode]
        if not rs:
            lines.append(f"| {mode} | – | – | 0 | failed ({sum(r['mode'] == mode for r in records)} tries) "
                         "| | | | | | |")
            continue
        walls = [r["wall_s"] for r in rs]
        ratio = f"{statistics.median(serial) / statistics.median(walls):.2f}x" if serial else "–"
        same = all(r["kpis"] == ref["kpis"] and r["pairs"] == ref["pairs"] for r in rs)
        lines.append(f"| {mode} | {rs[0]['procs']} | {rs[0]['runs']} | {len(rs)} | {_med(walls)} | {ratio} | "
                     f"{_med([r['sum_solve_s'] for r in rs])} | {_med([r['overhead_per_run_s'] for r in rs])} | "
                     f"{_med([r['process_overhead_per_run_s'] for r in rs])} | "
                     f"{_med([r['cluster_s'] for r in rs])} | {'yes' if same else 'NO'} |")
    return "\n".join(lines)


def facts(repo: Path) -> dict:
    def git(*args):
        r = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
        return r.stdout.strip()

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "unknown") if Path("/proc/cpuinfo").exists() else "unknown"
    return {"repo": str(repo), "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted": git("status", "--porcelain", "--", "matcher").splitlines(), "cpu": cpu,
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "python": sys.version.split()[0], "loadavg_at_start": list(os.getloadavg()),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", type=Path, default=HERE.parent, help="the matcher checkout to run (default: this one)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--set", dest="sets", action="append", help=f"default: {' '.join(DEFAULT_SETS)}")
    ap.add_argument("--scenario", type=Path, help="default: the Da Nang default (the embedded scenario)")
    ap.add_argument("--out", type=Path, help="write the records (JSON) here")
    ap.add_argument("--keep", type=Path, help="keep the sweep folders under this folder (default: removed)")
    args = ap.parse_args(argv)
    repo = args.repo.resolve()
    modes = [m for m in args.modes.split(",") if m]
    sets = args.sets or DEFAULT_SETS
    scenario = args.scenario.resolve() if args.scenario else None
    meta = {"facts": facts(repo), "scenario": str(scenario or "Da Nang default"), "sets": sets, "reps": args.reps,
            "procs": args.procs, "modes": modes}
    records: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        work = Path(args.keep).resolve() if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for rep in range(1, args.reps + 1):
            for mode in modes:
                rec = {"rep": rep, **one_sweep(repo, mode, sets, args.procs, work, scenario)}
                records.append(rec)
                print(f"rep {rep} {mode}: exit {rec['exit']}, wall {rec['wall_s']:.1f} s"
                      + (f", sum solve {rec['sum_solve_s']:.1f} s" if rec["exit"] == 0 else f"\n{rec.get('stderr')}"),
                      file=sys.stderr, flush=True)
                if args.out:
                    args.out.write_text(json.dumps({**meta, "records": records}, indent=1), encoding="utf-8")
    f = meta["facts"]
    print(f"Sweep benchmark: matcher {f['commit']} ({repo}), {f['cpu']}, {f['cpus_usable']} CPUs usable, "
          f"Python {f['python']}, load at start {', '.join(f'{v:.2f}' for v in f['loadavg_at_start'])}; "
          f"{meta['scenario']}, --set {' --set '.join(sets)}; {args.reps} repetitions, medians (min–max).\n")
    print(table(records, modes))
    return 0 if all(r["exit"] == 0 for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
