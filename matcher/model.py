"""The problem as plain, frozen data: units, pair rules, travel overrides, scenario rules.

This module imports nothing beyond the standard library. ``io`` builds a :class:`Problem`
from files; ``engine`` takes one. Variants come from :func:`dataclasses.replace`. Every
object here pickles to an equal object (process pools, Dask). :data:`STAGES` is the one
table of objective stages (name, sense, unit, label key) that engine, analysis and
render read.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

DEFAULT_DOMAINS = ("it", "digital", "planning", "construction", "finance", "land")


@dataclass(frozen=True)
class Stage:
    """One objective stage: its name, sense, the unit of its figures and its label key.

    ``unit`` is the unit of ``value``/``bound`` in a :class:`~matcher.result.StageResult`;
    the distance stage's unit follows the scenario's ``distance_metric`` (``km`` or
    ``minutes``). ``eps`` is the difference below which two figures count as the same;
    ``label_key`` names the stage's KPI in the vi/en catalogue (``matcher.i18n``).
    """

    name: str
    sense: str  # "max" or "min"
    unit: str  # "ratio", "need units", or "metric" (the scenario's distance metric)
    label_key: str
    eps: float

    def unit_for(self, rules: Rules) -> str:
        return rules.distance_metric if self.unit == "metric" else self.unit

    def compare(self, before: float | None, after: float | None) -> str:
        """``same``, ``better``, ``worse`` (or ``unknown``) going from ``before`` to ``after``."""
        if before is None or after is None:
            return "unknown"
        diff = after - before
        if abs(diff) <= self.eps:
            return "same"
        return "better" if (diff > 0) == (self.sense == "max") else "worse"


STAGES: dict[str, Stage] = {
    "balance": Stage("balance", "max", "ratio", "min_coverage", 1e-9),
    "shortfall": Stage("shortfall", "min", "need units", "total_shortfall", 1e-9),
    "distance": Stage("distance", "min", "metric", "total_distance", 1e-6),
    # pairs added or dropped against a published plan (Problem.baseline; matcher solve --from-plan)
    "changes": Stage("changes", "min", "pairs", "plan_changes", 1e-9),
}
OBJECTIVES = ("balance", "shortfall", "distance")  # the default order; "changes" only with a baseline

# CP-SAT's limits on its parameters (int32 fields): beyond these it fails, so they are input errors.
MAX_SEED = 2**31 - 1
MAX_WORKERS = 64  # far beyond any planner's machine; CP-SAT accepts up to int32
MAX_TIME_LIMIT_S = 7 * 24 * 3600.0  # a week: the solver's own clock has no use for more


class Role(str, enum.Enum):
    """Which side of a twinning a unit is on."""

    LOWLAND = "lowland"
    REMOTE = "remote"
    EXCLUDED = "excluded"


class FrozenMap(Mapping):
    """A read-only mapping that pickles (``MappingProxyType`` does not)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping | Any = ()) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name, value):
        raise AttributeError("FrozenMap is read-only")

    def __reduce__(self):
        return (FrozenMap, (self._data,))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))


def _frozen(mapping: Mapping | None) -> Mapping:
    return mapping if isinstance(mapping, FrozenMap) else FrozenMap(mapping or {})


