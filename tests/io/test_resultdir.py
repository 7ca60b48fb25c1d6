"""Reading a result folder back (io/resultdir.py): a hand-edited file is bad input, named by file,
row and column, never a traceback and never a silent drop."""

from __future__ import annotations

import json
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


# ---- issue 7 review: hand-edited folders that crashed or passed silently ---------------------


def edit_summary(folder: Path, **changes) -> None:
    """Set keys of summary.json (its other keys kept)."""
    f = folder / "summary.json"
    summary = json.loads(f.read_text(encoding="utf-8"))
    summary.update(changes)
    f.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")


def test_summary_field_types_are_checked_all_at_once(danang_copy):
    """Issue 7 review: text in number keys, a non-list stages and an unknown status are named by key, together."""
    edit_summary(danang_copy, min_coverage="abc", n_pairs="many", stages="x", status="banana")
    f = danang_copy / "summary.json"
    assert problems(danang_copy) == [
        f"{f}: key 'min_coverage': value 'abc': must be a number or null",
        f"{f}: key 'n_pairs': value 'many': must be a number or null",
        f"{f}: key 'status': value 'banana': must be one of optimal, feasible, infeasible, unknown, model_invalid",
        f"{f}: key 'stages': value 'x': must be a list of stages"]


@pytest.mark.parametrize(("changes", "line"), [
    ({"n_remote": 1.5}, "key 'n_remote': value '1.5': must be a whole number >= 0"),
    ({"total_distance_km": True}, "key 'total_distance_km': value 'true': must be a number or null"),
    ({"stages": [{"name": "fun", "status": "optimal"}]}, "key 'stages[0].name': value 'fun': must be one of"),
    ({"stages": [{"name": "balance", "status": "meh"}]}, "key 'stages[0].status': value 'meh': must be one of"),
    ({"stages": [{"name": "balance", "status": "optimal", "value": "0.7"}]},
     "key 'stages[0].value': value '0.7': must be a number or null"),
    ({"scenario": "Da Nang"}, "key 'scenario': value 'Da Nang': must be an object"),
    ({"warnings": [1]}, "key 'warnings': value '[1]': must be a list of text"),
])
def test_summary_values_of_the_wrong_type_are_named(danang_copy, changes, line):
    """Issue 7 review: each summary.json key readers rely on has its type checked."""
    edit_summary(danang_copy, **changes)
    (got,) = problems(danang_copy)
    assert got.startswith(f"{danang_copy / 'summary.json'}: {line}")


@pytest.mark.parametrize("command", ["map", "report", "whatif"])
def test_commands_on_a_bad_summary_exit_2(danang_copy, tmp_path, command):
    """Issue 7 review: map, report and whatif on a summary.json with text in a number exit 2, not 1."""
    edit_summary(danang_copy, min_coverage="abc")
    args = {"map": ["map", str(danang_copy), "--out", str(tmp_path / "x.png")],
            "report": ["report", str(danang_copy), "--out", str(tmp_path / "r.pdf")],
            "whatif": ["whatif", str(danang_copy), "--out", str(tmp_path / "w")]}[command]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "summary.json: key 'min_coverage': value 'abc': must be a number or null" in res.output


def test_pairs_csv_that_is_a_folder_is_named(danang_copy):
    """Issue 7 review: pairs.csv being a directory is an error naming it, not IsADirectoryError."""
    (danang_copy / "pairs.csv").unlink()
    (danang_copy / "pairs.csv").mkdir()
    (got,) = problems(danang_copy)
    assert got.startswith(f"{danang_copy / 'pairs.csv'}: cannot be read")


def test_deeply_nested_summary_is_named(danang_copy):
    """Issue 7 review: a summary.json nested 100,000 deep is an error naming it, not a RecursionError."""
    (danang_copy / "summary.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (got,) = problems(danang_copy)
    assert got.startswith(f"{danang_copy / 'summary.json'}: not valid JSON")


def test_an_empty_pairs_table_must_match_n_pairs(danang_copy):
    """Issue 7 review: pairs.csv with its header only while summary.json says 60 pairs is an error."""
    frame = load(danang_copy / "pairs.csv")
    frame.iloc[:0].to_csv(danang_copy / "pairs.csv", index=False, encoding="utf-8-sig")
    assert problems(danang_copy) == [
        f"{danang_copy / 'summary.json'}: key 'n_pairs': value '{len(frame)}': pairs.csv has 0 pair rows"]


def test_a_duplicated_pair_row_is_named(danang_copy):
    """Issue 7 review: a pair row written twice is an error naming the second row (n_pairs kept in step)."""
    frame = load(danang_copy / "pairs.csv")
    pd.concat([frame, frame.iloc[[2]]]).to_csv(danang_copy / "pairs.csv", index=False, encoding="utf-8-sig")
    edit_summary(danang_copy, n_pairs=len(frame) + 1)
    lo, re_ = frame.at[2, "lowland_code"], frame.at[2, "remote_code"]
    assert problems(danang_copy) == [f"{danang_copy / 'pairs.csv'}:{len(frame) + 2}: column 'remote_code': "
                                     f"value '{re_}': duplicate pair {lo}–{re_} (also row 4)"]


@pytest.mark.parametrize(("name", "column", "value", "message"), [
    ("pairs.csv", "distance_km", "-3.5", "must be >= 0"),
    ("pairs.csv", "staff_it", "1.5", "must be a whole number >= 0"),
    ("pairs.csv", "staff_it", "-1", "must be a whole number >= 0"),
    ("remote_summary.csv", "need_it", "-2", "must be a whole number >= 0"),
    ("remote_summary.csv", "covered_it", "0.5", "must be a whole number >= 0"),
    ("lowland_summary.csv", "n_partners", "-1", "must be a whole number >= 0"),
])
def test_counts_are_whole_and_distances_not_negative(danang_copy, name, column, value, message):
    """Issue 7 review: negative distances and fractional or negative staff counts are errors."""
    edit(danang_copy, name, 3, column, value)
    assert problems(danang_copy) == [f"{danang_copy / name}:3: column '{column}': value '{value}': {message}"]


@pytest.mark.parametrize(("name", "column", "char"), [
    ("units.csv", "name", "\x0b"), ("pairs.csv", "remote_name", "\x00"), ("pairs.csv", "distance_source", "\x1f"),
])
def test_a_control_character_in_a_text_cell_is_named(danang_copy, name, column, char):
    """Issue 7 review: a control character (U+000B, NUL, …) in a text cell names file, row and column."""
    old = load(danang_copy / name).at[3, column]
    edit(danang_copy, name, 5, column, old[:2] + char + old[2:])
    (got,) = problems(danang_copy)
    assert got.startswith(f"{danang_copy / name}:5: column '{column}': value ")
    assert f"contains a control character (U+{ord(char):04X})" in got
