"""Distances between units, the one cap test, and the set of allowed pairs.

Geodesic distance on the WGS84 ellipsoid (``pyproj.Geod``), multiplied by the scenario's
``detour_factor``, unless the travel table gives road km for the pair. Travel minutes
come only from the travel table.

Nothing here builds a lowland × remote matrix. Allowed pairs are found with a k-d tree
over points on the unit sphere (``scipy.spatial.cKDTree``): with a distance cap only the
pairs within the cap's radius (plus a margin for the ellipsoid) are measured exactly, so
memory grows with the number of candidate pairs, not with the product of the sides.
Without a cap, or when there are at most 400,000 pairs, every pair is measured, in blocks
of at most a million, keeping only those allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from .errors import InputError, ValidationIssue
from .model import Problem, Role, Rules, Unit

_GEOD = Geod(ellps="WGS84")
EARTH_KM = 6371.0088  # mean radius, for the tree's search radius only (exact km come from Geod)
RADIUS_MARGIN = 1.01  # the sphere may understate ellipsoidal distance by up to ~0.5 %
BLOCK = 1_000_000  # pairs measured per call when every pair is a candidate
MAX_CANDIDATE_PAIRS = 1_000_000  # beyond this the model would not be built and solved on 2 cores and 24 GiB
SMALL = 400  # units (or lowland x remote pairs / 1000) below which the tree is not worth importing scipy


@dataclass(frozen=True)
class Candidate:
    """A pair the model may choose: within the caps and not forbidden, or locked."""

    li: int  # index into problem.lowland
    ri: int  # index into problem.remote
    km: float
    minutes: float | None
    km_source: str  # "travel table" or "geodesic x detour"
    load: int
    locked: bool


def geodesic_pairs_km(a: Sequence[Unit], b: Sequence[Unit]) -> np.ndarray:
    """Geodesic km between ``a[i]`` and ``b[i]`` for every i (two equal-length sequences)."""
    if len(a) != len(b):
        raise ValueError("geodesic_pairs_km needs two sequences of the same length")
    if not a:
        return np.zeros(0)
    _, _, metres = _GEOD.inv([u.lon for u in a], [u.lat for u in a], [u.lon for u in b], [u.lat for u in b])
    return np.atleast_1d(np.asarray(metres, dtype=float)) / 1000.0


def _xyz(units: Sequence[Unit]) -> np.ndarray:
    lat = np.radians([u.lat for u in units])
    lon = np.radians([u.lon for u in units])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _chord(km: float) -> float:
    """The straight-line (chord) length on the unit sphere of a great-circle distance."""
    angle = min(np.pi, km * RADIUS_MARGIN / EARTH_KM)
    return float(2 * np.sin(angle / 2)) + 1e-12


def nearest_km(units: Sequence[Unit]) -> np.ndarray:
    """Per unit, the geodesic km to the nearest other unit (inf when alone).

    Up to SMALL units, one row of distances at a time (no scipy import, which costs a
    quarter of a second); beyond, a k-d tree finds each unit's neighbour.
    """
    n = len(units)
    if n < 2:
        return np.full(n, np.inf)
    if n <= SMALL:
        out = np.empty(n)
        for i, u in enumerate(units):
            row = geodesic_pairs_km([u] * n, list(units))
            row[i] = np.inf
            out[i] = row.min()
        return out
    from scipy.spatial import cKDTree

    _, idx = cKDTree(_xyz(units)).query(_xyz(units), k=2)
    others = [units[j] for j in idx[:, 1]]
    return geodesic_pairs_km(list(units), others)


DEFAULT_LOAD = 1  # a pair's load on its remote unit's capacity when the travel table gives none
TRAVEL_SOURCE = "travel table"  # a pair's km_source: measured ...
GEODESIC_SOURCE = "geodesic x detour"  # ... or straight-line km times the scenario's detour factor


def pair_load(problem: Problem, lowland_code: str, remote_code: str) -> int:
    """A pair's load on the remote unit's capacity: the travel table's ``load``, else 1."""
    t = problem.travel.get((lowland_code, remote_code))
    return t.load if t is not None and t.load is not None else DEFAULT_LOAD


def pair_metrics(problem: Problem, lo: Unit, re: Unit, geo_km: float | None = None):
    """(km, minutes, km_source, load) of one pair, travel table first.

    ``geo_km`` is the pair's geodesic km when the caller has it; otherwise it is measured.
    """
    t = problem.travel.get((lo.code, re.code))
    if t is not None and t.km is not None:
        km, source = float(t.km), TRAVEL_SOURCE
    else:
        if geo_km is None:
            geo_km = float(geodesic_pairs_km([lo], [re])[0])
        km, source = float(geo_km) * problem.rules.detour_factor, GEODESIC_SOURCE
    minutes = t.minutes if t is not None else None
    return km, minutes, source, pair_load(problem, lo.code, re.code)


def needs_minutes(rules: Rules) -> bool:
    """Does the scenario measure or cap distance in minutes (so a pair needs a travel time)?"""
    return rules.distance_metric == "minutes" or rules.max_minutes is not None


def within_caps(rules: Rules, km: float, minutes: float | None) -> bool:
    """The one cap test: is a pair of this km and these minutes allowed by the caps?

    A pair with no minutes fails when the scenario measures or caps minutes.
    """
    if rules.max_distance_km is not None and km > rules.max_distance_km:
        return False
    if needs_minutes(rules) and minutes is None:
        return False
    return not (rules.max_minutes is not None and minutes is not None and minutes > rules.max_minutes)


