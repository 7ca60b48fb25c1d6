"""matcher.analysis.diagnose: why a scenario has no plan, the minimal conflicting rules, verified fixes."""

from __future__ import annotations

import ast
import json
import os
import pickle
import tomllib
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import problem, unit

import matcher.analysis.diagnose as dg
from matcher.analysis.diagnose import (
    Rule,
    deletion_filter,
    diagnose,
    precheck,
    quickxplain,
    relax,
    rules_of,
    with_values,
)
from matcher.engine.stages import feasible
from matcher.errors import InputError
from matcher.io.scenario import load_problem, load_scenario
from matcher.model import SolveParams, Travel
from matcher.render.text import diagnosis_dict, diagnosis_files, diagnosis_markdown, write_diagnosis
from matcher.result import Status

DATA = Path(__file__).resolve().parents[1] / "data"
INFEASIBLE = DATA / "infeasible"
CASES = tomllib.loads((INFEASIBLE / "expected.toml").read_text(encoding="utf-8"))["case"]
PARAMS = SolveParams(time_limit_s=5)


def keys(rules) -> set[tuple[str, tuple[str, ...]]]:
    return {r.key for r in rules}


def as_key(item: list[str]) -> tuple[str, tuple[str, ...]]:
    return item[0], tuple(item[1:])


def assert_minimal_conflict(p, conflict) -> None:
    """Only the conflict enforced: infeasible; any one of its rules relaxed too: a plan."""
    others = [r for r in rules_of(p) if r not in conflict]
    assert set(conflict) <= set(rules_of(p))
    assert feasible(relax(p, others), PARAMS) is Status.INFEASIBLE
    for rule in conflict:
        assert feasible(relax(p, [*others, rule]), PARAMS) is Status.OPTIMAL, rule


def assert_fixes_verified(p, d) -> None:
    """Every fix gives the full problem a plan, and the next smaller change does not."""
    for fix in d.fixes:
        assert fix.check == "optimal"
        assert feasible(with_values(p, {fix.rule: fix.value}), PARAMS) is Status.OPTIMAL, fix
        if fix.value is None:
            continue
        step = 1 if fix.rule.kind == "min_partners" else -1  # one change less
        assert feasible(with_values(p, {fix.rule: fix.value + step}), PARAMS) is not Status.OPTIMAL, fix


def load(folder: str):
    sc = load_scenario(INFEASIBLE / folder / "scenario.toml")
    p, warnings = load_problem(sc)
    assert not warnings
    return p


# ---- one scenario folder per cause -------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["folder"] for c in CASES])
def test_scenario_diagnosis(case, monkeypatch):
    """Names exactly the conflicting rules, verified fixes, the cause, the names, the calls."""
    p = load(case["folder"])
    calls = []

    def counted(problem_, params=None):
        calls.append(1)
        return feasible(problem_, params)

    monkeypatch.setattr(dg, "feasible", counted)
    d = diagnose(p, PARAMS, lang="en")
    monkeypatch.undo()

    assert d.status == "infeasible"
    assert d.feasibility_calls == len(calls) == d.calls_conflict + d.calls_fixes
    assert d.calls_unknown == 0 and d.minimal
    causes = [f.kind for f in d.causes]
    assert causes == ([] if case["cause"] == "none" else [case["cause"]])

    expected = {as_key(item) for item in case["conflict"]}
    assert keys(d.conflict) == expected  # exactly these: no extra rule
    assert_minimal_conflict(p, d.conflict)

    want_fixes = {as_key(f["rule"]): f.get("value") for f in case["fixes"]}
    assert {x.rule.key: x.value for x in d.fixes} == want_fixes
    assert_fixes_verified(p, d)

    for lang in ("vi", "en"):
        md = diagnosis_markdown(d, lang)
        assert unicodedata.normalize("NFC", md) == md
        for name in case["names"]:
            assert name in md, (lang, name)
    data = json.loads(json.dumps(d.to_dict()))
    assert {(c["kind"], tuple(c["subject"])) for c in data["conflict"]} == expected
    assert all(isinstance(code, str) for c in data["conflict"] for code in c["subject"])


def test_feasible_scenario_gives_an_empty_diagnosis():
    """The tiny scenario has a plan: one call, nothing found, the markdown says so."""
    sc = load_scenario(DATA / "tiny" / "scenario.toml")
    p, _ = load_problem(sc)
    d = diagnose(p, PARAMS)
    assert d.status == "feasible" and d.empty
    assert d.feasibility_calls == 1
    assert not d.findings and not d.conflict and not d.fixes
    assert "không có gì cần chẩn đoán" in diagnosis_markdown(d, "vi")
    assert "nothing to diagnose" in diagnosis_markdown(d, "en")
    assert d.to_dict()["conflict"] == []


