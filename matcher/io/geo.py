"""Geographic layers in: units given as points or polygons, and commune boundaries for the maps.

A layer must declare its CRS; any declared CRS is reprojected to WGS84 (EPSG:4326).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError, MatcherWarning, ValidationIssue
from .tables import Table, make_table, repair_code


def read_geo_table(path: Path) -> Table:
    """A GeoJSON/GeoPackage/Shapefile layer as a text table; rows count features from 1.

    Polygons are reduced to a representative point in WGS84, which fills ``lat``/``lon``
    where those columns are absent (a ``reprojected`` warning says from which CRS).
    """
    import geopandas as gpd

    path = Path(path)
    gdf = gpd.read_file(path)
    rows = [i + 1 for i in range(len(gdf))]
    if gdf.crs is None:
        msg = "has no CRS: declare it (EPSG:4326 for WGS84; VN-2000 layers have their own)"
        raise InputError([ValidationIssue(path.name, None, None, None, msg)])
    warnings = []
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(object)
    frame = frame.where(pd.notna(frame), "").astype(str)
    table = make_table(path, frame, rows, "feature")
    if "lat" not in table.frame.columns or "lon" not in table.frame.columns:
        geom = gdf.geometry.to_crs(4326)
        pts = geom.representative_point()
        table.frame["lat"] = [f"{p.y:.6f}" if p is not None and not p.is_empty else "" for p in pts]
        table.frame["lon"] = [f"{p.x:.6f}" if p is not None and not p.is_empty else "" for p in pts]
        if str(gdf.crs.to_epsg()) != "4326":
            warnings.append(MatcherWarning("reprojected", f"geometry reprojected from {gdf.crs.to_string()} to WGS84",
                                           path.name))
    table.warnings = warnings
    return table


# Files that hold tables, not layers: refused before GDAL reads them as a layer without geometry.
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt", ".toml")
POLYGON_TYPES = ("Polygon", "MultiPolygon")
EXPECTED = ("expected a polygon layer (GeoJSON .geojson, GeoPackage .gpkg or Shapefile .shp) with a code column "
            "and a declared CRS")


def _bad(path: Path, message: str, column: str | None = None) -> InputError:
    return InputError([ValidationIssue(path.name, None, column, None, message)])


def _layer(path: Path) -> str | None:
    """The layer to read: ``units`` when a multi-layer file has one, else the first polygon layer."""
    try:
        import pyogrio

        layers = [(str(n), str(g)) for n, g in pyogrio.list_layers(path)]
    except Exception:  # not a GDAL dataset: read_file says why
        return None
    if len(layers) <= 1:
        return None
    names = [n for n, _ in layers]
    if "units" in names:
        return "units"
    return next((n for n, g in layers if g in POLYGON_TYPES), names[0])


def read_boundaries(path: Path, code_column: str | None = None):
    """Polygons joined on a code column, in WGS84: a GeoDataFrame with ``code`` and ``geometry``.

    ``code_column`` names the column holding the unit codes (default ``code``; any case).
    Any declared CRS is reprojected. Bad input (:class:`InputError`, one line): a file that is
    not a polygon layer (a spreadsheet, a CSV, a layer without geometry or without polygons),
    a layer without a CRS, or without the code column. Codes are repaired as in the units
    table (text, 5 digits); features without geometry are dropped. A multi-layer GeoPackage
    is read from its ``units`` layer when it has one."""
    import geopandas as gpd

    path = Path(path)
    column = (code_column or "code").strip()
    if not path.exists():
        raise InputError([ValidationIssue(str(path), None, None, None, "file not found")])
    if path.suffix.lower() in TABLE_SUFFIXES:
        raise _bad(path, f"is a table, not map boundaries: {EXPECTED}")
    try:
        gdf = gpd.read_file(path, layer=_layer(path))
    except Exception as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0].split(";")[0].strip()
        raise _bad(path, f"cannot be read as a polygon layer ({first}): {EXPECTED}") from e
    geom_name = gdf._geometry_column_name if isinstance(gdf, gpd.GeoDataFrame) else None
    if geom_name is None or geom_name not in gdf.columns:
        raise _bad(path, f"has no geometry: {EXPECTED}")
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if not gdf.geom_type.isin(POLYGON_TYPES).any():
        kinds = ", ".join(sorted(set(gdf.geom_type.dropna()))) or "no shapes"
        raise _bad(path, f"has no polygons ({kinds}): {EXPECTED}")
    if gdf.crs is None:
        raise _bad(path, "has no CRS: declare it (EPSG:4326 for WGS84)")
    cols = {c.lower(): c for c in gdf.columns if c != geom_name}
    if column.lower() not in cols:
        have = ", ".join(sorted(cols.values())) or "none"
        msg = f"required column is missing (columns: {have}); give --boundaries-code COLUMN"
        raise InputError([ValidationIssue(path.name, 1, column, None, msg)])
    gdf = gdf[gdf.geom_type.isin(POLYGON_TYPES)]
    gdf = gdf.rename(columns={cols[column.lower()]: "code"})[["code", geom_name]]
    gdf = gdf.rename_geometry("geometry") if geom_name != "geometry" else gdf
    gdf["code"] = [repair_code(str(c)) for c in gdf["code"]]
    gdf = gdf.to_crs(4326)
    gdf.attrs["source"] = path.name  # named in the maps' footers
    gdf.attrs["code_column"] = cols[column.lower()]
    return gdf


def match_boundaries(polys, codes, unit_names=None) -> MatcherWarning | None:
    """Check a boundaries layer against the units of a result (``codes``).

    None of the codes in the layer: bad input (:class:`InputError`, one line naming the
    column and the option that changes it). Some units without a polygon: a
    ``boundaries_partial`` warning ("44 of 94 units have no polygon: drawn as points");
    every unit covered: None."""
    if polys is None:
        return None
    codes = [str(c) for c in codes]
    source = polys.attrs.get("source", "boundaries")
    column = polys.attrs.get("code_column", "code")
    have = set(polys["code"])
    missing = [c for c in codes if c not in have]
    if len(missing) == len(codes) and codes:
        msg = (f"none of the {len(codes)} codes of the result are in column '{column}' of {source}; "
               "give --boundaries-code COLUMN (the column holding the 5-digit unit codes) or the boundaries of "
               "this result's area")
        raise InputError([ValidationIssue(source, None, column, None, msg)])
    if not missing:
        return None
    shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
    return MatcherWarning("boundaries_partial",
                          f"{len(missing)} of {len(codes)} units have no polygon: drawn as points ({shown})", source)
