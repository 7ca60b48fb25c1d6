"""Peer: the plain lexicographic model in CP-SAT, written independently of matcher.engine.stages.

``python benchmarks/peer_cpsat_plain.py [--time-limit 60] [--scenario S.toml] [--lowland-max-partners N]
[--workers os.cpu_count()] [--seed 0]``

The model of ``plain_model.py`` with integer ``y``, the balance ratio as an integer ``T``
in ``[0, 10000]`` (``10000 * sum y_r >= N_r * T``) and distance in integer metres
(``round(km * 1000)``). The stages share ``--time-limit`` as ``plain_model.stage_budget``
says (balance first, with most of it); all cores by default, no solution hints carried
between stages (a plain baseline). Prints one JSON line, the same shape as ``peer_highs.py``.

Never imports highspy or matcher.engine.stages.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from ortools.sat.python import cp_model
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

SCALE = 10_000

_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "model_invalid",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_instance_args(ap)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    t_build = time.perf_counter()
    p = build_plain(load_instance(args.scenario, args.lowland_max_partners))
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{k}") for k in range(len(p.cands))]
    y = [m.new_int_var(0, ub, f"y{j}") for j, (_, _, ub) in enumerate(p.ykeys)]
    for k, c in enumerate(p.cands):
        if c.locked:
            m.add(x[k] == 1)
    for j, (k, _, ub) in enumerate(p.ykeys):
        m.add(y[j] <= ub * x[k])
    for idx, supply in p.staff_rows:
        m.add(sum(y[j] for j in idx) <= supply)
    for idx, need in p.need_rows:
        m.add(sum(y[j] for j in idx) <= need)
    for idx, lo, hi in p.partner_rows:
        m.add_linear_constraint(sum(x[k] for k in idx), lo, hi)
    for idx, loads, cap in p.capacity_rows:
        m.add(sum(w * x[k] for k, w in zip(idx, loads, strict=True)) <= cap)
    t = m.new_int_var(0, SCALE, "T")
    if p.needy:
        for ri in p.needy:
            m.add(SCALE * sum(y[j] for j in p.covered[ri]) >= p.total_need[ri] * t)
    else:
        m.add(t == SCALE)
    N = p.n_total_need
    shortfall = N - sum(y)
    metres = [round(c.km * 1000) for c in p.cands]
    distance = sum(w * xk for w, xk in zip(metres, x, strict=True))
    build_seconds = time.perf_counter() - t_build

    exprs = {"balance": t, "shortfall": shortfall, "distance": distance}
    conv = {"balance": lambda v: v / SCALE, "shortfall": float, "distance": lambda v: v / 1000}
    stages: list[dict] = []
    final = plan = None
    t_solve = time.perf_counter()
    for name in STAGES:
        if name == "balance":
            m.maximize(exprs[name])
        else:
            m.minimize(exprs[name])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = args.workers
        solver.parameters.random_seed = args.seed
        solver.parameters.max_time_in_seconds = stage_budget(name, args.time_limit, t_build, time.perf_counter())
        t0 = time.perf_counter()
        code = solver.solve(m)
        secs = time.perf_counter() - t0
        status = _STATUS[code]
        if status not in ("optimal", "feasible"):
            stages.append({"name": name, "status": status, "value": None, "bound": None,
                           "seconds": round(secs, 3)})
            break
        raw = round(solver.objective_value)
        stages.append({"name": name, "status": status, "value": conv[name](raw),
                       "bound": conv[name](solver.best_objective_bound), "seconds": round(secs, 3)})
        xv, yv = [solver.value(v) for v in x], [solver.value(v) for v in y]
        final, plan = plan_values(p, xv, yv), plan_rows(p, xv, yv)
        if name == "balance":
            m.add(t >= raw)
        elif name == "shortfall":
            m.add(shortfall <= raw)
    solve_seconds = time.perf_counter() - t_solve

    from importlib.metadata import version

    emit(f"OR-Tools CP-SAT {version('ortools')}", stages, final, build_seconds, solve_seconds, {
        "n_x": len(x), "n_y": len(y), "workers": args.workers, "seed": args.seed,
        "imports_ok": "highspy" not in sys.modules and "matcher.engine.stages" not in sys.modules,
    }, plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
