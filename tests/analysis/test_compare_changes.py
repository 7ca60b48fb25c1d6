"""matcher.analysis.compare.diff_plans and matcher.analysis.changes: two plans of a tiny instance,
the exact diff (pairs kept/added/removed, units whose partner changed, KPI deltas by hand)."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import problem, unit

from matcher.analysis.changes import compare_sources
from matcher.analysis.compare import diff_plans, shared_figures
from matcher.errors import InputError
from matcher.kpis import kpis
from matcher.result import Pair, Result, Status

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.fixture(scope="module")
def p():
    """Three lowland units (L3 has no staff), two remote units needing 3 and 2 people in IT."""
    return problem([
        unit("L1", "lowland", {"it": 2}), unit("L2", "lowland", {"it": 1}, dlat=0.1),
        unit("L3", "lowland", {}, dlat=0.2),
        unit("R1", "remote", need={"it": 3}, dlat=0.3), unit("R2", "remote", need={"it": 2}, dlat=0.4),
    ], remote_max_partners=2)


def plan(*pairs) -> Result:
    """A hand-made plan: (lowland, remote, km, IT staff moved)."""
    return Result(Status.OPTIMAL, (), tuple(Pair(lc, rc, km, None, "geodesic x detour", False, {"it": s})
                                            for lc, rc, km, s in pairs), 0.0, "hand")


A = (("L1", "R1", 10.0, 2), ("L2", "R2", 20.0, 1), ("L3", "R2", 5.0, 0))
B = (("L1", "R2", 30.0, 2), ("L2", "R1", 15.0, 1), ("L3", "R2", 5.0, 0))


def test_diff_of_two_hand_made_plans_is_exact(p):
    """issue 10: kept {L3-R2}, removed {L1-R1, L2-R2}, added {L1-R2, L2-R1}; L1, L2, R1, R2 changed partner
    (L3 did not); the figures as counted by hand."""
    d = diff_plans(p, plan(*A), p, plan(*B))
    got = {c.change: set() for c in d.changes}
    for c in d.changes:
        got[c.change].add((c.lowland_code, c.remote_code))
    assert got == {"kept": {("L3", "R2")}, "removed": {("L1", "R1"), ("L2", "R2")},
                   "added": {("L1", "R2"), ("L2", "R1")}}
    # by remote unit in input order, then kept/removed/added
    assert [(c.change, c.lowland_code, c.remote_code) for c in d.changes] == [
        ("removed", "L1", "R1"), ("added", "L2", "R1"), ("kept", "L3", "R2"), ("removed", "L2", "R2"),
        ("added", "L1", "R2")]
    assert {(u.code, u.role, u.partners_a, u.partners_b) for u in d.units} == {
        ("L1", "lowland", ("R1",), ("R2",)), ("L2", "lowland", ("R2",), ("R1",)),
        ("R1", "remote", ("L1",), ("L2",)), ("R2", "remote", ("L2", "L3"), ("L1", "L3"))}
    assert (d.changed_units("remote"), d.changed_units("lowland")) == (2, 2)
    assert (d.count("kept"), d.count("added"), d.count("removed")) == (1, 2, 2)
    # A: R1 2/3, R2 1/2 -> min 1/2, shortfall 1 + 1; B: R1 1/3, R2 2/2 -> min 1/3, shortfall 2 + 0
    k = {x.name: x for x in d.kpis}
    assert k["min_coverage"].a == pytest.approx(0.5) and k["min_coverage"].b == pytest.approx(float(Fraction(1, 3)))
    assert k["min_coverage"].delta == pytest.approx(-1 / 6) and k["min_coverage"].change == "worse"
    assert (k["total_shortfall"].a, k["total_shortfall"].b, k["total_shortfall"].change) == (2, 2, "same")
    assert (k["total_distance_km"].a, k["total_distance_km"].b, k["total_distance_km"].delta) == (35.0, 50.0, 15.0)
    assert (k["longest_km"].a, k["longest_km"].b, k["longest_km"].change) == (20.0, 30.0, "worse")
    assert (k["n_pairs"].a, k["n_pairs"].b, k["n_pairs"].change) == (3, 3, "same")
    assert (k["n_idle_pairs"].a, k["n_idle_pairs"].b) == (1, 1)  # L3-R2 moves nobody
    kept = next(c for c in d.changes if c.change == "kept")
    assert kept.staff_a == {"it": 0} and kept.staff_b == {"it": 0}
    removed = next(c for c in d.changes if c.change == "removed")
    assert removed.staff_a == {"it": 2} and removed.staff_b is None and removed.lowland_name == "Xã L1"
    assert d.same_units and d.shared_units == 5 and d.left_out_a == d.left_out_b == ()


def test_same_plan_against_itself_has_no_changes(p):
    """issue 10: a plan compared with itself: every pair kept, no unit changed, every delta zero."""
    d = diff_plans(p, plan(*A), p, plan(*A))
    assert d.count("kept") == 3 and d.count("added") == d.count("removed") == 0
    assert d.units == ()
    assert all(k.delta == 0 and k.change == "same" for k in d.kpis)


def test_shared_figures_equal_the_kpis_over_every_unit(p):
    """issue 10: over every remote unit the compare figures are matcher.kpis.kpis's own."""
    for pairs in (A, B):
        res = plan(*pairs)
        f, k = shared_figures(p, res.pairs, [r.code for r in p.remote]), kpis(p, res)
        assert (f["min_coverage"], f["total_shortfall"], f["total_distance_km"], f["longest_km"], f["n_pairs"]) == (
            k.min_coverage, k.total_shortfall, k.total_distance_km, k.longest_km, k.n_pairs)


