"""Issue 9: tables as provincial offices send them read to the same Problem as matcher's own columns."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook

from matcher.analysis.whatif import _clean_pairs
from matcher.errors import InputError, MatcherWarning
from matcher.io.headers import fold, machine_name, role_word, status_word
from matcher.io.inputs import read_pairs, read_plan, read_units
from matcher.io.names import UnitNames
from matcher.io.scenario import load_problem, scenario_from_table
from matcher.io.tables import read_table
from matcher.model import PairStatus, Role

OFFICE = Path(__file__).resolve().parents[1] / "data" / "office"


def problem_of(units: str, pairs: str | None = None):
    return load_problem(scenario_from_table(OFFICE / units, pairs=pairs and OFFICE / pairs))


def kinds(warnings: list[MatcherWarning]) -> dict[str, MatcherWarning]:
    out = {w.kind: w for w in warnings}
    assert len(out) == len(warnings), "one warning per kind"
    return out


# ---- the official-style workbook and its clean twin ------------------------------------------


def test_issue_9_official_workbook_reads_to_the_same_problem_as_its_clean_csv_twin():
    """issue 9: title rows, Vietnamese headers and words, blanks, a Tổng cộng =SUM row, numeric codes: same Problem."""
    office, _ = problem_of("thanh_hoa.xlsx", "thanh_hoa_pairs.xlsx")
    clean, _ = problem_of("thanh_hoa.csv", "thanh_hoa_pairs.csv")
    assert office == clean
    assert [u.role for u in office.units] == [Role.LOWLAND] * 3 + [Role.REMOTE] * 3
    assert office.domains == ("it", "land")
    assert office.locked == {("15001", "15448")} and office.forbidden == {("14971", "14803")}


def test_issue_9_the_planners_own_columns_are_kept_on_every_unit():
    """issue 9: STT, Loại, Dân số, Diện tích, Ghi chú reach Unit.attrs under their machine names."""
    office, _ = problem_of("thanh_hoa.xlsx")
    quan_son = office.unit("15448")
    assert dict(quan_son.attrs) == {"stt": "4", "type": "Xã", "population": "9800", "area_km2": "210.5",
                                    "note": "huyện nghèo (cũ)"}


def test_issue_9_each_reading_note_comes_once_grouped_by_kind():
    """issue 9: aliases, header row, totals row and blank zeros each give ONE note naming the rows."""
    _, warnings = problem_of("thanh_hoa.xlsx")
    got = kinds(warnings)
    assert set(got) == {"header_alias", "header_row", "rows_skipped", "blank_as_zero"}
    assert "'Mã' as 'code'" in got["header_alias"].message
    assert "'Nhu cầu CB - Đất đai' as 'need_land'" in got["header_alias"].message
    assert got["header_row"].line() == "thanh_hoa.xlsx: header read from row 3; rows 1–2 above it skipped as titles"
    assert got["rows_skipped"].line() == "thanh_hoa.xlsx: 1 totals row was skipped (row 10)"
    assert got["blank_as_zero"].rows == (5, 6, 8, 9)
    assert got["blank_as_zero"].details[0] == "thanh_hoa.xlsx:5: supply_land blank, read as 0"


def test_issue_9_blank_rows_between_units_are_skipped_with_one_note(tmp_path):
    """issue 9: blank rows (also ',,,,' rows) are skipped, with one note listing them."""
    text = (OFFICE / "thanh_hoa.csv").read_text(encoding="utf-8").splitlines()
    text[3:3] = ["", ",,,,,,,,,,,,,"]
    (tmp_path / "thanh_hoa.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    problem, warnings = load_problem(scenario_from_table(tmp_path / "thanh_hoa.csv"))
    assert problem.units == problem_of("thanh_hoa.csv")[0].units
    assert kinds(warnings)["rows_skipped"].line() == "thanh_hoa.csv: 2 blank rows were skipped (rows 4–5)"


# ---- encodings and separators ------------------------------------------------------------


@pytest.mark.parametrize("name", ["thanh_hoa_semicolon.csv", "thanh_hoa_utf16.csv"])
def test_issue_9_semicolon_decimal_comma_and_utf16_csv_read_as_the_clean_csv(name):
    """issue 9: ';'-separated decimal-comma CSV (Vietnamese Excel) and UTF-16 CSV give the clean twin's units."""
    problem, warnings = problem_of(name)
    assert problem.units == problem_of("thanh_hoa.csv")[0].units
    if "semicolon" in name:
        assert "decimal comma" in kinds(warnings)["decimal_comma"].message


