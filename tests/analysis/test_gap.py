"""GAP through the twinning engine: exact optima on a hand instance and on OR-Library gap1."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.analysis.gap import solve_gap
from matcher.cli import app
from matcher.io.orlib import read_gap
from matcher.model import SolveParams

SHARED = Path(__file__).resolve().parents[3] / "shared" / "gap"
ONE = "3 4\n 4 1 3 6\n 2 5 1 2\n 3 3 3 1\n 2 2 1 3\n 1 2 2 2\n 2 1 2 1\n 4 3 3\n"


def brute(inst, sense):
    """Best total cost (min) or profit (max) over every feasible assignment, by enumeration."""
    best = None
    for agents in itertools.product(range(inst.m), repeat=inst.n):
        use = [sum(inst.load[i][j] for j, a in enumerate(agents) if a == i) for i in range(inst.m)]
        if any(u > b for u, b in zip(use, inst.capacity, strict=True)):
            continue
        value = sum(inst.cost[a][j] for j, a in enumerate(agents))
        best = value if best is None else (min if sense == "min" else max)(best, value)
    return best


@pytest.mark.parametrize("sense", ["min", "max"])
def test_hand_instance_matches_enumeration(tmp_path, sense):
    """A 3-agent, 4-job GAP: the engine proves the enumerated optimum in either sense."""
    f = tmp_path / "hand"
    f.write_text(ONE)
    [row] = solve_gap(f, sense=sense, params=SolveParams(time_limit_s=10))
    assert row.status == "optimal" and row.gap == 0.0
    assert row.objective == brute(read_gap(f)[0], sense) == row.bound


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/gap not present")
@pytest.mark.parametrize("sense", ["min", "max"])
def test_orlib_gap1_equals_the_known_optima(sense):
    """All five problems of OR-Library gap1 end optimal at the published value in both senses."""
    with open(SHARED / "best_known.csv", encoding="utf-8") as fh:
        best = {r["instance"]: float(r["best_known"]) for r in csv.DictReader(fh) if r["sense"] == sense}
    rows = solve_gap(SHARED / "instances" / "orlib" / "gap1.txt", sense=sense, params=SolveParams(time_limit_s=10))
    assert [(r.instance, r.status, r.objective) for r in rows] == [
        (f"gap1-{k}", "optimal", best[f"gap1-{k}"]) for k in range(1, 6)]


def test_bench_gap_command(tmp_path):
    """`matcher bench gap FILE --json` prints one object per problem; a bad file or --problem is exit 2."""
    f = tmp_path / "hand"
    f.write_text(ONE)
    runner = CliRunner()
    res = runner.invoke(app, ["bench", "gap", str(f), "--json", "--sense", "max"])
    assert res.exit_code == 0, res.output
    row = json.loads(res.output.strip().splitlines()[-1])
    assert row["status"] == "optimal" and row["objective"] == brute(read_gap(f)[0], "max")
    assert runner.invoke(app, ["bench", "gap", str(f), "--problem", "2"]).exit_code == 2
    (tmp_path / "bad").write_text("1 2 x")
    res = runner.invoke(app, ["bench", "gap", str(tmp_path / "bad")])
    assert res.exit_code == 2 and "bad: value 'x'" in res.output
    assert runner.invoke(app, ["bench", "gap", str(f), "--time-limit", "nan"]).exit_code == 2
