"""Sweeps (issue 10): runs, ids, resume, the local pool and a Dask LocalCluster giving the same plans."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from matcher.errors import InputError
from matcher.io.scenario import load_scenario
from matcher.sweep import MARKER, Axis, complete_row, plan_sweep, run_one, run_sweep, task_of

TINY = Path(__file__).parent / "data" / "tiny" / "scenario.toml"
AXES = (Axis("max_distance_km", "rules.max_distance_km", (110.0, 160.0)),
        Axis("remote_max_partners", "rules.remote_max_partners", (1, 2)))
IDS = ["01_max_distance_km=110_remote_max_partners=1", "02_max_distance_km=110_remote_max_partners=2",
       "03_max_distance_km=160_remote_max_partners=1", "04_max_distance_km=160_remote_max_partners=2"]
TIMES = ("solve_seconds", "run_seconds")


def _sweep(axes=AXES, lang="vi"):
    return plan_sweep(load_scenario(TINY), axes, lang)


def _kpis(rows):
    return [{k: v for k, v in r.items() if k not in TIMES} for r in rows]


def _pairs(out: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text(encoding="utf-8") for p in sorted((out / "runs").glob("*/pairs.csv"))}


def _counted(calls: list):
    return lambda row: calls.append(row["run_id"])


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> tuple[Path, object]:
    """The 2 x 2 sweep of the tiny scenario in a local pool of 2 spawn processes."""
    out = tmp_path_factory.mktemp("sweep") / "local"
    return out, run_sweep(_sweep(), out, procs=2)


def test_runs_are_the_product_in_order_with_stable_ids():
    """issue 10: runs are the cartesian product (first axis slowest), numbered, ids readable and stable."""
    sweep = _sweep()
    assert [r.run_id for r in sweep.runs] == IDS
    assert [r.settings for r in sweep.runs] == [{"max_distance_km": a, "remote_max_partners": b}
                                                for a in (110.0, 160.0) for b in (1, 2)]
    assert [r.run_id for r in _sweep().runs] == IDS  # the same definition, the same ids and keys
    assert [r.key for r in _sweep().runs] == [r.key for r in sweep.runs]
    assert sweep.scenario.params.workers == 1


def test_run_ids_are_safe_file_names():
    """issue 10: a value with characters Windows refuses in a name gives a safe id; 12 runs pad to 2 digits."""
    sweep = _sweep((Axis("pair_within", "rules.pair_within", ('a/b:c*"d',)),))
    assert sweep.runs[0].run_id == "01_pair_within=a-b-c--d"
    many = _sweep((Axis("seed", "params.seed", tuple(range(12))),))
    assert [r.run_id for r in many.runs][9:] == ["10_seed=9", "11_seed=10", "12_seed=11"]


def test_a_combination_the_scenario_refuses_stops_before_any_solve():
    """issue 10: remote_min_partners=4 over the file's remote_max = 3 -> InputError naming the run."""
    with pytest.raises(InputError) as e:
        _sweep((Axis("remote_min_partners", "rules.remote_min_partners", (1, 4)),))
    assert [str(i) for i in e.value.issues] == [
        "--set: value 'remote_min_partners=4': run 02_remote_min_partners=4: remote_max_partners = 3 "
        "must be >= remote_min_partners (4)"]


def test_a_task_is_plain_picklable_data():
    """issue 10: the task a worker gets pickles and comes back equal."""
    sweep = _sweep()
    task = task_of(sweep, sweep.runs[1], Path("/tmp/x"))
    assert pickle.loads(pickle.dumps(task)) == task
    assert task["settings"] == {"rules.max_distance_km": 110.0, "rules.remote_max_partners": 2}


def test_local_sweep_writes_a_row_and_a_folder_per_run(local):
    """issue 10: 4 runs -> 4 rows in run order; infeasible runs are rows with their diagnosis."""
    out, outcome = local
    assert [r["run_id"] for r in outcome.rows] == IDS
    assert [r["status"] for r in outcome.rows] == ["infeasible", "optimal", "infeasible", "optimal"]
    assert outcome.skipped == [] and outcome.failed == [] and outcome.plot
    for run_id, row in zip(IDS, outcome.rows, strict=True):
        folder = out / "runs" / run_id
        assert row["folder"] == f"runs/{run_id}"
        assert (folder / MARKER).is_file()
        assert (folder / "summary.json").is_file() == (row["status"] == "optimal")
        assert (folder / "diagnosis.json").is_file() == (row["status"] == "infeasible")
    plan = outcome.rows[1]
    summary = json.loads((out / "runs" / IDS[1] / "summary.json").read_text(encoding="utf-8"))
    assert (plan["min_coverage"], plan["total_shortfall"], plan["n_pairs"]) == (
        round(summary["min_coverage"], 4), summary["total_shortfall"], summary["n_pairs"])
    assert summary["settings"]["max_distance_km"] == {"value": 110.0, "origin": "given",
                                                      "from": "--set max_distance_km"}
    assert summary["solver_params"]["workers"] == 1
    assert [p.name for p in sorted(out.iterdir())] == ["runs", "runs.csv", "runs.csvt", "runs.xlsx", "sweep.json",
                                                       "tradeoff.pdf", "tradeoff.png"]