def test_plans_of_different_units_compare_on_the_shared_units(p):
    """issue 10: B's problem lacks L3 and has R3: pairs with L3 or R3 are left out, figures over R1 and R2."""
    q = problem([u for u in p.units if u.code != "L3"] + [unit("R3", "remote", need={"it": 1}, dlat=0.5)],
                remote_max_partners=2)
    b = plan(("L1", "R1", 10.0, 2), ("L2", "R3", 9.0, 1))
    d = diff_plans(p, plan(*A), q, b)
    assert not d.same_units and d.shared_units == 4
    assert d.left_out_a == (("L3", "R2"),) and d.left_out_b == (("L2", "R3"),)
    assert [(c.change, c.lowland_code, c.remote_code) for c in d.changes] == [("kept", "L1", "R1"),
                                                                              ("removed", "L2", "R2")]
    assert {u.code for u in d.units} == {"L2", "R2"}
    k = {x.name: x for x in d.kpis}
    # B over R1 and R2 only: R1 2/3, R2 0/2 -> min 0, shortfall 1 + 2; its R3 pair is not counted
    assert (k["min_coverage"].b, k["total_shortfall"].b, k["n_pairs"].b, k["total_distance_km"].b) == (0.0, 3, 1, 10.0)
    assert (k["min_coverage"].a, k["total_shortfall"].a, k["n_pairs"].a) == (0.5, 2, 2)


# ---- from files: result folders and plan tables ---------------------------------------------------


def _solve(scenario: Path, out: Path) -> Path:
    from matcher.io.scenario import load_scenario
    from matcher.jobs import run_solve

    assert run_solve(load_scenario(scenario), out, lang="en").status.has_solution
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The tiny scenario solved: 20242-20443 (locked), 20263-20458, 20209-20458."""
    return _solve(TINY / "scenario.toml", tmp_path_factory.mktemp("cmp") / "base")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SWAP = "20242,20443\n20209,20443\n20263,20458\n"  # Thanh Khê moves from Avương to Hùng Sơn


def test_result_folder_against_a_csv_plan(base, tmp_path):
    """issue 10: the solved tiny plan against a table moving Thanh Khê to Hùng Sơn: one pair added, one removed,
    coverage 0.6 -> 0.5 (Hùng Sơn 5/5, Avương 2/4 as evaluate splits the staff), the table's split said derived."""
    cmp = compare_sources(base, write(tmp_path / "plan.csv", "lowland_code,remote_code\n" + SWAP))
    d = cmp.diff
    assert (cmp.a.kind, cmp.b.kind) == ("result", "table")
    assert {(c.lowland_code, c.remote_code) for c in d.changes if c.change == "kept"} == {
        ("20242", "20443"), ("20263", "20458")}
    assert [(c.change, c.lowland_code, c.remote_code) for c in d.changes if c.change != "kept"] == [
        ("added", "20209", "20443"), ("removed", "20209", "20458")]
    assert {u.code for u in d.units} == {"20209", "20443", "20458"}
    cov = d.kpi("min_coverage")
    assert (cov.a, cov.b) == (pytest.approx(0.6), pytest.approx(0.5))
    assert (d.kpi("total_shortfall").a, d.kpi("total_shortfall").b) == (2, 2)
    assert any("matcher evaluate" in n for n in cmp.notes("en"))
    assert tmp_path / "plan.csv" in cmp.inputs


