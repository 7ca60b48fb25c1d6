"""Why this partner: what a pair covers, its distance rank, and which stage needs it
(a counterfactual re-solve without the pair), on hand instances with known answers and
on the Da Nang default."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import problem, unit

from matcher import SolveParams, Status
from matcher.analysis.explain import COLUMNS, distance_ranks, why
from matcher.analysis.whatif import what_if
from matcher.engine.stages import solve
from matcher.io.resultdir import problem_for_result, read_result_dir

P1 = SolveParams(time_limit_s=10, workers=1, seed=0)


def _row(df, lc, rc):
    got = df[(df.lowland_code == lc) & (df.remote_code == rc)]
    assert len(got) == 1, f"pair {lc}-{rc} not in the plan:\n{df[['lowland_code', 'remote_code']]}"
    return got.iloc[0]


@pytest.fixture(scope="module")
def hand():
    """R1 needs IT, which only A has; R2 needs land, which B (near) and C (far) both have;
    L is locked to R1 and gives it nothing it needs. Cap 100 km; lowland units may stay
    unpaired. Optimum: A-R1 (balance), B-R2 (distance: C is farther), L-R1 (locked)."""
    p = problem([
        unit("00001", "lowland", {"it": 1}, dlat=0.5),   # A
        unit("00002", "lowland", {"land": 1}, dlat=1.1),  # B
        unit("00003", "lowland", {"land": 1}, dlat=1.3),  # C
        unit("00004", "lowland", {"land": 1}, dlat=-0.2),  # L
        unit("00011", "remote", need={"it": 1}, dlat=0.0),  # R1
        unit("00012", "remote", need={"land": 1}, dlat=1.0),  # R2
    ], domains=("it", "land"), locked=[("00004", "00011")], max_distance_km=100, lowland_min_partners=0)
    res = solve(p, P1)
    assert res.status is Status.OPTIMAL
    assert {(q.lowland_code, q.remote_code) for q in res.pairs} == {
        ("00001", "00011"), ("00002", "00012"), ("00004", "00011")}
    return p, res, why(p, res, P1)


def test_scarce_domain_pair_is_decided_by_balance(hand):
    """A is the only IT holder: without A-R1, R1 covers nothing (smallest coverage 1 -> 0)."""
    _, _, df = hand
    row = _row(df, "00001", "00011")
    assert row.decided_by == "balance"
    assert (row.decided_before, row.decided_after) == (1.0, 0.0)
    assert row.why_domains == "it 1"
    assert row.sole_domains == "it"
    # issue 11: the committee's terms, no stage figures; the runner-up named with its cost
    assert "xã được đáp ứng ít nhất sẽ thiếu nhiều hơn" in row.why_vi and "→" not in row.why_vi.split("; phương")[0]
    assert "without it the least-served commune would be worse off" in row.why_en


def test_nearest_among_equals_is_decided_by_distance(hand):
    """B and C give the same; B is nearer R2, so only the distance stage prefers B."""
    p, res, df = hand
    row = _row(df, "00002", "00012")
    assert row.decided_by == "distance"
    assert row.decided_after > row.decided_before
    assert row.counterfactual_status == "optimal"
    # without B, C takes R2: the total grows by exactly C's extra km to R2
    km = {(c.lowland_code, c.remote_code): c.km for c in res.pairs}
    expected = sum(km.values()) - km["00002", "00012"] + _km(p, "00003", "00012")
    assert row.decided_after == pytest.approx(expected, abs=1e-6)
    # issue 11: C is the runner-up at R2: nothing more short, its extra km said
    assert row.alt_code == "00003"
    assert "phương án thay thế tốt nhất: nếu thay Xã 00002 bằng Xã 00003 (" in row.why_vi
    assert row.alt_change_en.startswith("if Xã 00003 (") and "nothing more short" in row.alt_change_en
    assert "km more" in row.alt_change_en and "total distance" not in row.why_en

def _km(p, lc, rc):
    from matcher.distance import candidates

    lows, rems = p.lowland, p.remote
    return next(c.km for c in candidates(p) if (lows[c.li].code, rems[c.ri].code) == (lc, rc))


def test_locked_pair_says_locked_without_a_resolve(hand):
    """An existing twinning is explained as such; no counterfactual is run for it."""
    _, _, df = hand
    row = _row(df, "00004", "00011")
    assert row.decided_by == "locked" and bool(row.locked)
    assert pd.isna(row.counterfactual_status)
    assert row.why_domains == ""  # L gives land, R1 needs only IT
    assert row.why_en.startswith("Covers none of the commune's need")
    assert row.why_vi.endswith("cặp kết nghĩa đã có, được giữ nguyên") and row.alt_code == ""


def test_distance_ranks(hand):
    """Ranks among each remote unit's allowed candidates (cap 100 km; locked pairs count):
    R1: L 22 km, A 55 km (B, C beyond the cap); R2: B 11, C 33, A 55 (L beyond)."""
    p, _, df = hand
    rank = {k: (int(_row(df, *k).distance_rank), int(_row(df, *k).n_candidates))
            for k in (("00004", "00011"), ("00001", "00011"), ("00002", "00012"))}
    assert rank == {("00004", "00011"): (1, 2), ("00001", "00011"): (2, 2), ("00002", "00012"): (1, 3)}
    ranks = distance_ranks(p)
    assert ranks["00003", "00012"] == (2, 3) and ranks["00001", "00012"] == (3, 3)
    assert ("00002", "00011") not in ranks
    assert list(df.columns) == COLUMNS
    assert "gần thứ 2/2" in _row(df, "00001", "00011").why_vi


def test_shortfall_and_tie_and_required():
    """R1 needs 2 IT and only A has 1: the smallest coverage is 1/2 whatever R2 gets, so
    B-R2 and C-R2 (land, 2 needed) are kept by the shortfall stage. D and E are twins
    either side of R3: whichever is chosen, the other does as well (tie). F is R4's only
    candidate within the cap: without F-R4 no plan keeps every rule."""
    p = problem([
        unit("00001", "lowland", {"it": 1}, dlat=0.1),
        unit("00002", "lowland", {"land": 1}, dlat=1.1),
        unit("00003", "lowland", {"land": 1}, dlat=1.2),
        unit("00004", "lowland", {"land": 1}, dlat=2.0, dlon=0.1),
        unit("00005", "lowland", {"land": 1}, dlat=2.0, dlon=-0.1),
        unit("00006", "lowland", {"land": 1}, dlat=4.0),
        unit("00011", "remote", need={"it": 2}, dlat=0.0),
        unit("00012", "remote", need={"land": 2}, dlat=1.0),
        unit("00013", "remote", need={"land": 1}, dlat=2.0),
        unit("00014", "remote", need={"land": 1}, dlat=4.1),
    ], domains=("it", "land"), lowland_min_partners=0, max_distance_km=40)
    res = solve(p, P1)
    assert res.status is Status.OPTIMAL
    df = why(p, res, P1)
    a, b, c = _row(df, "00001", "00011"), _row(df, "00002", "00012"), _row(df, "00003", "00012")
    assert a.decided_by == "required"  # R1's only candidate within 40 km
    assert (b.decided_by, b.decided_before, b.decided_after) == ("shortfall", 1.0, 2.0)
    assert c.decided_by == "shortfall"
    assert "tổng số cán bộ còn thiếu sẽ tăng" in b.why_vi
    twin = df[df.remote_code == "00013"].iloc[0]
    assert twin.decided_by == "tie"
    assert "equally good plan exists without it" in twin.why_en
    assert _row(df, "00006", "00014").decided_by == "required"
    assert df.attrs["counterfactual_seconds"] > 0


def test_counterfactual_off_and_only(hand):
    """counterfactual=False re-solves nothing; only= limits the re-solves to some pairs."""
    p, res, _ = hand
    off = why(p, res, P1, counterfactual=False)
    assert set(off.decided_by) == {"not_checked", "locked"}
    assert off.attrs["counterfactual_seconds"] == 0
    assert all(s.strip() for s in off.why_vi) and all(s.strip() for s in off.why_en)
    some = why(p, res, P1, only=[("00002", "00012")])
    assert _row(some, "00002", "00012").decided_by == "distance"
    assert _row(some, "00001", "00011").decided_by == "not_checked"


# ---- the Da Nang default ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def danang(danang_result_dir):
    p, params = problem_for_result(danang_result_dir)
    return p, params, read_result_dir(danang_result_dir)


def test_danang_every_pair_has_a_why(danang):
    """60 rows, each with a sentence in both languages and a rank; Trà Linh-An Hải is locked."""
    p, params, view = danang
    df = why(p, view, params, counterfactual=False)
    assert len(df) == 60
    assert all(s.strip() for s in df.why_vi) and all(s.strip() for s in df.why_en)
    assert df.distance_rank.notna().all() and (df.distance_rank <= df.n_candidates).all()
    assert (df.decided_by == "locked").sum() == 15
    row = _row(df, "20275", "20950")  # An Hải - Trà Linh
    assert (row.lowland_name, row.remote_name, row.decided_by) == ("An Hải", "Trà Linh", "locked")
    assert (row.distance_rank, row.n_candidates) == (41, 41)  # the farthest candidate, kept as it exists
    assert "gần thứ 41/41" in row.why_vi
    assert row.why_domains.startswith("it 2")


def test_danang_counterfactual_agrees_with_what_if(danang):
    """why's counterfactual for one pair is the what-if that forbids it: the same figures."""
    p, params, view = danang
    df = why(p, view, params, only=[("20965", "20941")])  # Núi Thành - Trà Tập
    row = _row(df, "20965", "20941")
    w = what_if(p, params, view, forbid=[("20965", "20941")])
    first_worse = next(s for s in w.stages if s.change == "worse")
    assert row.decided_by == first_worse.name
    assert row.decided_before == pytest.approx(first_worse.before)
    assert row.decided_after == pytest.approx(first_worse.after)
    from matcher.i18n import t

    assert t(f"why_c_{row.decided_by}", "vi") in row.why_vi  # issue 11: the criterion in words
    assert row.alt_code and t("why_alt", "vi", alt=row.alt_change_vi) in row.why_vi
