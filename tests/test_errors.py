"""Warnings are data: grouped by kind, one line with the count and the rows."""

from __future__ import annotations

from matcher.errors import MatcherWarning, group_warnings


def test_one_line_per_kind_with_count_and_row_ranges():
    """166 per-row warnings of one kind become one line naming rows 2–167."""
    ws = [MatcherWarning("code_padded", "codes typed as numbers were zero-padded to 5 digits", "units.csv", (r,),
                         (f"row {r}",)) for r in range(2, 168)]
    (one,) = group_warnings(ws)
    assert one.line() == "units.csv: 166 codes typed as numbers were zero-padded to 5 digits (rows 2–167)"
    assert len(one.details) == 166 and one.as_dict()["count"] == 166


def test_different_kinds_stay_apart_and_strings_pass_through():
    """Kinds are not merged with each other; a plain string becomes a 'note'."""
    ws = [MatcherWarning("a", "x", rows=(2,)), MatcherWarning("b", "y", rows=(3,)), "plain"]
    grouped = group_warnings(ws)
    assert [w.kind for w in grouped] == ["a", "b", "note"]
    assert grouped[0].line() == "1 x (row 2)" and grouped[2].line() == "plain"


def test_many_runs_are_shortened():
    """Rows in more than five runs end with an ellipsis."""
    w = MatcherWarning("k", "odd", rows=(2, 4, 6, 8, 10, 12, 14))
    assert w.line() == "7 odd (rows 2, 4, 6, 8, 10, …)"
