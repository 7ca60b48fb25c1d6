"""What a re-solve changed in a published plan, and the rule behind each change.

``matcher solve --from-plan`` keeps a published plan (:attr:`matcher.model.Problem.baseline`)
as far as the rules allow (:mod:`matcher.io.baseline`). :func:`plan_changes` lists the pairs
kept, dropped and added, and gives each change its reason, checked in this order:

dropped pair
  1. ``forbidden``: the pairs table now forbids it;
  2. ``cap``: it lies beyond the distance or time cap (with the figures);
  3. ``group``: the two units are no longer in the same ``pair_within`` group;
  4. ``partner_limit``: one of its units has more published partners than its limit allows;
  5. ``locked``: a locked pair not in the published plan takes its unit's last free slot;
added pair
  1. ``locked``: the pairs table locks it;
  2. ``partner_min``: one of its units has fewer partners in the published plan than its
     minimum (e.g. a unit the published plan left without partner);
  3. ``replaces``: it gives a partner back to a unit that lost one above (below its minimum,
     or to recover that unit's covered need);
then ``knock_on``: a dropped pair that makes room at a unit for an explained new pair, or a
new pair replacing an explained dropped one (a chain of swaps); else ``stage``: chosen by the
stage ranked before ``changes`` (balance, by default), or, with ``changes`` first, ``required``:
part of the fewest changes the rules allow.

The reasons are facts about the two plans and the rules; the solver proved that no plan
with fewer changes keeps every rule when the ``changes`` stage is first and optimal.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..distance import pair_metrics, same_group, within_caps
from ..i18n import LANGS, fmt_number, t
from ..model import Problem
from ..result import Result

PairKey = tuple[str, str]
CHANGE_FILES = ("plan_changes.csv", "plan_changes.csvt")  # a re-solve of a published plan (--from-plan)


@dataclass(frozen=True)
class Change:
    """One pair dropped from or added to the published plan, with its reason in every language."""

    kind: str  # "dropped" or "added"
    lowland_code: str
    lowland_name: str
    remote_code: str
    remote_name: str
    km: float
    reason: str  # forbidden, cap, group, partner_limit, locked, partner_min, replaces, knock_on, stage, required
    vi: str
    en: str

    def text(self, lang: str) -> str:
        return getattr(self, lang)


@dataclass(frozen=True)
class PlanChanges:
    """The published plan against the new one: counts and the changes with their reasons."""

    published: int
    kept: int
    changes: tuple[Change, ...]

    @property
    def dropped(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "dropped")

    @property
    def added(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "added")

    def as_json(self) -> dict:
        """The ``baseline`` block of ``summary.json``."""
        return {"published_pairs": self.published, "kept": self.kept, "dropped": len(self.dropped),
                "added": len(self.added), "changes": len(self.changes),
                "pairs": [{"change": c.kind, "lowland_code": c.lowland_code, "remote_code": c.remote_code,
                           "km": round(c.km, 3), "reason": c.reason, "why_vi": c.vi, "why_en": c.en}
                          for c in self.changes]}


def _texts(key: str, **values) -> dict[str, str]:
    return {lang: t(f"change_{key}", lang, **{k: v(lang) if callable(v) else v for k, v in values.items()})
            for lang in LANGS}


def _name(problem: Problem, code: str) -> str:
    return f"{problem.unit(code).name} ({code})"


def _drop_reason(problem: Problem, key: PairKey, base: set[PairKey], new: set[PairKey]):
    lc, rc = key
    lo, re = problem.unit(lc), problem.unit(rc)
    if key in problem.forbidden:
        return "forbidden", _texts("forbidden_whatif" if _by_whatif(problem, key) else "forbidden")
    km, minutes, _, _ = pair_metrics(problem, lo, re)
    if key not in problem.locked and not within_caps(problem.rules, km, minutes):
        rules = problem.rules
        if rules.max_distance_km is not None and km > rules.max_distance_km:
            return "cap", _texts("cap_km", km=lambda g: fmt_number(km, g, 1),
                                 cap=lambda g: fmt_number(rules.max_distance_km, g, 1))
        return "cap", _texts("cap_minutes", cap=lambda g: fmt_number(rules.max_minutes or 0, g, 0))
    if not same_group(problem.rules, lo, re):
        return "group", _texts("group", column=problem.rules.pair_within)
    for unit in (lo, re):
        code = unit.code
        hi = problem.partner_bounds(unit)[1]
        published = sum(code in k for k in base)
        if published > hi:
            return "partner_limit", _texts("partner_limit", unit=_name(problem, code), n=published, hi=hi)
        locked_new = [k for k in problem.locked if code in k and k not in base]
        if locked_new and sum(code in k for k in new) >= hi:
            other = locked_new[0]
            return "locked", _texts("makes_room", unit=_name(problem, code),
                                    pair=f"{_name(problem, other[0])} – {_name(problem, other[1])}")
    return None


def _follow(problem: Problem, item: tuple[str, PairKey], cause: tuple[str, PairKey]):
    """The reason of a change that shares a unit with an explained change ``cause``."""
    (kind, (lc, rc)), (ckind, (cl, cr)) = item, cause
    if kind == "added" and ckind == "dropped":
        if rc == cr:
            return "replaces", _texts("replaces", unit=_name(problem, rc), old=_name(problem, cl))
        return "replaces", _texts("new_partner", unit=_name(problem, lc), old=_name(problem, cr))
    if kind == "dropped" and ckind == "added":
        return "knock_on", _texts("room_for_new", pair=_pair_name(problem, (cl, cr)))
    return "knock_on", _texts("knock_on", pair=_pair_name(problem, (cl, cr)))


def plan_changes(problem: Problem, result: Result) -> PlanChanges | None:
    """The changes of ``result`` against ``problem.baseline`` (None without a published plan)."""
    if problem.baseline is None:
        return None
    base = set(problem.baseline)
    by_key = {(p.lowland_code, p.remote_code): p for p in result.pairs}
    new = set(by_key)
    dropped, added = sorted(base - new), sorted(new - base)
    changed = [("dropped", k) for k in dropped] + [("added", k) for k in added]
    reasons: dict[tuple[str, PairKey], tuple[str, dict]] = {}
    for key in dropped:  # the rules that force a change by themselves
        if (got := _drop_reason(problem, key, base, new)) is not None:
            reasons["dropped", key] = got
    for key in added:
        if key in problem.locked:
            reasons["added", key] = ("locked", _texts("forced_whatif" if _by_whatif(problem, key) else "locked"))
            continue
        for code in key:
            lo = problem.partner_bounds(problem.unit(code))[0]
            left = sum(code in k for k in base)
            if left < lo:
                reasons["added", key] = ("partner_min", _texts("partner_min", unit=_name(problem, code), lo=lo,
                                                               n=left))
                break
    frontier = list(reasons)
    while frontier:  # then their knock-ons, breadth first: a change sharing a unit with an explained one
        nxt = []
        for cause in frontier:
            for item in changed:  # only across kinds: a drop makes room for an add, an add replaces a drop
                if item not in reasons and item[0] != cause[0] and set(item[1]) & set(cause[1]):
                    reasons[item] = _follow(problem, item, cause)
                    nxt.append(item)
        frontier = nxt
    order = problem.rules.objectives
    # what is left was chosen by a stage ranked before "changes" (it may spend changes)
    earlier = order[:order.index("changes")] if "changes" in order else order
    cap = problem.rules.max_changes
    if earlier:
        left = ("stage", _texts("stage", stage=lambda g: t(f"stage_name_{earlier[0]}", g),
                                cap=lambda g: "" if cap is None else t("change_cap_note", g, cap=cap)))
    else:  # fewest changes first: what is left is part of the least set of changes the rules allow
        left = ("required", _texts("required"))
    out = []
    for kind, key in changed:
        why, texts = reasons.get((kind, key)) or left
        km = by_key[key].km if key in by_key else pair_metrics(problem, problem.unit(key[0]), problem.unit(key[1]))[0]
        out.append(Change(kind, key[0], problem.unit(key[0]).name, key[1], problem.unit(key[1]).name, km, why,
                          texts["vi"], texts["en"]))
    return PlanChanges(len(base), len(base & new), tuple(out))


def _by_whatif(problem: Problem, key: PairKey) -> bool:
    """Whether the rule on ``key`` was set by a what-if (its note says so), not by the pairs table."""
    return any((r.lowland_code, r.remote_code) == key and r.note.startswith("what-if") for r in problem.pair_rules)


def _pair_name(problem: Problem, key: PairKey) -> str:
    return f"{problem.unit(key[0]).name} – {problem.unit(key[1]).name}"


def with_plan_changes(problem: Problem, result: Result, files: dict, lang: str) -> PlanChanges | None:
    """Against a published plan (``--from-plan``): add the changes with their reasons to a
    result folder's ``files`` (``summary.json`` key ``baseline``, and ``plan_changes.csv``);
    return them (None without a published plan)."""
    changes = plan_changes(problem, result)
    if changes is None:
        return None
    import pandas as pd  # only when writing a result folder

    from ..i18n import STRINGS

    files["summary.json"]["baseline"] = changes.as_json()
    files["plan_changes.csv"] = pd.DataFrame(
        [{"change": t(f"xlsx_word_{c.kind}", lang) if f"xlsx_word_{c.kind}" in STRINGS else c.kind,
          "lowland_code": c.lowland_code, "lowland_name": c.lowland_name, "remote_code": c.remote_code,
          "remote_name": c.remote_name, "distance_km": round(c.km, 1), "reason": c.reason, "why": c.text(lang)}
         for c in changes.changes],
        columns=["change", "lowland_code", "lowland_name", "remote_code", "remote_name", "distance_km", "reason",
                 "why"], dtype=object)
    return changes
