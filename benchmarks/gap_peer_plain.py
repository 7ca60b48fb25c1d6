"""Peers: the plain GAP model in CP-SAT and in SCIP (both bundled with OR-Tools), outside matcher's engine.

Binary ``x[i][j]``; every job on exactly one agent; ``sum_j a[i][j] x[i][j] <= b[i]``;
``sum c[i][j] x[i][j]`` minimised (or maximised). CP-SAT's proof is exact; SCIP is told
``limits/gap = 0`` and ``limits/absgap = 0.999`` (integer costs), so "optimal" means the same
for all solvers here. Both single-threaded. Used by ``gap_orlib.py --peers``; run alone:

    python benchmarks/gap_peer_plain.py FILE [--problem K] [--sense max] [--time-limit 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from matcher.io.orlib import GapInstance, read_gap


def _row(inst: GapInstance, sense: str, solver: str, status: str, value, bound, wall: float, cpu: float) -> dict:
    return {"instance": inst.name, "sense": sense, "solver": solver, "status": status, "objective": value,
            "bound": bound, "seconds": wall, "cpu_seconds": cpu}


def solve_cpsat(inst: GapInstance, sense: str, time_limit: float, seed: int = 0) -> dict:
    """The plain model in CP-SAT, one worker."""
    wall, cpu = time.perf_counter(), time.process_time()
    md = cp_model.CpModel()
    x = [[md.new_bool_var(f"x{i}_{j}") for j in range(inst.n)] for i in range(inst.m)]
    for j in range(inst.n):
        md.add_exactly_one(x[i][j] for i in range(inst.m))
    for i in range(inst.m):
        md.add(cp_model.LinearExpr.weighted_sum(x[i], inst.load[i]) <= inst.capacity[i])
    obj = cp_model.LinearExpr.weighted_sum([v for row in x for v in row], [c for row in inst.cost for c in row])
    md.maximize(obj) if sense == "max" else md.minimize(obj)
    s = cp_model.CpSolver()
    s.parameters.num_workers, s.parameters.random_seed = 1, seed
    s.parameters.max_time_in_seconds = time_limit
    code = s.solve(md)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    status = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible"}.get(
        code, "unknown")
    return _row(inst, sense, "CP-SAT plain", status, s.objective_value if found else None,
                s.best_objective_bound if found else None, time.perf_counter() - wall, time.process_time() - cpu)


def solve_scip(inst: GapInstance, sense: str, time_limit: float) -> dict:
    """The plain model in SCIP (pywraplp), exact gap."""
    wall, cpu = time.perf_counter(), time.process_time()
    s = pywraplp.Solver.CreateSolver("SCIP")
    x = [[s.BoolVar(f"x{i}_{j}") for j in range(inst.n)] for i in range(inst.m)]
    for j in range(inst.n):
        row = s.RowConstraint(1, 1, "")
        for i in range(inst.m):
            row.SetCoefficient(x[i][j], 1)
    for i in range(inst.m):
        row = s.RowConstraint(-s.infinity(), inst.capacity[i], "")
        for j in range(inst.n):
            row.SetCoefficient(x[i][j], inst.load[i][j])
    obj = s.Objective()
    for i in range(inst.m):
        for j in range(inst.n):
            obj.SetCoefficient(x[i][j], inst.cost[i][j])
    obj.SetMaximization() if sense == "max" else obj.SetMinimization()
    s.SetSolverSpecificParametersAsString("limits/gap = 0\nlimits/absgap = 0.999\n")
    s.SetTimeLimit(int(time_limit * 1000))
    code = s.Solve()
    found = code in (s.OPTIMAL, s.FEASIBLE)
    status = {s.OPTIMAL: "optimal", s.FEASIBLE: "feasible", s.INFEASIBLE: "infeasible"}.get(code, "unknown")
    value = None
    if found:  # the plan's own cost, in integers (SCIP's objective carries float noise)
        value = float(sum(inst.cost[i][j] for i in range(inst.m) for j in range(inst.n)
                          if x[i][j].solution_value() > 0.5))
    bound = value if status == "optimal" else obj.BestBound() if found else None
    return _row(inst, sense, "SCIP plain", status, value, bound, time.perf_counter() - wall, time.process_time() - cpu)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--problem", type=int, default=None)
    ap.add_argument("--sense", choices=("min", "max"), default="min")
    ap.add_argument("--time-limit", type=float, default=10.0)
    args = ap.parse_args(argv)
    insts = read_gap(args.file)
    for inst in insts if args.problem is None else [insts[args.problem - 1]]:
        for f in (solve_cpsat, solve_scip):
            print(json.dumps(f(inst, args.sense, args.time_limit)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
