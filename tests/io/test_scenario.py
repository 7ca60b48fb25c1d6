"""Scenario files and command-line settings: the model checks, io names the file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from matcher.errors import InputError, MatcherWarning
from matcher.io.scenario import (
    load_problem,
    override_problems,
    parse_objectives,
    parse_tolerances,
    read_scenario,
    scenario_from_table,
    with_overrides,
)

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(f'units = "{TINY / "units.csv"}"\n{text}\n', encoding="utf-8")
    return path


def lines(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        read_scenario(path)
    return str(info.value).splitlines()


# ---- scenario files ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize(("text", "key"), [
    ("max_distance_km = {}", "max_distance_km"), ("max_minutes = {}", "max_minutes"),
    ("detour_factor = {}", "detour_factor"), ("[solver]\ntime_limit_s = {}", "solver.time_limit_s"),
    ("[tolerance]\nbalance = {}", "tolerance.balance"),
])
def test_issue_7_nan_and_inf_in_the_file_name_the_key(tmp_path, text, key, value):
    """Issue 7: TOML allows nan and inf; every float setting refuses them, naming file, key and value."""
    [line] = lines(scenario(tmp_path, text.format(value)))
    assert line.startswith(f"scenario.toml: key '{key}': value '{value}': must be ")


def test_issue_7_the_message_is_the_models(tmp_path):
    """Issue 7: the file's line carries the model's own message (one validator per setting)."""
    assert lines(scenario(tmp_path, "max_distance_km = nan")) == [
        "scenario.toml: key 'max_distance_km': value 'nan': must be a finite number >= 0"]


def test_issue_7_shape_and_settings_problems_come_together(tmp_path):
    """Issue 7: an unknown key, a missing table and three bad settings are reported in one InputError."""
    got = lines(scenario(tmp_path, 'pairs = "nope.csv"\nmax_distanc = 3\nmax_minutes = -1\n'
                                   '[solver]\nworkers = 0\nseed = 1.5'))
    assert [ln.split(": ")[1] for ln in got] == [
        "key 'max_distanc'", "key 'pairs'", "key 'max_minutes'", "key 'solver.workers'", "key 'solver.seed'"]


def test_integral_numbers_keep_their_types(tmp_path):
    """A whole-number time limit is seconds as a float; '2.0' partners is the count 2; tolerances are floats."""
    sc = read_scenario(scenario(tmp_path, "[partners]\nremote_max = 2.0\n[solver]\ntime_limit_s = 5\n"
                                          "[tolerance]\nbalance = 0"))
    assert sc.rules.remote_max_partners == 2 and isinstance(sc.rules.remote_max_partners, int)
    assert sc.params.time_limit_s == 5.0 and isinstance(sc.params.time_limit_s, float)
    assert dict(sc.rules.tolerances) == {"balance": 0.0} and isinstance(sc.rules.tolerances["balance"], float)


def test_wrong_types_are_refused_by_the_model(tmp_path):
    """A string or a boolean where a number belongs is refused, naming the key."""
    got = lines(scenario(tmp_path, 'max_distance_km = "far"\n[solver]\nworkers = true'))
    assert got == ["scenario.toml: key 'max_distance_km': value 'far': must be a finite number >= 0",
                   "scenario.toml: key 'solver.workers': value 'True': must be a whole number from 1 to 64"]


# ---- command-line settings -------------------------------------------------------------------


def test_issue_7_with_overrides_raises_input_error_naming_the_setting():
    """Issue 7: bad overrides are an InputError (never a bare ValueError), one issue per setting."""
    sc = read_scenario(TINY / "scenario.toml")
    with pytest.raises(InputError) as info:
        with_overrides(sc, rules={"max_distance_km": float("nan"), "detour_factor": None},
                       params={"time_limit_s": float("inf"), "seed": 2**40})
    assert [(i.source, i.column, i.column_label) for i in info.value.issues] == [
        ("command line", "max_distance_km", "setting"), ("command line", "time_limit_s", "setting"),
        ("command line", "seed", "setting")]
    assert str(info.value.issues[0]) == ("command line: setting 'max_distance_km': value 'nan': "
                                         "must be a finite number >= 0")


def test_issue_7_overrides_are_checked_with_the_files_settings():
    """Issue 7: --lowland-max-partners 0 under the file's lowland_min = 1 is refused, not a ValueError."""
    sc = read_scenario(TINY / "scenario.toml")
    [issue] = override_problems(sc, rules={"lowland_max_partners": 0})
    assert (issue.column, issue.value) == ("lowland_max_partners", 0)
    assert "lowland_min_partners (1)" in issue.message
    assert override_problems(sc, rules={"lowland_max_partners": 2}) == []
    assert with_overrides(sc, rules={"lowland_max_partners": 2}).rules.lowland_max_partners == 2


