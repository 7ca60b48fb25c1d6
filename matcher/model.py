"""The problem as plain, frozen data: units, pair rules, travel overrides, scenario rules.

This module imports nothing beyond the standard library. ``io`` builds a :class:`Problem`
from files; ``solve`` takes one. Variants come from :func:`dataclasses.replace`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

DEFAULT_DOMAINS = ("it", "digital", "planning", "construction", "finance", "land")
OBJECTIVES = ("balance", "shortfall", "distance")


class Role(str, enum.Enum):
    """Which side of a twinning a unit is on."""

    LOWLAND = "lowland"
    REMOTE = "remote"
    EXCLUDED = "excluded"


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Unit:
    """One commune-level unit (xã, phường, đặc khu) or a partner abroad.

    ``supply`` holds staff a lowland unit can second per domain; ``need`` the staff a
    remote unit needs per domain (non-negative integers, any unit the table uses).
    ``capacity`` (remote only, optional) bounds the total ``load`` of its partners.
    """

    code: str
    name: str
    role: Role
    lat: float
    lon: float
    min_partners: int | None = None
    max_partners: int | None = None
    supply: Mapping[str, int] = field(default_factory=dict)
    need: Mapping[str, int] = field(default_factory=dict)
    capacity: int | None = None
    attrs: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "supply", _frozen(self.supply))
        object.__setattr__(self, "need", _frozen(self.need))
        object.__setattr__(self, "attrs", _frozen(self.attrs))
        if not self.code:
            raise ValueError("A unit needs a non-empty code.")
        for kind, values in (("supply", self.supply), ("need", self.need)):
            for domain, value in values.items():
                if int(value) != value or value < 0:
                    raise ValueError(
                        f"Unit {self.code}: {kind} '{domain}' must be an integer >= 0, "
                        f"got {value!r}."
                    )
        if self.capacity is not None and self.capacity < 0:
            raise ValueError(f"Unit {self.code}: capacity must be >= 0.")

    @property
    def total_need(self) -> int:
        return sum(self.need.values())


class PairStatus(str, enum.Enum):
    LOCKED = "locked"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class PairRule:
    """A pair that must be kept (``locked``) or must not be made (``forbidden``)."""

    lowland_code: str
    remote_code: str
    status: PairStatus
    note: str = ""


@dataclass(frozen=True)
class Travel:
    """Measured travel between two units; either field may be missing."""

    km: float | None = None
    minutes: float | None = None
    load: int | None = None


@dataclass(frozen=True)
class Rules:
    """Scenario settings that shape the model (not the solver).

    ``max_distance_km`` caps road km (geodesic km x ``detour_factor`` unless the travel
    table gives km); ``max_minutes`` caps travel time where the travel table gives it.
    ``objectives`` is the lexicographic order; ``tolerances`` the relative slack each
    stage leaves to the next (0 keeps the stage's value exactly).
    """

    max_distance_km: float | None = None
    max_minutes: float | None = None
    detour_factor: float = 1.0
    lowland_min_partners: int = 1
    lowland_max_partners: int = 1
    remote_min_partners: int = 1
    remote_max_partners: int = 3
    objectives: tuple[str, ...] = OBJECTIVES
    tolerances: Mapping[str, float] = field(default_factory=dict)
    distance_metric: str = "km"

    def __post_init__(self) -> None:
        object.__setattr__(self, "objectives", tuple(self.objectives))
        object.__setattr__(self, "tolerances", _frozen(self.tolerances))
        unknown = [o for o in self.objectives if o not in OBJECTIVES]
        if unknown or len(set(self.objectives)) != len(self.objectives):
            raise ValueError(
                f"objectives must be distinct names from {OBJECTIVES}, got {self.objectives}."
            )
        for name, tol in self.tolerances.items():
            if name not in OBJECTIVES or not 0 <= tol < 1:
                raise ValueError(f"tolerance for '{name}' must be in [0, 1), got {tol}.")
        for name in ("max_distance_km", "max_minutes"):
            cap = getattr(self, name)
            if cap is not None and not (cap == cap and 0 <= cap < float("inf")):
                raise ValueError(f"{name} must be a finite number >= 0, got {cap}.")
        if self.detour_factor < 1:
            raise ValueError(f"detour_factor must be >= 1, got {self.detour_factor}.")
        if self.distance_metric not in ("km", "minutes"):
            raise ValueError("distance_metric must be 'km' or 'minutes'.")
        for lo, hi, side in (
            (self.lowland_min_partners, self.lowland_max_partners, "lowland"),
            (self.remote_min_partners, self.remote_max_partners, "remote"),
        ):
            if lo < 0 or hi < lo:
                raise ValueError(f"{side} partner bounds must satisfy 0 <= min <= max.")


@dataclass(frozen=True)
class SolveParams:
    """How to run the solver. ``time_limit_s`` is the budget for all stages together."""

    time_limit_s: float = 60.0
    workers: int = 1
    seed: int = 0
    log: bool = False

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError(f"time_limit_s must be > 0, got {self.time_limit_s}.")
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}.")


@dataclass(frozen=True)
class Problem:
    """Everything the solver needs. Units keep their input order."""

    units: tuple[Unit, ...]
    domains: tuple[str, ...]
    rules: Rules = field(default_factory=Rules)
    pair_rules: tuple[PairRule, ...] = ()
    travel: Mapping[tuple[str, str], Travel] = field(default_factory=dict)
    name: str = "scenario"
    assumptions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    assumptions_vi: tuple[str, ...] = ()  # the same in Vietnamese, where the scenario gives it
    sources_vi: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "pair_rules", tuple(self.pair_rules))
        object.__setattr__(self, "travel", _frozen(self.travel))
        codes = [u.code for u in self.units]
        if len(set(codes)) != len(codes):
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            raise ValueError(f"Duplicate unit codes: {dupes}.")
        by_code = {u.code: u for u in self.units}
        for rule in self.pair_rules:
            lo, re = by_code.get(rule.lowland_code), by_code.get(rule.remote_code)
            if lo is None or lo.role is not Role.LOWLAND:
                raise ValueError(f"Pair rule names unknown lowland unit {rule.lowland_code}.")
            if re is None or re.role is not Role.REMOTE:
                raise ValueError(f"Pair rule names unknown remote unit {rule.remote_code}.")

    @cached_property
    def lowland(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.role is Role.LOWLAND)

    @cached_property
    def remote(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.role is Role.REMOTE)

    def unit(self, code: str) -> Unit:
        for u in self.units:
            if u.code == code:
                return u
        raise KeyError(code)

    def partner_bounds(self, unit: Unit) -> tuple[int, int]:
        """The (min, max) partner count of a unit: its own, else the scenario default."""
        r = self.rules
        if unit.role is Role.LOWLAND:
            lo, hi = r.lowland_min_partners, r.lowland_max_partners
        else:
            lo, hi = r.remote_min_partners, r.remote_max_partners
        lo = unit.min_partners if unit.min_partners is not None else lo
        hi = unit.max_partners if unit.max_partners is not None else hi
        return lo, hi

    @cached_property
    def splitting(self) -> tuple[bool, ...]:
        """Per lowland unit: may it take several partners (and so split its staff)?"""
        return tuple(self.partner_bounds(u)[1] > 1 for u in self.lowland)

    @cached_property
    def locked(self) -> frozenset[tuple[str, str]]:
        return frozenset(
            (p.lowland_code, p.remote_code)
            for p in self.pair_rules
            if p.status is PairStatus.LOCKED
        )

    @cached_property
    def forbidden(self) -> frozenset[tuple[str, str]]:
        return frozenset(
            (p.lowland_code, p.remote_code)
            for p in self.pair_rules
            if p.status is PairStatus.FORBIDDEN
        )
