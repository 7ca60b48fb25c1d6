"""Read one table (CSV, XLSX, GeoJSON/GeoPackage/Shapefile) as text, and parse its cells.

Every reader collects *all* problems of its file before raising one :class:`InputError`,
each line naming file, row, column and value. Row numbers are those a spreadsheet shows
(the top row is 1; the header is row 1 or the row under any title rows); GeoJSON/GeoPackage
rows count features from 1.

Text cells are checked here once for every table: control characters (C0 and C1 controls,
DEL, a byte-order mark inside a value, line/paragraph separators, bidirectional overrides
and isolates) are refused with file, row and column, the value shown with the character
escaped; a leading byte-order mark of a CSV file is the file's BOM and is fine. A name or a
code is one line: a tab or line break inside it is refused too.
"""

from __future__ import annotations

import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError, MatcherWarning, ValidationIssue

TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".geojson", ".json", ".gpkg", ".shp"}
GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp"}

# characters no text cell may hold (tab, line feed and carriage return are checked apart)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LINE_BREAK = re.compile("[\t\n\r]")
_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def nfc(text: str) -> str:
    """Unicode NFC with surrounding whitespace removed (Vietnamese typed on any keyboard compares equal)."""
    return unicodedata.normalize("NFC", text).strip()


def visible(text: str) -> str:
    """``text`` with control characters, tabs and line breaks escaped (``'Hòa\\x0bVang'``)."""

    def esc(m: re.Match) -> str:
        ch = m.group()
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return re.sub(f"{CONTROL.pattern}|{LINE_BREAK.pattern}", esc, unicodedata.normalize("NFC", text))


def text_problem(text: str, *, one_line: bool = False, what: str = "name") -> str | None:
    """Why ``text`` cannot be taken as it is (a control character, or a break in a one-line ``what``), else None."""
    found = dict.fromkeys(CONTROL.findall(text))
    if found:
        return f"contains a control character ({', '.join(f'U+{ord(c):04X}' for c in found)}); remove it"
    if one_line:
        breaks = dict.fromkeys(LINE_BREAK.findall(text.strip()))
        if breaks:
            codes = ", ".join(f"U+{ord(c):04X}" for c in breaks)
            return f"contains a tab or line break ({codes}); a {what} is one line"
    return None


def one_line_column(name: str) -> bool:
    """Columns whose cells must be one line: names and codes."""
    return name == "name" or name.endswith(("_name", "code"))


# ---- tables ---------------------------------------------------------------------------


@dataclass
class Table:
    """A table read as text, with the spreadsheet row number of each record.

    ``issues`` are the problems found while reading (control characters, dates in a code
    column, formulas without a saved value), which the reader reports together with its
    own; ``warnings`` are :class:`MatcherWarning`.
    """

    path: Path
    frame: pd.DataFrame
    rows: list[int]
    row_label: str = "row"
    warnings: list[MatcherWarning] = field(default_factory=list)
    issues: list[ValidationIssue] = field(default_factory=list)
    header_row: int = 1  # the spreadsheet row of the header (below any title rows)
    header_hint: str | None = None  # said with a missing column when no header row was recognised

    @property
    def name(self) -> str:
        return self.path.name

    def issue(self, i: int | None, column, value, message) -> ValidationIssue:
        row = None if i is None else self.rows[i]
        return ValidationIssue(self.name, row, column, value, message, self.row_label)

    def raise_if(self, issues: list[ValidationIssue]) -> None:
        """Raise every problem of this table at once, if there is any, in row order.

        A cell refused for a control character is not reported a second time by the reader."""
        flagged = {(i.row, i.column) for i in self.issues}
        rest = [i for i in issues if (i.row, i.column) not in flagged or i in self.issues]
        merged = list(dict.fromkeys([*self.issues, *rest]))
        if merged:
            raise InputError(sorted(merged, key=lambda i: -1 if i.row is None else i.row))


