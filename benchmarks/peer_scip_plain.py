"""Peer: the plain lexicographic model as a MIP in SCIP (through OR-Tools' pywraplp).

``python benchmarks/peer_scip_plain.py [--time-limit 60] [--scenario S.toml] [--lowland-max-partners N]``

The same MIP as ``peer_highs.py`` (``plain_model.py``; ``y`` integer for lowland units that
may split their staff, continuous for the others, where the best split is integral anyway;
balance as a continuous ``t``). SCIP runs single-threaded (the bundled build has no parallel
mode) with a relative and absolute gap of 0 (pywraplp's default relative gap of 1e-4 would
call a gap "optimal") and a wall-clock limit per stage from ``plain_model.stage_budget``
(balance first, with most of ``--time-limit``). Carry-over between stages as in HiGHS:
``t >= t* - 1e-6``, ``shortfall <= s* + 1e-6``. Prints one JSON line, the same shape as the
other peers. Never imports highspy or matcher.engine.stages.
"""

from __future__ import annotations

import argparse
import sys
import time

from ortools.linear_solver import pywraplp
from plain_model import STAGES, add_instance_args, build_plain, emit, load_instance, plan_rows, plan_values
from plain_model import stage_budget as budget

CARRY_EPS = 1e-6
_STATUS = {
    pywraplp.Solver.OPTIMAL: "optimal",
    pywraplp.Solver.FEASIBLE: "feasible",
    pywraplp.Solver.INFEASIBLE: "infeasible",
    pywraplp.Solver.UNBOUNDED: "unbounded",
    pywraplp.Solver.ABNORMAL: "unknown",
    pywraplp.Solver.NOT_SOLVED: "unknown",
    pywraplp.Solver.MODEL_INVALID: "model_invalid",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_instance_args(ap)
    args = ap.parse_args(argv)

    t_build = time.perf_counter()
    p = build_plain(load_instance(args.scenario, args.lowland_max_partners))
    s = pywraplp.Solver.CreateSolver("SCIP")
    if s is None:
        raise SystemExit("SCIP is not available in this OR-Tools build")
    s.SetSolverSpecificParametersAsString("limits/gap = 0\nlimits/absgap = 0\n")
    mp = pywraplp.MPSolverParameters()
    mp.SetDoubleParam(mp.RELATIVE_MIP_GAP, 0.0)
    split = p.problem.splitting
    x = [s.BoolVar(f"x{k}") for k in range(len(p.cands))]
    y = [(s.IntVar if split[p.cands[k].li] else s.NumVar)(0, ub, f"y{j}") for j, (k, _, ub) in enumerate(p.ykeys)]
    for k, c in enumerate(p.cands):
        if c.locked:
            x[k].SetLb(1)
    for j, (k, _, ub) in enumerate(p.ykeys):
        s.Add(y[j] <= ub * x[k])
    for idx, supply in p.staff_rows:
        s.Add(sum(y[j] for j in idx) <= supply)
    for idx, need in p.need_rows:
        s.Add(sum(y[j] for j in idx) <= need)
    for idx, lo, hi in p.partner_rows:
        e = sum(x[k] for k in idx)
        if idx:
            s.Add(e >= lo)
            s.Add(e <= hi)
        elif lo > 0:
            s.Add(s.Sum([]) >= lo)  # an isolated unit with a minimum: infeasible, as in the other peers
    for idx, loads, cap in p.capacity_rows:
        s.Add(sum(w * x[k] for k, w in zip(idx, loads, strict=True)) <= cap)
    t = s.NumVar(0, 1, "t")
    for ri in p.needy:
        s.Add(sum(y[j] for j in p.covered[ri]) >= p.total_need[ri] * t)
    if not p.needy:
        t.SetLb(1)
    N = p.n_total_need
    shortfall = N - s.Sum(y)
    distance = s.Sum([c.km * x[k] for k, c in enumerate(p.cands)])
    build_seconds = time.perf_counter() - t_build

    stages: list[dict] = []
    final = plan = None
    t_solve = time.perf_counter()
    for name in STAGES:
        if name == "balance":
            s.Maximize(t)
        elif name == "shortfall":
            s.Minimize(shortfall)
        else:
            s.Minimize(distance)
        s.SetTimeLimit(max(1, int(1000 * budget(name, args.time_limit, t_build, time.perf_counter()))))
        t0 = time.perf_counter()
        code = s.Solve(mp)
        secs = time.perf_counter() - t0
        status = _STATUS.get(code, "unknown")
        if status not in ("optimal", "feasible"):
            stages.append({"name": name, "status": status, "value": None, "bound": None, "seconds": round(secs, 3)})
            break
        val, bound = s.Objective().Value(), s.Objective().BestBound()
        xv, yv = [v.solution_value() for v in x], [v.solution_value() for v in y]
        final, plan = plan_values(p, xv, yv), plan_rows(p, xv, yv)
        stages.append({"name": name, "status": status, "value": val, "bound": bound, "seconds": round(secs, 3)})
        if name == "balance":
            t.SetLb(max(0.0, val - CARRY_EPS))
        elif name == "shortfall":
            s.Add(shortfall <= val + CARRY_EPS)
    solve_seconds = time.perf_counter() - t_solve

    from importlib.metadata import version

    emit(f"{s.SolverVersion()} (OR-Tools {version('ortools')} pywraplp)", stages, final, build_seconds,
         solve_seconds, {
             "n_x": len(x), "n_y": len(y), "threads": 1, "y_integral_equivalent": True,
             "imports_ok": "highspy" not in sys.modules and "matcher.engine.stages" not in sys.modules,
         }, plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
