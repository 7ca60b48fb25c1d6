"""Command line: exit codes, one line per input problem, result files and help texts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer.main
from helpers import invoke

from matcher import __version__
from matcher.cli import app

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
FAST = ["--time-limit", "5", "--workers", "1"]
OUTPUT_FILES = {"pairs.csv", "remote_summary.csv", "lowland_summary.csv", "units.csv", "summary.json", "plan.xlsx",
                "pairs.csvt", "remote_summary.csvt", "lowland_summary.csvt", "units.csvt",
                "plan.gpkg", "pairs.geojson"}  # issue 10: the plan for QGIS


def target_args(case) -> list:
    """The command-line arguments that make a command read a bad file."""
    if case.kind in ("units", "scenario"):
        return [case.path]
    if case.kind == "plan":  # a published plan to keep (issue 10)
        return [TINY / "units.csv", "--from-plan", case.path]
    return [TINY / "units.csv", f"--{case.kind}", case.path]


def folder_is_empty(path: Path) -> bool:
    return not path.exists() or not any(path.iterdir())


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


# ---- version and help ------------------------------------------------------------------


def test_version(runner):
    """--version prints the package version and exits 0."""
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"matcher {__version__}"


@pytest.mark.parametrize("command", ["solve", "validate", "evaluate"])
def test_every_command_has_help(runner, command):
    """Each command has a help text, shown by --help, and every argument and option is described."""
    click_cmd = typer.main.get_command(app).commands[command]
    assert click_cmd.help and click_cmd.help.strip()
    undocumented = [p.name for p in click_cmd.params if not (getattr(p, "help", None) or "").strip()]
    assert undocumented == []
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert click_cmd.help.split()[0] in result.output
    top = invoke(runner, "--help")
    assert top.exit_code == 0 and command in top.output


# ---- validate ----------------------------------------------------------------------------


def test_validate_tiny_scenario_exits_0(runner):
    """validate on the tiny scenario reports the counts and exits 0."""
    result = invoke(runner, "validate", TINY / "scenario.toml")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 3 lowland, 2 remote, 1 locked, 1 forbidden pairs")
    assert "domains: it, land" in result.output


def test_validate_bad_file_exits_2_with_one_line_per_problem(runner, bad_case):
    """validate on a bad file exits 2, prints one line per problem and no traceback."""
    result = invoke(runner, "validate", *target_args(bad_case))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    problem_lines = [ln for ln in lines if ln.startswith(bad_case.file)]
    assert len(problem_lines) == len(bad_case.issues), lines
    for want in bad_case.issues:
        assert any(ln.startswith(bad_case.expected_prefix(want)) for ln in problem_lines)
    assert lines[-1] == f"{len(bad_case.issues)} problem(s) found."
    assert len(lines) == len(bad_case.issues) + 1


def test_validate_far_unit_warns_and_exits_0(runner, tmp_path):
    """A unit far from all others is a grouped warning (the unit named with --verbose); exit 0."""
    units = tmp_path / "units.csv"
    units.write_text((TINY / "units.csv").read_text(encoding="utf-8")
                     + "20333,Hoàng Sa,remote,16.568,112.135,,,1,1\n", encoding="utf-8")
    result = invoke(runner, "validate", units)
    assert result.exit_code == 0, result.output
    assert "warning: units.csv: 1 unit lies more than 300 km from every other unit" in result.output
    verbose = invoke(runner, "validate", units, "--verbose")
    assert "  units.csv:7: unit 20333 (Hoàng Sa) is 416 km from every other unit" in verbose.output


# ---- solve: bad input ----------------------------------------------------------------------


def test_solve_bad_input_exits_2_and_writes_nothing(runner, bad_case, tmp_path):
    """solve on a bad file exits 2 without a traceback and leaves --out absent."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", *target_args(bad_case), "--out", out, *FAST)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert folder_is_empty(out)


