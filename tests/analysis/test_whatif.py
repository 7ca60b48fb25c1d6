"""What if we force or forbid pairs: the cost per stage, the pairs that move, and why a
change is impossible; and rebuilding the problem behind a result folder."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import TINY
from helpers import problem, unit
from typer.testing import CliRunner

from matcher import SolveParams, Status
from matcher.analysis.whatif import stage_figures, what_if
from matcher.cli import app
from matcher.engine.stages import solve
from matcher.errors import InputError
from matcher.io.resultdir import problem_for_result, read_result_dir
from matcher.io.scenario import load_problem, load_scenario
from matcher.kpis import kpis
from matcher.render.text import whatif_files, whatif_markdown

P1 = SolveParams(time_limit_s=10, workers=1, seed=0)


def keys(result):
    return {(p.lowland_code, p.remote_code) for p in result.pairs}


@pytest.fixture(scope="module")
def hand():
    """Three lowland units, two remote; A is locked to R1 and may have one partner only.
    R1 needs IT (A, C have it), R2 needs land (B has it, C has some)."""
    p = problem([
        unit("00001", "lowland", {"it": 1}, dlat=0.1),               # A
        unit("00002", "lowland", {"land": 2}, dlat=1.1),             # B
        unit("00003", "lowland", {"it": 1, "land": 1}, dlat=0.6),    # C
        unit("00011", "remote", need={"it": 2}, dlat=0.0),           # R1
        unit("00012", "remote", need={"land": 2}, dlat=1.0),         # R2
    ], domains=("it", "land"), locked=[("00001", "00011")])
    res = solve(p, P1)
    assert res.status is Status.OPTIMAL
    return p, res


def test_forcing_a_pair_already_in_the_plan_costs_nothing(hand):
    """Every stage equal, nothing moves; the same when re-solving anyway."""
    p, res = hand
    pair = min(k for k in keys(res) if k not in p.locked)
    for reuse in (True, False):
        w = what_if(p, P1, res, force=[pair], reuse_baseline=reuse)
        assert w.status == "possible"
        assert [s.change for s in w.stages] == ["same"] * 3
        assert all(s.delta == 0 for s in w.stages)
        assert (w.added, w.removed) == ((), ())
        assert w.resolved is (not reuse)
        assert "No cost: every objective stage keeps its value." in whatif_markdown(w, "en")
    locked = next(iter(p.locked))
    w = what_if(p, P1, res, force=[locked])  # forcing an existing twinning: fine, costs nothing
    assert w.every_stage_equal and w.notes[0].rule == "already_locked"


def test_forcing_past_the_lowland_max_is_impossible_and_says_why(hand):
    """A may have 1 partner and is locked to R1: forcing A-R2 breaks A's bound, in words."""
    p, res = hand
    w = what_if(p, P1, res, force=[("00001", "00012")])
    assert w.status == "impossible" and w.solve_status is None
    assert [r.rule for r in w.reasons] == ["lowland_max"]
    en = w.reasons[0].en
    assert en.startswith("Xã 00001 (00001) may have at most 1 partner(s), but this change would force 2")
    assert "Xã 00011 (00011, existing)" in en and "Xã 00012 (00012, forced)" in en
    vi = whatif_markdown(w, "vi")
    assert "Không thể thực hiện thay đổi này." in vi
    assert "Xã 00001 (00001) chỉ được có tối đa 1 đơn vị kết nghĩa" in vi
    assert w.to_dict()["stages"][0]["after"] is None


def test_forbidding_a_pair_in_the_plan_moves_it_and_costs_the_kpi_difference(hand):
    """The pair leaves, something replaces it, and each stage's before/after/delta are the
    two plans' own KPIs."""
    p, res = hand
    pair = min(k for k in keys(res) if k not in p.locked)
    w = what_if(p, P1, res, forbid=[pair])
    assert w.status == "possible" and w.result is not None
    assert pair not in keys(w.result)
    assert [(m.lowland_code, m.remote_code, m.requested) for m in w.removed if m.requested] == [(*pair, True)]
    assert keys(w.result) == (keys(res) - {(m.lowland_code, m.remote_code) for m in w.removed}) | {
        (m.lowland_code, m.remote_code) for m in w.added}
    k0, k1 = kpis(p, res), kpis(p, w.result)
    got = {s.name: s for s in w.stages}
    assert (got["balance"].before, got["balance"].after) == (k0.min_coverage, k1.min_coverage)
    assert (got["shortfall"].before, got["shortfall"].after) == (k0.total_shortfall, k1.total_shortfall)
    assert got["distance"].delta == pytest.approx(k1.total_distance_km - k0.total_distance_km)
    assert any(s.change == "worse" for s in w.stages)
    json.dumps(w.to_dict())  # serialisable


