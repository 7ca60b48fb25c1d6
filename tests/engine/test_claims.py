"""issue 8 (part): a stage reports at least what the returned plan achieves on it."""

from __future__ import annotations

import random

from helpers import problem, unit
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.engine import solve
from matcher.kpis import stage_figures
from matcher.model import STAGES, SolveParams
from matcher.result import Status


def random_problem(seed: int):
    """A small random instance in which some lowland units may take two partners."""
    rng = random.Random(seed)
    units = [unit(f"L{i}", "lowland", {d: rng.randint(0, 3) for d in ("it", "land")}, dlat=rng.uniform(-1, 1),
                  dlon=rng.uniform(-1, 1), max_partners=rng.choice([1, 1, 2])) for i in range(rng.randint(3, 6))]
    units += [unit(f"R{i}", "remote", need={d: rng.randint(0, 4) for d in ("it", "land")}, dlat=rng.uniform(-1, 1),
                   dlon=rng.uniform(-1, 1)) for i in range(rng.randint(2, 3))]
    return problem(units, domains=("it", "land"), lowland_min_partners=0, remote_min_partners=1,
                   remote_max_partners=3)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_stage_values_are_never_worse_than_the_returned_plan(seed):
    """Every stage's value is at least as good as the plan's own figure on it, and a stage whose
    value meets its bound is reported optimal."""
    p = random_problem(seed)
    res = solve(p, SolveParams(time_limit_s=5, seed=1))
    if not res.status.has_solution:
        return
    figs = stage_figures(p, res)
    for s in res.stages:
        assert s.value is not None
        assert STAGES[s.name].compare(figs[s.name], s.value) in ("same", "better"), (s, figs)
        if s.name != "distance" and s.bound is not None and abs(s.value - s.bound) <= 1e-9:
            assert s.status is Status.OPTIMAL, s
