"""issue 8: benchmarks/check_plan.py finds broken plans, wrong files and contradicted claims."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from helpers import problem, unit

from matcher.result import Pair, Result, Status

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import check_plan


def _plan(*pairs) -> Result:
    return Result(Status.FEASIBLE, (), tuple(Pair(a, b, 1.0, None, "x", False, allot) for a, b, allot in pairs),
                  0.0, "test")


def test_a_clean_result_folder_passes(danang_result_dir):
    """issue 8: matcher's Da Nang default result folder has no violation and its recomputed figures."""
    res = check_plan.check_result_dir(danang_result_dir)
    assert res["violations"] == []
    assert res["figures"]["balance"] == 0.75 and res["figures"]["shortfall"] == 22


def test_edited_files_are_violations(danang_copy):
    """issue 8: a KPI in summary.json or a staff figure in pairs.csv that the plan does not give is caught."""
    s = json.loads((danang_copy / "summary.json").read_text(encoding="utf-8"))
    s["total_shortfall"] = 21
    (danang_copy / "summary.json").write_text(json.dumps(s), encoding="utf-8")
    with open(danang_copy / "pairs.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["staff_it"] = str(int(rows[0]["staff_it"]) + 5)
    with open(danang_copy / "pairs.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    text = "\n".join(check_plan.check_result_dir(danang_copy)["violations"])
    assert "total_shortfall" in text
    assert "staff counted twice" in text


def test_invariants_name_forbidden_pairs_and_double_counted_staff():
    """issue 8: a forbidden pair, a partner bound broken and staff given twice are each one line."""
    p = problem([unit("L0", "lowland", {"it": 2}, max_partners=2), unit("R0", "remote", need={"it": 2}),
                 unit("R1", "remote", need={"it": 2}, dlat=0.1)], forbidden=[("L0", "R1")],
                remote_min_partners=0)
    lines = check_plan.invariants(p, _plan(("L0", "R0", {"it": 2}), ("L0", "R1", {"it": 1})))
    text = "\n".join(lines)
    assert "forbidden pair" in text and "staff counted twice" in text
    assert check_plan.invariants(p, _plan(("L0", "R0", {"it": 2}))) == []


def test_cross_check_finds_beaten_optima_and_bounds():
    """issue 8: a plan above a claimed optimum or bound is a contradiction; a later-stage bound only binds
    plans that keep the claimer's earlier values."""
    fig = {"balance": 0.6, "shortfall": 3.0, "distance": 10.0, "n_pairs": 2}
    claims = [{"tag": "a", "stages": [{"name": "balance", "status": "optimal", "value": 0.5, "bound": 0.5}],
               "figures": None},
              {"tag": "b", "stages": [{"name": "balance", "status": "feasible", "value": 0.4, "bound": 0.55},
                                      {"name": "shortfall", "status": "feasible", "value": 6.0, "bound": 4.0}],
               "figures": None},
              {"tag": "c", "stages": [{"name": "balance", "status": "optimal", "value": 0.7, "bound": 0.7},
                                      {"name": "shortfall", "status": "optimal", "value": 2.0, "bound": 2.0}],
               "figures": None},
              {"tag": "plan", "stages": [], "figures": fig}]
    notes = check_plan.cross_check(claims)
    assert any("a claims optimum 0.5" in n for n in notes)
    assert any("b claims bound 0.55" in n for n in notes)
    assert any("shortfall: b claims bound 4" in n for n in notes)  # 0.6 >= 0.4 kept, 3 < 4
    assert not any(n.startswith("shortfall: c") for n in notes)  # 0.6 < 0.7: not under c's floor
    assert check_plan.cross_check([claims[2], {"tag": "p", "stages": [], "figures": {**fig, "balance": 0.7}}]) == []