def test_issue_9_utf16_tab_separated_text_is_read(tmp_path):
    """issue 9: Excel's 'Unicode text' (UTF-16, tab-separated, decimal comma) reads like the clean CSV."""
    rows = [line.split(",") for line in (OFFICE / "thanh_hoa.csv").read_text(encoding="utf-8").splitlines()]
    text = "\r\n".join("\t".join(c.replace(".", ",") for c in r) for r in rows) + "\r\n"
    (tmp_path / "thanh_hoa.csv").write_bytes(text.encode("utf-16"))
    problem, _ = load_problem(scenario_from_table(tmp_path / "thanh_hoa.csv"))
    assert problem.units == problem_of("thanh_hoa.csv")[0].units


def test_issue_9_windows_1258_is_decoded_and_normalised_to_nfc():
    """issue 9: a Windows-1258 file (decomposed tones) is read, names in NFC, with one 'encoding' note."""
    units, _, warnings = read_units(OFFICE / "units_cp1258.csv")
    assert [u.name for u in units] == ["Hải Châu", "Thanh Khê", "Hùng Sơn"]
    assert kinds(warnings)["encoding"].message.startswith("file is not UTF-8: read as Windows-1258")


def test_issue_9_blank_staff_on_the_own_side_is_zero():
    """issue 9: a remote unit's blank need cell is 0 (one note); a blank latitude stays an error elsewhere."""
    units, _, warnings = read_units(OFFICE / "units_blank_staff.csv")
    assert units[-1].need == {"it": 0, "land": 2}
    assert kinds(warnings)["blank_as_zero"].details == ("units_blank_staff.csv:5: need_it blank, read as 0",)


# ---- sheets and rows -------------------------------------------------------------------------


def test_issue_9_the_visible_active_sheet_is_read_never_a_hidden_one_silently():
    """issue 9: a hidden stale first sheet is not read; the note names the sheet read; hidden rows are warned."""
    units, _, warnings = read_units(OFFICE / "hidden_sheet.xlsx")
    assert [u.code for u in units] == ["14755", "15001", "15448"]
    got = kinds(warnings)
    assert got["sheet"].message.startswith("read sheet 'Mới' of 2") and "hidden, not read: Cũ" in got["sheet"].message
    assert got["hidden_rows"].rows == (3,)


def test_issue_9_sheet_asked_for_is_read_and_an_unknown_one_is_named():
    """issue 9: sheet='Cũ' reads that (hidden) sheet with a note; an unknown sheet lists the sheets there are."""
    table = read_table(OFFICE / "hidden_sheet.xlsx", sheet="Cũ")
    assert len(table.frame) == 1 and "hidden" in table.warnings[0].message
    with pytest.raises(InputError) as info:
        read_table(OFFICE / "hidden_sheet.xlsx", sheet="Khác")
    assert str(info.value) == "hidden_sheet.xlsx: no sheet 'Khác' in the workbook (sheets: Cũ, Mới)"


# ---- one bad file per failure mode -------------------------------------------------------------

BAD = [
    ("bad_date_in_code.xlsx", 3, "code", "2024-05-01", "a date or time, not a code"),
    ("bad_formula_no_value.xlsx", 3, "need_it", "=1+1", "formula with no saved value"),
    ("bad_no_header.csv", 1, "code", None, "row 2 looks like the header"),
    ("bad_alias_twice.csv", 1, "code", None, "column appears more than once"),
]


