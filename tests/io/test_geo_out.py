"""plan.gpkg and pairs.geojson in every result folder (issue 10: exports for QGIS; io/geo_out.py)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from matcher.io import geo_out
from matcher.io.files import write_outputs
from matcher.io.result_tables import output_files, write_result
from matcher.io.resultdir import read_result_dir
from matcher.result import Pair, Result, StageResult, Status
from tests.helpers import problem, unit

NFD_NAME = unicodedata.normalize("NFD", "Hòa Vang")  # decomposed on purpose: written NFC


def case():
    """Two lowland units and two remote units; codes with leading zeros, Vietnamese names."""
    lo1 = replace(unit("00316", "lowland", supply={"it": 2, "land": 1}), name="Hải Châu")
    lo2 = replace(unit("01235", "lowland", supply={"it": 1}, dlat=0.05), name=NFD_NAME)
    re1 = replace(unit("00002", "remote", need={"it": 3, "land": 1}, dlat=0.1, dlon=0.1), name="Trà Linh")
    re2 = replace(unit("20458", "remote", need={"it": 1}, dlat=-0.1), name="Avương")
    p = problem([lo1, lo2, re1, re2], domains=("it", "land"))
    result = Result(
        status=Status.OPTIMAL,
        stages=(StageResult("balance", Status.OPTIMAL, 0.75, 0.75, 0.1, "ratio"),),
        pairs=(Pair("00316", "00002", 15.7, None, "geodesic x detour", True, {"it": 2, "land": 1}),
               Pair("01235", "20458", 16.7, 25.0, "travel table", False, {"it": 1})),
        seconds=0.2, solver="test", params={"time_limit_s": 5.0},
    )
    return p, result


@pytest.fixture
def folder(tmp_path) -> Path:
    p, result = case()
    out = tmp_path / "out"
    write_result(out, p, result)
    return out


def csv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_gpkg_has_three_layers_in_wgs84_with_text_codes(folder):
    """issue 10: plan.gpkg holds units (points), pairs (lines), remote_coverage (points), EPSG:4326; a code
    '00316' reads back as the text '00316' (an OGR String field; object dtype through pyogrio)."""
    layers = {name: kind for name, kind in pyogrio.list_layers(folder / "plan.gpkg")}
    assert layers == {"units": "Point", "pairs": "LineString", "remote_coverage": "Point"}
    for name in layers:
        gdf = gpd.read_file(folder / "plan.gpkg", layer=name)
        assert gdf.crs.to_epsg() == 4326
        info = pyogrio.read_info(folder / "plan.gpkg", layer=name)
        types = dict(zip(info["fields"], info["dtypes"], strict=True))
        ogr = dict(zip(info["fields"], info["ogr_types"], strict=True))
        for col in [c for c in gdf.columns if c.endswith("code") or c == "partners"]:
            assert types[col] == "object" and ogr[col] == "OFTString", (name, col)
            assert all(isinstance(v, str) for v in gdf[col])
    units = gpd.read_file(folder / "plan.gpkg", layer="units")
    assert list(units["code"]) == ["00316", "01235", "00002", "20458"]
    pairs = gpd.read_file(folder / "plan.gpkg", layer="pairs")
    assert list(zip(pairs["lowland_code"], pairs["remote_code"], strict=True)) == [("00316", "00002"),
                                                                                   ("01235", "20458")]


def test_pairs_layer_matches_pairs_csv_and_joins_the_unit_points(folder):
    """issue 10: each pair line runs from the lowland unit's point to the remote unit's, with the status,
    distance, domains covered and staff per domain of pairs.csv (and the status in Vietnamese)."""
    rows = csv_rows(folder / "pairs.csv")
    pairs = gpd.read_file(folder / "plan.gpkg", layer="pairs")
    units = {r["code"]: (float(r["lon"]), float(r["lat"])) for r in csv_rows(folder / "units.csv")}
    assert len(pairs) == len(rows) == 2
    for row, (_, feat) in zip(rows, pairs.iterrows(), strict=True):
        for col in ("lowland_code", "remote_code", "pair_status", "domains_covered", "distance_source"):
            assert feat[col] == row[col]
        assert feat["distance_km"] == float(row["distance_km"])
        assert (feat["staff_it"], feat["staff_land"]) == (int(row["staff_it"]), int(row["staff_land"]))
        assert list(feat.geometry.coords) == [units[row["lowland_code"]], units[row["remote_code"]]]
    assert list(pairs["status_label"]) == ["đã có (giữ)", "mới"]
    assert list(pairs["locked"]) == [True, False]
    assert pairs["minutes"].isna().tolist() == [True, False]


def test_remote_coverage_layer_has_ratio_need_covered_shortfall_and_partners(folder):
    """issue 10: remote_coverage: coverage ratio, need, covered, shortfall (need - covered) and partners
    per remote unit, at the unit's point."""
    cov = gpd.read_file(folder / "plan.gpkg", layer="remote_coverage")
    assert list(cov["remote_code"]) == ["00002", "20458"]
    assert list(cov["need_total"]) == [4, 1] and list(cov["covered_total"]) == [3, 1]
    assert list(cov["shortfall_total"]) == [1, 0]
    assert list(cov["coverage_ratio"]) == [0.75, 1.0]
    assert list(cov["partners"]) == ["00316", "01235"]
    assert list(cov["uncovered_it"]) == [1, 0]
    assert [(g.x, g.y) for g in cov.geometry] == [(108.1, 16.1), (108.0, 15.9)]


