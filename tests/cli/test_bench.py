"""issue 8: `matcher bench gap` prints per-problem wall and CPU seconds of build + solve."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from matcher.cli import app

# Optimum 4 (by hand): job 1 and job 3 to agent 2 (load 3 of 3), job 2 to agent 1.
ONE = "2 3\n 4 1 3\n 2 5 1\n 2 2 1\n 1 2 2\n 3 3\n"


def test_table_and_json_carry_cpu_seconds(tmp_path):
    """issue 8: the table has seconds and cpu columns; --json has seconds and cpu_seconds."""
    f = tmp_path / "a0203"
    f.write_text(ONE)
    runner = CliRunner()
    res = runner.invoke(app, ["bench", "gap", str(f)])
    assert res.exit_code == 0, res.output
    head, row = res.output.strip().splitlines()[-2:]
    assert head.split()[-2:] == ["seconds", "cpu"] and row.split()[:6] == ["a0203", "min", "2", "3", "optimal", "4.0"]
    res = runner.invoke(app, ["bench", "gap", str(f), "--json"])
    got = json.loads(res.output.strip().splitlines()[-1])
    assert got["objective"] == 4.0 and got["cpu_seconds"] >= 0 and got["seconds"] >= 0
