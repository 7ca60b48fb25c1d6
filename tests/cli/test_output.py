"""What the commands print and keep: warnings grouped by kind, --verbose, an earlier plan kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import invoke

from matcher.cli import show_warnings
from matcher.errors import MatcherWarning

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
FAST = ["--time-limit", "5", "--workers", "1"]


def warning_lines(output: str) -> list[str]:
    return [ln for ln in output.splitlines() if ln.startswith("warning: ")]


def padded(row: int, code: str) -> MatcherWarning:
    return MatcherWarning("code_padded", "codes typed as numbers were zero-padded to 5 digits", "units.csv",
                          (row,), (f"units.csv:{row}: code '{code}' read as '{code.zfill(5)}'",))


def test_show_warnings_prints_one_line_per_kind(capsys):
    """issue 8: 166 warnings of one kind are one line with the count and the rows."""
    show_warnings()([padded(r, str(r)) for r in range(2, 168)] + ["a plain note"])
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["warning: units.csv: 166 codes typed as numbers were zero-padded to 5 digits (rows 2–167)",
                     "warning: a plain note"]


def test_show_warnings_verbose_lists_every_detail(capsys):
    """issue 8: --verbose lists every detail line under its warning."""
    show_warnings(verbose=True)([padded(2, "242"), padded(3, "209")])
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "warning: units.csv: 2 codes typed as numbers were zero-padded to 5 digits (rows 2–3)"
    assert lines[1:] == ["  units.csv:2: code '242' read as '00242'", "  units.csv:3: code '209' read as '00209'"]


@pytest.fixture
def numeric_codes(tmp_path) -> Path:
    """The tiny units table with its five codes typed as numbers (242 for 00242, ...)."""
    lines = (TINY / "units.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0]] + [ln.replace("20", "", 1) if ln[:2] == "20" else ln for ln in lines[1:]]
    path = tmp_path / "units.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["validate", "solve"])
def test_codes_typed_as_numbers_are_one_warning_line(runner, numeric_codes, tmp_path, command):
    """issue 8: five codes zero-padded give one warning line with the count, not five lines."""
    extra = ["--out", tmp_path / "out", *FAST, "--quiet"] if command == "solve" else []
    result = invoke(runner, command, numeric_codes, *extra)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in warning_lines(result.output) if "242" in ln or "zero-padded" in ln]
    assert len(lines) == 1, result.output
    assert "5 " in lines[0] and "rows 2–6" in lines[0]


def test_verbose_lists_every_padded_code(runner, numeric_codes):
    """issue 8: validate --verbose adds one indented line per row behind the grouped warning."""
    quiet = invoke(runner, "validate", numeric_codes)
    loud = invoke(runner, "validate", numeric_codes, "--verbose")
    assert loud.exit_code == 0, loud.output
    details = [ln for ln in loud.output.splitlines() if ln.startswith("  ")]
    assert len(details) >= 5
    assert len(loud.output.splitlines()) == len(quiet.output.splitlines()) + len(details)


def test_infeasible_solve_keeps_the_earlier_plan(runner, tiny_copy, tmp_path):
    """issue 7: an infeasible solve into a folder holding a plan keeps it and adds the diagnosis (exit 3)."""
    out = tmp_path / "out"
    assert invoke(runner, "solve", tiny_copy / "scenario.toml", "--out", out, *FAST, "--quiet").exit_code == 0
    before = (out / "pairs.csv").read_bytes()
    (tiny_copy / "pairs.csv").write_text(
        "lowland_code,remote_code,status\n20242,20443,locked\n20242,20458,locked\n", encoding="utf-8")
    result = invoke(runner, "solve", tiny_copy / "scenario.toml", "--out", out, *FAST)
    assert result.exit_code == 3, result.output
    assert "infeasible" in result.output
    assert (out / "pairs.csv").read_bytes() == before
    assert {"diagnosis.json", "diagnosis.md", "summary.json", "plan.xlsx"} <= {p.name for p in out.iterdir()}
    assert f"wrote {out / 'diagnosis.md'}" in result.output


def test_a_wall_clock_stop_is_said_on_screen_and_in_summary(runner, tmp_path, monkeypatch):
    """issue 7: when the wall-clock guard cut the solve, the screen and summary.json say so."""
    from dataclasses import replace

    import matcher.jobs

    real = matcher.jobs.solve

    def cut(problem, params=None, progress=None):
        res = real(problem, params, progress)
        return replace(res, params={**res.params, "stopped_by_wall_clock": True})

    monkeypatch.setattr(matcher.jobs, "solve", cut)
    out = tmp_path / "out"
    res = invoke(runner, "solve", TINY / "scenario.toml", "--out", out, "--quiet", *FAST)
    assert res.exit_code == 0, res.output
    assert "deadline stopped the solver" in res.output
    import json

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["solver_params"]["stopped_by_wall_clock"] is True
