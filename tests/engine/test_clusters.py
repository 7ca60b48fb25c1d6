"""The partition engine (issue 12): brute force on tiny instances, contiguity checked by BFS."""

from __future__ import annotations

import itertools
import math
from collections import deque

import pytest

from matcher.engine.clusters import BP, partition
from matcher.errors import InputError
from matcher.result import Status


def grid(rows: int, cols: int):
    """Codes and rook adjacency of a rows x cols grid of units, distances in Manhattan km (as metres)."""
    codes = [f"{r}{c}" for r in range(rows) for c in range(cols)]
    adj = {f"{r}{c}": [f"{r + dr}{c + dc}" for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1))
                       if 0 <= r + dr < rows and 0 <= c + dc < cols] for r in range(rows) for c in range(cols)}
    dist = [[1000 * (abs(int(a[0]) - int(b[0])) + abs(int(a[1]) - int(b[1]))) for b in codes] for a in codes]
    return codes, adj, dist


def connected(members, adj) -> bool:
    """BFS on the induced subgraph."""
    members = set(members)
    start = next(iter(members))
    seen, queue = {start}, deque([start])
    while queue:
        u = queue.popleft()
        for v in adj[u]:
            if v in members and v not in seen:
                seen.add(v)
                queue.append(v)
    return seen == members


def labelled(n: int, k: int):
    """Every assignment of n units to k non-empty labelled clusters."""
    for a in itertools.product(range(k), repeat=n):
        if len(set(a)) == k:
            yield a


def canonical(n: int, k: int):
    """Every partition of n units into k blocks, once (restricted growth strings)."""
    return (a for a in labelled(n, k) if all(a[i] <= max(a[:i], default=-1) + 1 for i in range(n)))


def score(codes, a, k, attrs, dist):
    """(deviation bp, spread bp, compactness m) of assignment ``a``, from the definitions."""
    blocks = [[i for i in range(len(codes)) if a[i] == c] for c in range(k)]
    dev = spread = 0
    for vals in attrs:
        t = sum(vals)
        tot = [sum(vals[i] for i in b) for b in blocks]
        dev = max(dev, max(math.ceil(BP * abs(k * s - t) / t) for s in tot))
        spread = max(spread, math.ceil(BP * k * (max(tot) - min(tot)) / t))
    comp = sum(min(sum(dist[i][j] for i in b) for j in b) for b in blocks) if dist else 0
    return dev, spread, comp


def brute(codes, adj, k, lo, hi, attrs, dist, pins=None, types=None, pinned=False):
    """The lexicographic optimum over every feasible partition."""
    best = None
    for a in (labelled if pinned else canonical)(len(codes), k):
        blocks = [[codes[i] for i in range(len(codes)) if a[i] == c] for c in range(k)]
        if not all(lo <= len(b) <= hi and connected(b, adj) for b in blocks):
            continue
        if pins and any(a[codes.index(u)] != c for u, c in pins.items()):
            continue
        if types and any(len({types[u] for u in b}) > 1 for b in blocks):
            continue
        s = score(codes, a, k, attrs, dist)
        best = s if best is None or s < best else best
    return best


def check(res, codes, adj, k, lo, hi, attrs, dist, expected):
    """The result is a contiguous partition in the band whose stage values are the brute-force optimum."""
    assert res.status is Status.OPTIMAL
    assert set(res.clusters) == set(codes)
    a = tuple(res.clusters[c] for c in codes)
    for c in range(k):
        members = [u for u in codes if res.clusters[u] == c]
        assert lo <= len(members) <= hi
        assert connected(members, adj)
    assert score(codes, a, k, attrs, dist) == expected
    assert tuple(s.value for s in res.stages) == expected[: len(res.stages)]
    assert all(s.bound == s.value for s in res.stages)


POP = [5, 9, 2, 7, 3, 8, 4, 6, 1]


def test_grid_three_by_three_matches_brute_force():
    """issue 12: a 3x3 grid into 3 contiguous clusters of 3: deviation, spread, compactness are the optimum."""
    codes, adj, dist = grid(3, 3)
    res = partition(codes, adj, k=3, size=(3, 3), attributes={"population": POP}, distance_m=dist,
                    max_deterministic_time=10)
    expected = brute(codes, adj, 3, 3, 3, [POP], dist)
    check(res, codes, adj, 3, 3, 3, [POP], dist, expected)
    for c, host in enumerate(res.hosts):
        members = [i for i, u in enumerate(codes) if res.clusters[u] == c]
        assert res.clusters[host] == c
        assert sum(dist[i][codes.index(host)] for i in members) == min(sum(dist[i][j] for i in members)
                                                                      for j in members)


def test_path_band_matches_brute_force():
    """issue 12: a path of 7 units into 3 clusters of 2..3 balanced on two attributes: the brute-force optimum."""
    codes = list("abcdefg")
    adj = {c: [d for d in codes if abs(codes.index(c) - codes.index(d)) == 1] for c in codes}
    attrs = [[4, 1, 3, 5, 2, 2, 6], [1, 1, 2, 1, 1, 3, 1]]
    dist = [[1000 * abs(i - j) for j in range(7)] for i in range(7)]
    res = partition(codes, adj, k=3, size=(2, 3), attributes={"population": attrs[0], "area": attrs[1]},
                    distance_m=dist, max_deterministic_time=10)
    check(res, codes, adj, 3, 2, 3, attrs, dist, brute(codes, adj, 3, 2, 3, attrs, dist))


