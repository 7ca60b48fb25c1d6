"""The partition engine's search and bound (issue 12): the per-unit lower bound against brute force,
annealing and pair re-splits keep every rule and never worsen, the moves stage and max_moves."""

from __future__ import annotations

import itertools
import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from test_clusters import brute, connected, grid

from matcher.engine.clusters import BP, partition
from matcher.engine.clusters_bounds import deviation_bound, unit_bound
from matcher.engine.clusters_search import anneal, pair_polish, score, weights
from matcher.engine.clusters_warm import greedy, stage_value
from matcher.result import Status


def index_adj(codes, adj):
    """Adjacency as lists of unit indices."""
    return [sorted(codes.index(v) for v in adj[c]) for c in codes]


def unit_min_brute(u, adj, lo, hi, vals, k):
    """min over connected sets holding u of the deviation in bp, by trying every subset."""
    n, t = len(adj), sum(vals)
    best = None
    for size in range(lo, hi + 1):
        for rest in itertools.combinations([i for i in range(n) if i != u], size - 1):
            members = {u, *rest}
            if connected(members, {i: adj[i] for i in range(n)}):
                val = math.ceil(BP * abs(k * sum(vals[i] for i in members) - t) / t)
                best = val if best is None or val < best else best
    return best


def test_unit_bound_is_the_brute_force_minimum_and_the_bound_holds():
    """issue 12: on a 3x3 grid each unit's bound is the brute-force min over connected sets; the max never
    exceeds the optimum's deviation."""
    codes, adj, _ = grid(3, 3)
    ia = index_adj(codes, adj)
    rng = random.Random(4)
    for _ in range(5):
        pop = [rng.randint(1, 30) for _ in codes]
        for u in range(9):
            got, _ = unit_bound(u, ia, 2, 4, [pop], 3)
            assert got == unit_min_brute(u, ia, 2, 4, pop, 3)
        lower, _ = deviation_bound(ia, 2, 4, [pop], 3)
        assert lower <= brute(codes, adj, 3, 2, 4, [pop], None)[0]


def test_a_star_with_a_heavy_leaf_is_proven_and_bounded():
    """issue 12: a star whose leaf 'z' (population 10) hangs off 'a': the deviation stage is proven at the
    brute-force optimum and the per-unit bound does not exceed it."""
    codes = ["a", "b", "c", "d", "z"]
    adj = {"a": ["b", "c", "d", "z"], "b": ["a"], "c": ["a"], "d": ["a"], "z": ["a"]}
    pop = [1, 5, 5, 5, 10]
    ia = index_adj(codes, adj)
    lower, _ = deviation_bound(ia, 1, 5, [pop], 2)
    res = partition(codes, adj, k=2, size=(1, 5), attributes={"population": pop}, max_deterministic_time=5)
    best = brute(codes, adj, 2, 1, 5, [pop], None)
    assert res.stages[0].value == best[0] and res.stages[0].bound == best[0]
    assert lower <= best[0]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), steps=st.integers(0, 3000))
def test_anneal_and_pair_polish_keep_the_rules_and_never_worsen(seed, steps):
    """issue 12: from a greedy plan on a 4x4 grid, annealing and pair re-splits keep the band, contiguity and
    pinned units, and the (largest, sum of squares) deviation never grows."""
    codes, adj, _ = grid(4, 4)
    ia = index_adj(codes, adj)
    rng = random.Random(seed)
    pop = [rng.randint(1, 50) for _ in codes]
    w = weights([pop], 4)
    start = greedy(16, 4, 3, 5, ia, seed=seed)
    assert start is not None
    fixed = frozenset({start[0][0]})
    after = anneal(start, ia, 3, 5, w, steps, seed=seed, fixed=fixed)
    polished = pair_polish(after, ia, 3, 5, w, {start[0][0]: 0})
    for groups in (after, polished):
        assert sorted(i for g in groups for i in g) == list(range(16))
        assert all(3 <= len(g) <= 5 and connected(set(g), {i: ia[i] for i in range(16)}) for g in groups)
        assert start[0][0] in groups[0]
    assert score(after, w) <= score(start, w)
    assert score(polished, w) <= score(after, w)


def test_moves_stage_is_the_fewest_moves_at_the_best_deviation():
    """issue 12: with a previous grouping of a 2x3 grid, the moves stage gives the brute-force fewest units
    moved among the deviation-optimal plans; max_moves 0 keeps the previous grouping exactly."""
    codes, adj, _ = grid(2, 3)
    pop = [5, 9, 2, 7, 3, 8]
    previous = {"00": 0, "01": 0, "02": 1, "10": 0, "11": 1, "12": 1}
    res = partition(codes, adj, k=2, size=(3, 3), attributes={"population": pop}, previous=previous,
                    max_deterministic_time=5)
    assert [s.name for s in res.stages] == ["deviation", "moves", "spread"]
    best_dev = brute(codes, adj, 2, 3, 3, [pop], None)[0]
    fewest = None
    for a in itertools.product(range(2), repeat=6):
        blocks = [[codes[i] for i in range(6) if a[i] == c] for c in range(2)]
        if not all(len(b) == 3 and connected(b, adj) for b in blocks):
            continue
        groups = [[i for i in range(6) if a[i] == c] for c in range(2)]
        if stage_value("deviation", groups, [pop]) == best_dev:
            moved = sum(a[i] != previous[codes[i]] for i in range(6))
            fewest = moved if fewest is None else min(fewest, moved)
    assert res.stages[0].value == best_dev and res.stages[1].value == fewest
    assert res.status is Status.OPTIMAL
    kept = partition(codes, adj, k=2, size=(3, 3), attributes={"population": pop}, previous=previous,
                     max_moves=0, max_deterministic_time=5)
    assert kept.clusters == previous


@settings(max_examples=10, deadline=None)
@given(perm=st.permutations(list(range(9))))
def test_the_plan_does_not_depend_on_the_order_of_the_units(perm):
    """issue 12: the same 3x3 grid given in any order of its units gives the same clusters and stage values."""
    codes, adj, dist = grid(3, 3)
    pop = [5, 9, 2, 7, 3, 8, 4, 6, 1]
    base = partition(codes, adj, k=3, size=(2, 4), attributes={"population": pop}, distance_m=dist,
                     max_deterministic_time=2)
    shuffled = [codes[i] for i in perm]
    other = partition(shuffled, adj, k=3, size=(2, 4), attributes={"population": [pop[i] for i in perm]},
                      distance_m=[[dist[i][j] for j in perm] for i in perm], max_deterministic_time=2)
    assert other.clusters == base.clusters and other.hosts == base.hosts
    assert [(s.name, s.value, s.bound) for s in other.stages] == [(s.name, s.value, s.bound) for s in base.stages]
