"""Generalized assignment benchmarks through the twinning engine (``matcher bench gap``).

Each problem of an OR-Library / Chu–Beasley file becomes a :class:`~matcher.model.Problem`
(:func:`matcher.io.orlib.gap_problem`) and is solved by the same engine, distance stage only.
A row's ``seconds`` and ``cpu_seconds`` cover building that problem and solving it, in the
calling process: the interpreter's start and the imports (about 0.8 s for ``matcher bench
gap``, paid once per process) are not in them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..engine import solve
from ..errors import InputError, ValidationIssue
from ..io.orlib import gap_problem, objective, read_gap
from ..model import SolveParams
from ..result import Status


@dataclass(frozen=True)
class GapRow:
    """One problem's outcome: GAP objective and bound in the file's own sense."""

    instance: str
    sense: str
    m: int
    n: int
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float  # wall: problem build + solve, in this process (no interpreter start or imports)
    cpu_seconds: float  # CPU time of this process over the same span (all threads)

    def as_dict(self) -> dict:
        return asdict(self)


def solve_gap(path: Path, problem: int | None = None, sense: str = "min",
              params: SolveParams | None = None) -> list[GapRow]:
    """Solve every problem of a GAP file (or only the 1-based ``problem``)."""
    instances = read_gap(path)
    if problem is not None:
        if not 1 <= problem <= len(instances):
            raise InputError([ValidationIssue("--problem", None, None, problem,
                                              f"{Path(path).name} holds problems 1..{len(instances)}")])
        instances = [instances[problem - 1]]
    rows = []
    for inst in instances:
        start, cpu = time.perf_counter(), time.process_time()
        result = solve(gap_problem(inst, sense), params or SolveParams())
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        stage = result.stage("distance")
        value = objective(inst, sense, stage.value if stage else None)
        bound = objective(inst, sense, stage.bound if stage else None)
        gap = None
        if value is not None and bound is not None:
            gap = 0.0 if result.status is Status.OPTIMAL else abs(value - bound) / max(1e-9, abs(value))
        rows.append(GapRow(inst.name, sense, inst.m, inst.n, result.status.value, value, bound, gap, seconds,
                           cpu))
    return rows
