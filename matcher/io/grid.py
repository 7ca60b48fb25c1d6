"""A CSV or XLSX file as a grid of text cells, as a spreadsheet shows it (row 1 at the top).

CSV: UTF-8 (with or without BOM), UTF-16 (with its BOM) or, failing UTF-8, Windows-1258
(decoded, then NFC: Windows writes tone marks decomposed); the separator (``,``, ``;`` or
tab) is the one under which a row names the most known columns. A file with ``;`` or tab
separators is taken as written by a Vietnamese-locale Excel: numbers with a decimal comma
(``16,0762``, ``1.234,5``) are read with a point.

XLSX: the active sheet if it is visible, else the first visible one, or the sheet asked
for; a hidden sheet is never read silently. Cached values are read (``data_only``); a
formula with no cached value and a date or time are recorded for the caller to judge
(a totals row may hold the one, a code column must not hold the other).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, MatcherWarning, ValidationIssue
from .headers import HEADER_SCAN_ROWS, header_score

UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")  # a UTF-8 multi-byte letter
DECIMAL_COMMA = re.compile(r"-?(\d+|\d{1,3}(\.\d{3})+),\d+")
THOUSANDS_DOT = re.compile(r"-?\d{1,3}(\.\d{3})+")  # '12.345' in a decimal-comma file: Excel's 12345


@dataclass
class Grid:
    """Text cells by row; ``formulas`` maps (row index, column index) to a formula with no saved value,
    ``dates`` the cells that held a date or time."""

    cells: list[list[str]]
    warnings: list[MatcherWarning] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    dates: set[tuple[int, int]] = field(default_factory=set)
    decimal_comma: bool = False


# ---- CSV -----------------------------------------------------------------------------------


def decode(path: Path, data: bytes) -> tuple[str, MatcherWarning | None]:
    """The text of a CSV file and, when it was not UTF-8, a warning naming the encoding used.

    A file holding UTF-8 letters and a byte that is not UTF-8 is broken UTF-8, not Windows-1258:
    the decoding error is raised for the caller to locate."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return unicodedata.normalize("NFC", data.decode("utf-16")), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        if UTF8_SEQUENCE.search(data):  # UTF-8 text with a stray byte: not a Windows-1258 file
            raise
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            raise err from None
    note = MatcherWarning("encoding", "file is not UTF-8: read as Windows-1258 (Vietnamese Windows); "
                          "check the diacritics, or save it as CSV UTF-8", path.name)
    return unicodedata.normalize("NFC", text), note


def _rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def csv_grid(path: Path) -> Grid:
    """Read a CSV file as text cells (blank lines are rows too, as a spreadsheet shows them)."""
    text, note = decode(path, path.read_bytes())
    forced = re.match(r"sep=(.)\r?\n", text)  # Excel's separator line, not shown as a row
    if forced:
        text = text[forced.end():]
    head = text.splitlines()[:HEADER_SCAN_ROWS]

    def score(d: str) -> tuple[int, int, int]:
        rows = _rows("\n".join(head), d) if head else []
        first = next((r for r in rows if any(c.strip() for c in r)), [])  # the header line: lists inside cells
        return (max((header_score(r) for r in rows), default=0), len(first),  # (a;b in a comma file) do not count
                max((len(r) for r in rows), default=0))

    delimiter = forced.group(1) if forced else max((",", ";", "\t"), key=score)
    cells = _rows(text, delimiter)
    grid = Grid(cells, [note] if note else [])
    if delimiter != ",":
        grid.decimal_comma = True
    return grid


def comma_number(text: str) -> str | None:
    """``'16,0762'`` -> ``'16.0762'``, ``'1.234,5'`` -> ``'1234.5'``, ``'12.345'`` -> ``'12345'`` (a '.'
    groups thousands where ',' is the decimal mark, as a Vietnamese-locale Excel reads it); None when
    ``text`` is not such a number."""
    if DECIMAL_COMMA.fullmatch(text.strip()):
        return text.strip().replace(".", "").replace(",", ".")
    if THOUSANDS_DOT.fullmatch(text.strip()):
        return text.strip().replace(".", "")
    return None


