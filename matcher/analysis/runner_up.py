"""The runner-up of every chosen pair: who else could take the lowland unit's place, and at what cost.

For a chosen pair (l, r) the *alternatives* are the other lowland units l' allowed with r
(within the caps, not forbidden, not already r's partner). Taking l' instead changes the
plan in the what-if's ``only`` mode (:mod:`matcher.analysis.whatif_modes`): every other pair
stays. With one partner per lowland unit this is a swap: l' leaves its partner r' (unless
that pair is locked: then l' cannot move), and the units set free take what they must or
may: l a remote unit with a free slot (r' included), r' a lowland unit with a free slot
(l included). If l' has a free slot, l' simply joins r (a plain replacement).

*Best* is the lexicographic order the scenario solves by (``rules.objectives``, by default
the smallest coverage, then the total uncovered need, then the total distance): among all
the alternatives of a pair and all the ways to place the units set free, the plan that is
best by the scenario's own stages; ties go to the nearer l', then the lower code. So the
runner-up is the plan the solver itself would rank next among those differing from the
chosen one only at l, l', r and r'.

Screening is exact and needs no solver when no unit splits its staff: covered need is
:func:`matcher.kpis.covered` on the changed pairs (each lowland unit gives its partner
min(supply, need) per domain), kept incrementally for the two or three remote units that
change. When a unit may split its staff, the screening is an optimistic bound and the
``top`` best variants are scored exactly with :func:`matcher.engine.evaluate` (pairs fixed,
split chosen by the same stages). ``verify=True`` re-solves each chosen runner-up with
:func:`matcher.analysis.whatif.what_if` in ``only`` mode (forcing l' at r, forbidding (l, r)
and (l', r')): when the solver places the freed units better, its plan is the one shown.

The cost is said in the committee's words (:func:`describe`): the staff each remote unit
would be short or gain, per domain, who moves where, and the change in total km:
"nếu thay Hải Châu bằng Thanh Khê (62,0 km): thiếu 1 cán bộ công nghệ thông tin; thêm 8,0 km".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..distance import candidates
from ..i18n import LANGS
from ..model import Problem
from ..result import Pair, Result
from .runner_up_words import describe, domain_word  # noqa: F401 - domain_word re-exported

COLUMNS = ["alt_code", "alt_name", "alt_km", "alt_change_vi", "alt_change_en"]
PairKey = tuple[str, str]
TOP = 3  # variants scored exactly per pair when staff is split


@dataclass(frozen=True)
class Alternative:
    """The runner-up of the chosen pair (``lowland_code``, ``remote_code``): ``alt_code`` at
    ``remote_code`` instead, the pairs ``removed`` and ``added`` (every other pair kept), the
    covered need per remote unit and domain that changes (``delta``: + gained, - short), the
    stage figures of the changed plan, and how it was checked (``screened``, ``evaluated``,
    ``what-if only``)."""

    lowland_code: str
    remote_code: str
    alt_code: str
    alt_km: float
    removed: tuple[PairKey, ...]
    added: tuple[PairKey, ...]
    delta: dict = field(default_factory=dict)  # remote code -> {domain: change in covered need}
    km_delta: float = 0.0
    before: dict = field(default_factory=dict)  # stage -> figure of the chosen plan
    after: dict = field(default_factory=dict)  # stage -> figure with the alternative
    checked: str = "screened"

    @property
    def left(self) -> str | None:
        """The partner l' leaves (a swap), or None (a plain replacement)."""
        return next((rc for lc, rc in self.removed if lc == self.alt_code), None)


# ---- screening ---------------------------------------------------------------------------


