"""``matcher sweep`` (issue 10): bad --set items exit 2 before any solve; a 2 x 2 sweep writes 4 rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import invoke

TINY = Path(__file__).parents[1] / "data" / "tiny" / "scenario.toml"
VALID = ("valid keys: ", "max_distance_km", "remote_max_partners", "objectives", "tolerances.balance", "time_limit_s",
         "seed")


def _sweep(runner, out, *args):
    return invoke(runner, "sweep", TINY, *args, "--out", out)


@pytest.mark.parametrize(("args", "lines"), [
    (["--set", "foo=1,2"], ["--set: value 'foo=1,2': unknown setting 'foo'; valid keys: "]),
    (["--set", "max_distance_km=abc,-5"],
     ["--set: setting 'max_distance_km': value 'abc': expected a number or none",
      "--set: setting 'max_distance_km': value '-5': must be a finite number >= 0"]),
    (["--set", "remote_max_partners=2.5"],
     ["--set: setting 'remote_max_partners': value '2.5': expected a whole number"]),
    (["--set", "max_distance_km"], ["--set: value 'max_distance_km': expected NAME=V1,V2,...; valid keys: "]),
    (["--set", "seed=1,1"], ["--set: setting 'seed': value '1': is listed twice"]),
    (["--set", "objectives=balance+nope"],
     ["--set: setting 'objectives': value 'balance,nope': must be distinct names"]),
    (["--set", "tolerances.balance=1.5"],
     ["--set: setting 'tolerances.balance': value '1.5': must be a number in [0, 1)"]),
    (["--set", "seed=1", "--set", "seed=2"], ["--set: setting 'seed': value 'seed=2': is given twice"]),
    (["--set", "workers=1,2"], ["--set: value 'workers=1,2': a sweep keeps one CP-SAT worker per solve"]),
    (["--set", "max_distance_km=100", "--max-distance-km", "90"],
     ["--set: setting 'max_distance_km': is also given as --max-distance-km; give it in one place"]),
    (["--set", "remote_min_partners=1,4"], ["--set: value 'remote_min_partners=4': run 02_remote_min_partners=4: "
                                            "remote_max_partners = 3 must be >= remote_min_partners (4)"]),
    (["--set", "seed=1", "--workers-procs", "0"], ["--workers-procs: value '0': must be a whole number >= 1"]),
    ([], ["--set: give at least one NAME=V1,V2,...; valid keys: "]),
])
def test_bad_set_items_exit_2_before_any_solve(runner, tmp_path, args, lines):
    """issue 10: every bad --set item exits 2 naming the item (and the valid keys), nothing written."""
    out = tmp_path / "sw"
    res = _sweep(runner, out, *args)
    assert res.exit_code == 2, res.output
    got = res.stderr.splitlines()
    for want in lines:
        assert any(g.startswith(want) for g in got), (want, got)
    if "valid keys" in lines[0]:
        line = next(g for g in got if "valid keys" in g)
        assert all(k in line for k in VALID) and "workers" not in line.split("valid keys: ")[1].split(", ")
    assert got[-1].endswith("nothing was written.")
    assert not out.exists()


def test_a_2x2_sweep_writes_4_rows_and_resumes(runner, tmp_path):
    """issue 10: 2 x 2 on the tiny scenario (in this process) -> 4 rows, ids as text; the rerun keeps all 4."""
    out = tmp_path / "sw"
    res = _sweep(runner, out, "--set", "max_distance_km=110,160", "--set", "remote_max_partners=1,2",
                 "--workers-procs", "1", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == "4 runs: 2 infeasible, 2 optimal"
    assert "01_max_distance_km=110_remote_max_partners=1: infeasible" in res.stderr
    frame = pd.read_csv(out / "runs.csv", dtype=str, encoding="utf-8-sig")
    assert frame["run_id"].tolist() == [f"0{i}_max_distance_km={a}_remote_max_partners={b}"
                                        for i, (a, b) in enumerate([(110, 1), (110, 2), (160, 1), (160, 2)], 1)]
    assert frame["status"].tolist() == ["infeasible", "optimal", "infeasible", "optimal"]
    assert (out / "tradeoff.png").stat().st_size > 10_000 and (out / "tradeoff.pdf").is_file()
    again = _sweep(runner, out, "--set", "max_distance_km=110,160", "--set", "remote_max_partners=1,2",
                   "--workers-procs", "1", "--lang", "en", "-q")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "4 runs: 2 infeasible, 2 optimal (4 already done, kept)"
    other = _sweep(runner, out, "--set", "max_distance_km=110,150", "--workers-procs", "1", "--lang", "en", "-q")
    assert other.exit_code == 2
    assert f"--out: value '{out}': holds another sweep (differs in: axes)" in other.stderr


def test_the_time_limit_and_other_options_set_every_run(runner, tmp_path):
    """issue 10: --time-limit and a rule option apply to every run of the sweep (recorded per run)."""
    import json

    out = tmp_path / "sw"
    res = _sweep(runner, out, "--set", "seed=0,1", "--time-limit", "3", "--remote-max-partners", "2",
                 "--workers-procs", "1", "-q")
    assert res.exit_code == 0, res.output
    for folder in sorted((out / "runs").iterdir()):
        settings = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["settings"]
        assert settings["time_limit_s"]["value"] == 3.0 and settings["remote_partners"]["value"] == [1, 2]
    seeds = pd.read_csv(out / "runs.csv", dtype=str, encoding="utf-8-sig")["seed"].tolist()
    assert seeds == ["0", "1"]


def test_ctrl_c_exits_130_with_one_line_and_the_rerun_resumes(runner, tmp_path, monkeypatch):
    """issue 10 review: Ctrl-C during run 1 (in this process): exit 130, 'stopping after run 1 (Ctrl-C)' and
    'interrupted: 1 of 2 runs done; ...', no traceback, runs.csv lists run 1; the rerun does run 2 only."""
    import os
    import signal

    import matcher.sweep as sw

    real = sw.run_one

    def ctrl_c(task):
        os.kill(os.getpid(), signal.SIGINT)
        return real(task)

    out = tmp_path / "sw"
    monkeypatch.setattr(sw, "run_one", ctrl_c)
    res = _sweep(runner, out, "--set", "seed=0,1", "--workers-procs", "1", "-q")
    assert res.exit_code == 130, res.output
    assert res.stderr.splitlines()[-2:] == ["stopping after run 1 (Ctrl-C)",
                                            "interrupted: 1 of 2 runs done; rerun the same command to resume"]
    assert "Traceback" not in res.output
    assert pd.read_csv(out / "runs.csv", dtype=str, encoding="utf-8-sig")["run_id"].tolist() == ["01_seed=0"]
    monkeypatch.setattr(sw, "run_one", real)
    again = _sweep(runner, out, "--set", "seed=0,1", "--workers-procs", "1", "-q")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "2 runs: 2 optimal (1 already done, kept)"


def test_max_changes_or_a_changes_stage_without_a_published_plan_exit_2(runner, tmp_path):
    """issue 10 review: --set max_changes=0,1 or objectives=...+changes with no published plan: exit 2 before any
    solve, one line per run, nothing written."""
    out = tmp_path / "sw"
    res = _sweep(runner, out, "--set", "max_changes=0,1")
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines() == [
        "--set: setting 'max_changes': value '0': needs a published plan to count changes against (from_plan, "
        "--from-plan) (run 01_max_changes=0)",
        "--set: setting 'max_changes': value '1': needs a published plan to count changes against (from_plan, "
        "--from-plan) (run 02_max_changes=1)", "2 problem(s) found; nothing was written."]
    res = _sweep(runner, out, "--set", "objectives=balance,balance+changes")
    assert res.exit_code == 2 and "the 'changes' stage needs a published plan" in res.stderr
    assert "(run 02_objectives=balance+changes)" in res.stderr and "01_" not in res.stderr
    assert not out.exists()


def test_a_sweep_from_a_published_plan_counts_changes(runner, tmp_path):
    """issue 10 review: --from-plan is a base option; max_changes swept -> runs.csv's changes column (0 under the
    same rules); a 'none' cap stays a number column (blank + max_distance_km_none)."""
    base = tmp_path / "base"
    assert invoke(runner, "solve", TINY, "--out", base, "-q").exit_code == 0
    out = tmp_path / "sw"
    res = _sweep(runner, out, "--from-plan", base, "--set", "max_changes=0,1", "--set", "max_distance_km=none",
                 "--workers-procs", "1", "-q")
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out / "runs.csv", encoding="utf-8-sig")
    assert frame["changes"].tolist() == [0, 0]
    assert frame["max_changes"].tolist() == [0, 1] and frame["max_distance_km"].isna().all()
    assert frame["max_distance_km_none"].tolist() == [True, True]
    assert [c for c in frame.columns if c.startswith("stage_")] == ["stage_balance", "stage_changes",
                                                                    "stage_shortfall", "stage_distance"]
    from openpyxl import load_workbook

    head = [c.value for c in load_workbook(out / "runs.xlsx").active[1]]
    assert "Số thay đổi so với phương án đã công bố" in head and "Giai đoạn ít thay đổi nhất" in head


def test_ctrl_c_leaves_the_callers_sigint_handler_alone(runner, tmp_path, monkeypatch):
    """issue 10 review: the app called in-process (a test, a notebook) and stopped by Ctrl-C keeps Python's handler."""
    import os
    import signal

    import matcher.sweep as sw

    real = sw.run_one
    monkeypatch.setattr(sw, "run_one", lambda task: (os.kill(os.getpid(), signal.SIGINT), real(task))[1])
    assert _sweep(runner, tmp_path / "sw", "--set", "seed=0,1", "--workers-procs", "1", "-q").exit_code == 130
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