def _indices(problem: Problem, keys) -> set[tuple[int, int]]:
    """(li, ri) of the (lowland code, remote code) keys that name a lowland and a remote unit."""
    by, ix = problem.by_code, problem.index
    out = set()
    for lc, rc in keys:
        lo, re = by.get(lc), by.get(rc)
        if lo is not None and re is not None and lo.role is Role.LOWLAND and re.role is Role.REMOTE:
            out.add((ix[lc], ix[rc]))
    return out


def same_group(rules: Rules, lo: Unit, re: Unit) -> bool:
    """The grouping rule: with ``pair_within`` set, both units carry the same value in that column."""
    col = rules.pair_within
    return col is None or lo.attrs.get(col) == re.attrs.get(col)


def too_large(problem: Problem, n: int) -> InputError:
    """The clear refusal of a table whose allowed pairs would not fit (instead of a MemoryError)."""
    return InputError([ValidationIssue(
        problem.name, None, None, f"{n:,}",
        f"too large for this machine: {n:,} candidate pairs (at most {MAX_CANDIDATE_PAIRS:,}); set a distance "
        "cap (max_distance_km, --max-distance-km) or pair only within groups (pair_within, --pair-within)")])


def _check_size(problem: Problem, n: int) -> None:
    if n > MAX_CANDIDATE_PAIRS:
        raise too_large(problem, n)


def _group_pairs(problem: Problem) -> set[tuple[int, int]]:
    """Every (li, ri) inside one group of ``pair_within`` (a province: its lowland × its remote)."""
    col = problem.rules.pair_within
    rems_by: dict[object, list[int]] = {}
    for ri, re in enumerate(problem.remote):
        rems_by.setdefault(re.attrs.get(col), []).append(ri)
    _check_size(problem, sum(len(rems_by.get(lo.attrs.get(col), ())) for lo in problem.lowland))
    return {(li, ri) for li, lo in enumerate(problem.lowland) for ri in rems_by.get(lo.attrs.get(col), ())}


def _near_pairs(problem: Problem) -> set[tuple[int, int]] | None:
    """Index pairs whose geodesic km may be within the km cap, or None (no cap: every pair)."""
    rules = problem.rules
    lows, rems = problem.lowland, problem.remote
    if rules.pair_within is not None and not needs_minutes(rules):
        return _group_pairs(problem)  # the cap, if any, is tested exactly on these few
    if needs_minutes(rules):  # only pairs with a travel time can be allowed
        return _indices(problem, [k for k, t in problem.travel.items() if t.minutes is not None])
    if rules.max_distance_km is None or len(lows) * len(rems) <= SMALL * 1000:
        _check_size(problem, len(lows) * len(rems))
        return None  # every pair is measured (in blocks): small, or no cap to search within
    from scipy.spatial import cKDTree

    out: set[tuple[int, int]] = set()
    if lows and rems:
        radius = _chord(rules.max_distance_km / rules.detour_factor)
        tree = cKDTree(_xyz(rems))
        _check_size(problem, int(tree.query_ball_point(_xyz(lows), r=radius, return_length=True).sum()))
        for li, near in enumerate(tree.query_ball_point(_xyz(lows), r=radius)):
            out.update((li, ri) for ri in near)
    return out


def _all_pairs(n_low: int, n_rem: int):
    """Every (li, ri) in blocks of at most BLOCK pairs."""
    step = max(1, BLOCK // max(1, n_rem))
    for start in range(0, n_low, step):
        for li in range(start, min(n_low, start + step)):
            yield from ((li, ri) for ri in range(n_rem))


def candidates(problem: Problem) -> list[Candidate]:
    """Allowed pairs, in lowland-then-remote order: not forbidden, and within every cap, or locked.

    A pair with no minutes in the travel table is not allowed when the scenario measures
    or caps distance in minutes (unless locked).
    """
    lows, rems = problem.lowland, problem.remote
    near = _near_pairs(problem)
    keys = None if near is None else near | _indices(problem, (*problem.locked, *problem.travel))
    ordered = _all_pairs(len(lows), len(rems)) if keys is None else iter(sorted(keys))
    rules, locked, forbidden, travel = problem.rules, problem.locked, problem.forbidden, problem.travel
    detour, cap = rules.detour_factor, rules.max_distance_km
    out: list[Candidate] = []
    while True:
        block = [k for _, k in zip(range(BLOCK), ordered, strict=False)]
        if not block:
            break
        codes = [(lows[li].code, rems[ri].code) for li, ri in block]
        geo = geodesic_pairs_km([lows[li] for li, _ in block], [rems[ri] for _, ri in block])
        km = geo * detour
        # Pairs the travel table, the locks or the forbids name are few: handle them one by one.
        special = {j for j, key in enumerate(codes) if key in travel or key in locked or key in forbidden}
        plain = np.ones(len(block), dtype=bool) if cap is None else km <= cap  # within_caps, vectorised
        if needs_minutes(rules):
            plain[:] = False  # a pair needs a travel time, and only the travel table gives one
        for j in np.flatnonzero(plain):
            if j not in special:
                li, ri = block[j]
                out.append(Candidate(li, ri, float(km[j]), None, GEODESIC_SOURCE, DEFAULT_LOAD, False))
        for j in sorted(special):
            key = codes[j]
            if key in forbidden:
                continue
            li, ri = block[j]
            km_j, minutes, source, load = pair_metrics(problem, lows[li], rems[ri], float(geo[j]))
            is_locked = key in locked
            if is_locked or (within_caps(rules, km_j, minutes) and same_group(rules, lows[li], rems[ri])):
                out.append(Candidate(li, ri, km_j, minutes, source, load, is_locked))
    out.sort(key=lambda c: (c.li, c.ri))
    return out
