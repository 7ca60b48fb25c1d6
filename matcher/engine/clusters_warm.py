"""Warm start for the partition model (issue 12): greedy contiguous regions and a move local search.

No solver here; :mod:`matcher.engine.clusters` hints CP-SAT with the result.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence


def hops(adj: Sequence[Sequence[int]], src: int, limit: int) -> dict[int, int]:
    """Breadth-first hop distances from ``src`` up to ``limit``."""
    seen, queue = {src: 0}, deque([src])
    while queue:
        u = queue.popleft()
        if seen[u] < limit:
            for v in adj[u]:
                if v not in seen:
                    seen[v] = seen[u] + 1
                    queue.append(v)
    return seen


def greedy(n, k, lo, hi, adj, types=None, seed=0, attempts=200):
    """A contiguous partition by region growing (a warm start), or None. Each region starts at the free
    unit with the fewest free neighbours and grows by the free neighbour with the fewest free neighbours
    (ties at random, seeded) to the mean size left; a try that strands a component that cannot form
    whole clusters restarts."""
    rng = random.Random(seed)

    def parts(free):
        comps, seen = [], set()
        for s in free:
            if s not in seen:
                comp = set(hops([[v for v in adj[u] if v in free] for u in range(n)], s, n))
                seen |= comp
                comps.append(len(comp))
        return comps

    for _ in range(attempts):
        free, groups = set(range(n)), []
        while free and len(groups) < k:
            kl, nl = k - len(groups), len(free)
            s_min, s_max = max(lo, nl - (kl - 1) * hi), min(hi, nl - (kl - 1) * lo)
            target = min(max(round(nl / kl), s_min), s_max)
            deg = {u: sum(v in free for v in adj[u]) for u in free}
            seed_u = min(free, key=lambda u: (deg[u], rng.random()))
            grp = {seed_u}
            while len(grp) < target:
                cand = {v for u in grp for v in adj[u] if v in free and v not in grp
                        and (types is None or types[v] == types[seed_u])}
                if not cand:
                    break
                grp.add(min(cand, key=lambda v: (sum(w in free and w not in grp for w in adj[v]), rng.random())))
            if not s_min <= len(grp) <= s_max:
                break
            free -= grp
            groups.append(sorted(grp))
            comps = parts(free)
            if sum(-(-c // hi) for c in comps) > k - len(groups) or any(c // lo < -(-c // hi) for c in comps):
                break
        if not free and len(groups) == k:
            return sorted(groups)
    return None



def _connected(members: set[int], adj) -> bool:
    if not members:
        return True
    start = next(iter(members))
    return set(hops([[v for v in adj[u] if v in members] if u in members else [] for u in range(len(adj))],
                    start, len(adj))) == members


def improve(groups, adj, lo, hi, attrs, max_moves=10_000):
    """Move single units to a neighbouring cluster (or, when no move helps, swap two units of
    neighbouring clusters) while the band and contiguity hold and the sorted vector of relative
    deviations (largest first) decreases. Deterministic (units in index order)."""
    k = len(groups)
    members = [set(g) for g in groups]
    label = {i: c for c, g in enumerate(members) for i in g}
    totals = [[sum(vals[i] for i in g) for g in members] for vals in attrs]
    grand = [sum(vals) for vals in attrs]

    def dev(a_tot):
        return max(abs(k * t[1] - t[0]) / t[0] for t in zip(grand, a_tot, strict=True))

    devs = [dev([tot[c] for tot in totals]) for c in range(k)]
    moves, changed = 0, True
    while changed and moves < max_moves:
        changed = False
        for u in range(len(adj)):
            a = label[u]
            if len(members[a]) <= lo:
                continue
            for b in sorted({label[v] for v in adj[u]} - {a}):
                if len(members[b]) >= hi:
                    continue
                new_a = dev([tot[a] - vals[u] for tot, vals in zip(totals, attrs, strict=True)])
                new_b = dev([tot[b] + vals[u] for tot, vals in zip(totals, attrs, strict=True)])
                trial = devs[:]
                trial[a], trial[b] = new_a, new_b
                if sorted(trial, reverse=True) >= sorted(devs, reverse=True) or not _connected(members[a] - {u}, adj):
                    continue
                members[a].discard(u)
                members[b].add(u)
                label[u] = b
                for tot, vals in zip(totals, attrs, strict=True):
                    tot[a] -= vals[u]
                    tot[b] += vals[u]
                devs, moves, changed = trial, moves + 1, True
                break
        for u in range(len(adj)) if not changed else ():  # no move helps: try swapping two units
            a = label[u]
            for v in sorted({w for x in members[a] for w in adj[x] if label[w] != a}):
                b = label[v]
                d = [vals[u] - vals[v] for vals in attrs]
                trial = devs[:]
                trial[a] = dev([tot[a] - x for tot, x in zip(totals, d, strict=True)])
                trial[b] = dev([tot[b] + x for tot, x in zip(totals, d, strict=True)])
                if sorted(trial, reverse=True) >= sorted(devs, reverse=True):
                    continue
                if not (_connected(members[a] - {u} | {v}, adj) and _connected(members[b] - {v} | {u}, adj)):
                    continue
                members[a] ^= {u, v}
                members[b] ^= {u, v}
                label[u], label[v] = b, a
                for tot, x in zip(totals, d, strict=True):
                    tot[a] -= x
                    tot[b] += x
                devs, moves, changed = trial, moves + 1, True
                break
            if changed:
                break
    return sorted((sorted(g) for g in members), key=min)


def spread_key(groups, attrs) -> list[float]:
    """The sorted relative deviations of the clusters' totals from the mean, largest first."""
    k = len(groups)
    return sorted((max(abs(k * sum(vals[i] for i in g) - sum(vals)) / sum(vals) for vals in attrs) for g in groups),
                  reverse=True)
