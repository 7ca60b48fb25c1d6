"""The change sheet of ``matcher compare`` as files: ``changes.csv``, ``changes.xlsx``,
``compare.md`` and ``compare.json``, and the one-line summary for the terminal.

Everything comes from a :class:`~matcher.analysis.changes.Comparison` (never solves).
``changes.csv`` has machine column names (like ``pairs.csv``) and the change in words of the
language (vi: giữ nguyên / thêm / bỏ); the workbook has Vietnamese sheet names and headers by
default (English machine names with ``lang="en"``, as ``plan.xlsx``); ``compare.json`` is
language-neutral (``kept``/``added``/``removed``, English notes). Codes are text everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..analysis.compare import KPI_NAMES, fmt_stage
from ..i18n import STRINGS, fmt_km, fmt_number, t
from .text import md_escape

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.changes import Comparison

CHANGE_COLUMNS = ("change", "lowland_code", "lowland_name", "remote_code", "remote_name", "distance_km", "locked",
                  "domains_a", "domains_b", "staff_a", "staff_b")
UNIT_COLUMNS = ("code", "name", "role", "partners_a", "partners_b", "partner_names_a", "partner_names_b")
KPI_COLUMNS = ("kpi", "a", "b", "delta", "direction")
KPI_LABELS = {"min_coverage": "min_coverage", "total_shortfall": "total_shortfall",
              "total_distance_km": "total_distance", "longest_km": "longest_distance", "n_pairs": "n_pairs",
              "n_idle_pairs": "cmp_kpi_idle"}
KPI_DECIMALS = {"min_coverage": 4, "total_distance_km": 1, "longest_km": 1}


def head(column: str, lang: str) -> str:
    """A workbook header: the machine name in English, the catalogue's words otherwise."""
    if lang == "en":
        return column
    for key in (f"cmp_col_{column}", f"xlsx_col_{column}"):
        if key in STRINGS:
            return t(key, lang)
    return column


def change_word(change: str, lang: str) -> str:
    """``kept``/``added``/``removed`` in ``lang`` (vi: giữ nguyên / thêm / bỏ)."""
    return t(f"cmp_{change}", lang)


def _domains(staff) -> str | None:
    return None if staff is None else "; ".join(f"{d} {v}" for d, v in staff.items() if v > 0)


def _total(staff) -> int | None:
    return None if staff is None else int(sum(staff.values()))


def changes_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    """One row per pair of either plan, machine column names, the change in words of ``lang``."""
    rows = [(change_word(c.change, lang), c.lowland_code, c.lowland_name, c.remote_code, c.remote_name,
             round(c.km, 1), c.locked, _domains(c.staff_a), _domains(c.staff_b), _total(c.staff_a), _total(c.staff_b))
            for c in cmp.diff.changes]
    frame = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    for col in ("change", "lowland_code", "lowland_name", "remote_code", "remote_name", "domains_a", "domains_b"):
        frame[col] = frame[col].astype(object)
    frame["distance_km"] = frame["distance_km"].astype(float)
    frame["locked"] = frame["locked"].astype(bool)
    for col in ("staff_a", "staff_b"):
        frame[col] = pd.array(list(frame[col]), dtype="Int64")
    return frame


def partner_names(cmp: Comparison, codes) -> str:
    def name(code):
        for p in (cmp.a.problem, cmp.b.problem):
            if code in p.index:
                return p.unit(code).name
        return code

    return "; ".join(name(c) for c in codes)


def units_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    """The units whose partners changed: code, name, role (in ``lang``), partners in A and in B."""
    rows = [(u.code, u.name, t(f"xlsx_word_{u.role}", lang), "; ".join(u.partners_a), "; ".join(u.partners_b),
             partner_names(cmp, u.partners_a), partner_names(cmp, u.partners_b)) for u in cmp.diff.units]
    return pd.DataFrame(rows, columns=list(UNIT_COLUMNS), dtype=object)