def test_runs_csv_reads_back_with_ids_as_text(local):
    """issue 10: runs.csv has one row per run, its .csvt types the ids as text, runs.xlsx types them as text."""
    out, _ = local
    frame = pd.read_csv(out / "runs.csv", dtype=str, encoding="utf-8-sig")
    assert frame["run_id"].tolist() == IDS
    assert frame["status"].tolist() == ["infeasible", "optimal", "infeasible", "optimal"]
    assert frame["max_distance_km"].tolist() == ["110", "110", "160", "160"]
    types = (out / "runs.csvt").read_text(encoding="utf-8").strip().split(",")
    assert dict(zip(frame.columns, types, strict=True))["run_id"] == '"String"'
    assert dict(zip(frame.columns, types, strict=True))["n_pairs"] == '"Integer"'
    from openpyxl import load_workbook

    ws = load_workbook(out / "runs.xlsx").active
    head = [c.value for c in ws[1]]
    assert ws.title == "Các lần chạy" and head[:3] == ["Mã lần chạy", "Giới hạn khoảng cách (km)",
                                                       "Số đối tác tối đa của xã vùng sâu, vùng xa"]
    assert [ws.cell(i, 1).value for i in range(2, 6)] == IDS
    assert {ws.cell(i, 1).data_type for i in range(2, 6)} == {"s"}
    assert ws.cell(2, head.index("Trạng thái lời giải") + 1).value == "không khả thi"


