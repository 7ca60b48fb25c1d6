"""matcher's exceptions and warnings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationIssue:
    """One problem in one cell (or header, or key) of one input file."""

    source: str
    row: int | None
    column: str | None
    value: object
    message: str
    row_label: str = "row"
    column_label: str = "column"  # "key" for a scenario file's keys, "setting" for a model setting

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source}:{self.row}"
        parts = [where]
        if self.column is not None:
            parts.append(f"{self.column_label} '{self.column}'")
        if self.value is not None:
            parts.append(f"value '{self.value}'")
        parts.append(self.message)
        return ": ".join(parts)


class MatcherError(Exception):
    """Base class of matcher's own errors."""


class InputError(MatcherError):
    """Bad input: carries every problem found, one line each."""

    def __init__(self, issues: list[ValidationIssue]):
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def _ranges(rows: tuple[int, ...]) -> str:
    """``(2, 3, 4, 7)`` -> ``2–4, 7`` (at most five runs, then ``…``)."""
    runs: list[list[int]] = []
    for r in sorted(set(rows)):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:5])
    return text + (", …" if len(runs) > 5 else "")


@dataclass(frozen=True)
class MatcherWarning:
    """Suspicious-but-legal input, or a repair made to it: data, not a printed line.

    ``kind`` groups warnings of one sort (``code_padded``, ``far_unit``, …); ``message``
    says what happened in words that read after a count ("codes typed as numbers were
    zero-padded to 5 digits"); ``rows`` are the spreadsheet rows (header = 1) it concerns
    in ``source``; ``details`` one line per row for ``--verbose``.
    """

    kind: str
    message: str
    source: str = ""
    rows: tuple[int, ...] = ()
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.line()

    @property
    def count(self) -> int:
        return max(len(self.rows), len(self.details), 1)

    def line(self) -> str:
        """One line: ``units.csv: 166 codes typed as numbers were … (rows 2–167)``."""
        head = f"{self.source}: " if self.source else ""
        n = f"{self.count} " if self.count > 1 or self.rows else ""
        where = ""
        if self.rows:
            where = f" (row{'s' if len(self.rows) > 1 else ''} {_ranges(self.rows)})"
        return f"{head}{n}{self.message}{where}"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "source": self.source, "count": self.count, "message": self.line(),
                "rows": list(self.rows)}


def group_warnings(warnings) -> list[MatcherWarning]:
    """Merge warnings of the same kind, source and message into one (rows and details joined).

    Plain strings (from callers not yet speaking in warnings) pass through as kind ``note``.
    """
    merged: dict[tuple[str, str, str], MatcherWarning] = {}
    for w in warnings:
        if not isinstance(w, MatcherWarning):
            w = MatcherWarning("note", str(w))
        key = (w.kind, w.source, w.message)
        if key in merged:
            old = merged[key]
            merged[key] = MatcherWarning(w.kind, w.message, w.source, old.rows + w.rows, old.details + w.details)
        else:
            merged[key] = w
    return list(merged.values())


# ---- errors grouped by kind, like warnings -----------------------------------------------------

SHOWN_ROWS = 5  # rows named in a group's line; --verbose lists every one


@dataclass(frozen=True)
class IssueGroup:
    """Problems of one kind: the same file, column and message on several rows.

    ``line()`` is one line for the lot (``units.csv: 166 rows: column 'role': value 'Đồng
    bằng': unknown role … (rows 2, 3, 4, 5, 6 and 161 more)``); a group of one is the
    issue's own line, ``file:row: column 'x': value 'y': message``.
    """

    issues: tuple[ValidationIssue, ...]

    @property
    def first(self) -> ValidationIssue:
        return self.issues[0]

    @property
    def kind(self) -> str:
        """A short name of the kind: the column (or key) and the message."""
        i = self.first
        return f"{i.column_label} {i.column}: {i.message}" if i.column is not None else i.message

    def line(self, shown: int = SHOWN_ROWS) -> str:
        if len(self.issues) == 1:
            return str(self.first)
        i = self.first
        rows = [x.row for x in self.issues if x.row is not None]
        values = list(dict.fromkeys(x.value for x in self.issues if x.value is not None))
        parts = [i.source, f"{len(self.issues)} {i.row_label}s" if rows else f"{len(self.issues)} problems"]
        if i.column is not None:
            parts.append(f"{i.column_label} '{i.column}'")
        if len(values) == 1:
            parts.append(f"value '{values[0]}'")
        elif values:
            more = f" and {len(values) - shown} more" if len(values) > shown else ""
            parts.append("values " + ", ".join(f"'{v}'" for v in values[:shown]) + more)
        parts.append(i.message)
        text = ": ".join(parts)
        if rows:
            more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
            text += f" ({i.row_label}s {', '.join(map(str, rows[:shown]))}{more})"
        return text


def group_issues(issues) -> list[IssueGroup]:
    """Issues of the same file, column and message as one group each, in first-seen order."""
    groups: dict[tuple, list[ValidationIssue]] = {}
    for i in issues:
        groups.setdefault((i.source, i.column_label, i.column, i.row_label, i.message), []).append(i)
    return [IssueGroup(tuple(g)) for g in groups.values()]


def issue_lines(issues, verbose: bool = False) -> list[str]:
    """The lines to print for ``issues``: one per group; with ``verbose`` every issue's own
    line indented under its group."""
    out = []
    for g in group_issues(issues):
        out.append(g.line())
        if verbose and len(g.issues) > 1:
            out += [f"  {i}" for i in g.issues]
    return out


REPORT_COLUMNS = ("file", "row", "column", "value", "message", "kind", "level")


def report_rows(issues=(), warnings=()) -> list[dict]:
    """Every issue and every warning's row as a record of :data:`REPORT_COLUMNS` (for
    ``matcher validate --out report.xlsx``): errors first, level ``error`` or ``warning``."""
    out = []
    for g in group_issues(issues):
        for i in g.issues:
            out.append({"file": i.source, "row": i.row, "column": i.column,
                        "value": None if i.value is None else str(i.value), "message": i.message,
                        "kind": g.kind, "level": "error"})
    for w in group_warnings(warnings):
        rows = w.rows or (None,)
        details = w.details if len(w.details) == len(rows) else ("",) * len(rows)
        for row, detail in zip(rows, details, strict=True):
            out.append({"file": w.source, "row": row, "column": None, "value": None,
                        "message": detail or w.message, "kind": w.kind, "level": "warning"})
    return out
