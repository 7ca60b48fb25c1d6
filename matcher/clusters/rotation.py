"""The leader rotation of emulation clusters: a head (*cụm trưởng*) and deputies (*cụm phó*) per
cluster and year.

This is a proposal: heads are elected or acclaimed by the members. The schedule is a direct
construction in pure Python (no solver): year by year, each cluster's head is the first member,
in the order (times headed, last year headed, code), among those the rules allow; the deputies
are the next members in that order (so the deputies are the members next in line). History
(terms before the first year) counts in the times headed, the last year headed and the rules.

Rules (:data:`RULES`; the default is :data:`DEFAULT_RULES`):

``round-robin``
    every member heads once before any member heads twice, counting history: the head of a
    year is one of the members who have headed the fewest times so far.
``no-consecutive``
    nobody heads two years running, also from the last year of history to the first year.
``deputy-becomes-head`` (optional)
    the head of year y+1 is one of year y's deputies when the other rules allow one.

The head is never a deputy of the same year (always). The slack of a choice is the list of
the other members that could have been head that year without breaking a rule.

Round-robin and no-consecutive conflict only when the one member with the fewest terms headed
the year before (a cluster of one member, or an unbalanced history); the choice among ties
never causes a later conflict, so the greedy construction finds a schedule whenever one exists
under those two rules. A conflict raises :class:`RotationConflict` (exit 3): nothing is relaxed
silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import MatcherError

ROUND_ROBIN, NO_CONSECUTIVE, DEPUTY_BECOMES_HEAD = "round-robin", "no-consecutive", "deputy-becomes-head"
RULES = (ROUND_ROBIN, NO_CONSECUTIVE, DEPUTY_BECOMES_HEAD)
DEFAULT_RULES = (ROUND_ROBIN, NO_CONSECUTIVE)


@dataclass(frozen=True)
class Term:
    """One cluster's year: the head, the deputies (in order) and the slack of the head's choice."""

    cluster: str
    year: int
    head: str
    deputies: tuple[str, ...] = ()
    slack: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conflict:
    """A year of a cluster where the rules asked cannot all hold, and why."""

    cluster: str
    year: int
    rules: tuple[str, ...]
    reason: str

    def __str__(self) -> str:
        rules = f"rule {self.rules[0]} cannot hold" if len(self.rules) == 1 else \
            f"rules {' + '.join(self.rules)} cannot both hold"
        return f"cluster {self.cluster}, {self.year}: {rules}: {self.reason}"


class RotationConflict(MatcherError):
    """The rules asked cannot all hold (exit 3); ``conflicts`` says where and why."""

    def __init__(self, conflicts: Sequence[Conflict]):
        self.conflicts = list(conflicts)
        super().__init__("\n".join(str(c) for c in self.conflicts))


@dataclass
class _State:
    """Times headed and last year headed per member, and the year before's head and deputies."""

    members: tuple[str, ...]
    count: dict[str, int] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)
    prev_year: int | None = None
    prev_head: str | None = None
    prev_deputies: tuple[str, ...] = ()

    def key(self, m: str) -> tuple:
        return (self.count.get(m, 0), self.last.get(m, -10**9), m)

    def record(self, year: int, head: str, deputies: Iterable[str]) -> None:
        self.count[head] = self.count.get(head, 0) + 1
        self.last[head] = max(year, self.last.get(head, year))
        self.prev_year, self.prev_head, self.prev_deputies = year, head, tuple(deputies)


def check_rules(rules: Iterable[str]) -> tuple[str, ...]:
    """The rules in canonical order; ValueError naming an unknown one."""
    rules = set(rules)
    unknown = sorted(rules - set(RULES))
    if unknown:
        raise ValueError(f"unknown rule(s) {', '.join(unknown)}; use {', '.join(RULES)}")
    return tuple(r for r in RULES if r in rules)


def _allowed(st: _State, year: int, rules: tuple[str, ...], cluster: str) -> tuple[list[str], Conflict | None]:
    """The members the rules allow as head in ``year`` (deputy-becomes-head narrows when it can)."""
    allowed = list(st.members)
    if ROUND_ROBIN in rules:
        fewest = min(st.count.get(m, 0) for m in st.members)
        allowed = [m for m in allowed if st.count.get(m, 0) == fewest]
    consecutive = NO_CONSECUTIVE in rules and st.prev_year == year - 1 and st.prev_head is not None
    if consecutive:
        allowed = [m for m in allowed if m != st.prev_head]
    if not allowed:
        if len(st.members) == 1:
            reason = f"the cluster has one member ({st.members[0]}): it heads every year"
            return [], Conflict(cluster, year, (NO_CONSECUTIVE,), reason)
        fewest = min(st.count.get(m, 0) for m in st.members)
        reason = (f"{st.prev_head} headed in {year - 1} and is the only member with the fewest terms "
                  f"({fewest}; every other member has more)")
        return [], Conflict(cluster, year, (ROUND_ROBIN, NO_CONSECUTIVE), reason)
    if DEPUTY_BECOMES_HEAD in rules and st.prev_year == year - 1:
        preferred = [m for m in allowed if m in st.prev_deputies]
        if preferred:
            allowed = preferred
    return allowed, None


def rotate_cluster(cluster: str, members: Iterable[str], years: Sequence[int], deputies: int = 1,
                   history: Iterable[Term] = (), rules: Iterable[str] = DEFAULT_RULES) -> list[Term]:
    """The terms of one cluster for ``years`` (consecutive, ascending), after ``history``.

    ``history`` holds the terms before ``years[0]`` (any order; they are not checked here:
    :mod:`matcher.clusters.rotation_io` checks the files). Raises :class:`RotationConflict`
    when the rules cannot all hold, ValueError when the cluster is too small for the deputies."""
    rules = check_rules(rules)
    st = _State(tuple(sorted(set(members))))
    if len(st.members) < deputies + 1:
        raise ValueError(f"cluster {cluster} has {len(st.members)} member(s): a head and {deputies} deputy(ies) "
                         f"need {deputies + 1}")
    for past in sorted(history, key=lambda p: p.year):
        st.record(past.year, past.head, past.deputies)
    terms = []
    for year in years:
        allowed, conflict = _allowed(st, year, rules, cluster)
        if conflict is not None:
            raise RotationConflict([conflict])
        head = min(allowed, key=st.key)
        slack = tuple(sorted(m for m in allowed if m != head))
        st.record(year, head, ())
        deps = tuple(sorted((m for m in st.members if m != head), key=st.key)[:deputies])
        st.prev_deputies = deps
        terms.append(Term(cluster, year, head, deps, slack))
    return terms


def rotate(clusters: Mapping[str, Iterable[str]], years: Sequence[int], deputies: int = 1,
           history: Iterable[Term] = (), rules: Iterable[str] = DEFAULT_RULES) -> list[Term]:
    """Every cluster's terms (clusters in the mapping's order, then years). Every conflict of
    every cluster is raised together in one :class:`RotationConflict`."""
    by_cluster: dict[str, list[Term]] = {}
    for past in history:
        by_cluster.setdefault(past.cluster, []).append(past)
    terms, conflicts = [], []
    for cluster, members in clusters.items():
        try:
            terms += rotate_cluster(cluster, members, years, deputies, by_cluster.get(cluster, ()), rules)
        except RotationConflict as e:
            conflicts += e.conflicts
    if conflicts:
        raise RotationConflict(conflicts)
    return terms
