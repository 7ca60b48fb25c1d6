"""The leader rotation (matcher.clusters.rotation): hypothesis properties and hand cases."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.clusters.rotation import (
    DEFAULT_RULES,
    DEPUTY_BECOMES_HEAD,
    NO_CONSECUTIVE,
    ROUND_ROBIN,
    RotationConflict,
    Term,
    rotate,
    rotate_cluster,
)

FIRST = 2026
ALL = (ROUND_ROBIN, NO_CONSECUTIVE, DEPUTY_BECOMES_HEAD)


@st.composite
def cases(draw):
    """A cluster of 2..12 members, 1..15 years, 0..3 deputies and a valid (round-robin, no-consecutive) history."""
    n = draw(st.integers(2, 12))
    members = [f"{10001 + i:05d}" for i in range(n)]
    years = list(range(FIRST, FIRST + draw(st.integers(1, 15))))
    deputies = draw(st.integers(0, min(3, n - 1)))
    length, gap = draw(st.integers(0, 20)), draw(st.integers(0, 2))
    start = FIRST - gap - length
    count = dict.fromkeys(members, 0)
    history, prev = [], None
    for year in range(start, start + length):
        fewest = min(count.values())
        allowed = [m for m in members if count[m] == fewest and m != prev]
        head = draw(st.sampled_from(allowed))
        others = [m for m in members if m != head]
        deps = draw(st.lists(st.sampled_from(others), max_size=deputies, unique=True))
        history.append(Term("1", year, head, tuple(deps)))
        count[head] += 1
        prev = head
    rules = draw(st.sampled_from([DEFAULT_RULES, ALL]))
    return members, years, deputies, history, rules


@settings(max_examples=300, deadline=None)
@given(cases())
def test_rotation_properties(case):
    """issue 12: round-robin (every prefix of history + schedule within one term), no consecutive terms,
    head never a deputy, deputies distinct in the cluster, history kept, slack = other allowed heads, determinism."""
    members, years, deputies, history, rules = case
    terms = rotate_cluster("1", members, years, deputies, history, rules)
    assert [x.year for x in terms] == years
    seq = [x.head for x in sorted(history, key=lambda p: p.year)] + [x.head for x in terms]
    count = dict.fromkeys(members, 0)
    for head in seq:  # in any prefix no member has headed twice more than another: once before twice
        count[head] += 1
        assert max(count.values()) - min(count.values()) <= 1
    by_year = {p.year: p for p in history} | {x.year: x for x in terms}
    count = dict.fromkeys(members, 0)
    for p in history:
        count[p.head] += 1
    for x in terms:
        before = by_year.get(x.year - 1)
        assert before is None or before.head != x.head
        assert x.head not in x.deputies and len(set(x.deputies)) == len(x.deputies) == deputies
        assert set(x.deputies) <= set(members)
        fewest = min(count.values())
        allowed = {m for m in members if count[m] == fewest and (before is None or m != before.head)}
        if DEPUTY_BECOMES_HEAD in rules and before is not None and allowed & set(before.deputies):
            allowed &= set(before.deputies)
            assert x.head in before.deputies
        assert x.head in allowed and set(x.slack) == allowed - {x.head}
        count[x.head] += 1
    shuffled = list(members)
    random.Random(len(members)).shuffle(shuffled)
    assert rotate_cluster("1", shuffled, years, deputies, list(reversed(history)), rules) == terms


def test_three_members_by_hand():
    """issue 12: three members, no history: heads A B C A B; deputies next in line; slack as worked by hand."""
    terms = rotate_cluster("1", ["C", "A", "B"], range(2026, 2031))
    assert [x.head for x in terms] == ["A", "B", "C", "A", "B"]
    assert [x.deputies for x in terms] == [("B",), ("C",), ("A",), ("B",), ("C",)]
    assert [x.slack for x in terms] == [("B", "C"), ("C",), (), ("B",), ("C",)]


def test_deputy_becomes_head_narrows_the_slack():
    """issue 12: with deputy-becomes-head, year y+1's head is year y's deputy; the slack shrinks to other deputies."""
    terms = rotate_cluster("1", ["A", "B", "C"], range(2026, 2031), rules=ALL)
    assert [x.head for x in terms] == ["A", "B", "C", "A", "B"]
    assert [x.slack for x in terms] == [("B", "C"), (), (), (), ()]


def test_history_is_continued():
    """issue 12: history counts: after A (2024), B (2025) the first year goes to C, then A; the 2025 deputy leads."""
    history = [Term("1", 2024, "A"), Term("1", 2025, "B", ("A",))]
    assert [x.head for x in rotate_cluster("1", "ABC", range(2026, 2029), 1, history)] == ["C", "A", "B"]
    history = [Term("1", 2025, "A", ("C",))]
    assert [x.head for x in rotate_cluster("1", "ABC", [2026], 1, history, ALL)] == ["C"]
    assert [x.head for x in rotate_cluster("1", "ABC", [2026], 1, history)] == ["B"]


def test_no_consecutive_only_for_the_year_before():
    """issue 12: a history term two years back does not block the first year's head (no round-robin asked)."""
    twice_b = [Term("1", 2021, "B"), Term("1", 2022, "B")]
    assert rotate_cluster("1", "AB", [2026], 1, [*twice_b, Term("1", 2024, "A")], [NO_CONSECUTIVE])[0].head == "A"
    assert rotate_cluster("1", "AB", [2026], 1, [*twice_b, Term("1", 2025, "A")], [NO_CONSECUTIVE])[0].head == "B"


def test_one_member_cluster_conflicts():
    """issue 12: a one-member cluster cannot keep no-consecutive (exit 3, reason); without it, it heads every year."""
    with pytest.raises(RotationConflict) as e:
        rotate({"1": ["A", "B"], "7": ["Z"]}, [2026, 2027], deputies=0)
    (c,) = e.value.conflicts
    assert (c.cluster, c.year, c.rules) == ("7", 2027, (NO_CONSECUTIVE,)) and "one member" in str(c)
    assert [x.head for x in rotate_cluster("7", ["Z"], [2026, 2027], 0, rules=[ROUND_ROBIN])] == ["Z", "Z"]


def test_unbalanced_history_conflicts():
    """issue 12: A headed 2025 and is the only member with fewest terms: round-robin + no-consecutive conflict."""
    history = [Term("1", 2022, "B"), Term("1", 2023, "C"), Term("1", 2024, "B"), Term("1", 2025, "A"),
               Term("1", 2021, "C")]
    with pytest.raises(RotationConflict) as e:
        rotate_cluster("1", "ABC", [2026], 1, history)
    assert e.value.conflicts[0].rules == (ROUND_ROBIN, NO_CONSECUTIVE)
    assert rotate_cluster("1", "ABC", [2026], 1, history, [ROUND_ROBIN])[0].head == "A"
    assert rotate_cluster("1", "ABC", [2026], 1, history, [NO_CONSECUTIVE])[0].head == "C"  # C last headed 2023


def test_too_small_for_the_deputies():
    """issue 12: two members cannot hold a head and two deputies: the arithmetic is said."""
    with pytest.raises(ValueError, match=r"2 member.*need 3"):
        rotate_cluster("1", "AB", [2026], deputies=2)
