"""Flags: pairs that move no staff, locked pairs beyond the cap, low coverage, lowland units of no use."""

from __future__ import annotations

import pytest
from helpers import problem, unit

from matcher.analysis.flags import DEFAULT_COVERAGE, KINDS, flag_warnings, plan_flags, read_flags
from matcher.engine import solve
from matcher.model import SolveParams

PARAMS = SolveParams(time_limit_s=5, workers=1, seed=0)


def test_zero_staff_pair_and_locked_pair_beyond_the_cap_are_exactly_the_flags():
    """issue 11: a constructed instance with a zero-staff pair and a locked pair beyond the cap lists exactly those."""
    units = [unit("10001", "lowland", supply={"it": 1}, dlat=1.0),  # ~111 km away, locked
             unit("10002", "lowland", supply={"it": 1}, dlat=0.05),  # must partner, the need is already met
             unit("20001", "remote", need={"it": 1})]
    p = problem(units, locked=[("10001", "20001")], max_distance_km=60)
    res = solve(p, PARAMS)
    assert {(q.lowland_code, q.remote_code) for q in res.pairs} == {("10001", "20001"), ("10002", "20001")}
    flags = plan_flags(p, res)
    assert [(f["kind"], f["lowland_code"], f["remote_code"]) for f in flags] == [
        ("no_staff", "10002", "20001"), ("locked_beyond_cap", "10001", "20001")]
    beyond = flags[1]
    assert beyond["limit"] == 60 and beyond["value"] == pytest.approx(110.7, abs=0.5)
    assert beyond["text_vi"] == ("Xã 10001 – Xã 20001: cặp đã có cách 111 km, vượt giới hạn 60,0 km "
                                 "(được giữ theo quy định)")
    assert beyond["text_en"].startswith("Xã 10001 – Xã 20001: existing pair 111 km apart, beyond the 60.0 km cap")
    lines = [w.line() for w in flag_warnings(flags)]
    assert lines == ["pairs that move no staff (Xã 10002 – Xã 20001)",
                     "existing pairs beyond the distance cap (Xã 10001 – Xã 20001)"]


def test_low_coverage_threshold_and_useless_lowland_unit():
    """issue 11: coverage below the threshold is flagged (0.5 by default, settable); so is a unit of no use."""
    units = [unit("10001", "lowland", supply={"it": 1}),
             unit("10002", "lowland", supply={"land": 2}, dlat=0.02),
             unit("20001", "remote", need={"it": 3}, dlon=0.1)]
    p = problem(units, domains=("it", "land"))
    res = solve(p, PARAMS)
    flags = plan_flags(p, res)
    kinds = [f["kind"] for f in flags]
    assert kinds == ["no_staff", "low_coverage", "useless_lowland"]
    low = flags[1]
    assert (low["remote_code"], low["value"], low["limit"]) == ("20001", 0.3333, DEFAULT_COVERAGE)
    assert low["text_vi"] == "Xã 20001: mức đáp ứng 33%, dưới ngưỡng 50%"
    assert flags[2]["lowland_code"] == "10002" and "Xã 20001" in flags[2]["text_en"]
    assert [f["kind"] for f in plan_flags(p, res, coverage=0.3)] == ["no_staff", "useless_lowland"]
    with pytest.raises(ValueError):
        plan_flags(p, res, coverage=1.5)


def test_read_flags_keeps_well_formed_entries_only():
    """issue 11: an old summary has no flags; malformed entries are left out, never a crash."""
    assert read_flags({}) == [] and read_flags(None) == [] and read_flags({"flags": "x"}) == []
    good = {"kind": KINDS[0], "lowland_code": "1", "remote_code": "2", "value": None, "limit": None,
            "text_vi": "a", "text_en": "b"}
    assert read_flags({"flags": [good, {"kind": "other"}, 3, {**good, "text_en": None}]}) == [good]


def test_flag_coverage_option_is_checked_and_recorded(tmp_path):
    """issue 11: --flag-coverage outside [0, 1] is bad input (exit 2); a given value is recorded in summary.json."""
    import json
    from pathlib import Path

    from helpers import invoke
    from typer.testing import CliRunner

    runner = CliRunner()
    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny" / "scenario.toml"
    bad = invoke(runner, "solve", tiny, "--out", tmp_path / "bad", "--flag-coverage", "1.5", "--quiet")
    assert bad.exit_code == 2 and "--flag-coverage: value '1.5': must be a ratio from 0 to 1" in bad.output
    assert not (tmp_path / "bad").exists()
    ok = invoke(runner, "solve", tiny, "--out", tmp_path / "ok", "--flag-coverage", "0.9", "--quiet",
                "--time-limit", "5")
    assert ok.exit_code == 0, ok.output
    summary = json.loads((tmp_path / "ok" / "summary.json").read_text(encoding="utf-8"))
    assert summary["flag_coverage"] == 0.9
    assert all(f["value"] < 0.9 for f in summary["flags"] if f["kind"] == "low_coverage")
    lines = [w for w in summary["warnings"] if "coverage threshold" in w]
    assert len(lines) == (1 if any(f["kind"] == "low_coverage" for f in summary["flags"]) else 0)
