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


# ---- errors grouped by kind (issue 9) ------------------------------------------------------------

ROLE_MSG = "unknown role; use lowland, remote or excluded"


def _role_issues(n: int):
    from matcher.errors import ValidationIssue

    return [ValidationIssue("units.csv", r, "role", "Đồng bằng", ROLE_MSG) for r in range(2, 2 + n)]


def test_errors_of_one_kind_are_one_line_with_five_rows_and_a_count():
    """issue 9: 166 rows with the same bad role are one line: the count, the value, rows 2-6 'and 161 more'."""
    from matcher.errors import issue_lines

    assert issue_lines(_role_issues(166)) == [
        f"units.csv: 166 rows: column 'role': value 'Đồng bằng': {ROLE_MSG} (rows 2, 3, 4, 5, 6 and 161 more)"]


def test_a_single_error_keeps_the_file_row_column_value_form():
    """issue 9: one issue alone prints exactly as before, `file:row: column 'x': value 'y': message`."""
    from matcher.errors import ValidationIssue, issue_lines

    one = ValidationIssue("units.csv", 3, "lat", "x", "not a number")
    assert issue_lines([one]) == ["units.csv:3: column 'lat': value 'x': not a number"]
    assert issue_lines([*_role_issues(2), one])[1] == str(one)


def test_verbose_lists_every_row_under_the_group():
    """issue 9: verbose adds each issue's own line, indented, under the group's line."""
    from matcher.errors import issue_lines

    lines = issue_lines(_role_issues(7), verbose=True)
    assert len(lines) == 8 and lines[0].endswith("(rows 2, 3, 4, 5, 6 and 2 more)")
    assert lines[-1] == f"  units.csv:8: column 'role': value 'Đồng bằng': {ROLE_MSG}"


def test_differing_values_are_listed_in_the_group():
    """issue 9: one message on several values names the values (first five) instead of one value."""
    from matcher.errors import ValidationIssue, issue_lines

    issues = [ValidationIssue("u.csv", r, "lat", v, "not a number") for r, v in ((2, "a"), (3, "b"), (4, "a"))]
    assert issue_lines(issues) == ["u.csv: 3 rows: column 'lat': values 'a', 'b': not a number (rows 2, 3, 4)"]


def test_report_rows_hold_every_error_and_warning_row():
    """issue 9: the validate report has one record per error and per warning row, with kind and level."""
    from matcher.errors import report_rows

    rows = report_rows(_role_issues(3), [MatcherWarning("code_padded", "padded", "units.csv", (5, 6),
                                                        ("units.csv:5: a", "units.csv:6: b"))])
    assert [(r["row"], r["level"]) for r in rows] == [(2, "error"), (3, "error"), (4, "error"), (5, "warning"),
                                                       (6, "warning")]
    assert rows[0]["kind"] == f"column role: {ROLE_MSG}" and rows[0]["value"] == "Đồng bằng"
    assert rows[4]["kind"] == "code_padded" and rows[4]["message"] == "units.csv:6: b"
