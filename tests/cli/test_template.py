"""``matcher template``: the registry workbook, its sheets and dropdowns, and the round trip write -> fill -> solve."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import invoke

from matcher.io import registry
from matcher.io.template import (
    ROLE_WORDS,
    label,
    reads_vietnamese,
    suggest_role,
    unit_columns,
    write_template,
)

FAST = ["--time-limit", "5", "--workers", "1"]


def header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def column(ws, name: str, labels: bool, lang: str = "vi") -> int:
    """1-based index of the machine column ``name`` in row 1."""
    return header(ws).index(label(name, lang) if labels else name) + 1


def fill_and_solve(runner, path: Path, labels: bool, tmp_path: Path) -> pd.DataFrame:
    """Give every remote unit a need of 1 in IT and 2 lowland units 1 IT staff each, then solve (exit 0)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    role_col, it_need, it_supply = (column(ws, c, labels) for c in ("role", "need_it", "supply_it"))
    remote, lowland = ROLE_WORDS["remote"][labels], ROLE_WORDS["lowland"][labels]
    given = 0
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, role_col).value == remote:
            ws.cell(r, it_need).value = 1
        elif ws.cell(r, role_col).value == lowland and given < 2:
            ws.cell(r, it_supply).value = 1
            given += 1
    wb.save(path)
    out = tmp_path / "out"
    res = invoke(runner, "solve", path, "--out", out, *FAST, "-q")
    assert res.exit_code == 0, res.output
    return pd.read_csv(out / "pairs.csv", dtype=str)


def test_round_trip_write_fill_solve(runner, tmp_path):
    """issue 9: the template written for Lai Châu, filled with a few needs and supplies, solves as it is (exit 0)."""
    path = tmp_path / "units.xlsx"
    res = invoke(runner, "template", "--province", "Lai Châu", "--out", path)
    assert res.exit_code == 0, res.output
    assert f"wrote {path}" in res.output
    pairs = fill_and_solve(runner, path, reads_vietnamese(), tmp_path)
    assert len(pairs) == 20  # each of the 20 suggested lowland units has exactly one partner (default 1..1)


def test_round_trip_machine_headers(runner, tmp_path):
    """issue 9: the machine-name variant (row 1 = code, name, role, ...) solves too."""
    path = tmp_path / "units.xlsx"
    tpl = write_template(path, ["12"], labels=False)
    assert not tpl.labels
    assert header(openpyxl.load_workbook(path).worksheets[0]) == unit_columns()
    assert len(fill_and_solve(runner, path, False, tmp_path)) == 20


def test_unfilled_template_solves(runner, tmp_path):
    """issue 9: the template with no edits at all is read and solved (all staff 0)."""
    path = tmp_path / "units.xlsx"
    write_template(path, ["Lai Châu"])
    assert invoke(runner, "solve", path, "--out", tmp_path / "o", *FAST, "-q").exit_code == 0


def test_workbook_sheets_codes_and_dropdowns(tmp_path):
    """issue 9: four sheets (units first), codes as 5-digit text, role/bounds/status dropdowns, key and source."""
    path = tmp_path / "units.xlsx"
    tpl = write_template(path, ["Thanh Hóa"])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Đơn vị", "Cặp", "Hướng dẫn", "Khóa cột - Column key"]
    ws = wb.worksheets[0]
    code = column(ws, "code", tpl.labels)
    cells = [ws.cell(r, code) for r in range(2, ws.max_row + 1) if ws.cell(r, code).value is not None]
    assert len(cells) == tpl.n_units == 166
    assert ws.cell(200, code).number_format == "@"  # a code typed in an added row stays text
    assert all(c.data_type == "s" and len(c.value) == 5 for c in cells)
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    roles = ",".join(w[tpl.labels] for w in ROLE_WORDS.values())
    assert f'"{roles}"' in lists and '"0,1,2,3,4,5"' in lists
    pairs = wb["Cặp"]
    assert [dv.type for dv in pairs.data_validations.dataValidation] == ["list"]
    key = {r[0]: r[1] for r in wb.worksheets[3].iter_rows(min_row=2, values_only=True) if r[1]}
    assert key["need_land"] == "Nhu cầu CB - Đất đai" and key["code"] == "Mã ĐVHC"
    help_text = " ".join(str(c) for row in wb["Hướng dẫn"].iter_rows(values_only=True) for c in row)
    assert tpl.source.cite() in help_text and "trung vị" in help_text and "median" in help_text


