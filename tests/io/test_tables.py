"""Reading one table: control characters refused with file, row and column; warnings as data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.errors import InputError, MatcherWarning
from matcher.io.inputs import read_pairs, read_units
from matcher.io.scenario import load_problem, read_scenario, scenario_from_table
from matcher.io.tables import read_table, repair_code, text_problem, visible

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
HEADER = "code,name,role,lat,lon,supply_it,need_it"


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def tiny_units_with(name_of_row_3: str) -> str:
    lines = (TINY / "units.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Thanh Khê", name_of_row_3)
    return "\n".join(lines) + "\n"


# ---- control characters ------------------------------------------------------------------


REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\ufeff",
           "\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
           "\u2069"]


@pytest.mark.parametrize("ch", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_issue_7_every_control_character_is_refused_with_row_and_column(tmp_path, ch):
    """Issue 7: each control character, anywhere in a name (even at its end), is refused naming row 3, 'name'."""
    for name in (f"Thanh{ch}Khê", f"Thanh Khê{ch}", f"{ch}Thanh Khê"):
        path = write(tmp_path / "units.csv", tiny_units_with(name))
        with pytest.raises(InputError) as info:
            read_units(path)
        [issue] = info.value.issues
        assert (issue.source, issue.row, issue.column) == ("units.csv", 3, "name")
        assert issue.message == f"contains a control character (U+{ord(ch):04X}); remove it"
        assert ch not in str(issue) and visible(ch) in str(issue)


def test_issue_7_the_message_shows_the_character_escaped():
    """Issue 7: the value is shown with the control character visible: 'Hòa\\x0bVang'."""
    assert visible("Hòa\x0bVang") == "Hòa\\x0bVang"
    assert visible("a\tb\nc\u202ed\ufeff") == "a\\tb\\nc\\u202ed\\ufeff"
    assert text_problem("Hòa Vang") is None and text_problem("Hòa\tVang") is None
    assert text_problem("Hòa\tVang", one_line=True) == "contains a tab or line break (U+0009); a name is one line"


def test_issue_7_leading_bom_of_a_csv_file_is_fine(tmp_path):
    """Issue 7: a BOM at the very start of a CSV file is the file's BOM, not part of the first header."""
    path = write(tmp_path / "units.csv", "\ufeff" + (TINY / "units.csv").read_text(encoding="utf-8"))
    units, _, warnings = read_units(path)
    assert units[0].code == "20242" and warnings == []


def test_issue_7_tabs_and_line_breaks_are_allowed_outside_names_and_codes(tmp_path):
    """Issue 7: a note may hold a tab or a line break; a code may not."""
    units = read_units(TINY / "units.csv")[0]
    ok = write(tmp_path / "pairs.csv", 'lowland_code,remote_code,status,note\n20242,20443,locked,"a\tb\nc"\n')
    [rule] = read_pairs(ok, units)
    assert rule.note == "a\tb\nc"
    bad = write(tmp_path / "pairs2.csv", 'lowland_code,remote_code,status\n"202\t42",20443,locked\n')
    with pytest.raises(InputError) as info:
        read_pairs(bad, units)
    assert str(info.value) == ("pairs2.csv:2: column 'lowland_code': value '202\\t42': contains a tab or line break "
                               "(U+0009); a code is one line")


def test_issue_7_control_characters_are_reported_with_the_other_problems(tmp_path):
    """Issue 7: a control character and a bad number in one file are reported together, in row order."""
    text = tiny_units_with("Thanh\x0bKhê").replace("20443,Hùng Sơn,remote,15.8034", "20443,Hùng Sơn,remote,abc")
    with pytest.raises(InputError) as info:
        read_units(write(tmp_path / "units.csv", text))
    assert str(info.value).splitlines() == [
        "units.csv:3: column 'name': value 'Thanh\\x0bKhê': contains a control character (U+000B); remove it",
        "units.csv:5: column 'lat': value 'abc': not a number",
    ]


