"""Local search for the partition model's first stage (issue 12): simulated annealing and an exact
re-split of two neighbouring clusters. Pure Python, no solver; :mod:`matcher.engine.clusters` hints
CP-SAT with the result.

Both work on *relative deviations*: cluster :math:`c`'s deviation on attribute :math:`a` is
:math:`d_{ca} = k S_{ca} / T_a - 1` (its total over the mean total, minus one). A plan is better when
its largest :math:`|d_{ca}|` is smaller, ties by the smaller :math:`\\sum d_{ca}^2`.

- :func:`anneal`: moves of one unit to a neighbouring cluster and swaps of two units of neighbouring
  clusters, every step keeping the size band, contiguity (the cluster a unit leaves stays connected,
  checked by a search over at most ``hi`` members), separate types, fixed (pinned) units and a limit on
  units moved from a previous grouping; the energy :math:`\\sum d_{ca}^2` is annealed from ``t0`` to
  ``t_end`` over ``steps`` proposals (geometric cooling, seeded: the same seed gives the same plan); the
  best plan met is returned.
- :func:`pair_polish`: for every pair of neighbouring clusters, the best split of their union into two
  connected, band-sized parts (every connected part holding the union's lowest unit is enumerated once,
  by the ESU rule), taken when it improves the pair; repeated until no pair improves.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def connected(members: set[int], adj: Sequence[Sequence[int]]) -> bool:
    """Is ``members`` connected in ``adj`` (the empty set and singletons are)?"""
    if len(members) <= 1:
        return True
    start = next(iter(members))
    seen, stack = {start}, [start]
    while stack:
        a = stack.pop()
        for b in adj[a]:
            if b in members and b not in seen:
                seen.add(b)
                stack.append(b)
    return len(seen) == len(members)


def connected_sets(root, nbr, hi, value, keep=None):
    """Every connected set of at most ``hi`` units holding ``root``, once each (the ESU rule: a set grows
    only by units next to its newest member and to no older one), depth first; yields (members, totals).
    ``nbr(u)``: u's usable neighbours; ``value(u)``: u's figures (a list); ``keep(totals)`` False stops a
    set from growing to those totals (checked when it would grow, after the consumer has seen the set)."""
    stack = [((root,), list(value(root)), list(nbr(root)))]
    while stack:
        part, tot, ext = stack.pop()
        yield part, tot
        if len(part) == hi:
            continue
        inside = set(part)
        near = {y for x in part for y in nbr(x)}
        ext = list(ext)
        while ext:
            x = ext.pop()
            new_tot = [t + v for t, v in zip(tot, value(x), strict=True)]
            if keep is not None and not keep(new_tot):
                continue
            new = [y for y in nbr(x) if y not in inside and y not in ext and y not in near]
            stack.append(((*part, x), new_tot, ext + new))


def weights(attrs: Sequence[Sequence[int]], k: int) -> list[list[float]]:
    """Per unit, per attribute: k x value / total (a cluster's sum of these is 1 at the mean)."""
    totals = [sum(v) for v in attrs]
    return [[k * v[i] / t for v, t in zip(attrs, totals, strict=True)] for i in range(len(attrs[0]))]


def score(groups: Sequence[Sequence[int]], w: Sequence[Sequence[float]]) -> tuple[float, float]:
    """(largest |d|, sum of d^2) of a plan."""
    d = [[sum(w[i][a] for i in g) - 1.0 for a in range(len(w[0]))] for g in groups]
    return max(abs(x) for row in d for x in row), sum(x * x for row in d for x in row)


def anneal(groups, adj, lo, hi, w, steps, seed=0, fixed=frozenset(), types=None, contiguous=True,
           previous=None, max_moves=None, t0=1.0, t_end=1e-6):
    """Simulated annealing from ``groups`` (a valid plan); returns the best plan met (list of sorted
    groups, same cluster order). ``previous``: unit -> cluster index; ``max_moves``: at most this many
    units off their previous cluster at any step (the start must hold it)."""
    rng = random.Random(seed)
    n, k, na = len(adj), len(groups), len(w[0])
    members = [set(g) for g in groups]
    label = [0] * n
    for c, g in enumerate(members):
        for i in g:
            label[i] = c
    d = [[sum(w[i][a] for i in g) - 1.0 for a in range(na)] for g in members]
    movable = [u for u in range(n) if u not in fixed]
    if not movable or k < 2:
        return [sorted(g) for g in members]
    moved = 0 if previous is None else sum(label[u] != previous[u] for u in range(n))

    def key():
        return max(abs(x) for row in d for x in row), sum(x * x for row in d for x in row)

    best, best_label = key(), label[:]
    temp, cool = t0, (t_end / t0) ** (1.0 / max(steps, 1))
    for _ in range(steps):
        temp *= cool
        u = movable[rng.randrange(len(movable))]
        a = label[u]
        if contiguous:
            nb = [v for v in adj[u] if label[v] != a]
            if not nb:
                continue
            v = nb[rng.randrange(len(nb))]
        else:
            v = rng.randrange(n)
        b = label[v]
        if b == a or (types is not None and types[u] != types[v]):
            continue
        swap = rng.random() < 0.5 or len(members[a]) <= lo or len(members[b]) >= hi
        if swap and (v in fixed or (types is not None and types[u] != types[v])):
            continue
        e = [w[u][x] - (w[v][x] if swap else 0.0) for x in range(na)]
        delta = sum((d[a][x] - e[x]) ** 2 + (d[b][x] + e[x]) ** 2 - d[a][x] ** 2 - d[b][x] ** 2 for x in range(na))
        if delta > 0 and rng.random() >= math.exp(-delta / temp):
            continue
        if previous is not None:
            new_moved = moved + (b != previous[u]) - (a != previous[u])
            if swap:
                new_moved += (a != previous[v]) - (b != previous[v])
            if max_moves is not None and new_moved > max_moves:
                continue
        if contiguous:
            if swap:
                if not (connected(members[a] - {u} | {v}, adj) and connected(members[b] - {v} | {u}, adj)):
                    continue
            elif not connected(members[a] - {u}, adj):
                continue
        members[a].discard(u)
        members[b].add(u)
        label[u] = b
        if swap:
            members[b].discard(v)
            members[a].add(v)
            label[v] = a
        if previous is not None:
            moved = new_moved
        for x in range(na):
            d[a][x] -= e[x]
            d[b][x] += e[x]
        now = key()
        if now < best:
            best, best_label = now, label[:]
    found = [sorted(i for i in range(n) if best_label[i] == c) for c in range(k)]
    first = [sorted(g) for g in groups]
    return found if score(found, w) < score(first, w) else first  # recomputed: no drift of the running sums


def best_split(union: set[int], adj, lo, hi, w, fixed_side=None):
    """The best split of ``union`` into two connected parts of ``lo..hi`` units: ((max |d|, sum d^2),
    part holding the lowest unit) or None. ``fixed_side``: unit -> 0 (with the lowest unit) / 1, for
    fixed units (pins) that must stay on their side."""
    order = sorted(union)
    root, na = order[0], len(w[0])
    nbr = {u: [v for v in adj[u] if v in union] for u in union}
    total = [sum(w[u][a] for u in union) for a in range(na)]
    lo_s, hi_s = max(lo, len(union) - hi), min(hi, len(union) - lo)
    if lo_s > hi_s:
        return None
    best = None
    for part, tot in connected_sets(root, nbr.__getitem__, hi_s, w.__getitem__):
        if len(part) >= lo_s:
            da = [t - 1.0 for t in tot]
            db = [s - t - 1.0 for s, t in zip(total, tot, strict=True)]
            cand = (max(abs(x) for x in da + db), sum(x * x for x in da + db))
            if best is None or cand < best[0]:
                inside = set(part)
                ok = fixed_side is None or all((u in inside) == (s == 0) for u, s in fixed_side.items())
                if ok and connected(union - inside, adj):
                    best = (cand, inside)
    return best


def pair_polish(groups, adj, lo, hi, w, fixed_cluster=None, rounds=20):
    """Re-split neighbouring cluster pairs exactly while a pair improves (see the module docstring).
    ``fixed_cluster``: unit -> its cluster index, for pinned units."""
    n = len(adj)
    members = [set(g) for g in groups]
    label = [0] * n
    for c, g in enumerate(members):
        for i in g:
            label[i] = c

    def dev(c):
        return [sum(w[i][a] for i in members[c]) - 1.0 for a in range(len(w[0]))]

    for _ in range(rounds):
        improved = False
        pairs = sorted({(min(label[u], label[v]), max(label[u], label[v]))
                        for u in range(n) for v in adj[u] if label[u] != label[v]})
        for a, b in pairs:
            da, db = dev(a), dev(b)
            now = (max(abs(x) for x in da + db), sum(x * x for x in da + db))
            union = members[a] | members[b]
            side = None
            if fixed_cluster:
                root_c = label[min(union)]
                side = {u: 0 if c == root_c else 1 for u, c in fixed_cluster.items() if u in union}
            got = best_split(union, adj, lo, hi, w, side)
            if got is None or not (got[0][0] < now[0] - 1e-12
                                   or (got[0][0] <= now[0] + 1e-12 and got[0][1] < now[1] - 1e-12)):
                continue
            first = label[min(union)]
            other = b if first == a else a
            members[first], members[other] = got[1], union - got[1]
            for c in (first, other):
                for i in members[c]:
                    label[i] = c
            improved = True
        if not improved:
            break
    return [sorted(g) for g in members]
