"""A lower-bound probe for the Hải Phòng partition (issue 12): is there any plan whose every cluster is
within ±D of the mean? One-off experiment, not part of the engine.

    python benchmarks/clusters_columns_probe.py 0.01 [0.02 ...]

Enumerates every connected set of 6..9 units (shared-border graph) whose population is within ±D of the
mean cluster total (ESU rule: each set once, pruned when the total passes mean·(1+D)), then asks CP-SAT
(one worker, 60 deterministic seconds) for 15 of them covering every unit exactly once, minimising the
largest deviation. INFEASIBLE proves the deviation optimum of the full problem is above D; a plan found
is a plan of the full problem (then its value is the optimum over plans within ±D, i.e. the optimum
when it is <= D). Prints the candidate count, the status and the times.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clusters_instances import haiphong, index_adjacency

BP = 10_000


def candidates(adj, pop, k, lo, hi, d):
    """Every connected set of lo..hi units with total within ±d of the mean: (members, total), each once
    (rooted at its lowest unit; the engine's enumeration)."""
    from matcher.engine.clusters_search import connected_sets

    t = sum(pop)
    upper, lower = t / k * (1 + d), t / k * (1 - d)
    found = []
    for root in range(len(adj)):
        above = [[x for x in adj[u] if x > root] for u in range(len(adj))]
        for part, (tot,) in connected_sets(root, above.__getitem__, hi, lambda u: [pop[u]],
                                           lambda tot: tot[0] <= upper):
            if len(part) >= lo and tot >= lower:
                found.append((part, tot))
    return found


def probe(d: float) -> None:
    from ortools.sat.python import cp_model

    inst = haiphong()
    adj, pop, k, lo, hi = index_adjacency(inst), list(inst["population"]), inst["k"], inst["lo"], inst["hi"]
    t0 = time.perf_counter()
    cols = candidates(adj, pop, k, lo, hi, d)
    t1 = time.perf_counter()
    m = cp_model.CpModel()
    x = [m.new_bool_var("") for _ in cols]
    cover = [[] for _ in adj]
    for j, (members, _) in enumerate(cols):
        for u in members:
            cover[u].append(x[j])
    for lits in cover:
        m.add_exactly_one(lits)
    total = sum(pop)
    dev = m.new_int_var(0, BP, "dev")
    for j, (_, tot) in enumerate(cols):
        m.add(dev >= -(-BP * abs(k * tot - total) // total)).only_enforce_if(x[j])
    m.minimize(dev)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers, solver.parameters.max_deterministic_time = 1, 60.0
    status = solver.solve(m)
    value = solver.objective_value if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    print(f"D = {d:.2%}: {len(cols)} candidate clusters ({t1 - t0:.1f} s), {solver.status_name(status)}"
          f"{'' if value is None else f' largest deviation {value:.0f} bp'} "
          f"({time.perf_counter() - t1:.1f} s, {solver.response_proto.deterministic_time:.1f} deterministic s)")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["0.01"]:
        probe(float(arg))