@pytest.mark.parametrize(("name", "row", "column", "value", "message"), BAD, ids=[b[0] for b in BAD])
def test_issue_9_bad_office_file_names_file_row_column_value(name, row, column, value, message):
    """issue 9: each new failure mode is refused naming file, row, column and value."""
    with pytest.raises(InputError) as info:
        read_units(OFFICE / name)
    first = info.value.issues[0]
    assert (first.source, first.row, first.column, first.value) == (name, row, column, value)
    assert message in first.message


def test_issue_9_a_time_typed_as_text_in_a_code_column_is_refused(tmp_path):
    """issue 9: '08:30' or '01/05/2024' in a code column is a date or time, not a code."""
    path = tmp_path / "pairs.csv"
    path.write_text("lowland_code,remote_code,status\n08:30,15448,locked\n", encoding="utf-8")
    units = read_units(OFFICE / "thanh_hoa.csv")[0]
    with pytest.raises(InputError) as info:
        read_pairs(path, units)
    issue = info.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (2, "lowland_code", "08:30")


def test_issue_9_ambiguous_name_lists_the_candidates_with_codes_and_provinces():
    """issue 9: a pairs table naming 'Tân Lập' (two units) is refused with both codes and provinces."""
    units = read_units(OFFICE / "same_names.csv")[0]
    with pytest.raises(InputError) as info:
        read_pairs(OFFICE / "bad_pairs_ambiguous_name.csv", units)
    [issue] = info.value.issues
    assert (issue.source, issue.row, issue.column, issue.value) == (
        "bad_pairs_ambiguous_name.csv", 2, "lowland_code", "Tân Lập")
    assert "Tân Lập (14755, Thanh Hóa); Tân Lập (09001, Phú Thọ)" in issue.message


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_issue_9_fifo_folder_or_device_is_refused_at_once(tmp_path, kind):
    """issue 9: a FIFO, a folder or a device given as a table is refused before any read (never hangs)."""
    if kind == "fifo":
        path = tmp_path / "units.csv"
        os.mkfifo(path)
    elif kind == "folder":
        path = tmp_path / "units.csv"
        path.mkdir()
    else:
        path = Path("/dev/null")
    with pytest.raises(InputError) as info:
        read_units(path)
    assert "not a table file" in str(info.value)


