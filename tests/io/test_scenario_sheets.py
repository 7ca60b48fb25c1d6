"""Scenario wiring of issue 9: units_sheet/pairs_sheet and --sheet, reading notes of pairs/travel tables kept,
a FIFO scenario refused at once, pair options by code or name."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.errors import InputError
from matcher.io.scenario import load_problem, read_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
FAST = ["--time-limit", "5", "--workers", "1", "-q"]


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def two_sheet_workbook(path: Path) -> Path:
    """A workbook whose active first sheet is a stale copy with 2 units, the second ('Mới') the tiny table."""
    units = pd.read_csv(TINY / "units.csv", dtype=str, keep_default_na=False)
    wb = openpyxl.Workbook()
    for ws, frame in ((wb.active, units.iloc[[0, 3]]), (wb.create_sheet("Mới"), units)):
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append(list(row))
    wb.active = 0
    wb.save(path)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_units_sheet_key_picks_the_sheet(tmp_path):
    """issue 9: units_sheet in a scenario file reads that sheet, not the active one."""
    book = two_sheet_workbook(tmp_path / "units.xlsx")
    sc = read_scenario(write(tmp_path / "s.toml", 'units = "units.xlsx"\nunits_sheet = "Mới"\n'))
    assert sc.units_sheet == "Mới"
    problem, _ = load_problem(sc)
    assert len(problem.units) == 5
    bare, _ = load_problem(read_scenario(write(tmp_path / "b.toml", f'units = "{book.name}"\n')))
    assert len(bare.units) == 2


def test_sheet_option_validate_and_unknown_sheet_exit_2(tmp_path):
    """issue 9: --sheet NAME reads the named sheet of a units workbook; an unknown name exits 2 listing the sheets."""
    book = two_sheet_workbook(tmp_path / "units.xlsx")
    res = invoke("validate", book, "--sheet", "Mới")
    assert res.exit_code == 0, res.output
    assert "5" in res.output
    res = invoke("validate", book, "--sheet", "Cũ")
    assert res.exit_code == 2
    assert "units.xlsx" in res.output and "no sheet 'Cũ'" in res.output and "Mới" in res.output


def test_sheet_option_is_recorded_and_the_result_rebuilds(tmp_path):
    """issue 9: solve --sheet records the sheet in summary.json and the result folder rebuilds the same problem."""
    from matcher.io.resultdir import problem_for_result

    book = two_sheet_workbook(tmp_path / "units.xlsx")
    out = tmp_path / "out"
    res = invoke("solve", book, "--sheet", "Mới", "--out", out, *FAST)
    assert res.exit_code == 0, res.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["scenario"]["units_sheet"] == "Mới"
    problem, _ = problem_for_result(out)
    assert len(problem.units) == 5


def test_bad_sheet_key_names_file_key_value(tmp_path):
    """issue 9: units_sheet must be text: file, key and value named, exit 2."""
    path = write(tmp_path / "scenario.toml", f'units = "{TINY / "units.csv"}"\nunits_sheet = 3\n')
    with pytest.raises(InputError) as info:
        read_scenario(path)
    assert "scenario.toml: key 'units_sheet': value '3': expected a string" in str(info.value)
    assert invoke("validate", path).exit_code == 2


def test_template_pairs_sheet_read_in_place(tmp_path):
    """issue 9: the template's pairs sheet, filled in the workbook, is read in place with pairs_sheet."""
    from matcher.io.template import ROLE_WORDS, STATUS_WORDS, label, write_template

    path = tmp_path / "units.xlsx"
    tpl = write_template(path, ["Lai Châu"])
    wb = openpyxl.load_workbook(path)
    ws, wp = wb.worksheets[0], wb.worksheets[1]
    head = [c.value for c in ws[1]]
    col = {c: head.index(label(c, "vi") if tpl.labels else c) + 1 for c in ("code", "role")}
    codes = {r: next(ws.cell(i, col["code"]).value for i in range(2, ws.max_row + 1)
                     if ws.cell(i, col["role"]).value == ROLE_WORDS[r][tpl.labels]) for r in ("lowland", "remote")}
    wp.append([codes["lowland"], codes["remote"], STATUS_WORDS["forbidden"][tpl.labels], "thử"])
    wb.save(path)
    sc = read_scenario(write(tmp_path / "s.toml", f'units = "units.xlsx"\npairs = "units.xlsx"\n'
                                                  f'pairs_sheet = "{wp.title}"\n'))
    problem, _ = load_problem(sc)
    assert [(r.lowland_code, r.remote_code, r.status.value) for r in problem.pair_rules] == [
        (codes["lowland"], codes["remote"], "forbidden")]