def kpi_label(name: str, lang: str) -> str:
    label = t(KPI_LABELS[name], lang)
    return f"{label} ({t('km', lang)})" if name in ("total_distance_km", "longest_km") else label


def _rounded(name: str, value):
    if value is None:
        return None
    return round(value, KPI_DECIMALS[name]) if name in KPI_DECIMALS else round(value)


def kpi_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    """The headline figures in A and B and B − A (numbers), with the direction in words."""
    rows = [(kpi_label(k.name, lang), _rounded(k.name, k.a), _rounded(k.name, k.b), _rounded(k.name, k.delta),
             t(f"cmp_dir_{k.change}", lang)) for k in cmp.diff.kpis]
    frame = pd.DataFrame(rows, columns=list(KPI_COLUMNS))
    for col in ("a", "b", "delta"):
        frame[col] = frame[col].astype(float)
    return frame


def _side_text(side, lang: str) -> str:
    return f"{side.path} ({t(f'cmp_kind_{side.kind}', lang)}; {side.scenario})"


def info_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    """Where A and B come from, and the notes (the sheet a reader starts from)."""
    rows = [(t("cmp_plan", lang, side="A"), _side_text(cmp.a, lang)),
            (t("cmp_plan", lang, side="B"), _side_text(cmp.b, lang)),
            (t("cmp_summary_item", lang), summary_line(cmp, lang))]
    rows += [(t("cmp_note", lang), n) for n in cmp.notes(lang)]
    for side in (cmp.a, cmp.b):
        rows += [(t("cmp_broken_item", lang, side=side.label), b) for b in side.broken]
    return pd.DataFrame(rows, columns=["item", "value"], dtype=object)


def xlsx_sheets(cmp: Comparison, lang: str) -> dict[str, pd.DataFrame]:
    """The sheets of ``changes.xlsx``: changes, units whose partner changed, KPI deltas, about."""
    sheets = {}
    for key, frame in (("changes", changes_frame(cmp, lang)), ("units", units_frame(cmp, lang)),
                       ("kpis", kpi_frame(cmp, lang)), ("info", info_frame(cmp, lang))):
        sheets[t(f"cmp_sheet_{key}", lang)] = frame.set_axis([head(c, lang) for c in frame.columns], axis=1)
    return sheets


# ---- words -------------------------------------------------------------------------------------


def fmt_kpi(name: str, value, lang: str, other=None, signed: bool = False) -> str:
    """A headline figure as text: coverage 0,75, km 4.884,8 km, counts 12."""
    if value is None:
        return "–"
    if name == "min_coverage":
        return fmt_stage("balance", "ratio", value, lang, other, signed=signed)
    sign = ("+" if value > 0 else ("−" if value < 0 else "")) if signed else ""
    if name in ("total_distance_km", "longest_km"):
        return sign + fmt_km(abs(value) if signed else value, lang)
    return sign + fmt_number(abs(value) if signed else value, lang)


