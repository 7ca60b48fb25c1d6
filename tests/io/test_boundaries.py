"""Boundaries in (issue 11): what read_boundaries refuses, and match_boundaries' coverage check."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from matcher.errors import InputError
from matcher.io.geo import match_boundaries, read_boundaries

SQUARE = [[[108.0, 16.0], [108.1, 16.0], [108.1, 16.1], [108.0, 16.1], [108.0, 16.0]]]


def geojson(path, features):
    """A GeoJSON file (WGS84 by the spec) of these features."""
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def polygon(code, column="code"):
    return {"type": "Feature", "properties": {column: code}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}


def one_line(e: InputError) -> str:
    assert len(e.issues) == 1
    return str(e.issues[0])


def test_csv_is_refused_with_one_line(tmp_path):
    """issue 11: a CSV table given as boundaries is bad input, one line saying what was expected."""
    f = tmp_path / "units.csv"
    f.write_text("code,name\n20194,A\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_boundaries(f)
    assert one_line(e.value).startswith("units.csv: is a table, not map boundaries: expected a polygon layer")


def test_xlsx_is_refused_with_one_line(tmp_path):
    """issue 11: an Excel workbook given as boundaries is bad input, one line (no AttributeError)."""
    f = tmp_path / "units.xlsx"
    pd.DataFrame({"code": ["20194"]}).to_excel(f, index=False)
    with pytest.raises(InputError) as e:
        read_boundaries(f)
    assert one_line(e.value).startswith("units.xlsx: is a table, not map boundaries")


def test_points_layer_is_refused(tmp_path):
    """issue 11: a layer of points only has no polygons: bad input naming the geometry found."""
    f = geojson(tmp_path / "pts.geojson", [{"type": "Feature", "properties": {"code": "20194"},
                                           "geometry": {"type": "Point", "coordinates": [108, 16]}}])
    with pytest.raises(InputError) as e:
        read_boundaries(f)
    assert one_line(e.value).startswith("pts.geojson: has no polygons (Point): expected a polygon layer")


def test_json_that_is_not_geojson_is_refused(tmp_path):
    """issue 11: a JSON file that is not a layer is bad input, one line."""
    f = tmp_path / "notes.json"
    f.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_boundaries(f)
    assert "cannot be read as a polygon layer" in one_line(e.value)


def test_code_column_named_and_case_insensitive(tmp_path):
    """issue 11: --boundaries-code names the code column (any case); without it, a missing 'code' is one line."""
    f = geojson(tmp_path / "ma.geojson", [polygon("20194", "MaXa")])
    with pytest.raises(InputError) as e:
        read_boundaries(f)
    assert one_line(e.value) == ("ma.geojson:1: column 'code': required column is missing (columns: MaXa); "
                                 "give --boundaries-code COLUMN")
    g = read_boundaries(f, "maxa")
    assert list(g["code"]) == ["20194"] and g.attrs["code_column"] == "MaXa" and str(g.crs) == "EPSG:4326"


def test_codes_repaired_to_five_digits(tmp_path):
    """issue 11: codes typed as numbers in the layer are read as 5-digit text, as in the units table."""
    g = read_boundaries(geojson(tmp_path / "b.geojson", [polygon(4), polygon("20194")]))
    assert list(g["code"]) == ["00004", "20194"]


def test_match_none_is_bad_input_and_partial_is_a_warning(tmp_path):
    """issue 11: codes matching no unit -> InputError naming the column; some missing -> a warning with the count."""
    g = read_boundaries(geojson(tmp_path / "b.geojson", [polygon("20194"), polygon("20197")]))
    with pytest.raises(InputError) as e:
        match_boundaries(g, ["10001", "10002", "10003"])
    assert one_line(e.value) == (
        "b.geojson: column 'code': none of the 3 codes of the result are in column 'code' of b.geojson; give "
        "--boundaries-code COLUMN (the column holding the 5-digit unit codes) or the boundaries of this result's area")
    w = match_boundaries(g, ["20194", "20197", "20200", "20203"])
    assert w.kind == "boundaries_partial"
    assert w.line() == "b.geojson: 2 of 4 units have no polygon: drawn as points (20200, 20203)"
    assert match_boundaries(g, ["20194", "20197"]) is None
    assert match_boundaries(None, ["20194"]) is None