def check_input_file(path: Path) -> None:
    """Refuse at once what is not a regular file (a folder, a FIFO, a device): reading one could hang."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError([ValidationIssue(str(path), None, None, None, "file not found")]) from None
    except OSError as e:
        raise InputError([ValidationIssue(str(path), None, None, None, f"cannot be read: {e.strerror}")]) from None
    if stat.S_ISREG(mode):
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "not a regular file")
    raise InputError([ValidationIssue(str(path), None, None, None,
                                      f"is {kind}, not a table file; give a CSV, XLSX or GeoJSON file")])


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read CSV/XLSX/GeoJSON/GeoPackage/Shapefile as text columns.

    CSV and XLSX go through :mod:`matcher.io.grid` (encodings, separators, sheets) and
    :func:`matcher.io.grid.grid_table` (header row under title rows, Vietnamese headers,
    totals and blank rows). ``sheet`` names the XLSX sheet to read (default: the active
    visible one). Geometries must carry a CRS; they are reprojected to WGS84 and reduced to
    a representative point, which fills ``lat``/``lon`` where those columns are absent.
    """
    from .grid import csv_grid, grid_table, xlsx_grid

    path = Path(path)
    check_input_file(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return grid_table(path, csv_grid(path))
        if suffix in (".xlsx", ".xlsm"):
            return grid_table(path, xlsx_grid(path, sheet))
        if suffix in GEO_SUFFIXES:
            from .geo import read_geo_table

            return read_geo_table(path)
    except InputError:
        raise
    except UnicodeDecodeError as e:
        raise InputError([_not_utf8(path, e)]) from e
    except Exception as e:  # unreadable file of a known type
        msg = f"cannot be read as {suffix[1:].upper()}: {e}"
        raise InputError([ValidationIssue(path.name, None, None, None, msg)]) from e
    msg = f"unsupported file type '{suffix}' (use CSV, XLSX, GeoJSON or GeoPackage)"
    raise InputError([ValidationIssue(path.name, None, None, None, msg)])


def make_table(path: Path, frame: pd.DataFrame, rows: list[int], row_label: str = "row",
               warnings: list[MatcherWarning] | None = None, header_row: int = 1) -> Table:
    """A :class:`Table` from a frame of text as read: text checked, then cleaned (NFC, trimmed)."""
    issues = text_issues(frame, path.name, rows, row_label, header_row)
    return Table(path, clean(frame, path.name, header_row), rows, row_label, list(warnings or []), issues,
                 header_row)


def text_issues(frame: pd.DataFrame, source: str, rows: list[int], row_label: str = "row",
                header_row: int = 1) -> list[ValidationIssue]:
    """Every header and cell holding a control character (or a break in a name or code)."""
    out = []
    for c in frame.columns:
        why = text_problem(str(c), one_line=True, what="column name")
        if why:
            out.append(ValidationIssue(source, header_row, visible(str(c).strip(" ").lower()), None,
                                       f"column name {why}", row_label))
    for c in frame.columns:
        name = nfc(str(c)).lower()
        cells = frame[c].map(lambda v: "" if v is None else str(v))
        hits = cells.str.contains(CONTROL) | (cells.str.contains(LINE_BREAK) if one_line_column(name) else False)
        for i in [int(k) for k in hits.to_numpy().nonzero()[0]]:
            raw = cells.iloc[i]
            why = text_problem(raw, one_line=one_line_column(name), what="code" if name.endswith("code") else "name")
            if why:
                out.append(ValidationIssue(source, rows[i], visible(name), visible(raw.strip(" ")), why, row_label))
    return sorted(out, key=lambda i: i.row)


def _not_utf8(path: Path, err: UnicodeDecodeError) -> ValidationIssue:
    """Locate the first bad byte in the whole file (pandas reports offsets within a chunk)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        err = e
    else:  # pragma: no cover - pandas and Python disagree
        return ValidationIssue(path.name, None, None, None, f"not UTF-8 text ({err.reason})")
    row = raw.count(b"\n", 0, err.start) + 1
    msg = f"not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8 CSV"
    return ValidationIssue(path.name, row, None, None, msg)


def clean(frame: pd.DataFrame, source: str = "", header_row: int = 1) -> pd.DataFrame:
    """Header names lower-case NFC, every cell NFC text without surrounding whitespace."""
    frame = frame.copy()
    names = [nfc(str(c)).lower() for c in frame.columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError([ValidationIssue(source, header_row, d, None,
                                          "column appears more than once (names ignore case)") for d in dupes])
    frame.columns = names
    for c in frame.columns:
        frame[c] = frame[c].map(lambda v: "" if v is None else nfc(str(v)))
    return frame


# ---- cells ----------------------------------------------------------------------------


def missing_columns(table: Table, required: list[str]) -> list[ValidationIssue]:
    have = set(table.frame.columns)
    hint = f" ({table.header_hint})" if table.header_hint else ""
    missing = [c for c in required if c not in have]
    return [ValidationIssue(table.name, table.header_row, c, None,
                            f"required column is missing{hint if k == 0 else ''}", table.row_label)
            for k, c in enumerate(missing)]


def int_cell(table, i, col, raw, issues, *, allow_empty=False, minimum=0):
    """A whole number >= ``minimum`` (a comma only as a thousands separator), else an issue and None."""
    if raw == "":
        if allow_empty:
            return None
        issues.append(table.issue(i, col, raw, "empty cell; write 0 for none"))
        return None
    try:
        # a comma only as a thousands separator: '1,5' is a decimal comma, not 15
        value = float(raw.replace(",", "")) if re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw) else float(raw)
    except ValueError:
        issues.append(table.issue(i, col, raw, "not a number"))
        return None
    if not math.isfinite(value) or value != int(value):
        issues.append(table.issue(i, col, raw, "expected a whole number"))
        return None
    if value < minimum:
        issues.append(table.issue(i, col, raw, f"must be >= {minimum}"))
        return None
    return int(value)


def float_cell(table, i, col, raw, issues, *, allow_empty=False, minimum=None):
    """A finite number (>= ``minimum`` if given), else an issue and None."""
    if raw == "":
        if not allow_empty:
            issues.append(table.issue(i, col, raw, "empty cell"))
        return None
    try:
        value = float(raw)
    except ValueError:
        issues.append(table.issue(i, col, raw, "not a number"))
        return None
    if not math.isfinite(value):
        issues.append(table.issue(i, col, raw, "not a finite number"))
        return None
    if minimum is not None and value < minimum:
        issues.append(table.issue(i, col, raw, f"must be >= {minimum}"))
        return None
    return value


def repair_code(raw: str) -> str:
    """Codes are text; undo spreadsheet damage ('20194.0', '4' for '00004')."""
    code = raw.strip()
    if code.endswith(".0") and code[:-2].isdigit():
        code = code[:-2]
    if code.isdigit() and len(code) < 5:
        code = code.zfill(5)
    return code


def code_repair(raw: str, code: str) -> str | None:
    """The kind of repair :func:`repair_code` made: ``code_padded``, ``code_repaired`` or None."""
    raw = raw.strip()
    if not code or code == raw:
        return None
    unpadded = raw[:-2] if raw.endswith(".0") else raw
    return "code_padded" if len(code) > len(unpadded) else "code_repaired"
