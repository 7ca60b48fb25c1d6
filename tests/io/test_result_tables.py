"""Result tables, summary.json and plan.xlsx from a Result (io/result_tables.py)."""

from __future__ import annotations

import csv
import importlib
import json
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook

from matcher.errors import MatcherWarning
from matcher.io import result_tables
from matcher.io.result_tables import output_files, summary, write_result
from matcher.io.resultdir import read_result_dir
from matcher.result import Pair, Result, StageResult, Status
from tests.helpers import problem, unit

HOSTILE = '=HYPERLINK("http://x","y")'


def hostile_case():
    """Two lowland units and one remote unit; one lowland unit's name is a formula."""
    lo1 = replace(unit("01234", "lowland", supply={"it": 2}), name=HOSTILE)
    lo2 = replace(unit("01235", "lowland", supply={"it": 1}, dlat=0.05), name="-Sơn Trà")
    re = replace(unit("00002", "remote", need={"it": 3}, dlat=0.1), name="@Trà Linh")
    p = problem([lo1, lo2, re])
    result = Result(
        status=Status.FEASIBLE,
        stages=(StageResult("balance", Status.OPTIMAL, 1.0, 1.0, 0.1, "ratio"),
                StageResult("distance", Status.FEASIBLE, float("nan"), float("inf"), 0.1, "km")),
        pairs=(Pair("01234", "00002", 11.1, None, "geodesic x detour", False, {"it": 2}),
               Pair("01235", "00002", 5.6, None, "geodesic x detour", True, {"it": 1})),
        seconds=0.2, solver="test", params={"time_limit_s": float("nan")},
    )
    return p, result


PADDED = [MatcherWarning("code_padded", "codes typed as numbers were zero-padded to 5 digits", "units.csv", (r,))
          for r in range(2, 168)]


def test_summary_groups_warnings_with_details():
    """Issue 7: 166 warnings of one kind are one line in summary.json, with the rows as data."""
    p, result = hostile_case()
    info = summary(p, result, None, [*PADDED, "a plain note"])
    assert info["warnings"] == [
        "units.csv: 166 codes typed as numbers were zero-padded to 5 digits (rows 2–167)", "a plain note"]
    detail = info["warning_details"][0]
    assert (detail["kind"], detail["count"], detail["rows"][:2]) == ("code_padded", 166, [2, 3])
    assert info["warning_details"][1]["kind"] == "note"


def test_summary_sheet_has_one_row_per_grouped_warning():
    """The plan.xlsx summary sheet lists each grouped warning once."""
    p, result = hostile_case()
    sheet = output_files(p, result, None, [*PADDED, "a plain note"], lang="en")["plan.xlsx"]["summary"]
    assert list(sheet.loc[sheet["item"] == "warning", "value"]) == [
        "units.csv: 166 codes typed as numbers were zero-padded to 5 digits (rows 2–167)", "a plain note"]
    assert sheet.loc[sheet["item"] == "n_pairs", "value"].item() == 2  # a number, not the text "2"


