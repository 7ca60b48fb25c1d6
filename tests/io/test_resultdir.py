"""Reading a result folder back (io/resultdir.py): a hand-edited file is bad input, named by file,
row and column, never a traceback and never a silent drop."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.errors import InputError
from matcher.io.resultdir import read_result_dir


def load(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def edit(folder: Path, name: str, row: int, column: str, value: str) -> str:
    """Set one cell (spreadsheet row: the header is row 1); returns the old value."""
    frame = load(folder / name)
    old = frame.at[row - 2, column]
    frame.at[row - 2, column] = value
    frame.to_csv(folder / name, index=False, encoding="utf-8-sig")
    return old


def problems(folder: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        read_result_dir(folder)
    return [str(i) for i in e.value.issues]


def test_the_written_folder_reads_with_codes_as_text(danang_result_dir):
    """The folder matcher solve wrote reads cleanly; codes are text, numbers numbers, locked booleans."""
    view = read_result_dir(danang_result_dir)
    assert view.units["code"].map(type).eq(str).all() and view.pairs["remote_code"].map(type).eq(str).all()
    assert view.pairs["distance_km"].dtype == float and view.pairs["locked"].dtype == bool
    assert view.units["lat"].between(15, 17).all()


def test_decimal_comma_is_an_error_naming_the_cell(danang_copy):
    """Issue 7: a decimal comma in distance_km is exit-2 input, saying to use a decimal point."""
    old = edit(danang_copy, "pairs.csv", 7, "distance_km", "53,8")
    assert "," not in old
    assert problems(danang_copy) == [
        f"{danang_copy / 'pairs.csv'}:7: column 'distance_km': value '53,8': "
        "not a number: use a decimal point, not a comma"]


def test_blank_latitude_is_an_error_naming_row_and_column(danang_copy):
    """Issue 7: a blank latitude in units.csv is an error, not an exit-1 crash in the map."""
    edit(danang_copy, "units.csv", 4, "lat", "")
    assert problems(danang_copy) == [f"{danang_copy / 'units.csv'}:4: column 'lat': value '': empty cell"]


@pytest.mark.parametrize(("name", "column", "value", "message"), [
    ("remote_summary.csv", "coverage_ratio", "nan", "not a finite number"),
    ("pairs.csv", "staff_it", "two", "not a number"),
    ("units.csv", "lon", "1e999", "not a finite number"),
    ("units.csv", "lat", "96.1", "latitude out of range"),
    ("pairs.csv", "minutes", "1_0", "not a number"),
])
def test_numbers_must_be_finite_numbers(danang_copy, name, column, value, message):
    """Number columns hold finite numbers in range, else file:row: column: value: message."""
    edit(danang_copy, name, 3, column, value)
    assert problems(danang_copy) == [f"{danang_copy / name}:3: column '{column}': value '{value}': {message}"]


def test_a_pair_with_an_unknown_code_is_an_error_not_a_silent_drop(danang_copy):
    """Issue 7: a pair naming a code missing from units.csv is reported (it used to vanish from the map)."""
    edit(danang_copy, "pairs.csv", 5, "remote_code", "99999")
    assert problems(danang_copy) == [
        f"{danang_copy / 'pairs.csv'}:5: column 'remote_code': value '99999': not a unit of units.csv"]


def test_a_pair_on_the_wrong_side_is_an_error(danang_copy):
    """A lowland code in remote_code is named as such."""
    lowland = load(danang_copy / "pairs.csv").at[0, "lowland_code"]
    edit(danang_copy, "pairs.csv", 3, "remote_code", lowland)
    assert problems(danang_copy) == [f"{danang_copy / 'pairs.csv'}:3: column 'remote_code': value '{lowland}': "
                                     "is a lowland unit in units.csv, not a remote one"]


def test_locked_must_be_true_or_false(danang_copy):
    """locked is true or false (any case); 'yes' is an error."""
    edit(danang_copy, "pairs.csv", 2, "locked", "TRUE")
    edit(danang_copy, "pairs.csv", 3, "locked", "yes")
    assert problems(danang_copy) == [f"{danang_copy / 'pairs.csv'}:3: column 'locked': value 'yes': "
                                     "must be true or false"]


def test_every_problem_is_reported_at_once(danang_copy):
    """Problems in several files come in one error."""
    edit(danang_copy, "pairs.csv", 7, "distance_km", "53,8")
    edit(danang_copy, "pairs.csv", 8, "lowland_code", "00000")
    edit(danang_copy, "units.csv", 4, "lon", "")
    (danang_copy / "summary.json").write_text('{"status": "optimal",', encoding="utf-8")
    got = problems(danang_copy)
    assert len(got) == 4
    assert {g.split(":")[0].rsplit("/", 1)[-1] for g in got} == {"pairs.csv", "units.csv", "summary.json"}


def test_invalid_summary_json_names_the_file(danang_copy):
    """summary.json that is not JSON is an error naming the file and line."""
    (danang_copy / "summary.json").write_text("{\n  \"status\": NaN,\n  oops\n}\n", encoding="utf-8")
    (got,) = problems(danang_copy)
    assert got.startswith(f"{danang_copy / 'summary.json'}:3: not valid JSON")


def test_codes_stay_text(danang_copy):
    """A code with leading zeros stays '00123' (never the number 123) in every table."""
    old = load(danang_copy / "pairs.csv").at[0, "remote_code"]
    for name, col in (("units.csv", "code"), ("pairs.csv", "remote_code"), ("remote_summary.csv", "remote_code")):
        frame = load(danang_copy / name)
        frame.loc[frame[col] == old, col] = "00123"
        frame.to_csv(danang_copy / name, index=False, encoding="utf-8-sig")
    view = read_result_dir(danang_copy)
    assert "00123" in set(view.units["code"]) and "00123" in set(view.pairs["remote_code"])
    assert view.name("00123")


def test_a_file_not_in_utf8_is_an_error(danang_copy):
    """A table saved in a legacy code page is named, not a UnicodeDecodeError."""
    (danang_copy / "lowland_summary.csv").write_bytes("lowland_code,lowland_name,partners\n1,H\xe0,2\n"
                                                     .encode("cp1258"))
    assert problems(danang_copy) == [f"{danang_copy / 'lowland_summary.csv'}: not UTF-8 text; save it as CSV UTF-8"]


def test_map_of_a_hand_edited_folder_exits_2_without_traceback(danang_copy, tmp_path):
    """Issue 7: `matcher map` on a folder with a decimal comma exits 2 with the cell named, no traceback."""
    edit(danang_copy, "pairs.csv", 7, "distance_km", "53,8")
    out = tmp_path / "x.png"
    res = CliRunner().invoke(app, ["map", str(danang_copy), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert "pairs.csv:7: column 'distance_km': value '53,8': not a number" in res.output
    assert "Traceback" not in res.output and not out.exists()
