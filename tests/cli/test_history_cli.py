"""``matcher history`` (issue 10: run history; cli/history.py)."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import invoke
from openpyxl import load_workbook

from matcher import jobs
from matcher.io import history
from matcher.io.scenario import load_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def solve_to(scenario: Path, out: Path, cap: float) -> None:
    sc = load_scenario(scenario)
    sc = replace(sc, rules=replace(sc.rules, max_distance_km=cap), params=replace(sc.params, workers=1))
    assert jobs.run_solve(sc, out).status.has_solution


@pytest.fixture
def sweep(tiny_copy, tmp_path) -> Path:
    """A sweep-like folder: DIR/runs/cap155 and DIR/runs/cap170 (each a result folder), DIR/sweep.json, and an
    old result folder (its run record removed, as written before run history)."""
    root = tmp_path / "sweep"
    for cap in (155, 170):
        solve_to(tiny_copy / "scenario.toml", root / "runs" / f"cap{cap}", cap)
    (root / "sweep.json").write_text("{}", encoding="utf-8")
    old = root / "runs" / "old"
    solve_to(tiny_copy / "scenario.toml", old, 160)
    info = json.loads((old / "summary.json").read_text(encoding="utf-8"))
    del info["run"]
    (old / "summary.json").write_text(json.dumps(info), encoding="utf-8")
    return root


def lines_of(result) -> list[str]:
    return result.stdout.splitlines()


def test_history_lists_each_run_with_its_input_hashes(runner, sweep, tiny_copy):
    """issue 10: one row per result folder found below DIR (a sweep's runs), with scenario, status, smallest
    coverage, total km, the settings digest and each input's short SHA-256; an old folder says it has no record."""
    result = invoke(runner, "history", sweep, "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = lines_of(result)
    assert lines[0].split("  ")[0] == "folder" and "sha256 units" in lines[0] and "settings digest" in lines[0]
    rows = lines[1:]
    assert [r.split()[0] for r in rows] == [str(sweep / "runs" / n) for n in ("cap155", "cap170", "old")]
    units = history.sha256_file(tiny_copy / "units.csv")[0][:12]
    scenario = history.sha256_file(tiny_copy / "scenario.toml")[0][:12]
    assert all(units in r and scenario in r and " tiny " in r and " optimal " in r for r in rows[:2])
    digests = [history.short(history.settings_digest(json.loads((sweep / "runs" / n / "summary.json").read_text(
        encoding="utf-8")))) for n in ("cap155", "cap170")]
    assert digests[0] != digests[1] and digests[0] in rows[0] and digests[1] in rows[1]
    assert units not in rows[2] and rows[2].endswith("no run record (written before run history)")


def test_check_marks_a_changed_and_a_missing_input_and_says_how_to_reproduce(runner, sweep, tiny_copy):
    """issue 10: --check re-hashes the inputs: an edited units table and a deleted travel table are marked
    (exit 0), each run says which, and the note says what reproducing a run needs."""
    assert "every input unchanged" in invoke(runner, "history", sweep, "--check", "--lang", "en").stdout
    with open(tiny_copy / "units.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    (tiny_copy / "travel.csv").unlink()
    result = invoke(runner, "history", sweep / "runs" / "cap155", "--check", "--lang", "en")
    assert result.exit_code == 0, result.output
    row = lines_of(result)[1]
    assert "(CHANGED)" in row and "(MISSING)" in row
    assert f"{sweep / 'runs' / 'cap155'}: 2 input(s) changed or missing since the run: units.csv (CHANGED), " \
           "travel.csv (MISSING)" in result.stdout
    assert "To reproduce a run: every input must have its recorded SHA-256" in result.stdout
    vi = invoke(runner, "history", sweep / "runs" / "cap155", "--check")
    assert "(ĐÃ THAY ĐỔI)" in vi.stdout and "(KHÔNG CÒN)" in vi.stdout and "Để chạy lại đúng kết quả" in vi.stdout


def test_out_writes_the_table_as_xlsx_and_csv(runner, sweep, tmp_path):
    """issue 10: --out history.xlsx (Vietnamese headers, numbers as numbers) and --out history.csv (with .csvt)
    hold one row per run."""
    result = invoke(runner, "history", sweep, "--out", tmp_path / "history.xlsx")
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "history.xlsx")["Lịch sử chạy"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:3] == ["Thư mục kết quả", "Thời điểm chạy (UTC)", "Người chạy"] and len(rows) == 4
    assert isinstance(rows[1][head.index("Tỷ lệ đáp ứng thấp nhất")], float)
    assert "SHA-256 bảng đơn vị" in head and "Phiên bản OR-Tools" in head
    result = invoke(runner, "history", sweep, "--lang", "en", "--out", tmp_path / "history.csv")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "history.csv", encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [Path(r["folder"]).name for r in table] == ["cap155", "cap170", "old"]
    assert table[0]["sha256_pairs"] == history.sha256_file(sweep.parent / "tiny" / "pairs.csv")[0][:12]
    kinds = (tmp_path / "history.csvt").read_text(encoding="utf-8").strip().split(",")
    assert kinds[:7] == ['"String"'] * 5 + ['"Real"'] * 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("history")) == [
        "history.csv", "history.csvt", "history.xlsx"]


def test_a_missing_folder_or_one_without_results_is_bad_input(runner, tmp_path):
    """issue 10: a DIR that does not exist, or holds no result folder, exits 2 naming it."""
    result = invoke(runner, "history", tmp_path / "nope")
    assert result.exit_code == 2 and f"{tmp_path / 'nope'}: folder not found" in result.output
    (tmp_path / "empty").mkdir()
    result = invoke(runner, "history", tmp_path / "empty")
    assert result.exit_code == 2 and "holds no result folder" in result.output
    assert invoke(runner, "history", TINY, "--out", tmp_path / "h.txt").exit_code == 2


def test_the_command_line_of_a_cli_run_is_recorded(runner, tmp_path, monkeypatch):
    """issue 10: matcher solve records its command line (sys.argv) in summary.json's run record."""
    out = tmp_path / "out"
    argv = ["matcher", "solve", str(TINY / "scenario.toml"), "--out", str(out), "--workers", "1", "-q"]
    monkeypatch.setattr(sys, "argv", argv)
    result = invoke(runner, *argv[1:])
    assert result.exit_code == 0, result.output
    run = json.loads((out / "summary.json").read_text(encoding="utf-8"))["run"]
    assert run["command"] == argv
    assert [e["role"] for e in run["inputs"]] == ["scenario", "units", "pairs", "travel"]
    listed = invoke(runner, "history", out, "--lang", "en", "--out", tmp_path / "h.csv")
    with open(tmp_path / "h.csv", encoding="utf-8-sig", newline="") as fh:
        assert next(csv.DictReader(fh))["command"] == " ".join(argv)
    assert listed.exit_code == 0


def test_a_folder_without_results_is_a_row_beside_the_valid_ones(runner, sweep, tmp_path):
    """issue 10 review: a valid run and an empty folder: exit 0, the run listed, the empty folder a row
    'no result here'; the Vietnamese table says the status in Vietnamese."""
    (tmp_path / "empty").mkdir()
    result = invoke(runner, "history", sweep / "runs" / "cap155", tmp_path / "empty", "--lang", "en")
    assert result.exit_code == 0, result.output
    rows = lines_of(result)[1:]
    assert [r.split()[0] for r in rows] == [str(sweep / "runs" / "cap155"), str(tmp_path / "empty")]
    assert rows[1].endswith("no result here (no summary.json)") and " optimal " in rows[0]
    vi = invoke(runner, "history", sweep / "runs" / "cap155", tmp_path / "empty")
    assert vi.exit_code == 0 and " tối ưu " in lines_of(vi)[1] and " optimal " not in lines_of(vi)[1]
    assert lines_of(vi)[2].endswith("không có kết quả ở đây (không có summary.json)")


def test_csv_has_machine_names_and_the_working_directory(runner, sweep, tmp_path, monkeypatch):
    """issue 10 review: --out history.csv has runs.csv-style names (folder, status, sha256_units, cwd, note) even in
    Vietnamese; a CLI run records its working directory."""
    out = tmp_path / "cli"
    argv = ["matcher", "solve", str(TINY / "scenario.toml"), "--out", str(out), "--workers", "1", "-q"]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.chdir(tmp_path)
    assert invoke(runner, *argv[1:]).exit_code == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["run"]["cwd"] == str(tmp_path)
    assert invoke(runner, "history", out, "--out", tmp_path / "h.csv").exit_code == 0
    with open(tmp_path / "h.csv", encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert {"folder", "status", "sha256_units", "sha256_scenario", "cwd", "note", "settings_digest"} <= set(row)
    assert row["cwd"] == str(tmp_path) and row["status"] == "tối ưu (đã chứng minh)"


def test_a_stale_run_of_an_earlier_sweep_is_marked(runner, sweep):
    """issue 10 review: sweep.json names cap155 only: cap170 (left by an earlier sweep) is 'stale (earlier sweep)'."""
    (sweep / "sweep.json").write_text(json.dumps({"runs": [{"run_id": "cap155"}]}), encoding="utf-8")
    rows = lines_of(invoke(runner, "history", sweep, "--lang", "en"))[1:]
    assert [r.endswith("stale (earlier sweep, not in its sweep.json)") for r in rows] == [False, True, True]
