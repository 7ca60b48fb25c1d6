"""The run record in summary.json (issue 10: run history; io/history.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from matcher import jobs
from matcher.engine.parts import solve_parts
from matcher.errors import InputError
from matcher.io import history
from matcher.io.resultdir import problem_for_result, read_result_dir
from matcher.io.scenario import load_scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def fast(sc):
    return replace(sc, params=replace(sc.params, time_limit_s=5.0, workers=1))


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))["run"]


@pytest.fixture
def chained(tiny_copy) -> Path:
    """The tiny scenario split in a chain: child.toml extends mid.toml extends scenario.toml."""
    (tiny_copy / "mid.toml").write_text('extends = "scenario.toml"\nmax_distance_km = 170\n', encoding="utf-8")
    sub = tiny_copy / "sub"
    sub.mkdir()
    (sub / "child.toml").write_text('extends = "../mid.toml"\nname = "tiny child"\n', encoding="utf-8")
    return sub / "child.toml"


def test_files_are_hashed_in_chunks_exactly(tmp_path):
    """issue 10: a file over two chunks hashes to the SHA-256 of its bytes, with its size."""
    data = bytes(range(256)) * (history.CHUNK // 256 * 2 + 3) + b"tail"
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    assert history.sha256_file(f) == (hashlib.sha256(data).hexdigest(), len(data))


def test_a_solve_records_every_input_of_an_extends_chain(chained, tmp_path):
    """issue 10: the record hashes the scenario, each base it extends, and the units, pairs, travel tables."""
    out = tmp_path / "out"
    assert jobs.run_solve(fast(load_scenario(chained)), out).status.has_solution
    run = record(out)
    tiny = chained.parents[1]
    expected = [("scenario", chained), ("extends 1", tiny / "mid.toml"), ("extends 2", tiny / "scenario.toml"),
                ("units", tiny / "units.csv"), ("pairs", tiny / "pairs.csv"), ("travel", tiny / "travel.csv")]
    assert [(e["role"], e["path"], e["sha256"], e["bytes"]) for e in run["inputs"]] == [
        (role, str(p.resolve()), sha(p), p.stat().st_size) for role, p in expected]


def test_the_record_holds_versions_time_user_host_and_the_settings_digest(tmp_path):
    """issue 10: versions (matcher, OR-Tools from the metadata, Python), start <= end in UTC, user, host,
    and the digest of the effective settings summary.json holds (not duplicated)."""
    from importlib.metadata import version

    import matcher

    out = tmp_path / "out"
    jobs.run_solve(fast(load_scenario(TINY / "scenario.toml")), out)
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    run = info["run"]
    assert run["matcher_version"] == matcher.__version__ and run["ortools_version"] == version("ortools")
    assert run["ortools_version"] in info["solver"]
    assert run["started"].endswith("+00:00") and run["started"] <= run["finished"]
    assert run["user"] and run["host"]
    assert run["settings"] == {"recorded_in": ["settings", "scenario", "solver_params"],
                               "digest": history.settings_digest(info), "digest_version": 2}
    assert "max_distance_km" not in run  # the settings stay where summary.json has them
    assert run["command"] is None  # a library run has no command line


def test_the_settings_digest_changes_with_a_setting_and_not_with_its_origin():
    """issue 10: the digest covers the values (a new cap changes it), not where they were given."""
    info = {"settings": {"max_distance_km": {"value": 150.0, "origin": "default", "from": "x"}},
            "scenario": {"objectives": ["balance"], "name": "a", "file": "a.toml"}, "solver_params": {"seed": 0}}
    same = json.loads(json.dumps(info))
    same["settings"]["max_distance_km"].update(origin="given", **{"from": "--max-distance"})
    same["scenario"].update(name="b", file="b.toml")
    other = json.loads(json.dumps(info))
    other["settings"]["max_distance_km"]["value"] = 120.0
    assert history.settings_digest(info) == history.settings_digest(same) != history.settings_digest(other)


def test_evaluate_records_the_plan_it_scored(tmp_path):
    """issue 10: matcher evaluate's hand plan is an input of the run, hashed."""
    plan = tmp_path / "plan.csv"
    plan.write_text("lowland_code,remote_code\n20209,20443\n20263,20458\n20242,20443\n", encoding="utf-8")
    jobs.run_evaluate(load_scenario(TINY / "scenario.toml"), plan, tmp_path / "eval")
    entry = record(tmp_path / "eval")["inputs"][-1]
    assert (entry["role"], entry["path"], entry["sha256"]) == ("plan", str(plan.resolve()), sha(plan))


