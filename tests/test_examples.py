"""data/examples/ (issue 9, item 8): each example solves (exit 0) to its hand-checked optimum."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import brute_force
from typer.testing import CliRunner

from matcher.cli import app
from matcher.io.inputs import read_units
from matcher.io.scenario import load_problem, read_scenario

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
FAST = ["--time-limit", "5", "--workers", "1", "-q"]

# example -> (pairs of the optimum, smallest coverage, total shortfall), each solved by hand in its README
EXPECTED = {
    "tho_xuan_que_son": ({("15499", "20669"), ("15520", "20641"), ("15544", "20662")}, 0.5, 30),
    "ha_tinh_pac_xan": ({("18073", "LA-BK-PX"), ("18100", "18196")}, 0.75, 1),
}


def solve(name: str, out: Path, *extra: str):
    res = CliRunner().invoke(app, ["solve", str(EXAMPLES / name / "scenario.toml"), "--out", str(out), *FAST, *extra])
    return res


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_solves_to_its_optimum(name, tmp_path):
    """issue 9: the example solves (exit 0) to the plan, coverage and shortfall its README states."""
    res = solve(name, tmp_path / "out")
    assert res.exit_code == 0, res.output
    pairs = pd.read_csv(tmp_path / "out" / "pairs.csv", dtype=str)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    want_pairs, want_cov, want_short = EXPECTED[name]
    assert set(zip(pairs["lowland_code"], pairs["remote_code"], strict=True)) == want_pairs
    assert summary["min_coverage"] == pytest.approx(want_cov)
    assert summary["total_shortfall"] == want_short
    assert summary["warnings"] == []
    assert summary["settings"]["max_distance_km"]["origin"] != "default"  # the cap is stated, not the default
    assert any("ILLUSTRATIVE" in a for a in summary["assumptions"])
    assert any("MINH HỌA" in a for a in summary["assumptions_vi"])
    assert any("vietnamadminunits" in s for s in summary["sources"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_optimum_equals_brute_force(name):
    """issue 9: the stated optimum is the brute-force oracle's (balance and shortfall)."""
    problem, _ = load_problem(read_scenario(EXAMPLES / name / "scenario.toml"))
    best = brute_force(problem)
    assert best["balance"] == pytest.approx(EXPECTED[name][1])
    assert best["shortfall"] == EXPECTED[name][2]


def test_cross_province_needs_the_stated_cap(tmp_path):
    """issue 9: under the default 150 km cap no Thọ Xuân–Quế Sơn pair is allowed (exit 3, infeasible)."""
    res = solve("tho_xuan_que_son", tmp_path / "out", "--max-distance-km", "150")
    assert res.exit_code == 3, res.output


def test_money_domain_is_budget_in_million_vnd():
    """issue 9: the cross-province example's only domain is budget, the 120 million VND offered in total."""
    problem, _ = load_problem(read_scenario(EXAMPLES / "tho_xuan_que_son" / "scenario.toml"))
    assert problem.domains == ("budget",)
    assert sum(u.supply["budget"] for u in problem.lowland) == 120
    assert {u.attrs["province"] for u in problem.units} == {"Thanh Hóa", "Đà Nẵng"}


def test_partner_abroad_keeps_its_code_and_country(tmp_path):
    """issue 9: a code outside the registry (LA-BK-PX) is read as written, and country reaches the outputs."""
    units, _, warnings = read_units(EXAMPLES / "ha_tinh_pac_xan" / "units.csv")
    abroad = next(u for u in units if u.attrs["country"] == "LA")
    assert abroad.code == "LA-BK-PX" and abroad.name == "Pạc Xăn (Pakxan)"
    assert warnings == []
    res = solve("ha_tinh_pac_xan", tmp_path / "out")
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "out" / "units.csv", dtype=str)
    assert out.loc[out["code"] == "LA-BK-PX", "country"].tolist() == ["LA"]


def test_short_all_digit_code_is_padded_even_abroad(tmp_path):
    """issue 9: the documented rule: an all-digit code under 5 digits is zero-padded (with a warning), so a
    foreign unit needs a code with letters."""
    path = tmp_path / "units.csv"
    path.write_text("code,name,role,lat,lon,country,supply_it,need_it\n18073,Thành Sen,lowland,18.34,105.9,VN,1,\n"
                    "LA-BK-PX,Pạc Xăn,remote,18.39,103.66,LA,,1\n123,Xã B,remote,18.4,105.2,LA,,1\n",
                    encoding="utf-8")
    units, _, warnings = read_units(path)
    assert [u.code for u in units] == ["18073", "LA-BK-PX", "00123"]
    assert [w.kind for w in warnings] == ["code_padded"] and warnings[0].rows == (4,)