def test_pairs_sheet_solves_rebuilds_and_yields_to_pairs_option(tmp_path):
    """issue 9: pairs_sheet of the scenario's own pairs workbook: solve keeps its locked pair, the result folder
    rebuilds, and --pairs OTHER.csv reads that file (the sheet name belongs to the scenario's file)."""
    from matcher.io.resultdir import problem_for_result
    from matcher.io.scenario import with_overrides

    units = pd.read_csv(TINY / "units.csv", dtype=str, keep_default_na=False)
    wb = openpyxl.Workbook()
    wb.active.append(list(units.columns))
    for row in units.itertuples(index=False):
        wb.active.append(list(row))
    wp = wb.create_sheet("Cặp")
    wp.append(["lowland_code", "remote_code", "status"])
    wp.append(["20209", "20458", "giữ"])
    wb.save(tmp_path / "units.xlsx")
    path = write(tmp_path / "s.toml", 'units = "units.xlsx"\npairs = "units.xlsx"\npairs_sheet = "Cặp"\n'
                                            'max_distance_km = 160\n')
    out = tmp_path / "out"
    res = invoke("solve", path, "--out", out, *FAST)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out / "pairs.csv", dtype=str)
    assert ((got["lowland_code"] == "20209") & (got["remote_code"] == "20458")).any()
    problem, _ = problem_for_result(out)
    assert problem.locked == {("20209", "20458")}
    other = with_overrides(read_scenario(path), pairs=TINY / "pairs.csv")
    assert other.pairs_sheet is None
    assert ("20242", "20443") in load_problem(other)[0].locked


def test_pairs_reading_notes_reach_the_warnings(tmp_path):
    """issue 9: a pairs table's reading notes (header under a title row, loose name match) are not lost."""
    write(tmp_path / "pairs.csv", "Danh sách cặp,,\nlowland_code,remote_code,status\nHai Chau,Hung Son,giữ\n")
    sc = read_scenario(write(tmp_path / "s.toml", f'units = "{TINY / "units.csv"}"\npairs = "pairs.csv"\n'))
    problem, warnings = load_problem(sc)
    assert [(r.lowland_code, r.remote_code) for r in problem.pair_rules] == [("20242", "20443")]
    kinds = {(w.kind, w.source) for w in warnings}
    assert ("header_row", "pairs.csv") in kinds and ("name_matched", "pairs.csv") in kinds


def test_travel_reading_notes_reach_the_warnings(tmp_path):
    """issue 9: a travel table's reading notes (here a header under a title row) reach load_problem's warnings."""
    text = (TINY / "travel.csv").read_text(encoding="utf-8")
    write(tmp_path / "travel.csv", "Bảng khoảng cách\n" + text)
    sc = read_scenario(write(tmp_path / "s.toml", f'units = "{TINY / "units.csv"}"\ntravel = "travel.csv"\n'))
    _, warnings = load_problem(sc)
    assert ("header_row", "travel.csv") in {(w.kind, w.source) for w in warnings}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_scenario_is_refused_at_once(tmp_path):
    """issue 9: a FIFO given as the scenario file exits 2 naming it (never blocks on open)."""
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as info:
        read_scenario(fifo)
    assert "FIFO" in str(info.value) and str(fifo) in str(info.value)
    res = invoke("validate", fifo)
    assert res.exit_code == 2 and "FIFO" in res.output


def test_malformed_pair_option_says_code_or_name(tmp_path):
    """issue 9: --force without ':' exits 2 naming the option and value, and says codes or names are taken."""
    res = invoke("whatif", tmp_path, "--force", "Hội An")
    assert res.exit_code == 2
    assert "--force" in res.output and "Hội An" in res.output and "code or name" in res.output
