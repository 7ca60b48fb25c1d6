"""What if we force or forbid some pairs? Re-solve and report the cost per stage.

:func:`matcher.io.resultdir.problem_for_result` rebuilds the scenario a result folder came
from and checks that it is still the problem the folder was solved from. :func:`what_if` adds the forced pairs as
locked pair rules and the forbidden ones as forbidden rules, re-solves with the same
solver parameters, and compares the new plan with the baseline, stage by stage in the
stages' own units (figures recomputed from the plans with :func:`matcher.kpis.stage_figures`,
compared by :mod:`matcher.analysis.compare`); or, when no plan keeps every rule, says which
rule the change breaks, with numbers. The report's words and its file set are
:func:`matcher.render.text.whatif_markdown` and :func:`matcher.render.text.whatif_files`.

The scenario's own pair rules stay in force: forcing a pair the scenario forbids, or
forbidding an existing (locked) twinning, is reported impossible unless the pair is also
given in ``release`` (which lifts the scenario's rule on it first).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace

from ..distance import candidates, pair_load, pair_metrics
from ..errors import InputError, ValidationIssue
from ..i18n import LANGS, fmt_number, t
from ..io.resultdir import ResultView, result_from_view
from ..kpis import stage_figures, summary_figures
from ..model import PairRule, PairStatus, Problem, Role, SolveParams
from ..result import Result, Status
from .compare import (  # noqa: F401 - re-exported (old import paths)
    Moved,
    PairKey,
    StageCost,
    compare_plans,
    fmt_stage,
    pair_keys,
    stage_change,
    stage_costs,
    stage_unit,
)

compare = stage_change  # the old name of the per-stage comparison

# How far the figures in summary.json may sit from the plan's own (rounding to 3 decimals).
SUMMARY_SLACK = {"balance": 1e-6, "shortfall": 1e-9, "distance": 0.002, "changes": 1e-9}


# ---- what if -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """A reason or a note, in every language; ``rule`` names the kind for programs."""

    rule: str
    vi: str
    en: str

    def text(self, lang: str) -> str:
        return getattr(self, lang)


def _said(rule: str, key: str, **values) -> Said:
    """One i18n string in both languages; values may be callables of the language."""
    texts = {lang: t(key, lang, **{k: v(lang) if callable(v) else v for k, v in values.items()})
             for lang in LANGS}
    return Said(rule, texts["vi"], texts["en"])


@dataclass(frozen=True)
class WhatIf:
    """The answer to one what-if.

    ``status``: ``possible`` (a plan keeps every rule with the change), ``impossible``
    (proven: ``reasons`` say which rule breaks) or ``unknown`` (no plan within the time
    limit). ``stages`` compare baseline and new plan; ``added``/``removed`` list the pairs
    that moved; ``resolved`` is False when the baseline already keeps the change and stays
    optimal (no re-solve was needed).
    """

    force: tuple[PairKey, ...]
    forbid: tuple[PairKey, ...]
    release: tuple[PairKey, ...]
    status: str
    stages: tuple[StageCost, ...]
    added: tuple[Moved, ...] = ()
    removed: tuple[Moved, ...] = ()
    reasons: tuple[Said, ...] = ()
    notes: tuple[Said, ...] = ()
    labels: dict = field(default_factory=dict)  # pair -> "Name (code) – Name (code)"
    resolved: bool = True
    solve_status: str | None = None
    seconds: float = 0.0
    result: Result | None = field(default=None, repr=False, compare=False)
    mode: str = "reoptimise"  # or "only" (every other pair kept), "fewest" (fewest other changes)
    solved: Problem | None = field(default=None, repr=False, compare=False)  # the changed problem re-solved

    @property
    def every_stage_equal(self) -> bool:
        return self.status == "possible" and all(s.change == "same" for s in self.stages)

    def to_dict(self) -> dict:
        def num(x):
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

        return {
            "force": [list(p) for p in self.force],
            "forbid": [list(p) for p in self.forbid],
            "release": [list(p) for p in self.release],
            "status": self.status,
            "mode": self.mode,
            "solve_status": self.solve_status,
            "resolved": self.resolved,
            "every_stage_equal": self.every_stage_equal,
            "stages": [
                {"name": s.name, "unit": s.unit, "before": num(s.before), "after": num(s.after),
                 "delta": num(s.delta), "change": s.change}
                for s in self.stages
            ],
            "labels": {f"{k[0]},{k[1]}": v for k, v in self.labels.items()},
            "added": [asdict(m) for m in self.added],
            "removed": [asdict(m) for m in self.removed],
            "reasons": [asdict(r) for r in self.reasons],
            "notes": [asdict(n) for n in self.notes],
            "seconds": round(self.seconds, 3),
        }


def _clean_pairs(problem: Problem, pairs: Iterable, where: str, issues: list) -> tuple[PairKey, ...]:
    from ..io.names import UnitNames
    from ..io.tables import repair_code

    names = UnitNames(problem.units)
    out = []
    for item in pairs or ():
        try:
            lc, rc = (str(x).strip() for x in item)
        except (TypeError, ValueError):
            issues.append(ValidationIssue(where, None, None, str(item), "expected a pair (lowland code, remote code)"))
            continue
        ok = True
        given = f"{lc}:{rc}"
        for k, (code, role) in enumerate(((lc, Role.LOWLAND), (rc, Role.REMOTE))):
            u, error, _ = names.find(code, role)  # a code or a name (issue 9)
            if u is None:
                what = "code" if repair_code(code).isdigit() else "code or name"
                issues.append(ValidationIssue(where, None, None, given, f"unknown unit {what} {code}"
                                              if error.startswith("unknown") else f"'{code}': {error}"))
                ok = False
                continue
            code = u.code
            lc, rc = (code, rc) if k == 0 else (lc, code)
            if u.role is not role:
                issues.append(ValidationIssue(where, None, None, given,
                                              f"{u.name} ({code}) is {u.role.value}, not {role.value}"))
                ok = False
        if ok and (lc, rc) not in out:
            out.append((lc, rc))
    return tuple(out)


def _pair_km(problem: Problem, key: PairKey) -> float:
    return pair_metrics(problem, problem.unit(key[0]), problem.unit(key[1]))[0]


def _unit_label(problem: Problem, code: str) -> str:
    return f"{problem.unit(code).name} ({code})"


def _pair_label(problem: Problem, key: PairKey) -> str:
    return f"{_unit_label(problem, key[0])} – {_unit_label(problem, key[1])}"


def _base_plan(problem: Problem, base: Result | ResultView) -> tuple[Result, dict[str, float]]:
    """The baseline as a Result and its stage figures (checked against summary.json)."""
    if isinstance(base, ResultView):
        res = result_from_view(problem, base)
        figs = stage_figures(problem, res)
        shown = summary_figures(problem, base.summary)
        for name, value in shown.items():
            if value is not None and figs[name] is not None and abs(value - figs[name]) > SUMMARY_SLACK[name]:
                raise InputError([ValidationIssue(
                    str(base.path / "summary.json"), None, None, None,
                    f"{name} is {value} in summary.json but {figs[name]:.6g} from pairs.csv "
                    "under this scenario; the folder does not match the problem")])
        return res, figs
    return base, stage_figures(problem, base)


def _changed_problem(problem: Problem, force, forbid, release) -> Problem:
    kept = [r for r in problem.pair_rules if (r.lowland_code, r.remote_code) not in set(release)]
    locked = {(r.lowland_code, r.remote_code) for r in kept if r.status is PairStatus.LOCKED}
    forbidden = {(r.lowland_code, r.remote_code) for r in kept if r.status is PairStatus.FORBIDDEN}
    kept += [PairRule(lc, rc, PairStatus.LOCKED, "what-if: forced") for lc, rc in force if (lc, rc) not in locked]
    kept += [PairRule(lc, rc, PairStatus.FORBIDDEN, "what-if: forbidden") for lc, rc in forbid
             if (lc, rc) not in forbidden]
    return replace(problem, pair_rules=tuple(kept))


def _partner_list(problem: Problem, codes: list[tuple[str, str]], lang: str) -> str:
    """'Trà Leng (20938, existing), Trà Tập (20941, forced)'; tags are i18n keys."""
    if not codes:
        return t("wi_none", lang)
    shown = [f"{problem.unit(c).name} ({c}{', ' + t(tag, lang) if tag else ''})" for c, tag in codes[:6]]
    return ", ".join(shown) + (", …" if len(codes) > 6 else "")


def _simple_causes(problem: Problem, new: Problem, force, forbid, release) -> list[Said]:
    """Rules the change breaks for certain, found by counting (no solver)."""
    out: list[Said] = []
    released = set(release)
    for key in force:
        if key in problem.forbidden and key not in released:
            out.append(_said("forbidden", "wi_r_forbidden", pair=_pair_label(problem, key)))
    for key in forbid:
        if key in problem.locked and key not in released:
            out.append(_said("locked", "wi_r_locked", pair=_pair_label(problem, key)))
    if out:
        return out
    forced = set(force)
    locked = new.locked
    by_unit: dict[str, list[PairKey]] = {}
    for key in sorted(locked):
        for code in key:
            by_unit.setdefault(code, []).append(key)
    saturated = set()
    for u in (*new.lowland, *new.remote):
        mine = by_unit.get(u.code, [])
        _, hi = new.partner_bounds(u)
        if len(mine) >= hi:
            saturated.add(u.code)
        if len(mine) > hi:
            side = 1 if u.role is Role.LOWLAND else 0
            partners = [(k[side], "wi_tag_forced" if k in forced and k not in problem.locked else "wi_tag_existing")
                        for k in mine]
            out.append(_said(f"{u.role.value}_max", "wi_r_max", unit=_unit_label(new, u.code), max=hi,
                             n=len(mine), partners=lambda lang, p=partners: _partner_list(new, p, lang)))
        if u.role is Role.REMOTE and u.capacity is not None:
            load = sum(pair_load(new, *k) for k in mine)
            if load > u.capacity:
                out.append(_said("capacity", "wi_r_capacity", unit=_unit_label(new, u.code),
                                 cap=u.capacity, load=load))
    if out:
        return out
    # Minimum partners: a pair is usable if it is locked, or neither end is already full
    # of locked pairs.
    lows, rems = new.lowland, new.remote
    usable: dict[str, list[str]] = {u.code: [] for u in (*lows, *rems)}
    for c in candidates(new):
        lc, rc = lows[c.li].code, rems[c.ri].code
        if c.locked or (lc not in saturated and rc not in saturated):
            usable[lc].append(rc)
            usable[rc].append(lc)
    old_usable = None
    for u in (*lows, *rems):
        lo, _ = new.partner_bounds(u)
        if len(usable[u.code]) < lo:
            if old_usable is None:  # only report what the change made worse
                old_usable = _usable_counts(problem)
            if old_usable.get(u.code, 0) < lo:
                continue
            partners = [(c, "") for c in usable[u.code]]
            out.append(_said(f"{u.role.value}_min", "wi_r_min", unit=_unit_label(new, u.code), min=lo,
                             n=len(partners), partners=lambda lang, p=partners: _partner_list(new, p, lang)))
    return out


def _usable_counts(problem: Problem) -> dict[str, int]:
    count = Counter(code for key in problem.locked for code in key)
    full = {u.code for u in problem.units if u.role is not Role.EXCLUDED
            and count.get(u.code, 0) >= problem.partner_bounds(u)[1]}
    lows, rems = problem.lowland, problem.remote
    out: dict[str, int] = {}
    for c in candidates(problem):
        lc, rc = lows[c.li].code, rems[c.ri].code
        if c.locked or (lc not in full and rc not in full):
            out[lc] = out.get(lc, 0) + 1
            out[rc] = out.get(rc, 0) + 1
    return out


def what_if(
    problem: Problem,
    params: SolveParams | None,
    base: Result | ResultView,
    force: Iterable[PairKey] = (),
    forbid: Iterable[PairKey] = (),
    *,
    release: Iterable[PairKey] = (),
    reuse_baseline: bool = True,
    mode: str = "reoptimise",
) -> WhatIf:
    """Re-solve with ``force`` pairs locked and ``forbid`` pairs forbidden; compare with ``base``.

    ``base`` is the plan being questioned (a :class:`Result` of ``problem``, or a result
    folder read with :func:`matcher.io.resultdir.read_result_dir`). ``params`` should be the ones
    the baseline was solved with (``workers=1`` and the same seed make the re-solve
    reproducible). ``release`` lifts the scenario's own rule (locked or forbidden) on
    those pairs first, e.g. to explore dropping an existing twinning. When the baseline
    already keeps the change (every forced pair in it, no forbidden one) and was proven
    optimal with zero tolerances, it stays optimal: it is returned as the new plan without
    re-solving (``reuse_baseline=False`` re-solves anyway).

    ``mode``: ``reoptimise`` (every other pair free), ``only`` (every other pair of ``base``
    kept: the cost of exactly this change, or why it cannot be made alone) or ``fewest`` (the
    best coverage, then as few other pairs changed as reach it: :mod:`matcher.io.baseline`).

    Raises :class:`InputError` for unknown codes, a code of the wrong side, or a pair both
    forced and forbidden.
    """
    from ..engine import solve  # the solver (ortools) only when re-solving

    issues: list[ValidationIssue] = []
    # Named as the command-line options that carry them (the library takes the same words).
    force = _clean_pairs(problem, force, "--force", issues)
    forbid = _clean_pairs(problem, forbid, "--forbid", issues)
    release = _clean_pairs(problem, release, "--release", issues)
    for key in sorted(set(force) & set(forbid)):
        issues.append(ValidationIssue("force/forbid", None, None, f"{key[0]},{key[1]}",
                                      f"{_pair_label(problem, key)} is both forced and forbidden"))
    if issues:
        raise InputError(issues)
    params = params or SolveParams()
    base_res, before = _base_plan(problem, base)
    base_keys = pair_keys(base_res.pairs)
    order = problem.rules.objectives
    labels = {key: _pair_label(problem, key) for key in (*force, *forbid, *release)}
    notes: list[Said] = []
    for key in force:
        if key in problem.locked:
            notes.append(_said("already_locked", "wi_already_locked", pair=labels[key]))
        elif key in base_keys:
            notes.append(_said("already_in_plan", "wi_already_in_plan", pair=labels[key]))
        else:
            cap, km = problem.rules.max_distance_km, _pair_km(problem, key)
            if cap is not None and km > cap:
                notes.append(_said("beyond_cap", "wi_beyond_cap", pair=labels[key],
                                   km=lambda lang, v=km: fmt_stage("distance", "km", v, lang),
                                   cap=lambda lang, v=cap: f"{fmt_number(v, lang, 0 if v == int(v) else 1)} km"))
    absent = [labels[key] for key in forbid if key not in base_keys]
    if absent:
        shown = "; ".join(absent[:5])
        notes.append(_said("not_in_plan", "wi_not_in_plan", n=len(absent),
                           pairs=lambda lang: shown + ("; …" if len(absent) > 5 else "")))
    if params.workers > 1:
        notes.append(_said("workers", "wi_workers", workers=params.workers))

    def stages(after: dict | None) -> tuple[StageCost, ...]:
        return stage_costs(problem, before, after, order)

    new = _changed_problem(problem, force, forbid, release)
    if mode != "reoptimise":
        from .whatif_modes import in_mode

        new = in_mode(new, mode, base_keys - set(forbid) - set(release))
    common = dict(force=force, forbid=forbid, release=release, labels=labels, mode=mode, solved=new)
    causes = _simple_causes(problem, new, force, forbid, release)
    if causes:
        return WhatIf(status="impossible", stages=stages(None), reasons=tuple(causes), notes=tuple(notes),
                      resolved=False, **common)
    zero_tol = all(v == 0 for v in problem.rules.tolerances.values())
    keeps = set(force) <= base_keys and not (set(forbid) & base_keys) and not release
    proven = base_res.status is Status.OPTIMAL and base_res.mode == "solve"  # not a hand plan's split
    if reuse_baseline and keeps and zero_tol and proven:
        notes.append(_said("reused", "wi_reuse"))
        return WhatIf(status="possible", stages=stages(before), notes=tuple(notes), resolved=False,
                      solve_status=Status.OPTIMAL.value, result=base_res, **common)
    res = solve(new, params)
    if not res.status.has_solution:
        if res.status is Status.INFEASIBLE:
            reasons = (_said("no_plan", "wi_r_general"),)
            status = "impossible"
        else:
            reasons = (_said("time", "wi_r_time", seconds=lambda lang: fmt_number(params.time_limit_s, lang)),)
            status = "unknown"
        return WhatIf(status=status, stages=stages(None), reasons=reasons, notes=tuple(notes),
                      solve_status=res.status.value, seconds=res.seconds, result=res, **common)
    diff = compare_plans(problem, base_res, res, before_figures=before, requested_added=force,
                         requested_removed=(*forbid, *release))
    w = WhatIf(
        status="possible", stages=diff.stages, added=diff.added, removed=diff.removed,
        notes=tuple(notes), solve_status=res.status.value, seconds=res.seconds, result=res, **common,
    )
    extra = []
    if res.status is not Status.OPTIMAL:
        extra.append(_said("not_proven", "wi_not_proven"))
    if w.every_stage_equal and (w.added or w.removed):
        extra.append(_said("ties", "wi_ties"))
    return replace(w, notes=w.notes + tuple(extra)) if extra else w


# ---- files --------------------------------------------------------------------------------


def whatif_json(w: WhatIf) -> str:
    return json.dumps(w.to_dict(), ensure_ascii=False, indent=2)