def test_k_free_chooses_the_mid_band_count():
    """issue 12: without k, 8 path units in 2..4 take round(2*8/6) = 3 clusters, contiguous."""
    codes = list("abcdefgh")
    adj = {c: [d for d in codes if abs(codes.index(c) - codes.index(d)) == 1] for c in codes}
    pop = [3, 1, 4, 1, 5, 9, 2, 6]
    res = partition(codes, adj, size=(2, 4), attributes={"population": pop}, max_deterministic_time=10)
    assert res.k == 3
    check(res, codes, adj, 3, 2, 4, [pop], None, (*brute(codes, adj, 3, 2, 4, [pop], None)[:2], 0))


def test_pins_are_respected_at_the_optimum():
    """issue 12: pins fix cluster indices; the result is the brute-force optimum over labelled partitions."""
    codes, adj, _ = grid(2, 3)
    pop = POP[:6]
    pins = {"00": 1, "12": 0}
    res = partition(codes, adj, k=2, size=(2, 4), attributes={"population": pop}, pins=pins,
                    max_deterministic_time=10)
    assert res.clusters["00"] == 1 and res.clusters["12"] == 0
    expected = brute(codes, adj, 2, 2, 4, [pop], None, pins=pins, pinned=True)
    check(res, codes, adj, 2, 2, 4, [pop], None, (*expected[:2], 0))


def test_separate_types_keep_wards_and_communes_apart():
    """issue 12: with separate_types no cluster mixes xã and phường, at the brute-force optimum."""
    codes, adj, _ = grid(2, 3)
    types = {c: "phường" if c[1] == "0" or c == "11" else "xã" for c in codes}
    pop = POP[:6]
    res = partition(codes, adj, k=2, size=(2, 4), attributes={"population": pop}, types=types,
                    separate_types=True, max_deterministic_time=10)
    for c in range(2):
        assert len({types[u] for u in codes if res.clusters[u] == c}) == 1
    expected = brute(codes, adj, 2, 2, 4, [pop], None, types=types)
    check(res, codes, adj, 2, 2, 4, [pop], None, (*expected[:2], 0))


def test_disconnected_graph_is_infeasible_not_an_error():
    """issue 12: two islands of 1 and 5 units cannot form 2 contiguous clusters of 3: status infeasible."""
    codes = list("abcdef")
    adj = {"a": [], "b": ["c"], "c": ["b", "d"], "d": ["c", "e"], "e": ["d", "f"], "f": ["e"]}
    res = partition(codes, adj, k=2, size=(3, 3), attributes={"population": [1] * 6}, max_deterministic_time=5)
    assert res.status is Status.INFEASIBLE
    assert res.clusters == {} and res.stages[0].status is Status.INFEASIBLE
    ok = partition(codes, adj, k=2, size=(1, 5), max_deterministic_time=5)
    assert ok.status is Status.OPTIMAL
    assert sorted(sorted(u for u in codes if ok.clusters[u] == c) for c in range(2)) == [["a"], list("bcdef")]


def test_band_arithmetic_error_before_solving():
    """issue 12: 114 units into 15 clusters of 9..9 raise InputError saying 15 x 9 = 135."""
    codes = [f"{i:05d}" for i in range(114)]
    with pytest.raises(InputError) as err:
        partition(codes, {}, k=15, size=(9, 9))
    assert "114 units cannot form 15 clusters of 9..9" in str(err.value)
    assert "15 x 9 = 135" in str(err.value)
    with pytest.raises(InputError, match=r"ceil\(10/4\) = 3 and at most floor\(10/4\) = 2"):
        partition(codes[:10], {}, size=(4, 4))


def test_types_arithmetic_and_bad_pins():
    """issue 12: types that cannot fill whole clusters, an unknown pin and a pin index out of range: InputError."""
    codes, adj, _ = grid(2, 3)
    types = {c: "xã" if c == "00" else "phường" for c in codes}
    with pytest.raises(InputError, match=r"cannot each fill whole clusters of 2\.\.4"):
        partition(codes, adj, k=2, size=(2, 4), types=types, separate_types=True)
    with pytest.raises(InputError, match="pinned code is not one of the units"):
        partition(codes, adj, k=2, size=(2, 4), pins={"99": 0})
    with pytest.raises(InputError, match=r"cluster index must be 0\.\.1"):
        partition(codes, adj, k=2, size=(2, 4), pins={"00": 2})


def test_warm_start_is_contiguous_in_band_and_local_search_never_worsens():
    """issue 12: greedy regions on a 4x4 grid are contiguous in the band; moves/swaps keep that and lower the key."""
    from matcher.engine.clusters_warm import greedy, improve, spread_key

    codes, adj, _ = grid(4, 4)
    idx = [[codes.index(v) for v in adj[c]] for c in codes]
    pop = [3, 9, 1, 7, 2, 8, 4, 6, 5, 1, 9, 2, 7, 3, 6, 4]
    for seed in range(5):
        start = greedy(16, 4, 3, 5, idx, seed=seed)
        assert start is not None and sorted(i for g in start for i in g) == list(range(16))
        better = improve(start, idx, 3, 5, [pop])
        for groups in (start, better):
            assert all(3 <= len(g) <= 5 and connected([codes[i] for i in g], adj) for g in groups)
        assert spread_key(better, [pop]) <= spread_key(start, [pop])
