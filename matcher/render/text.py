"""The words of the answers: diagnoses and what-ifs as Markdown, sentences and JSON text.

Plain data in, text out. This module reads the objects of :mod:`matcher.analysis.findings`
(:class:`Rule`, :class:`Finding`, :class:`Fix`, :class:`Diagnosis`) and of
:mod:`matcher.analysis.whatif` (:class:`WhatIf`) by their attributes only. It imports the
model, the catalogue and the solver-free analysis modules :mod:`matcher.analysis.findings`
and :mod:`matcher.analysis.compare` (whose :func:`fmt_stage` it re-exports), so it never
pulls in the engine (ortools), pandas or the file writers; a test in
``tests/render/test_text.py`` checks that in a fresh interpreter. The file sets
(:func:`diagnosis_files`, :func:`whatif_files`) are published by the caller through
:func:`matcher.io.files.write_outputs`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..analysis.compare import fmt_stage  # defined with the stages: analysis writes figures too
from ..analysis.findings import DIAGNOSIS_FILES
from ..i18n import DEFAULT_LANG, LANGS, fmt_km, fmt_number, t
from ..model import STAGES

if TYPE_CHECKING:  # pragma: no cover - names for the annotations only
    from ..analysis.findings import Diagnosis, Finding, Fix, Rule
    from ..analysis.whatif import WhatIf

# ---- Markdown and numbers --------------------------------------------------------------------

MD_SPECIAL = "\\`*_[]<>#|~"


def md_escape(text: str) -> str:
    """Escape the characters that Markdown would read as markup."""
    return "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in str(text))


def plain_text(text: str) -> str:
    """No escaping (JSON and screen text)."""
    return str(text)


def _num(x, lang: str) -> str:
    x = float(x)
    return fmt_number(x, lang, 0 if x.is_integer() else 1)


def _dist(x, lang: str, metric: str = "km") -> str:
    if metric == "minutes":
        return t("dx_minutes", lang, n=_num(x, lang))
    return fmt_km(x, lang)  # the one km rule (matcher.i18n)


def _partners(n: int, lang: str) -> str:
    return t("dx_n_partners_one" if n == 1 else "dx_n_partners", lang, n=n)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")


# ---- diagnosis ---------------------------------------------------------------------------------


class _Words:
    def __init__(self, names: Mapping[str, str], lang: str, esc: Callable[[str], str]) -> None:
        self.names, self.lang, self.esc = names, lang, esc

    def unit(self, code: str) -> str:
        return t("dx_unit", self.lang, name=self.esc(self.names.get(code, code)), code=self.esc(code))

    def pair(self, pair: Sequence[str]) -> str:
        return t("dx_pair", self.lang, lowland=self.unit(pair[0]), remote=self.unit(pair[1]))

    def units(self, codes: Sequence[str], limit: int = 6) -> str:
        shown = [self.unit(c) for c in codes[:limit]]
        if len(codes) > limit:
            shown.append(t("dx_more", self.lang, n=len(codes) - limit))
        return ", ".join(shown)


def rule_text(rule: Rule, names: Mapping[str, str], lang: str = DEFAULT_LANG, esc=plain_text) -> str:
    """One rule in words, e.g. "Trà Linh (20950) needs at least 1 partner", "distance cap 80 km"."""
    w = _Words(names, lang, esc)
    k = rule.kind
    if k in ("distance_cap", "minutes_cap"):
        return t(f"dx_r_{k}", lang, dist=_dist(rule.value, lang, "km" if k == "distance_cap" else "minutes"))
    if k in ("min_partners", "max_partners"):
        return t(f"dx_r_{k}", lang, unit=w.unit(rule.subject[0]), partners=_partners(rule.value, lang))
    if k == "capacity":
        return t("dx_r_capacity", lang, unit=w.unit(rule.subject[0]), capacity=_num(rule.value, lang))
    if k == "max_changes":
        return t("dx_r_max_changes", lang, n=_num(rule.value, lang))
    return t(f"dx_r_{k}", lang, pair=w.pair(rule.subject))


def fix_text(fix: Fix, names: Mapping[str, str], lang: str = DEFAULT_LANG, esc=plain_text) -> str:
    """One fix in words, e.g. "raise the distance cap to 126 km", "unlock Sơn Trà–Trà Leng"."""
    w = _Words(names, lang, esc)
    rule, v = fix.rule, fix.value
    k = rule.kind
    if k in ("distance_cap", "minutes_cap"):
        return t(f"dx_x_{k}", lang, dist=_dist(v, lang, "km" if k == "distance_cap" else "minutes"))
    if k == "max_partners":
        return t("dx_x_max_partners", lang, unit=w.unit(rule.subject[0]), partners=_partners(v, lang))
    if k == "min_partners":
        if v == 0:
            return t("dx_x_min_partners_zero", lang, unit=w.unit(rule.subject[0]))
        return t("dx_x_min_partners", lang, unit=w.unit(rule.subject[0]), n=v)
    if k == "capacity":
        return t("dx_x_capacity", lang, unit=w.unit(rule.subject[0]), capacity=_num(v, lang))
    if k == "max_changes":
        return t("dx_x_max_changes", lang, n=_num(v, lang))
    return t(f"dx_x_{k}", lang, pair=w.pair(rule.subject))


def finding_text(f: Finding, names: Mapping[str, str], lang: str = DEFAULT_LANG, esc=plain_text) -> str:
    """One pre-check result in words, with its numbers and names."""
    w, v = _Words(names, lang, esc), f.values
    if f.kind == "partner_totals":
        return t(f"dx_f_totals_{v['side']}", lang, need=v["need"], room=v["room"],
                 units=w.units(f.units), others=w.units(v["others"]))
    if f.kind == "no_partner":
        unit, partners = w.unit(v["unit"]), _partners(v["min"], lang)
        parts = [t("dx_f_nobody", lang, unit=unit, partners=partners) if v["available"] == 0
                 else t("dx_f_too_few", lang, unit=unit, partners=partners, available=v["available"])]
        if v["committed"]:
            parts.append(t("dx_f_committed", lang, units=w.units(v["committed"])))
        if v["forbidden_near"]:
            parts.append(t("dx_f_forbidden_near", lang, units=w.units(v["forbidden_near"])))
        if v["nearest"] is not None:
            parts.append(t("dx_f_nearest", lang, nearest=w.unit(v["nearest"]), dist=_dist(v["nearest_km"], lang)))
        return " ".join(parts)
    if f.kind == "locked_over_max":
        return t("dx_f_locked_over_max", lang, unit=w.unit(v["unit"]), n=v["n"],
                 units=w.units(v["partners"]), partners=_partners(v["max"], lang))
    if f.kind == "locked_over_capacity":
        return t("dx_f_locked_over_capacity", lang, unit=w.unit(v["unit"]), units=w.units(v["partners"]),
                 load=_num(v["load"], lang), capacity=_num(v["capacity"], lang))
    if f.kind == "locked_beyond_cap":
        return t("dx_f_locked_beyond_cap", lang, pair=w.pair(v["pair"]),
                 dist=_dist(v["dist"], lang, v["metric"]), cap=_dist(v["cap"], lang, v["metric"]))
    raise ValueError(f"unknown finding kind {f.kind!r}")


def diagnosis_dict(d: Diagnosis, lang: str | None = None) -> dict:
    """A diagnosis as plain JSON data (``diagnosis.json``): :meth:`Diagnosis.to_dict` with a
    ``text`` beside every finding, rule and fix, in ``lang`` (default: the diagnosis's language)."""
    lang = lang or d.lang
    data = d.to_dict(lang)
    for item, f in zip(data["findings"], d.findings, strict=True):
        item["text"] = finding_text(f, d.names, lang)
    for item, r in zip(data["conflict"], d.conflict, strict=True):
        item["text"] = rule_text(r, d.names, lang)
    for item, x in zip(data["fixes"], d.fixes, strict=True):
        item["text"] = fix_text(x, d.names, lang)
    return data


def diagnosis_markdown(d: Diagnosis, lang: str | None = None) -> str:
    """A readable report in Vietnamese (default) or English."""
    lang = lang or d.lang
    _check_lang(lang)
    names, md = d.names, md_escape
    lines = [f"# {t('dx_title', lang)}", "", md(t("scenario", lang, name=d.scenario)), ""]
    verdict = {"feasible": "dx_verdict_feasible", "infeasible": "dx_verdict_infeasible"}.get(
        d.status, "dx_verdict_unknown")
    lines += [f"**{t(verdict, lang)}**", ""]
    if d.causes:
        lines += [f"## {t('dx_findings', lang)}", ""]
        lines += [f"- {finding_text(f, names, lang, md)}" for f in d.causes] + [""]
    if d.conflict:
        lines += [f"## {t('dx_conflict', lang)}", "", t("dx_conflict_note", lang), ""]
        if not d.minimal:
            lines += [f"_{t('dx_conflict_not_minimal', lang)}_", ""]
        lines += [f"{i}. {rule_text(r, names, lang, md)}" for i, r in enumerate(d.conflict, 1)] + [""]
        lines += [f"## {t('dx_fixes', lang)}", ""]
        if d.fixes:
            lines += [t("dx_fixes_note", lang), ""]
            lines += [f"- {fix_text(x, names, lang, md)} ({t('dx_x_checked', lang)})" for x in d.fixes]
            lines.append("")
            fixed = {x.rule for x in d.fixes}
            missing = [r for r in d.conflict if r not in fixed]
            if missing:
                lines += [t("dx_no_fix", lang, rule=rule_text(r, names, lang, md)) for r in missing]
                lines.append("")
        else:
            lines += [t("dx_no_fixes", lang), ""]
    info = [f for f in d.findings if not f.cause]
    if info:
        lines += [f"## {t('dx_info', lang)}", ""]
        lines += [f"- {finding_text(f, names, lang, md)}" for f in info] + [""]
    if d.feasibility_calls:
        lines += ["---", "", t("dx_checks", lang, total=d.feasibility_calls, conflict=d.calls_conflict,
                                fixes=d.calls_fixes, seconds=fmt_number(d.seconds, lang, 1)), ""]
    return "\n".join(lines)


# ---- what-if -----------------------------------------------------------------------------------


def stage_label(name: str, lang: str) -> str:
    """A stage's name as its KPI is called in reports (``STAGES[name].label_key``)."""
    return t(STAGES[name].label_key, lang)


def moved_table(w: WhatIf, lang: str) -> list[str]:
    """One row per remote unit whose partners changed: dropped and new partners, with km."""
    rows: dict[str, dict] = {}
    for kind, moved in (("removed", w.removed), ("added", w.added)):
        for m in moved:
            row = rows.setdefault(m.remote_code, {"name": m.remote_name, "removed": [], "added": []})
            star = " *" if m.requested else ""
            row[kind].append(f"{m.lowland_name} ({m.lowland_code}), {fmt_stage('distance', 'km', m.km, lang)}{star}")
    out = [f"| {t('remote', lang)} | {t('wi_dropped_partners', lang)} | {t('wi_new_partners', lang)} |",
           "|---|---|---|"]
    for code, row in sorted(rows.items()):
        out.append(f"| {row['name']} ({code}) | {'<br>'.join(row['removed']) or '–'} | "
                   f"{'<br>'.join(row['added']) or '–'} |")
    if any(m.requested for m in (*w.added, *w.removed)):
        out += ["", f"\\* {t('wi_requested', lang)}"]
    return out


def whatif_modes_lines(ws, lang: str = DEFAULT_LANG) -> list[str]:
    """The same change in each mode side by side (:mod:`matcher.analysis.whatif_modes`): each
    stage's figure before and in every mode, and the pairs each mode moves."""
    if len(ws) < 2:
        return []
    first = ws[0]
    modes = sorted(ws, key=lambda w: ("only", "fewest", "reoptimise").index(w.mode))
    head = [t("pack_stage", lang), t("wi_before", lang), *(t(f"wi_mode_{w.mode}", lang) for w in modes)]
    lines = ["", f"## {t('wi_modes_title', lang)}", "", f"| {' | '.join(head)} |",
             "|---|---:|" + "---:|" * len(modes)]

    def cell(w, i):
        if w.status != "possible":
            return t(f"wi_cell_{w.status}", lang)
        s = w.stages[i]
        return fmt_stage(s.name, s.unit, s.after, lang, s.before)

    for i, s in enumerate(first.stages):
        lines.append(f"| {stage_label(s.name, lang)} | {fmt_stage(s.name, s.unit, s.before, lang)} | "
                     + " | ".join(cell(w, i) for w in modes) + " |")
    moved = [str(len(w.added) + len(w.removed)) if w.status == "possible" else t(f"wi_cell_{w.status}", lang)
             for w in modes]
    lines.append(f"| {t('wi_pairs_moved', lang)} | 0 | " + " | ".join(moved) + " |")
    lines.append("")
    for w in modes:  # why a mode has no plan
        if w.status != "possible" and w.reasons:
            lines.append(f"- {t(f'wi_mode_{w.mode}', lang)}: {t(f'wi_cell_{w.status}', lang)} — "
                         + " ".join(r.text(lang) for r in w.reasons))
    if first.status == "possible":
        lines += ["", t("wi_modes_note", lang, mode=t(f"wi_mode_{first.mode}", lang))]
    return lines


def whatif_markdown(w: WhatIf, lang: str = DEFAULT_LANG, others=()) -> str:
    """A short report: the change, possible or not (and why), cost per stage, pairs that moved;
    with ``others`` (the same change in the other modes), the modes side by side."""
    lines = [f"# {t('wi_title', lang)} — {t(f'wi_mode_{w.mode}', lang)}", ""]
    for keys, key in ((w.release, "wi_release"), (w.force, "wi_force"), (w.forbid, "wi_forbid")):
        for k in keys:
            lines.append(f"- {t(key, lang, pair=w.labels.get(k, f'{k[0]} – {k[1]}'))}")
    lines.append("")
    if w.status in ("impossible", "unknown"):
        lines.append(f"**{t('wi_' + w.status, lang)}**")
        lines += [f"- {r.text(lang)}" for r in w.reasons]
    else:
        lines.append(f"**{t('wi_possible', lang)}**")
        head = [t(k, lang) for k in ("pack_stage", "wi_before", "wi_after", "wi_change")]
        lines += ["", f"## {t('wi_cost', lang)}", "", f"| {' | '.join(head)} |", "|---|---:|---:|---:|"]
        for s in w.stages:
            lines.append(
                f"| {stage_label(s.name, lang)} | {fmt_stage(s.name, s.unit, s.before, lang, s.after)} | "
                f"{fmt_stage(s.name, s.unit, s.after, lang, s.before)} | "
                f"{'=' if s.change == 'same' else fmt_stage(s.name, s.unit, s.delta, lang, signed=True)} |"
            )
        if w.every_stage_equal:
            lines += ["", t("wi_no_cost", lang)]
        lines += ["", f"## {t('wi_moved', lang)}", ""]
        if not (w.added or w.removed):
            lines.append(t("wi_none_moved", lang))
        else:
            lines += moved_table(w, lang)
    lines += whatif_modes_lines([w, *others], lang)
    if w.notes:
        lines += ["", f"## {t('wi_notes', lang)}", ""]
        lines += [f"- {n.text(lang)}" for n in w.notes]
    return "\n".join(lines) + "\n"


# ---- the file sets -----------------------------------------------------------------------------


def diagnosis_files(d: Diagnosis, lang: str | None = None) -> dict[str, str]:
    """The report files of a diagnosis, ``{name: text}``: ``diagnosis.json`` (UTF-8, codes as
    text) and ``diagnosis.md``, in ``lang`` (default: the diagnosis's language). Publish them
    with :func:`matcher.io.files.write_outputs`, together with other files if need be."""
    lang = lang or d.lang
    files = {
        "diagnosis.json": json.dumps(diagnosis_dict(d, lang), ensure_ascii=False, indent=2) + "\n",
        "diagnosis.md": diagnosis_markdown(d, lang),
    }
    assert tuple(files) == DIAGNOSIS_FILES
    return files


def write_diagnosis(d: Diagnosis, out_dir: Path, lang: str | None = None) -> list[Path]:
    """Publish :func:`diagnosis_files` into ``out_dir`` through the one publisher,
    :func:`matcher.io.files.write_outputs`: all of them or none, never half-written."""
    from ..io.files import write_outputs  # pandas: only when writing

    return write_outputs(Path(out_dir), diagnosis_files(d, lang), inputs=[])


def whatif_files(w: WhatIf, lang: str = DEFAULT_LANG, others=()) -> dict[str, object]:
    """The report files of a what-if, ``{name: content}``: ``whatif.md`` (text in ``lang``) and
    ``whatif.json`` (the dict of :meth:`WhatIf.to_dict`), ready for
    :func:`matcher.io.files.write_outputs`, which the caller may give the new plan's files
    too, to publish everything in one step."""
    data = w.to_dict()
    if others:
        data["modes"] = [{"mode": o.mode, "status": o.status, "stages": o.to_dict()["stages"],
                          "moved": len(o.added) + len(o.removed) if o.status == "possible" else None,
                          "added": o.to_dict()["added"], "removed": o.to_dict()["removed"]} for o in (w, *others)]
    return {"whatif.md": whatif_markdown(w, lang, others), "whatif.json": data}