def test_issue_7_stage_names_and_tolerance_ranges_are_the_models():
    """Issue 7: the parsers only split; unknown stages and out-of-range tolerances are refused by Rules."""
    sc = read_scenario(TINY / "scenario.toml")
    assert parse_objectives("distance, balance") == ("distance", "balance") and parse_objectives(None) is None
    assert parse_tolerances(["balance=0.05", "distance=2"]) == {"balance": 0.05, "distance": 2.0}
    with pytest.raises(InputError, match="--tolerance: value 'balance'"):
        parse_tolerances(["balance"])
    found = override_problems(sc, rules={"objectives": parse_objectives("speed"),
                                         "tolerances": parse_tolerances(["distance=2"])})
    assert [i.column for i in found] == ["objectives", "tolerances.distance"]


# ---- load_problem and the old import path ------------------------------------------------------


def test_load_problem_returns_grouped_warnings(tmp_path):
    """load_problem gives MatcherWarning objects, one per kind; str() is the one line."""
    text = (TINY / "units.csv").read_text(encoding="utf-8").replace("20242,", "242,").replace("20209,", "209,")
    (tmp_path / "units.csv").write_text(text, encoding="utf-8")
    _, warnings = load_problem(scenario_from_table(tmp_path / "units.csv"))
    assert [type(w) for w in warnings] == [MatcherWarning]
    assert str(warnings[0]) == "units.csv: 2 codes typed as numbers were zero-padded to 5 digits (rows 2–3)"


def test_public_io_names_import_from_matcher_io():
    """The public reading names import from matcher.io, the same objects as in their own modules."""
    import matcher.io as io
    import matcher.io.geo as geo
    import matcher.io.scenario as scenario

    for name in ("Scenario", "load_problem", "load_scenario", "with_overrides", "parse_objectives",
                 "parse_pair_args", "parse_tolerances", "default_scenario_path"):
        assert getattr(io, name) is getattr(scenario, name), name
    assert io.read_boundaries is geo.read_boundaries


@pytest.mark.parametrize("first", ["matcher.io.scenario", "matcher.io.inputs", "matcher.io.tables", "matcher.io.geo"])
def test_submodules_import_in_any_order(first):
    """No import cycle: each io submodule can be the first one imported."""
    code = f"import {first}; from matcher.io.scenario import Scenario, load_problem; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr


@pytest.mark.parametrize(("text", "key"), [
    ('max_distance_km = "150"', "max_distance_km"), ('detour_factor = "1.5"', "detour_factor"),
    ('max_minutes = "60"', "max_minutes"), ('[solver]\ntime_limit_s = "5"', "solver.time_limit_s"),
    ('[tolerance]\nbalance = "0.1"', "tolerance.balance"),
])
def test_issue_7_review_quoted_numbers_are_bad_input_not_a_crash(tmp_path, text, key):
    """issue 7 review: a number written as text in the scenario is one line naming the key (was exit 1)."""
    [line] = lines(scenario(tmp_path, text))
    assert line.startswith(f"scenario.toml: key '{key}': ")


def test_issue_7_review_a_control_character_in_a_table_path(tmp_path):
    """issue 7 review: a NUL in the units path is refused with its key (was 'embedded null byte', exit 1)."""
    path = tmp_path / "scenario.toml"
    path.write_text('units = "units\\u0000.csv"\n', encoding="utf-8")
    [line] = lines(path)
    assert line.startswith("scenario.toml: key 'units': ") and "U+0000" in line


def test_pair_within_must_name_a_column_of_the_units_table(tmp_path):
    """issue 8 (part): pair_within naming a column the units table lacks is one line naming it."""
    from matcher.io.scenario import load_problem

    with pytest.raises(InputError) as info:
        load_problem(read_scenario(scenario(tmp_path, 'pair_within = "province_code"')))
    assert "column 'province_code': the column that pair_within names is missing" in str(info.value)
    assert lines(scenario(tmp_path, "pair_within = 3"))[0].startswith("scenario.toml: key 'pair_within': value '3'")


def test_overrides_record_where_each_setting_came_from(tmp_path):
    """issue 9: the file's keys are marked with the file, options with their flag, the rest stay default."""
    from matcher.io.defaults import effective_settings
    from matcher.io.scenario import load_scenario, with_overrides

    sc = load_scenario(TINY / "scenario.toml")
    sc = with_overrides(sc, rules={"detour_factor": 1.2, "max_minutes": None}, params={"time_limit_s": 3.0},
                        origins={"rules.detour_factor": "--detour-factor"})
    s = effective_settings(sc)
    assert s["detour_factor"] == {"value": 1.2, "origin": "given", "from": "--detour-factor"}
    assert s["time_limit_s"]["from"] == "command line"
    assert s["max_distance_km"]["from"] == "scenario file scenario.toml"
    assert s["max_minutes"]["origin"] == "default"
