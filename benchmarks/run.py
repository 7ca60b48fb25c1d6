"""Benchmark harness: matcher and three plain peer models, in the same run, on the same instances.

    python benchmarks/run.py [--runs 5] [--family-runs 1] [--time-limit 60] [--out benchmarks/RESULTS.md]
                             [--instances danang-default,danang-split2,family] [--solvers NAME,...]
                             [--only CASE,...] [--instances-dir DIR]

Instances: ``danang-default`` (the embedded default), ``danang-split2`` (the same with
``--lowland-max-partners 2``), and the seeded random family of ``random_family.py`` (``family``
= all ten, or single names such as ``rand-3-locked``), written to ``--instances-dir`` (default a
temporary folder, removed at the end). Solvers: ``matcher`` (the CLI), ``matcher-2workers``
(Da Nang default only, unless asked), ``peer-cpsat-plain``, ``peer-highs-mip``,
``peer-scip-plain``. Every peer gets the same ``--time-limit`` as matcher for the whole command
and splits it over the stages itself (``plain_model.stage_budget``: balance first, 60 % of it).

Every run of every case is a fresh interpreter (``subprocess.run``), so ortools and highspy
never share a process and every run pays its own imports. Wall time is ``time.perf_counter()``
around the whole command. Runs go round-robin (run 1 of every case, then run 2, ...); the Da
Nang instances get ``--runs`` runs, the family ``--family-runs``.

After every run ``check_plan.py`` checks the plan (matcher's result folder, a peer's plan
rows): the invariants, and, across the runs on the same instance, that no plan beats a claimed
optimum or a reported bound. Violations are printed and put at the top of the report.

Writes ``--out`` (markdown) and, next to it, the raw per-run records as ``.json``; both are
rewritten after every round. This process imports matcher's io and kpis for the checks, never
ortools or highspy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [p for p in (str(HERE), str(REPO)) if p not in sys.path]

import check_plan  # noqa: E402
import random_family  # noqa: E402
from report import kept_sections, machine_facts, progress_line, render  # noqa: E402

MIN_RUNS = 5  # the target is a median of 5


# ---- instances and solvers ---------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    name: str
    group: str  # "danang" (--runs) or "family" (--family-runs)
    what: str
    scenario: str | None = None  # a scenario.toml; None = the embedded default
    lowland_max_partners: int | None = None


@dataclass(frozen=True)
class Solver:
    name: str
    what: str
    kind: str  # "matcher" (reads <out>/summary.json) or "peer" (reads the JSON stdout line)
    extra: tuple[str, ...] = ()
    script: str | None = None


DANANG = (
    Instance("danang-default", "danang", "embedded Da Nang 2025 default (60 x 33, 15 locked)"),
    Instance("danang-split2", "danang", "the default with --lowland-max-partners 2 (staff splitting)",
             lowland_max_partners=2),
)
FAMILY = tuple(Instance(random_family.name(s), "family", f"random family seed {s} (synthetic staff figures)")
               for s in random_family.SEEDS)
INSTANCES = {i.name: i for i in DANANG + FAMILY}
SOLVERS = {
    s.name: s
    for s in (
        Solver("matcher", "matcher CLI, the scenario's own solver settings (workers, seed)", "matcher"),
        Solver("matcher-2workers", "matcher CLI, --workers 2 (parallel CP-SAT, not reproducible)", "matcher",
               ("--workers", "2")),
        Solver("peer-cpsat-plain", "plain model, CP-SAT, integer y, all cores, no hints", "peer",
               script="peer_cpsat_plain.py"),
        Solver("peer-highs-mip", "plain MIP, HiGHS, y integer where staff splits, all cores", "peer",
               script="peer_highs.py"),
        Solver("peer-scip-plain", "plain MIP, SCIP (pywraplp), gap 0, one thread", "peer",
               script="peer_scip_plain.py"),
    )
}
DEFAULT_SOLVERS = ("matcher", "peer-cpsat-plain", "peer-highs-mip", "peer-scip-plain")


def default_solvers(inst: Instance) -> tuple[str, ...]:
    return ("matcher", "matcher-2workers", *DEFAULT_SOLVERS[1:]) if inst.name == "danang-default" else DEFAULT_SOLVERS


def argv_for(solver: Solver, inst: Instance, time_limit: float, out_dir: Path) -> list[str]:
    tl = f"{time_limit:g}"
    split = ["--lowland-max-partners", str(inst.lowland_max_partners)] if inst.lowland_max_partners else []
    if solver.kind == "matcher":
        target = [inst.scenario] if inst.scenario else []
        return [sys.executable, "-m", "matcher", "solve", *target, "--out", str(out_dir), "--quiet",
                "--time-limit", tl, *split, *solver.extra]
    scen = ["--scenario", inst.scenario] if inst.scenario else []
    return [sys.executable, str(HERE / solver.script), "--time-limit", tl, *scen, *split, *solver.extra]


def case_name(inst: Instance, solver: Solver) -> str:
    return f"{inst.name}/{solver.name}"


# ---- one run -------------------------------------------------------------------------------


def _tail(text: str, n: int = 600) -> str:
    text = (text or "").strip()
    return text if len(text) <= n else "..." + text[-n:]


_PROBLEMS: dict[str, object] = {}


def _problem(inst: Instance):
    if inst.name not in _PROBLEMS:
        from plain_model import load_instance

        _PROBLEMS[inst.name] = load_instance(inst.scenario, inst.lowland_max_partners)
    return _PROBLEMS[inst.name]


def run_once(solver: Solver, inst: Instance, time_limit: float, timeout: float) -> dict:
    out_dir = Path(tempfile.mkdtemp(prefix=f"bench-{inst.name}-{solver.name}-"))
    argv = argv_for(solver, inst, time_limit, out_dir)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    rec: dict = {"case": case_name(inst, solver), "instance": inst.name, "solver": solver.name,
                 "argv": [Path(a).name if a == sys.executable else a for a in argv]}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        rec.update(wall_s=time.perf_counter() - t0, returncode=None, status="timeout", stages=[], final=None,
                   error=f"killed after {timeout:g} s; {_tail(str(e.stderr or ''))}", check=None)
        shutil.rmtree(out_dir, ignore_errors=True)
        return rec
    rec["wall_s"] = time.perf_counter() - t0
    rec["returncode"] = proc.returncode
    try:
        rec.update(_parse(solver, proc, out_dir))
    except Exception as e:  # a broken case is a result, not a crash of the harness
        rec.update(status="error", stages=[], final=None,
                   error=f"{type(e).__name__}: {e}; stderr: {_tail(proc.stderr)}")
    try:
        if solver.kind == "matcher":
            rec["check"] = check_plan.check_result_dir(out_dir, rec["case"]) if (out_dir / "summary.json").exists() \
                else None
        else:
            rec["check"] = check_plan.check_peer(_problem(inst), rec, rec["case"])
    except Exception as e:  # a check that cannot run is a violation, loudly
        rec["check"] = {"violations": [f"{rec['case']}: the check itself failed: {type(e).__name__}: {e}"],
                        "figures": None}
    finally:
        rec.pop("plan", None)
        shutil.rmtree(out_dir, ignore_errors=True)
    return rec


def _parse(solver: Solver, proc: subprocess.CompletedProcess, out_dir: Path) -> dict:
    if solver.kind == "matcher":
        path = out_dir / "summary.json"
        if not path.exists():  # exit 3 infeasible, 4 no solution: nothing is written
            status = {3: "infeasible", 4: "unknown"}.get(proc.returncode, "error")
            return {"status": status, "stages": [], "final": None,
                    "error": f"exit {proc.returncode}, no summary.json; {_tail(proc.stderr)}"}
        s = json.loads(path.read_text(encoding="utf-8"))
        return {
            "status": s["status"],
            "stages": [{k: st.get(k) for k in ("name", "status", "value", "bound", "seconds")} for st in s["stages"]],
            "final": {"min_coverage": s.get("min_coverage"), "total_shortfall": s.get("total_shortfall"),
                      "total_distance_km": s.get("total_distance_km"), "n_pairs": s.get("n_pairs")},
            "solve_seconds": s.get("solve_seconds"),
            "solver_name": s.get("solver"),
            "solver_params": s.get("solver_params"),
        }
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"exit {proc.returncode}, no JSON line")
    d = json.loads(lines[-1])
    out = {k: d.get(k) for k in ("status", "stages", "final", "solve_seconds", "build_seconds", "plan",
                                  "imports_ok", "y_integral_equivalent")}
    out["solver_name"] = d.get("solver")
    out["solver_params"] = {k: d[k] for k in ("workers", "threads", "seed") if k in d}
    if d.get("imports_ok") is False:
        out["error"] = "peer imported a forbidden module (ortools/highspy/matcher.engine.stages)"
    return out


# ---- checks --------------------------------------------------------------------------------


def violations(records: list[dict]) -> list[str]:
    """Every plan invariant broken in any run, and every contradiction between the runs on one
    instance (a plan beating a claimed optimum or a reported bound)."""
    notes: list[str] = []
    for r in records:
        notes += (r.get("check") or {}).get("violations") or []
    for name in dict.fromkeys(r["instance"] for r in records):
        entries = [{"tag": f"{r['solver']} run {r['run']}", "stages": r.get("stages"),
                    "figures": (r.get("check") or {}).get("figures")} for r in records if r["instance"] == name]
        notes += [f"{name}: {n}" for n in check_plan.cross_check(entries)]
    return list(dict.fromkeys(notes))


RELAXED = {"danang-split2": "danang-default"}  # looser instance -> the tighter one it relaxes


def property_notes(records: list[dict]) -> list[str]:
    """Issue 8 point 1 on the benchmark data (not a correctness error): relaxing a rule never worsens
    the plan, so matcher's plan under the looser rules reaches any optimum proven under the tighter."""
    notes = []
    for loose, tight in RELAXED.items():
        proven = [(s or {}).get("value") for r in records if r["instance"] == tight
                  for s in [next((x for x in r.get("stages") or [] if x.get("name") == "balance"), None)]
                  if (s or {}).get("status") == "optimal"]
        if not proven:
            continue
        best = max(v for v in proven if v is not None)
        for r in records:
            f = (r.get("check") or {}).get("figures")
            if r["instance"] == loose and r["solver"].startswith("matcher") and f \
                    and f["balance"] < best - check_plan.TOL["balance"]:
                notes.append(f"{loose}: {r['solver']} run {r['run']} plan's min coverage {f['balance']:.4f} is below "
                             f"the proven optimum {best:.4f} of {tight}, whose plan is valid under the looser rule")
    return notes


