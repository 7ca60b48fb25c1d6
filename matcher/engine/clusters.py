r"""Partition units into contiguous, balanced clusters (issue 12) on CP-SAT.

Formulation
-----------
Units :math:`i = 0..n-1` (in the order given), clusters :math:`c = 0..k-1`, adjacency
edges :math:`E` (symmetric; arcs :math:`A` = both directions of every edge), band
:math:`[lo, hi]`. When ``k`` is not given it is chosen by the rule
:math:`k = \mathrm{round}(2n / (lo + hi))` clamped to the feasible range
:math:`[\lceil n/hi \rceil, \lfloor n/lo \rfloor]` (the cluster count nearest the mid-band size).

Variables: :math:`x_{ic} \in \{0,1\}` (unit in cluster), :math:`r_{ic} \in \{0,1\}`
(unit is the cluster's root), :math:`f_{uvc} \in \{0..hi-1\}` (flow on arc inside cluster),
:math:`t_{c\tau}` (cluster holds type :math:`\tau`, with ``separate_types``),
:math:`h_{ic}` (host, stage 3) and :math:`a_{ij}` (unit :math:`i`'s host is :math:`j`, stage 3).

Constraints:
  assign      :math:`\sum_c x_{ic} = 1`
  band        :math:`lo \le \sum_i x_{ic} \le hi`
  root        :math:`\sum_i r_{ic} = 1`, :math:`r_{ic} \le x_{ic}`,
              :math:`x_{jc} \le \sum_{i \le j} r_{ic}` (so the root is the lowest-index member)
  symmetry    (only without pins) :math:`x_{ic} = 0` for :math:`c > i` and
              :math:`\sum_i i\,r_{ic} + 1 \le \sum_i i\,r_{i,c+1}` (clusters ordered by their roots)
  contiguity  single-commodity flow per cluster from its root:
              :math:`f_{uvc} \le (hi-1)\,x_{uc}`, :math:`f_{uvc} \le (hi-1)\,x_{vc}` and
              :math:`\sum_{(v,u)} f_{vuc} - \sum_{(u,v)} f_{uvc} \ge x_{uc} - hi\,r_{uc}`:
              every non-root member absorbs one unit of flow that can only travel on arcs
              between members, so (flow decomposition) it is reached by a path from the root
              inside its cluster — the cluster's induced subgraph is connected. Conversely a
              spanning tree of a connected cluster carries such a flow, so nothing is cut off.
  types       :math:`\sum_\tau t_{c\tau} = 1`, :math:`x_{ic} \le t_{c,\tau(i)}`
  pins        :math:`x_{i,p(i)} = 1`

Objectives, lexicographic (each stage keeps the earlier stages' values as constraints):
  1. ``deviation``: the largest deviation of a cluster's total from the mean total, over the
     balanced attributes, in basis points of the mean (1 bp = 0.01 %): the least integer
     :math:`M` with :math:`T_a M \ge 10^4 |k S_{ac} - T_a|` (:math:`S_{ac}` the cluster's total,
     :math:`T_a` the grand total; exact integer arithmetic).
  2. ``spread``: the largest (max - min) of cluster totals, same unit:
     :math:`T_a R \ge 10^4 k (\max_c S_{ac} - \min_c S_{ac})`.
  3. ``compactness``: the sum over units of the distance (integer metres, given) to their
     cluster's host, the host chosen among the members (p-median links :math:`a_{ij}`, only
     for pairs within ``hi - 1`` adjacency hops when contiguity is on: farther units cannot
     share a contiguous cluster), :math:`\sum_j a_{ij} = 1`, :math:`a_{ij} \le \sum_c h_{jc}`,
     :math:`a_{ij} \Rightarrow x_{jc} \ge x_{ic}`, :math:`\sum_i h_{ic} = 1`, :math:`h_{ic} \le x_{ic}`.

Stage ``moves`` (only with a previous grouping, right after ``deviation``): the units not in their
previous cluster index, :math:`n - \sum_i x_{i,p(i)}` (a unit whose previous index is :math:`\ge k`,
or that had none, always counts); ``max_moves`` caps it in every stage. Symmetry breaking is off with
pins or a previous grouping (cluster indices then mean something).

Lower bound (:mod:`.clusters_bounds`): every unit's cluster is a connected band-sized set holding it,
so the largest deviation is at least :math:`L = \max_u \min_{S \ni u}` (deviation of :math:`S`),
found by enumerating connected sets; the deviation stage adds :math:`M \ge L` and reports
:math:`\max(L, \text{CP-SAT's bound})` as its bound (a plan at :math:`L` is proven optimal).

Warm start (:mod:`.clusters_warm`, :mod:`.clusters_search`): from a valid previous grouping, else
greedy region growing (seeded; pins and previous labels matched by re-ordering the regions), each start
simulated-annealed (moves and swaps that keep every rule, energy :math:`\sum d^2`) and its neighbouring
cluster pairs re-split exactly; the best of up to 10 starts hints the first stage (a complete hint),
every later stage starts from the stage before. The annealing uses ``WARM_SHARE`` of the budget,
counting ``STEPS_PER_SECOND`` proposals as one deterministic second.

Every stage runs CP-SAT with one worker, a fixed seed and a deterministic-time limit: the first stage
half of what the warm start left (all of it alone; an equal share beside one later stage), each later
stage an equal share of the rest (the budget not used by a stage passes on); the wall clock only
guards. A stage in which CP-SAT finds nothing better than its hint in its share keeps the hinted plan,
FEASIBLE with that plan's value
(computed from the definitions) and the bound known. A stage that is not proven optimal keeps its best
value (not a bound) for the next stages.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..result import StageResult, Status
from .clusters_bounds import _bad, choose_k, deviation_bound
from .clusters_warm import STEPS_PER_SECOND, hops, stage_value, warm_start

BP = 10_000  # basis points per mean total
WARM_SHARE = 0.5  # of the deterministic budget for the warm start (annealing steps, clusters_warm)
SOURCE = "clusters"
_STATUS = {cp_model.OPTIMAL: Status.OPTIMAL, cp_model.FEASIBLE: Status.FEASIBLE,
           cp_model.INFEASIBLE: Status.INFEASIBLE, cp_model.MODEL_INVALID: Status.MODEL_INVALID}


@dataclass(frozen=True)
class ClusterResult:
    """A partition: ``clusters`` code -> cluster index, ``hosts`` one code per cluster (``None``
    without distances), ``stages`` the lexicographic stages with status, value and bound."""

    status: Status
    k: int
    clusters: Mapping[str, int] = field(default_factory=dict)
    hosts: tuple[str | None, ...] = ()
    stages: tuple[StageResult, ...] = ()


class _Model:
    """The CP-SAT model of one partition, extended stage by stage."""

    def __init__(self, n, k, lo, hi, adj, types, pins, contiguous, sym):
        m = self.m = cp_model.CpModel()
        self.n, self.k, self.lo, self.hi, self.adj = n, k, lo, hi, adj
        x = self.x = [[m.new_bool_var(f"x{i}_{c}") if not (sym and c > i) else None for c in range(k)]
                      for i in range(n)]
        self.cells = lambda c: [x[i][c] for i in range(n) if x[i][c] is not None]
        for i in range(n):
            m.add_exactly_one(v for v in x[i] if v is not None)
        for c in range(k):
            m.add_linear_constraint(sum(self.cells(c)), lo, hi)
        for i, c in pins.items():
            m.add(x[i][c] == 1)
        self.f = {}
        r = self.r = [[m.new_bool_var(f"r{i}_{c}") if x[i][c] is not None else None for c in range(k)]
                      for i in range(n)]
        for c in range(k):
            m.add_exactly_one(r[i][c] for i in range(n) if r[i][c] is not None)
            prefix = []
            for j in range(n):
                if r[j][c] is not None:
                    m.add_implication(r[j][c], x[j][c])
                    prefix.append(r[j][c])
                    m.add(x[j][c] <= sum(prefix))
            if sym and c + 1 < k:
                m.add(sum(i * r[i][c] for i in range(n) if r[i][c] is not None) + 1
                      <= sum(i * r[i][c + 1] for i in range(n) if r[i][c + 1] is not None))
        if contiguous:
            cap = hi - 1
            for c in range(k):
                inflow = [[] for _ in range(n)]
                outflow = [[] for _ in range(n)]
                for u in range(n):
                    for v in adj[u]:
                        if x[u][c] is None or x[v][c] is None:
                            continue
                        f = self.f[u, v, c] = m.new_int_var(0, cap, f"f{u}_{v}_{c}")
                        m.add(f <= cap * x[u][c])
                        m.add(f <= cap * x[v][c])
                        outflow[u].append(f)
                        inflow[v].append(f)
                for u in range(n):
                    if x[u][c] is not None:
                        m.add(sum(inflow[u]) - sum(outflow[u]) >= x[u][c] - hi * r[u][c])
        if types is not None:
            kinds = sorted(set(types))
            for c in range(k):
                t = {kind: m.new_bool_var(f"t{c}_{kind}") for kind in kinds}
                m.add_exactly_one(t.values())
                for i in range(n):
                    if x[i][c] is not None:
                        m.add_implication(x[i][c], t[types[i]])

    def hint_groups(self, groups) -> None:
        """Hint x, the roots and a BFS-tree flow for ``groups`` (group c is cluster c)."""
        m, x = self.m, self.x
        m.clear_hints()
        flow = dict.fromkeys(self.f, 0)
        for c, g in enumerate(groups):
            members, root = set(g), min(g)
            parent, order, queue = {root: None}, [root], deque([root])
            while queue:
                u = queue.popleft()
                for v in self.adj[u]:
                    if v in members and v not in parent:
                        parent[v] = u
                        order.append(v)
                        queue.append(v)
            below = dict.fromkeys(order, 1)
            for u in reversed(order[1:]):  # leaves first: an arc carries its subtree's size
                below[parent[u]] += below[u]
                flow[parent[u], u, c] = below[u]
            for i in g:
                m.add_hint(x[i][c], True)
                m.add_hint(self.r[i][c], i == root)
        for i in range(self.n):
            for c in range(self.k):
                if x[i][c] is not None and i not in set(groups[c]):
                    m.add_hint(x[i][c], False)
                    m.add_hint(self.r[i][c], False)
        for key, var in self.f.items():
            m.add_hint(var, flow[key])

    def totals(self, values: Sequence[int]):
        return [sum(values[i] * self.x[i][c] for i in range(self.n) if self.x[i][c] is not None)
                for c in range(self.k)]

    def deviation(self, attrs: Sequence[Sequence[int]]):
        m, k = self.m, self.k
        dev = m.new_int_var(0, BP * k, "deviation")
        for vals in attrs:
            t = sum(vals)
            for s in self.totals(vals):
                m.add(t * dev >= BP * (k * s - t))
                m.add(t * dev >= BP * (t - k * s))
        return dev

    def spread(self, attrs: Sequence[Sequence[int]]):
        m, k = self.m, self.k
        spr = m.new_int_var(0, BP * k, "spread")
        for vals in attrs:
            t = sum(vals)
            top, low = m.new_int_var(0, t, "top"), m.new_int_var(0, t, "low")
            for s in self.totals(vals):
                m.add(top >= s)
                m.add(low <= s)
            m.add(t * spr >= BP * k * (top - low))
        return spr

    def moves(self, previous: Sequence[int], max_moves: int | None):
        """Units not in their previous cluster index (a previous index >= k: always moved)."""
        m = self.m
        kept = [self.x[i][c] for i, c in enumerate(previous) if 0 <= c < self.k and self.x[i][c] is not None]
        total = m.new_int_var(0, self.n, "moves")
        m.add(total == self.n - sum(kept))
        if max_moves is not None:
            m.add(total <= max_moves)
        return total

    def compactness(self, dist: Sequence[Sequence[int]], contiguous: bool):
        m, n, k, x = self.m, self.n, self.k, self.x
        h = [[m.new_bool_var(f"h{i}_{c}") if x[i][c] is not None else None for c in range(k)] for i in range(n)]
        self.h = h
        for c in range(k):
            m.add_exactly_one(h[i][c] for i in range(n) if h[i][c] is not None)
            for i in range(n):
                if h[i][c] is not None:
                    m.add_implication(h[i][c], x[i][c])
        is_host = [sum(v for v in h[j] if v is not None) for j in range(n)]
        terms = []
        for i in range(n):
            near = hops(self.adj, i, self.hi - 1) if contiguous else dict.fromkeys(range(n), 0)
            links = []
            for j in sorted(near):
                a = m.new_bool_var(f"a{i}_{j}")
                m.add(a <= is_host[j])
                for c in range(k):
                    if x[i][c] is not None:
                        if x[j][c] is None:
                            m.add_implication(a, x[i][c].negated())
                        else:
                            m.add(x[j][c] >= x[i][c]).only_enforce_if(a)
                links.append(a)
                if dist[i][j]:
                    terms.append(dist[i][j] * a)
            m.add_exactly_one(links)
        total = m.new_int_var(0, sum(max(row) for row in dist), "compactness")
        m.add(total == sum(terms))
        return total


def partition(codes: Sequence[str], adjacency: Mapping[str, Sequence[str]], *, k: int | None = None,
              size: tuple[int, int] | None = None, attributes: Mapping[str, Sequence[int]] | None = None,
              types: Mapping[str, str] | None = None, separate_types: bool = False,
              pins: Mapping[str, int] | None = None, distance_m: Sequence[Sequence[int]] | None = None,
              contiguous: bool = True, max_deterministic_time: float = 30.0, wall_limit_s: float | None = None,
              seed: int = 0, previous: Mapping[str, int] | None = None,
              max_moves: int | None = None) -> ClusterResult:
    """Partition ``codes`` into clusters (see the module docstring for the model).

    Units are taken in code order whatever the order given (the same units give the same plan).
    ``size`` is the band ``(lo, hi)`` (default ``(1, n)``); ``attributes`` name -> a
    non-negative integer per unit (in ``codes`` order) to balance; ``types`` code -> type for
    ``separate_types``; ``pins`` code -> cluster index; ``distance_m`` an n x n matrix of
    integer metres for the compactness stage and the hosts; ``previous`` code -> cluster index of a
    previous grouping (a unit missing from it, or an index >= k, counts as moved) for the ``moves``
    stage, ``max_moves`` a hard cap on units moved. ``max_deterministic_time`` is the deterministic
    budget over the warm start and all stages. Raises InputError on codes, pins, a previous grouping or
    a band/k that cannot partition the units (with the arithmetic) before any solve.
    """
    codes = list(codes)
    n = len(codes)
    index = {c: i for i, c in enumerate(codes)}
    if len(index) != n or n == 0:
        raise _bad(n, "the units must be a non-empty list of distinct codes", "code")
    if codes != sorted(codes):  # work in code order: the plan does not depend on the order of the rows
        order = sorted(range(n), key=codes.__getitem__)
        return partition(
            [codes[i] for i in order], adjacency, k=k, size=size,
            attributes=None if attributes is None else {a: [v[i] for i in order] for a, v in attributes.items()},
            types=types, separate_types=separate_types, pins=pins,
            distance_m=None if distance_m is None else [[distance_m[i][j] for j in order] for i in order],
            contiguous=contiguous, max_deterministic_time=max_deterministic_time, wall_limit_s=wall_limit_s,
            seed=seed, previous=previous, max_moves=max_moves)
    lo, hi = size if size is not None else (1, n)
    type_list = None
    if separate_types:
        if types is None or not set(codes) <= set(types):
            raise _bad("types", "separate_types needs a type for every unit", "unit_type")
        type_list = [types[c] for c in codes]
    counts = [type_list.count(t) for t in sorted(set(type_list))] if type_list else []
    kk = choose_k(n, lo, hi, k, counts)
    pin_idx = {}
    for code, c in (pins or {}).items():
        if code not in index:
            raise _bad(code, "pinned code is not one of the units", "pin")
        if not 0 <= c < kk:
            raise _bad(f"{code}={c}", f"cluster index must be 0..{kk - 1}", "pin")
        pin_idx[index[code]] = c
    prev = None
    if previous is not None:
        bad = sorted(set(previous) - set(index))
        if bad:
            raise _bad(bad[0], "a unit of the previous grouping is not one of the units", "previous")
        prev = [int(previous.get(c, -1)) for c in codes]
    if max_moves is not None and (prev is None or max_moves < 0):
        raise _bad(max_moves, "max_moves needs a previous grouping and a count >= 0", "max_moves")
    adj = [sorted({index[v] for v in adjacency.get(c, ()) if v in index and v != c}) for c in codes]
    attrs = [list(map(int, v)) for v in (attributes or {}).values() if sum(v) > 0]
    sym = not pin_idx and prev is None
    model = _Model(n, kk, lo, hi, adj, type_list, pin_idx, contiguous, sym)
    plan = ["deviation"] if attrs else []
    plan += ["moves"] if prev is not None else []
    plan += ["spread"] if attrs else []
    plan += ["compactness"] if distance_m is not None else []
    plan = plan or ["feasible"]
    budget, wall_end = max_deterministic_time, None if wall_limit_s is None else time.perf_counter() + wall_limit_s
    lower = deviation_bound(adj, lo, hi, attrs, kk, type_list)[0] if attrs and contiguous else 0
    warm, steps = warm_start(n, kk, lo, hi, adj, type_list, attrs, pin_idx, contiguous, WARM_SHARE * budget,
                             seed, prev, max_moves)
    budget -= steps / STEPS_PER_SECOND
    if warm is not None and sym:
        warm = sorted(warm, key=min)
    groups = warm
    best = None if warm is None else ([next(c for c, g in enumerate(warm) if i in g) for i in range(n)], [None] * kk)
    stages = []
    if max_moves is not None:
        model.moves(prev, max_moves)
    for s, name in enumerate(plan):
        start = time.perf_counter()
        obj = {"deviation": lambda: model.deviation(attrs), "spread": lambda: model.spread(attrs),
               "moves": lambda: model.moves(prev, None),
               "compactness": lambda: model.compactness(distance_m, contiguous)}.get(name, lambda: None)()
        if name == "deviation" and lower:
            model.m.add(obj >= lower)
        m = model.m
        m.clear_objective()
        if obj is not None:
            m.minimize(obj)
        if groups is not None:
            model.hint_groups(groups)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers, p.random_seed, p.interleave_search = 1, seed, True  # deterministic LNS on one thread
        share = 0.5 if s == 0 and len(plan) > 2 else 1 / (len(plan) - s)  # the first stage matters most
        p.max_deterministic_time = max(budget * share, 0.01)
        if wall_end is not None:
            p.max_time_in_seconds = max(wall_end - time.perf_counter(), 0.1)
        code = solver.solve(m)
        budget -= solver.response_proto.deterministic_time
        status = _STATUS.get(code, Status.UNKNOWN)
        unit = {"compactness": "m", "moves": "units", "feasible": ""}.get(name, "bp of mean")
        floor = lower if name == "deviation" else 0
        if status.has_solution or (groups is not None and status is not Status.INFEASIBLE):
            if status.has_solution:
                groups = [[i for i in range(n) if model.x[i][c] is not None and solver.value(model.x[i][c])]
                          for c in range(kk)]
            else:
                status = Status.FEASIBLE  # the solver found nothing better in its share: the hinted plan stands
            # the plan's own value from the definitions: a FEASIBLE solution's objective variable may be loose
            value = stage_value(name, groups, attrs, prev, distance_m)
        else:
            stages.append(StageResult(name, status, None, None, time.perf_counter() - start, unit))
            if status is Status.INFEASIBLE and s == 0:
                best = None
            break
        raw = solver.best_objective_bound if obj is not None else 0.0
        cp_bound = max(0, math.ceil(raw - 1e-9)) if math.isfinite(raw) else 0
        if value is not None and (status is Status.OPTIMAL or max(floor, cp_bound) >= value):
            status, bound = Status.OPTIMAL, value
        else:
            bound = None if value is None else max(floor, cp_bound)
        stages.append(StageResult(name, status, value, bound, time.perf_counter() - start, unit))
        best = ([next(c for c, g in enumerate(groups) if i in g) for i in range(n)], [None] * kk)
        if obj is not None:
            m.add(obj <= value)
    if best is None:
        return ClusterResult(stages[-1].status, kk, {}, (), tuple(stages))
    if distance_m is not None:  # each cluster's host: the member nearest the others (the compactness definition)
        groups = [[i for i in range(n) if best[0][i] == c] for c in range(kk)]
        best = (best[0], [codes[min(g, key=lambda j, g=g: (sum(distance_m[i][j] for i in g), j))] for g in groups])
    done = len(stages) == len(plan) and all(st.status is Status.OPTIMAL for st in stages)
    status = Status.OPTIMAL if done else Status.FEASIBLE  # a later stage short of a plan: the earlier plan stands
    return ClusterResult(status, kk, {codes[i]: best[0][i] for i in range(n)}, tuple(best[1]), tuple(stages))