def _finite(value) -> bool:
    """A real number (int or float, not bool, not text) that is neither NaN nor ±inf."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return value == value and abs(float(value)) != float("inf")
    except OverflowError:  # an int too large for a float
        return False


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
    pair_within: str | None = None  # a units-table column (e.g. province_code): pairs only within a value
    max_changes: int | None = None  # at most this many pairs added or dropped against Problem.baseline

    def __post_init__(self) -> None:
        object.__setattr__(self, "objectives", tuple(self.objectives))
        object.__setattr__(self, "tolerances", _frozen(self.tolerances))
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(f"{key}: {msg}" for key, _, msg in problems))

    def problems(self) -> list[tuple[str, object, str]]:
        """Every bad setting as ``(setting, value, message)``; empty when all are good.

        The scenario reader and the CLI wrap these with their file and key or option name.
        """
        out: list[tuple[str, object, str]] = []
        unknown = [o for o in self.objectives if o not in STAGES]
        if unknown or len(set(self.objectives)) != len(self.objectives) or not self.objectives:
            out.append(("objectives", ",".join(map(str, self.objectives)),
                        f"must be distinct names from {', '.join(STAGES)}"))
        for name, tol in self.tolerances.items():
            if name not in STAGES:
                out.append(("tolerances", name, f"is not a stage; stages are {', '.join(STAGES)}"))
            elif isinstance(tol, bool) or not _finite(tol) or not 0 <= tol < 1:
                out.append((f"tolerances.{name}", tol, "must be a number in [0, 1)"))
        for name in ("max_distance_km", "max_minutes"):
            cap = getattr(self, name)
            if cap is not None and (isinstance(cap, bool) or not _finite(cap) or cap < 0):
                out.append((name, cap, "must be a finite number >= 0"))
        d = self.detour_factor
        if isinstance(d, bool) or not _finite(d) or d < 1 or d > 100:
            out.append(("detour_factor", d, "must be a finite number from 1 to 100"))
        if self.distance_metric not in ("km", "minutes"):
            out.append(("distance_metric", self.distance_metric, "must be 'km' or 'minutes'"))
        m = self.max_changes
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or not 0 <= m <= 10**7):
            out.append(("max_changes", m, "must be a whole number >= 0"))
        g = self.pair_within
        if g is not None and (not isinstance(g, str) or not g.strip() or g != g.strip()):
            out.append(("pair_within", g, "must be the name of a units-table column, e.g. province_code"))
        for side in ("lowland", "remote"):
            lo, hi = getattr(self, f"{side}_min_partners"), getattr(self, f"{side}_max_partners")
            bad = False
            for key, v in ((f"{side}_min_partners", lo), (f"{side}_max_partners", hi)):
                if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10_000:
                    out.append((key, v, "must be a whole number from 0 to 10000"))
                    bad = True
            if not bad and hi < lo:
                out.append((f"{side}_max_partners", hi, f"must be >= {side}_min_partners ({lo})"))
        return out


@dataclass(frozen=True)
class SolveParams:
    """How to run the solver. ``time_limit_s`` is the budget for all stages together."""

    time_limit_s: float = 60.0
    workers: int = 1
    seed: int = 0
    log: bool = False

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(f"{key}: {msg}" for key, _, msg in problems))

    def problems(self) -> list[tuple[str, object, str]]:
        """Every bad setting as ``(setting, value, message)``; empty when all are good."""
        out: list[tuple[str, object, str]] = []
        t = self.time_limit_s
        if isinstance(t, bool) or not _finite(t) or not 0 < t <= MAX_TIME_LIMIT_S:
            out.append(("time_limit_s", t, f"must be a number of seconds > 0 and <= {MAX_TIME_LIMIT_S:g}"))
        for key, v, lo, hi in (("workers", self.workers, 1, MAX_WORKERS), ("seed", self.seed, 0, MAX_SEED)):
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                out.append((key, v, f"must be a whole number from {lo} to {hi}"))
        return out


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
    # a published plan to keep as far as the rules allow (matcher solve --from-plan): (lowland, remote)
    # codes; None = no published plan (an empty tuple is a published plan with no pairs)
    baseline: tuple[tuple[str, str], ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "pair_rules", tuple(self.pair_rules))
        if self.baseline is not None:
            object.__setattr__(self, "baseline", tuple(sorted({(str(a), str(b)) for a, b in self.baseline})))
        object.__setattr__(self, "travel", _frozen(self.travel))
        by_code = {u.code: u for u in self.units}
        if len(by_code) != len(self.units):
            seen: set[str] = set()
            dupes = sorted({u.code for u in self.units if u.code in seen or seen.add(u.code)})
            raise ValueError(f"Duplicate unit codes: {dupes}.")
        for rule in self.pair_rules:
            lo, re = by_code.get(rule.lowland_code), by_code.get(rule.remote_code)
            if lo is None or lo.role is not Role.LOWLAND:
                raise ValueError(f"Pair rule names unknown lowland unit {rule.lowland_code}.")
            if re is None or re.role is not Role.REMOTE:
                raise ValueError(f"Pair rule names unknown remote unit {rule.remote_code}.")
        for lc, rc in self.baseline or ():
            lo, re = by_code.get(lc), by_code.get(rc)
            if lo is None or lo.role is not Role.LOWLAND or re is None or re.role is not Role.REMOTE:
                raise ValueError(f"Published plan pair {lc}-{rc} does not name a lowland and a remote unit.")

    @cached_property
    def lowland(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.role is Role.LOWLAND)

    @cached_property
    def remote(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.role is Role.REMOTE)

    @cached_property
    def by_code(self) -> Mapping[str, Unit]:
        """Units by code (O(1) lookup)."""
        return FrozenMap({u.code: u for u in self.units})

    @cached_property
    def index(self) -> Mapping[str, int]:
        """Position of each lowland / remote unit in ``lowland`` / ``remote`` by code."""
        return FrozenMap({**{u.code: i for i, u in enumerate(self.lowland)},
                          **{u.code: i for i, u in enumerate(self.remote)}})

    def unit(self, code: str) -> Unit:
        return self.by_code[code]

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

    def changes(self, pairs) -> int:
        """Pairs added or dropped against the published plan (0 without one): ``pairs`` are
        :class:`~matcher.result.Pair` or (lowland, remote) codes."""
        if self.baseline is None:
            return 0
        keys = {(p.lowland_code, p.remote_code) if hasattr(p, "lowland_code") else tuple(p) for p in pairs}
        return len(keys.symmetric_difference(self.baseline))

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
