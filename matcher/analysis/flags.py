"""Questionable parts of a plan, flagged for the committee (summary.json ``flags``).

Four kinds, each a dict ``{"kind", "lowland_code", "remote_code", "value", "limit",
"text_vi", "text_en"}``:

- ``no_staff``: a pair that moves no staff (every staff column 0: the lowland unit
  supplies nothing its partner still needs);
- ``locked_beyond_cap``: an existing (locked) pair beyond the distance or time cap, kept by
  rule (``value`` its km or minutes, ``limit`` the cap);
- ``low_coverage``: a remote commune whose coverage is below the threshold
  (:data:`DEFAULT_COVERAGE` = 0.5, ``--flag-coverage``; ``value`` its coverage, ``limit``
  the threshold);
- ``useless_lowland``: a lowland unit with partners, none of which needs any domain it
  supplies (no plan could make that pairing move staff).

:func:`flag_warnings` groups them into one :class:`~matcher.errors.MatcherWarning` per kind
(the count, and the first few names), the lines of summary.json ``warnings``.
"""

from __future__ import annotations

from ..errors import MatcherWarning
from ..i18n import fmt_km, fmt_number, fmt_percent, t
from ..kpis import coverage_ratio, covered
from ..model import Problem
from ..result import Result

KINDS = ("no_staff", "locked_beyond_cap", "low_coverage", "useless_lowland")
DEFAULT_COVERAGE = 0.5
"""Remote communes below this coverage are flagged (the committee's "less than half met")."""
SHOWN = 5  # names in a warning line; summary.json ``flags`` lists every one


def _flag(kind: str, codes: tuple[str | None, str | None], figures: tuple, **words) -> dict:
    """One flag: ``codes`` (lowland, remote), ``figures`` (value, limit), ``words`` for its sentences."""
    return {"kind": kind, "lowland_code": codes[0], "remote_code": codes[1], "value": figures[0], "limit": figures[1],
            **{f"text_{lang}": t(f"flag_{kind}", lang, **{k: v(lang) if callable(v) else v for k, v in words.items()})
               for lang in ("vi", "en")}}


def plan_flags(problem: Problem, result: Result, coverage: float = DEFAULT_COVERAGE) -> list[dict]:
    """Every flag of ``result`` (a plan of ``problem``), in the order of :data:`KINDS`."""
    if not 0 <= coverage <= 1:
        raise ValueError(f"coverage threshold must be in [0, 1], got {coverage!r}")
    name = {u.code: u.name for u in problem.units}
    rules = problem.rules
    out: list[dict] = []
    for p in result.pairs:
        if not any(v > 0 for v in p.allot.values()):
            out.append(_flag("no_staff", (p.lowland_code, p.remote_code), (None, None),
                             lowland=name[p.lowland_code], remote=name[p.remote_code]))
    for p in result.pairs:
        if not p.locked:
            continue
        if rules.max_distance_km is not None and p.km > rules.max_distance_km:
            value, limit = round(p.km, 1), rules.max_distance_km
            shown = (lambda lang, v=p.km: fmt_km(v, lang), lambda lang, v=limit: fmt_km(v, lang))
        elif rules.max_minutes is not None and p.minutes is not None and p.minutes > rules.max_minutes:
            value, limit = round(p.minutes, 1), rules.max_minutes
            shown = tuple((lambda lang, v=v: f"{fmt_number(v, lang)} {t('pack_minutes', lang)}")
                          for v in (p.minutes, limit))
        else:
            continue
        out.append(_flag("locked_beyond_cap", (p.lowland_code, p.remote_code), (value, limit),
                         lowland=name[p.lowland_code], remote=name[p.remote_code], dist=shown[0], cap=shown[1]))
    cov = covered(problem, result.pairs)
    for r in problem.remote:
        ratio = coverage_ratio(problem, r.code, cov[r.code])
        if r.total_need and ratio < coverage:
            out.append(_flag("low_coverage", (None, r.code), (round(ratio, 4), coverage), remote=r.name,
                             ratio=lambda lang, v=ratio: fmt_percent(v, lang, other=coverage),
                             limit=lambda lang: fmt_percent(coverage, lang)))
    for lo in problem.lowland:
        mine = [p.remote_code for p in result.pairs if p.lowland_code == lo.code]
        if mine and not any(lo.supply.get(d, 0) > 0 and problem.unit(rc).need.get(d, 0) > 0
                            for rc in mine for d in problem.domains):
            out.append(_flag("useless_lowland", (lo.code, mine[0] if len(mine) == 1 else None), (None, None),
                             lowland=lo.name, remotes=", ".join(name[rc] for rc in mine)))
    return out


def flag_warnings(flags: list[dict]) -> list[MatcherWarning]:
    """One warning per kind of flag: ``2 pairs move no staff: …`` (English, like every warning
    line; the Vietnamese sentence is ``warn_flag_<kind>``), every flag's text a detail line."""
    out = []
    for kind in KINDS:
        mine = [f for f in flags if f.get("kind") == kind]
        if not mine:
            continue
        names = "; ".join(f["text_en"].split(":")[0] for f in mine[:SHOWN]) + ("; …" if len(mine) > SHOWN else "")
        out.append(MatcherWarning(f"flag_{kind}", f"{t(f'flag_group_{kind}', 'en')} ({names})",
                                  details=tuple(f["text_en"] for f in mine)))
    return out


def plan_flagged(problem: Problem, result: Result, coverage: float | None = None, warn=None) -> tuple[list, list]:
    """The plan's flags and their warnings (one per kind), the warnings also handed to ``warn``
    (the flows of :mod:`matcher.jobs`: printed on stderr like the load warnings)."""
    flags = plan_flags(problem, result, DEFAULT_COVERAGE if coverage is None else coverage)
    flagged = flag_warnings(flags)
    if warn is not None and flagged:
        warn(flagged)
    return flags, flagged


def with_flags(files: dict, flags: list, coverage: float | None = None) -> None:
    """A result's files (:func:`matcher.io.result_tables.output_files`) with the flags in
    summary.json, and the coverage threshold they used (``flag_coverage``)."""
    files["summary.json"]["flags"] = flags
    files["summary.json"]["flag_coverage"] = DEFAULT_COVERAGE if coverage is None else coverage


def read_flags(summary: dict | None) -> list[dict]:
    """The flags of a result folder's summary.json, as far as they are well formed (a folder
    written before issue 11 has none)."""
    got = (summary or {}).get("flags")
    if not isinstance(got, list):
        return []
    keep = []
    for f in got:
        if isinstance(f, dict) and f.get("kind") in KINDS and all(isinstance(f.get(k), str) for k in
                                                                   ("text_vi", "text_en")):
            keep.append(f)
    return keep
