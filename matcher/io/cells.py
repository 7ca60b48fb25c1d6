"""The one cell writer: every CSV, XLSX and JSON file the package writes goes through here.

Text never becomes a formula: CSV text cells beginning with ``=``, ``+``, ``-``, ``@``, tab
or carriage return get a leading ``'`` (the OWASP CSV-injection rule), XLSX text cells are
typed as strings. Whole-number columns are written as integers (``2``, not ``2.0``). JSON
is always valid (NaN and infinities become ``null``). Publishing (temp files, swapping a
folder in) is :mod:`matcher.io.files`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

FILE_MODE = 0o644
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # the OWASP CSV-injection trigger characters


def escape_text(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
    tab, carriage return), OWASP style. Text that already starts with ``'`` before such a
    character gets one more, so :func:`unescape_text` gives back exactly what was written."""
    return "'" + value if value.lstrip("'")[:1] in FORMULA_START else value


def unescape_text(value: str) -> str:
    """The text :func:`escape_text` was given."""
    if value[:1] == "'" and value.lstrip("'")[:1] in FORMULA_START:
        return value[1:]
    return value


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)


def _integral_floats(series: pd.Series) -> bool:
    """A float column whose values are whole numbers padded with blanks (an int column
    after a merge or a concat): it is written as integers."""
    if not pd.api.types.is_float_dtype(series.dtype):
        return False
    present = series.dropna()
    return bool(len(present) < len(series) and len(present)
                and np.isfinite(present).all() and (present == np.round(present)).all())


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as it is written: text cells escaped (:func:`escape_text`), whole-number
    float columns with blanks as nullable integers. Numeric columns are never escaped."""
    out = frame.copy()
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if _integral_floats(s):
            out.isetitem(i, s.astype("Int64"))
        elif _is_text(s):
            out.isetitem(i, s.map(lambda v: escape_text(v) if isinstance(v, str) else v).astype(object))
    return out


def csvt_text(frame: pd.DataFrame) -> str:
    """GDAL/QGIS column types for a CSV (so codes stay text in QGIS)."""
    kinds = []
    for dtype in frame.dtypes:
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            kinds.append('"String"')
        elif pd.api.types.is_integer_dtype(dtype):
            kinds.append('"Integer"')
        else:
            kinds.append('"Real"')
    return ",".join(kinds) + "\n"


def write_csv(path: Path, frame: pd.DataFrame) -> list[Path]:
    """Write ``frame`` as UTF-8 with a byte-order mark (Excel shows the diacritics), plus a
    ``.csvt`` sidecar for QGIS. Returns both paths."""
    path = Path(path)
    ready = csv_frame(frame)
    # Python's csv quotes a cell holding a carriage return only when CR ends the lines:
    # such a table (rare: input validation refuses control characters) is written CRLF.
    has_cr = any(isinstance(v, str) and "\r" in v for c in range(ready.shape[1]) if _is_text(ready.iloc[:, c])
                 for v in ready.iloc[:, c])
    ready.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n" if has_cr else "\n")
    sidecar = path.with_suffix(".csvt")
    sidecar.write_text(csvt_text(ready), encoding="utf-8")
    return [path, sidecar]


def _xlsx_value(value):
    """A cell value openpyxl writes as it is: no NaN, no numpy scalars, no objects."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        return float(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    return value if isinstance(value, str) else str(value)


def write_xlsx(path: Path, sheets: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write one workbook, a sheet per table (names cut to Excel's 31 characters), each with
    its header row frozen, an autofilter and column widths fitted to the text.

    Every text cell is typed as a string, so a name beginning with ``=`` is shown, never
    run, and codes keep their leading zeros; whole-number columns are integers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(ws, value, font=None):
        value = _xlsx_value(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # after assigning: openpyxl types text beginning with '=' as a formula
        if font is not None:
            c.font = font
        return c

    for sheet, frame in sheets.items():
        ws = wb.create_sheet(str(sheet)[:31])
        ready = frame.copy()
        for i in range(ready.shape[1]):
            if _integral_floats(ready.iloc[:, i]):
                ready.isetitem(i, ready.iloc[:, i].astype("Int64"))
        _layout(ws, ready)
        ws.append([cell(ws, str(c), bold) for c in ready.columns])
        for row in ready.itertuples(index=False, name=None):
            ws.append([cell(ws, v) for v in row])
    wb.save(path)
    return [Path(path)]


def _layout(ws, frame: pd.DataFrame) -> None:
    """Column widths from the longest header or value (8-60 characters), the header row
    frozen and an autofilter over the table. Set before the rows (write-only sheets)."""
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(frame.columns, start=1):
        values = frame.iloc[:, i - 1]
        longest = max([len(str(col)), *(len(str(_xlsx_value(v))) for v in values.head(2000)
                                          if _xlsx_value(v) is not None)])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    ws.freeze_panes = "A2"
    if frame.shape[1]:
        ws.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{max(1, len(frame) + 1)}"


def _plain(obj):
    """``obj`` with NaN and ±inf as ``None`` and numpy scalars as Python numbers."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def json_text(content) -> str:
    """Valid JSON (NaN and infinities become ``null``), UTF-8 text, indented by 2.

    ``content`` may be a dict (or list) or JSON text already formatted; text is kept as it
    is unless it holds ``NaN``/``Infinity``, which are replaced by ``null``."""
    if isinstance(content, str):
        bad = []
        data = json.loads(content, parse_constant=lambda c: bad.append(c))  # invalid text raises here
        if not bad:
            return content if content.endswith("\n") else content + "\n"
        content = data
    return json.dumps(_plain(content), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_one(target: Path, content) -> list[Path]:
    """Write one output by its suffix; returns the paths written (a CSV brings its .csvt).

    ``.csv``: a DataFrame. ``.xlsx``: a mapping of sheet name to DataFrame. ``.json``: a
    dict or JSON text. Anything else (``.md``): text, or bytes."""
    target = Path(target)
    if target.suffix == ".csv":
        paths = write_csv(target, content)
    elif target.suffix == ".xlsx":
        paths = write_xlsx(target, content)
    else:
        if target.suffix == ".json":
            content = json_text(content)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            text = str(content)
            target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        paths = [target]
    for p in paths:
        os.chmod(p, FILE_MODE)
    return paths


def output_names(files: Mapping[str, object]) -> list[str]:
    """Every file name ``files`` writes (a ``.csv`` brings its ``.csvt``)."""
    return [n for name in files for n in ([name, str(Path(name).with_suffix(".csvt"))]
                                          if name.endswith(".csv") else [name])]