# ---- small problems built in code ----------------------------------------------------------


def test_relax_and_with_values():
    """Relaxing sets min 0, max to the whole other side, drops pair rules, lifts caps."""
    p = problem(
        [unit("L1", "lowland", {"it": 1}), unit("L2", "lowland", {"it": 1}, dlat=0.1),
         unit("R1", "remote", need={"it": 1}, dlat=0.2, capacity=1), unit("R2", "remote", need={"it": 1})],
        locked=[("L1", "R1")], forbidden=[("L2", "R2")], max_distance_km=50,
    )
    rules = rules_of(p)
    assert keys(rules) == {
        ("distance_cap", ()), ("capacity", ("R1",)), ("locked", ("L1", "R1")), ("forbidden", ("L2", "R2")),
        ("min_partners", ("L1",)), ("min_partners", ("L2",)), ("min_partners", ("R1",)),
        ("min_partners", ("R2",)), ("max_partners", ("L1",)), ("max_partners", ("L2",)),
    }  # remote max 3 >= 2 lowland units can never bind: not a rule
    q = relax(p, rules)
    assert q.rules.max_distance_km is None and not q.pair_rules
    assert all(q.partner_bounds(u)[0] == 0 for u in q.units)
    assert [q.partner_bounds(u)[1] for u in q.lowland] == [2, 2]
    assert q.unit("R1").capacity is None
    assert p.rules.max_distance_km == 50 and len(p.pair_rules) == 2  # the original is untouched
    cap = next(r for r in rules if r.kind == "distance_cap")
    assert with_values(p, {cap: 80}).rules.max_distance_km == 80
    with pytest.raises(ValueError):
        Rule("locked", ("L1",))
    with pytest.raises(ValueError):
        Rule("speed_limit")


def test_forbidden_pair_within_the_cap():
    """R1's only unit within the cap is forbidden: cap, forbidden pair and R1's minimum."""
    p = problem(
        [unit("R1", "remote", need={"it": 1}), unit("L1", "lowland", {"it": 1}, dlat=0.1),
         unit("R2", "remote", need={"it": 1}, dlat=0.2), unit("L2", "lowland", {"it": 1}, dlat=0.3)],
        forbidden=[("L1", "R1")], max_distance_km=30,
    )
    d = diagnose(p, PARAMS, lang="en")
    (cause,) = d.causes
    assert cause.kind == "no_partner" and cause.values["forbidden_near"] == ("L1",)
    assert cause.values["nearest"] == "L2"
    assert keys(d.conflict) == {("distance_cap", ()), ("forbidden", ("L1", "R1")), ("min_partners", ("R1",))}
    assert_minimal_conflict(p, d.conflict)
    assert {x.rule.kind for x in d.fixes} == {"distance_cap", "forbidden", "min_partners"}
    assert_fixes_verified(p, d)
    md = diagnosis_markdown(d, "en")
    assert "allow the pair Xã L1 (L1)–Xã R1 (R1)" in md
    assert "the pair Xã L1 (L1)–Xã R1 (R1) is forbidden" in md


def test_lowland_unit_with_nobody_within_the_cap():
    """A lowland unit must take a partner too: its minimum and the cap conflict."""
    p = problem(
        [unit("L1", "lowland", {"it": 1}), unit("R1", "remote", need={"it": 1}, dlat=0.1),
         unit("L2", "lowland", {"it": 1}, dlat=1.0)],
        max_distance_km=40,
    )
    d = diagnose(p, PARAMS)
    assert [f.values["unit"] for f in d.causes] == ["L2"]
    assert keys(d.conflict) == {("distance_cap", ()), ("min_partners", ("L2",))}
    assert_fixes_verified(p, d)
    assert "Xã L2 (L2) cần ít nhất 1 đơn vị kết nghĩa" in diagnosis_markdown(d, "vi")


