"""Regression tests for the defects found in the first code review (each names its defect)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import problem, unit
from typer.testing import CliRunner

from matcher import SolveParams, Status
from matcher.cli import app
from matcher.engine.stages import evaluate, solve

TINY = Path(__file__).resolve().parent / "data" / "tiny"
P1 = SolveParams(time_limit_s=20, workers=1, seed=0)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("scale", [1, 10**9])
def test_huge_needs_are_not_called_infeasible(scale):
    """Review 1: needs in the billions (e.g. VND) must not make GLOP 'prove' a stage infeasible."""
    p = problem([
        unit("00001", "lowland", {"budget": 3 * scale}, dlat=0.0), unit("00002", "lowland", {"budget": 3 * scale},
                                                                        dlat=1.0),
        unit("00011", "remote", need={"budget": 2 * scale}, dlat=0.05),
        unit("00012", "remote", need={"budget": 2 * scale}, dlat=1.05),
    ], domains=("budget",))
    res = solve(p, P1)
    assert all(s.status is Status.OPTIMAL for s in res.stages), res.summary()
    assert {(q.lowland_code, q.remote_code) for q in res.pairs} == {("00001", "00011"), ("00002", "00012")}


def test_evaluate_splits_staff_of_a_unit_the_plan_gives_two_partners():
    """Review 2: a hand plan giving a 1-partner unit two partners must not count its staff twice."""
    p = problem([
        unit("00001", "lowland", {"it": 2}),
        unit("00011", "remote", need={"it": 2}, dlat=0.1), unit("00012", "remote", need={"it": 2}, dlat=0.2),
    ])
    res = evaluate(p, [("00001", "00011"), ("00001", "00012")], P1)
    assert sum(sum(q.allot.values()) for q in res.pairs) == 2
    assert res.stage("shortfall").value == 2


def test_out_that_is_a_file_exits_2_before_solving(tmp_path):
    """Review 8: --out pointing at a file is bad input."""
    f = tmp_path / "x.txt"
    f.write_text("keep me", encoding="utf-8")
    res = run("solve", TINY / "scenario.toml", "--out", f, "--quiet")
    assert res.exit_code == 2 and "is a file" in res.output
    assert f.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("args", [["--max-distance-km", "-5"], ["--max-distance-km", "nan"]])
def test_bad_caps_on_the_command_line_exit_2(tmp_path, args):
    """Review 7: negative or NaN caps are bad input, not 'infeasible' or silently no cap."""
    res = run("solve", TINY / "scenario.toml", *args, "--out", tmp_path / "o", "--quiet")
    assert res.exit_code == 2, res.output


def test_non_finite_toml_settings_exit_2(tmp_path):
    """Review 7: inf/nan in the scenario file are bad input."""
    text = (TINY / "scenario.toml").read_text(encoding="utf-8")
    for name in ("units.csv", "pairs.csv", "travel.csv"):
        (tmp_path / name).write_bytes((TINY / name).read_bytes())
    (tmp_path / "s.toml").write_text("max_distance_km = nan\n" + text.replace("max_distance_km", "#"),
                                     encoding="utf-8")
    res = run("validate", tmp_path / "s.toml")
    assert res.exit_code == 2 and "max_distance_km" in res.output


def test_duplicate_columns_exit_2(tmp_path):
    """Review 6: 'code' and 'Code' in one header is bad input, not a silent merge."""
    lines = (TINY / "units.csv").read_text(encoding="utf-8").splitlines()
    lines[0] += ",Code"
    lines[1:] = [ln + ",99999" for ln in lines[1:]]
    f = tmp_path / "units.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run("validate", f)
    assert res.exit_code == 2 and "column 'code'" in res.output and "more than once" in res.output


def test_a_table_without_remote_units_exits_2(tmp_path):
    """Review 9: a units table with one side missing is bad input."""
    lines = (TINY / "units.csv").read_text(encoding="utf-8").splitlines()
    f = tmp_path / "units.csv"
    f.write_text("\n".join(ln for ln in lines if ",remote," not in ln) + "\n", encoding="utf-8")
    res = run("validate", f)
    assert res.exit_code == 2 and "no unit has role 'remote'" in res.output


def test_infeasible_rerun_keeps_the_old_plan_beside_the_diagnosis(tmp_path):
    """issue 7 (replaces review 4): an infeasible re-run writes its diagnosis beside the previous
    plan, which stays whole; the next plan written removes the diagnosis."""
    out = tmp_path / "out"
    assert run("solve", TINY / "scenario.toml", "--out", out, "--quiet").exit_code == 0
    plan = (out / "pairs.csv").read_bytes()
    res = run("solve", TINY / "scenario.toml", "--remote-max-partners", 0, "--remote-min-partners", 0,
              "--lowland-min-partners", 1, "--out", out, "--quiet")
    assert res.exit_code == 3, res.output
    names = {p.name for p in out.iterdir()}
    assert {"diagnosis.json", "diagnosis.md", "pairs.csv", "summary.json", "plan.xlsx"} <= names
    assert (out / "pairs.csv").read_bytes() == plan
    d = json.loads((out / "diagnosis.json").read_text(encoding="utf-8"))
    assert d["conflict"]
    assert run("solve", TINY / "scenario.toml", "--out", out, "--quiet").exit_code == 0
    assert not (out / "diagnosis.json").exists() and not (out / "diagnosis.md").exists()


def test_review_reproducer_big_needs(tmp_path):
    """Review 1, the reviewer's own case: the 105 km pair is not kept; all stages proven."""
    data = Path(__file__).resolve().parent / "data" / "edge" / "big_needs.csv"
    out = tmp_path / "o"
    # issue 9: a bare table now gets the documented 150 km x 1.5; the case was written without a cap, at x 1.0
    res = run("solve", data, "--lowland-min-partners", 0, "--out", out, "--quiet", "--detour-factor", 1,
              "--max-distance-km", 100000)
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [s["status"] for s in summary["stages"]] == ["optimal"] * 3
    assert summary["total_distance_km"] == pytest.approx(49.27, abs=0.01)
