"""Scenario files that extend a base (issue 10: ``extends = "base.toml"``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.errors import InputError
from matcher.io.scenario import load_scenario

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "danang_2025" / "scenario.toml"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_child_overrides_a_few_settings_and_keeps_the_base_paths(tmp_path):
    """issue 10: a child in another folder overrides the cap and one partner bound; the base's tables stay found."""
    child = _write(tmp_path / "runs" / "tight.toml",
                   f'extends = "{DEFAULT.as_posix()}"\nname = "tighter"\nmax_distance_km = 120\n'
                   "[partners]\nremote_max = 2\n")
    sc, base = load_scenario(child), load_scenario(DEFAULT)
    assert sc.name == "tighter" and sc.rules.max_distance_km == 120
    assert sc.rules.remote_max_partners == 2
    assert sc.rules.lowland_max_partners == base.rules.lowland_max_partners  # merged key by key
    assert sc.units == base.units and sc.pairs == base.pairs


def test_chains_are_allowed(tmp_path):
    """issue 10: c extends b extends a (relative paths); the nearest file wins."""
    _write(tmp_path / "a.toml", f'extends = "{DEFAULT.as_posix()}"\nmax_distance_km = 140\ndetour_factor = 1.4\n')
    _write(tmp_path / "sub" / "b.toml", 'extends = "../a.toml"\nmax_distance_km = 130\n')
    c = _write(tmp_path / "sub" / "c.toml", 'extends = "b.toml"\n[solver]\ntime_limit_s = 7\n')
    sc = load_scenario(c)
    assert (sc.rules.max_distance_km, sc.rules.detour_factor) == (130, 1.4)


def test_a_cycle_is_refused_with_the_chain_named(tmp_path):
    """issue 10: a extends b extends a is an input error naming both files, and exit 2 on the CLI."""
    a = _write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    _write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(InputError) as e:
        load_scenario(a)
    assert "a.toml -> b.toml -> a.toml" in str(e.value)
    res = CliRunner().invoke(app, ["validate", str(a)])
    assert res.exit_code == 2 and "cycle" in res.output and "Traceback" not in res.output


def test_a_missing_base_names_the_file_that_extends_it(tmp_path):
    """issue 10: extends pointing nowhere names the extending file, the key and the value."""
    child = _write(tmp_path / "child.toml", 'extends = "nowhere.toml"\n')
    with pytest.raises(InputError) as e:
        load_scenario(child)
    text = str(e.value)
    assert "child.toml" in text and "extends" in text and "nowhere.toml" in text


def test_settings_name_the_file_of_the_chain_that_set_them(tmp_path):
    """issue 10: each setting's origin names the file of the chain that gave it (base or child)."""
    from matcher.io.defaults import effective_settings

    _write(tmp_path / "a.toml", f'extends = "{DEFAULT.as_posix()}"\nmax_distance_km = 140\n')
    c = _write(tmp_path / "c.toml", 'extends = "a.toml"\ndetour_factor = 1.7\n[partners]\nremote_max = 2\n')
    sc = load_scenario(c)
    assert sc.origins["rules.max_distance_km"] == "scenario file a.toml"
    assert sc.origins["rules.detour_factor"] == "scenario file c.toml"
    assert sc.origins["rules.remote_max_partners"] == "scenario file c.toml"
    assert sc.origins["rules.lowland_max_partners"] == "scenario file scenario.toml"  # from the default, the root
    got = effective_settings(sc)
    assert got["max_distance_km"]["from"] == "scenario file a.toml"
    assert got["remote_partners"]["from"] == "scenario file scenario.toml; scenario file c.toml"


def test_a_base_from_plan_path_is_relative_to_the_base(tmp_path):
    """issue 10: a base's from_plan path resolves against the base's folder, not the child's."""
    (tmp_path / "base").mkdir()
    plan = tmp_path / "base" / "published.csv"
    plan.write_text("lowland_code,remote_code\n20242,20443\n", encoding="utf-8")
    _write(tmp_path / "base" / "b.toml", f'extends = "{DEFAULT.as_posix()}"\nfrom_plan = "published.csv"\n')
    child = _write(tmp_path / "runs" / "c.toml", 'extends = "../base/b.toml"\nmax_distance_km = 120\n')
    assert load_scenario(child).from_plan == plan.resolve()
