"""Peer: the generalized assignment problem as a MIP in HiGHS (highspy), one problem per run.

``python benchmarks/gap_peer_highs.py FILE [--problem K] [--sense min|max] [--time-limit 60] [--threads 1]``

The model is the GAP itself, the same one matcher's engine solves (``matcher.io.orlib``
maps it onto the twinning model): binary ``x[i][j]``, ``sum_i x[i][j] = 1`` for every job,
``sum_j a[i][j] x[i][j] <= b[i]`` for every agent, objective ``sum c[i][j] x[i][j]``
(minimised, or maximised with ``--sense max``). HiGHS's ``mip_rel_gap`` is set to 0 and
``mip_abs_gap`` to 0.999 (costs are integers), so "optimal" is an exact proof, as matcher's
is. Prints one JSON line per problem: ``instance``, ``sense``, ``status``, ``objective``,
``bound``, ``gap`` (|objective - bound| / |objective|), ``seconds`` (HiGHS run time, model
passed in as arrays), ``solver``.

Runs in its own process: highspy cannot share one with ortools. This file imports only
``matcher.io.orlib`` (pure Python) and never ortools.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import highspy
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from matcher.io.orlib import GapInstance, read_gap


def solve_highs(inst: GapInstance, sense: str, time_limit: float, threads: int = 1, seed: int = 0) -> dict:
    """Solve one GAP in HiGHS within ``time_limit`` seconds; the outcome as a dict (see module doc)."""
    m, n = inst.m, inst.n
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)  # integer costs: a bound within 1 of the value proves it
    start = time.perf_counter()
    cost = np.array(inst.cost, dtype=float).ravel()  # column i*n + j is x[i][j]
    load = np.array(inst.load, dtype=float).ravel()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = m * n, n + m
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(m * n)
    lp.col_upper_ = np.ones(m * n)
    lp.row_lower_ = np.concatenate([np.ones(n), np.full(m, -highspy.kHighsInf)])
    lp.row_upper_ = np.concatenate([np.ones(n), np.array(inst.capacity, dtype=float)])
    lp.sense_ = highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize
    # Column-wise matrix: column i*n + j has a 1 in job row j and a[i][j] in agent row n + i.
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * m * n + 1, 2, dtype=np.int32)
    rows = np.empty(2 * m * n, dtype=np.int32)
    rows[0::2] = np.tile(np.arange(n, dtype=np.int32), m)
    rows[1::2] = n + np.repeat(np.arange(m, dtype=np.int32), n)
    vals = np.empty(2 * m * n)
    vals[0::2], vals[1::2] = 1.0, load
    lp.a_matrix_.index_, lp.a_matrix_.value_ = rows, vals
    lp.integrality_ = [highspy.HighsVarType.kInteger] * (m * n)
    h.passModel(lp)
    h.run()
    seconds = time.perf_counter() - start
    info = h.getInfo()
    ms = h.getModelStatus()
    has_plan = info.primal_solution_status == 2
    value = bound = gap = None
    if has_plan:
        x = np.array(h.getSolution().col_value).reshape(m, n)
        chosen = x.argmax(axis=0)  # the agent of each job
        value = float(sum(inst.cost[chosen[j]][j] for j in range(n)))
        used = [sum(inst.load[i][j] for j in range(n) if chosen[j] == i) for i in range(m)]
        if any(round(x[chosen[j], j]) != 1 for j in range(n)) or any(
                u > b for u, b in zip(used, inst.capacity, strict=True)):
            raise SystemExit(f"{inst.name}: HiGHS returned a plan that breaks a constraint")
    if ms == highspy.HighsModelStatus.kOptimal:
        status, bound, gap = "optimal", value, 0.0
    elif ms == highspy.HighsModelStatus.kInfeasible:
        status = "infeasible"
    else:
        status = "feasible" if has_plan else "unknown"
        b = info.mip_dual_bound
        if abs(b) < highspy.kHighsInf:
            bound = float(b)
            if value is not None:
                gap = abs(value - bound) / max(1e-9, abs(value))
    return {"instance": inst.name, "sense": sense, "m": m, "n": n, "status": status, "objective": value,
            "bound": bound, "gap": gap, "seconds": seconds, "time_limit": time_limit, "threads": threads,
            "solver": f"HiGHS {h.version()}"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--problem", type=int, default=None, help="1-based problem of the file; default all")
    ap.add_argument("--sense", choices=("min", "max"), default="min")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per problem")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    insts = read_gap(args.file)
    if args.problem is not None:
        insts = [insts[args.problem - 1]]
    for inst in insts:
        print(json.dumps(solve_highs(inst, args.sense, args.time_limit, args.threads)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