class _Plan:
    """The chosen plan as counts and per-remote given staff, for quick exact changes."""

    def __init__(self, problem: Problem, result: Result):
        self.problem = problem
        self.minutes = problem.rules.distance_metric == "minutes"
        lows, rems = problem.lowland, problem.remote
        self.allowed = {(lows[c.li].code, rems[c.ri].code): c for c in candidates(problem)}
        self.keys = {(p.lowland_code, p.remote_code) for p in result.pairs}
        self.by_l: dict[str, list[str]] = {}
        self.by_r: dict[str, list[str]] = {}
        for lc, rc in sorted(self.allowed):
            self.by_l.setdefault(lc, []).append(rc)
            self.by_r.setdefault(rc, []).append(lc)
        self.bounds = {u.code: problem.partner_bounds(u) for u in (*lows, *rems)}
        self._pot: dict[PairKey, dict[str, int]] = {}
        self._state: dict = {}
        self.n = {u.code: 0 for u in (*lows, *rems)}
        for lc, rc in self.keys:
            self.n[lc] += 1
            self.n[rc] += 1
        self.partners = {u.code: sorted(k[1] for k in self.keys if k[0] == u.code) for u in lows}
        self.need = {r.code: dict(r.need) for r in rems}
        self.given = {r.code: {} for r in rems}
        for key in self.keys:
            for d, v in self.pot(key).items():
                self.given[key[1]][d] = self.given[key[1]].get(d, 0) + v
        self.cov = {rc: self._cov(rc, self.given[rc]) for rc in self.given}
        self.total = {rc: sum(c.values()) for rc, c in self.cov.items()}
        self.ratios = sorted((self._ratio(rc, self.cov[rc]), rc) for rc in self.cov)
        self.short = sum(r.total_need - sum(self.cov[r.code].values()) for r in rems)
        self.dist = sum(self.cost(k) for k in self.keys)
        self.base = problem.baseline
        self.free = {u.code for u in lows if self.n[u.code] < self.bounds[u.code][1]}

    def pot(self, key: PairKey) -> dict[str, int]:
        """What l can give r per domain: min(supply, need) where both are positive."""
        got = self._pot.get(key)
        if got is None:
            lo, re = self.problem.unit(key[0]), self.problem.unit(key[1])
            got = self._pot[key] = {d: min(lo.supply.get(d, 0), re.need.get(d, 0)) for d in self.problem.domains
                                    if lo.supply.get(d, 0) > 0 and re.need.get(d, 0) > 0}
        return got

    def cost(self, key: PairKey) -> float:
        c = self.allowed.get(key)
        if c is None:  # a chosen pair outside the rules (a hand plan): its own figures
            from ..distance import pair_metrics

            km, minutes, _, _ = pair_metrics(self.problem, self.problem.unit(key[0]), self.problem.unit(key[1]))
            return (minutes or 0.0) if self.minutes else km
        return (c.minutes or 0.0) if self.minutes else c.km

    def km(self, key: PairKey) -> float:
        c = self.allowed.get(key)
        return c.km if c is not None else self.cost(key)

    def _cov(self, rc: str, given: dict[str, int]) -> dict[str, int]:
        return {d: min(self.need[rc].get(d, 0), given.get(d, 0)) for d in self.problem.domains}

    def _ratio(self, rc: str, cov: dict[str, int]) -> float:
        total = sum(self.need[rc].values())
        return sum(cov.values()) / total if total else 1.0

    def fits(self, removed, added) -> bool:
        """Do the partner bounds, capacities and max_changes hold after the change?"""
        p = self.problem
        n = dict.fromkeys({c for k in (*removed, *added) for c in k}, 0)
        for lc, rc in removed:
            n[lc] -= 1
            n[rc] -= 1
        for lc, rc in added:
            n[lc] += 1
            n[rc] += 1
        for code, dn in n.items():
            lo, hi = self.bounds[code]
            if not lo <= self.n[code] + dn <= hi:
                return False
        for rc in {k[1] for k in added}:
            cap = p.unit(rc).capacity
            if cap is not None:
                mine = {k for k in self.keys if k[1] == rc} - set(removed) | {k for k in added if k[1] == rc}
                if sum(self.allowed[k].load if k in self.allowed else 1 for k in mine) > cap:
                    return False
        return p.rules.max_changes is None or self.changes(removed, added) <= p.rules.max_changes

    def changes(self, removed, added) -> int:
        return 0 if self.base is None else self.problem.changes((self.keys - set(removed)) | set(added))

    def _remote(self, rc: str, out: tuple[PairKey, ...], into: tuple[PairKey, ...]):
        """(covered need per domain, its total, coverage ratio) of ``rc`` with pairs ``out``
        removed and ``into`` added (cached: the same change recurs across alternatives)."""
        key = (rc, out, into)
        got = self._state.get(key)
        if got is None:
            g = dict(self.given[rc])
            for k in out:
                for d, v in self.pot(k).items():
                    g[d] -= v
            for k in into:
                for d, v in self.pot(k).items():
                    g[d] = g.get(d, 0) + v
            cov = self._cov(rc, g)
            total = sum(cov.values())
            got = self._state[key] = (cov, total, self._ratio(rc, cov))
        return got

    def figures(self, removed, added, with_delta: bool = False) -> tuple[dict, dict]:
        """The stage figures after the change, and (``with_delta``) the covered need that
        changes per remote unit."""
        touched = {k[1] for k in (*removed, *added)}
        low, lost, delta = 1.0, 0, {}
        for rc in touched:
            cov, total, ratio = self._remote(rc, tuple(k for k in removed if k[1] == rc),
                                             tuple(k for k in added if k[1] == rc))
            low = min(low, ratio)
            old = self.cov[rc]
            lost += self.total[rc] - total
            if with_delta:
                change = {d: cov[d] - old[d] for d in self.problem.domains if cov[d] != old[d]}
                if change:
                    delta[rc] = change
        rest = next((r for r, rc in self.ratios if rc not in touched), None)
        dist = self.dist + sum(self.cost(k) for k in added) - sum(self.cost(k) for k in removed)
        figs = {"balance": low if rest is None else min(low, rest), "shortfall": float(self.short + lost),
                "distance": dist, "changes": float(self.changes(removed, added))}
        return figs, delta

    def before(self) -> dict:
        return {"balance": self.ratios[0][0] if self.ratios else 1.0, "shortfall": float(self.short),
                "distance": self.dist, "changes": float(self.changes((), ()))}