def test_issue_7_geo_layer_control_character_is_refused(tmp_path):
    """Issue 7: GeoJSON attributes are text cells too: refused naming the feature and column."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"code": code, "name": name, "role": role, "supply_it": s, "need_it": n}}
                for code, name, role, lat, lon, s, n in [
                    ("20242", "Hải Châu", "lowland", 16.0762, 108.218, 2, None),
                    ("20209", "Thanh\u202eKhê", "lowland", 16.0697, 108.203, 1, None),
                    ("20443", "Hùng Sơn", "remote", 15.8034, 107.313, None, 3)]]
    path = tmp_path / "units.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert read_table(path).issues  # found while reading, reported by the reader with its own
    with pytest.raises(InputError) as info:
        read_units(path)
    assert str(info.value) == ("units.geojson:2: column 'name': value 'Thanh\\u202eKhê': contains a control "
                               "character (U+202E); remove it")


def test_issue_7_a_control_character_in_a_scenario_list_names_the_key(tmp_path):
    """Issue 7: scenario assumptions and sources are checked like cells, naming the key."""
    path = tmp_path / "s.toml"
    path.write_text(f'units = "{TINY / "units.csv"}"\nassumptions = ["ok\\nstill ok", "bad\\u0000"]\n'
                    'sources_vi = ["\\u2066x"]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_scenario(path)
    assert str(info.value).splitlines() == [
        "s.toml: key 'assumptions': value 'bad\\x00': contains a control character (U+0000); remove it",
        "s.toml: key 'sources_vi': value '\\u2066x': contains a control character (U+2066); remove it",
    ]


# ---- warnings as data ------------------------------------------------------------------------


def test_issue_7_fifty_codes_typed_as_numbers_give_one_warning(tmp_path):
    """Issue 7: 50 codes typed as numbers give ONE warning: count 50, rows 2–51 in its line, one detail each."""
    rows = [f"{100 + i},Xã {i},lowland,16.{i:02d},108.2,1," for i in range(50)]
    units = write(tmp_path / "units.csv", "\n".join([HEADER, *rows, "20443,Hùng Sơn,remote,16.1,108.1,,3"]) + "\n")
    problem, warnings = load_problem(scenario_from_table(units))
    assert problem.unit("00100").name == "Xã 0"
    [w] = warnings
    assert isinstance(w, MatcherWarning) and (w.kind, w.source, w.count) == ("code_padded", "units.csv", 50)
    assert str(w) == "units.csv: 50 codes typed as numbers were zero-padded to 5 digits (rows 2–51)"
    assert len(w.details) == 50 and w.details[0] == "units.csv:2: code '100' read as '00100'"
    assert w.as_dict()["count"] == 50


def test_issue_7_decimal_codes_are_their_own_kind(tmp_path):
    """Issue 7: '20209.0' read as '20209' is a code_repaired warning, apart from the padded ones."""
    text = (TINY / "units.csv").read_text(encoding="utf-8").replace("20209,", "20209.0,").replace("20242,", "242,")
    _, _, warnings = read_units(write(tmp_path / "units.csv", text))
    assert [(w.kind, w.rows) for w in warnings] == [("code_padded", (2,)), ("code_repaired", (3,))]
    assert str(warnings[1]) == "units.csv: 1 code stored as a decimal number was read without its '.0' (row 3)"


def test_code_repair_is_the_one_rule():
    """Codes: '.0' dropped, short digit strings zero-padded, anything else kept."""
    assert [repair_code(c) for c in ("4", "20194.0", "1234.0", " 01234 ", "AB1", "123456")] == [
        "00004", "20194", "01234", "01234", "AB1", "123456"]


def test_issue_9_missing_column_is_reported_at_the_header_row_under_titles(tmp_path):
    """issue 9: with two title rows, the header is row 3 and a missing column is reported there."""
    path = write(tmp_path / "units.csv", "Danh sách,,\nNăm 2025,,\nMã,Tên,Vĩ độ\n20242,Hải Châu,16.07\n")
    table = read_table(path)
    assert table.header_row == 3 and table.rows == [4] and list(table.frame.columns) == ["code", "name", "lat"]
    with pytest.raises(InputError) as info:
        read_units(path)
    assert [str(i) for i in info.value.issues] == ["units.csv:3: column 'role': required column is missing",
                                                   "units.csv:3: column 'lon': required column is missing"]
