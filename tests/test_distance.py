"""Allowed pairs from the k-d tree equal the brute-force definition; the cap test."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from helpers import problem, unit
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import distance
from matcher.distance import candidates, geodesic_pairs_km, nearest_km, pair_metrics, within_caps
from matcher.errors import InputError
from matcher.model import Rules, Travel


def geodesic_km(a, b) -> np.ndarray:
    """The full matrix, for the tests' brute force only (the package never builds one)."""
    return np.array([[geodesic_pairs_km([u], [v])[0] for v in b] for u in a]).reshape(len(a), len(b))


def brute_candidates(p):
    """The definition: every lowland × remote pair, not forbidden, within the caps or locked."""
    out = []
    for li, lo in enumerate(p.lowland):
        for ri, re in enumerate(p.remote):
            if (lo.code, re.code) in p.forbidden:
                continue
            km, minutes, _, _ = pair_metrics(p, lo, re, float(geodesic_km([lo], [re])[0, 0]))
            if (lo.code, re.code) in p.locked or within_caps(p.rules, km, minutes):
                out.append((li, ri, round(km, 9)))
    return out


@settings(max_examples=60, deadline=None)
@given(
    pts=st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3), st.booleans()), min_size=2, max_size=14),
    cap=st.one_of(st.none(), st.floats(1, 400)),
    detour=st.floats(1, 2),
    data=st.data(),
)
def test_candidates_equal_the_brute_force_definition(pts, cap, detour, data):
    """Same pairs, same order and same km as measuring every pair (locks, forbids, travel km)."""
    units = [unit(f"U{i}", "lowland" if low else "remote", dlat=a, dlon=b) for i, (a, b, low) in enumerate(pts)]
    lows = [u.code for u in units if u.role.value == "lowland"]
    rems = [u.code for u in units if u.role.value == "remote"]
    pairs = [(a, b) for a in lows for b in rems]
    picked = data.draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True)) if pairs else []
    locked, forbidden = picked[:1], picked[1:2]
    p = problem(units, locked=locked, forbidden=forbidden, max_distance_km=cap, detour_factor=detour)
    if len(picked) > 2:
        from dataclasses import replace

        p = replace(p, travel={picked[2]: Travel(km=5.0)} | ({picked[3]: Travel(km=999.0)} if len(picked) > 3 else {}))
    want = brute_candidates(p)
    assert [(c.li, c.ri, round(c.km, 9)) for c in candidates(p)] == want
    with mock.patch.object(distance, "SMALL", 0):  # the k-d tree path, as on a national table
        assert [(c.li, c.ri, round(c.km, 9)) for c in candidates(p)] == want


def test_minutes_scenario_allows_only_pairs_with_a_travel_time():
    """With distance in minutes, a pair without minutes is not a candidate unless locked."""
    from dataclasses import replace

    units = [unit("L1", "lowland"), unit("L2", "lowland", dlat=0.1), unit("R1", "remote", dlat=0.2)]
    p = problem(units, locked=[("L2", "R1")], distance_metric="minutes")
    p = replace(p, travel={("L1", "R1"): Travel(minutes=30.0)})
    assert [(c.li, c.ri, c.locked) for c in candidates(p)] == [(0, 0, False), (1, 0, True)]


def test_nearest_km_matches_the_matrix():
    """nearest_km gives each unit's distance to its nearest other unit (row by row, and by the tree)."""
    units = [unit(f"U{i}", "lowland", dlat=0.3 * i, dlon=0.1 * i * i) for i in range(6)]
    km = geodesic_km(units, units)
    np.fill_diagonal(km, np.inf)
    assert np.allclose(nearest_km(units), km.min(axis=1))
    with mock.patch.object(distance, "SMALL", 0):
        assert np.allclose(nearest_km(units), km.min(axis=1))


def test_within_caps():
    """The cap test: km cap, minutes cap, and a missing travel time when minutes matter."""
    assert within_caps(Rules(max_distance_km=10), 10.0, None)
    assert not within_caps(Rules(max_distance_km=10), 10.5, None)
    assert not within_caps(Rules(max_minutes=60), 1.0, None)
    assert within_caps(Rules(max_minutes=60), 1.0, 59.0)


def test_pair_within_keeps_pairs_inside_each_group():
    """issue 8 (part): with pair_within, only pairs sharing the column's value are candidates; a locked
    pair across groups stays (locks are kept as given); the brute-force definition agrees."""
    def u(code, role, group, dlat):
        return unit(code, role, dlat=dlat, attrs={"province_code": group})

    units = [u("L1", "lowland", "01", 0.0), u("L2", "lowland", "02", 0.1), u("L3", "lowland", "02", 0.2),
             u("R1", "remote", "01", 0.3), u("R2", "remote", "02", 0.4)]
    p = problem(units, locked=[("L1", "R2")], pair_within="province_code", max_distance_km=500)
    got = [(p.lowland[c.li].code, p.remote[c.ri].code, c.locked) for c in candidates(p)]
    assert got == [("L1", "R1", False), ("L1", "R2", True), ("L2", "R2", False), ("L3", "R2", False)]
    with mock.patch.object(distance, "SMALL", 0):
        assert [(c.li, c.ri) for c in candidates(p)] == [(0, 0), (0, 1), (1, 1), (2, 1)]
    from matcher.distance import same_group
    assert [(li, ri) for li, ri, _ in brute_candidates(p)
            if (p.lowland[li].code, p.remote[ri].code) in p.locked
            or same_group(p.rules, p.lowland[li], p.remote[ri])] == [(c.li, c.ri) for c in candidates(p)]


@pytest.mark.parametrize("rules", [{}, {"max_distance_km": 5000.0}, {"pair_within": "g"}])
def test_too_many_candidate_pairs_is_a_clear_input_error(rules):
    """issue 8 (part): a table whose allowed pairs exceed the limit is refused with the count, before any
    pair is measured (no MemoryError), on each path: every pair, the k-d tree, groups."""
    units = [unit(f"L{i}", "lowland", dlat=0.01 * i, attrs={"g": "1"}) for i in range(30)]
    units += [unit(f"R{i}", "remote", dlat=0.02 * i, attrs={"g": "1"}) for i in range(20)]
    p = problem(units, **rules)
    with mock.patch.object(distance, "MAX_CANDIDATE_PAIRS", 599), mock.patch.object(distance, "SMALL", 0), \
            pytest.raises(InputError) as info:
        candidates(p)
    assert "too large for this machine: 600 candidate pairs (at most 599)" in str(info.value)
    with mock.patch.object(distance, "MAX_CANDIDATE_PAIRS", 600):
        assert len(candidates(p)) == 600