def summary_line(cmp: Comparison, lang: str) -> str:
    """``kept 40, added 5, removed 5; 4 remote and 5 lowland units changed partner; smallest
    coverage 0.75 -> 0.70`` (in ``lang``)."""
    d = cmp.diff
    cov = d.kpi("min_coverage")
    return t("cmp_summary", lang, kept=d.count("kept"), added=d.count("added"), removed=d.count("removed"),
             remote=d.changed_units("remote"), lowland=d.changed_units("lowland"),
             a=fmt_kpi("min_coverage", cov.a, lang, cov.b), b=fmt_kpi("min_coverage", cov.b, lang, cov.a))


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def compare_markdown(cmp: Comparison, lang: str) -> str:
    """``compare.md``: the two plans, notes, the figures, the units and pairs that changed."""
    d = cmp.diff
    out = [f"# {t('cmp_title', lang)}", "", f"- A: {md_escape(_side_text(cmp.a, lang))}",
           f"- B: {md_escape(_side_text(cmp.b, lang))}", "", summary_line(cmp, lang), ""]  # numbers and words only
    notes = cmp.notes(lang)
    if notes:
        out += [f"## {t('cmp_md_notes', lang)}", "", *(f"- {md_escape(n)}" for n in notes), ""]
    out += [f"## {t('cmp_md_kpis', lang)}", "", _row([t("cmp_md_figure", lang), "A", "B", "B − A", ""]),
            _row(["---"] * 5)]
    for k in d.kpis:
        out.append(_row([kpi_label(k.name, lang), fmt_kpi(k.name, k.a, lang, k.b), fmt_kpi(k.name, k.b, lang, k.a),
                         fmt_kpi(k.name, k.delta, lang, signed=True), t(f"cmp_dir_{k.change}", lang)]))
    out += ["", f"## {t('cmp_md_units', lang)}", ""]
    if d.units:
        out += [_row([t("code", lang), t("name", lang), t("cmp_col_role", lang), t("cmp_plan", lang, side="A"),
                      t("cmp_plan", lang, side="B")]), _row(["---"] * 5)]
        for u in d.units:
            pa, pb = (md_escape(partner_names(cmp, codes)) or "–" for codes in (u.partners_a, u.partners_b))
            out.append(_row([u.code, md_escape(u.name), t(f"xlsx_word_{u.role}", lang), pa, pb]))
    else:
        out.append(t("cmp_md_none", lang))
    out += ["", f"## {t('cmp_md_pairs', lang)}", ""]
    moved = [c for c in d.changes if c.change != "kept"]
    if moved:
        out += [_row([t("cmp_md_change", lang), t("lowland", lang), t("remote", lang), t("distance", lang)]),
                _row(["---"] * 4)]
        for c in moved:
            out.append(_row([change_word(c.change, lang), f"{md_escape(c.lowland_name)} ({c.lowland_code})",
                             f"{md_escape(c.remote_name)} ({c.remote_code})", fmt_km(c.km, lang)]))
    else:
        out.append(t("cmp_md_none", lang))
    return "\n".join(out) + "\n"


def _side_dict(side) -> dict:
    return {"path": str(side.path), "kind": side.kind, "scenario": side.scenario,
            "n_pairs": len(side.result.pairs), "broken_rules": list(side.broken)}


def compare_dict(cmp: Comparison) -> dict:
    """``compare.json``: the same facts as the sheets, language-neutral."""
    d = cmp.diff
    return {
        "a": _side_dict(cmp.a), "b": _side_dict(cmp.b),
        "same_units": d.same_units, "shared_units": d.shared_units, "staff_figures_differ": cmp.staff_differ,
        "left_out": {"a": [list(k) for k in d.left_out_a], "b": [list(k) for k in d.left_out_b]},
        "counts": {"kept": d.count("kept"), "added": d.count("added"), "removed": d.count("removed"),
                   "remote_changed": d.changed_units("remote"), "lowland_changed": d.changed_units("lowland")},
        "kpis": {k.name: {"a": k.a, "b": k.b, "delta": k.delta, "change": k.change} for k in d.kpis},
        "kpi_order": list(KPI_NAMES),
        "pairs": [{"change": c.change, "lowland_code": c.lowland_code, "lowland_name": c.lowland_name,
                   "remote_code": c.remote_code, "remote_name": c.remote_name, "km": c.km, "locked": c.locked,
                   "staff_a": None if c.staff_a is None else dict(c.staff_a),
                   "staff_b": None if c.staff_b is None else dict(c.staff_b)} for c in d.changes],
        "units_changed": [{"code": u.code, "name": u.name, "role": u.role, "partners_a": list(u.partners_a),
                           "partners_b": list(u.partners_b)} for u in d.units],
        "notes": cmp.notes("en"),
    }


def compare_files(cmp: Comparison, lang: str) -> dict[str, object]:
    """``{name: content}`` for :func:`matcher.io.files.write_outputs` (the maps are added by the caller)."""
    return {"changes.csv": changes_frame(cmp, lang), "changes.xlsx": xlsx_sheets(cmp, lang),
            "compare.md": compare_markdown(cmp, lang), "compare.json": compare_dict(cmp)}
