"""matcher solve --from-plan / --max-changes and matcher whatif --only / --fewest-changes (issue 10)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from helpers import invoke

DATA = Path(__file__).resolve().parents[1] / "data"
TINY, INVALID = DATA / "tiny", DATA / "invalid"

FAST = ("--time-limit", "5", "--quiet")


def pair_keys(folder) -> set[tuple[str, str]]:
    with open(folder / "pairs.csv", encoding="utf-8-sig") as f:
        return {(r["lowland_code"], r["remote_code"]) for r in csv.DictReader(f)}


def solve_base(runner, tmp_path, scenario=TINY / "scenario.toml"):
    base = tmp_path / "base"
    res = invoke(runner, "solve", scenario, "--out", base, *FAST)
    assert res.exit_code == 0, res.output
    return base


def test_from_plan_unchanged_rules_keeps_every_pair(runner, tmp_path):
    """issue 10: --from-plan under the same rules changes nothing and records the published plan."""
    base = solve_base(runner, tmp_path)
    out = tmp_path / "again"
    res = invoke(runner, "solve", TINY / "scenario.toml", "--from-plan", base, "--out", out, *FAST, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert pair_keys(out) == pair_keys(base)
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert info["baseline"]["changes"] == 0 and info["baseline"]["kept"] == len(pair_keys(base))
    assert [s["name"] for s in info["stages"]][:2] == ["balance", "changes"]
    assert info["scenario"]["from_plan_file"] == str(base.resolve())
    assert info["settings"]["objectives"]["value"] == "balance, changes, shortfall, distance"
    assert "kept 3, dropped 0, added 0" in res.output
    assert not any(line.strip() for line in (out / "plan_changes.csv").read_text(encoding="utf-8-sig").splitlines()[1:])


def test_from_plan_forbidden_pair_gives_its_reason(runner, tmp_path, tiny_copy):
    """issue 10: a newly forbidden published pair is dropped with the reason 'forbidden'; the rest stays."""
    base = solve_base(runner, tmp_path, tiny_copy / "scenario.toml")
    keys = pair_keys(base)
    victim = sorted(k for k in keys if k != ("20242", "20443"))[0]  # not the locked pair
    with open(tiny_copy / "pairs.csv", "a", encoding="utf-8") as f:
        f.write(f"{victim[0]},x,{victim[1]},y,forbidden,issue 10 test\n")
    out = tmp_path / "new"
    res = invoke(runner, "solve", tiny_copy / "scenario.toml", "--from-plan", base / "pairs.csv", "--out", out,
                 *FAST, "--lang", "en")
    assert res.exit_code == 0, res.output
    new = pair_keys(out)
    assert victim not in new
    with open(out / "plan_changes.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(new ^ keys)
    dropped = [r for r in rows if (r["lowland_code"], r["remote_code"]) == victim]
    assert dropped and dropped[0]["reason"] == "forbidden" and dropped[0]["change"] == "dropped"
    assert all(r["reason"] in ("forbidden", "replaces", "knock_on") for r in rows)


def test_from_plan_refuses_to_overwrite_the_plan_it_keeps(runner, tmp_path):
    """issue 10: --from-plan DIR --out DIR would overwrite the published plan: exit 2, the folder intact."""
    base = solve_base(runner, tmp_path)
    before = (base / "pairs.csv").read_bytes()
    res = invoke(runner, "solve", TINY / "scenario.toml", "--from-plan", base, "--out", base, *FAST)
    assert res.exit_code == 2
    assert "would overwrite input file" in res.output
    assert (base / "pairs.csv").read_bytes() == before


def test_from_plan_bad_code_names_file_row_column_value(runner, tmp_path):
    """issue 10: an unknown code in the published plan is exit 2 naming file, row, column and value."""
    res = invoke(runner, "solve", TINY / "scenario.toml", "--from-plan", INVALID / "from_plan_unknown_code.csv",
                 "--out", tmp_path / "x", *FAST)
    assert res.exit_code == 2, res.output
    assert "from_plan_unknown_code.csv:3: column 'remote_code': value '99999'" in res.output
    assert not (tmp_path / "x").exists()


def test_max_changes_without_plan_and_missing_plan_are_bad_input(runner, tmp_path):
    """issue 10: --max-changes without --from-plan, and a --from-plan that does not exist, exit 2."""
    res = invoke(runner, "solve", TINY / "scenario.toml", "--max-changes", "2", "--out", tmp_path / "a", *FAST)
    assert res.exit_code == 2 and "max_changes" in res.output and "published plan" in res.output
    res = invoke(runner, "solve", TINY / "scenario.toml", "--from-plan", tmp_path / "nope", "--out", tmp_path / "b",
                 *FAST)
    assert res.exit_code == 2 and "file not found" in res.output
    res = invoke(runner, "solve", TINY / "scenario.toml", "--from-plan", tmp_path, "--out", tmp_path / "c", *FAST)
    assert res.exit_code == 2 and "without pairs.csv" in res.output


def test_from_plan_in_scenario_file_relative_path(runner, tmp_path, tiny_copy):
    """issue 10: a scenario's from_plan key (relative to the file) and max_changes work like the options."""
    base = solve_base(runner, tmp_path, tiny_copy / "scenario.toml")
    shutil.copy(base / "pairs.csv", tiny_copy / "published.csv")
    text = (tiny_copy / "scenario.toml").read_text(encoding="utf-8")
    (tiny_copy / "keep.toml").write_text(text.replace('travel = "travel.csv"', 'travel = "travel.csv"\n'
                                                      'from_plan = "published.csv"\nmax_changes = 4'),
                                         encoding="utf-8")
    out = tmp_path / "keep"
    res = invoke(runner, "solve", tiny_copy / "keep.toml", "--out", out, *FAST)
    assert res.exit_code == 0, res.output
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in info["stages"]][:2] == ["balance", "changes"]
    assert info["scenario"]["max_changes"] == 4 and info["baseline"]["changes"] == 0


