"""matcher.jobs: the flows behind the commands, called as a library (no typer)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from matcher import jobs
from matcher.errors import InputError
from matcher.io.scenario import load_scenario
from matcher.result import Status

TINY = Path(__file__).resolve().parent / "data" / "tiny"
PLAN = {"pairs.csv", "remote_summary.csv", "lowland_summary.csv", "units.csv", "summary.json", "plan.xlsx",
        "pairs.csvt", "remote_summary.csvt", "lowland_summary.csvt", "units.csvt",
        "plan.gpkg", "pairs.geojson"}  # issue 10: the plan for QGIS
DIAGNOSIS = {"diagnosis.json", "diagnosis.md"}


def fast(sc):
    return replace(sc, params=replace(sc.params, time_limit_s=5.0, workers=1))


def make_infeasible(folder: Path) -> None:
    """Lock Hải Châu to both remote units while a lowland unit may have one partner."""
    (folder / "pairs.csv").write_text(
        "lowland_code,remote_code,status\n20242,20443,locked\n20242,20458,locked\n", encoding="utf-8")


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_run_solve_writes_the_plan_and_reports_progress_and_nothing_else(tmp_path):
    """run_solve returns the result and the files; progress lines go to the callback."""
    lines: list[str] = []
    outcome = jobs.run_solve(fast(load_scenario(TINY / "scenario.toml")), tmp_path / "out", progress=lines.append)
    assert outcome.status.has_solution and outcome.diagnosis is None
    assert {p.name for p in outcome.written} == PLAN == names(tmp_path / "out")
    assert lines[0].startswith("tiny: 3 lowland, 2 remote, 1 locked pairs; time limit 5 s")


def test_infeasible_run_keeps_the_earlier_plan_and_a_new_plan_drops_the_diagnosis(tiny_copy, tmp_path):
    """issue 7: an infeasible run used to delete the previous good plan; the diagnosis now goes beside it."""
    out = tmp_path / "out"
    good = jobs.run_solve(fast(load_scenario(tiny_copy / "scenario.toml")), out)
    assert good.status.has_solution
    before = (out / "pairs.csv").read_bytes()
    make_infeasible(tiny_copy)
    bad = jobs.run_solve(fast(load_scenario(tiny_copy / "scenario.toml")), out, lang="en")
    assert bad.status is Status.INFEASIBLE and bad.diagnosis is not None
    assert {p.name for p in bad.written} == DIAGNOSIS
    assert names(out) == PLAN | DIAGNOSIS
    assert (out / "pairs.csv").read_bytes() == before
    assert json.loads((out / "diagnosis.json").read_text(encoding="utf-8"))["conflict"]
    assert (out / "diagnosis.md").read_text(encoding="utf-8").rstrip("\n") == bad.diagnosis_text.rstrip("\n")
    (tiny_copy / "pairs.csv").write_text((TINY / "pairs.csv").read_text(encoding="utf-8"), encoding="utf-8")
    again = jobs.run_solve(fast(load_scenario(tiny_copy / "scenario.toml")), out)
    assert again.status.has_solution
    assert names(out) == PLAN  # the stale diagnosis went with the new plan's publish


def test_no_plan_in_time_writes_nothing(tmp_path, monkeypatch):
    """A solve with no plan (time limit) publishes nothing and says so in its status."""
    from matcher.result import Result, StageResult

    def no_plan(problem, params=None, progress=None):
        return Result(Status.UNKNOWN, (StageResult("balance", Status.UNKNOWN, None, None, 0.01, "ratio"),), (),
                      0.01, "stub")

    monkeypatch.setattr(jobs, "solve", no_plan)
    outcome = jobs.run_solve(load_scenario(TINY / "scenario.toml"), tmp_path / "out")
    assert outcome.status is Status.UNKNOWN and outcome.written == []
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_run_solve_checks_out_before_loading(tmp_path, monkeypatch):
    """issue 7: --out under a file is refused before any table is read or anything solved."""
    monkeypatch.setattr(jobs, "load_problem", lambda *_: pytest.fail("tables were read"))
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as e:
        jobs.run_solve(load_scenario(TINY / "scenario.toml"), tmp_path / "f" / "sub")
    assert str(e.value.issues[0]).startswith("--out: value")


def test_warn_gets_the_warnings_grouped(tmp_path):
    """The warn callback receives MatcherWarning objects, one per kind (plain strings become notes)."""
    units = tmp_path / "units.csv"
    units.write_text((TINY / "units.csv").read_text(encoding="utf-8")
                     + "20333,Hoàng Sa,remote,16.568,112.135,,,1,1\n", encoding="utf-8")
    got: list = []
    outcome = jobs.check_scenario(load_scenario(units), warn=got.extend)
    assert outcome.allowed_pairs > 0
    assert got and all(hasattr(w, "kind") for w in got)
    assert any("20333" in d for w in got for d in w.details)


def test_run_evaluate_scores_a_plan(tmp_path):
    """run_evaluate writes the plan's files and lists the rules it breaks."""
    plan = tmp_path / "plan.csv"
    plan.write_text("lowland_code,remote_code\n20209,20443\n20263,20443\n", encoding="utf-8")
    outcome = jobs.run_evaluate(load_scenario(TINY / "scenario.toml"), plan, tmp_path / "eval")
    assert any("forbidden pair" in b for b in outcome.broken)
    assert names(tmp_path / "eval") >= PLAN


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "out"
    assert jobs.run_solve(fast(load_scenario(TINY / "scenario.toml")), out).status.has_solution
    return out


