"""`matcher map|report --boundaries` with bad or partial files (issue 11): exit 2 with one line, or a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import invoke

ROOT = Path(__file__).resolve().parents[2]
DANANG = ROOT.parent / "shared" / "data" / "danang_2025" / "boundaries.geojson"
needs_danang = pytest.mark.skipif(not DANANG.exists(), reason="../shared Da Nang boundaries not present")


@pytest.fixture(scope="module")
def result_dir(danang_result_dir) -> Path:
    return danang_result_dir


def other_province(tmp_path) -> Path:
    """Two squares far from Da Nang with codes of no Da Nang unit."""
    import geopandas as gpd
    from shapely.geometry import box

    f = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"code": ["00004", "00008"]}, geometry=[box(105, 21, 105.1, 21.1), box(105.1, 21, 105.2, 21.1)],
                     crs=4326).to_file(f, layer="units")
    return f


@pytest.mark.parametrize("out", ["m.png", "m.html"])
def test_spreadsheet_boundaries_exit_2(runner, result_dir, tmp_path, out):
    """issue 11: an .xlsx given as --boundaries: exit 2, one line saying what was expected, nothing written."""
    import pandas as pd

    bad = tmp_path / "units.xlsx"
    pd.DataFrame({"code": ["20194"]}).to_excel(bad, index=False)
    res = invoke(runner, "map", result_dir, "--boundaries", bad, "--out", tmp_path / out)
    assert res.exit_code == 2, res.output
    assert "units.xlsx: is a table, not map boundaries: expected a polygon layer" in res.output
    assert "Traceback" not in res.output and not (tmp_path / out).exists()


@pytest.mark.parametrize("out", ["m.png", "m.html"])
def test_other_province_exit_2(runner, result_dir, tmp_path, out):
    """issue 11: polygons whose codes match no unit: exit 2 naming the column and --boundaries-code (HTML too)."""
    res = invoke(runner, "map", result_dir, "--boundaries", other_province(tmp_path), "--out", tmp_path / out)
    assert res.exit_code == 2, res.output
    assert ("none of the 94 codes of the result are in column 'code' of other.gpkg; give --boundaries-code"
            in res.output)
    assert not (tmp_path / out).exists()


def test_report_other_province_exit_2(runner, result_dir, tmp_path):
    """issue 11: the pack refuses the same file the same way."""
    res = invoke(runner, "report", result_dir, "--boundaries", other_province(tmp_path), "--out", tmp_path / "p.pdf")
    assert res.exit_code == 2 and "none of the 94 codes" in res.output
    assert not (tmp_path / "p.pdf").exists()


@needs_danang
def test_partial_boundaries_warn_and_draw(runner, result_dir, tmp_path):
    """issue 11: 50 of 94 polygons: one warning line '44 of 94 units have no polygon: drawn as points', exit 0."""
    import geopandas as gpd

    part = tmp_path / "part.geojson"
    gpd.read_file(DANANG).iloc[:50].to_file(part, driver="GeoJSON")
    res = invoke(runner, "map", result_dir, "--boundaries", part, "--out", tmp_path / "m.html")
    assert res.exit_code == 0, res.output
    assert "warning: part.geojson: 44 of 94 units have no polygon: drawn as points" in res.output
    assert (tmp_path / "m.html").exists()


@needs_danang
def test_boundaries_code_option(runner, result_dir, tmp_path):
    """issue 11: --boundaries-code names the code column (any case) for map and report's map."""
    import geopandas as gpd

    renamed = tmp_path / "ma.geojson"
    g = gpd.read_file(DANANG)[["code", "geometry"]].rename(columns={"code": "MaDVHC"})
    g.to_file(renamed, driver="GeoJSON")
    res = invoke(runner, "map", result_dir, "--boundaries", renamed, "--out", tmp_path / "a.html")
    assert res.exit_code == 2 and "column 'code': required column is missing (columns: MaDVHC)" in res.output
    res = invoke(runner, "map", result_dir, "--boundaries", renamed, "--boundaries-code", "madvhc",
                 "--out", tmp_path / "b.html")
    assert res.exit_code == 0, res.output
    assert "no polygon" not in res.output
