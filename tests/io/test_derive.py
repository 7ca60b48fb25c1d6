"""Issue 9: needs and supplies derived from indicator columns by a rule the scenario states (io/derive.py).

Seed facts (issue 9 seed fact, source unverified): Quan Sơn district (Thanh Hóa) has a
poverty rate of 30.02%, is one of the 74 poorest districts, and only 2 of its target
communes meet the new-rural standard. The communes, points and other figures below are
SYNTHETIC test data built around those facts, hand-computed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.io.derive import DeriveRule, parse_derive
from matcher.io.scenario import load_problem, load_scenario

# Lowland units and three remote communes of (former) Quan Sơn district. Lowland points
# near Thọ Xuân, remote ones ~100 km west; need_it blank where the rule is to fill it.
UNITS = """code,name,role,lat,lon,supply_it,need_it,population,area_km2,poverty_rate,poorest_74,new_rural,region
10001,Đồng bằng A,lowland,19.93,105.45,3,,,,,,,
10002,Đồng bằng B,lowland,19.90,105.50,2,,,,,,,
10003,Đồng bằng C,lowland,19.95,105.40,1,,,,,,,
20001,Quan Sơn 1,remote,20.25,104.60,,,12000,250,"30,02%",x,0,III
20002,Quan Sơn 2,remote,20.30,104.55,,,8000,180,30.02,x,1,III
20003,Quan Sơn 3,remote,20.20,104.65,,4,6000,90,30.02%,có,1,II
"""

RULE = """
[derive.need_it]
weights = { population = 1, area_km2 = 1, poverty_rate = 0.1, poorest_74 = 1, new_rural = -1, region = 1 }
per = { population = 10000, area_km2 = 100 }
classes = { region = { I = 0, II = 1, III = 2 } }
max = 8
note = "Illustrative rule for the issue 9 seed facts."
"""


def scenario(tmp_path: Path, rule: str = RULE, units: str = UNITS) -> Path:
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    path = tmp_path / "scenario.toml"
    path.write_text('units = "units.csv"\n' + rule, encoding="utf-8")
    return path


def test_blank_needs_are_derived_and_given_ones_kept(tmp_path):
    """issue 9: blank need_it cells get the rule's figure (hand-computed); the given 4 stays."""
    p, warnings = load_problem(load_scenario(scenario(tmp_path)))
    need = {u.code: u.need["it"] for u in p.remote}
    # 20001: 1.2 + 2.5 + 3.002 + 1 - 0 + 2 = 9.702 -> 10, clipped to 8
    # 20002: 0.8 + 1.8 + 3.002 + 1 - 1 + 2 = 7.602 -> 8
    assert need == {"20001": 8, "20002": 8, "20003": 4}
    marks = {u.code: u.attrs.get("staff_figures", "") for u in p.remote}
    assert marks["20001"] == "need_it derived by derive.need_it (scenario.toml)" and marks["20003"] == ""
    (derived,) = [w for w in warnings if w.kind == "derived"]
    assert derived.rows == (5, 6)
    assert any("DERIVED" in a and "derive.need_it" in a and "seed facts" in a for a in p.assumptions)
    assert any("SUY RA" in a for a in p.assumptions_vi)


def test_replace_all_overwrites_given_figures(tmp_path):
    """issue 9: replace = "all" replaces every remote row's figure, the given 4 too."""
    sc = scenario(tmp_path, RULE + 'replace = "all"\n')
    p, _ = load_problem(load_scenario(sc))
    # 20003: 0.6 + 0.9 + 3.002 + 1 - 1 + 1 = 5.502 -> 6
    assert {u.code: u.need["it"] for u in p.remote} == {"20001": 8, "20002": 8, "20003": 6}


def test_a_missing_need_column_is_made_and_supply_rules_fill_lowland_rows(tmp_path):
    """issue 9: a supply rule fills lowland rows only; a need column absent from the table is made by its rule."""
    units = ("code,name,role,lat,lon,supply_it,poverty_rate\n10001,A,lowland,19.93,105.45,3,\n"
             "20001,Quan Sơn 1,remote,20.25,104.60,,30.02\n20002,Quan Sơn 2,remote,20.30,104.55,,\"30,02\"")
    rule = '[derive.need_it]\nweights = { poverty_rate = 0.1 }\n[derive.supply_land]\nweights = { }\n'
    with pytest.raises(InputError) as e:
        load_problem(load_scenario(scenario(tmp_path, rule, units + "\n")))
    assert "derive.supply_land.weights" in str(e.value)
    rule = '[derive.need_it]\nweights = { poverty_rate = 0.1 }\nround = "up"\n'
    p, _ = load_problem(load_scenario(scenario(tmp_path, rule, units + "\n")))
    assert p.domains == ("it",) and {u.need["it"] for u in p.remote} == {4}  # ceil(3.002)
    rule += '[derive.supply_land]\nweights = { supply_it = 1 }\nconstant = 1\n'
    p, _ = load_problem(load_scenario(scenario(tmp_path, rule, units + "\n")))
    assert p.domains == ("it", "land") and p.unit("10001").supply["land"] == 4
    assert {u.need["land"] for u in p.remote} == {0}  # remote rows: no supply derived, no land need given


