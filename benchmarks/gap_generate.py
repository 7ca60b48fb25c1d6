"""Generalized assignment instances of types D and E, written in the OR-Library single-problem format.

``python benchmarks/gap_generate.py OUT [--types D E] [--sizes 5x100 10x100 ...]``

writes ``OUT/d05100``, ``OUT/e10200`` … (Yagiura's names: type letter, agents in two digits,
jobs), one problem per file, in the layout :func:`matcher.io.orlib.read_gap` reads
(``m n``, the m × n costs, the m × n resources, the m capacities; 12 numbers a line). Both
types are **minimisation** problems (maximised they are trivial).

Rules, with ``U[a, b]`` a uniform integer, ``u`` a uniform real in (0, 1]:

* type D (Chu & Beasley 1997, after Martello & Toth):
  ``a_ij = U[1, 100]``, ``c_ij = 111 - a_ij + e``, ``e = U[-10, 10]``,
  ``b_i = floor(0.8 * sum_j a_ij / m)``; costs are inversely correlated with resources.
* type E (Laguna, Kelly, González-Velarde & Glover 1995; used by Yagiura, Ibaraki & Glover):
  ``a_ij = floor(1 - 10 ln u1)``, ``c_ij = floor(1000 / a_ij - 10 u2)``,
  ``b_i = floor(0.8 * sum_j a_ij / m)``. The one deviation: a cost below 0 (possible only when
  ``a_ij > 100``, about one entry in 20,000) is set to 0, since the format holds non-negative
  integers.

Sources: P. C. Chu and J. E. Beasley, "A genetic algorithm for the generalised assignment
problem", Computers & Operations Research 24(1) (1997) 17-23, section 5 (types A-D);
M. Laguna, J. P. Kelly, J. L. González-Velarde and F. Glover, "Tabu search for the multilevel
generalized assignment problem", European Journal of Operational Research 82 (1995) 176-189
(type E); both restated in M. Yagiura, T. Ibaraki and F. Glover, "An ejection chain approach
for the generalized assignment problem", INFORMS Journal on Computing 16(2) (2004) 133-151.
Yagiura's GAP page says the type D files with n <= 200 are OR-Library's and that D and E are
to be solved as minimisation. The paper texts could not be fetched here; the formulas are the
ones these papers state, as restated in the later literature, and the integer rounding
(``floor``) is this generator's choice. These are *our own* instances drawn by those rules,
not the published files: their best values are not in the literature, hence the long HiGHS
reference run of ``benchmarks/gap_large.py``.

Seeds: problem (type, m, n) uses ``random.Random(f"{SEED_BASE}-{type}-{m}-{n}")``, so each
file is the same on every machine and Python >= 3.2 (string seeds are hashed with SHA-512).
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

SEED_BASE = "matcher-gap-2026"
SIZES = ((5, 100), (10, 100), (20, 100), (5, 200), (10, 200), (20, 200))
TYPES = ("D", "E")


def name(kind: str, m: int, n: int) -> str:
    """Yagiura's file name: ``d05100`` is type D, 5 agents, 100 jobs."""
    return f"{kind.lower()}{m:02d}{n}"


def generate(kind: str, m: int, n: int, seed: str | None = None) -> tuple[list[list[int]], list[list[int]], list[int]]:
    """Costs ``c[i][j]``, resources ``a[i][j]`` and capacities ``b[i]`` of one type D or E problem."""
    if kind not in TYPES:
        raise ValueError(f"type must be one of {TYPES}, got {kind!r}")
    rng = random.Random(seed if seed is not None else f"{SEED_BASE}-{kind}-{m}-{n}")
    cost = [[0] * n for _ in range(m)]
    load = [[0] * n for _ in range(m)]
    for i in range(m):
        for j in range(n):
            if kind == "D":
                a = rng.randint(1, 100)
                c = 111 - a + rng.randint(-10, 10)
            else:
                u1 = 1.0 - rng.random()  # (0, 1]: ln is finite
                a = math.floor(1 - 10 * math.log(u1))
                c = max(0, math.floor(1000 / a - 10 * rng.random()))
            load[i][j], cost[i][j] = a, c
    capacity = [math.floor(0.8 * sum(load[i]) / m) for i in range(m)]
    return cost, load, capacity


def render(cost: list[list[int]], load: list[list[int]], capacity: list[int]) -> str:
    """The OR-Library single-problem text: ``m n``, costs, resources, capacities, 12 numbers a line."""
    m, n = len(cost), len(cost[0])
    nums = [v for row in cost for v in row] + [v for row in load for v in row]
    lines = [f" {m} {n}"]
    lines += [" " + " ".join(str(v) for v in nums[k:k + 12]) for k in range(0, len(nums), 12)]
    lines += [" " + " ".join(str(v) for v in capacity[k:k + 12]) for k in range(0, m, 12)]
    return "\n".join(lines) + "\n"


def write_all(out: Path, types=TYPES, sizes=SIZES) -> list[Path]:
    """Write every (type, size) problem into ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in types:
        for m, n in sizes:
            p = out / name(kind, m, n)
            p.write_text(render(*generate(kind, m, n)), encoding="ascii")
            paths.append(p)
    return paths


def _size(text: str) -> tuple[int, int]:
    m, _, n = text.partition("x")
    return int(m), int(n)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--types", nargs="+", choices=TYPES, default=list(TYPES))
    ap.add_argument("--sizes", nargs="+", type=_size, default=list(SIZES), help="MxN, e.g. 10x200")
    args = ap.parse_args(argv)
    for p in write_all(args.out, args.types, args.sizes):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
