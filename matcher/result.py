"""What a solve returns: per-stage figures and the chosen pairs with their staff split."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import FrozenMap


class Status(str, enum.Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    MODEL_INVALID = "model_invalid"

    @property
    def has_solution(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class StageResult:
    """One lexicographic stage. ``value`` and ``bound`` are in ``unit``."""

    name: str
    status: Status
    value: float | None
    bound: float | None
    seconds: float
    unit: str

    @property
    def gap(self) -> float | None:
        """|value - bound| / max(1e-9, |value|); 0 when proven optimal."""
        if self.value is None or self.bound is None:
            return None
        if self.status is Status.OPTIMAL:
            return 0.0
        return abs(self.bound - self.value) / max(1e-9, abs(self.value))


@dataclass(frozen=True)
class Pair:
    """A chosen pair and the staff per domain the lowland unit allots to it."""

    lowland_code: str
    remote_code: str
    km: float
    minutes: float | None
    km_source: str
    locked: bool
    allot: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "allot", FrozenMap(self.allot))


@dataclass(frozen=True)
class Result:
    """The outcome of :func:`matcher.engine.stages.solve` or :func:`matcher.engine.stages.evaluate`.

    ``status`` is the weakest stage status: ``optimal`` only when every stage was proven.
    A ``feasible`` result is a plan with a gap, not an error.
    """

    status: Status
    stages: tuple[StageResult, ...]
    pairs: tuple[Pair, ...]
    seconds: float
    solver: str
    mode: str = "solve"  # or "evaluate"
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stages", tuple(self.stages))
        object.__setattr__(self, "pairs", tuple(self.pairs))
        object.__setattr__(self, "params", FrozenMap(self.params))
        if self.seconds < 0:
            raise ValueError("Negative solve time not understood.")

    def stage(self, name: str) -> StageResult | None:
        return next((s for s in self.stages if s.name == name), None)

    def summary(self) -> str:
        lines = [f"status {self.status.value}, {len(self.pairs)} pairs, {self.seconds:.2f} s"]
        for s in self.stages:
            val = "-" if s.value is None else f"{s.value:.4g}"
            bnd = "-" if s.bound is None else f"{s.bound:.4g}"
            lines.append(f"  {s.name:<9} {s.status.value:<10} value {val} bound {bnd} {s.unit}")
        return "\n".join(lines)
