"""Benchmark harness: matcher on the embedded Da Nang default against two plain peer models.

    python benchmarks/run.py [--runs 5] [--time-limit 60] [--out benchmarks/RESULTS.md]
                             [--only NAME[,NAME...]]

Every run of every case is a fresh interpreter (``subprocess.run``), so ortools and
highspy never share a process and every run pays its own imports. Wall time is
``time.perf_counter()`` around the whole command. Runs go round-robin (run 1 of every case,
then run 2, ...) so that drift in machine load hits every case alike.

Writes ``--out`` (markdown) and, next to it, the raw per-run records as ``.json``; both
are rewritten after every round so an interrupted session keeps what it measured.
This process never imports ortools, highspy or matcher.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STAGES = ("balance", "shortfall", "distance")
MIN_RUNS = 5  # the target is a median of 5
TARGET_WALL_S = 2.0
# Two stage values agree within these (matcher's balance resolution is 1/10 000; distance
# is integer metres in the CP-SAT models and a 1e-6 relative gap in HiGHS).
TOL = {"balance": 1.01e-4, "shortfall": 1e-3, "distance": 0.05}
TOL_REL = {"balance": 0.0, "shortfall": 0.0, "distance": 2e-6}
SENSE = {"balance": "max", "shortfall": "min", "distance": "min"}


# ---- cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    kind: str  # "matcher" (reads <out>/summary.json) or "peer" (reads the JSON stdout line)
    extra: tuple[str, ...] = ()
    script: str | None = None

    def argv(self, time_limit: float, out_dir: Path) -> list[str]:
        tl = f"{time_limit:g}"
        if self.kind == "matcher":
            return [sys.executable, "-m", "matcher", "solve", "--out", str(out_dir), "--quiet",
                    "--time-limit", tl, *self.extra]
        return [sys.executable, str(HERE / self.script), "--time-limit", tl, *self.extra]


CASES = {
    c.name: c
    for c in (
        Case("matcher-default", "matcher CLI on the embedded default, the scenario's own solver "
             "settings (workers, seed from scenario.toml)", "matcher"),
        Case("matcher-default-2workers", "matcher CLI, --workers 2 (parallel CP-SAT, not reproducible)",
             "matcher", ("--workers", "2")),
        Case("peer-highs-mip", "plain MIP, HiGHS, continuous y, 2 threads", "peer",
             script="peer_highs.py"),
        Case("peer-cpsat-plain", "plain model, CP-SAT, integer y, 2 workers, no hints", "peer",
             script="peer_cpsat_plain.py"),
    )
}
REFERENCE = "matcher-default"


def _tail(text: str, n: int = 600) -> str:
    text = (text or "").strip()
    return text if len(text) <= n else "..." + text[-n:]


def run_once(case: Case, time_limit: float, timeout: float) -> dict:
    out_dir = Path(tempfile.mkdtemp(prefix=f"bench-{case.name}-"))
    argv = case.argv(time_limit, out_dir)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    rec: dict = {"case": case.name, "argv": [Path(a).name if a == sys.executable else a for a in argv]}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        rec.update(wall_s=time.perf_counter() - t0, returncode=None, status="timeout",
                   stages=[], final=None, error=f"killed after {timeout:g} s; {_tail(str(e.stderr or ''))}")
        shutil.rmtree(out_dir, ignore_errors=True)
        return rec
    rec["wall_s"] = time.perf_counter() - t0
    rec["returncode"] = proc.returncode
    try:
        rec.update(_parse(case, proc, out_dir))
    except Exception as e:  # a broken case is a result, not a crash of the harness
        rec.update(status="error", stages=[], final=None,
                   error=f"{type(e).__name__}: {e}; stderr: {_tail(proc.stderr)}")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return rec


def _parse(case: Case, proc: subprocess.CompletedProcess, out_dir: Path) -> dict:
    if case.kind == "matcher":
        path = out_dir / "summary.json"
        if not path.exists():  # exit 3 infeasible, 4 no solution: nothing is written
            status = {3: "infeasible", 4: "unknown"}.get(proc.returncode, "error")
            return {"status": status, "stages": [], "final": None,
                    "error": f"exit {proc.returncode}, no summary.json; {_tail(proc.stderr)}"}
        s = json.loads(path.read_text(encoding="utf-8"))
        return {
            "status": s["status"],
            "stages": [{k: st.get(k) for k in ("name", "status", "value", "bound", "seconds")}
                       for st in s["stages"]],
            "final": {"min_coverage": s.get("min_coverage"), "total_shortfall": s.get("total_shortfall"),
                      "total_distance_km": s.get("total_distance_km"), "n_pairs": s.get("n_pairs")},
            "solve_seconds": s.get("solve_seconds"),
            "solver": s.get("solver"),
            "solver_params": s.get("solver_params"),
        }
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"exit {proc.returncode}, no JSON line")
    d = json.loads(lines[-1])
    out = {k: d.get(k) for k in ("status", "stages", "final", "solve_seconds", "build_seconds",
                                  "solver", "imports_ok", "y_integral_equivalent")}
    if d.get("imports_ok") is False:
        out["error"] = "peer imported a forbidden module (ortools/highspy/matcher.engine.stages)"
    return out


# ---- machine ---------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 ** 2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.rstrip("\n")
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_facts() -> dict:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    dirty = _git("status", "--porcelain", "--", "matcher", "benchmarks")
    return {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "cpus_usable": affinity,
        "ram": _ram_gib(),
        "os": platform.platform(),
        "python": f"{platform.python_version()} ({sys.executable})",
        "ortools": _pkg("ortools"),
        "highspy": _pkg("highspy"),
        "commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "uncommitted": [ln[3:] for ln in dirty.splitlines()],
        "loadavg_at_start": [round(v, 2) for v in os.getloadavg()],
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# ---- summary ---------------------------------------------------------------------------


def _stage(rec: dict, name: str) -> dict | None:
    return next((s for s in rec.get("stages") or [] if s.get("name") == name), None)


def _n_optimal(rec: dict) -> int:
    return sum(1 for s in rec.get("stages") or [] if s.get("status") == "optimal")


def all_optimal(rec: dict) -> bool:
    return _n_optimal(rec) == len(STAGES)


def summarise(name: str, recs: list[dict]) -> dict:
    walls = [r["wall_s"] for r in recs]
    return {
        "case": name,
        "runs": len(recs),
        "median": statistics.median(walls) if walls else math.nan,
        "min": min(walls, default=math.nan),
        "max": max(walls, default=math.nan),
        "runs_all_optimal": sum(all_optimal(r) for r in recs),
        "worst_optimal": min((_n_optimal(r) for r in recs), default=0),
        "errors": sum(r.get("status") in ("error", "timeout") for r in recs),
        "last": recs[-1] if recs else None,
    }


def _fmt(v, digits: int) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.{digits}f}"


def _tol(name: str, v: float) -> float:
    return TOL[name] + TOL_REL[name] * abs(v)


def _better(name: str, a: float, b: float) -> bool:
    """a is strictly better than b beyond tolerance."""
    t = _tol(name, b)
    return a > b + t if SENSE[name] == "max" else a < b - t


def _same_optimum(a: dict, b: dict, name: str) -> bool:
    sa, sb = _stage(a, name), _stage(b, name)
    return bool(sa and sb and sa["status"] == sb["status"] == "optimal"
                and abs(sa["value"] - sb["value"]) <= _tol(name, sb["value"]))


def consistency(records: list[dict]) -> list[str]:
    """Contradictions between runs and cases on the same data (each points to a bug, or a
    tolerance problem, in one of the models). Stage i is compared only between runs whose
    earlier stages were all proven optimal with equal values."""
    notes: list[str] = []
    usable = [r for r in records if r.get("stages")]
    for r in usable:
        tag = f"{r['case']} run {r['run']}"
        for s in r["stages"]:
            v, b, name = s.get("value"), s.get("bound"), s["name"]
            if v is not None and b is not None and _better(name, v, b):
                notes.append(f"{tag}: {name} value {v:.6g} is better than its own bound {b:.6g}")
        f = r.get("final") or {}
        s1, s2 = _stage(r, "balance"), _stage(r, "shortfall")
        cov, short = f.get("min_coverage"), f.get("total_shortfall")
        v1 = s1.get("value") if s1 else None
        v2 = s2.get("value") if s2 else None
        if None not in (cov, v1) and cov < v1 - _tol("balance", v1):
            notes.append(f"{tag}: final min coverage {cov:.6g} below the balance stage value {v1:.6g}")
        if None not in (short, v2) and short > v2 + _tol("shortfall", v2):
            notes.append(f"{tag}: final shortfall {short:.6g} above the shortfall stage value {v2:.6g}")
    for i, a in enumerate(usable):
        for b in usable[i + 1:]:
            # HiGHS relaxes y to continuous: same optimum only when y-integrality is implied
            if (a.get("y_integral_equivalent") is False) or (b.get("y_integral_equivalent") is False):
                continue
            for k, name in enumerate(STAGES):
                if not all(_same_optimum(a, b, p) for p in STAGES[:k]):
                    break
                sa, sb = _stage(a, name), _stage(b, name)
                if not sa or not sb:
                    break
                ta, tb = f"{a['case']} run {a['run']}", f"{b['case']} run {b['run']}"
                for (x, tx), (y, ty) in (((sa, ta), (sb, tb)), ((sb, tb), (sa, ta))):
                    if x["status"] != "optimal" or x.get("value") is None:
                        continue
                    if y.get("value") is not None and _better(name, y["value"], x["value"]):
                        notes.append(f"{name}: {tx} claims optimal {x['value']:.6g}, but {ty} found "
                                     f"{y['value']:.6g} ({y['status']})")
                    elif y["status"] != "optimal" and y.get("bound") is not None and \
                            _better(name, x["value"], y["bound"]):
                        notes.append(f"{name}: {tx} found optimal {x['value']:.6g}, beyond the "
                                     f"bound {y['bound']:.6g} claimed by {ty}")
    return list(dict.fromkeys(notes))


def _stage_cell(s: dict | None) -> str:
    if not s:
        return "–"
    v, b = s.get("value"), s.get("bound")
    digits = {"balance": 4, "shortfall": 1, "distance": 1}[s["name"]]
    vb = f"{_fmt(v, digits)} / {_fmt(b, digits)}"
    return f"{s['status']} {vb}, {_fmt(s.get('seconds'), 1)} s"


def render(facts: dict, args, records: list[dict], order: list[str], complete: bool) -> str:
    by_case = {n: [r for r in records if r["case"] == n] for n in order}
    sums = {n: summarise(n, rs) for n, rs in by_case.items() if rs}
    ref = sums.get(REFERENCE)
    ref_median = ref["median"] if ref else None
    L: list[str] = ["# Benchmark results", ""]
    n_runs = min((s["runs"] for s in sums.values()), default=0)
    if n_runs < MIN_RUNS or not complete:
        why = [f"{n_runs} run(s) per case (< {MIN_RUNS})"] if n_runs < MIN_RUNS else []
        if not complete:
            why.append("session incomplete (interrupted or still running)")
        L += [f"> **Not a measurement:** {'; '.join(why)}. Medians below are not valid "
              f"figures for the target.", ""]
    unc = ", ".join(facts["uncommitted"]) or "none"
    L += [
        "## Machine", "",
        f"- CPU: {facts['cpu']}",
        f"- Cores: {facts['logical_cpus']} logical, {facts['cpus_usable']} usable by this process",
        f"- RAM: {facts['ram']}",
        f"- OS: {facts['os']}",
        f"- Python: {facts['python']}",
        f"- ortools {facts['ortools']}, highspy {facts['highspy']}",
        f"- Commit: {facts['commit']}; uncommitted changes under matcher/ or benchmarks/: {unc}",
        f"- Load average at start: {' '.join(map(str, facts['loadavg_at_start']))}",
        f"- Date: {facts['date']}",
        f"- Settings: --runs {args.runs}, --time-limit {args.time_limit:g} (whole command budget; "
        f"peers give each stage a third), runs round-robin across cases",
        "",
        "## Summary", "",
        "Wall time is the whole command (fresh interpreter, imports, model build, three stages, "
        "output files for matcher). Ratio = case median / matcher-default median (same session). "
        "Values and bounds are from the last run: final plan's min coverage, total shortfall "
        "and total distance; bounds per stage (balance upper bound, shortfall and distance "
        "lower bounds).",
        "",
        "| case | runs | median wall s | min | max | ratio to matcher-default | stages proven optimal "
        "| min coverage | shortfall | distance km | bounds (balance / shortfall / distance) |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for n, s in sums.items():
        last = s["last"] or {}
        f = last.get("final") or {}
        bounds = " / ".join(
            _fmt((_stage(last, st) or {}).get("bound"), d) for st, d in zip(STAGES, (4, 1, 1), strict=True)
        )
        if ref_median and n == REFERENCE:
            ratio = "1.00 (reference)"
        elif ref_median:
            ratio = f"{s['median'] / ref_median:.2f}"
        else:
            ratio = "n/a"
        opt = f"{len(STAGES)}/{len(STAGES)} in {s['runs_all_optimal']}/{s['runs']} runs"
        if s["runs_all_optimal"] < s["runs"]:
            opt += f" (worst run {s['worst_optimal']}/{len(STAGES)})"
        if s["errors"]:
            opt += f"; {s['errors']} failed"
        L.append(
            f"| {n} | {s['runs']} | {_fmt(s['median'], 2)} | {_fmt(s['min'], 2)} | {_fmt(s['max'], 2)} "
            f"| {ratio} | {opt} | {_fmt(f.get('min_coverage'), 4)} | {_fmt(f.get('total_shortfall'), 1)} "
            f"| {_fmt(f.get('total_distance_km'), 1)} | {bounds} |"
        )
    L += ["", "## Target", ""]
    if ref:
        met = (ref["runs"] >= MIN_RUNS and ref["runs_all_optimal"] == ref["runs"]
               and ref["median"] <= TARGET_WALL_S)
        L.append(
            f"matcher-default: median {ref['median']:.2f} s over {ref['runs']} run(s), all three "
            f"stages proven optimal in {ref['runs_all_optimal']}/{ref['runs']} runs. Target "
            f"(all stages optimal in every run, median <= {TARGET_WALL_S:g} s over >= {MIN_RUNS} "
            f"runs, 2 cores): **{'met' if met else 'not met'}**."
        )
    else:
        L.append("matcher-default was not run in this session (--only).")
    L += ["", "## Consistency", ""]
    notes = consistency(records)
    L += [f"- {n}" for n in notes] if notes else [
        "No contradictions: no run beat another's proven optimum or bound (stage k compared only "
        "where earlier stages were proven optimal with equal values; HiGHS skipped when its "
        "continuous y is a relaxation)."
    ]
    L += ["", "## Per run", "",
          "Each stage cell: status value / bound, stage seconds.", "",
          "| case | run | wall s | exit | balance | shortfall | distance | note |",
          "|---|---:|---:|---:|---|---|---|---|"]
    for r in sorted(records, key=lambda r: (order.index(r["case"]), r["run"])):
        cells = " | ".join(_stage_cell(_stage(r, st)) for st in STAGES)
        note = (r.get("error") or "").replace("|", "\\|").replace("\n", " ")
        L.append(f"| {r['case']} | {r['run']} | {r['wall_s']:.2f} | {r.get('returncode')} | {cells} | {note} |")
    L += ["", "## Commands", ""]
    for n in order:
        c = CASES[n]
        argv = c.argv(args.time_limit, Path("<tmpdir>"))
        argv[0] = "python"
        if c.kind == "peer":
            argv[1] = f"benchmarks/{c.script}"
        last = by_case.get(n, [])[-1:] or [{}]
        used = last[0].get("solver") or ""
        if last[0].get("solver_params"):
            used += " " + ", ".join(f"{k}={v}" for k, v in last[0]["solver_params"].items())
        used = f" (last run: {used.strip()})" if used.strip() else ""
        L.append(f"- `{n}`: `{' '.join(argv)}` – {c.what}{used}")
    L += [
        "", "## How to reproduce", "",
        "```sh",
        "cd <repo root>",
        "pip install highspy            # once; ortools comes with matcher",
        f"python benchmarks/run.py --runs {args.runs} --time-limit {args.time_limit:g}",
        "```",
        "",
        "Run it on an otherwise idle machine (the target is stated for 2 cores). Raw per-run "
        f"records are in `{Path(args.out).with_suffix('.json').name}` next to this file. "
        "See `benchmarks/README.md` for what each case measures.",
        "",
    ]
    return "\n".join(L)


def _progress_line(r: dict, i: int, n: int) -> str:
    st = " ".join(
        f"{s['name']}={s['status']}:{_fmt(s.get('value'), 4 if s['name'] == 'balance' else 1)}"
        for s in r.get("stages") or []
    )
    err = f" [{r['error'][:160]}]" if r.get("error") else ""
    return f"[{r['case']} {i}/{n}] {r['wall_s']:.2f} s {r.get('status')} {st}{err}"


def _kept_sections(out: Path) -> str:
    """Sections other harnesses write into the same file (benchmarks/maps.py), kept as they are."""
    if not out.exists():
        return ""
    text = out.read_text(encoding="utf-8")
    begin, end = "<!-- maps:begin -->", "<!-- maps:end -->"
    if begin not in text or end not in text:
        return ""
    return "\n" + text[text.index(begin): text.index(end) + len(end)] + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help=f"runs per case (>= {MIN_RUNS} for a measurement)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per command (all stages)")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"), help="markdown report")
    ap.add_argument("--only", action="append", default=[],
                    help=f"run only these cases (repeat or comma-separate): {', '.join(CASES)}")
    args = ap.parse_args(argv)
    order = list(CASES)
    if args.only:
        wanted = [w.strip() for o in args.only for w in o.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in CASES]
        if unknown:
            ap.error(f"unknown case(s) {unknown}; known: {', '.join(CASES)}")
        order = [n for n in order if n in wanted]
    if args.runs < 1 or args.time_limit <= 0:
        ap.error("--runs must be >= 1 and --time-limit > 0")
    if args.runs < MIN_RUNS:
        print(f"note: {args.runs} run(s) < {MIN_RUNS}: the report will be marked as not a measurement",
              file=sys.stderr)
    out = Path(args.out)
    raw = out.with_suffix(".json")
    timeout = 4 * args.time_limit + 120
    facts = machine_facts()
    records: list[dict] = []

    def write(complete: bool) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(facts, args, records, order, complete) + _kept_sections(out), encoding="utf-8")
        raw.write_text(json.dumps({"machine": facts, "runs": args.runs, "time_limit": args.time_limit,
                                   "complete": complete, "records": records}, indent=1) + "\n",
                       encoding="utf-8")

    for i in range(1, args.runs + 1):
        for name in order:
            rec = run_once(CASES[name], args.time_limit, timeout)
            rec["run"] = i
            records.append(rec)
            print(_progress_line(rec, i, args.runs), file=sys.stderr, flush=True)
        write(complete=i == args.runs)
    print(f"wrote {out} and {raw}", file=sys.stderr)
    for note in consistency(records):
        print(f"consistency: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
