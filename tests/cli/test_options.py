"""Command-line options: declared once, checked before any work, help for every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from helpers import invoke

from matcher.cli import app
from matcher.cli.options import GROUPS, SETTINGS, Settings, flag

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.fixture
def no_solve(monkeypatch):
    """Make any solve, evaluation or diagnosis fail loudly: the checks must come first."""
    import matcher.jobs

    def boom(*_, **__):
        raise AssertionError("work started before the options were checked")

    for name in ("solve", "evaluate", "load_problem"):
        monkeypatch.setattr(matcher.jobs, name, boom)


# ---- help -----------------------------------------------------------------------------------


def test_every_command_of_the_app_has_help(runner):
    """issue 7: every registered command has a help text, every parameter a description, --help exits 0."""
    commands = dict(typer.main.get_command(app).commands)
    assert set(commands) == {"solve", "validate", "evaluate", "diagnose", "whatif", "map", "report", "bench",
                             "template", "compare", "sweep", "history", "rotate", "cluster"}
    groups = {name: cmd for name, cmd in commands.items() if hasattr(cmd, "commands")}
    for group, cmd in groups.items():
        assert cmd.help and cmd.help.strip(), group
        commands.pop(group)
        commands.update({f"{group} {sub}": c for sub, c in cmd.commands.items()})
    assert "bench gap" in commands
    for name, cmd in commands.items():
        assert cmd.help and cmd.help.strip(), name
        undocumented = [p.name for p in cmd.params if not (getattr(p, "help", None) or "").strip()]
        assert undocumented == [], name
        result = invoke(runner, *name.split(), "--help")
        assert result.exit_code == 0, (name, result.output)
    assert invoke(runner, "--help").exit_code == 0


def test_each_setting_option_is_named_after_its_setting():
    """issue 7: one table from setting to option; the option is the setting's name in kebab case."""
    renamed = {"params.time_limit_s": "--time-limit", "rules.tolerances": "--tolerance"}
    for setting in SETTINGS:
        want = renamed.get(setting, "--" + setting.split(".")[-1].replace("_", "-"))
        assert flag(setting) == want
    assert flag("rules.tolerances.balance") == "--tolerance"
    assert {s for g in GROUPS.values() for s in g} == set(SETTINGS)


@pytest.mark.parametrize("command", ["solve", "evaluate", "diagnose", "validate"])
def test_shared_options_reach_every_command(command):
    """issue 7: the rule options are one group, present on solve, evaluate, diagnose and validate."""
    cmd = typer.main.get_command(app).commands[command]
    flags = {o for p in cmd.params for o in p.opts}
    assert {"--max-distance-km", "--detour-factor", "--lowland-max-partners", "--pairs"} <= flags


# ---- numeric options checked before any work -------------------------------------------------


BAD = [
    (["--time-limit", "nan"], "--time-limit: value 'nan': must be a number of seconds > 0"),
    (["--time-limit", "inf"], "--time-limit: value 'inf': must be a number of seconds > 0"),
    (["--time-limit", "0"], "--time-limit: value '0': must be a number of seconds > 0"),
    (["--detour-factor", "nan"], "--detour-factor: value 'nan': must be a finite number from 1 to 100"),
    (["--detour-factor", "inf"], "--detour-factor: value 'inf': must be a finite number from 1 to 100"),
    (["--seed", "99999999999"], "--seed: value '99999999999': must be a whole number from 0 to"),
    (["--workers", "100000"], "--workers: value '100000': must be a whole number from 1 to"),
    (["--max-distance-km", "-5"], "--max-distance-km: value '-5': must be a finite number >= 0"),
    (["--max-minutes", "nan"], "--max-minutes: value 'nan': must be a finite number >= 0"),
    (["--lowland-max-partners", "-1"], "--lowland-max-partners: value '-1': must be a whole number from 0"),
    (["--tolerance", "balance=nan"], "--tolerance: value 'balance=nan': must be a number in [0, 1)"),
    (["--tolerance", "balance=inf"], "--tolerance: value 'balance=inf': must be a number in [0, 1)"),
    (["--tolerance", "speed=0.1"], "--tolerance: value 'speed': is not a stage"),
    (["--tolerance", "balance"], "--tolerance: value 'balance': expected NAME=VALUE"),
    (["--objectives", "speed"], "--objectives: value 'speed': must be distinct names from"),
]