def test_check_marks_inputs_changed_or_missing(tiny_copy, tmp_path):
    """issue 10: re-hashing finds the unchanged inputs, an edited table and a deleted one."""
    out = tmp_path / "out"
    jobs.run_solve(fast(load_scenario(tiny_copy / "scenario.toml")), out)
    run = record(out)
    assert {e["state"] for e in history.check_inputs(run)} == {history.SAME}
    with open(tiny_copy / "units.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    (tiny_copy / "travel.csv").unlink()
    states = {e["role"]: e["state"] for e in history.check_inputs(run)}
    assert states == {"scenario": "same", "units": "changed", "pairs": "same", "travel": "missing"}
    changed = next(e for e in history.check_inputs(run) if e["role"] == "units")
    assert changed["now"] == sha(tiny_copy / "units.csv") != changed["sha256"]


def test_a_user_name_that_cannot_be_found_is_recorded_as_none(monkeypatch, tmp_path):
    """issue 10: getpass.getuser() failing (no passwd entry, no USER) does not stop the run."""
    def no_user():
        raise OSError("no login name")

    monkeypatch.setattr(history.getpass, "getuser", no_user)
    jobs.run_solve(fast(load_scenario(TINY / "scenario.toml")), tmp_path / "out")
    assert record(tmp_path / "out")["user"] is None


def test_re_solving_a_recorded_run_reproduces_it(tiny_copy, tmp_path):
    """issue 10: from the record (inputs unchanged by hash) the folder rebuilds its scenario and settings, and a
    re-solve gives the very same pairs and staff split."""
    out = tmp_path / "out"
    sc = fast(load_scenario(tiny_copy / "scenario.toml"))
    sc = replace(sc, rules=replace(sc.rules, max_distance_km=155.0))  # a setting given apart from the file
    first = jobs.run_solve(sc, out)
    run = record(out)
    assert [e["state"] for e in history.check_inputs(run)] == ["same"] * 4
    problem, params = problem_for_result(out)
    assert problem.rules.max_distance_km == 155.0 and (params.workers, params.seed) == (1, 0)
    again = solve_parts(problem, params)
    key = sorted((p.lowland_code, p.remote_code, tuple(sorted(p.allot.items()))) for p in again.pairs)
    assert key == sorted((p.lowland_code, p.remote_code, tuple(sorted(p.allot.items()))) for p in first.result.pairs)
    view = read_result_dir(out)
    assert sorted(zip(view.pairs["lowland_code"], view.pairs["remote_code"], strict=True)) == [k[:2] for k in key]
    assert view.run["settings"]["digest"] == history.settings_digest(view.summary)


def test_a_run_record_that_is_not_an_object_is_bad_input(tmp_path):
    """issue 10: summary.json's run must be an object; a hand-edited one is reported, never a crash."""
    out = tmp_path / "out"
    jobs.run_solve(fast(load_scenario(TINY / "scenario.toml")), out)
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    info["run"] = "yesterday"
    (out / "summary.json").write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(InputError, match="key 'run': value 'yesterday': must be an object"):
        read_result_dir(out)


def test_result_dirs_finds_a_sweeps_runs_below_a_folder(tmp_path):
    """issue 10: a folder holding result folders (DIR/runs/*/) is searched below; matcher temp entries are not."""
    for name in ("runs/a", "runs/b", "runs/.matcher-tmp-c-1-0000abcd", "other"):
        (tmp_path / "sweep" / name).mkdir(parents=True)
        (tmp_path / "sweep" / name / "summary.json").write_text("{}", encoding="utf-8")
    (tmp_path / "sweep" / "sweep.json").write_text("{}", encoding="utf-8")
    found = history.result_dirs([tmp_path / "sweep", tmp_path / "sweep" / "runs" / "a"])
    assert found == [tmp_path / "sweep" / p for p in ("other", "runs/a", "runs/b")]


def test_a_whatif_records_the_base_runs_inputs_and_its_plan(tmp_path):
    """issue 10: a what-if's record hashes the scenario the base result came from and the base pairs.csv."""
    base = tmp_path / "base"
    jobs.run_solve(fast(load_scenario(TINY / "scenario.toml")), base)
    outcome = jobs.run_whatif(base, forbid=[("20209", "20458")], out=tmp_path / "w", lang="en")
    assert outcome.status == "possible"
    inputs = [(e["role"], e["path"], e["sha256"]) for e in record(tmp_path / "w")["inputs"]]
    assert inputs == [(role, str(p), sha(p)) for role, p in (
        ("scenario", TINY / "scenario.toml"), ("units", TINY / "units.csv"), ("pairs", TINY / "pairs.csv"),
        ("travel", TINY / "travel.csv"), ("base plan", (base / "pairs.csv").resolve()))]


def test_library_write_result_records_the_run_too(tmp_path):
    """issue 10: matcher.write_result (library use) records the scenario's inputs, versions and user as well."""
    from matcher.io.result_tables import write_result
    from matcher.io.scenario import load_problem

    sc = fast(load_scenario(TINY / "scenario.toml"))
    problem, _ = load_problem(sc)
    write_result(tmp_path / "out", problem, solve_parts(problem, sc.params), str(sc.path))
    run = record(tmp_path / "out")
    assert [e["role"] for e in run["inputs"]] == ["scenario", "units", "pairs", "travel"]
    assert run["inputs"][1]["sha256"] == sha(TINY / "units.csv") and run["command"] is None


def test_a_re_solve_from_a_published_plan_records_that_plan(tmp_path):
    """issue 10: solve --from-plan RESULT_DIR hashes the published plan (the folder's pairs.csv) as an input."""
    base = tmp_path / "base"
    sc = fast(load_scenario(TINY / "scenario.toml"))
    jobs.run_solve(sc, base)
    assert jobs.run_solve(replace(sc, from_plan=base), tmp_path / "again").status.has_solution
    entry = record(tmp_path / "again")["inputs"][-1]
    assert (entry["role"], entry["path"], entry["sha256"]) == ("from-plan", str((base / "pairs.csv").resolve()),
                                                               sha(base / "pairs.csv"))


def test_the_digest_tells_a_base_run_and_its_what_ifs_apart(tmp_path):
    """issue 10 review: a base run, a what-if forcing a pair, one forbidding it, one --only and a re-solve from the
    base's plan: five different digests; each what-if records its changes; the recorded digest checks out."""
    base = tmp_path / "base"
    sc = fast(load_scenario(TINY / "scenario.toml"))
    jobs.run_solve(sc, base)
    pair = ("20209", "20458")
    jobs.run_whatif(base, force=[pair], out=tmp_path / "f", lang="en", compare_modes=False)
    jobs.run_whatif(base, forbid=[pair], out=tmp_path / "x", lang="en", compare_modes=False)
    jobs.run_whatif(base, forbid=[pair], out=tmp_path / "o", lang="en", mode="only", compare_modes=False)
    jobs.run_solve(replace(sc, from_plan=base), tmp_path / "fp")
    names = ["base", "f", "x", "o", "fp"]
    rows = {n: history.history_row(tmp_path / n) for n in names}
    assert len({r["settings_digest"] for r in rows.values()}) == 5, {n: r["settings_digest"] for n, r in rows.items()}
    assert all(r["note"] is None for r in rows.values()), [r["note"] for r in rows.values()]
    assert record(tmp_path / "x")["changes"] == {"force": [], "forbid": [list(pair)], "release": [],
                                                 "mode": "reoptimise"}
    assert record(tmp_path / "o")["changes"]["mode"] == "only" and "changes" not in record(base)
    assert record(base)["settings"]["digest_version"] == history.DIGEST_VERSION


def test_the_digest_covers_max_changes_and_the_published_plans_content():
    """issue 10 review: the same settings with another max_changes, or another published plan's SHA-256, differ."""
    info = {"settings": {"max_distance_km": {"value": 150}}, "scenario": {"objectives": ["balance"]},
            "stages": [{"name": "balance"}, {"name": "changes"}],
            "run": {"inputs": [{"role": "from-plan", "sha256": "a" * 64}]}}
    other_plan = {**info, "run": {"inputs": [{"role": "from-plan", "sha256": "b" * 64}]}}
    capped = {**info, "scenario": {"objectives": ["balance"], "max_changes": 2}}
    reordered = {**info, "stages": [{"name": "changes"}, {"name": "balance"}]}
    digests = [history.settings_digest(i) for i in (info, other_plan, capped, reordered)]
    assert len(set(digests)) == 4
    assert history.settings_digest(info, version=1) == history.settings_digest(other_plan, version=1)


def test_a_what_if_of_a_from_plan_run_records_the_published_plan(tmp_path):
    """issue 10 review: the base was a re-solve from a published plan: the what-if hashes that plan as from-plan."""
    first, base = tmp_path / "first", tmp_path / "base"
    sc = fast(load_scenario(TINY / "scenario.toml"))
    jobs.run_solve(sc, first)
    jobs.run_solve(replace(sc, from_plan=first), base)
    jobs.run_whatif(base, forbid=[("20209", "20458")], out=tmp_path / "w", lang="en", compare_modes=False)
    roles = {e["role"]: (e["path"], e["sha256"]) for e in record(tmp_path / "w")["inputs"]}
    assert roles["from-plan"] == (str((first / "pairs.csv").resolve()), sha(first / "pairs.csv"))
    assert roles["base plan"] == (str((base / "pairs.csv").resolve()), sha(base / "pairs.csv"))
