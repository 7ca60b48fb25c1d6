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
