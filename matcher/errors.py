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

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source}:{self.row}"
        parts = [where]
        if self.column is not None:
            parts.append(f"column '{self.column}'")
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
