"""The runner-up's cost in the committee's words (vi and en): staff short or gained per domain
at each remote unit that changes, who moves where, the smallest coverage when it changes,
and the change in total km, every number by the one rule of :mod:`matcher.i18n`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import domain_label, fmt_km, fmt_percent, t
from ..model import Problem

if TYPE_CHECKING:  # pragma: no cover
    from .runner_up import Alternative

PairKey = tuple[str, str]


def domain_word(d: str, lang: str) -> str:
    """'Đất đai' -> 'đất đai' inside a sentence; acronyms ('IT') stay as they are."""
    text = domain_label(d, lang)
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _staff(change: dict[str, int], sign: int, lang: str) -> str:
    items = [(d, abs(v)) for d, v in change.items() if v * sign > 0]
    return ", ".join(t("ru_officer_one" if n == 1 else "ru_officer_many", lang, n=n, domain=domain_word(d, lang))
                     for d, n in items)


def _effect(change: dict[str, int] | None, lang: str) -> str:
    """'thiếu 1 cán bộ công nghệ thông tin, được thêm 1 cán bộ xây dựng' / 'không thiếu thêm'."""
    change = change or {}
    out = []
    if any(v < 0 for v in change.values()):
        out.append(t("ru_short", lang, staff=_staff(change, -1, lang)))
    if any(v > 0 for v in change.values()):
        out.append(t("ru_gain", lang, staff=_staff(change, 1, lang)))
    return ", ".join(out)


def describe(problem: Problem, alt: Alternative, lang: str) -> str:
    """The cost of the runner-up in the committee's words (``lang``)."""
    name = {u.code: u.name for u in problem.units}
    lc, rc, l2 = alt.lowland_code, alt.remote_code, alt.alt_code
    head = t("ru_replace", lang, old=name[lc], new=name[l2], km=fmt_km(alt.alt_km, lang))
    parts = [_effect(alt.delta.get(rc), lang) or t("ru_nothing_short", lang)]
    r2 = alt.left
    moved = {k[1]: k for k in alt.added if k[0] == lc}
    if r2:
        part = t("ru_leaves", lang, new=name[l2], left=name[r2])
        if r2 in moved:
            part += ", " + t("ru_goes_there", lang, old=name[lc], km=fmt_km(alt_km(alt, (lc, r2), problem), lang))
        effect = _effect(alt.delta.get(r2), lang)
        parts.append(part + (": " + t("ru_at", lang, unit=name[r2], what=effect) if effect else ""))
    for x, key in moved.items():
        if x != r2:
            effect = _effect(alt.delta.get(x), lang)
            parts.append(t("ru_goes_to", lang, old=name[lc], unit=name[x], km=fmt_km(alt_km(alt, key, problem), lang))
                         + (": " + t("ru_at", lang, unit=name[x], what=effect) if effect else ""))
    if not moved:
        parts.append(t("ru_unpaired", lang, old=name[lc]))
    for f, x in alt.added:
        if f not in (lc, l2):
            effect = _effect(alt.delta.get(x), lang)
            km = fmt_km(alt_km(alt, (f, x), problem), lang)
            parts.append(t("ru_fills", lang, unit=name[f], remote=name[x], km=km)
                         + (": " + t("ru_at", lang, unit=name[x], what=effect) if effect else ""))
    b, a = alt.before.get("balance"), alt.after.get("balance")
    if b is not None and a is not None and abs(a - b) > 1e-9:
        parts.append(t("ru_min_coverage", lang, before=fmt_percent(b, lang, other=a),
                       after=fmt_percent(a, lang, other=b)))
    d = alt.km_delta
    if abs(d) < 0.05:
        parts.append(t("ru_km_same", lang))
    else:
        parts.append(t("ru_km_more" if d > 0 else "ru_km_less", lang, km=fmt_km(abs(d), lang)))
    return f"{head}: " + "; ".join(parts)


def alt_km(alt: Alternative, key: PairKey, problem: Problem) -> float:
    """The km of one pair of the alternative (from the rules' own distance)."""
    from ..distance import pair_metrics

    return pair_metrics(problem, problem.unit(key[0]), problem.unit(key[1]))[0]
