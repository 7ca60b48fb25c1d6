"""Warm start for the partition model (issue 12): greedy contiguous regions, then the local search
of :mod:`.clusters_search` (simulated annealing and exact pair re-splits), best of seeded starts.

No solver here; :mod:`matcher.engine.clusters` hints CP-SAT with the result (:func:`warm_start`).
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


STEPS_PER_SECOND = 200_000  # annealing proposals counted as one second of the deterministic budget (~1 s here)
STEPS_PER_START = 300_000


def relabel(groups, pins, k):
    """Order ``groups`` so that pinned units sit in their cluster index, or None if they cannot."""
    want: dict[int, int] = {}
    for g_idx, g in enumerate(groups):
        got = {pins[i] for i in g if i in pins}
        if len(got) > 1:
            return None
        if got:
            c = got.pop()
            if c in want.values():
                return None
            want[g_idx] = c
    free = iter(c for c in range(k) if c not in want.values())
    out = [None] * k
    for g_idx, g in enumerate(groups):
        out[want[g_idx] if g_idx in want else next(free)] = g
    return out


def match_previous(groups, previous, k):
    """Order ``groups`` so that as many units as possible keep their previous cluster index (greedy on
    overlaps, deterministic)."""
    overlap = sorted(((-sum(previous[i] == c for i in g), g_idx, c) for g_idx, g in enumerate(groups)
                      for c in range(k)))
    out, used_g, used_c = [None] * k, set(), set()
    for _, g_idx, c in overlap:
        if g_idx not in used_g and c not in used_c:
            out[c] = groups[g_idx]
            used_g.add(g_idx)
            used_c.add(c)
    return out


def valid(groups, adj, lo, hi, types, pins, contiguous, n):
    """Does ``groups`` partition 0..n-1 within the band, contiguous, types apart, pins held?"""
    from .clusters_search import connected

    seen = [i for g in groups for i in g]
    if sorted(seen) != list(range(n)) or any(not lo <= len(g) <= hi for g in groups):
        return False
    if contiguous and not all(connected(set(g), adj) for g in groups):
        return False
    if types is not None and any(len({types[i] for i in g}) > 1 for g in groups):
        return False
    return all(i in groups[c] for i, c in pins.items())


def warm_start(n, k, lo, hi, adj, types, attrs, pins, contiguous, budget_s, seed=0,
               previous=None, max_moves=None):
    """The first stage's hint: ``(groups or None, steps used)``. With a previous grouping that is
    valid, the search starts from it; else from greedy regions (``WARM_STARTS`` seeds, pins and the
    previous labels matched by re-ordering); each start is annealed ``STEPS_PER_START`` proposals (fewer
    when ``budget_s`` x ``STEPS_PER_SECOND`` is smaller) and pair-polished; the best plan is kept."""
    from .clusters_search import anneal, pair_polish, score, weights

    starts = []
    prev_groups = None
    if previous is not None:
        prev_groups = [sorted(i for i in range(n) if previous[i] == c) for c in range(k)]
        if valid(prev_groups, adj, lo, hi, types, pins, contiguous, n):
            starts.append(prev_groups)
    allowed = max(int(budget_s * STEPS_PER_SECOND), 0)
    n_starts = max(1, min(10, allowed // STEPS_PER_START)) if attrs else 1
    tries = 0
    while len(starts) < n_starts and tries < 3 * n_starts + 3:
        got = greedy(n, k, lo, hi, adj, types, seed * 97 + tries) if contiguous else [
            list(range(n))[c::k] for c in range(k)]
        tries += 1
        if got is None:
            continue
        if pins:
            got = relabel(got, pins, k)
        elif previous is not None:
            got = match_previous(got, previous, k)
        if got is not None and valid(got, adj, lo, hi, types, pins, contiguous, n):
            starts.append(got)
        if not contiguous:
            break
    if not starts:
        return None, 0
    if not attrs:
        return starts[0], 0
    w = weights(attrs, k)
    steps = min(STEPS_PER_START, allowed // len(starts)) if allowed else 0
    fixed = frozenset(pins)
    best, used = None, 0
    for s, g in enumerate(starts):
        moves_ok = previous is None or max_moves is None or sum(previous[i] != c for c, grp in enumerate(g)
                                                                for i in grp) <= max_moves
        if steps and moves_ok:
            g = anneal(g, adj, lo, hi, w, steps, seed=seed * 97 + s, fixed=fixed, types=types,
                       contiguous=contiguous, previous=previous, max_moves=max_moves)
            used += steps
        if contiguous and previous is None:
            g = pair_polish(g, adj, lo, hi, w, {i: c for i, c in pins.items()})
        if best is None or score(g, w) < score(best, w):
            best = g
    return best, used


def stage_value(name, groups, attrs, previous=None, dist=None):
    """A plan's value on one stage, from the definitions (the unit of :mod:`.clusters`'s stages)."""
    k, bp = len(groups), 10_000
    if name == "deviation":
        return max(-(-bp * abs(k * sum(v[i] for i in g) - sum(v)) // sum(v)) for v in attrs for g in groups)
    if name == "spread":
        return max(-(-bp * k * (max(tot) - min(tot)) // sum(v))
                   for v in attrs for tot in [[sum(v[i] for i in g) for g in groups]])
    if name == "moves":
        return sum(previous[i] != c for c, g in enumerate(groups) for i in g)
    if name == "compactness":
        return sum(min(sum(dist[i][j] for i in g) for j in g) for g in groups)
    return None