@pytest.mark.parametrize(("args", "line"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_number_exits_2_naming_the_option_before_any_work(runner, tmp_path, no_solve, args, line):
    """issue 7: NaN, inf, negative or too large option values exit 2 naming the option, before reading."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", out, *args)
    assert result.exit_code == 2, result.output
    assert line in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not out.exists()


def test_fractional_whole_number_is_refused(runner, tmp_path, no_solve):
    """issue 7: --workers 2.5 (fractional where a whole number is needed) exits 2 naming --workers."""
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", tmp_path / "o", "--workers", "2.5")
    assert result.exit_code == 2 and "--workers" in result.output


def test_every_bad_value_is_reported_at_once(runner, tmp_path, no_solve):
    """Three bad options: three lines, and the count."""
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", tmp_path / "o", "--time-limit", "nan",
                    "--seed", "-1", "--detour-factor", "0.5")
    assert result.exit_code == 2
    assert {ln.split(":")[0] for ln in result.output.splitlines()} >= {"--time-limit", "--seed", "--detour-factor"}
    assert "3 problem(s) found; nothing was written." in result.output


@pytest.mark.parametrize("command", ["evaluate", "diagnose", "validate"])
def test_other_commands_check_numbers_first(runner, tmp_path, no_solve, command):
    """issue 7: evaluate, diagnose and validate refuse --max-distance-km nan the same way."""
    extra = ["--plan", TINY / "pairs.csv", "--out", tmp_path / "o"] if command == "evaluate" else []
    result = invoke(runner, command, TINY / "scenario.toml", *extra, "--max-distance-km", "nan")
    assert result.exit_code == 2, result.output
    assert "--max-distance-km: value 'nan': must be a finite number >= 0" in result.output


def test_whatif_time_limit_nan_exits_2_before_reading(runner, tmp_path):
    """issue 7: whatif --time-limit nan exits 2 naming the option (the folder is not even read)."""
    result = invoke(runner, "whatif", tmp_path / "missing", "--force", "1:2", "--time-limit", "nan")
    assert result.exit_code == 2
    assert "--time-limit: value 'nan'" in result.output


def test_value_good_alone_but_not_with_the_scenario_names_the_option(runner, tmp_path, no_solve):
    """--lowland-min-partners 2 against the file's lowland_max = 1: exit 2 naming the option given."""
    result = invoke(runner, "validate", TINY / "scenario.toml", "--lowland-min-partners", "2")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("--lowland-min-partners: value '1': lowland_max_partners must be >=")


def test_time_limit_nan_never_reaches_summary_json(runner, tmp_path):
    """issue 7: --time-limit nan used to write NaN into summary.json; now nothing is written at all."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", out, "--time-limit", "nan")
    assert result.exit_code == 2
    assert not (out / "summary.json").exists()


def test_settings_apply_over_the_scenario():
    """Settings.scenario puts the given values over the file's and leaves the others."""
    sc = Settings({"rules.max_distance_km": 99.0, "rules.tolerances": ["distance=0.2"],
                   "params.seed": 3}).scenario(TINY / "scenario.toml")
    assert sc.rules.max_distance_km == 99.0 and sc.rules.detour_factor == 1.5
    assert sc.rules.tolerances["distance"] == 0.2 and sc.params.seed == 3 and sc.params.workers == 1


# ---- --out checked before solving ----------------------------------------------------------------


def test_out_under_a_file_exits_2_at_once(runner, tmp_path, no_solve):
    """issue 7: --out somefile.txt/sub failed only after the solve; now exit 2 at once, no progress line."""
    blocker = tmp_path / "somefile.txt"
    blocker.write_text("x", encoding="utf-8")
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", blocker / "sub")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"--out: value '{blocker / 'sub'}': {blocker} is a file")
    assert "lowland" not in result.output  # no progress line: nothing was loaded
    assert blocker.read_text(encoding="utf-8") == "x"


def test_out_is_a_file_exits_2(runner, tmp_path, no_solve):
    """--out naming an existing file is refused before any work."""
    blocker = tmp_path / "f.txt"
    blocker.write_text("x", encoding="utf-8")
    result = invoke(runner, "evaluate", TINY / "scenario.toml", "--plan", TINY / "pairs.csv", "--out", blocker)
    assert result.exit_code == 2 and "--out: value" in result.output and "is a file; give a folder" in result.output


@pytest.mark.parametrize("command", ["map", "report"])
def test_map_out_under_a_file_exits_2(runner, tmp_path, command):
    """issue 7: map/report --out under an existing file: exit 2 naming --out, before reading the folder."""
    blocker = tmp_path / "f.txt"
    blocker.write_text("x", encoding="utf-8")
    result = invoke(runner, command, tmp_path / "missing", "--out", blocker / "map.pdf")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("--out: value")


def test_summary_of_a_good_run_is_strict_json(runner, tmp_path):
    """A good run's summary.json parses as strict JSON (no NaN or Infinity)."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", out, "--time-limit", "5", "--quiet")
    assert result.exit_code == 0, result.output

    def refuse(token):
        raise ValueError(token)

    json.loads((out / "summary.json").read_text(encoding="utf-8"), parse_constant=refuse)