def test_whatif_files_publish_in_one_step(hand, tmp_path):
    """issue 7: whatif_files gives whatif.md and whatif.json for write_outputs; the JSON written
    is whatif_json's text; the plan-comparison names still import from matcher.analysis.whatif."""
    from matcher.analysis import compare as cmp
    from matcher.analysis.whatif import Moved, StageCost, fmt_stage, whatif_json
    from matcher.io.files import write_outputs

    p, res = hand
    pair = min(k for k in keys(res) if k not in p.locked)
    w = what_if(p, P1, res, forbid=[pair])
    files = whatif_files(w, "en")
    assert list(files) == ["whatif.md", "whatif.json"]
    assert files["whatif.md"] == whatif_markdown(w, "en") and files["whatif.json"] == w.to_dict()
    write_outputs(tmp_path, files, inputs=[])
    assert (tmp_path / "whatif.json").read_text(encoding="utf-8") == whatif_json(w) + "\n"
    assert (tmp_path / "whatif.md").read_text(encoding="utf-8") == files["whatif.md"]
    assert (Moved, StageCost, fmt_stage) == (cmp.Moved, cmp.StageCost, cmp.fmt_stage)


def test_bad_requests_are_input_errors(hand):
    """Unknown codes, a code on the wrong side, or a pair both forced and forbidden."""
    p, res = hand
    for kw, needle in (
        ({"force": [("99999", "00011")]}, "--force: value '99999:00011': unknown unit code 99999"),  # issue 7 review
        ({"forbid": [("00011", "00001")]}, "is remote, not lowland"),
        ({"force": [("00002", "00011")], "forbid": [("00002", "00011")]}, "is both forced and forbidden"),
    ):
        with pytest.raises(InputError) as e:
            what_if(p, P1, res, **kw)
        assert needle in str(e.value)


def test_scenario_rules_stay_unless_released(hand):
    """Forbidding an existing twinning is impossible; with release it is a real what-if."""
    p, res = hand
    w = what_if(p, P1, res, forbid=[("00001", "00011")])
    assert w.status == "impossible" and [r.rule for r in w.reasons] == ["locked"]
    w = what_if(p, P1, res, forbid=[("00001", "00011")], release=[("00001", "00011")])
    assert w.status == "possible" and ("00001", "00011") not in keys(w.result)


def test_too_few_partners_left_and_the_solver_fallback():
    """Forbidding every candidate of R2 is counted; a conflict the counts miss falls back
    to the solver's proof."""
    p = problem([
        unit("00001", "lowland", {"it": 1}, dlat=0.1),
        unit("00002", "lowland", {"it": 1}, dlat=1.1),
        unit("00011", "remote", need={"it": 1}, dlat=0.0),
        unit("00012", "remote", need={"it": 1}, dlat=1.0),
    ], lowland_min_partners=0)
    res = solve(p, P1)
    w = what_if(p, P1, res, forbid=[("00001", "00012"), ("00002", "00012")])
    assert [r.rule for r in w.reasons] == ["remote_min"]
    assert "Xã 00012 (00012) needs at least 1 partner(s), but after this change only 0" in w.reasons[0].en
    # both remote units left with the same single lowland unit: each count alone is fine
    w = what_if(p, P1, res, forbid=[("00002", "00011"), ("00002", "00012")])
    assert w.status == "impossible" and w.solve_status == "infeasible"
    assert [r.rule for r in w.reasons] == ["no_plan"]


# ---- a result folder: the Da Nang default and the tiny scenario --------------------------------


@pytest.fixture(scope="module")
def danang(danang_result_dir):
    return danang_result_dir