# ---- XLSX ----------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell value as a spreadsheet shows it: 20194 (not 20194.0), 16.0762, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _pick_sheet(path: Path, wb, sheet: str | None):
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    visible = [t for t, s in states.items() if s == "visible"]
    hidden = [t for t, s in states.items() if s != "visible"]
    if sheet is not None:
        if sheet not in states:
            msg = f"no sheet '{sheet}' in the workbook (sheets: {', '.join(states)})"
            raise InputError([ValidationIssue(path.name, None, None, None, msg)])
        chosen = sheet
    elif not visible:
        raise InputError([ValidationIssue(path.name, None, None, None, "every sheet of the workbook is hidden")])
    else:
        active = wb.active.title if wb.active is not None else None
        chosen = active if active in visible else visible[0]
    notes = []
    if states[chosen] != "visible":
        notes.append(MatcherWarning("sheet", f"read sheet '{chosen}', which is hidden, because it was asked for",
                                    path.name))
    elif len(states) > 1:
        extra = f"; hidden, not read: {', '.join(hidden)}" if hidden else ""
        notes.append(MatcherWarning("sheet", f"read sheet '{chosen}' of {len(states)} "
                                    f"({', '.join(states)}{extra}); give --sheet NAME for another", path.name))
    return chosen, notes


def xlsx_grid(path: Path, sheet: str | None = None) -> Grid:
    """Read one sheet of a workbook as text cells, with its hidden rows warned about."""
    from openpyxl import load_workbook

    values = load_workbook(path, data_only=True)
    chosen, notes = _pick_sheet(path, values, sheet)
    ws = values[chosen]
    formulas_ws = None
    cells: list[list[str]] = []
    grid = Grid(cells, notes)
    for r, row in enumerate(ws.iter_rows(values_only=True)):
        line = []
        for c, v in enumerate(row):
            if v is None:
                if formulas_ws is None:
                    formulas_ws = load_workbook(path, data_only=False)[chosen]
                f = formulas_ws.cell(row=r + 1, column=c + 1).value
                if isinstance(f, str) and f.startswith("="):
                    grid.formulas[(r, c)] = f
            elif isinstance(v, (dt.date, dt.time, dt.timedelta)):
                grid.dates.add((r, c))
            line.append(_text(v))
        cells.append(line)
    hidden = [r for r, dim in ws.row_dimensions.items() if dim.hidden and r <= len(cells)
              and any(x.strip() for x in cells[r - 1])]
    if hidden:
        grid.warnings.append(MatcherWarning(
            "hidden_rows", "rows hidden in the sheet were read (unhide them to check, or delete them)"
            if len(hidden) > 1 else "row hidden in the sheet was read (unhide it to check, or delete it)",
            path.name, tuple(sorted(hidden)),
            tuple(f"{path.name}:{r}: hidden row read" for r in sorted(hidden))))
    return grid


# ---- a grid as a table ---------------------------------------------------------------------

CODE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d\d(:\d\d)?)?|\d{1,2}:\d\d(:\d\d(\.\d+)?)?")


def _note(path: Path, kind: str, message: str, rows=(), details=()) -> MatcherWarning:
    return MatcherWarning(kind, message, path.name, tuple(rows), tuple(details))


def _columns(path: Path, header: list[str], notes: list):
    """The name of every column (machine names for known aliases) and the one note on the aliases."""
    from .headers import header_names

    names, said = [], []
    for j, (raw, (name, alias)) in enumerate(zip(header, header_names(header), strict=True)):
        names.append(name or f"unnamed: {j}")
        if alias:
            said.append(f"'{unicodedata.normalize('NFC', raw).strip()}' as '{name}'")
    if said:
        msg = (f"column {said[0].replace(' as ', ' read as ', 1)}" if len(said) == 1
               else f"columns read by their Vietnamese (or other) names: {', '.join(said)}")
        notes.append(_note(path, "header_alias", msg, (), tuple(said) if len(said) > 1 else ()))
    return names


