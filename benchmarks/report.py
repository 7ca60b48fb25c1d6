"""The markdown report of ``run.py``: machine facts, the Da Nang tables, the random family
tables, the checks, every run, the commands. Pure formatting of the run records."""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import statistics
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

STAGES = ("balance", "shortfall", "distance")
MIN_RUNS = 5
TARGET_WALL_S = 2.0
PEERS = ("peer-cpsat-plain", "peer-highs-mip", "peer-scip-plain")


# ---- machine -------------------------------------------------------------------------------


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


def _git(repo: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=10).stdout.rstrip("\n")
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_facts(repo: Path) -> dict:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    dirty = _git(repo, "status", "--porcelain", "--", "matcher", "benchmarks")
    return {
        "cpu": _cpu_model(), "logical_cpus": os.cpu_count(), "cpus_usable": affinity, "ram": _ram_gib(),
        "os": platform.platform(), "python": f"{platform.python_version()} ({sys.executable})",
        "ortools": _pkg("ortools"), "highspy": _pkg("highspy"),
        "commit": _git(repo, "rev-parse", "--short", "HEAD") or "unknown",
        "uncommitted": [ln[3:] for ln in dirty.splitlines()],
        "loadavg_at_start": [round(v, 2) for v in os.getloadavg()],
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# ---- figures -------------------------------------------------------------------------------


def stage(rec: dict, name: str) -> dict | None:
    return next((s for s in rec.get("stages") or [] if s.get("name") == name), None)


def n_optimal(rec: dict) -> int:
    return sum(1 for s in rec.get("stages") or [] if s.get("status") == "optimal")


def plan_cov(rec: dict) -> float | None:
    """The plan's smallest coverage, recomputed by check_plan (else as reported)."""
    f = (rec.get("check") or {}).get("figures")
    if f:
        return f["balance"]
    return (rec.get("final") or {}).get("min_coverage")


def fmt(v, digits: int) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.{digits}f}"


