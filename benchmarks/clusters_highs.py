"""Peer: the cluster partition model of :mod:`matcher.engine.clusters` as a MIP in HiGHS (highspy).

``python benchmarks/clusters_highs.py INSTANCE.json [--time-limit S] [--threads 1] [--seed 0]``

The same model as the engine's module docstring, deviation stage only, no pins, no types:
``x[i,c]`` binary (unit i in cluster c; ``x[i,c]`` absent for c > i: symmetry), ``r[i,c]`` binary
(root), flow ``f[u,v,c]`` on both directions of every neighbour edge whose two ends may be in c,
``M`` integer (the deviation in basis points of the mean).

  assign      sum_c x[i,c] = 1
  band        lo <= sum_i x[i,c] <= hi
  root        sum_i r[i,c] = 1, r[i,c] <= x[i,c], x[j,c] <= sum_{i<=j} r[i,c]
  symmetry    sum_i i r[i,c] + 1 <= sum_i i r[i,c+1]
  contiguity  f[u,v,c] <= (hi-1) x[u,c], f[u,v,c] <= (hi-1) x[v,c],
              inflow(u,c) - outflow(u,c) >= x[u,c] - hi r[u,c]
  deviation   M >= 10^4 (k S_c / T - 1) and M >= 10^4 (1 - k S_c / T) for every cluster c
              (S_c = sum_i pop_i x[i,c], T the grand total; the engine's T M >= 10^4 |k S_c - T|
              divided by T, which keeps the coefficients near 10^3 instead of 10^10)
  minimise    M

The one difference: the flow is continuous here (integer in CP-SAT). Flow decomposition needs no
integrality, so the feasible partitions are exactly the same. HiGHS has no deterministic time
limit: ``time_limit`` is wall seconds. ``mip_rel_gap`` = 0 and ``mip_abs_gap`` = 0.999 (the
objective is an integer), so "optimal" is a proof, as the engine's.

Prints one JSON line: ``solver``, ``instance``, ``status`` (HiGHS model status), ``objective``
(bp of mean), ``bound`` (mip_dual_bound), ``gap`` (HiGHS mip_gap), ``build_s`` (arrays to
HiGHS), ``solve_s``, ``seconds`` (build + solve), ``clusters`` (code -> cluster, for the
caller's independent check), ``columns``/``rows``/``nonzeros``. Runs in its own process: highspy
and ortools cannot share one; this file imports neither ortools nor anything of ``matcher``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import highspy
import numpy as np

BP = 10_000


class _Builder:
    """Columns and rows of a MIP as arrays, passed to HiGHS once (row-wise matrix)."""

    def __init__(self):
        self.lb, self.ub, self.integer, self.cost = [], [], [], []
        self.row_lo, self.row_hi, self.start, self.index, self.value = [], [], [0], [], []

    def var(self, lb: float, ub: float, integer: bool, cost: float = 0.0) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(integer)
        self.cost.append(cost)
        return len(self.lb) - 1

    def row(self, lo: float, hi: float, terms: dict[int, float]) -> None:
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        for j, a in terms.items():
            if a:
                self.index.append(j)
                self.value.append(float(a))
        self.start.append(len(self.index))

    def lp(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(self.lb), len(self.row_lo)
        lp.col_cost_ = np.array(self.cost, dtype=float)
        lp.col_lower_ = np.array(self.lb, dtype=float)
        lp.col_upper_ = np.array(self.ub, dtype=float)
        lp.row_lower_ = np.array(self.row_lo, dtype=float)
        lp.row_upper_ = np.array(self.row_hi, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(self.start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.value, dtype=float)
        lp.integrality_ = [highspy.HighsVarType.kInteger if t else highspy.HighsVarType.kContinuous
                           for t in self.integer]
        return lp


def build(inst: dict) -> tuple[_Builder, dict]:
    """The MIP of ``inst`` (see the module docstring); returns the builder and the x columns."""
    codes, k, lo, hi = inst["codes"], inst["k"], inst["lo"], inst["hi"]
    n, inf = len(codes), highspy.kHighsInf
    index = {c: i for i, c in enumerate(codes)}
    adj = [sorted({index[v] for v in inst["neighbours"][c] if v in index and v != c}) for c in codes]
    pop = inst["population"]
    total = float(sum(pop))
    b = _Builder()
    x = {(i, c): b.var(0, 1, True) for i in range(n) for c in range(min(k, i + 1))}
    r = {(i, c): b.var(0, 1, True) for (i, c) in x}
    dev = b.var(0, BP * k, True, 1.0)
    for i in range(n):
        b.row(1, 1, {x[i, c]: 1 for c in range(k) if (i, c) in x})
    for c in range(k):
        members = [i for i in range(n) if (i, c) in x]
        b.row(lo, hi, {x[i, c]: 1 for i in members})
        b.row(1, 1, {r[i, c]: 1 for i in members})
        prefix = []
        for j in members:
            b.row(-inf, 0, {r[j, c]: 1, x[j, c]: -1})
            prefix.append(r[j, c])
            terms = {v: -1.0 for v in prefix}
            terms[x[j, c]] = terms.get(x[j, c], 0) + 1
            b.row(-inf, 0, terms)
        if c + 1 < k:  # roots increase with the cluster index
            terms = {r[i, c]: float(i) for i in members}
            for i in range(n):
                if (i, c + 1) in r:
                    terms[r[i, c + 1]] = terms.get(r[i, c + 1], 0) - float(i)
            b.row(-inf, -1, terms)
        cap = hi - 1
        inflow, outflow = {i: [] for i in members}, {i: [] for i in members}
        for u in members:
            for v in adj[u]:
                if (v, c) in x:
                    f = b.var(0, cap, False)
                    b.row(-inf, 0, {f: 1, x[u, c]: -cap})
                    b.row(-inf, 0, {f: 1, x[v, c]: -cap})
                    outflow[u].append(f)
                    inflow[v].append(f)
        for u in members:
            terms = {f: 1.0 for f in inflow[u]}
            for f in outflow[u]:
                terms[f] = terms.get(f, 0) - 1.0
            terms[x[u, c]] = terms.get(x[u, c], 0) - 1.0
            terms[r[u, c]] = terms.get(r[u, c], 0) + float(hi)
            b.row(0, inf, terms)
        share = {x[i, c]: BP * k * pop[i] / total for i in members}
        b.row(-BP, inf, {dev: 1.0, **{j: -a for j, a in share.items()}})  # M >= BP (k S / T - 1)
        b.row(BP, inf, {dev: 1.0, **share})  # M >= BP (1 - k S / T)
    return b, x


def solve(inst: dict, time_limit: float, threads: int = 1, seed: int = 0) -> dict:
    """Build and solve; the outcome as a dict (see the module docstring)."""
    t0 = time.perf_counter()
    b, x = build(inst)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.passModel(b.lp())
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    h.run()
    solve_s = time.perf_counter() - t1
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    has = info.primal_solution_status == 2  # kSolutionStatusFeasible
    clusters = None
    if has:
        col = np.asarray(h.getSolution().col_value)
        clusters = {}
        for (i, c), j in x.items():
            if col[j] > 0.5:
                clusters[inst["codes"][i]] = c
    return {"solver": "highs-mip", "instance": inst["name"], "status": status,
            "objective": float(info.objective_function_value) if has else None,
            "bound": float(info.mip_dual_bound), "gap": float(info.mip_gap) if has else None,
            "build_s": round(build_s, 4), "solve_s": round(solve_s, 4), "seconds": round(build_s + solve_s, 4),
            "time_limit_s": float(time_limit), "limit_kind": "wall (HiGHS has no deterministic limit)",
            "columns": len(b.lb), "rows": len(b.row_lo), "nonzeros": len(b.index), "clusters": clusters,
            "highspy": getattr(highspy, "__version__", None) or _version()}


def _version() -> str | None:
    try:
        from importlib.metadata import version

        return version("highspy")
    except Exception:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance", type=Path)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    inst = json.loads(args.instance.read_text())
    print(json.dumps(solve(inst, args.time_limit, args.threads, args.seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