def test_minutes_cap_fix_from_the_travel_table():
    """A travel-time cap: the fix is the smallest whole minute that gives a plan."""
    base = problem(
        [unit("L1", "lowland", {"it": 1}), unit("L2", "lowland", {"it": 1}, dlat=0.1),
         unit("R1", "remote", need={"it": 1}, dlat=0.05), unit("R2", "remote", need={"it": 1}, dlat=0.5)],
        max_minutes=60,
    )
    travel = {("L1", "R1"): Travel(minutes=20), ("L2", "R1"): Travel(minutes=25),
              ("L1", "R2"): Travel(minutes=95.5), ("L2", "R2"): Travel(minutes=88.2)}
    p = replace(base, travel=travel)
    d = diagnose(p, PARAMS, lang="en")
    assert keys(d.conflict) == {("minutes_cap", ()), ("min_partners", ("R2",))}
    cap = next(x for x in d.fixes if x.rule.kind == "minutes_cap")
    assert cap.value == 89
    assert_fixes_verified(p, d)
    md = diagnosis_markdown(d, "en")
    assert "travel time cap 60 min" in md and "raise the travel time cap to 89 min" in md


def test_undecided_solver_gives_status_unknown(monkeypatch):
    """When the solver cannot decide, the diagnosis says so and invents nothing."""
    p = problem([unit("L1", "lowland", {"it": 1}), unit("R1", "remote", need={"it": 1})])
    monkeypatch.setattr(dg, "feasible", lambda problem_, params=None: Status.UNKNOWN)
    d = diagnose(p, PARAMS, lang="en")
    assert d.status == "unknown" and not d.conflict and not d.fixes
    assert d.calls_unknown == 1
    assert "could not decide" in diagnosis_markdown(d, "en")


def test_conflict_search_algorithms_agree_and_are_minimal():
    """QuickXplain and the deletion filter on a made-up oracle: minimal, earlier preferred."""
    rules = [Rule("min_partners", (f"U{i}",), 1) for i in range(20)]
    conflicts = [{rules[3], rules[11]}, {rules[5], rules[6], rules[15]}]
    asked = []

    def infeasible(subset) -> bool:
        asked.append(1)
        return any(c <= set(subset) for c in conflicts)

    got = quickxplain(rules, infeasible)
    assert set(got) == conflicts[0]  # contains the earliest rules
    n_qx = len(asked)
    asked.clear()
    assert set(deletion_filter(rules, infeasible)) == conflicts[0]
    assert len(asked) == len(rules)
    assert n_qx < len(rules)
    assert quickxplain(rules[:3], infeasible) is None


def test_precheck_reports_locked_pairs_beyond_the_cap_as_information():
    """A locked pair beyond the cap is allowed by design: information, never a cause."""
    p = problem(
        [unit("L1", "lowland", {"it": 1}), unit("R1", "remote", need={"it": 1}, dlat=1.0)],
        locked=[("L1", "R1")], max_distance_km=50,
    )
    (info,) = precheck(p)
    assert info.kind == "locked_beyond_cap" and not info.cause and info.values["pair"] == ("L1", "R1")
    assert diagnose(p, PARAMS).empty  # feasible: nothing to report


# ---- files ----------------------------------------------------------------------------------


def test_write_diagnosis(tmp_path, monkeypatch):
    """diagnosis.json (UTF-8, codes as text) and diagnosis.md; a failed write leaves the old
    files whole and no temporary file behind."""
    d = diagnose(load("nobody_within_cap"), PARAMS, lang="vi")
    out = tmp_path / "out"
    written = write_diagnosis(d, out, "en")
    assert sorted(p.name for p in written) == ["diagnosis.json", "diagnosis.md"]
    data = json.loads((out / "diagnosis.json").read_text(encoding="utf-8"))
    assert data["lang"] == "en" and data["status"] == "infeasible"
    assert data["names"]["20950"] == "Trà Linh"
    assert "Trà Linh" in (out / "diagnosis.json").read_text(encoding="utf-8")  # not \u-escaped
    assert any(c["text"] == "distance cap 80.0 km" for c in data["conflict"])
    assert data["feasibility_calls"]["total"] == d.feasibility_calls
    md = (out / "diagnosis.md").read_text(encoding="utf-8")
    assert md.startswith("# Diagnosis: why no plan is possible")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)  # the publisher's moves into place fail
    monkeypatch.setattr(os, "rename", broken)
    with pytest.raises((OSError, InputError)):  # the publisher may report it as bad --out
        write_diagnosis(d, out, "vi")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_diagnosis_files_are_what_write_diagnosis_publishes(tmp_path):
    """issue 7: diagnosis_files builds {name: text}; write_diagnosis publishes exactly those
    bytes through write_outputs and leaves no temporary file behind."""
    d = diagnose(load("counts"), PARAMS, lang="en")
    files = diagnosis_files(d, "vi")
    assert list(files) == ["diagnosis.json", "diagnosis.md"] and all(isinstance(v, str) for v in files.values())
    assert json.loads(files["diagnosis.json"]) == diagnosis_dict(d, "vi")
    assert files["diagnosis.md"] == diagnosis_markdown(d, "vi")
    written = write_diagnosis(d, tmp_path, "vi")
    assert sorted(p.name for p in written) == sorted(files)
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == files


