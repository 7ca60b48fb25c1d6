"""Why this partner? One row per chosen pair: what it covers, how near it is, and which
objective stage needs it.

``decided_by`` comes from a counterfactual: the scenario is re-solved with the pair
forbidden (same solver parameters, a time budget per re-solve) and the plan's figures
are compared with the baseline's, stage by stage in the scenario's objective order. The
first stage that gets worse names the reason:

- ``balance`` / ``shortfall`` / ``distance``: without the pair that stage is worse;
- ``tie``: a plan just as good on every stage exists without it;
- ``locked``: an existing twinning, kept by rule (no re-solve);
- ``required``: without it no plan keeps every rule;
- ``unknown``: the re-solve found no plan within its budget, or found one better than the
  baseline on the first stage that differs (the baseline was not proven optimal);
- ``not_checked``: ``counterfactual=False``.

Every figure is the plan's own (:func:`matcher.kpis.stage_figures`), not a stage's bound. The
re-solves are independent of each other; with ``workers == 1`` each is reproducible.

The sentences ``why_vi`` / ``why_en`` speak the committee's terms (issue 11): what the pair
covers, whether it alone covers a domain, its distance rank, the deciding criterion in words
(no total-km figures), and the runner-up with what taking it instead would cost
(:mod:`matcher.analysis.runner_up`, checked by what-if's only mode), which also fills the
``alt_*`` columns.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace

import pandas as pd

from ..distance import candidates
from ..i18n import LANGS, t
from ..io.resultdir import ResultView, result_from_view
from ..kpis import stage_figures
from ..model import STAGES, PairRule, PairStatus, Problem, SolveParams
from ..result import Result, Status
from .compare import deciding_stage
from .runner_up import COLUMNS as ALT_COLUMNS
from .runner_up import domain_word as _lower_first
from .runner_up import runner_up

COLUMNS = [
    "lowland_code", "lowland_name", "remote_code", "remote_name", "distance_km", "distance_rank", "n_candidates",
    "why_domains", "sole_domains", "locked", "decided_by", "decided_before", "decided_after",
    "counterfactual_status", "why_vi", "why_en", *ALT_COLUMNS,
]


def distance_ranks(problem: Problem) -> dict[tuple[str, str], tuple[int, int]]:
    """For every allowed pair: (rank of the lowland unit among the remote unit's allowed
    candidates by distance, 1 = nearest, ties share the better rank; number of candidates).
    Distance is km, or minutes when the scenario measures minutes."""
    lows, rems = problem.lowland, problem.remote
    minutes = problem.rules.distance_metric == "minutes"
    by_r: dict[int, list] = {}
    for c in candidates(problem):
        by_r.setdefault(c.ri, []).append(c)
    out = {}
    for ri, cs in by_r.items():
        dist = [(c.minutes if minutes else c.km) or 0.0 for c in cs]
        for c, d in zip(cs, dist, strict=True):
            rank = 1 + sum(1 for o in dist if o < d - 1e-9)
            out[(lows[c.li].code, rems[ri].code)] = (rank, len(cs))
    return out


def _domains_text(items: list[tuple[str, int]], lang: str) -> str:
    return ", ".join(f"{_lower_first(d, lang)} {n}" for d, n in items)


def _sentence(lang: str, covers: list[tuple[str, int]], sole: list[str], rank: tuple[int, int] | None,
              decided: str, stage_name: str | None, seconds: float, alt: str | None) -> str:
    """What the pair covers, in words, the criterion that decided it, and its runner-up."""
    parts = [t("why_covers", lang, domains=_domains_text(covers, lang)) if covers
             else t("why_covers_nothing", lang)]
    if sole and len(sole) == len(covers) and len(sole) > 1:
        parts.append(t("why_sole_all", lang))
    elif sole:
        parts.append(t("why_sole", lang, domains=", ".join(_lower_first(d, lang) for d in sole)))
    if rank is not None:
        parts.append(t("why_rank", lang, rank=rank[0], n=rank[1]))
    if decided in STAGES:
        parts.append(t(f"why_c_{decided}", lang))
    elif decided == "unknown" and stage_name is not None:
        parts.append(t("why_better", lang))
    elif decided == "unknown":
        parts.append(t("why_unknown", lang, seconds=f"{seconds:g}"))
    elif decided in ("tie", "locked", "required"):
        parts.append(t(f"why_{decided}", lang))
    if alt:
        parts.append(t("why_alt", lang, alt=alt))
    elif decided != "locked":
        parts.append(t("why_no_alt", lang))
    return "; ".join(parts)


def why(
    problem: Problem,
    result: Result | ResultView,
    params: SolveParams | None = None,
    *,
    counterfactual: bool = True,
    only: Iterable[tuple[str, str]] | None = None,
    time_limit_s: float | None = 20.0,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """One row per pair of ``result`` (a solve of ``problem``, or its result folder).

    Columns: ``lowland_code``, ``lowland_name``, ``remote_code``, ``remote_name``,
    ``distance_km``, ``distance_rank`` and ``n_candidates`` (3 and 41: the 3rd nearest of the
    remote unit's 41 allowed candidates; two integer columns, as a '3/41' cell would turn
    into a date in Excel), ``why_domains`` (the staff this pair gives towards the remote unit's need,
    'it 2; land 1'), ``sole_domains`` (those no other partner of that remote unit covers),
    ``locked``, ``decided_by`` (see the module docstring), ``decided_before`` /
    ``decided_after`` (the deciding stage's figure in the plan and without the pair),
    ``counterfactual_status`` (of the re-solve), and the sentences ``why_vi``, ``why_en``.
    Every column is deterministic (with ``workers == 1``), so pairs.csv stays reproducible.

    ``params``: the solver parameters of the baseline (default: those recorded in the
    result); each re-solve gets ``time_limit_s`` seconds (``None``: the params' own limit).
    One re-solve per pair that is not locked (or only for the pairs in ``only``; the
    others say ``not_checked``); ``counterfactual=False`` skips them all.
    ``df.attrs['counterfactual_seconds']`` holds the total time spent re-solving and
    ``df.attrs['seconds_per_pair']`` each re-solve's. The runner-up columns ``alt_code``,
    ``alt_name``, ``alt_km``, ``alt_change_vi``, ``alt_change_en`` come from
    :func:`matcher.analysis.runner_up.runner_up` (checked by what-if's only mode when
    ``counterfactual``).
    """
    from ..engine import solve  # only the counterfactual needs the solver (imports ortools)

    if isinstance(result, ResultView):
        result = result_from_view(problem, result)
    if params is None:
        rp = {k: v for k, v in dict(result.params).items() if k in ("time_limit_s", "workers", "seed")}
        params = SolveParams(**rp)
    if time_limit_s is not None:
        params = replace(params, time_limit_s=time_limit_s)
    order = problem.rules.objectives
    before = stage_figures(problem, result)
    ranks = distance_ranks(problem)
    names = {u.code: u.name for u in problem.units}
    remote_order = {u.code: i for i, u in enumerate(problem.remote)}
    pairs = sorted(result.pairs, key=lambda p: (remote_order[p.remote_code], p.km))
    wanted = None if only is None else {(str(a), str(b)) for a, b in only}
    todo = [(p.lowland_code, p.remote_code) for p in pairs if not p.locked and counterfactual
            and (wanted is None or (p.lowland_code, p.remote_code) in wanted)]
    alts = runner_up(problem, result, params, verify=counterfactual and (wanted if wanted is not None else True),
                     progress=progress)
    alt_rows = {(r["lowland_code"], r["remote_code"]): r for r in alts.to_dict("records")}
    rows = []
    spent = 0.0
    per_pair: dict[str, float] = {}
    for p in pairs:
        key = (p.lowland_code, p.remote_code)
        remote = problem.unit(p.remote_code)
        covers = [(d, int(p.allot.get(d, 0))) for d in problem.domains
                  if p.allot.get(d, 0) > 0 and remote.need.get(d, 0) > 0]
        others = [q for q in result.pairs if q.remote_code == p.remote_code and q is not p]
        sole = [d for d, _ in covers if not any(q.allot.get(d, 0) > 0 for q in others)]
        decided, stage, after_v, before_v, cf_status, cf_seconds = "not_checked", None, None, None, None, None
        if p.locked:
            decided = "locked"
        elif key in todo:
            if progress:
                progress(f"why {todo.index(key) + 1}/{len(todo)}: without {names[key[0]]} – {names[key[1]]}")
            rule = PairRule(key[0], key[1], PairStatus.FORBIDDEN, "why: counterfactual")
            variant = replace(problem, pair_rules=(*problem.pair_rules, rule))
            t0 = time.perf_counter()
            res = solve(variant, params)
            cf_seconds = time.perf_counter() - t0
            spent += cf_seconds
            per_pair[f"{key[0]},{key[1]}"] = round(cf_seconds, 3)
            cf_status = res.status.value
            if res.status is Status.INFEASIBLE:
                decided = "required"
            elif not res.status.has_solution:
                decided = "unknown"
            else:
                after = stage_figures(variant, res)
                decided, stage = deciding_stage(order, before, after)
                if stage is not None:
                    before_v, after_v = before[stage], after[stage]
        rank = ranks.get(key)
        alt = alt_rows[key]
        sentence = {lang: _sentence(lang, covers, sole, rank, decided, stage, params.time_limit_s,
                                    alt[f"alt_change_{lang}"]) for lang in LANGS}
        rows.append({
            "lowland_code": key[0], "lowland_name": names[key[0]],
            "remote_code": key[1], "remote_name": names[key[1]],
            "distance_km": round(p.km, 1),
            "distance_rank": rank[0] if rank else None,
            "n_candidates": rank[1] if rank else None,
            "why_domains": "; ".join(f"{d} {v}" for d, v in covers),
            "sole_domains": "; ".join(sole),
            "locked": p.locked,
            "decided_by": decided,
            "decided_before": before_v, "decided_after": after_v,
            "counterfactual_status": cf_status,
            "why_vi": sentence["vi"], "why_en": sentence["en"],
            **{c: alt[c] for c in ALT_COLUMNS},
        })
    df = pd.DataFrame(rows, columns=COLUMNS)
    df.attrs["counterfactual_seconds"] = round(spent, 3)
    df.attrs["seconds_per_pair"] = per_pair
    df.attrs["baseline"] = before
    df.attrs["alternatives"] = alts.attrs["alternatives"]
    return df
