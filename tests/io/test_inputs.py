"""Input validation: every bad file raises InputError naming file, row, column and value."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.io.inputs import read_pairs, read_table, read_travel, read_units
from matcher.io.scenario import load_problem, read_scenario, with_overrides
from matcher.model import Role

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
INVALID = TINY.parent / "invalid"
UNITS_HEADER = "code,name,role,lat,lon,supply_it,supply_land,need_it,need_land"


def tiny_units():
    return read_units(TINY / "units.csv")[0]


def read_as(kind: str, path: Path):
    """Read a file the way its kind is read when a scenario is loaded."""
    if kind == "units":
        return read_units(path)
    if kind == "pairs":
        return read_pairs(path, tiny_units())
    if kind == "travel":
        return read_travel(path, tiny_units())
    if kind == "scenario":
        return read_scenario(path)
    if kind == "plan":  # a published plan (issue 10)
        from matcher.io.inputs import read_plan
        from matcher.model import Problem

        return read_plan(path, Problem(units=tuple(tiny_units()), domains=("it", "land")))
    raise AssertionError(f"unknown kind {kind}")


def write_csv(path: Path, lines: list[str], *, normal_form: str = "NFC") -> Path:
    path.write_text(unicodedata.normalize(normal_form, "\n".join(lines) + "\n"), encoding="utf-8")
    return path


# ---- the tiny valid set --------------------------------------------------------------


def test_tiny_scenario_loads():
    """The tiny scenario reads cleanly: 3 lowland, 2 remote, domains it/land, 1 locked, 1 forbidden."""
    problem, warnings = load_problem(read_scenario(TINY / "scenario.toml"))
    assert warnings == []
    assert len(problem.lowland) == 3 and len(problem.remote) == 2
    assert problem.domains == ("it", "land")
    assert problem.locked == {("20242", "20443")}
    assert problem.forbidden == {("20263", "20443")}
    assert set(problem.travel) == {("20209", "20443"), ("20263", "20458")}


def test_every_invalid_file_is_catalogued(bad_cases):
    """Every file in tests/data/invalid has an entry in expected.toml, and the reverse."""
    on_disk = {p.name for p in INVALID.iterdir()} - {"expected.toml", "README.md"}
    assert on_disk == {c.file for c in bad_cases}


# ---- one bad file per failure mode -----------------------------------------------------


def test_bad_file_raises_input_error_naming_file_row_column_value(bad_case):
    """Each bad file raises InputError with exactly the expected 'file:row: column: value: message' lines."""
    with pytest.raises(InputError) as info:
        read_as(bad_case.kind, bad_case.path)
    lines = str(info.value).splitlines()
    assert len(lines) == len(info.value.issues) == len(bad_case.issues), lines
    unmatched = list(lines)
    for want in bad_case.issues:
        prefix = bad_case.expected_prefix(want)
        hits = [ln for ln in unmatched if ln.startswith(prefix) and want["message"] in ln]
        assert hits, f"no line starts with {prefix!r} and mentions {want['message']!r}: {lines}"
        unmatched.remove(hits[0])
    for issue in info.value.issues:
        assert issue.source == bad_case.file


def test_several_problems_in_one_file_are_all_reported():
    """A units table with six problems in five rows reports all six, one line each."""
    with pytest.raises(InputError) as info:
        read_units(INVALID / "units_several_problems.csv")
    lines = str(info.value).splitlines()
    assert len(lines) == 6
    assert sorted({ln.split(":")[1] for ln in lines}) == ["2", "3", "4", "5", "6"]


def test_problems_across_pairs_and_travel_files_are_all_reported():
    """Bad pairs and bad travel tables of one scenario are reported together."""
    sc = with_overrides(read_scenario(TINY / "scenario.toml"),
                        pairs=INVALID / "pairs_unknown_status.csv",
                        travel=INVALID / "travel_negative_km.csv")
    with pytest.raises(InputError) as info:
        load_problem(sc)
    sources = [i.source for i in info.value.issues]
    assert sources == ["pairs_unknown_status.csv", "travel_negative_km.csv"]


def test_decimal_comma_is_not_read_as_thousands(tmp_path):
    """'1,5' (Vietnamese decimal comma) is an error, while '1,000' is one thousand."""
    path = write_csv(tmp_path / "units.csv", [
        UNITS_HEADER,
        '20242,Hải Châu,lowland,16.0762,108.218,"1,5",1,,',
        '20209,Thanh Khê,lowland,16.0697,108.203,"1,000",2,,',
        "20443,Hùng Sơn,remote,15.8034,107.313,,,3,2",
    ])
    with pytest.raises(InputError) as info:
        read_units(path)
    assert str(info.value) == "units.csv:2: column 'supply_it': value '1,5': not a number"
    path.write_text(path.read_text(encoding="utf-8").replace('"1,5"', "2"), encoding="utf-8")
    units = {u.code: u for u in read_units(path)[0]}
    assert units["20209"].supply["it"] == 1000


def test_non_utf8_row_and_byte_are_those_of_the_whole_file(tmp_path):
    """In a file larger than pandas' read chunk, the bad byte's offset and row are file-wide."""
    rows = [f"{20000 + i},Xã {i},lowland,16.0,108.0" for i in range(30_000)]
    data = ("code,name,role,lat,lon\n" + "\n".join(rows) + "\n").encode()
    data = data.replace("Xã 25000,".encode(), b"X\xe3 25000,")  # a Latin-1 byte
    offset = data.index(b"\xe3")
    (tmp_path / "big.csv").write_bytes(data)
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "big.csv")
    expected = f"big.csv:25002: not UTF-8 text (invalid continuation byte at byte {offset})"
    assert str(info.value).startswith(expected)


# ---- codes -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["01234", "1234", "1234.0"])
def test_codes_keep_leading_zeros(tmp_path, raw):
    """Codes are text: '01234' stays '01234'; Excel-damaged '1234' or '1234.0' is read as '01234'."""
    units_path = write_csv(tmp_path / "units.csv", [
        UNITS_HEADER,
        f"{raw},Hải Châu,lowland,16.0762,108.218,2,1,,",
        "20209,Thanh Khê,lowland,16.0697,108.203,1,2,,",
        "00443,Hùng Sơn,remote,15.8034,107.313,,,3,2",
    ])
    units, _, warnings = read_units(units_path)
    assert [u.code for u in units] == ["01234", "20209", "00443"]
    repaired = [d for w in warnings for d in w.details if "read as '01234'" in d]
    assert repaired == ([] if raw == "01234" else [f"units.csv:2: code '{raw}' read as '01234'"])
    assert [w.kind for w in warnings] == ([] if raw == "01234" else ["code_padded"])
    pairs_path = write_csv(tmp_path / "pairs.csv", ["lowland_code,remote_code,status", "1234,443,locked"])
    [rule] = read_pairs(pairs_path, units)
    assert (rule.lowland_code, rule.remote_code) == ("01234", "00443")


def test_damaged_code_colliding_with_a_real_code_is_a_duplicate(tmp_path):
    """'1234' and '01234' in one table are the same code, reported as a duplicate."""
    path = write_csv(tmp_path / "units.csv", [
        UNITS_HEADER,
        "01234,Hải Châu,lowland,16.0762,108.218,2,1,,",
        "1234,Thanh Khê,lowland,16.0697,108.203,1,2,,",
        "20443,Hùng Sơn,remote,15.8034,107.313,,,3,2",
    ])
    with pytest.raises(InputError) as info:
        read_units(path)
    assert str(info.value) == "units.csv:3: column 'code': value '01234': duplicate code (first at row 2)"


# ---- other formats ---------------------------------------------------------------------


def _write_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for cell in ws["A"][1:]:
        if isinstance(cell.value, str):
            cell.number_format = "@"  # the code column typed as text, as the guide asks
    wb.save(path)
    return path


def test_xlsx_units_are_read(tmp_path):
    """An XLSX units table with a text code column reads like the CSV; a numeric code is repaired."""
    path = _write_xlsx(tmp_path / "units.xlsx", [
        UNITS_HEADER.split(","),
        ["01234", "Hải Châu", "lowland", 16.0762, 108.218, 2, 1, None, None],
        [20209, "Thanh Khê", "lowland", 16.0697, 108.203, 1, 2, None, None],
        ["00443", "Hùng Sơn", "remote", 15.8034, 107.313, None, None, 3, 2],
    ])
    units, domains, _ = read_units(path)
    assert domains == ("it", "land")
    by_code = {u.code: u for u in units}
    assert list(by_code) == ["01234", "20209", "00443"]
    assert by_code["01234"].name == "Hải Châu"
    assert by_code["01234"].lat == pytest.approx(16.0762)
    assert dict(by_code["20209"].supply) == {"it": 1, "land": 2}
    assert dict(by_code["00443"].need) == {"it": 3, "land": 2}
    assert by_code["00443"].role is Role.REMOTE


def test_xlsx_problems_name_the_sheet_row(tmp_path):
    """Problems in an XLSX table carry the row number the spreadsheet shows."""
    path = _write_xlsx(tmp_path / "units.xlsx", [
        UNITS_HEADER.split(","),
        ["20242", "Hải Châu", "lowland", 16.0762, 108.218, 2, 1, None, None],
        ["20209", "Thanh Khê", "lowland", None, 108.203, 1, 2, None, None],
        ["20443", "Hùng Sơn", "remote", 15.8034, 107.313, None, None, "ba", 2],
    ])
    with pytest.raises(InputError) as info:
        read_units(path)
    assert str(info.value).splitlines() == [
        "units.xlsx:3: column 'lat': value '': empty cell",
        "units.xlsx:4: column 'need_it': value 'ba': not a number",
    ]


TINY_POINTS = {  # code: (name, role, lat, lon, supply_it, need_it)
    "20242": ("Hải Châu", "lowland", 16.0762, 108.218, 2, None),
    "20209": ("Thanh Khê", "lowland", 16.0697, 108.203, 1, None),
    "20443": ("Hùng Sơn", "remote", 15.8034, 107.313, None, 3),
}


def _polygons(crs):
    """Square communes of 3 km side around the tiny points, in ``crs``; no lat/lon columns."""
    import geopandas as gpd

    rows = list(TINY_POINTS.items())
    pts = gpd.GeoDataFrame(
        {"code": [c for c, _ in rows], "name": [v[0] for _, v in rows], "role": [v[1] for _, v in rows],
         "supply_it": [v[4] for _, v in rows], "need_it": [v[5] for _, v in rows]},
        geometry=gpd.points_from_xy([v[3] for _, v in rows], [v[2] for _, v in rows]),
        crs="EPSG:4326",
    ).to_crs(crs)
    pts["geometry"] = pts.geometry.buffer(1500, cap_style="square")
    return pts


@pytest.mark.parametrize(("epsg", "suffix"), [(3405, ".geojson"), (32648, ".geojson"), (32648, ".gpkg")])
def test_geo_polygons_are_reprojected_to_a_wgs84_point(tmp_path, epsg, suffix):
    """Polygons in VN-2000 / UTM 48N (EPSG:3405) or WGS84 / UTM 48N (EPSG:32648) become WGS84 points."""
    import geopandas as gpd

    path = tmp_path / f"units{suffix}"
    _polygons(f"EPSG:{epsg}").to_file(path)
    assert gpd.read_file(path).crs.to_epsg() == epsg
    units, domains, warnings = read_units(path)
    assert domains == ("it",)
    for u in units:
        name, role, lat, lon, supply, need = TINY_POINTS[u.code]
        assert (u.name, u.role.value) == (name, role)
        assert u.lat == pytest.approx(lat, abs=0.005) and u.lon == pytest.approx(lon, abs=0.005)
        assert dict(u.supply if role == "lowland" else u.need) == {"it": supply or need}
    assert [str(w) for w in warnings] == [f"units{suffix}: geometry reprojected from EPSG:{epsg} to WGS84"]
    assert [w.kind for w in warnings] == ["reprojected"]


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_geo_file_without_crs_is_an_error(tmp_path, suffix):
    """A GeoPackage or Shapefile with no CRS is refused: its coordinates cannot be placed."""
    path = tmp_path / f"units{suffix}"
    with pytest.warns(UserWarning):  # pyogrio warns that it writes no CRS
        _polygons("EPSG:3405").set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(InputError) as info:
        read_units(path)
    assert str(info.value).startswith(f"units{suffix}: has no CRS")


# ---- text and warnings -------------------------------------------------------------------


def test_vietnamese_names_come_back_nfc(tmp_path):
    """Names, header names and other text given in NFD (decomposed marks) come back NFC."""
    path = write_csv(tmp_path / "units.csv", [
        UNITS_HEADER + ",ghi_chú",
        "20242,Hải Châu,lowland,16.0762,108.218,2,1,,,phường",
        "20209,Thanh Khê,lowland,16.0697,108.203,1,2,,,phường",
        "20443,Hùng Sơn,remote,15.8034,107.313,,,3,2,xã",
        "20458,Avương,remote,15.9534,107.56,,,2,2,xã",
    ], normal_form="NFD")
    assert "Hải Châu".encode() not in path.read_bytes()  # the file really is decomposed
    units, _, _ = read_units(path)
    assert [u.name for u in units] == ["Hải Châu", "Thanh Khê", "Hùng Sơn", "Avương"]
    assert all(unicodedata.is_normalized("NFC", u.name) for u in units)
    assert units[0].attrs == {"ghi_chú": "phường"}


def test_far_unit_is_a_warning_not_an_error(tmp_path):
    """A unit hundreds of km from all others is read, with a warning naming it."""
    lines = (TINY / "units.csv").read_text(encoding="utf-8").splitlines()
    path = write_csv(tmp_path / "units.csv", [*lines, "20333,Hoàng Sa,remote,16.568,112.135,,,1,1"])
    units, _, warnings = read_units(path)
    assert "20333" in [u.code for u in units]
    [far] = warnings
    assert (far.kind, far.source, far.rows) == ("far_unit", "units.csv", (7,))
    assert str(far) == ("units.csv: 1 unit lies more than 300 km from every other unit; check its coordinates "
                        "(partners abroad are allowed) (row 7)")
    assert far.details[0].startswith("units.csv:7: unit 20333 (Hoàng Sa) is ")
    assert "km from every other unit" in far.details[0]


def test_tiny_units_have_no_warning():
    """The tiny units are close together: no far-unit warning."""
    assert read_units(TINY / "units.csv")[2] == []


def test_issue_9_utf8_with_a_stray_byte_is_not_taken_for_windows_1258(tmp_path):
    """issue 9: a UTF-8 file with one Latin-1 byte stays 'not UTF-8' (no silent Windows-1258 mojibake)."""
    data = "code,name,role,lat,lon\n20242,Hải Châu,lowland,16.0,108.2\n".encode()
    data += b"20209,Thanh Kh\xea,lowland,16,108\n"
    (tmp_path / "u.csv").write_bytes(data)
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "u.csv")
    assert str(info.value).startswith("u.csv:3: not UTF-8 text")
