"""A lower bound on the largest deviation of a contiguous partition (issue 12), without a solver.

Every unit :math:`u` ends in some cluster: a connected set :math:`S \\ni u` of ``lo..hi`` units (of
:math:`u`'s type with ``separate_types``). So the largest deviation of any plan is at least

.. math:: L = \\max_u \\min_{S \\ni u} \\max_a \\lceil 10^4 |k S_a - T_a| / T_a \\rceil

(basis points of the mean, the deviation stage's unit). :func:`unit_bound` enumerates the connected
sets holding :math:`u` (ESU rule: each once), pruning a set whose total already exceeds the best found
(totals only grow). Units are tried with the fewest units within ``hi - 1`` hops first; a unit whose
enumeration passes ``node_cap`` sets gives no bound (0), and a unit stops early once it finds a set no
worse than the bound so far (it cannot raise it). Islands and peninsulas give the strongest bounds:
a special zone reachable only through one neighbour must share its cluster with that neighbour's
neighbourhood.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..errors import InputError, ValidationIssue
from .clusters_search import connected_sets

BP = 10_000
SOURCE = "clusters"


def _bad(value: object, message: str, column: str = "k") -> InputError:
    return InputError([ValidationIssue(SOURCE, None, column, value, message)])


def _type_split(counts: Sequence[int], k: int, lo: int, hi: int) -> bool:
    """Can every type's units fill whole clusters (k in all)? A small subset-sum."""
    reach = {0}
    for n_t in counts:
        options = [m for m in range(1, n_t + 1) if m * lo <= n_t <= m * hi]
        reach = {r + m for r in reach for m in options if r + m <= k}
    return k in reach


def choose_k(n: int, lo: int, hi: int, k: int | None, type_counts: Sequence[int] = ()) -> int:
    """The number of clusters, or InputError saying the arithmetic when the band cannot partition."""
    if not 1 <= lo <= hi:
        raise _bad(f"{lo}..{hi}", "the size band needs 1 <= lo <= hi", "size")
    if k is not None:
        if k < 1 or not k * lo <= n <= k * hi:
            raise _bad(k, f"{n} units cannot form {k} clusters of {lo}..{hi}: {k} clusters hold between "
                          f"{k} x {lo} = {k * lo} and {k} x {hi} = {k * hi} units")
        ks = [k]
    else:
        kmin, kmax = math.ceil(n / hi), n // lo
        if kmin > kmax:
            raise _bad(f"{lo}..{hi}", f"{n} units cannot form clusters of {lo}..{hi}: at least "
                                      f"ceil({n}/{hi}) = {kmin} and at most floor({n}/{lo}) = {kmax} clusters",
                       "size")
        ks = sorted(range(kmin, kmax + 1), key=lambda m: (abs(m - 2 * n / (lo + hi)), m))
    if type_counts:
        ok = [m for m in ks if _type_split(type_counts, m, lo, hi)]
        if not ok:
            raise _bad(ks[0] if k is not None else f"{lo}..{hi}",
                       f"the unit types ({' + '.join(map(str, type_counts))} units) cannot each fill whole "
                       f"clusters of {lo}..{hi} with {'/'.join(map(str, ks))} clusters", "separate_types")
        ks = ok
    return ks[0]


def _bp(tot: Sequence[int], totals: Sequence[int], k: int) -> int:
    return max(-(-BP * abs(k * s - t) // t) for s, t in zip(tot, totals, strict=True))


def unit_bound(u, adj, lo, hi, attrs, k, types=None, stop_at=0, node_cap=20_000):
    """(min over connected S holding u of the deviation in bp, or None past ``node_cap`` sets; sets visited)."""
    totals = [sum(v) for v in attrs]
    ok = (lambda x: True) if types is None else (lambda x: types[x] == types[u])
    best, nodes = None, 0

    def keep(tot) -> bool:  # totals only grow: a set already further above the mean than the best cannot do better
        return best is None or not any(k * s > t and -(-BP * (k * s - t) // t) >= best
                                       for s, t in zip(tot, totals, strict=True))

    usable = {}
    for part, tot in connected_sets(u, lambda x: usable.setdefault(x, [y for y in adj[x] if ok(y)]), hi,
                                    lambda x: [v[x] for v in attrs], keep):
        nodes += 1
        if nodes > node_cap:
            return None, nodes
        if len(part) >= lo:
            val = _bp(tot, totals, k)
            if best is None or val < best:
                best = val
                if best <= stop_at:
                    return best, nodes
    return (best if best is not None else 0), nodes


def deviation_bound(adj, lo, hi, attrs, k, types=None, node_cap=20_000, total_cap=400_000):
    """(L in bp, the unit giving it or None) over the units (see the module docstring)."""
    from .clusters_warm import hops

    n = len(adj)
    if not attrs or n == 0:
        return 0, None
    order = sorted(range(n), key=lambda u: (len(hops(adj, u, hi - 1)), u))
    best, who, spent = 0, None, 0
    for u in order:
        if spent >= total_cap:
            break
        got, used = unit_bound(u, adj, lo, hi, attrs, k, types, stop_at=best, node_cap=node_cap)
        spent += used
        if got is not None and got > best:
            best, who = got, u
    return best, who
