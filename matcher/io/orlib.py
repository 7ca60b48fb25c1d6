"""OR-Library / Chu–Beasley generalized assignment (GAP) files as matcher problems.

Format (whitespace-separated integers; line breaks carry no meaning)::

    [P]            number of problems (OR-Library ``gapN.txt`` files only)
    m n            agents, jobs
    c[i][j]        m rows of n costs (or profits) of giving job j to agent i
    a[i][j]        m rows of n resources agent i uses for job j
    b[i]           m capacities

Mapped onto the twinning model: every job is a lowland unit with exactly one partner, every
agent a remote unit with ``capacity`` b[i] and from 0 to n partners; the pair (job j, agent
i) has a travel-table row with ``load`` a[i][j] and ``km`` the cost. Only the distance stage
is solved (no staff domains), so the engine's distance stage *is* the GAP. A maximisation
file (OR-Library states gap1–gap12 so) is solved as the minimisation of ``K − c[i][j]`` with
K = max c, which differs from the profit by the constant n·K; :func:`objective` maps back.
The points are placeholders (0, 0): the travel table gives every pair's km.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, ValidationIssue
from ..model import Problem, Role, Rules, Travel, Unit


@dataclass(frozen=True)
class GapInstance:
    """One GAP problem of a file: costs ``c[i][j]``, loads ``a[i][j]``, capacities ``b[i]``."""

    name: str
    m: int
    n: int
    cost: tuple[tuple[int, ...], ...]
    load: tuple[tuple[int, ...], ...]
    capacity: tuple[int, ...]


def _fail(path: Path, message: str, value=None) -> InputError:
    return InputError([ValidationIssue(path.name, None, None, value, message)])


def read_gap(path: Path) -> list[GapInstance]:
    """Every problem in an OR-Library multi-problem file or a single-problem (Yagiura) file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as e:
        raise _fail(path, f"cannot be read as a GAP file ({e})") from e
    tokens = text.split()
    values = []
    for k, tok in enumerate(tokens, 1):
        try:
            values.append(int(tok))
        except ValueError:
            raise _fail(path, f"number {k} is not a whole number", tok) from None
    if any(v < 0 for v in values):
        raise _fail(path, "negative numbers are not allowed in a GAP file")

    def block(start: int) -> int:
        """The length of one problem (m, n, c, a, b) starting at ``start``, or -1."""
        if start + 2 > len(values):
            return -1
        m, n = values[start], values[start + 1]
        return 2 + 2 * m * n + m if m > 0 and n > 0 else -1

    single = block(0)
    if single == len(values):  # one problem, no count
        starts, names = [0], [path.stem]
    else:
        count = values[0] if values else 0
        starts, pos = [], 1
        for _ in range(count):
            size = block(pos)
            if size < 0 or pos + size > len(values):
                break
            starts.append(pos)
            pos += size
        if count < 1 or len(starts) != count or pos != len(values):
            raise _fail(path, f"is not a GAP file: {len(values)} numbers do not make one problem (m n c a b) "
                              "or a count followed by that many problems")
        names = [f"{path.stem}-{k}" for k in range(1, count + 1)]
    out = []
    for name, s in zip(names, starts, strict=True):
        m, n = values[s], values[s + 1]
        c0, a0, b0 = s + 2, s + 2 + m * n, s + 2 + 2 * m * n
        cost = tuple(tuple(values[c0 + i * n: c0 + (i + 1) * n]) for i in range(m))
        load = tuple(tuple(values[a0 + i * n: a0 + (i + 1) * n]) for i in range(m))
        out.append(GapInstance(name, m, n, cost, load, tuple(values[b0: b0 + m])))
    return out


def _offset(inst: GapInstance, sense: str) -> int:
    return max(max(row) for row in inst.cost) if sense == "max" else 0


def gap_problem(inst: GapInstance, sense: str = "min") -> Problem:
    """The GAP as a matcher :class:`Problem` (jobs lowland 1..1, agents remote with capacity)."""
    if sense not in ("min", "max"):
        raise ValueError(f"sense must be 'min' or 'max', got {sense!r}")
    k = _offset(inst, sense)
    jobs = [Unit(f"J{j + 1:04d}", f"job {j + 1}", Role.LOWLAND, 0.0, 0.0, 1, 1) for j in range(inst.n)]
    agents = [Unit(f"A{i + 1:03d}", f"agent {i + 1}", Role.REMOTE, 0.0, 0.0, 0, inst.n, capacity=inst.capacity[i])
              for i in range(inst.m)]
    travel = {
        (jobs[j].code, agents[i].code): Travel(km=float(k - inst.cost[i][j] if sense == "max" else inst.cost[i][j]),
                                               load=inst.load[i][j])
        for i in range(inst.m) for j in range(inst.n)
    }
    rules = Rules(objectives=("distance",), remote_min_partners=0, remote_max_partners=inst.n)
    return Problem(tuple(jobs + agents), (), rules, travel=travel, name=inst.name,
                   assumptions=(f"GAP {inst.name} ({sense}) read from an OR-Library file: jobs are lowland units, "
                                "agents remote units with capacities; cost is the distance stage",))


def objective(inst: GapInstance, sense: str, value: float | None) -> float | None:
    """The GAP objective (total cost, or total profit for ``max``) of a distance-stage value."""
    if value is None:
        return None
    return inst.n * _offset(inst, sense) - value if sense == "max" else value