def med(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def stage_cell(s: dict | None) -> str:
    if not s:
        return "–"
    digits = {"balance": 4, "shortfall": 1, "distance": 1}[s["name"]]
    return f"{s['status']} {fmt(s.get('value'), digits)} / {fmt(s.get('bound'), digits)}, {fmt(s.get('seconds'), 1)} s"


# ---- sections ------------------------------------------------------------------------------


def _danang_table(name: str, recs: list[dict], solvers: list[str]) -> list[str]:
    L = ["| case | runs | median wall s | min | max | ratio to matcher | stages proven optimal "
         "| min coverage | shortfall | distance km | bounds (balance / shortfall / distance) |",
         "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"]
    walls = {s: [r["wall_s"] for r in recs if r["solver"] == s] for s in solvers}
    ref = med(walls.get("matcher", []))
    for s in solvers:
        rs = [r for r in recs if r["solver"] == s]
        if not rs:
            continue
        last, m = rs[-1], med(walls[s])
        f = last.get("final") or {}
        bounds = " / ".join(fmt((stage(last, st) or {}).get("bound"), d)
                            for st, d in zip(STAGES, (4, 1, 1), strict=True))
        ratio = "1.00 (reference)" if s == "matcher" else (f"{m / ref:.2f}" if ref else "n/a")
        full = sum(n_optimal(r) == 3 for r in rs)
        opt = f"3/3 in {full}/{len(rs)} runs"
        if full < len(rs):
            opt += f" (worst run {min(n_optimal(r) for r in rs)}/3)"
        errors = sum(r.get("status") in ("error", "timeout") for r in rs)
        if errors:
            opt += f"; {errors} failed"
        L.append(f"| {s} | {len(rs)} | {fmt(m, 2)} | {fmt(min(walls[s]), 2)} | {fmt(max(walls[s]), 2)} | {ratio} "
                 f"| {opt} | {fmt(plan_cov(last), 4)} | {fmt(f.get('total_shortfall'), 1)} "
                 f"| {fmt(f.get('total_distance_km'), 1)} | {bounds} |")
    L.append("")
    m_recs = [r for r in recs if r["solver"] == "matcher"]
    if m_recs:
        full = sum(n_optimal(r) == 3 for r in m_recs)
        mw = med(r["wall_s"] for r in m_recs)
        if name == "danang-default":
            met = len(m_recs) >= MIN_RUNS and full == len(m_recs) and mw <= TARGET_WALL_S
            L.append(f"Target (all stages optimal in every run, median <= {TARGET_WALL_S:g} s over >= {MIN_RUNS} "
                     f"runs): **{'met' if met else 'not met'}** (median {mw:.2f} s, {full}/{len(m_recs)} runs proven).")
        else:
            bal = sum((stage(r, "balance") or {}).get("status") == "optimal" for r in m_recs)
            met = len(m_recs) >= MIN_RUNS and full == len(m_recs) and max(r["wall_s"] for r in m_recs) <= 60
            L.append(f"Target (proven in <= 60 s): **{'met' if met else 'not met'}**: all stages proven in "
                     f"{full}/{len(m_recs)} runs, balance in {bal}/{len(m_recs)}; median wall {mw:.2f} s.")
        L.append("")
    return L


def _family_row(s: str, rs: list[dict], ref: float | None) -> str:
    covs = [plan_cov(r) for r in rs]
    cov = med(covs)
    bal = [stage(r, "balance") or {} for r in rs]
    proven = [b for b in bal if b.get("status") == "optimal"]
    ttp = med(b.get("seconds") for b in proven)
    ratio = "1.00" if s == "matcher" else (f"{ref / cov:.3f}" if ref is not None and cov else "–")
    short, dist = stage(rs[-1], "shortfall"), stage(rs[-1], "distance")
    return (f"| {s} | {len(rs)} | {fmt(cov, 4)} | {fmt(med(b.get('bound') for b in bal), 4)} "
            f"| {len(proven)}/{len(rs)} | {fmt(ttp, 1) if proven else '–'} | {stage_cell(short)} | {stage_cell(dist)} "
            f"| {fmt(med(r['wall_s'] for r in rs), 1)} | {ratio} |")


def _family(records: list[dict], names: list[str], solvers: list[str]) -> list[str]:
    L = ["## Random family (benchmarks/random_family.py)", "",
         "Min coverage is the plan's smallest coverage recomputed from its pairs by check_plan.py (median over "
         "runs); bound is the balance stage's upper bound; proven = balance stage optimal; time to proof = the "
         "balance stage's seconds when proven. Ratio = matcher's min coverage / the solver's (> 1: matcher better).",
         "", "| instance | matcher min coverage (bound) | proven | best peer (min coverage) | matcher / best peer |",
         "|---|---|---:|---|---:|"]
    for n in names:
        recs = [r for r in records if r["instance"] == n]
        mr = [r for r in recs if r["solver"] == "matcher"]
        mc = med(plan_cov(r) for r in mr)
        mb = med((stage(r, "balance") or {}).get("bound") for r in mr)
        pr = sum((stage(r, "balance") or {}).get("status") == "optimal" for r in mr)
        peers = [(med(plan_cov(r) for r in recs if r["solver"] == p), p) for p in PEERS
                 if any(r["solver"] == p for r in recs)]
        peers = [(c, p) for c, p in peers if c is not None]
        best = max(peers, default=None)
        ratio = f"{mc / best[0]:.3f}" if best and mc is not None and best[0] else "–"
        L.append(f"| {n} | {fmt(mc, 4)} ({fmt(mb, 4)}) | {pr}/{len(mr)} "
                 f"| {f'{best[1]} {best[0]:.4f}' if best else '–'} | {ratio} |")
    for n in names:
        recs = [r for r in records if r["instance"] == n]
        ref = med(plan_cov(r) for r in recs if r["solver"] == "matcher")
        L += ["", f"### {n}", "",
              "| solver | runs | min coverage | balance bound | balance proven | time to proof s | shortfall "
              "| distance | wall s | matcher / solver |", "|---|---:|---:|---:|---:|---:|---|---|---:|---:|"]
        L += [_family_row(s, [r for r in recs if r["solver"] == s], ref) for s in solvers
              if any(r["solver"] == s for r in recs)]
    L.append("")
    return L


def render(facts: dict, args, records: list[dict], meta: dict, notes: list[str], complete: bool,
           props: list[str] = ()) -> str:
    insts = list(meta["instances"])
    solvers = list(meta["solvers"])
    L: list[str] = ["# Benchmark results", ""]
    if notes:
        L += [f"> **CHECKS FAILED: {len(notes)} violation(s)** (wrong plans or claims; see *Checks*). "
              "The figures below are not trustworthy until they are explained.", ""]
    dan = [n for n in insts if meta["instances"][n]["group"] == "danang"]
    fam = [n for n in insts if meta["instances"][n]["group"] == "family"]
    n_dan = min((sum(1 for r in records if r["case"] == c) for c in meta["commands"] if c.split("/")[0] in dan),
                default=MIN_RUNS)
    why = [f"{n_dan} run(s) per Da Nang case (< {MIN_RUNS})"] if dan and n_dan < MIN_RUNS else []
    if not complete:
        why.append("session incomplete (interrupted or still running)")
    if why:
        L += [f"> **Not a measurement:** {'; '.join(why)}. Medians below are not valid figures for the target.", ""]
    unc = ", ".join(facts["uncommitted"]) or "none"
    L += ["## Machine", "",
          f"- CPU: {facts['cpu']}",
          f"- Cores: {facts['logical_cpus']} logical, {facts['cpus_usable']} usable by this process",
          f"- RAM: {facts['ram']}", f"- OS: {facts['os']}", f"- Python: {facts['python']}",
          f"- ortools {facts['ortools']}, highspy {facts['highspy']}",
          f"- Commit: {facts['commit']}; uncommitted changes under matcher/ or benchmarks/: {unc}",
          f"- Load average at start: {' '.join(map(str, facts['loadavg_at_start']))}",
          f"- Date: {facts['date']}",
          f"- Settings: --runs {args.runs} (Da Nang), --family-runs {args.family_runs}, --time-limit "
          f"{args.time_limit:g} for every command (all stages; each peer splits it itself, balance first with 60 % "
          "of what is left after the build, shortfall half the rest, distance the rest); runs round-robin", ""]
    for n in dan:
        L += [f"## {n}: {meta['instances'][n]['what']}", "",
              "Wall time is the whole command (fresh interpreter, imports, model build, three stages, output files "
              "for matcher). Ratio = case median / matcher median (same session). Values and bounds are from the "
              "last run; min coverage recomputed from the plan.", ""]
        L += _danang_table(n, [r for r in records if r["instance"] == n], solvers)
    if fam:
        L += _family(records, fam, solvers)
    L += ["## Checks", ""]
    L += [f"- **VIOLATION** {n}" for n in notes] if notes else [
        f"No violations in {len(records)} run(s): every plan keeps the rules (pairs allowed, partner bounds, "
        "locked kept, forbidden absent, no staff counted twice), matcher's files agree with the KPIs recomputed "
        "from them, every stage reports its plan's figure, and no plan of any solver beats a claimed optimum "
        "or a reported bound on the same instance."]
    L += [""] + ([f"- **PROPERTY NOT MET** (issue 8 point 1, relaxing a rule never worsens the plan): {n}"
                  for n in props] or ["Relaxation property (danang-split2 against danang-default's proven optimum): "
                                      "held in every run, or not measurable in this session."])
    L += ["", "## Per run", "", "Each stage cell: status value / bound, stage seconds.", "",
          "| case | run | wall s | exit | min coverage (plan) | balance | shortfall | distance | note |",
          "|---|---:|---:|---:|---:|---|---|---|---|"]
    for r in sorted(records, key=lambda r: (insts.index(r["instance"]), solvers.index(r["solver"]), r["run"])):
        cells = " | ".join(stage_cell(stage(r, st)) for st in STAGES)
        note = (r.get("error") or "").replace("|", "\\|").replace("\n", " ")
        L.append(f"| {r['case']} | {r['run']} | {r['wall_s']:.2f} | {r.get('returncode')} | {fmt(plan_cov(r), 4)} "
                 f"| {cells} | {note} |")
    L += ["", "## Commands", ""]
    for case, argv in meta["commands"].items():
        argv = ["python", *argv[1:]]
        argv = [a.replace(str(Path(__file__).resolve().parent), "benchmarks") for a in argv]
        solver = case.split("/", 1)[1]
        last = [r for r in records if r["case"] == case][-1:] or [{}]
        used = last[0].get("solver_name") or ""
        if last[0].get("solver_params"):
            used += " " + ", ".join(f"{k}={v}" for k, v in last[0]["solver_params"].items())
        used = f" (last run: {used.strip()})" if used.strip() else ""
        L.append(f"- `{case}`: `{' '.join(argv)}` – {meta['solvers'][solver]}{used}")
    L += ["", "## How to reproduce", "", "```sh", "cd <repo root>",
          "pip install highspy            # once; ortools comes with matcher",
          f"python benchmarks/run.py --runs {args.runs} --family-runs {args.family_runs} "
          f"--time-limit {args.time_limit:g}" + "".join(f" --instances {i}" for i in args.instances)
          + "".join(f" --solvers {s}" for s in args.solvers), "```", "",
          "Run it on an otherwise idle machine. Family scenario paths above are in a temporary folder: "
          "`python benchmarks/random_family.py DIR` writes the same files. Raw per-run records are in "
          f"`{Path(args.out).with_suffix('.json').name}` next to this file. See `benchmarks/README.md`.", ""]
    return "\n".join(L)


def progress_line(r: dict, i: int, n: int) -> str:
    st = " ".join(f"{s['name']}={s['status']}:{fmt(s.get('value'), 4 if s['name'] == 'balance' else 1)}"
                  for s in r.get("stages") or [])
    err = f" [{r['error'][:160]}]" if r.get("error") else ""
    bad = len((r.get("check") or {}).get("violations") or [])
    chk = f" VIOLATIONS: {bad}" if bad else ""
    return f"[{r['case']} {i}/{n}] {r['wall_s']:.2f} s {r.get('status')} {st}{err}{chk}"


def kept_sections(out: Path) -> str:
    """Sections written by other harnesses or by hand into the same file, kept as they are:
    ``maps`` (benchmarks/maps.py) and ``notes`` (what was tried, issue 8)."""
    if not out.exists():
        return ""
    text = out.read_text(encoding="utf-8")
    kept = ""
    for name in ("notes", "maps"):
        begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        if begin in text and end in text:
            kept += "\n" + text[text.index(begin): text.index(end) + len(end)] + "\n"
    return kept