def test_written_result_has_no_formula_and_reads_back_the_names(tmp_path):
    """Issue 7: hostile names are no formula in plan.xlsx, escaped in the CSVs, and read back unchanged."""
    p, result = hostile_case()
    out = tmp_path / "out"
    write_result(out, p, result, warnings=PADDED)
    wb = load_workbook(out / "plan.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c for c in cells if c.data_type == "f"] == []
    assert HOSTILE in {c.value for c in cells}
    codes = {c.value for ws in wb.worksheets for c in ws["A"] if isinstance(c.value, str)}
    assert {"01234", "01235", "00002"} <= codes
    with open(out / "pairs.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["lowland_name"] for r in rows} == {"'" + HOSTILE, "'-Sơn Trà"}
    assert {r["remote_name"] for r in rows} == {"'@Trà Linh"}
    view = read_result_dir(out)
    assert set(view.units["name"]) == {HOSTILE, "-Sơn Trà", "@Trà Linh"}
    assert set(view.pairs["lowland_name"]) == {HOSTILE, "-Sơn Trà"}


def test_integers_are_written_as_integers(tmp_path):
    """Issue 7: units.csv staff columns (blank on the other side's rows) are 2, not 2.0, in CSV and XLSX."""
    p, result = hostile_case()
    out = tmp_path / "out"
    write_result(out, p, result)
    with open(out / "units.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    assert (rows["01234"]["supply_it"], rows["01234"]["need_it"]) == ("2", "")
    assert (rows["00002"]["supply_it"], rows["00002"]["need_it"]) == ("", "3")
    ws = load_workbook(out / "plan.xlsx")["Đơn vị"]  # issue 9: the workbook is Vietnamese by default
    header = [c.value for c in ws[1]]
    values = [c.value for c in ws[2]]
    col = header.index("Số CB có thể hỗ trợ - Công nghệ thông tin")
    assert values[col] == 2 and isinstance(values[col], int)


def test_summary_json_is_valid_json(tmp_path):
    """Issue 7: NaN/inf figures (a stage value, a time limit) are null in summary.json, never NaN."""
    p, result = hostile_case()
    out = tmp_path / "out"
    write_result(out, p, result)
    text = (out / "summary.json").read_text(encoding="utf-8")
    info = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert info["stages"][1]["value"] is None and info["stages"][1]["bound"] is None
    assert info["solver_params"]["time_limit_s"] is None


def test_write_result_drops_a_stale_diagnosis_and_keeps_other_files(tmp_path):
    """write_result replaces the plan, removes an earlier diagnosis, and keeps a map drawn into the folder."""
    p, result = hostile_case()
    out = tmp_path / "out"
    out.mkdir()
    for name in ("diagnosis.json", "diagnosis.md", "map.png"):
        (out / name).write_text("old", encoding="utf-8")
    written = write_result(out, p, result)
    names = {q.name for q in Path(out).iterdir()}
    assert "diagnosis.json" not in names and "diagnosis.md" not in names and "map.png" in names
    assert {q.name for q in written} <= names


def test_result_tables_use_the_one_kpi_module():
    """The tables' coverage and KPIs are matcher.kpis' own functions, not copies."""
    kpis_module = importlib.import_module("matcher.kpis")
    assert result_tables.kpis is kpis_module.kpis
    assert result_tables.covered is kpis_module.covered
    assert result_tables.coverage_ratio is kpis_module.coverage_ratio
    assert not any(name in vars(result_tables) for name in ("min_ratio", "_load"))


def test_write_result_never_overwrites_the_scenario_tables(tiny_copy):
    """issue 7 review: write_result into the scenario's folder refuses, without protect=, and changes nothing."""
    import pytest

    from matcher import load_problem, load_scenario, solve
    from matcher.errors import InputError
    from matcher.model import SolveParams

    scenario = tiny_copy / "scenario.toml"
    p, w = load_problem(load_scenario(scenario))
    r = solve(p, SolveParams(time_limit_s=5, workers=1))
    before = {f.name: f.read_bytes() for f in tiny_copy.iterdir()}
    with pytest.raises(InputError, match="would overwrite input file"):
        write_result(tiny_copy, p, r, scenario_path=str(scenario), warnings=w)
    assert {f.name: f.read_bytes() for f in tiny_copy.iterdir()} == before


def test_write_result_protects_the_inputs_mapping(tmp_path):
    """issue 7 review: a path named in inputs= is never overwritten, even with no scenario."""
    import pytest

    from matcher.errors import InputError

    p, result = hostile_case()
    (tmp_path / "pairs.csv").write_text("mine\n")
    with pytest.raises(InputError):
        write_result(tmp_path, p, result, inputs={"pairs": str(tmp_path / "pairs.csv"), "travel": None})
    assert (tmp_path / "pairs.csv").read_text() == "mine\n"


# ---- plan.xlsx in the result's language (issue 9) --------------------------------------------------


def planner_case():
    """The hostile case with the planner's own columns (STT, Dân số, a code-like column) and Vietnamese assumptions."""
    p, result = hostile_case()
    extra = {"01234": {"STT": "1", "Dân số": "12500", "province_code": "048"},
             "01235": {"STT": "2", "Dân số": "9800", "province_code": "048"},
             "00002": {"STT": "3", "Dân số": "", "province_code": "049"}}
    units = tuple(replace(u, attrs=extra[u.code]) for u in p.units)
    return replace(p, units=units, assumptions=("English assumption.",),
                   assumptions_vi=("Giả định tiếng Việt.",)), result


def test_plan_xlsx_is_vietnamese_by_default(tmp_path):
    """issue 9: Vietnamese sheets and headers, a key sheet of machine names, roles in Vietnamese words."""
    p, result = planner_case()
    write_result(tmp_path / "out", p, result)
    wb = load_workbook(tmp_path / "out" / "plan.xlsx")
    assert wb.sheetnames == ["Tóm tắt", "Các cặp", "Xã vùng sâu, vùng xa", "Xã đồng bằng", "Đơn vị", "Tên cột"]
    pairs = [c.value for c in wb["Các cặp"][1]]
    assert pairs[:4] == ["Mã xã đồng bằng", "Tên xã đồng bằng", "Mã xã vùng sâu, vùng xa", "Tên xã vùng sâu, vùng xa"]
    assert "Số CB hỗ trợ - Công nghệ thông tin" in pairs
    key = {(r[1].value, r[2].value) for r in wb["Tên cột"].iter_rows(min_row=2)}
    assert ("Mã xã đồng bằng", "lowland_code") in key and ("Nhu cầu CB - Công nghệ thông tin", "need_it") in key
    units = wb["Đơn vị"]
    head = [c.value for c in units[1]]
    roles = [r[head.index("Vai trò")].value for r in units.iter_rows(min_row=2)]
    assert roles == ["đồng bằng", "đồng bằng", "vùng sâu, vùng xa"]
    summary_items = {r[0].value: r[1].value for r in wb["Tóm tắt"].iter_rows(min_row=2)}
    assert summary_items["Số cặp"] == 2
    assert "Giả định tiếng Việt." in [r[1].value for r in wb["Tóm tắt"].iter_rows(min_row=2)]


def test_plan_xlsx_layout_and_the_planners_columns(tmp_path):
    """issue 9: every sheet has a frozen header, an autofilter and fitted widths; the planner's columns are kept,
    numbers as numbers and code-like text (048) as text."""
    p, result = planner_case()
    write_result(tmp_path / "out", p, result)
    wb = load_workbook(tmp_path / "out" / "plan.xlsx")
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert all(8 <= d.width <= 60 for d in ws.column_dimensions.values())
    units = wb["Đơn vị"]
    head = [c.value for c in units[1]]
    rows = [[c.value for c in r] for r in units.iter_rows(min_row=2)]
    assert [r[head.index("STT")] for r in rows] == [1, 2, 3]
    assert [r[head.index("Dân số")] for r in rows] == [12500, 9800, None]
    assert [r[head.index("province_code")] for r in rows] == ["048", "048", "049"]
    assert [r[head.index("Mã")] for r in rows] == ["01234", "01235", "00002"]
    with open(tmp_path / "out" / "units.csv", encoding="utf-8-sig", newline="") as fh:
        assert {"STT", "Dân số", "province_code"} <= set(csv.DictReader(fh).fieldnames)


def test_plan_xlsx_in_english_keeps_machine_names():
    """issue 9: --lang en keeps the machine sheet and column names, English assumptions, no key sheet."""
    p, result = planner_case()
    sheets = output_files(p, result, None, lang="en")["plan.xlsx"]
    assert list(sheets) == ["summary", "pairs", "remote_summary", "lowland_summary", "units"]
    assert list(sheets["pairs"].columns[:2]) == ["lowland_code", "lowland_name"]
    assert "English assumption." in list(sheets["summary"]["value"])


def test_summary_json_records_settings_when_given():
    """issue 9: summary.json's settings are the caller's (default or given), else marked not recorded."""
    p, result = hostile_case()
    given = {"max_distance_km": {"value": 150.0, "origin": "default", "from": "x"}}
    assert summary(p, result, None, settings=given)["settings"] == given
    assert summary(p, result, None)["settings"]["detour_factor"]["origin"] == "not recorded"
