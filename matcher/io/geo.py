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


def read_boundaries(path: Path):
    """Polygons joined on ``code``, in WGS84: a GeoDataFrame with ``code`` and ``geometry``.

    Any declared CRS is reprojected; a layer without a CRS, or without a ``code`` column,
    is bad input. Codes are repaired as in the units table (text, 5 digits)."""
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise InputError([ValidationIssue(str(path), None, None, None, "file not found")])
    try:
        gdf = gpd.read_file(path)
    except Exception as e:
        msg = f"cannot be read as a polygon layer: {e}"
        raise InputError([ValidationIssue(path.name, None, None, None, msg)]) from e
    issues = []
    if gdf.crs is None:
        issues.append(ValidationIssue(path.name, None, None, None, "has no CRS: declare it (EPSG:4326 for WGS84)"))
    cols = {c.lower(): c for c in gdf.columns}
    if "code" not in cols:
        issues.append(ValidationIssue(path.name, 1, "code", None, "required column is missing"))
    if issues:
        raise InputError(issues)
    gdf = gdf.rename(columns={cols["code"]: "code"})[["code", gdf.geometry.name]]
    gdf["code"] = [repair_code(str(c)) for c in gdf["code"]]
    gdf = gdf.to_crs(4326)
    gdf.attrs["source"] = path.name  # named in the maps' footers
    return gdf
