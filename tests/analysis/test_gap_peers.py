"""issue 8: generated GAPs solved exactly by the engine, and the HiGHS peer agreeing on a tiny one."""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.analysis.gap import solve_gap
from matcher.io.orlib import read_gap
from matcher.model import SolveParams

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
_SPEC = importlib.util.spec_from_file_location("gap_generate", BENCH / "gap_generate.py")
gen = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(gen)
ONE = "3 4\n 4 1 3 6\n 2 5 1 2\n 3 3 3 1\n 2 2 1 3\n 1 2 2 2\n 2 1 2 1\n 4 3 3\n"


def brute(inst, sense):
    """Best total cost (min) or profit (max) over every feasible assignment, by enumeration."""
    values = [sum(inst.cost[a][j] for j, a in enumerate(agents))
              for agents in itertools.product(range(inst.m), repeat=inst.n)
              if all(sum(inst.load[i][j] for j, a in enumerate(agents) if a == i) <= inst.capacity[i]
                     for i in range(inst.m))]
    return (min if sense == "min" else max)(values)


@pytest.mark.parametrize("kind", ["D", "E"])
def test_generated_tiny_instance_is_solved_exactly(tmp_path, kind):
    """issue 8: a 3-agent, 7-job type D/E problem from the generator is proven at the enumerated optimum."""
    [path] = gen.write_all(tmp_path, types=(kind,), sizes=((3, 7),))
    [row] = solve_gap(path, params=SolveParams(time_limit_s=10))
    assert row.status == "optimal" and row.objective == row.bound == brute(read_gap(path)[0], "min")
    assert row.seconds >= 0 and row.cpu_seconds >= 0


@pytest.mark.skipif(importlib.util.find_spec("highspy") is None, reason="highspy not installed")
@pytest.mark.parametrize("sense", ["min", "max"])
def test_highs_peer_proves_the_hand_instance(tmp_path, sense):
    """issue 8: benchmarks/gap_peer_highs.py (own process) reports the enumerated optimum as optimal."""
    f = tmp_path / "hand"
    f.write_text(ONE)
    out = subprocess.run([sys.executable, str(BENCH / "gap_peer_highs.py"), str(f), "--sense", sense,
                          "--time-limit", "10"], capture_output=True, text=True, check=True)
    row = json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])
    assert row["status"] == "optimal" and row["objective"] == row["bound"] == brute(read_gap(f)[0], sense)