def test_plan_table_by_names_reads_like_codes(base, tmp_path):
    """issue 10: a plan table naming its units (lowland_name, remote_name) gives the same diff as by codes."""
    codes = compare_sources(base, write(tmp_path / "codes.csv", "lowland_code,remote_code\n" + SWAP))
    names = compare_sources(base, write(tmp_path / "names.csv", "lowland_name,remote_name\nHải Châu,Hùng Sơn\n"
                                                                "Thanh Khê,Hùng Sơn\nSơn Trà,Avương\n"))
    assert names.diff == codes.diff


def test_folder_against_itself_and_two_tables(base, tmp_path):
    """issue 10: the same folder twice changes nothing; two tables are scored on --scenario's problem."""
    same = compare_sources(base, base).diff
    assert same.count("kept") == 3 and same.count("added") == same.count("removed") == 0 and same.units == ()
    table = write(tmp_path / "plan.csv", "lowland_code,remote_code\n" + SWAP)
    both = compare_sources(table, table, TINY / "scenario.toml")
    assert both.diff.count("kept") == 3 and both.a.problem.name == "tiny"
    with pytest.raises(InputError, match="only when A and B are both plan tables"):
        compare_sources(base, table, TINY / "scenario.toml")


def test_bad_code_names_file_row_column_value(base, tmp_path):
    """issue 10: a code that is not a unit of the problem is bad input naming file, row, column and value."""
    bad = write(tmp_path / "bad.csv", "lowland_code,remote_code\n20242,20443\n20209,99999\n")
    with pytest.raises(InputError) as e:
        compare_sources(base, bad)
    [issue] = e.value.issues
    assert (issue.source, issue.row, issue.column, issue.value) == ("bad.csv", 3, "remote_code", "99999")
    assert str(issue).startswith("bad.csv:3: column 'remote_code': value '99999': ")
    with pytest.raises(InputError, match="no such file or folder"):
        compare_sources(base, tmp_path / "missing.csv")


def test_result_folders_of_different_units(base, tmp_path):
    """issue 10: B solved without Sơn Trà: compared on the 4 shared units; A's Sơn Trà pair left out, said so."""
    small = tmp_path / "small"
    shutil.copytree(TINY, small)
    for name in ("units.csv", "pairs.csv", "travel.csv"):
        f = small / name
        f.write_text("".join(ln for ln in f.read_text(encoding="utf-8").splitlines(keepends=True)
                             if "20263" not in ln), encoding="utf-8")
    other = _solve(small / "scenario.toml", tmp_path / "other")
    cmp = compare_sources(base, other)
    d = cmp.diff
    assert not d.same_units and d.shared_units == 4 and d.left_out_a == (("20263", "20458"),) and d.left_out_b == ()
    assert [(c.change, c.lowland_code, c.remote_code) for c in d.changes] == [
        ("kept", "20242", "20443"), ("kept", "20209", "20458")]
    assert d.units == ()
    # over the shared units: Hùng Sơn 3/5 from Hải Châu, Avương 3/4 from Thanh Khê, in both plans
    assert (d.kpi("min_coverage").a, d.kpi("min_coverage").b) == (pytest.approx(0.6), pytest.approx(0.6))
    assert (d.kpi("total_shortfall").a, d.kpi("total_shortfall").b) == (3, 3)
    assert cmp.b.problem is not cmp.a.problem and not cmp.staff_differ
    assert "compared on the 4 units both have only" in cmp.notes("en")[0]


def test_a_forced_what_if_folder_as_a_takes_the_other_folders_problem(base, tmp_path):
    """issue 10: a what-if that forced Thanh Khê–Hùng Sơn shows a locked pair its scenario lacks, so it cannot be
    rebuilt alone; as A it is read on B's problem (same units): B moves Thanh Khê back to Avương."""
    from matcher.jobs import run_whatif

    forced = tmp_path / "forced"
    assert run_whatif(base, force=[("20209", "20443")], out=forced, lang="en").status == "possible"
    d = compare_sources(forced, base).diff
    assert [(c.change, c.lowland_code, c.remote_code) for c in d.changes if c.change != "kept"] == [
        ("removed", "20209", "20443"), ("added", "20209", "20458")]
    assert (d.kpi("min_coverage").a, d.kpi("min_coverage").b) == (pytest.approx(0.5), pytest.approx(0.6))