def test_names_keep_diacritics_in_nfc(folder):
    """issue 10: Vietnamese names are written with their diacritics, in NFC (a decomposed input name too)."""
    units = gpd.read_file(folder / "plan.gpkg", layer="units")
    assert list(units["name"]) == ["Hải Châu", "Hòa Vang", "Trà Linh", "Avương"]
    assert all(unicodedata.is_normalized("NFC", n) for n in units["name"])
    assert list(units["role_label"]) == ["đồng bằng", "đồng bằng", "vùng sâu, vùng xa", "vùng sâu, vùng xa"]
    geo = json.loads((folder / "pairs.geojson").read_text(encoding="utf-8"))
    assert geo["features"][1]["properties"]["lowland_name"] == "Hòa Vang"


def test_units_layer_keeps_integers_and_blanks(folder):
    """issue 10: staff figures blank on the other side's rows are null integers, not 2.0 and NaN text."""
    info = pyogrio.read_info(folder / "plan.gpkg", layer="units")
    ogr = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert ogr["supply_it"] == ogr["need_it"] == "OFTInteger64"
    units = gpd.read_file(folder / "plan.gpkg", layer="units")
    assert units.loc[0, "supply_it"] == 2 and units["need_it"].isna().tolist() == [True, True, False, False]


def test_geojson_is_rfc7946_with_text_codes(folder):
    """issue 10: pairs.geojson is RFC 7946 (a FeatureCollection, no crs member, lon/lat), codes as strings."""
    geo = json.loads((folder / "pairs.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and "crs" not in geo
    first = geo["features"][0]
    assert first["properties"]["lowland_code"] == "00316" and first["properties"]["remote_code"] == "00002"
    assert first["geometry"] == {"type": "LineString", "coordinates": [[108.0, 16.0], [108.1, 16.1]]}
    assert [f["properties"]["staff_it"] for f in geo["features"]] == [2, 1]


def test_units_are_polygons_when_boundaries_are_given(tmp_path):
    """issue 10: with boundaries keyed by code the units layer holds (multi)polygons; a unit without one
    keeps a null geometry and says so."""
    p, result = case()
    square = shapely.box(107.95, 15.95, 108.05, 16.05)
    files = output_files(p, result, None, boundaries={"00316": square, "00002": shapely.box(108, 16, 108.2, 16.2)})
    write_outputs(tmp_path / "out", files, [])
    assert dict(pyogrio.list_layers(tmp_path / "out" / "plan.gpkg"))["units"] == "MultiPolygon"
    units = gpd.read_file(tmp_path / "out" / "plan.gpkg", layer="units")
    assert units.geometry.isna().tolist() == [False, True, False, True]
    assert units.geometry[0].equals(shapely.multipolygons([square]))
    assert list(units["geometry_source"]) == ["boundary", "no boundary for this code", "boundary",
                                              "no boundary for this code"]


def test_boundaries_as_a_geodataframe_name_their_file():
    """issue 10: boundaries as read_boundaries gives them (a GeoDataFrame with code, its source file)."""
    p, result = case()
    gdf = gpd.GeoDataFrame({"code": ["00316"]}, geometry=[shapely.box(107.9, 15.9, 108.1, 16.1)], crs=4326)
    gdf.attrs["source"] = "xa.geojson"
    layer = output_files(p, result, None, boundaries=gdf)["plan.gpkg"]["units"]
    assert list(layer["geometry_source"])[:2] == ["boundary (xa.geojson)", "no boundary for this code"]


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="ogrinfo (GDAL) is not installed")
def test_ogrinfo_lists_three_layers(folder):
    """issue 10: GDAL's own ogrinfo opens plan.gpkg and lists the three layers."""
    text = subprocess.run(["ogrinfo", "-ro", "-q", str(folder / "plan.gpkg")], capture_output=True, text=True,
                          check=True).stdout
    assert [name for name in ("units", "pairs", "remote_coverage") if f": {name} (" in text] == list(geo_out.LAYERS)


def test_a_result_folder_without_the_new_files_still_reads(folder):
    """issue 10: a folder written before plan.gpkg, pairs.geojson and the run record reads as before."""
    (folder / "plan.gpkg").unlink()
    (folder / "pairs.geojson").unlink()
    info = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    info.pop("run", None)
    (folder / "summary.json").write_text(json.dumps(info), encoding="utf-8")
    view = read_result_dir(folder)
    assert list(view.pairs["lowland_code"]) == ["00316", "01235"] and view.run is None


def test_a_failing_gpkg_writer_leaves_the_previous_folder_whole(folder, monkeypatch):
    """issue 10: plan.gpkg is published with the rest: a failure writing it leaves the old folder as it was."""
    from matcher.errors import InputError

    before = {f.name: f.read_bytes() for f in folder.iterdir()}
    p, result = case()

    def broken(path, layers):
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo_out, "write_gpkg", broken)
    with pytest.raises(InputError, match="No space left on device"):
        write_result(folder, p, replace(result, pairs=result.pairs[:1]))
    assert {f.name: f.read_bytes() for f in folder.iterdir()} == before
    assert [f.name for f in folder.parent.iterdir()] == ["out"]