def grid_table(path: Path, grid: Grid):
    """The :class:`~matcher.io.tables.Table` of a grid: header row found, rows skipped, cells checked."""
    import pandas as pd

    from .headers import MIN_HEADER_MATCHES, find_header, is_total, looks_like_header, two_row_header
    from .tables import make_table

    cells = grid.cells
    h, score = find_header(cells)
    hint = None
    if score < MIN_HEADER_MATCHES:
        guess = looks_like_header(cells)
        if guess:
            hint = (f"row {guess + 1} looks like the header but names no known column: delete the rows above it, "
                    "or name the columns code, name, role, lat, lon (or Mã, Tên, Vai trò, Vĩ độ, Kinh độ)")
    header = [str(x) for x in cells[h]] if cells else []
    sub = two_row_header(header, cells[h + 1]) if score >= MIN_HEADER_MATCHES and h + 1 < len(cells) else None
    if sub is not None:  # the group header's row and its sub-headers' row are the header
        header, h = sub, h + 1
    width = max((len(r) for r in cells[h:]), default=0)
    header += [""] * (width - len(header))
    # a column with neither a header nor any value is no column (trailing separators, spacing columns)
    keep = [j for j in range(width)
            if header[j].strip() or any(j < len(r) and str(r[j]).strip() for r in cells[h + 1:])]
    notes = list(grid.warnings)
    names = _columns(path, [header[j] for j in keep], notes)
    if sub is not None:
        notes.append(_note(path, "header_row", f"header read from rows {h}–{h + 1} (group names over sub-names)"
                           + (f"; row{'s 1–' + str(h - 1) if h > 2 else ' 1'} above it skipped as titles" if h > 1
                              else "")))
    elif h > 0:
        notes.append(_note(path, "header_row", f"header read from row {h + 1}; "
                           f"row{'s 1–' + str(h) if h > 1 else ' 1'} above it skipped as titles"))
    code_cols = [j for j, n in enumerate(names) if n.endswith("code")]
    data, rows, issues, totals, blanks, commas = [], [], [], [], [], 0
    last = max((r for r in range(h + 1, len(cells)) if any(str(x).strip() for x in cells[r])), default=h)
    for r in range(h + 1, last + 1):
        row = [str(x) for x in cells[r]]
        if not any(x.strip() for x in row):
            blanks.append(r + 1)
            continue
        row = (row + [""] * width)[:width]
        row = [row[j] for j in keep]
        if any(is_total(x) for x in row) and not any(row[j].strip()[:1].isdigit() for j in code_cols):
            totals.append(r + 1)
            continue
        for j, src in enumerate(keep):
            if (r, src) in grid.formulas:
                issues.append(ValidationIssue(path.name, r + 1, names[j], grid.formulas[(r, src)],
                              "formula with no saved value (the file was not saved by a spreadsheet program): "
                              "open and save it in Excel or LibreOffice, or type the value"))
            elif j in code_cols and ((r, src) in grid.dates or CODE_LIKE.fullmatch(row[j].strip())):
                issues.append(ValidationIssue(path.name, r + 1, names[j], row[j].strip(),
                              "a date or time, not a code: format the column as Text and type the code again"))
            elif grid.decimal_comma and j not in code_cols:
                fixed = comma_number(row[j])
                if fixed is not None:
                    row[j], commas = fixed, commas + 1
        data.append(row)
        rows.append(r + 1)
    skipped = sorted(totals + blanks)
    if skipped:
        kind = "totals and blank" if totals and blanks else "totals" if totals else "blank"
        what = f" ({len(totals)} totals, {len(blanks)} blank)" if totals and blanks else ""
        details = [f"{path.name}:{r}: {'totals row' if r in totals else 'blank row'} skipped" for r in skipped]
        notes.append(_note(path, "rows_skipped", f"{kind} rows were skipped{what}" if len(skipped) > 1
                           else f"{kind} row was skipped", skipped, details))
    if commas:
        notes.append(_note(path, "decimal_comma", f"numbers with a decimal comma were read with a point "
                           f"({commas} cells; the file is separated by ';' or tabs, as Vietnamese Excel saves it)"))
    frame = pd.DataFrame(data, columns=names, dtype=object) if data else pd.DataFrame(columns=names, dtype=object)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError([ValidationIssue(path.name, h + 1, d, None, "column appears more than once "
                                          "(names ignore case; a Vietnamese name counts as its column)")
                          for d in dupes])
    table = make_table(path, frame, rows, warnings=notes, header_row=h + 1)
    table.issues = sorted(table.issues + issues, key=lambda i: i.row or 0)
    table.header_hint = hint
    return table
