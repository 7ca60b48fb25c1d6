"""Reading notes in the result's language (issue 9): the Vietnamese plan.xlsx summary sheet words each grouped
warning in Vietnamese; summary.json keeps the English lines."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from matcher.cli import app
from matcher.errors import MatcherWarning
from matcher.i18n import STRINGS
from matcher.io.result_tables import warning_text

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
KINDS = ("header_alias", "header_row", "rows_skipped", "blank_as_zero", "decimal_comma", "encoding", "sheet",
         "hidden_rows", "name_matched", "derived", "code_padded", "code_repaired", "far_unit")


def test_every_reading_note_kind_has_a_vietnamese_sentence():
    """issue 9: each MatcherWarning kind of the readers has a warn_<kind> entry in strings.toml."""
    assert [k for k in KINDS if f"warn_{k}" not in STRINGS] == []


def test_warning_text_vi_keeps_file_count_rows_and_specifics():
    """issue 9: vi gives the Vietnamese sentence with file, count and rows; {en} carries the English specifics."""
    w = MatcherWarning("blank_as_zero", "units had blank staff cells on their own side, read as 0", "units.csv",
                       tuple(range(2, 168)))
    assert warning_text(w.as_dict(), "vi") == ("units.csv: 166 đơn vị có ô số cán bộ để trống ở phía của mình, "
                                               "đã đọc là 0 (dòng 2–167)")
    assert warning_text(w.as_dict(), "en") == w.line()
    h = MatcherWarning("header_row", "header read from row 3; rows 1–2 above it skipped as titles", "units.xlsx")
    assert warning_text(h.as_dict(), "vi") == ("units.xlsx: dòng tiêu đề không phải dòng 1; các dòng tên bảng phía "
                                               "trên được bỏ qua [header read from row 3; rows 1–2 above it skipped "
                                               "as titles]")
    other = MatcherWarning("reprojected", "geometry reprojected from EPSG:3405 to WGS84", "b.geojson")
    assert warning_text(other.as_dict(), "vi") == other.line()  # a kind without a sentence stays English


def test_vietnamese_plan_workbook_words_the_notes_in_vietnamese(tmp_path):
    """issue 9: solve --lang vi on a table with a title row and blank own-side cells: plan.xlsx's summary sheet
    has the Vietnamese notes, summary.json the English lines."""
    text = (TINY / "units.csv").read_text(encoding="utf-8")
    text = text.replace("108.218,2,1,,", "108.218,,1,,")  # Hải Châu's supply_it blank: read as 0
    (tmp_path / "units.csv").write_text("Danh sách đơn vị\n" + text, encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["solve", str(tmp_path / "units.csv"), "--out", str(out), "--lang", "vi",
                                   "--time-limit", "5", "-q"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("units.csv: dòng tiêu đề không phải dòng 1") for c in cells)
    assert any("đã đọc là 0 (dòng" in c for c in cells)
    lines = json.loads((out / "summary.json").read_text(encoding="utf-8"))["warnings"]
    assert any("header read from row 2" in w for w in lines)