def test_a_diagnosis_pickles_and_its_parts_have_one_home():
    """issue 7: a Diagnosis (FrozenMap fields, not MappingProxyType) pickles to an equal object;
    the data is re-exported by matcher.analysis.diagnose, the words live in matcher.render.text,
    and to_dict is diagnosis.json without the sentences."""
    from matcher.analysis import findings, prechecks
    from matcher.analysis.diagnose import DIAGNOSIS_FILES, Diagnosis, Finding, Fix

    d = diagnose(load("nobody_within_cap"), PARAMS, lang="en")
    assert pickle.loads(pickle.dumps(d)) == d
    assert (Diagnosis, Finding, Fix, Rule) == (findings.Diagnosis, findings.Finding, findings.Fix, findings.Rule)
    assert precheck is prechecks.precheck and tuple(diagnosis_files(d)) == DIAGNOSIS_FILES
    for name in ("diagnosis_markdown", "rule_text", "write_diagnosis", "diagnosis_files"):
        assert not hasattr(dg, name), name  # analysis never imports render
    with_text = diagnosis_dict(d)
    assert all("text" in c for c in with_text["conflict"]) and not any("text" in c for c in d.to_dict()["conflict"])
    for part in ("findings", "conflict", "fixes"):
        assert [{k: v for k, v in x.items() if k != "text"} for x in with_text[part]] == d.to_dict()[part]


def test_diagnose_does_not_import_ortools():
    """Architecture: only matcher.engine imports ortools."""
    tree = ast.parse(Path(dg.__file__).read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not any(name.startswith("ortools") for name in names)


# ---- the Da Nang default with a 100 km cap -------------------------------------------------


def test_danang_with_a_100_km_cap():
    """La Êê has nobody available within 100 km (its only unit in range, Thượng Đức, is locked
    to Avương): the diagnosis names it and suggests the smallest cap that gives a plan."""
    sc = load_scenario(None)
    p, _ = load_problem(sc)
    p = replace(p, rules=replace(p.rules, max_distance_km=100))
    d = diagnose(p, SolveParams(time_limit_s=10), lang="vi")
    assert d.status == "infeasible"
    nobody = [f for f in d.causes if f.kind == "no_partner"]
    assert [f.values["unit"] for f in nobody] == ["20698"]
    assert nobody[0].values["available"] == 0 and nobody[0].values["committed"] == ("20506",)
    assert keys(d.conflict) == {
        ("distance_cap", ()), ("min_partners", ("20698",)), ("max_partners", ("20506",)),
        ("locked", ("20506", "20458")),
    }
    cap_fix = next(x for x in d.fixes if x.rule.kind == "distance_cap")
    cap = cap_fix.value
    assert feasible(with_values(p, {cap_fix.rule: cap}), PARAMS) is Status.OPTIMAL
    assert feasible(with_values(p, {cap_fix.rule: cap - 1}), PARAMS) is Status.INFEASIBLE
    md = diagnosis_markdown(d, "vi")
    assert "La Êê (20698)" in md and f"nâng giới hạn khoảng cách lên {cap} km" in md
    info = [f for f in d.findings if f.kind == "locked_beyond_cap"]
    assert info and not any(f.cause for f in info)
    assert not keys(d.conflict) & {("locked", f.values["pair"]) for f in info}


def test_two_independent_conflicts_have_no_single_fix():
    """Two separate causes: one minimal conflict is named, and no single change is enough."""
    p = problem(
        [unit("L1", "lowland", {"it": 1}), unit("L2", "lowland", {"it": 1}, dlon=0.1),
         unit("L3", "lowland", {"it": 1}, dlon=-0.1), unit("R1", "remote", need={"it": 1}, dlat=0.1),
         unit("R2", "remote", need={"it": 1}, dlat=-0.1), unit("R3", "remote", need={"it": 1}, dlat=2.0)],
        locked=[("L1", "R1"), ("L1", "R2")], max_distance_km=40,
    )
    d = diagnose(p, PARAMS, lang="en")
    assert {f.kind for f in d.causes} == {"no_partner", "locked_over_max"}
    assert_minimal_conflict(p, d.conflict)
    assert not d.fixes
    md = diagnosis_markdown(d, "en")
    assert "No single change to these rules is enough" in md