def test_the_sqlite_sync_setting_is_restored_after_writing(folder):
    """issue 10: plan.gpkg is written without SQLite's fsync (it is built in a temp folder and moved in whole),
    and GDAL's setting is put back afterwards; the file is a complete, readable GeoPackage."""
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None
    assert len(gpd.read_file(folder / "plan.gpkg", layer="remote_coverage")) == 2
    assert (folder / "plan.gpkg").read_bytes()[:16] == b"SQLite format 3\x00"


def test_the_geopackage_tables_name_three_layers_in_epsg_4326(folder):
    """issue 10: read without GDAL (plain SQLite), plan.gpkg's gpkg_contents lists the three feature layers, each
    with srs_id 4326 and its geometry type, as the GeoPackage standard asks (what QGIS reads)."""
    import sqlite3

    con = sqlite3.connect(folder / "plan.gpkg")
    try:
        contents = con.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY table_name").fetchall()
        geoms = dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns").fetchall())
        srs = con.execute("SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = 4326")
        assert srs.fetchone() == ("EPSG", 4326)
        codes = con.execute("SELECT typeof(code), code FROM units ORDER BY fid").fetchall()
    finally:
        con.close()
    assert contents == [("pairs", "features", 4326), ("remote_coverage", "features", 4326),
                        ("units", "features", 4326)]
    assert geoms == {"pairs": "LINESTRING", "remote_coverage": "POINT", "units": "POINT"}
    assert codes[0] == ("text", "00316")


@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_units_layer_writes_a_planners_number_columns_as_numbers(tmp_path, dtype):
    """issue 10 review: area_km2, population, n_dbkk_2017 read as text (object or string columns) become number
    fields; codes, names, a column with a leading-zero value or a non-number stay text."""
    units = pd.DataFrame({
        "code": ["00316", "20194", "20209"], "name": ["Hội An", "Hải Vân", "Hùng Sơn"],
        "role": ["lowland", "lowland", "remote"], "lat": [15.88, 16.13, 15.9], "lon": [108.33, 107.97, 107.6],
        "area_km2": ["60.5", "406.09", ""], "population": ["48992", "12000", "3100"], "n_dbkk_2017": ["0", "1", "0"],
        "old_code": ["0490", "502", "503"], "notes": ["1", "two", ""]}).astype(dtype)
    units[["lat", "lon"]] = units[["lat", "lon"]].astype(float)
    path = tmp_path / "plan.gpkg"
    geo_out.write_gpkg(path, {"units": geo_out.units_layer(units, "en")})
    info = pyogrio.read_info(path, layer="units")
    ogr = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert (ogr["area_km2"], ogr["population"], ogr["n_dbkk_2017"]) == ("OFTReal", "OFTInteger64", "OFTInteger64")
    assert ogr["code"] == ogr["name"] == ogr["old_code"] == ogr["notes"] == "OFTString"
    back = gpd.read_file(path, layer="units")
    assert back["population"].tolist() == [48992, 12000, 3100] and back["area_km2"].tolist()[:2] == [60.5, 406.09]
    assert pd.isna(back["area_km2"].tolist()[2]) and back["code"].tolist()[0] == "00316"
    assert back["old_code"].tolist() == ["0490", "502", "503"]