def test_solve_bad_option_value_exits_2(runner, tmp_path):
    """A bad command-line value (--workers 0) is bad input: exit 2, one line, nothing written."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", out, "--workers", "0")
    assert result.exit_code == 2, result.output
    assert "workers" in result.output and "must be a whole number from 1 to" in result.output
    assert folder_is_empty(out)


def test_solve_refuses_to_overwrite_inputs(runner, tiny_copy):
    """--out on the input folder (units.csv, pairs.csv would be replaced) exits 2 and changes nothing."""
    before = {p.name: p.read_bytes() for p in tiny_copy.iterdir()}
    result = invoke(runner, "solve", tiny_copy / "scenario.toml", "--out", tiny_copy, *FAST)
    assert result.exit_code == 2, result.output
    assert f"would overwrite input file {tiny_copy / 'units.csv'}" in result.output
    assert {p.name: p.read_bytes() for p in tiny_copy.iterdir()} == before


# ---- solve: the tiny scenario ----------------------------------------------------------------


@pytest.fixture(scope="module")
def solved(runner, tmp_path_factory):
    """The tiny scenario solved once into a fresh folder: (CLI result, out folder)."""
    out = tmp_path_factory.mktemp("solved") / "out"
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", out, *FAST)
    return result, out


def test_solve_tiny_exits_0_and_writes_every_file(solved):
    """solve on the tiny scenario exits 0 and writes the five result files, nothing else."""
    result, out = solved
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES


def test_solve_pairs_csv(solved):
    """pairs.csv has the required columns, 5-digit text codes, the locked pair, not the forbidden one."""
    _, out = solved
    pairs = read_csv(out / "pairs.csv")
    required = ["lowland_code", "lowland_name", "remote_code", "remote_name", "distance_km", "locked"]
    assert set(required) <= set(pairs.columns)
    assert len(pairs) == 3  # every lowland unit has exactly one partner
    for col in ("lowland_code", "remote_code"):
        assert pairs[col].str.fullmatch(r"\d{5}").all()
    chosen = set(zip(pairs.lowland_code, pairs.remote_code, strict=True))
    assert ("20242", "20443") in chosen and ("20263", "20443") not in chosen
    assert pairs.set_index(["lowland_code", "remote_code"]).loc[("20242", "20443"), "locked"] == "True"
    assert pd.to_numeric(pairs.distance_km).le(160).all()


def test_solve_remote_and_lowland_summaries(solved):
    """remote_summary.csv and lowland_summary.csv have their required columns, one row per unit."""
    _, out = solved
    remote = read_csv(out / "remote_summary.csv")
    required = ["remote_code", "remote_name", "partners", "coverage_ratio"]
    required += [f"{k}_{d}" for d in ("it", "land") for k in ("need", "covered")]
    assert set(required) <= set(remote.columns)
    assert list(remote.remote_code) == ["20443", "20458"]
    assert pd.to_numeric(remote.coverage_ratio).between(0, 1).all()
    lowland = read_csv(out / "lowland_summary.csv")
    assert list(lowland.lowland_code) == ["20242", "20209", "20263"]
    units = read_csv(out / "units.csv")
    assert {"code", "name", "role", "lat", "lon"} <= set(units.columns)
    assert list(units.code) == ["20242", "20209", "20263", "20443", "20458"]


def test_solve_summary_json(solved):
    """summary.json has the required keys, and one entry per lexicographic stage."""
    _, out = solved
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    required = {"status", "stages", "n_lowland", "n_remote", "n_pairs", "min_coverage", "total_shortfall",
                "total_distance_km", "solve_seconds", "solver", "scenario", "assumptions"}
    assert required <= set(summary)
    assert summary["status"] in ("optimal", "feasible")
    assert [s["name"] for s in summary["stages"]] == ["balance", "shortfall", "distance"]
    for stage in summary["stages"]:
        assert {"name", "status", "value", "bound", "seconds"} <= set(stage)
    assert (summary["n_lowland"], summary["n_remote"], summary["n_pairs"]) == (3, 2, 3)
    assert "Test data: staff figures are made up." in summary["assumptions"]


def test_solve_keeps_leading_zeros_in_codes(runner, tiny_copy, tmp_path):
    """Codes with leading zeros ('00242') come back as the same 5-character text in every output."""
    codes = {"20242": "00242", "20209": "00209", "20263": "00263", "20443": "00443", "20458": "00458"}
    for name in ("units.csv", "pairs.csv", "travel.csv"):
        text = (tiny_copy / name).read_text(encoding="utf-8")
        for old, new in codes.items():
            text = text.replace(old, new)
        (tiny_copy / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(runner, "solve", tiny_copy / "scenario.toml", "--out", out, *FAST, "--quiet")
    assert result.exit_code == 0, result.output
    pairs = read_csv(out / "pairs.csv")
    assert set(pairs.lowland_code) == {"00242", "00209", "00263"}
    assert set(pairs.remote_code) <= {"00443", "00458"}
    assert set(read_csv(out / "remote_summary.csv").remote_code) == {"00443", "00458"}
    assert list(read_csv(out / "units.csv").code) == list(codes.values())


# ---- solve: infeasible -------------------------------------------------------------------------


def _remote_max_zero(folder: Path) -> None:
    """Give both remote units a max_partners of 0 in a units column."""
    lines = (folder / "units.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",max_partners"]
    out += [ln + (",0" if ",remote," in ln else ",") for ln in lines[1:]]
    (folder / "units.csv").write_text("\n".join(out) + "\n", encoding="utf-8")


def _two_locked_pairs_for_one_lowland(folder: Path) -> None:
    """Lock Hải Châu to both remote units while lowland_max is 1."""
    (folder / "pairs.csv").write_text(
        "lowland_code,remote_code,status\n20242,20443,locked\n20242,20458,locked\n", encoding="utf-8")


@pytest.mark.parametrize("break_it", [_remote_max_zero, _two_locked_pairs_for_one_lowland])
def test_solve_infeasible_exits_3_and_writes_only_the_diagnosis(runner, tiny_copy, tmp_path, break_it):
    """A valid but infeasible scenario exits 3, says so, and writes the diagnosis, no plan."""
    break_it(tiny_copy)
    out = tmp_path / "out"
    result = invoke(runner, "solve", tiny_copy / "scenario.toml", "--out", out, *FAST)
    assert result.exit_code == 3, result.output
    assert "infeasible" in result.output
    assert "Traceback" not in result.output
    assert {p.name for p in out.iterdir()} == {"diagnosis.json", "diagnosis.md"}
    diagnosis = json.loads((out / "diagnosis.json").read_text(encoding="utf-8"))
    assert diagnosis["conflict"], diagnosis


def test_diagnose_command_on_the_default_with_a_100_km_cap(runner, tmp_path):
    """matcher diagnose names the cap and La Êê, offers a verified 108 km cap, writes both files."""
    result = invoke(runner, "diagnose", "--max-distance-km", 100, "--lang", "en", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "distance cap 100 km" in result.output and "La Êê (20698)" in result.output
    assert "raise the distance cap to 108 km" in result.output
    assert {p.name for p in tmp_path.iterdir()} == {"diagnosis.json", "diagnosis.md"}


# ---- evaluate ----------------------------------------------------------------------------------


def test_evaluate_plan_breaking_rules_exits_0_and_lists_them(runner, tmp_path):
    """evaluate --plan on a hand plan that drops the locked pair and uses the forbidden one lists both."""
    plan = tmp_path / "plan.csv"
    plan.write_text("lowland_code,remote_code\n20209,20443\n20263,20443\n", encoding="utf-8")
    out = tmp_path / "eval"
    result = invoke(runner, "evaluate", TINY / "scenario.toml", "--plan", plan, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert "the plan breaks" in result.output
    assert "locked pair Hải Châu (20242) - Hùng Sơn (20443) is missing" in result.output
    assert "forbidden pair Sơn Trà (20263) - Hùng Sơn (20443) is used" in result.output
    assert {p.name for p in out.iterdir()} >= OUTPUT_FILES
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert any("forbidden pair" in b for b in summary["broken_rules"])


# ---- the default scenario, KPIs from the files, time limits -------------------------


def kpis_from_files(out: Path) -> dict:
    """Recompute the headline figures from pairs.csv and remote_summary.csv alone."""
    pairs = read_csv(out / "pairs.csv")
    remote = read_csv(out / "remote_summary.csv")
    domains = [c[len("need_"):] for c in remote.columns if c.startswith("need_") and c != "need_total"]
    staff = {d: pairs.groupby("remote_code")[f"staff_{d}"].apply(lambda s: s.astype(int).sum()) for d in domains}
    ratios, short = [], 0
    for _, r in remote.iterrows():
        need = {d: int(r[f"need_{d}"]) for d in domains}
        cov = sum(min(need[d], int(staff[d].get(r["remote_code"], 0))) for d in domains)
        short += sum(need.values()) - cov
        ratios.append(cov / sum(need.values()) if sum(need.values()) else 1.0)
    return {
        "min_coverage": min(ratios),
        "total_shortfall": short,
        "n_pairs": len(pairs),
        "total_distance_km": pairs["distance_km"].astype(float).sum(),
    }


def test_default_scenario_from_the_cli(runner, tmp_path):
    """No scenario = Da Nang 2025: exit 0, 60 pairs incl. the 15 locked, KPIs match the files."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["n_lowland"], summary["n_remote"], summary["n_pairs"]) == (60, 33, 60)
    assert summary["n_locked_pairs"] == 15
    assert any("ILLUSTRATIVE" in a for a in summary["assumptions"])
    assert any("MINH HỌA" in a for a in summary["assumptions_vi"])  # the same, in Vietnamese
    again = kpis_from_files(out)
    assert again["min_coverage"] == pytest.approx(summary["min_coverage"])
    assert again["total_shortfall"] == summary["total_shortfall"]
    assert again["n_pairs"] == summary["n_pairs"]
    assert again["total_distance_km"] == pytest.approx(summary["total_distance_km"], abs=0.05 * 60)
    pairs = read_csv(out / "pairs.csv")
    assert (pairs["locked"] == "True").sum() == 15
    assert "Trà Linh" in set(pairs["remote_name"])


