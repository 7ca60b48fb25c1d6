"""What a diagnosis is made of, as plain frozen data: rules, pre-check findings, fixes, the diagnosis.

No solver, no pandas, no words: this module imports only the model and the language list,
so :mod:`matcher.render.text` (which writes the sentences) can read a :class:`Diagnosis`
without pulling in the engine.
Everything here pickles to an equal object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..i18n import DEFAULT_LANG
from ..model import FrozenMap

RULE_KINDS = (
    "distance_cap",  # global, value km
    "minutes_cap",  # global, value minutes
    "min_partners",  # per unit (code,), value the minimum
    "max_partners",  # per unit (code,), value the maximum
    "capacity",  # per remote unit (code,), value the capacity
    "locked",  # per pair (lowland code, remote code)
    "forbidden",  # per pair (lowland code, remote code)
    "max_changes",  # global, value the most pairs added or dropped against the published plan (issue 10)
)
PAIR_KINDS = ("locked", "forbidden")
UNIT_KINDS = ("min_partners", "max_partners", "capacity")
CAP_KINDS = ("distance_cap", "minutes_cap")
DIAGNOSIS_FILES = ("diagnosis.json", "diagnosis.md")  # the report files (no engine import needed)


def plain(v):
    """JSON-friendly copy (numpy numbers become floats, tuples lists)."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if v is None or isinstance(v, (bool, int, str)):
        return v
    f = float(v)
    return int(f) if f.is_integer() and not isinstance(v, float) else f


@dataclass(frozen=True)
class Rule:
    """One relaxable rule. ``subject``: () for a global cap, (code,) for a unit rule,
    (lowland code, remote code) for a pair rule. ``value``: the number the rule sets
    (km, minutes, partner count, capacity), None for pair rules."""

    kind: str
    subject: tuple[str, ...] = ()
    value: float | int | None = None

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"unknown rule kind {self.kind!r}; known: {RULE_KINDS}")
        object.__setattr__(self, "subject", tuple(str(c) for c in self.subject))
        want = 0 if self.kind in (*CAP_KINDS, "max_changes") else 2 if self.kind in PAIR_KINDS else 1
        if len(self.subject) != want:
            raise ValueError(f"a {self.kind} rule names {want} unit code(s), got {self.subject}")

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.kind, self.subject

    def to_dict(self) -> dict:
        return {"kind": self.kind, "subject": list(self.subject), "value": plain(self.value)}


@dataclass(frozen=True)
class Finding:
    """One pre-check result: a sure cause of infeasibility, or information (``cause`` False).
    ``values`` holds the numbers and codes its sentence shows; ``rules`` the rules it
    involves (the starting point of the conflict search)."""

    kind: str  # partner_totals | no_partner | locked_over_max | locked_over_capacity | locked_beyond_cap
    cause: bool
    units: tuple[str, ...]
    values: Mapping[str, object] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "values", FrozenMap(self.values))


@dataclass(frozen=True)
class Fix:
    """Set ``rule`` to ``value`` (None: drop the pair rule); verified on the full problem."""

    rule: Rule
    value: float | int | None
    check: str  # the status of the verifying feasibility call: always "optimal" (a plan exists)
    feasibility_calls: int  # calls spent finding this fix


@dataclass(frozen=True)
class Diagnosis:
    """What ``diagnose`` found. ``status``: feasible (nothing to diagnose), infeasible or
    unknown (the solver could not decide). ``names`` maps every code shown to its name."""

    scenario: str
    status: str
    lang: str = DEFAULT_LANG
    findings: tuple[Finding, ...] = ()
    conflict: tuple[Rule, ...] = ()
    minimal: bool = True  # False when undecided solver calls may have left extra rules
    fixes: tuple[Fix, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    n_rules: int = 0  # relaxable rules in the problem
    calls_conflict: int = 0  # feasibility calls for the status and the conflict search
    calls_fixes: int = 0  # feasibility calls for the fixes
    calls_unknown: int = 0  # of all calls, those the solver could not decide
    seconds: float = 0.0

    def __post_init__(self) -> None:
        for name in ("findings", "conflict", "fixes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "names", FrozenMap(self.names))

    @property
    def feasibility_calls(self) -> int:
        return self.calls_conflict + self.calls_fixes

    @property
    def causes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.cause)

    @property
    def empty(self) -> bool:
        return not (self.findings or self.conflict or self.fixes)

    def to_dict(self, lang: str | None = None) -> dict:
        """Plain JSON data; codes are text. The sentences (a ``text`` beside every finding,
        rule and fix) are added by :func:`matcher.render.text.diagnosis_dict`, which is what
        ``diagnosis.json`` holds; ``lang`` (default: the diagnosis's language) is recorded."""
        return {
            "scenario": self.scenario,
            "status": self.status,
            "lang": lang or self.lang,
            "findings": [
                {"kind": f.kind, "cause": f.cause, "units": list(f.units),
                 "values": {k: plain(v) for k, v in f.values.items()}, "rules": [r.to_dict() for r in f.rules]}
                for f in self.findings
            ],
            "conflict": [r.to_dict() for r in self.conflict],
            "conflict_minimal": self.minimal,
            "fixes": [
                {"rule": x.rule.to_dict(), "value": plain(x.value), "check": x.check,
                 "feasibility_calls": x.feasibility_calls}
                for x in self.fixes
            ],
            "names": dict(self.names),
            "n_rules": self.n_rules,
            "feasibility_calls": {"total": self.feasibility_calls, "conflict": self.calls_conflict,
                                  "fixes": self.calls_fixes, "undecided": self.calls_unknown},
            "seconds": round(self.seconds, 3),
        }