# ---- main ----------------------------------------------------------------------------------


def _split(items: list[str]) -> list[str]:
    return [w.strip() for o in items for w in o.split(",") if w.strip()]


def plan_cases(ap, args) -> list[tuple[Instance, Solver]]:
    wanted = _split(args.instances) or ["danang-default", "danang-split2", "family"]
    names: list[str] = []
    for w in wanted:
        if w == "family":
            names += [i.name for i in FAMILY]
        elif w in INSTANCES:
            names.append(w)
        else:
            ap.error(f"unknown instance {w!r}; known: family, {', '.join(INSTANCES)}")
    solvers = _split(args.solvers)
    unknown = [s for s in solvers if s not in SOLVERS]
    if unknown:
        ap.error(f"unknown solver(s) {unknown}; known: {', '.join(SOLVERS)}")
    cases = [(INSTANCES[n], SOLVERS[s]) for n in dict.fromkeys(names)
             for s in (solvers or default_solvers(INSTANCES[n]))]
    only = _split(args.only)
    if only:
        known = {case_name(i, s) for i, s in cases}
        bad = [o for o in only if o not in known]
        if bad:
            ap.error(f"unknown case(s) {bad}; known: {', '.join(sorted(known))}")
        cases = [(i, s) for i, s in cases if case_name(i, s) in only]
    return cases


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help=f"runs per Da Nang case (>= {MIN_RUNS} for a measurement)")
    ap.add_argument("--family-runs", type=int, default=1, help="runs per random-family case")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per command (all stages)")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"), help="markdown report")
    ap.add_argument("--instances", action="append", default=[],
                    help="danang-default, danang-split2, family, or rand-<seed>-... names (comma-separate)")
    ap.add_argument("--solvers", action="append", default=[], help=f"solvers: {', '.join(SOLVERS)}")
    ap.add_argument("--only", action="append", default=[], help="only these INSTANCE/SOLVER cases")
    ap.add_argument("--instances-dir", default=None, help="where the family is written (default: a temp folder)")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.family_runs < 1 or args.time_limit <= 0:
        ap.error("--runs and --family-runs must be >= 1 and --time-limit > 0")
    cases = plan_cases(ap, args)
    inst_dir = Path(args.instances_dir) if args.instances_dir else Path(tempfile.mkdtemp(prefix="bench-family-"))
    for k, (inst, solver) in enumerate(cases):
        if inst.group == "family":
            seed = next(s for s in random_family.SEEDS if random_family.name(s) == inst.name)
            toml = inst_dir / inst.name / "scenario.toml"
            if not toml.exists():
                random_family.write(seed, inst_dir)
            cases[k] = (replace(inst, scenario=str(toml)), solver)
    runs_of = {"danang": args.runs, "family": args.family_runs}
    if any(runs_of[i.group] < MIN_RUNS for i, _ in cases if i.group == "danang"):
        print(f"note: {args.runs} run(s) < {MIN_RUNS}: the report will be marked as not a measurement",
              file=sys.stderr)
    out = Path(args.out)
    raw = out.with_suffix(".json")
    kept = kept_sections(out)
    timeout = 4 * args.time_limit + 120
    facts = machine_facts(REPO)
    records: list[dict] = []
    meta = {"instances": {i.name: {"what": i.what, "group": i.group} for i, _ in cases},
            "solvers": {s.name: s.what for _, s in cases},
            "commands": {case_name(i, s): argv_for(s, i, args.time_limit, Path("<tmpdir>")) for i, s in cases}}

    def write(complete: bool) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(facts, args, records, meta, violations(records), complete, property_notes(records))
                       + kept, encoding="utf-8")
        raw.write_text(json.dumps({"machine": facts, "runs": args.runs, "family_runs": args.family_runs,
                                   "time_limit": args.time_limit, "complete": complete, "records": records},
                                  indent=1) + "\n", encoding="utf-8")

    n_rounds = max(runs_of[i.group] for i, _ in cases)
    try:
        for i in range(1, n_rounds + 1):
            for inst, solver in cases:
                n = runs_of[inst.group]
                if i > n:
                    continue
                rec = run_once(solver, inst, args.time_limit, timeout)
                rec["run"] = i
                records.append(rec)
                print(progress_line(rec, i, n), file=sys.stderr, flush=True)
            write(complete=i == n_rounds)
    finally:
        if not args.instances_dir:
            shutil.rmtree(inst_dir, ignore_errors=True)
    print(f"wrote {out} and {raw}", file=sys.stderr)
    notes = violations(records)
    for note in notes:
        print(f"VIOLATION: {note}", file=sys.stderr)
    for note in property_notes(records):
        print(f"PROPERTY NOT MET: {note}", file=sys.stderr)
    return 1 if notes else 0


if __name__ == "__main__":
    sys.exit(main())