def test_derived_figures_reach_summary_and_the_units_table(tmp_path):
    """issue 9: a solve names the rule in summary.json's assumptions and marks the rows in units.csv."""
    from typer.testing import CliRunner

    from matcher.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["solve", str(scenario(tmp_path)), "--out", str(out), "--quiet",
                                      "--time-limit", "5", "--max-distance-km", "400"])
    assert result.exit_code == 0, result.output
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert any("derive.need_it" in a for a in info["assumptions"])
    assert any(d["kind"] == "derived" for d in info["warning_details"])
    units = (out / "units.csv").read_text(encoding="utf-8-sig")
    assert units.count("need_it derived by derive.need_it") == 2


@pytest.mark.parametrize(("rule", "key", "message"), [
    ("weights = { popul = 1 }", "derive.need_it.weights.popul", "no such column in units.csv"),
    ('weights = { population = "many" }', "derive.need_it.weights.population", "the weight must be a finite number"),
    ("weights = { population = nan }", "derive.need_it.weights.population", "the weight must be a finite number"),
    ("weights = { population = 1 }\nper = { population = 0 }", "derive.need_it.per.population", "> 0"),
    ("weights = { population = 1 }\nround = \"half\"", "derive.need_it.round", "use one of nearest, up, down"),
    ("weights = { population = 1 }\nmin = 5\nmax = 2", "derive.need_it.max", "must be >= min"),
    ("weights = { population = 1 }\nfactor = 2", "derive.need_it.factor", "unknown key"),
])
def test_bad_rules_are_exit_2_naming_the_scenario_key(tmp_path, rule, key, message):
    """issue 9: an unknown column, a non-numeric weight and other bad rule keys name the scenario key."""
    with pytest.raises(InputError) as e:
        load_problem(load_scenario(scenario(tmp_path, f"[derive.need_it]\n{rule}\n")))
    (issue,) = e.value.issues
    assert issue.source == "scenario.toml" and issue.column == key and issue.column_label == "key"
    assert message in issue.message


def test_a_bad_target_and_a_blank_indicator_are_reported(tmp_path):
    """issue 9: only need_<d>/supply_<d> can be derived; a blank indicator on a row to fill is file:row:column."""
    with pytest.raises(InputError) as e:
        load_scenario(scenario(tmp_path, "[derive.staff]\nweights = { population = 1 }\n"))
    assert e.value.issues[0].column == "derive.staff"
    units = UNITS.replace("6000,90,", ",90,")
    with pytest.raises(InputError) as e:
        load_problem(load_scenario(scenario(tmp_path, RULE + 'replace = "all"\n', units)))
    (issue,) = e.value.issues
    assert (issue.source, issue.row, issue.column, issue.value) == ("units.csv", 7, "population", "")
    assert "derive.need_it needs it" in issue.message


def test_formula_text_and_rounding():
    """issue 9: the rule reads back as a formula; rounding nearest/up/down and clipping."""
    bad = []
    (rule,) = parse_derive({"need_it": {"weights": {"a": 2}, "per": {"a": 4}, "constant": 1, "min": 1, "max": 3}},
                           lambda *a: bad.append(a))
    assert not bad and isinstance(rule, DeriveRule)
    assert rule.formula() == "round(1 + 2 x a/4), clipped to 1..3"
    assert [rule.value({"a": a}) for a in (-10, 1, 3, 100)] == [1, 2, 3, 3]  # 1.5 -> 2 (half up), 2.5 -> 3


def test_rules_follow_vietnamese_role_words(tmp_path):
    """issue 9: a rule finds its rows by the role however written (`Vùng sâu, vùng xa`, `Đồng bằng`)."""
    units = UNITS.replace(",lowland,", ",Đồng bằng,").replace(",remote,", ',"Vùng sâu, vùng xa",')
    p, _ = load_problem(load_scenario(scenario(tmp_path, units=units)))
    assert {u.code: u.need["it"] for u in p.remote} == {"20001": 8, "20002": 8, "20003": 4}
