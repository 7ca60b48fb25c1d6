"""Peer: the plain lexicographic model as a MIP in HiGHS (highspy).

``python benchmarks/peer_highs.py [--time-limit 60] [--scenario S.toml] [--lowland-max-partners N]
[--threads os.cpu_count()]``

Builds the model of ``plain_model.py``, ``y`` integer for lowland units that may split their
staff and continuous for the others (for them the best split is integral whatever pairs are
chosen, so the model is exact), solves the three stages within ``--time-limit`` as
``plain_model.stage_budget`` shares it, and prints one JSON line: ``status``, ``stages`` (name,
status, value, bound, seconds), ``final`` (min_coverage, total_shortfall, total_distance_km
of the last plan), ``plan``, ``solver``, ``build_seconds``, ``solve_seconds``.

Never imports ortools or matcher.engine.stages.

Optimality: HiGHS's default ``mip_rel_gap`` is 1e-4, looser than CP-SAT's exact proof on
integer objectives; here ``mip_rel_gap = mip_abs_gap = 1e-6`` so that "optimal" means the
same thing (distance ~5 m on ~5000 km, about matcher's 1 m per pair resolution).
Carry-over between stages: ``t >= t* - 1e-6`` and ``shortfall <= s* + 1e-6`` (feasibility
tolerance; distinct coverage ratios differ by far more than 1e-6 on this data).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import highspy
import numpy as np
from plain_model import (
    STAGES,
    add_instance_args,
    build_plain,
    emit,
    load_instance,
    plan_rows,
    plan_values,
    stage_budget,
)

GAP = 1e-6
CARRY_EPS = 1e-6


def _status(h: highspy.Highs) -> str:
    ms = h.getModelStatus()
    M = highspy.HighsModelStatus
    if ms == M.kOptimal:
        return "optimal"
    if ms in (M.kInfeasible,):
        return "infeasible"
    info = h.getInfo()
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        return "feasible"
    return "unknown"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_instance_args(ap)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)

    t_build = time.perf_counter()
    p = build_plain(load_instance(args.scenario, args.lowland_max_partners))
    nx, ny = len(p.cands), len(p.ykeys)
    ix = lambda k: k  # noqa: E731
    iy = lambda j: nx + j  # noqa: E731
    it = nx + ny
    ncol = nx + ny + 1

    inf = highspy.kHighsInf
    col_lo = np.zeros(ncol)
    col_hi = np.ones(ncol)
    for k, c in enumerate(p.cands):
        if c.locked:
            col_lo[ix(k)] = 1.0
    for j, (_, _, ub) in enumerate(p.ykeys):
        col_hi[iy(j)] = ub

    rows_lo, rows_hi, starts, index, value = [], [], [], [], []

    def row(idx, coef, lo, hi):
        starts.append(len(index))
        index.extend(idx)
        value.extend(coef)
        rows_lo.append(lo)
        rows_hi.append(hi)

    for j, (k, _, ub) in enumerate(p.ykeys):  # link: y - ub x <= 0
        row([iy(j), ix(k)], [1.0, -float(ub)], -inf, 0.0)
    for idx, supply in p.staff_rows:
        row([iy(j) for j in idx], [1.0] * len(idx), -inf, float(supply))
    for idx, need in p.need_rows:
        row([iy(j) for j in idx], [1.0] * len(idx), -inf, float(need))
    for idx, lo, hi in p.partner_rows:
        row([ix(k) for k in idx], [1.0] * len(idx), float(lo), float(hi))
    for idx, loads, cap in p.capacity_rows:
        row([ix(k) for k in idx], [float(w) for w in loads], -inf, float(cap))
    for ri in p.needy:  # balance: sum y_r - N_r t >= 0
        idx = p.covered[ri]
        row([iy(j) for j in idx] + [it], [1.0] * len(idx) + [-float(p.total_need[ri])], 0.0, inf)
    shortfall_row = len(rows_lo)  # sum y >= N - s*  (free until stage 3)
    row([iy(j) for j in range(ny)], [1.0] * ny, -inf, inf)

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", args.threads)
    h.setOptionValue("mip_rel_gap", GAP)
    h.setOptionValue("mip_abs_gap", GAP)
    h.setOptionValue("random_seed", 0)
    h.addCols(ncol, np.zeros(ncol), col_lo, col_hi, 0, np.array([], dtype=np.int32),
              np.array([], dtype=np.int32), np.array([], dtype=np.float64))
    h.addRows(len(rows_lo), np.array(rows_lo), np.array(rows_hi), len(index),
              np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.array(value))
    ints = list(range(nx)) + [iy(j) for j, (k, _, _) in enumerate(p.ykeys) if p.problem.splitting[p.cands[k].li]]
    integer = np.array([highspy.HighsVarType.kInteger] * len(ints))
    h.changeColsIntegrality(len(ints), np.array(ints, dtype=np.int32), integer)
    build_seconds = time.perf_counter() - t_build

    N = float(p.n_total_need)
    stages: list[dict] = []
    final = plan = None
    t_solve = time.perf_counter()
    for name in STAGES:
        cost = np.zeros(ncol)
        if name == "balance":
            if not p.needy:  # every remote unit is fully covered
                h.changeColBounds(it, 1.0, 1.0)
            cost[it] = 1.0
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
            h.changeObjectiveOffset(0.0)
        elif name == "shortfall":
            cost[nx:nx + ny] = -1.0
            h.changeObjectiveSense(highspy.ObjSense.kMinimize)
            h.changeObjectiveOffset(N)
        else:
            for k, c in enumerate(p.cands):
                cost[ix(k)] = c.km
            h.changeObjectiveSense(highspy.ObjSense.kMinimize)
            h.changeObjectiveOffset(0.0)
        h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), cost)
        h.setOptionValue("time_limit", stage_budget(name, args.time_limit, t_build, time.perf_counter()))
        t0 = time.perf_counter()
        h.run()
        secs = time.perf_counter() - t0
        status = _status(h)
        if status not in ("optimal", "feasible"):
            stages.append({"name": name, "status": status, "value": None, "bound": None,
                           "seconds": round(secs, 3)})
            break
        info = h.getInfo()
        val = float(info.objective_function_value)
        bound = float(info.mip_dual_bound)
        sol = np.asarray(h.getSolution().col_value)
        final, plan = plan_values(p, sol[:nx], sol[nx:nx + ny]), plan_rows(p, sol[:nx], sol[nx:nx + ny])
        stages.append({"name": name, "status": status, "value": val, "bound": bound,
                       "seconds": round(secs, 3)})
        if name == "balance":
            h.changeColBounds(it, max(0.0, val - CARRY_EPS), 1.0)
        elif name == "shortfall":
            h.changeRowBounds(shortfall_row, N - val - CARRY_EPS, inf)
    solve_seconds = time.perf_counter() - t_solve

    emit(f"HiGHS {h.version()}", stages, final, build_seconds, solve_seconds, {
        "n_x": nx, "n_y": ny, "n_rows": len(rows_lo), "threads": args.threads,
        "y_integral_equivalent": True,  # y is integer wherever staff may be split
        "imports_ok": "ortools" not in sys.modules and "matcher.engine.stages" not in sys.modules,
    }, plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