def test_run_whatif_publishes_the_report_and_the_new_plan_together(tiny_result, tmp_path):
    """issue 7: the what-if file set (whatif.md, whatif.json, the new plan) is one publish."""
    out = tmp_path / "w"
    outcome = jobs.run_whatif(tiny_result, forbid=[("20209", "20458")], out=out, lang="en")
    assert outcome.status in ("possible", "impossible")
    written = {p.name for p in outcome.written}
    assert {"whatif.md", "whatif.json"} <= written
    if outcome.status == "possible":
        assert written >= PLAN
    assert written == names(out)
    assert outcome.text.startswith("# ")


def test_run_whatif_never_overwrites_the_result_it_questions(tiny_result):
    """--out on the result folder itself is refused (its plan files are protected)."""
    before = (tiny_result / "pairs.csv").read_bytes()
    with pytest.raises(InputError):
        jobs.run_whatif(tiny_result, forbid=[("20209", "20458")], out=tiny_result)
    assert (tiny_result / "pairs.csv").read_bytes() == before


def test_run_diagnose_writes_both_files(tiny_copy, tmp_path):
    """run_diagnose returns the markdown and publishes diagnosis.json and diagnosis.md."""
    make_infeasible(tiny_copy)
    outcome = jobs.run_diagnose(fast(load_scenario(tiny_copy / "scenario.toml")), tmp_path / "d", lang="en")
    assert outcome.text and {p.name for p in outcome.written} == DIAGNOSIS


def test_draw_map_file_html(tiny_result, tmp_path):
    """draw_map_file writes one HTML file through the publisher and returns its path."""
    target = tmp_path / "maps" / "plan.html"
    assert jobs.draw_map_file(tiny_result, target, lang="en") == target
    assert target.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert [p.name for p in target.parent.iterdir()] == ["plan.html"]  # no temp file left


@pytest.mark.parametrize(("fn", "name"), [(jobs.draw_map_file, "map.txt"), (jobs.write_pack_file, "pack.png")])
def test_drawing_refuses_a_wrong_suffix_before_reading(tmp_path, fn, name):
    """A map or pack file with the wrong suffix is bad input naming --out (the folder is not read)."""
    with pytest.raises(InputError) as e:
        fn(tmp_path / "missing", tmp_path / name)
    assert str(e.value.issues[0]).startswith("--out: value")
