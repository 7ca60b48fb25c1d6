"""Correctness checks on every benchmark run: plan invariants, and claims across solvers.

Per plan (matcher's result folder, or a peer's ``plan`` rows), recomputed with ``matcher.kpis``
from the files, never taken from the solver:

* every pair allowed (within the caps / ``pair_within``, not forbidden, or locked), partner
  bounds and capacities held, locked pairs kept, forbidden pairs absent
  (:func:`matcher.kpis.broken_rules`), no pair twice;
* staff never counted twice: per lowland unit and domain the allotments over its pairs sum to at
  most its supply, none negative;
* matcher: the KPIs in ``summary.json`` (min coverage, shortfall, km, pair count) and each remote
  unit's covered need and coverage ratio in ``remote_summary.csv`` equal the recomputed ones;
  a stage's value is the returned plan's figure on it (zero tolerances) and is not better than
  its own bound; an ``optimal`` stage's value meets its bound;
* a peer: its plan gives at least the figures it reports.

Across the runs on one instance (:func:`cross_check`): no plan beats a claimed optimum, and no
plan is beyond a reported bound. A bound of a later stage only holds for plans that keep the
earlier stages' values, so a shortfall bound is tested against plans whose min coverage reaches
the claimer's balance value, a distance bound against plans that also reach its shortfall.

``python benchmarks/check_plan.py RESULT_DIR`` checks one matcher result folder (exit 1 on a
violation). Imports matcher's io and kpis, never a solver.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _p in (HERE, HERE.parent):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from matcher.distance import pair_metrics  # noqa: E402
from matcher.io.resultdir import problem_for_result, read_result_dir, result_from_view  # noqa: E402
from matcher.kpis import broken_rules, covered, kpis, min_ratio  # noqa: E402
from matcher.model import Problem  # noqa: E402
from matcher.result import Pair, Result, Status  # noqa: E402

STAGES = ("balance", "shortfall", "distance")
SENSE = {"balance": "max", "shortfall": "min", "distance": "min"}
# Balance: CP-SAT plain counts the ratio in 1/10 000; summary.json rounds km to 3 decimals and
# matcher's model counts each pair in whole metres (<= 0.5 m per pair).
TOL = {"balance": 1.01e-4, "shortfall": 1e-3, "distance": 0.05}
TOL_REL = {"balance": 0.0, "shortfall": 0.0, "distance": 2e-6}
FEAS = 1e-9  # a plan meets a floor when it is at most this below it


def tol(name: str, v: float, n_pairs: int = 0) -> float:
    extra = 0.0005 * n_pairs if name == "distance" else 0.0
    return TOL[name] + TOL_REL[name] * abs(v) + extra


def better(name: str, a: float, b: float, n_pairs: int = 0) -> bool:
    """a is strictly better than b beyond tolerance."""
    t = tol(name, b, n_pairs)
    return a > b + t if SENSE[name] == "max" else a < b - t


def figures(problem: Problem, result: Result) -> dict:
    """The plan's own figure on each stage (exact min coverage), from its pairs."""
    k = kpis(problem, result)
    dist = k.total_minutes if problem.rules.distance_metric == "minutes" else k.total_distance_km
    return {"balance": float(min_ratio(problem, result.pairs)), "shortfall": float(k.total_shortfall),
            "distance": dist, "n_pairs": k.n_pairs}


def invariants(problem: Problem, result: Result) -> list[str]:
    """Rules a plan breaks and staff counted twice, one line each (empty when it is sound)."""
    out = list(broken_rules(problem, result))
    keys = [(p.lowland_code, p.remote_code) for p in result.pairs]
    out += [f"pair {a}-{b} appears {keys.count((a, b))} times" for a, b in sorted(set(keys)) if keys.count((a, b)) > 1]
    given: dict[tuple[str, str], int] = {}
    for p in result.pairs:
        for d, v in p.allot.items():
            if d not in problem.domains:
                out.append(f"pair {p.lowland_code}-{p.remote_code} allots staff in unknown domain {d!r}")
            elif v < 0:
                out.append(f"pair {p.lowland_code}-{p.remote_code} allots {v} staff in {d}")
            given[p.lowland_code, d] = given.get((p.lowland_code, d), 0) + v
    for (code, d), v in sorted(given.items()):
        supply = problem.unit(code).supply.get(d, 0)
        if v > supply:
            out.append(f"lowland {code} allots {v} staff in {d} over its pairs, but has {supply}: staff counted twice")
    return out


def plan_result(problem: Problem, rows) -> Result:
    """A peer's plan rows ``[lowland, remote, {domain: staff}]`` as a Result (km recomputed)."""
    pairs = []
    for lc, rc, allot in rows or []:
        lo, re = problem.unit(lc), problem.unit(rc)
        km, minutes, source, _ = pair_metrics(problem, lo, re)
        pairs.append(Pair(lc, rc, km, minutes, source, (lc, rc) in problem.locked,
                          {d: int(v) for d, v in allot.items()}))
    return Result(Status.FEASIBLE, (), tuple(pairs), 0.0, "peer")