def rank_key(problem: Problem, figs: dict) -> tuple:
    """The scenario's lexicographic order as a sort key (smaller is better)."""
    out = []
    for name in problem.rules.objectives:
        v = figs[name]
        out.append(-round(v, 12) if name == "balance" else round(v, 6))
    return tuple(out)


def variants(plan: _Plan, lc: str, rc: str):
    """Every way (removed, added) for another lowland unit to take lc's place at rc, every
    other pair kept: l' joins rc (leaving one partner if it has no free slot), lc and the
    partner l' left take what they must or may."""
    p = plan.problem
    for l2 in plan.by_r.get(rc, ()):
        if l2 == lc or (l2, rc) in plan.keys:
            continue
        leaves = [None] if l2 in plan.free else [r2 for r2 in plan.partners[l2] if (l2, r2) not in p.locked]
        for r2 in leaves:
            removed = ((lc, rc),) + (((l2, r2),) if r2 else ())
            moves = [None] + [x for x in plan.by_l.get(lc, ()) if x != rc and (lc, x) not in plan.keys
                              and (x == r2 or plan.n[x] < plan.bounds[x][1])]
            fillers = [] if not r2 else [f for f in plan.by_r.get(r2, ()) if f in plan.free and f not in (lc, l2)
                                         and (f, r2) not in plan.keys]
            for x in moves:
                added = ((l2, rc),) + (((lc, x),) if x else ())
                for f in [None] + (fillers if x != r2 else []):
                    more = added + (((f, r2),) if f else ())
                    if plan.fits(removed, more):
                        yield l2, removed, more


