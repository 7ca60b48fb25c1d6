"""The plan for QGIS (issue 10): ``plan.gpkg`` (layers ``units``, ``pairs``, ``remote_coverage``)
and ``pairs.geojson`` (RFC 7946), built from the very tables the CSVs hold.

Every layer is in WGS84 (EPSG:4326). Codes are text fields (``'00316'`` reads back as
``'00316'``); names keep their diacritics, NFC. Text is written as it is: a GIS field never
runs a formula, so the CSVs' ``'`` escape is not applied. The ``units`` layer holds points from
``lat``/``lon``, or the units' polygons when boundaries are given (keyed by code; a unit
without one keeps a null geometry; ``geometry_source`` says which each unit has). A pair is a straight
line from the lowland unit to the remote one (a drawing aid, not the road: ``distance_km``
is the distance the plan used). ``role_label`` and ``status_label`` give the words in the
result's language. Written by :mod:`matcher.io.files` (:func:`write_gpkg`,
:func:`write_geojson`), atomically like every other result file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

CRS = "EPSG:4326"
LAYERS = ("units", "pairs", "remote_coverage")
GEO_FILES = ("plan.gpkg", "pairs.geojson")


def _ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells in Unicode NFC, as plain Python ``str`` objects; whole-number columns with
    blanks (a lowland unit's ``need_*``) as nullable integers, so GIS shows 2, not 2.0."""
    out = frame.copy()
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out.isetitem(i, s.map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
                         .astype(object))
        elif pd.api.types.is_float_dtype(s.dtype) and s.isna().any() and s.notna().any() \
                and (s.dropna() == s.dropna().round()).all() and out.columns[i] not in ("lat", "lon", "minutes"):
            out.isetitem(i, s.astype("Int64"))
    return out


_TEXT_ALWAYS = {"code", "name", "role", "role_label", "geometry_source", "lowland_code", "remote_code"}
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_CODE_LIKE = re.compile(r"-?0\d")  # a leading zero: a code ('00316'), never a number