def test_dask_local_cluster_gives_the_same_plans(local, tmp_path):
    """issue 10: the same sweep through a dask LocalCluster (2 worker processes) -> equal KPIs and equal pairs."""
    distributed = pytest.importorskip("distributed")
    out, outcome = local
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = run_sweep(_sweep(), tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert _kpis(remote.rows) == _kpis(outcome.rows)
    assert [r["run_id"] for r in remote.rows] == IDS
    assert _pairs(tmp_path / "dask") == _pairs(out) and len(_pairs(out)) == 2


def test_a_rerun_redoes_only_the_missing_and_incomplete_runs(tmp_path):
    """issue 10: resume: one folder deleted, one without its summary -> only those two are redone."""
    out = tmp_path / "sw"
    first: list = []
    run_sweep(_sweep(), out, procs=1, on_run=_counted(first))
    assert first == IDS
    mtimes = {r: (out / "runs" / r / MARKER).stat().st_mtime_ns for r in IDS}
    shutil.rmtree(out / "runs" / IDS[0])
    (out / "runs" / IDS[3] / "summary.json").unlink()
    again: list = []
    outcome = run_sweep(_sweep(), out, procs=1, on_run=_counted(again))
    assert sorted(again) == [IDS[0], IDS[3]]
    assert outcome.skipped == [IDS[1], IDS[2]]
    assert {r: (out / "runs" / r / MARKER).stat().st_mtime_ns for r in IDS[1:3]} == {r: mtimes[r] for r in IDS[1:3]}
    assert (out / "runs" / IDS[3] / "summary.json").is_file()
    assert len(pd.read_csv(out / "runs.csv", dtype=str)) == 4
    nothing: list = []
    assert run_sweep(_sweep(), out, procs=1, on_run=_counted(nothing)).skipped == IDS and nothing == []


def test_an_interrupted_sweep_leaves_a_true_partial_table_and_resumes(tmp_path):
    """issue 10: stopped after its first run, runs.csv lists that run alone; the rerun does the other three."""
    out = tmp_path / "sw"

    def stop(row):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(_sweep(), out, procs=1, on_run=stop)
    assert pd.read_csv(out / "runs.csv", dtype=str)["run_id"].tolist() == IDS[:1]
    assert not (out / "tradeoff.png").exists()
    calls: list = []
    outcome = run_sweep(_sweep(), out, procs=1, on_run=_counted(calls))
    assert calls == IDS[1:] and outcome.skipped == IDS[:1]
    assert pd.read_csv(out / "runs.csv", dtype=str)["run_id"].tolist() == IDS


def test_another_sweep_on_the_folder_is_refused_unless_forced(tmp_path):
    """issue 10: a different definition on a folder holding a sweep -> InputError; --force keeps equal runs."""
    out = tmp_path / "sw"
    run_sweep(_sweep(), out, procs=1)
    other = (AXES[0], Axis("remote_max_partners", "rules.remote_max_partners", (1, 3)))
    with pytest.raises(InputError) as e:
        run_sweep(_sweep(other), out, procs=1)
    assert "holds another sweep (differs in: axes)" in str(e.value.issues[0])
    calls: list = []
    outcome = run_sweep(_sweep(other), out, force=True, procs=1, on_run=_counted(calls))
    # runs 01 and 03 (remote_max_partners=1) have the same ids and keys: kept; 02 and 04 are new ids
    assert outcome.skipped == [IDS[0], IDS[2]]
    assert calls == ["02_max_distance_km=110_remote_max_partners=3", "04_max_distance_km=160_remote_max_partners=3"]
    assert sorted(p.name for p in outcome.stale) == [IDS[1], IDS[3]]
    assert len(pd.read_csv(out / "runs.csv", dtype=str)) == 4


def test_a_stale_marker_of_another_key_is_not_complete(tmp_path):
    """issue 10: a run folder is complete only for its own key (and with its summary or diagnosis)."""
    sweep = _sweep()
    run = sweep.runs[1]
    row = run_one(task_of(sweep, run, tmp_path))
    folder = tmp_path / run.folder
    assert complete_row(folder, run.key) == row
    assert complete_row(folder, {**run.key, "base": "0" * 16}) is None
    assert complete_row(folder, sweep.runs[0].key) is None


def test_english_tables_use_the_machine_names(tmp_path):
    """issue 10: --lang en: runs.xlsx headers are the machine names and status words the solver's."""
    from openpyxl import load_workbook

    sweep = _sweep((AXES[1],), lang="en")
    run_sweep(sweep, tmp_path / "en", procs=1)
    ws = load_workbook(tmp_path / "en" / "runs.xlsx").active
    assert ws.title == "runs"
    assert [c.value for c in ws[1]][:4] == ["run_id", "remote_max_partners", "status", "stage_balance"]
    assert [ws.cell(i, 3).value for i in (2, 3)] == ["infeasible", "optimal"]


# ---- Ctrl-C (review of issue 10) -------------------------------------------------------------


def _ctrl_c_then_solve(task):
    """A run that gets a Ctrl-C before its solve (a worker process of the pool, or this one)."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGINT)
    return run_one(task)


def _interrupt_the_sweep(task):
    """Run 1: a Ctrl-C to its own worker, then solve. Run 2: once the sweep lists run 1, a Ctrl-C to the
    main process; runs 2-4 wait to be killed (run 2's pid in the out folder)."""
    import os
    import signal
    import time

    out = Path(task["folder"]).parents[1]
    if task["number"] == 1:
        return _ctrl_c_then_solve(task)
    if task["number"] == 2:
        (out / "pid2").write_text(str(os.getpid()), encoding="utf-8")
        while "_remote_max_partners=1" not in (out / "runs.csv").read_text(encoding="utf-8-sig"):
            time.sleep(0.05)
        os.kill(os.getppid(), signal.SIGINT)
    time.sleep(120)  # runs 2-4 never end on their own
    return run_one(task)


def test_ctrl_c_in_process_lets_the_run_finish_marks_it_and_stops(tmp_path, monkeypatch):
    """issue 10 review: a Ctrl-C during an in-process run: that run ends undisturbed (same row as an
    undisturbed run), is marked, the sweep stops after it with a one-row table; the rerun does the other 3."""
    import matcher.sweep as sw
    from matcher.sweep import SweepInterrupted

    out = tmp_path / "sw"
    monkeypatch.setattr(sw, "run_one", _ctrl_c_then_solve)
    with pytest.raises(SweepInterrupted) as e:
        run_sweep(_sweep(), out, procs=1)
    assert (e.value.done, e.value.total, e.value.after) == (1, 4, 1)
    assert str(e.value) == "interrupted: 1 of 4 runs done; rerun the same command to resume"
    assert pd.read_csv(out / "runs.csv", dtype=str)["run_id"].tolist() == IDS[:1]
    assert [p.name for p in (out / "runs").iterdir()] == IDS[:1]
    row = complete_row(out / "runs" / IDS[0], _sweep().runs[0].key)
    undisturbed = run_one(task_of(_sweep(), _sweep().runs[0], tmp_path / "alone"))
    assert _kpis([row]) == _kpis([undisturbed])
    monkeypatch.undo()
    calls: list = []
    outcome = run_sweep(_sweep(), out, procs=1, on_run=_counted(calls))
    assert calls == IDS[1:] and outcome.skipped == IDS[:1]


def test_ctrl_c_in_a_pool_kills_the_runs_in_flight_and_marks_only_finished_runs(tmp_path, monkeypatch):
    """issue 10 review: 2 workers; a worker's own Ctrl-C is ignored (its run ends optimal or infeasible as
    undisturbed), the main process's Ctrl-C kills the run in flight (no folder, no marker), cancels the
    rest: the table lists exactly the finished run; the rerun redoes runs 2-4 and keeps run 1."""
    import os

    import matcher.sweep as sw
    from matcher.sweep import SweepInterrupted

    out = tmp_path / "sw"
    monkeypatch.setattr(sw, "run_one", _interrupt_the_sweep)
    with pytest.raises(SweepInterrupted) as e:
        run_sweep(_sweep(), out, procs=2)
    assert (e.value.done, e.value.total, e.value.after) == (1, 4, None)
    assert pd.read_csv(out / "runs.csv", dtype=str)["run_id"].tolist() == IDS[:1]
    assert sorted(p.name for p in (out / "runs").iterdir()) == IDS[:1]  # run 2 killed before writing a file
    with pytest.raises(ProcessLookupError):
        os.kill(int((out / "pid2").read_text(encoding="utf-8")), 0)
    first = complete_row(out / "runs" / IDS[0], _sweep().runs[0].key)
    assert first is not None and first["status"] == "infeasible"
    monkeypatch.undo()
    calls: list = []
    outcome = run_sweep(_sweep(), out, procs=1, on_run=_counted(calls))
    assert calls == IDS[1:] and outcome.skipped == IDS[:1]
    assert [r["status"] for r in outcome.rows] == ["infeasible", "optimal", "infeasible", "optimal"]


# ---- the table and the plot (review of issue 10) -----------------------------------------------


def _row(run_id, cap, status="optimal", cov=0.5, km=100.0, **extra):
    return {"run_id": run_id, "max_distance_km": cap, "status": status, "min_coverage": cov,
            "total_distance_km": km, "n_pairs": 3, **extra}


def test_none_keeps_a_number_column_numeric(tmp_path):
    """issue 10 review: max_distance_km=120,none -> an integer column (120, blank) and max_distance_km_none."""
    from matcher.io.cells import write_csv
    from matcher.render.sweep import runs_frame

    frame = runs_frame([_row("01", 120.0), _row("02", None)], ["max_distance_km"])
    assert str(frame["max_distance_km"].dtype) == "Int64"
    assert frame["max_distance_km"].tolist()[0] == 120 and pd.isna(frame["max_distance_km"].tolist()[1])
    assert frame["max_distance_km_none"].tolist() == [False, True]
    csv, csvt = write_csv(tmp_path / "runs.csv", frame)
    types = dict(zip(frame.columns, Path(csvt).read_text(encoding="utf-8").strip().split(","), strict=True))
    assert types["max_distance_km"] == '"Integer"'
    assert pd.read_csv(csv, encoding="utf-8-sig")["max_distance_km"].tolist()[0] == 120


def test_stage_columns_follow_the_solved_order_and_changes_is_a_column():
    """issue 10 review: stages as the runs solved them (balance, changes, shortfall, distance), a changes column."""
    from matcher.render.sweep import runs_frame

    stages = {"stage_balance": "optimal", "stage_changes": "optimal", "stage_shortfall": "optimal",
              "stage_distance": "feasible"}
    frame = runs_frame([_row("01", 120.0, changes=2, **stages), _row("02", 150.0, changes=0, **stages)],
                       ["max_distance_km"])
    assert [c for c in frame.columns if c.startswith("stage_")] == list(stages)
    assert frame["changes"].tolist() == [2, 0] and str(frame["changes"].dtype) == "Int64"
    assert "changes" not in runs_frame([_row("01", 120.0)], ["max_distance_km"]).columns
    assert "changes" in runs_frame([_row("01", 120.0, max_changes=1)], ["max_changes"]).columns


def test_tradeoff_plot_tells_equal_series_apart_and_hollows_unproven_plans():
    """issue 10 review: two series with the same points: the second dotted, shifted, 'same as' in the legend;
    a feasible run's markers are hollow, with a legend entry."""
    from matcher.render.sweep import tradeoff_figure

    rows = [{**_row(f"{i}{j}", cap, status="feasible" if (i, cap) == (1, 150.0) else "optimal"),
             "remote_max_partners": i} for i in (1, 2) for j, cap in enumerate((120.0, 150.0))]
    fig = tradeoff_figure(rows, ["max_distance_km", "remote_max_partners"], lang="en")
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[1] == "Max partners of a remote unit = 2 (same as Max partners of a remote unit = 1)"
    assert "not proven optimal (feasible)" in texts
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_linestyle() in ("-", ":")]
    assert [ln.get_linestyle() for ln in lines] == ["-", ":"]
    assert list(lines[1].get_xdata()) != list(lines[0].get_xdata())  # shifted, not on top
    hollow = [ln for ln in ax.get_lines() if ln.get_gid() == "unproven"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [150.0] and hollow[0].get_markerfacecolor() == "white"
    assert texts.count("not proven optimal (feasible)") == 1