def test_same_seed_same_pairs_csv(runner, tmp_path):
    """--workers 1 --seed 7 twice: the same pairs.csv."""
    for name in ("a", "b"):
        result = invoke(runner, "solve", "--out", tmp_path / name, "--workers", "1", "--seed", "7", "--quiet")
        assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "pairs.csv").read_bytes() == (tmp_path / "b" / "pairs.csv").read_bytes()


def test_no_solution_in_time_exits_4(runner, tmp_path, monkeypatch):
    """A solve that ends without any plan (time limit) exits 4 and writes nothing."""
    import matcher.jobs
    from matcher.result import Result, StageResult, Status

    def no_plan(problem, params=None, progress=None):
        stage = StageResult("balance", Status.UNKNOWN, None, None, 0.01, "ratio")
        return Result(Status.UNKNOWN, (stage,), (), 0.01, "stub")

    monkeypatch.setattr(matcher.jobs, "solve", no_plan)
    result = invoke(runner, "solve", TINY / "scenario.toml", "--out", tmp_path / "out")
    assert result.exit_code == 4
    assert folder_is_empty(tmp_path / "out")


def test_scenario_settings_as_options(runner, tmp_path):
    """A units table plus options: --objectives and --tolerance reach the solver and summary.json."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", TINY / "units.csv", "--pairs", TINY / "pairs.csv", "--max-distance-km", 300,
                    "--objectives", "distance,balance", "--tolerance", "distance=0.1", "--remote-min-partners", 0,
                    "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in summary["stages"]] == ["distance", "balance"]
    assert summary["scenario"]["tolerances"]["distance"] == 0.1
    assert summary["scenario"]["max_distance_km"] == 300
    assert summary["scenario"]["partners"]["remote"][0] == 0


@pytest.mark.parametrize("args", [["--objectives", "speed"], ["--tolerance", "balance=2"]])
def test_bad_option_values_exit_2(runner, tmp_path, args):
    """Unknown stage names and out-of-range tolerances are bad input."""
    result = invoke(runner, "solve", TINY / "scenario.toml", *args, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert folder_is_empty(tmp_path / "o")


def test_plan_xlsx_keeps_codes_as_text(solved):
    """plan.xlsx has every table as a sheet; code cells are text, so leading zeros survive Excel.

    issue 9: the workbook follows --lang (default vi): Vietnamese sheet names and headers."""
    import openpyxl

    _, out = solved
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    assert {"Tóm tắt", "Các cặp", "Xã vùng sâu, vùng xa", "Xã đồng bằng", "Đơn vị", "Tên cột"} <= set(wb.sheetnames)
    ws = wb["Các cặp"]
    header = [c.value for c in ws[1]]
    col = header.index("Mã xã đồng bằng")
    codes = [row[col].value for row in ws.iter_rows(min_row=2)]
    assert codes and all(isinstance(c, str) and len(c) == 5 for c in codes)
    items = [row[0].value for row in wb["Tóm tắt"].iter_rows(min_row=2)]
    assert "Giả định" in items


def test_csvt_sidecars_type_codes_as_text(solved):
    """Each CSV has a .csvt for QGIS with the code columns typed String."""
    _, out = solved
    header = read_csv(out / "units.csv").columns.tolist()
    types = (out / "units.csvt").read_text(encoding="utf-8").strip().split(",")
    assert len(types) == len(header)
    kinds = dict(zip(header, types, strict=True))
    assert kinds["code"] == '"String"' and kinds["lat"] == '"Real"'


# ---- explain: why and what-if --------------------------------------------------------------


def test_solve_why_explains_every_pair(runner, tmp_path):
    """--why adds decided_by and sentences in both languages to pairs.csv; the pack shows them."""
    out = tmp_path / "out"
    result = invoke(runner, "solve", TINY / "scenario.toml", "--why", "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    pairs = read_csv(out / "pairs.csv")
    assert {"decided_by", "distance_rank", "why_vi", "why_en"} <= set(pairs.columns)
    assert (pairs["why_vi"] != "").all() and (pairs["why_en"] != "").all()
    assert set(pairs["decided_by"]) <= {"balance", "shortfall", "distance", "tie", "locked", "required"}
    pack = tmp_path / "pack.pdf"
    assert invoke(runner, "report", out, "--lang", "en", "--out", pack).exit_code == 0
    import pypdf

    assert "Why this partner" in "".join(p.extract_text() for p in pypdf.PdfReader(pack).pages)


@pytest.fixture(scope="module")
def default_result(runner, tmp_path_factory):
    out = tmp_path_factory.mktemp("default") / "out"
    assert invoke(runner, "solve", "--out", out, "--quiet").exit_code == 0
    return out


def test_whatif_pair_already_in_plan_costs_nothing(runner, default_result):
    """Forcing Núi Thành–Trà Tập, already in the plan: exit 0, every stage unchanged."""
    pairs = read_csv(default_result / "pairs.csv")
    row = pairs[pairs["locked"] == "False"].iloc[0]
    result = invoke(runner, "whatif", default_result, "--force", f"{row.lowland_code}:{row.remote_code}",
                    "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "−" not in result.output.split("## Pairs that moved")[0].split("Difference")[1]


def test_whatif_impossible_says_why_and_exits_3(runner, default_result, tmp_path):
    """Forcing Sơn Trà (locked to Trà Leng, at most 1 partner) onto Trà Tập: exit 3, the bound named."""
    result = invoke(runner, "whatif", default_result, "--force", "20263:20941", "--lang", "en")
    assert result.exit_code == 3, result.output
    assert "Sơn Trà (20263) may have at most 1" in result.output


def test_whatif_swap_writes_the_new_plan(runner, default_result, tmp_path):
    """Release and forbid Sơn Trà–Trà Leng, force Sơn Trà–Trà Tập: a new plan with the forced pair."""
    out = tmp_path / "w"
    result = invoke(runner, "whatif", default_result, "--release", "20263:20938", "--forbid", "20263:20938",
                    "--force", "20263:20941", "--out", out)
    assert result.exit_code == 0, result.output
    pairs = read_csv(out / "pairs.csv")
    chosen = set(zip(pairs.lowland_code, pairs.remote_code, strict=True))
    assert ("20263", "20941") in chosen and ("20263", "20938") not in chosen
    assert (out / "whatif.md").read_text(encoding="utf-8").startswith("# Nếu thay đổi thì sao?")


def test_whatif_bad_pair_argument_exit_2(runner, default_result):
    """A malformed --force is bad input."""
    result = invoke(runner, "whatif", default_result, "--force", "20263")
    assert result.exit_code == 2 and "LOWLAND:REMOTE" in result.output
