"""Records and markdown tables of ``clusters_bench.py`` (issue 12). Pure formatting.

The JSON file holds ``sessions`` (machine facts and options of each invocation) and ``records``
(one per run and solver, ``session`` = its invocation). Saving replaces the records of every
(instance, solver) pair the new invocation ran and keeps the others, so the matcher rows can be
rerun alone; the tables say which session each row comes from (compare rows of one session).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

TARGET_S = {"haiphong": 30.0, "provinces": 10.0, "rotation": 1.0}
WITHIN_BP = 100  # "within 1 %": the found deviation at most 1 percentage point of the mean above the bound


def save(path: Path, facts: dict, records: list[dict], options: dict) -> None:
    old = json.loads(path.read_text()) if path.exists() else {"sessions": [], "records": []}
    sid = len(old["sessions"])
    ran = {(r["instance"], r["solver"]) for r in records}
    kept = [r for r in old["records"] if (r["instance"], r["solver"]) not in ran]
    opts = {k: str(v) for k, v in options.items()}
    data = {"sessions": [*old["sessions"], {"id": sid, "facts": facts, "options": opts}],
            "records": kept + [dict(r, session=sid) for r in records]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def _f(v, spec=".2f") -> str:
    return "–" if v is None else format(v, spec)


def _s(v) -> str:
    """Seconds: two decimals, four below 0.1 s."""
    return "–" if v is None else format(v, ".4f" if v < 0.1 else ".2f")


def _ratio(v, ref) -> str:
    if v is None or not ref:
        return "–"
    r = v / ref
    return format(r, ".2f" if r >= 0.1 else ".2g")


def _dev_ratio(bp, ref) -> str:
    """The solver's largest deviation over matcher's (> 1: matcher's plan is better balanced)."""
    if bp is None or ref is None:
        return "–"
    return "∞" if ref == 0 and bp else "1.00" if ref == bp else format(bp / ref, ".2f")


def _dev_stage(rec: dict) -> dict | None:
    st = next((s for s in rec.get("stages") or [] if s["name"] == "deviation"), None)
    if st is not None:
        return st
    if "objective" in rec or "bound" in rec:  # the HiGHS peer
        return {"name": "deviation", "status": rec.get("status"), "value": rec.get("objective"),
                "bound": rec.get("bound"), "gap": rec.get("gap")}
    bp = (rec.get("check") or {}).get("max_dev_bp")  # a heuristic: its recomputed value, no bound
    return None if bp is None else {"name": "deviation", "status": rec.get("status"), "value": bp, "bound": None}


def one_line(rec: dict) -> str:
    c = rec.get("check") or {}
    st = _dev_stage(rec)
    dev = f" dev {_f(st.get('value'), '.0f')}/{_f(st.get('bound'), '.0f')} bp" if st else ""
    return (f"{_s(rec.get('wall_s'))} s, {rec.get('status')}{dev}, max dev {_f(c.get('max_dev_pct'))} %, "
            f"{'valid' if c.get('valid') else 'INVALID ' + '; '.join(c.get('problems', []))}")


def _stages_cell(rec: dict) -> str:
    out = []
    for s in rec.get("stages") or []:
        out.append(f"{s['name']} {s['status']} {_f(s['value'], '.0f')} / {_f(s['bound'], '.0f')} "
                   f"({_f(s['seconds'], '.1f')} s)")
    return "; ".join(out) or "–"


def _sizes(c: dict) -> str:
    sizes = c.get("sizes") or []
    return f"{min(sizes)}–{max(sizes)} ({len(sizes)})" if sizes else "–"


def _table(name: str, recs: list[dict]) -> list[str]:
    solvers = list(dict.fromkeys(r["solver"] for r in recs))
    walls = {s: [r["wall_s"] for r in recs if r["solver"] == s and r.get("wall_s") is not None] for s in solvers}
    ref = statistics.median(walls["matcher"]) if walls.get("matcher") else None
    ref_session = next((r.get("session") for r in recs if r["solver"] == "matcher"), None)
    budget = recs[0].get("budget_s")
    lines = [f"### {name} (budget {_f(budget, 'g')} s)", "",
             "| solver | session | runs | median wall s | min | max | ratio to matcher | status | "
             "deviation value / bound (bp of mean) | value − bound (pp) | gap | largest deviation % | "
             "deviation ratio to matcher | sizes min–max (k) | valid runs |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---|---:|"]
    m_last = next((r for r in reversed(recs) if r["solver"] == "matcher"), None)
    m_bp = ((m_last or {}).get("check") or {}).get("max_dev_bp")
    for s in solvers:
        rs = [r for r in recs if r["solver"] == s]
        last, w = rs[-1], walls[s]
        med = statistics.median(w) if w else None
        st = _dev_stage(last) or {}
        v, b = st.get("value"), st.get("bound")
        diff = None if v is None or b is None else (v - b) / 100
        c = last.get("check") or {}
        valid = sum(bool((r.get("check") or {}).get("valid")) for r in rs)
        ratio = "1.00 (reference)" if s == "matcher" else _ratio(med, ref)
        if s != "matcher" and ref is not None and last.get("session") != ref_session:
            ratio += " (other session)"
        lines.append(f"| {s} | {last.get('session', '–')} | {len(rs)} | {_s(med)} | {_s(min(w) if w else None)} | "
                     f"{_s(max(w) if w else None)} | {ratio} | {last.get('status')} | "
                     f"{_f(v, '.0f')} / {_f(b, '.0f')} | {_f(diff)} | {_f(st.get('gap'), '.3f')} | "
                     f"{_f(c.get('max_dev_pct'))} | {_dev_ratio(c.get('max_dev_bp'), m_bp)} | {_sizes(c)} | "
                     f"{valid}/{len(rs)} |")
    m = [r for r in recs if r["solver"] == "matcher"]
    if m:
        lines += ["", f"matcher stages (last run): {_stages_cell(m[-1])}"]
        target = TARGET_S["haiphong" if name.startswith("haiphong") else "provinces"]
        met = []
        for r in m:
            st = _dev_stage(r) or {}
            found = [v for v in (st.get("value"), (r.get("check") or {}).get("max_dev_bp")) if v is not None]
            close = st.get("status") == "optimal" or (
                bool(found) and st.get("bound") is not None and min(found) - st["bound"] <= WITHIN_BP)
            ok = (r.get("check") or {}).get("valid") and r["wall_s"] <= target and close
            met.append(bool(ok))
        lines.append(f"Target (valid, deviation proven or within 1 percentage point of its bound, <= {target:g} s): "
                     f"**{'met' if all(met) else 'not met'}** in {sum(met)}/{len(met)} runs.")
    for r in recs:
        if (r.get("check") or {}).get("note"):
            lines.append(f"- note: {r['solver']} run {r['run']}: {r['check']['note']}")
    bad = [r for r in recs if not (r.get("check") or {}).get("valid")]
    for r in bad[:8]:
        lines.append(f"- invalid: {r['solver']} run {r['run']}: {'; '.join((r.get('check') or {}).get('problems', []))}"
                     f" {r.get('status') if str(r.get('status', '')).startswith('error') else ''}".rstrip())
    return [*lines, ""]


def markdown(data: dict) -> str:
    out = []
    for sess in data["sessions"]:
        f = sess["facts"]
        out.append(f"- session {sess['id']}: {f.get('cpu')}, {f.get('cpus_usable')} usable of {f.get('logical_cpus')} "
                   f"CPUs, {f.get('ram')}, Python {(f.get('python') or '?').split()[0]}, ortools {f.get('ortools')}, "
                   f"highspy {f.get('highspy')}, commit {f.get('commit')} (uncommitted under matcher/ or benchmarks/: "
                   f"{', '.join(f.get('uncommitted') or []) or 'none'}), matcher from {f.get('matcher_from')}, "
                   f"load {' '.join(map(str, f.get('loadavg_at_start', [])))}, {f.get('date')}; options "
                   f"runs={sess['options'].get('runs')} budget={sess['options'].get('budget')} "
                   f"solvers={sess['options'].get('solvers')}")
    out.append("")
    recs = data["records"]
    for name in dict.fromkeys(r["instance"] for r in recs if r["part"] in ("a", "b")):
        out += _table(name, [r for r in recs if r["instance"] == name])
    rot = [r for r in recs if r["part"] == "c"]
    if rot:
        w = [r["wall_s"] for r in rot]
        ok = all(r["check"]["valid"] for r in rot)
        out += ["### rotation: 15 Hải Phòng clusters x 2026..2030, one deputy, default rules", "",
                "| case | session | runs | median s | min | max | terms | rules checked | target <= 1 s |",
                "|---|---:|---:|---:|---:|---:|---:|---|---|",
                f"| matcher rotate | {rot[-1]['session']} | {len(rot)} | {statistics.median(w):.4f} | {min(w):.4f} | "
                f"{max(w):.4f} | {rot[-1]['terms']} | {'all hold' if ok else 'VIOLATED'} | "
                f"{'met' if ok and statistics.median(w) <= 1 else 'not met'} |", "",
                f"clusters from: {rot[-1].get('source')}", ""]
    return "\n".join(out)