@pytest.mark.skipif(shutil.which("matcher") is None, reason="the matcher command is not installed")
def test_issue_9_cli_exits_2_on_a_fifo(tmp_path):
    """issue 9: `matcher validate FIFO` exits 2 with one line, no traceback, and does not hang."""
    fifo = tmp_path / "units.csv"
    os.mkfifo(fifo)
    run = subprocess.run(["matcher", "validate", str(fifo)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "is a FIFO (named pipe), not a table file" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr


# ---- names wherever codes go ---------------------------------------------------------------------


def test_issue_9_pairs_and_plans_by_name_loose_matches_noted():
    """issue 9: names with or without diacritics, giữ/cấm; a loose match gives one 'name_matched' note."""
    units = read_units(OFFICE / "thanh_hoa.csv")[0]
    warnings: list = []
    rules = read_pairs(OFFICE / "thanh_hoa_pairs.xlsx", units, warnings=warnings)
    assert [(r.lowland_code, r.remote_code, r.status) for r in rules] == [
        ("15001", "15448", PairStatus.LOCKED), ("14971", "14803", PairStatus.FORBIDDEN)]
    note = kinds(warnings)["name_matched"]
    assert note.rows == (4, 4) and "'sam son' read as Sầm Sơn (14971)" in note.details[0]
    problem = problem_of("thanh_hoa.csv")[0]
    assert read_plan(OFFICE / "thanh_hoa_pairs.csv", problem) == [("15001", "15448"), ("14971", "14803")]


def test_issue_9_force_takes_names_and_codes():
    """issue 9: --force "Thọ Xuân:Na Mèo" resolves names; an unknown name is named; codes still work."""
    problem = problem_of("thanh_hoa.csv")[0]
    issues: list = []
    assert _clean_pairs(problem, [("Thọ Xuân", "na meo"), ("14755", "15448")], "--force", issues) == (
        ("15001", "15472"), ("14755", "15448"))
    assert issues == []
    _clean_pairs(problem, [("Hội An", "15448")], "--force", issues)
    assert [str(i) for i in issues] == ["--force: value 'Hội An:15448': unknown unit code or name Hội An"]


def test_issue_9_unit_names_prefer_the_wanted_role_and_strip_type_words():
    """issue 9: 'Xã Quan Sơn' finds Quan Sơn; of two same-named units the one of the wanted role is taken."""
    units = read_units(OFFICE / "same_names.csv")[0]
    names = UnitNames(units)
    assert names.code("Xã Quan Sơn") == "15448"
    assert names.find("Tân Lập", Role.REMOTE)[1].startswith("name matches 2 units")
    assert names.code("9001") == "09001"


# ---- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "name"), [
    ("Mã", "code"), ("MÃ ĐVHC", "code"), ("ma dvhc", "code"), ("Tên", "name"), ("VAI TRO", "role"),
    ("Kinh độ", "lon"), ("Vĩ độ", "lat"), ("Số CB hỗ trợ - CNTT", "supply_it"),
    ("Số CB hỗ trợ – Chuyển đổi số", "supply_digital"), ("Nhu cầu CB - CĐS", "need_digital"),
    ("Nhu cầu CB - Quy hoạch", "need_planning"), ("nhu cau cb - xay dung", "need_construction"),
    ("Nhu cầu CB - Tài chính", "need_finance"), ("Nhu cầu CB - Đất đai", "need_land"),
    ("Dân số (người)", "population"), ("supply_it", "supply_it"), ("Trạng thái", "status"),
])
def test_issue_9_vietnamese_headers_with_or_without_diacritics_in_any_case(header, name):
    """issue 9: a Vietnamese header (any case, with or without diacritics) maps to its machine name."""
    assert machine_name(header) == name


def test_issue_9_role_and_status_words():
    """issue 9: đồng bằng / hỗ trợ -> lowland; vùng sâu, vùng xa / nhận hỗ trợ / miền núi -> remote; giữ, khóa, cấm."""
    assert {role_word(w) for w in ("Đồng bằng", "hỗ trợ", "LOWLAND")} == {Role.LOWLAND}
    assert {role_word(w) for w in ("Vùng sâu, vùng xa", "vung sau vung xa", "Nhận hỗ trợ", "miền núi")} == {Role.REMOTE}
    assert {status_word(w) for w in ("giữ", "Khóa", "khoá", "locked")} == {PairStatus.LOCKED}
    assert status_word("Cấm") is PairStatus.FORBIDDEN and role_word("trung du") is None
    assert fold("Đặc khu  Cồn Cỏ") == "dac khu con co"