def test_suggested_role_and_basis_column(tmp_path):
    """issue 9: every row's suggested role follows the declared rule and its basis is written beside it."""
    path = tmp_path / "units.xlsx"
    tpl = write_template(path, ["Thanh Hóa"], labels=False)
    frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    units = {u.code: u for u in registry.units(["38"])}
    communes = sorted(u.area_km2 for u in units.values() if u.kind == "commune" and u.area_km2 is not None)
    median = (communes[len(communes) // 2] + communes[(len(communes) - 1) // 2]) / 2
    for code, role, basis in zip(frame["code"], frame["role"], frame["role_basis"], strict=True):
        u = units[code]
        want = "lowland" if u.kind == "ward" else "remote" if u.kind == "special_zone" or u.area_km2 > median \
            else "lowland"
        assert role == want and basis
    assert tpl.counts["lowland"] + tpl.counts["remote"] == 166 and tpl.bounds_can_hold


@pytest.mark.parametrize(("kind", "area", "role"), [("ward", 500.0, "lowland"), ("special_zone", 1.0, "remote"),
                                                     ("commune", 50.1, "remote"), ("commune", 50.0, "lowland"),
                                                     ("commune", None, "lowland")])
def test_role_rule(kind, area, role):
    """issue 9: ward -> lowland, special zone -> remote, commune above the median -> remote, else lowland."""
    unit = registry.RegistryUnit("00001", "A", "A", kind, "01", "P", 21.0, 105.0, area, ())
    got, basis = suggest_role(unit, 50.0, "en")
    assert got == role and basis


def test_cross_province_template(tmp_path):
    """issue 9: several provinces give one template with the units of each."""
    path = tmp_path / "units.xlsx"
    tpl = write_template(path, ["Thanh Hóa", "Đà Nẵng"], labels=False)
    frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    assert [p.code for p in tpl.provinces] == ["38", "48"]
    assert frame["province_code"].value_counts().to_dict() == {"38": 166, "48": 94}
    help_text = " ".join(str(c) for row in openpyxl.load_workbook(path)["Hướng dẫn"].iter_rows(values_only=True)
                         for c in row)
    assert "--pair-within province_code" in help_text


def test_english_template_uses_machine_names(runner, tmp_path):
    """issue 9: --lang en writes the machine names in row 1 and English sheet names."""
    path = tmp_path / "units.xlsx"
    assert invoke(runner, "template", "--province", "12", "--lang", "en", "--out", path).exit_code == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Units" and header(wb.worksheets[0]) == unit_columns()


def test_unknown_province_exit_2(runner, tmp_path):
    """issue 9: an unknown province exits 2 naming the close names, and writes nothing."""
    path = tmp_path / "units.xlsx"
    res = invoke(runner, "template", "--province", "Thanh Hao", "--out", path)
    assert res.exit_code == 2
    assert "--province: value 'Thanh Hao': unknown province; close names: Thanh Hóa" in res.output
    assert not path.exists()


def test_out_must_be_xlsx(runner, tmp_path):
    """issue 9: --out must be an .xlsx file."""
    res = invoke(runner, "template", "--province", "12", "--out", tmp_path / "units.csv")
    assert res.exit_code == 2 and "the template is an .xlsx file" in res.output


def test_template_says_when_the_suggested_roles_cannot_be_paired(runner, tmp_path):
    """issue 9: Thanh Hóa's suggested roles cannot all be paired under the defaults; the command says so (exit 0)."""
    res = invoke(runner, "template", "--province", "Thanh Hóa", "--out", tmp_path / "th.xlsx")
    assert res.exit_code == 0
    assert "cannot all be paired (proven)" in res.output and "matcher diagnose" in res.output
    res = invoke(runner, "template", "--province", "Lai Châu", "--out", tmp_path / "lc.xlsx")
    assert "cannot all be paired" not in res.output


def test_pairs_sheet_saved_as_csv_is_read(runner, tmp_path):
    """issue 9: a locked pair written on the pairs sheet, saved as CSV as the instructions say, is kept by solve."""
    from matcher.io.template import STATUS_WORDS

    path = tmp_path / "units.xlsx"
    tpl = write_template(path, ["Lai Châu"])
    wb = openpyxl.load_workbook(path)
    units = pd.read_excel(path, dtype=str, keep_default_na=False)
    role = units.columns[header(wb.worksheets[0]).index(label("role", "vi") if tpl.labels else "role")]
    code = units.columns[0]
    low = units.loc[units[role] == ROLE_WORDS["lowland"][tpl.labels], code].iloc[-1]
    rem = units.loc[units[role] == ROLE_WORDS["remote"][tpl.labels], code].iloc[-1]
    pairs = pd.DataFrame([[low, rem, STATUS_WORDS["locked"][tpl.labels], "đã kết nghĩa"]],
                         columns=header(wb.worksheets[1]))
    pairs.to_csv(tmp_path / "pairs.csv", index=False)
    out = tmp_path / "out"
    res = invoke(runner, "solve", path, "--pairs", tmp_path / "pairs.csv", "--out", out, *FAST, "-q")
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out / "pairs.csv", dtype=str)
    assert ((got["lowland_code"] == low) & (got["remote_code"] == rem)).any()
