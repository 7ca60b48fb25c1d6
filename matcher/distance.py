"""Distances between lowland and remote units, and the set of allowed pairs.

Geodesic distance on the WGS84 ellipsoid (``pyproj.Geod``), multiplied by the scenario's
``detour_factor``, unless the travel table gives road km for the pair. Travel minutes
come only from the travel table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from .model import Problem, Unit

_GEOD = Geod(ellps="WGS84")


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


def geodesic_km(a: list[Unit], b: list[Unit]) -> np.ndarray:
    """Matrix of geodesic km between every unit of ``a`` and every unit of ``b``."""
    if not a or not b:
        return np.zeros((len(a), len(b)))
    lat1 = np.repeat([u.lat for u in a], len(b))
    lon1 = np.repeat([u.lon for u in a], len(b))
    lat2 = np.tile([u.lat for u in b], len(a))
    lon2 = np.tile([u.lon for u in b], len(a))
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres).reshape(len(a), len(b)) / 1000.0


def pair_metrics(problem: Problem, lo: Unit, re: Unit, geo_km: float):
    """(km, minutes, km_source, load) of one pair, travel table first."""
    t = problem.travel.get((lo.code, re.code))
    if t is not None and t.km is not None:
        km, source = float(t.km), "travel table"
    else:
        km, source = geo_km * problem.rules.detour_factor, "geodesic x detour"
    minutes = t.minutes if t is not None else None
    load = t.load if t is not None and t.load is not None else 1
    return km, minutes, source, load


def candidates(problem: Problem) -> list[Candidate]:
    """Allowed pairs: not forbidden, and within every cap, or locked.

    A pair with no minutes in the travel table is not allowed when the scenario measures
    or caps distance in minutes (unless locked).
    """
    lows, rems = list(problem.lowland), list(problem.remote)
    geo = geodesic_km(lows, rems)
    rules = problem.rules
    locked, forbidden = problem.locked, problem.forbidden
    need_minutes = rules.distance_metric == "minutes" or rules.max_minutes is not None
    out = []
    for li, lo in enumerate(lows):
        for ri, re in enumerate(rems):
            key = (lo.code, re.code)
            if key in forbidden:
                continue
            km, minutes, source, load = pair_metrics(problem, lo, re, geo[li, ri])
            is_locked = key in locked
            if not is_locked:
                if rules.max_distance_km is not None and km > rules.max_distance_km:
                    continue
                if need_minutes and minutes is None:
                    continue
                if rules.max_minutes is not None and minutes > rules.max_minutes:
                    continue
            out.append(Candidate(li, ri, km, minutes, source, load, is_locked))
    return out