def test_issue_9_header_under_a_vietnamese_row_of_machine_names(tmp_path):
    """issue 9: a Vietnamese header row with the machine names in the row under it reads by the machine row."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã", "Tên", "Vai trò", "Vĩ độ", "Kinh độ", "Số CB hỗ trợ - CNTT", "Nhu cầu CB - CNTT"])
    ws.append(["code", "name", "role", "lat", "lon", "supply_it", "need_it"])
    ws.append(["14755", "Hạc Thành", "lowland", 19.8, 105.7, 2, None])
    ws.append(["15448", "Quan Sơn", "remote", 20.2, 104.9, None, 1])
    wb.save(tmp_path / "t.xlsx")
    units, _, warnings = read_units(tmp_path / "t.xlsx")
    assert [u.code for u in units] == ["14755", "15448"] and "header_alias" not in kinds(warnings)


def test_issue_9_group_header_merged_over_domain_sub_headers(tmp_path):
    """issue 9: 'Số CB hỗ trợ' merged over 'CNTT | Đất đai' (two header rows) reads as supply_it, supply_land."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH"])
    ws.append(["Mã", "Tên", "Vai trò", "Vĩ độ", "Kinh độ", "Số CB hỗ trợ", None, "Nhu cầu CB", None])
    ws.append([None, None, None, None, None, "CNTT", "Đất đai", "CNTT", "Đất đai"])
    ws.merge_cells("F2:G2")
    ws.merge_cells("H2:I2")
    ws.append(["14755", "Hạc Thành", "đồng bằng", 19.8, 105.7, 2, 1, None, None])
    ws.append(["15448", "Quan Sơn", "vùng sâu, vùng xa", 20.1, 105.2, None, None, 1, 2])
    wb.save(tmp_path / "t.xlsx")
    units, domains, warnings = read_units(tmp_path / "t.xlsx")
    assert domains == ("it", "land")
    assert units[0].supply == {"it": 2, "land": 1} and units[1].need == {"it": 1, "land": 2}
    assert kinds(warnings)["header_row"].message.startswith("header read from rows 2–3 (group names over sub-names)")


def test_issue_9_excel_separator_line_is_honoured(tmp_path):
    """issue 9: a 'sep=;' first line (Excel) sets the separator and is not a row; rows keep Excel's numbers."""
    text = (OFFICE / "thanh_hoa_semicolon.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "thanh_hoa.csv").write_text("sep=;\n" + text, encoding="utf-8")
    problem, warnings = load_problem(scenario_from_table(tmp_path / "thanh_hoa.csv"))
    assert problem.units == problem_of("thanh_hoa.csv")[0].units
    assert kinds(warnings)["blank_as_zero"].rows == (3, 4, 6, 7)


def test_issue_9_a_former_name_maps_through_the_legacy_hook_with_a_note():
    """issue 9: a pre-July-2025 name no unit has is looked up by the legacy hook; its unit must be in the table."""
    units = read_units(OFFICE / "thanh_hoa.csv")[0]
    names = UnitNames(units, legacy=lambda text: ("15448", "former Xã Trung Hạ, now Quan Sơn") if text == "Trung Hạ"
                      else ("99999", "elsewhere"))
    assert names.find("Trung Hạ", Role.REMOTE) == (units[3], None, "former Xã Trung Hạ, now Quan Sơn")
    assert names.find("Nơi Khác")[1].startswith("unknown unit code or name")
    assert UnitNames(units, legacy=None).find("Trung Hạ")[0] is None


def test_issue_12_semicolon_lists_inside_a_comma_file_do_not_make_it_semicolon_separated(tmp_path):
    """issue 12: rotation.csv keeps code lists as 'a;b;c' inside comma-separated cells: it reads as commas."""
    path = tmp_path / "rotation.csv"
    path.write_text("cluster,year,head_code,head_name,deputy_codes,deputy_names,slack\n"
                    "1,2026,01001,An Lão,01002;01003,Đồ Sơn;Cát Hải,01004;01005;01006;01007;01008;01009;01010\n",
                    encoding="utf-8")
    table = read_table(path)
    assert list(table.frame.columns)[:3] == ["cluster", "year", "head_code"]
    assert table.frame.iloc[0]["slack"] == "01004;01005;01006;01007;01008;01009;01010"


def test_issue_12_dots_group_thousands_where_the_comma_is_the_decimal_mark(tmp_path):
    """issue 12: in a ';' file with decimal commas, '12.345' reads as 12345 and '1.234,5' as 1234.5."""
    path = tmp_path / "vn.csv"
    path.write_text("code;name;population;area_km2\n01001;An Lão;12.345;1.234,5\n01002;Bình Hà;950;10,5\n",
                    encoding="utf-8")
    frame = read_table(path).frame
    assert list(frame["population"]) == ["12345", "950"] and list(frame["area_km2"]) == ["1234.5", "10.5"]