def _as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A text column whose every non-blank cell is a number (a planner's ``area_km2``,
    ``population``) as a number field (whole numbers as integers); codes, names and any column
    with a leading-zero value stay text."""
    out = frame.copy()
    for i, col in enumerate(out.columns):
        s = out.iloc[:, i]
        if col in _TEXT_ALWAYS or str(col).endswith("_code") or not (
                pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)):
            continue
        filled = [v for v in s if not pd.isna(v) and not (isinstance(v, str) and not v.strip())]
        cells = [v.strip() for v in filled if isinstance(v, str)]
        if not cells or len(cells) != len(filled) or not all(
                _NUMBER.fullmatch(v) and not _CODE_LIKE.match(v) for v in cells):
            continue
        values = pd.to_numeric(s.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None))
        whole = not any("." in v or "e" in v.lower() for v in cells)
        out.isetitem(i, values.astype("Int64") if whole else values.astype("float64"))
    return out


def _polygons(boundaries) -> dict:
    """Polygons by code, from a mapping code -> shapely geometry or a GeoDataFrame with ``code``
    (as :func:`matcher.io.geo.read_boundaries` gives, in WGS84)."""
    if boundaries is None:
        return {}
    if isinstance(boundaries, Mapping):
        return {str(k): v for k, v in boundaries.items() if v is not None}
    gdf = boundaries.to_crs(CRS) if boundaries.crs is not None else boundaries
    return {str(c): g for c, g in zip(gdf["code"], gdf.geometry, strict=True) if g is not None and not g.is_empty}


def _gdf(frame: pd.DataFrame, geometry):
    import geopandas as gpd

    return gpd.GeoDataFrame(_ready(frame).reset_index(drop=True), geometry=geometry, crs=CRS)


def _word(value, lang: str) -> str:
    from .result_tables import _word as word

    return word(value, lang)


def units_layer(units: pd.DataFrame, lang: str = "vi", boundaries=None, source: str | None = None):
    """The units table (``units.csv``) as points, or as the units' polygons when ``boundaries``
    are given (``source``: the boundary file named in ``geometry_source``)."""
    import shapely

    frame = _as_numbers(units)
    frame.insert(frame.columns.get_loc("role") + 1, "role_label", [_word(v, lang) for v in frame["role"]])
    polys = _polygons(boundaries)
    if not polys:
        frame["geometry_source"] = "point (lat, lon)"
        geometry = shapely.points(frame["lon"].astype(float).to_numpy(), frame["lat"].astype(float).to_numpy())
        return _gdf(frame, geometry)
    shapes = [polys.get(c) for c in frame["code"]]
    where = f"boundary ({source})" if source else "boundary"
    frame["geometry_source"] = [where if g is not None else "no boundary for this code" for g in shapes]
    multi = [None if g is None else (g if g.geom_type == "MultiPolygon" else shapely.multipolygons([g])
                                     if g.geom_type == "Polygon" else g) for g in shapes]
    return _gdf(frame, multi)


def _points(units: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {c: (float(lon), float(lat)) for c, lon, lat in zip(units["code"], units["lon"], units["lat"],
                                                                strict=True)}


def pairs_layer(pairs: pd.DataFrame, units: pd.DataFrame, lang: str = "vi"):
    """``pairs.csv`` as lines from the lowland unit to the remote unit (status, distance,
    domains covered and staff per domain as there)."""
    import shapely

    at = _points(units)
    frame = pairs.copy()
    frame.insert(frame.columns.get_loc("pair_status") + 1, "status_label",
                 [_word(v, lang) for v in frame["pair_status"]])
    if "minutes" in frame.columns:
        frame["minutes"] = pd.to_numeric(frame["minutes"]).astype(float)  # blanks: null, never a text field
    coords = [[at[a], at[b]] for a, b in zip(frame["lowland_code"], frame["remote_code"], strict=True)]
    geometry = shapely.linestrings(coords) if coords else []
    return _gdf(frame, geometry)


def coverage_layer(remote: pd.DataFrame, units: pd.DataFrame):
    """``remote_summary.csv`` as points: coverage ratio, need, covered, shortfall
    (``shortfall_total`` = need_total - covered_total) and the partners."""
    import shapely

    at = _points(units)
    frame = remote.copy()
    frame.insert(frame.columns.get_loc("covered_total") + 1, "shortfall_total",
                 frame["need_total"] - frame["covered_total"])
    xy = [at[c] for c in frame["remote_code"]]
    geometry = shapely.points([x for x, _ in xy], [y for _, y in xy]) if xy else []
    return _gdf(frame, geometry)


def geo_files(tables: Mapping[str, pd.DataFrame], lang: str = "vi", boundaries=None,
              boundaries_source: str | None = None) -> dict:
    """``plan.gpkg`` (a mapping layer name -> GeoDataFrame) and ``pairs.geojson`` (a GeoDataFrame)
    from a result's tables (``pairs``, ``remote_summary``, ``units``, as :func:`output_files` builds them)."""
    units = tables["units"]
    pairs = pairs_layer(tables["pairs"], units, lang)
    layers = {
        "units": units_layer(units, lang, boundaries, boundaries_source),
        "pairs": pairs,
        "remote_coverage": coverage_layer(tables["remote_summary"], units),
    }
    return {"plan.gpkg": layers, "pairs.geojson": pairs}


# ---- writers (called by matcher.io.files.write_one) ----------------------------------------------


def write_gpkg(path: Path, layers: Mapping[str, object]) -> list[Path]:
    """One GeoPackage, a layer per GeoDataFrame (written in order, the first creates the file).

    SQLite's fsync per commit is turned off while writing (``OGR_SQLITE_SYNCHRONOUS=OFF``; restored
    after): the file is built in the publisher's temp folder and moved into place whole, like every
    other result file, so a crash leaves the previous folder, never a half GeoPackage in it."""
    import pyogrio

    path = Path(path)
    before = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
    try:
        for name, gdf in layers.items():
            pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG", promote_to_multi=False)
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": before})
    return [path]


def write_geojson(path: Path, gdf) -> list[Path]:
    """RFC 7946 GeoJSON (WGS84 longitude/latitude, no ``crs`` member), UTF-8."""
    import pyogrio

    path = Path(path)
    pyogrio.write_dataframe(gdf.to_crs(CRS), path, driver="GeoJSON", RFC7946="YES", WRITE_NAME="NO")
    return [path]