def test_whatif_modes_side_by_side_and_only_moves_no_other_pair(runner, tmp_path):
    """issue 10: whatif --only keeps every other pair; the report shows all three modes side by side."""
    base = solve_base(runner, tmp_path)
    keys = pair_keys(base)
    lows = {lc for lc, _ in keys}
    victim = sorted(k for k in keys if k != ("20242", "20443"))[0]
    other_remote = next(rc for rc in ("20443", "20458") if rc != victim[1])
    out = tmp_path / "only"
    res = invoke(runner, "whatif", base, "--forbid", f"{victim[0]}:{victim[1]}", "--only", "--out", out,
                 "--lang", "en", "--time-limit", "5")
    assert res.exit_code in (0, 3), res.output
    assert "This change only (every other pair kept)" in res.output and "Re-optimise everything" in res.output
    data = json.loads((out / "whatif.json").read_text(encoding="utf-8"))
    assert data["mode"] == "only" and [m["mode"] for m in data["modes"]] == ["only", "fewest", "reoptimise"]
    if res.exit_code == 0:
        new = pair_keys(out)
        assert keys - {victim} <= new  # no other pair moved
        assert new - keys <= {(victim[0], other_remote)}
    assert victim[0] in lows


def test_whatif_forced_pair_is_new_and_its_changes_are_explained(runner, tmp_path):
    """issue 10 (review): a pair a what-if forces is written as new (not an existing twinning), with its reason."""
    base = solve_base(runner, tmp_path)
    keys = pair_keys(base)
    pick = next((lc, rc) for lc in ("20209", "20263") for rc in ("20443", "20458")
                if (lc, rc) not in keys and (lc, rc) != ("20263", "20443"))  # 20263-20443 is forbidden
    out = tmp_path / "forced"
    res = invoke(runner, "whatif", base, "--force", f"{pick[0]}:{pick[1]}", "--fewest-changes", "--out", out,
                 "--lang", "en", "--time-limit", "5")
    assert res.exit_code == 0, res.output
    with open(out / "pairs.csv", encoding="utf-8-sig") as f:
        row = next(r for r in csv.DictReader(f) if (r["lowland_code"], r["remote_code"]) == pick)
    assert row["locked"] == "False" and row["pair_status"] == "new"
    with open(out / "plan_changes.csv", encoding="utf-8-sig") as f:
        why = {(r["lowland_code"], r["remote_code"]): r for r in csv.DictReader(f)}
    assert why[pick]["reason"] == "locked" and "what-if forces" in why[pick]["why"]
    info = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert info["baseline"]["changes"] == len(why)
