"""The runner-up of every chosen pair, against a brute force over every alternative plan."""

from __future__ import annotations

import itertools

import pytest
from helpers import problem, unit

from matcher.analysis.runner_up import COLUMNS, rank_key, runner_up
from matcher.distance import candidates
from matcher.engine import solve
from matcher.kpis import covered, min_ratio
from matcher.model import SolveParams
from matcher.result import Pair

PARAMS = SolveParams(time_limit_s=5, workers=1, seed=0)


@pytest.fixture(scope="module")
def tiny():
    """Five lowland units, three remote communes, two domains; one partner per lowland unit."""
    units = [
        unit("10001", "lowland", supply={"it": 2, "land": 0}, dlat=0.00),
        unit("10002", "lowland", supply={"it": 1, "land": 1}, dlat=0.05),
        unit("10003", "lowland", supply={"it": 0, "land": 2}, dlat=0.10),
        unit("10004", "lowland", supply={"it": 1, "land": 0}, dlat=0.15, dlon=0.05),
        unit("10005", "lowland", supply={"it": 0, "land": 1}, dlat=0.20, dlon=0.05),
        unit("20001", "remote", need={"it": 2, "land": 1}, dlat=0.02, dlon=0.3),
        unit("20002", "remote", need={"it": 1, "land": 2}, dlat=0.12, dlon=0.3),
        unit("20003", "remote", need={"it": 1, "land": 1}, dlat=0.22, dlon=0.3),
    ]
    p = problem(units, domains=("it", "land"), lowland_min_partners=1, lowland_max_partners=1,
                remote_min_partners=1, remote_max_partners=2, max_distance_km=60)
    res = solve(p, PARAMS)
    assert res.status.has_solution
    return p, res


def _pairs(p, keys):
    """Pairs with each lowland unit's whole supply offered (covered need takes the min)."""
    out = []
    for lc, rc in keys:
        lo, re = p.unit(lc), p.unit(rc)
        out.append(Pair(lc, rc, 0.0, None, "", False, {d: min(lo.supply.get(d, 0), re.need.get(d, 0))
                                                        for d in p.domains}))
    return tuple(out)


def brute_runner_up(p, res, lc, rc):
    """Best (by the scenario's stages, then nearer, then lower code) plan over EVERY plan that keeps
    the rules, keeps every chosen pair but (l, r) and one pair of l', and puts another l' at r."""
    lows, rems = p.lowland, p.remote
    allowed = {(lows[c.li].code, rems[c.ri].code): c for c in candidates(p)}
    chosen = {(q.lowland_code, q.remote_code) for q in res.pairs}
    options = [[None] + [r.code for r in rems if (u.code, r.code) in allowed] for u in lows]
    best = None
    for choice in itertools.product(*options):
        keys = {(u.code, x) for u, x in zip(lows, choice, strict=True) if x is not None}
        if (lc, rc) in keys:
            continue
        ok = all(p.partner_bounds(u)[0] <= sum(k[0] == u.code for k in keys) <= p.partner_bounds(u)[1] for u in lows)
        ok = ok and all(p.partner_bounds(r)[0] <= sum(k[1] == r.code for k in keys) <= p.partner_bounds(r)[1]
                        for r in rems)
        if not ok:
            continue
        for l2 in {k[0] for k in keys if k[1] == rc and (k[0], rc) not in chosen}:
            left = {k for k in chosen if k[0] == l2}
            if not (chosen - {(lc, rc)} - left) <= keys or len(left) > 1:
                continue
            cov = covered(p, _pairs(p, keys))
            figs = {"balance": float(min_ratio(p, _pairs(p, keys))),
                    "shortfall": float(sum(r.total_need - sum(cov[r.code].values()) for r in rems)),
                    "distance": sum(allowed[k].km for k in keys), "changes": 0.0}
            key = (rank_key(p, figs), allowed[(l2, rc)].km, l2)
            if best is None or key < best[0]:
                best = (key, figs)
    return best


def test_runner_up_equals_brute_force(tiny):
    """issue 11: every pair's runner-up (unit and the plan's figures with it) equals a brute force over all plans."""
    p, res = tiny
    df = runner_up(p, res)
    alts = df.attrs["alternatives"]
    assert list(df.columns) == ["lowland_code", "remote_code", *COLUMNS] and len(df) == len(res.pairs)
    checked = 0
    for q in res.pairs:
        key = (q.lowland_code, q.remote_code)
        best = brute_runner_up(p, res, *key)
        if best is None:
            assert key not in alts
            continue
        alt = alts[key]
        assert alt.alt_code == best[0][2]
        for name in ("balance", "shortfall", "distance"):
            assert alt.after[name] == pytest.approx(best[1][name], abs=1e-9)
        checked += 1
    assert checked >= 3


def test_what_if_only_confirms_the_runner_up(tiny):
    """issue 11: verify=True re-solves each runner-up with what-if's only mode and gets the same figures."""
    p, res = tiny
    plain = runner_up(p, res).attrs["alternatives"]
    checked = runner_up(p, res, PARAMS, verify=True).attrs["alternatives"]
    assert set(plain) == set(checked)
    for key, alt in checked.items():
        assert alt.checked == "what-if only"
        assert alt.alt_code == plain[key].alt_code
        for name in ("balance", "shortfall", "distance"):
            assert alt.after[name] == pytest.approx(plain[key].after[name], abs=1e-6)


def test_sentences_name_the_runner_up_and_the_cost(tiny):
    """issue 11: the vi/en sentences name both units, the runner-up's km and the staff short per domain."""
    p, res = tiny
    df = runner_up(p, res)
    rows = df[df["alt_code"] != ""]
    assert len(rows)
    for row in rows.to_dict("records"):
        alt = df.attrs["alternatives"][(row["lowland_code"], row["remote_code"])]
        old, new = p.unit(row["lowland_code"]).name, row["alt_name"]
        assert row["alt_change_vi"].startswith(f"nếu thay {old} bằng {new} (")
        assert row["alt_change_en"].startswith(f"if {new} (") and f") replaced {old}: " in row["alt_change_en"]
        short = alt.delta.get(row["remote_code"], {})
        if not any(v < 0 for v in short.values()):
            assert "không thiếu thêm" in row["alt_change_vi"] and "nothing more short" in row["alt_change_en"]
        for v in short.values():
            if v < 0:
                assert f"thiếu {-v} cán bộ" in row["alt_change_vi"]
        assert "e+" not in row["alt_change_en"]


def test_locked_pairs_have_no_runner_up():
    """issue 11: a locked (existing) pair keeps blank runner-up cells."""
    units = [unit("10001", "lowland", supply={"it": 1}), unit("10002", "lowland", supply={"it": 1}, dlat=0.01),
             unit("20001", "remote", need={"it": 1}, dlon=0.1), unit("20002", "remote", need={"it": 1}, dlon=0.12)]
    p = problem(units, locked=[("10001", "20001")])
    res = solve(p, PARAMS)
    df = runner_up(p, res)
    row = df[(df.lowland_code == "10001")].iloc[0]
    assert row["alt_code"] == "" and row["alt_change_vi"] == ""