def test_problem_for_result_rebuilds_the_scenario(danang):
    """Same units, locked pairs, cap, rules and solver parameters as the scenario itself."""
    p, params = problem_for_result(danang)
    sc = load_scenario(None)
    q, _ = load_problem(sc)
    assert (len(p.lowland), len(p.remote), len(p.units)) == (60, 33, len(q.units))
    assert p.locked == q.locked and len(p.locked) == 15
    assert p.rules == q.rules and p.rules.max_distance_km == 150
    assert p.units == q.units
    assert params == sc.params


def test_danang_forced_swap_beyond_a_locked_partner(danang):
    """Sơn Trà is locked to Trà Leng: forcing it onto Trà Tập breaks its one-partner bound."""
    p, params = problem_for_result(danang)
    view = read_result_dir(danang)
    w = what_if(p, params, view, force=[("20263", "20941")])
    assert w.status == "impossible"
    assert w.reasons[0].en.startswith("Sơn Trà (20263) may have at most 1 partner(s)")
    assert "Trà Leng (20938, existing)" in w.reasons[0].en
    assert [n.rule for n in w.notes] == ["beyond_cap"]  # 167 km: exempt, like an existing pair


def test_danang_forbid_costs_the_difference_of_the_two_plans(danang):
    """Forbid a new pair of the plan: before = summary.json, after = the new plan's KPIs."""
    p, params = problem_for_result(danang)
    view = read_result_dir(danang)
    summary = view.summary
    pair = ("20965", "20941")  # Núi Thành - Trà Tập, a new pair of the default plan
    assert not view.pairs[(view.pairs.lowland_code == pair[0]) & (view.pairs.remote_code == pair[1])].empty
    w = what_if(p, params, view, forbid=[pair])
    assert w.status == "possible" and w.solve_status == "optimal"
    after = kpis(p, w.result)
    got = {s.name: s for s in w.stages}
    assert got["balance"].before == pytest.approx(summary["min_coverage"])
    assert got["shortfall"].before == summary["total_shortfall"]
    assert got["distance"].before == pytest.approx(summary["total_distance_km"], abs=1e-3)
    assert got["balance"].after == after.min_coverage
    assert got["shortfall"].after == after.total_shortfall
    assert got["distance"].delta == pytest.approx(after.total_distance_km - summary["total_distance_km"], abs=1e-3)
    assert stage_figures(p, w.result)["distance"] == got["distance"].after
    assert any(m.requested for m in w.removed) and w.added
    md = whatif_markdown(w, "vi")
    assert "| Tổng khoảng cách | 4.885 km |" in md  # issue 11: no decimal from 100 km up and "Núi Thành (20965)" in md
    assert json.loads(json.dumps(w.to_dict(), ensure_ascii=False))["status"] == "possible"


def test_danang_forcing_a_pair_in_the_plan_costs_nothing(danang):
    """Re-solving with a pair of the plan forced gives every stage its value again."""
    p, params = problem_for_result(danang)
    w = what_if(p, params, read_result_dir(danang), force=[("20965", "20941")], reuse_baseline=False)
    assert w.status == "possible" and w.every_stage_equal


def test_missing_or_changed_scenario_is_an_input_error(tmp_path):
    """A result folder whose scenario file is gone, or whose staff figures changed since,
    cannot be rebuilt; one solved with --pairs can (summary.json records the table)."""
    src = tmp_path / "tiny"
    shutil.copytree(TINY, src)
    runner = CliRunner()
    out = tmp_path / "out"
    r = runner.invoke(app, ["solve", str(src / "scenario.toml"), "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    p, params = problem_for_result(out)
    assert len(p.locked) == 1 and params.time_limit_s == 5
    units = (src / "units.csv").read_text(encoding="utf-8")
    (src / "units.csv").write_text(units.replace("2,1,,", "3,1,,"), encoding="utf-8")
    with pytest.raises(InputError, match="staff figures differ"):
        problem_for_result(out)
    (src / "scenario.toml").unlink()
    with pytest.raises(InputError, match="no longer exists"):
        problem_for_result(out)
    out2 = tmp_path / "out2"
    r = runner.invoke(app, ["solve", str(src / "units.csv"), "--pairs", str(src / "pairs.csv"),
                            "--out", str(out2), "--quiet"])
    assert r.exit_code == 0, r.output
    p2, _ = problem_for_result(out2)  # summary.json records the --pairs table, so it is used again
    assert len(p2.locked) == 1
