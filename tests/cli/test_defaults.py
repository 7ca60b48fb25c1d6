"""Issue 9: stated defaults (one set, printed and recorded), grouped errors on screen, validate --out report.xlsx."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from helpers import invoke
from openpyxl import load_workbook

from matcher.io.defaults import DEFAULT_RULES, effective_settings
from matcher.io.scenario import default_scenario_path, load_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
FAST = ["--time-limit", "5", "--workers", "1"]


def test_the_defaults_are_the_documented_scenario():
    """issue 9: the defaults are the values data/danang_2025/scenario.toml documents (150 km x 1.5, 1..1, 1..3)."""
    doc = tomllib.loads(default_scenario_path().read_text(encoding="utf-8"))
    assert DEFAULT_RULES["max_distance_km"] == doc["max_distance_km"] == 150
    assert DEFAULT_RULES["detour_factor"] == doc["detour_factor"] == 1.5
    assert DEFAULT_RULES["distance_metric"] == doc["distance_metric"]
    for side in ("lowland", "remote"):
        for end in ("min", "max"):
            assert DEFAULT_RULES[f"{side}_{end}_partners"] == doc["partners"][f"{side}_{end}"]


def test_a_bare_table_and_a_bare_scenario_file_get_the_same_defaults(tmp_path):
    """issue 9: a units table alone and a scenario file naming only units get the same rules, all 'default'."""
    bare = load_scenario(TINY / "units.csv")
    toml = tmp_path / "s.toml"
    toml.write_text(f'units = "{TINY / "units.csv"}"\n', encoding="utf-8")
    stated = load_scenario(toml)
    assert bare.rules == stated.rules and bare.params == stated.params
    assert (bare.rules.max_distance_km, bare.rules.detour_factor) == (150.0, 1.5)
    for s in (effective_settings(bare), effective_settings(stated)):
        assert {v["origin"] for v in s.values()} == {"default"}


def test_a_scenario_file_marks_what_it_gives_and_can_lift_the_cap(tmp_path):
    """issue 9: keys in the file are 'given' from it; max_distance_km = "none" means no cap."""
    toml = tmp_path / "s.toml"
    toml.write_text(f'units = "{TINY / "units.csv"}"\nmax_distance_km = "none"\n[solver]\ntime_limit_s = 7\n',
                    encoding="utf-8")
    sc = load_scenario(toml)
    s = effective_settings(sc)
    assert sc.rules.max_distance_km is None and s["max_distance_km"]["origin"] == "given"
    assert s["time_limit_s"] == {"value": 7.0, "origin": "given", "from": "scenario file s.toml"}
    assert s["detour_factor"]["origin"] == "default"


def test_solve_prints_and_records_the_settings(runner, tmp_path):
    """issue 9: a solve of a bare table prints one settings block and summary.json records each setting."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", TINY / "units.csv", "--out", out, *FAST, "--quiet", "--max-distance-km", 160)
    assert result.exit_code == 0, result.output
    block = [ln for ln in result.output.splitlines() if ln.startswith(("settings", "- "))]
    assert len(block) == 3
    assert "distance cap 160 km [--max-distance-km]" in block[1] and "detour x 1.5 [default]" in block[1]
    assert "remote 1..3 [default]" in block[2] and "time limit 5 s [--time-limit]" in block[2]
    settings = json.loads((out / "summary.json").read_text(encoding="utf-8"))["settings"]
    assert settings["max_distance_km"] == {"value": 160.0, "origin": "given", "from": "--max-distance-km"}
    assert settings["detour_factor"]["origin"] == "default" and settings["detour_factor"]["value"] == 1.5
    assert settings["lowland_partners"]["value"] == [1, 1]
    assert set(settings) == {"max_distance_km", "max_minutes", "detour_factor", "distance_metric",
                             "lowland_partners", "remote_partners", "time_limit_s", "objectives"}


def test_validate_prints_the_settings_after_ok(runner):
    """issue 9: validate names the same effective settings (scenario file keys marked with the file)."""
    result = invoke(runner, "validate", TINY / "scenario.toml")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert "distance cap 160 km [scenario.toml]" in result.output


def _bad_roles(tmp_path: Path, n: int) -> Path:
    rows = ["code,name,role,lat,lon,supply_it,need_it", "20242,Hải Châu,lowland,16.07,108.21,2,",
            *(f"4{i:04d},Xã {i},Vùng núi,16.{i:02d},108.0,,1" for i in range(n))]
    path = tmp_path / "units.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_many_errors_of_one_kind_print_once(runner, tmp_path):
    """issue 9: 8 rows with one unknown role word are one line (first 5 rows, 'and 3 more'); exit 2."""
    result = invoke(runner, "validate", _bad_roles(tmp_path, 8))
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("units.csv")]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("units.csv: 8 rows: column 'role': value 'Vùng núi': ")
    assert lines[0].endswith("(rows 3, 4, 5, 6, 7 and 3 more)")
    assert result.output.splitlines()[-1] == "8 problem(s) found."
    loud = invoke(runner, "validate", _bad_roles(tmp_path, 8), "--verbose")
    assert len([ln for ln in loud.output.splitlines() if ln.startswith("  units.csv:")]) == 8


def test_validate_out_writes_the_full_list(runner, tmp_path):
    """issue 9: validate --out report.xlsx lists every row (file, row, column, value, message, kind), typed."""
    report = tmp_path / "report.xlsx"
    result = invoke(runner, "validate", _bad_roles(tmp_path, 8), "--out", report, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"wrote {report}" in result.output
    ws = load_workbook(report).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == ["file", "row", "column", "value", "message", "kind", "level"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 8 and [r[1] for r in rows] == list(range(3, 11))
    assert all(r[0] == "units.csv" and r[2] == "role" and r[3] == "Vùng núi" and r[6] == "error" for r in rows)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G9"
    assert not list(tmp_path.glob(".matcher-tmp*"))


def test_validate_out_on_good_input_writes_the_warnings(runner, tmp_path):
    """issue 9: on good input the report holds the warnings (none here: only the header row); exit 0."""
    report = tmp_path / "ok.xlsx"
    result = invoke(runner, "validate", TINY / "scenario.toml", "--out", report)
    assert result.exit_code == 0, result.output
    ws = load_workbook(report).worksheets[0]
    assert [c.value for c in ws[1]][:2] == ["Tệp", "Dòng"] and ws.max_row == 1


def test_validate_out_must_be_xlsx(runner, tmp_path):
    """issue 9: --out of validate takes a .xlsx file; anything else is exit 2 before reading."""
    result = invoke(runner, "validate", TINY / "scenario.toml", "--out", tmp_path / "r.csv")
    assert result.exit_code == 2 and "--out" in result.output


def test_whatif_keeps_the_base_runs_settings(runner, tmp_path):
    """issue 9: a what-if's summary.json keeps the settings of the run it was rebuilt from."""
    base = tmp_path / "base"
    assert invoke(runner, "solve", TINY / "units.csv", "--out", base, *FAST, "--quiet").exit_code == 0
    info = json.loads((base / "summary.json").read_text(encoding="utf-8"))
    assert info["scenario"]["max_distance_km"] == 150.0
    out = tmp_path / "w"
    result = invoke(runner, "whatif", base, "--forbid", "20242:20443", "--out", out, "--time-limit", "5")
    assert result.exit_code == 0, result.output
    settings = json.loads((out / "summary.json").read_text(encoding="utf-8"))["settings"]
    assert settings["max_distance_km"]["origin"] == "default"
    assert settings["time_limit_s"]["from"] == "--time-limit"