def runner_up(problem: Problem, result: Result, params=None, *, verify=False, top: int = TOP,
              progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """One row per chosen pair of ``result`` (a plan of ``problem``): ``lowland_code``,
    ``remote_code`` and :data:`COLUMNS` (blank for a locked pair, or when no other unit could
    take its place within the rules). ``df.attrs['alternatives']``: the :class:`Alternative`
    by pair; ``df.attrs['seconds']``: the time taken. ``verify``: True (every pair), False, or the
    pairs whose runner-up is re-solved with :func:`verified`. Progress lines ("pair 12/45") go to
    ``progress`` once the work has taken more than a second."""
    started = time.perf_counter()
    plan = _Plan(problem, result)
    before = plan.before()
    split = any(problem.splitting)
    names = {u.code: u.name for u in problem.units}
    pairs = [p for p in result.pairs if not p.locked]
    found: dict[PairKey, Alternative] = {}
    for i, pair in enumerate(pairs):
        if progress and time.perf_counter() - started > 1.0:
            progress(f"runner-up: pair {i + 1}/{len(pairs)}")
        key = (pair.lowland_code, pair.remote_code)
        scored = []
        for l2, removed, added in variants(plan, *key):
            figs, _ = plan.figures(removed, added)
            scored.append((rank_key(problem, figs), plan.km((l2, key[1])), l2, removed, added, figs, None))
        if not scored:
            continue
        scored.sort(key=lambda s: s[:3])
        scored = [(*s[:5], *plan.figures(s[3], s[4], True)) for s in scored[:max(top, 1)]]
        if split:
            scored = [_evaluated(problem, result, plan, s, params) for s in scored[:top]]
            scored = sorted((s for s in scored if s is not None), key=lambda s: s[:3])
            if not scored:
                continue
        _, km, l2, removed, added, figs, delta = scored[0]
        alt = Alternative(key[0], key[1], l2, km, removed, added, delta, _km_delta(plan, removed, added), before,
                          figs, "evaluated" if split else "screened")
        if verify is True or (verify and key in set(verify)):
            alt = verified(problem, result, params, alt, plan)
        found[key] = alt
    rows = []
    for pair in result.pairs:
        key = (pair.lowland_code, pair.remote_code)
        alt = found.get(key)
        row = {"lowland_code": key[0], "remote_code": key[1], **dict.fromkeys(COLUMNS, "")}
        if alt is not None:
            row.update({"alt_code": alt.alt_code, "alt_name": names[alt.alt_code], "alt_km": round(alt.alt_km, 1),
                        **{f"alt_change_{lang}": describe(problem, alt, lang) for lang in LANGS}})
        rows.append(row)
    df = pd.DataFrame(rows, columns=["lowland_code", "remote_code", *COLUMNS])
    df["alt_km"] = pd.to_numeric(df["alt_km"].replace("", None))
    df.attrs["alternatives"] = found
    df.attrs["seconds"] = round(time.perf_counter() - started, 3)
    return df


def _km_delta(plan: _Plan, removed, added) -> float:
    return sum(plan.km(k) for k in added) - sum(plan.km(k) for k in removed)


def _evaluated(problem: Problem, result: Result, plan: _Plan, s, params):
    """A screened variant scored exactly (staff split chosen by the engine), or None."""
    from ..engine import evaluate
    from ..kpis import covered, stage_figures

    _, km, l2, removed, added, _, _ = s
    keys = sorted((plan.keys - set(removed)) | set(added))
    res = evaluate(problem, keys, params)
    if not res.status.has_solution:
        return None
    figs = stage_figures(problem, res)
    return (rank_key(problem, figs), km, l2, removed, added, figs, _delta(problem, result.pairs, res.pairs, covered))


def _delta(problem: Problem, old: tuple[Pair, ...], new: tuple[Pair, ...], covered) -> dict:
    a, b = covered(problem, tuple(old)), covered(problem, tuple(new))
    out = {}
    for rc in a:
        change = {d: b[rc][d] - a[rc][d] for d in problem.domains if b[rc][d] != a[rc][d]}
        if change:
            out[rc] = change
    return out


def verified(problem: Problem, result: Result, params, alt: Alternative, plan: _Plan | None = None) -> Alternative:
    """``alt`` checked by :func:`matcher.analysis.whatif.what_if` in ``only`` mode (l' forced at r,
    (l, r) and (l', r') forbidden, every other pair kept, the freed units placed by the solver).
    The solver's plan replaces the screened one when it is better by the scenario's stages."""
    from ..kpis import covered
    from .whatif import what_if

    forbid = [(alt.lowland_code, alt.remote_code)] + ([(alt.alt_code, alt.left)] if alt.left else [])
    w = what_if(problem, params, result, force=[(alt.alt_code, alt.remote_code)], forbid=forbid, mode="only",
                reuse_baseline=False)
    if w.status != "possible" or w.result is None:
        return alt
    after = {s.name: s.after for s in w.stages}
    after = {**alt.after, **{k: v for k, v in after.items() if v is not None}}
    if rank_key(problem, after) >= rank_key(problem, alt.after):
        return Alternative(**{**alt.__dict__, "checked": "what-if only"})
    old, new = {(p.lowland_code, p.remote_code) for p in result.pairs}, {(p.lowland_code, p.remote_code)
                                                                           for p in w.result.pairs}
    removed, added = tuple(sorted(old - new)), tuple(sorted(new - old))
    plan = plan or _Plan(problem, result)
    return Alternative(alt.lowland_code, alt.remote_code, alt.alt_code, alt.alt_km, removed, added,
                       _delta(problem, result.pairs, w.result.pairs, covered), _km_delta(plan, removed, added),
                       alt.before, after, "what-if only")