def _stage_claims(tag: str, stages: list[dict], figs: dict | None, n_pairs: int, own_plan: bool) -> list[str]:
    out = []
    for s in stages or []:
        name, v, b = s.get("name"), s.get("value"), s.get("bound")
        if name not in SENSE or v is None:
            continue
        if b is not None and better(name, v, b, n_pairs):
            out.append(f"{tag}: {name} value {v:.6g} is better than its own bound {b:.6g}")
        if s.get("status") == "optimal" and b is not None and abs(v - b) > tol(name, b, n_pairs):
            out.append(f"{tag}: {name} claims optimal with value {v:.6g} but bound {b:.6g}")
        if figs is not None and own_plan and abs(figs[name] - v) > tol(name, v, n_pairs):
            out.append(f"{tag}: {name} reports {v:.6g}, but the returned plan gives {figs[name]:.6g}")
        elif figs is not None and better(name, v, figs[name], n_pairs) and name != "distance":
            out.append(f"{tag}: {name} reports {v:.6g}, better than its plan's {figs[name]:.6g}")
    return out


def check_result_dir(path: Path, tag: str = "matcher") -> dict:
    """Check one matcher result folder; returns ``violations`` (lines) and ``figures``."""
    view = read_result_dir(Path(path))
    problem, _ = problem_for_result(Path(path))
    result = result_from_view(problem, view)
    figs = figures(problem, result)
    out = [f"{tag}: {m}" for m in invariants(problem, result)]
    s = view.summary
    for key, name in (("min_coverage", "balance"), ("total_shortfall", "shortfall"),
                      ("total_distance_km", "distance")):
        got = s.get(key)
        want = figs[name] if name != "distance" else kpis(problem, result).total_distance_km
        if got is None or abs(float(got) - want) > (1e-4 if name == "balance" else 1e-3 + 1e-9 * abs(want)):
            out.append(f"{tag}: summary.json {key} = {got}, recomputed from the files {want:.6g}")
    if s.get("n_pairs") != figs["n_pairs"]:
        out.append(f"{tag}: summary.json n_pairs = {s.get('n_pairs')}, pairs.csv has {figs['n_pairs']}")
    cov = covered(problem, result.pairs)
    for row in view.remote.to_dict("records"):
        code = str(row["remote_code"])
        if code not in cov:
            continue
        u = problem.unit(code)
        ratio = sum(cov[code].values()) / u.total_need if u.total_need else 1.0
        if abs(float(row["coverage_ratio"]) - ratio) > 5.01e-5:
            out.append(f"{tag}: remote_summary.csv {code} coverage_ratio {row['coverage_ratio']}, "
                       f"recomputed {ratio:.4f}")
        for d in problem.domains:
            col = f"covered_{d}"
            if col in row and int(row[col]) != cov[code][d]:
                out.append(f"{tag}: remote_summary.csv {code} {col} = {row[col]}, recomputed {cov[code][d]}")
    zero_tol = not any(problem.rules.tolerances.values())
    out += _stage_claims(tag, s.get("stages"), figs, figs["n_pairs"], own_plan=zero_tol)
    return {"violations": out, "figures": figs}


def check_peer(problem: Problem, rec: dict, tag: str) -> dict:
    """Check a peer's JSON line: its plan's invariants and that it gives what the peer reports."""
    if not rec.get("plan"):
        return {"violations": [], "figures": None}
    result = plan_result(problem, rec["plan"])
    figs = figures(problem, result)
    out = [f"{tag}: {m}" for m in invariants(problem, result)]
    final = rec.get("final") or {}
    for key, name in (("min_coverage", "balance"), ("total_shortfall", "shortfall"),
                      ("total_distance_km", "distance")):
        if final.get(key) is not None and better(name, final[key], figs[name], figs["n_pairs"]) \
                and name != "distance":
            out.append(f"{tag}: reports {key} {final[key]:.6g}, its plan gives {figs[name]:.6g}")
    out += _stage_claims(tag, rec.get("stages"), figs, figs["n_pairs"], own_plan=False)
    return {"violations": out, "figures": figs}


def cross_check(entries: list[dict]) -> list[str]:
    """Contradictions between runs on one instance. Each entry: ``tag``, ``stages`` (name, status,
    value, bound) and ``figures`` (recomputed from its plan, or None)."""
    out = []
    plans = [(e["tag"], e["figures"]) for e in entries if e.get("figures")]
    for e in entries:
        st = {s["name"]: s for s in e.get("stages") or [] if s.get("name") in SENSE}
        floor: dict[str, float] = {}
        for name in STAGES:
            s = st.get(name)
            if not s or (s.get("value") is None and s.get("bound") is None):
                break
            claim = s.get("value") if s.get("status") == "optimal" else s.get("bound")
            what = "optimum" if s.get("status") == "optimal" else "bound"
            if claim is not None:
                for tag, f in plans:
                    keeps = all((f[p] >= v - FEAS) if SENSE[p] == "max" else (f[p] <= v + FEAS)
                                for p, v in floor.items())
                    if keeps and better(name, f[name], claim, f["n_pairs"]):
                        out.append(f"{name}: {e['tag']} claims {what} {claim:.6g}, but the plan of {tag} "
                                   f"gives {f[name]:.6g}" + (" (keeping the earlier stages)" if floor else ""))
            if s.get("value") is None:
                break
            floor[name] = s["value"]
    return list(dict.fromkeys(out))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bad = 0
    for path in argv:
        res = check_result_dir(Path(path), tag=path)
        for line in res["violations"]:
            print(f"VIOLATION {line}")
        bad += len(res["violations"])
        print(f"{path}: {len(res['violations'])} violation(s); figures {res['figures']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
