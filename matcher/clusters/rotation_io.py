"""The files of ``matcher rotate``: the clusters table and the history read and checked, the
rotation written (rotation.csv + .csvt, rotation.xlsx, summary.json) through the one publisher.

Bad rows raise :class:`~matcher.errors.InputError` (exit 2) with file, row, column and value;
the cluster and history files are never overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError, ValidationIssue
from ..i18n import t
from ..io.tables import missing_columns, read_table, repair_code
from .rotation import DEFAULT_RULES, Term, check_rules, rotate

CODE = re.compile(r"^\d{5}$")
YEARS = re.compile(r"^\s*(\d{4})\s*(?:(?:\.\.|-|–)\s*(\d{4})\s*)?$")
COLUMNS = ("cluster", "year", "head_code", "head_name", "deputy_codes", "deputy_names", "slack")


@dataclass(frozen=True)
class Clusters:
    """Members per cluster (codes, sorted) and the name of every unit."""

    members: dict[str, tuple[str, ...]]
    names: dict[str, str]

    def cluster_of(self) -> dict[str, str]:
        return {code: c for c, codes in self.members.items() for code in codes}


def parse_years(text: str) -> range:
    """``2026..2030`` (or ``2026``) -> range(2026, 2031); InputError otherwise."""
    m = YEARS.match(text or "")
    first, last = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, -1)
    if not m or last < first or last - first >= 100:
        raise InputError([ValidationIssue("--years", None, None, text,
                                          "give FIRST..LAST, e.g. 2026..2030 (at most 100 years)")])
    return range(first, last + 1)


def _code(table, i, col, raw, issues, short: bool = False) -> str | None:
    """A 5-digit commune code, or with ``short`` (a national grouping) a 2-digit province code."""
    if short:
        code = str(raw).strip().removesuffix(".0")
        code = code.zfill(2) if code.isdigit() else code
        if not re.fullmatch(r"\d{2}", code):
            issues.append(table.issue(i, col, raw, "must be a 2-digit province code"))
            return None
        return code
    code = repair_code(raw)
    if not CODE.match(code):
        issues.append(table.issue(i, col, raw, "must be a 5-digit unit code"))
        return None
    return code


def _short(raws) -> bool:
    """Are these the codes of provinces (every one 1-2 digits as written)?"""
    raws = [str(r).strip().removesuffix(".0") for r in raws]
    return bool(raws) and all(r.isdigit() and len(r) <= 2 for r in raws)


def _cluster_order(key: str):
    return (0, int(key), key) if key.isdigit() else (1, 0, key)


def read_clusters(path: Path) -> Clusters:
    """The clusters table: ``code``, ``name``, ``cluster`` (``is_host`` and other columns are
    read and not used). Every unit in exactly one cluster."""
    table = read_table(path)
    table.raise_if(missing_columns(table, ["code", "name", "cluster"]))
    issues, members, names, seen = [], {}, {}, {}
    records = table.frame.to_dict("records")
    short = _short(r["code"] for r in records)
    for i, row in enumerate(records):
        code = _code(table, i, "code", row["code"], issues, short)
        name, cluster = (row["name"] or "").strip(), (row["cluster"] or "").strip()
        if not name:
            issues.append(table.issue(i, "name", row["name"], "is empty; give the unit's name"))
        if not cluster:
            issues.append(table.issue(i, "cluster", row["cluster"], "is empty; give the unit's cluster"))
        if code is None or not name or not cluster:
            continue
        if code in seen:
            issues.append(table.issue(i, "code", code, f"appears twice (also row {seen[code]}); a unit is in "
                                                       "one cluster"))
            continue
        seen[code] = table.rows[i]
        members.setdefault(cluster, []).append(code)
        names[code] = name
    if not issues and not members:
        issues.append(ValidationIssue(table.name, None, None, None, "has no units"))
    table.raise_if(issues)
    order = sorted(members, key=_cluster_order)
    return Clusters({c: tuple(sorted(members[c])) for c in order}, names)


def read_history(path: Path, clusters: Clusters, years: range) -> list[Term]:
    """Past terms: ``cluster``, ``year``, ``head_code`` and optional ``deputy_codes`` (``;``
    between codes). Every year before the first year asked, once per cluster; heads and deputies
    members of that cluster; the head not also a deputy."""
    table = read_table(path)
    table.raise_if(missing_columns(table, ["cluster", "year", "head_code"]))
    where = clusters.cluster_of()
    short = all(len(c) == 2 for c in where)
    issues, terms, seen = [], [], {}

    def member(i, col, code, cluster) -> bool:
        if code not in where:
            issues.append(table.issue(i, col, code, f"unit {code} is not in the clusters file"))
        elif where[code] != cluster:
            issues.append(table.issue(i, col, code, f"unit {code} is in cluster {where[code]}, not {cluster}"))
        else:
            return True
        return False

    for i, row in enumerate(table.frame.to_dict("records")):
        cluster, raw_year = (row["cluster"] or "").strip(), (row["year"] or "").strip()
        ok = True
        if cluster not in clusters.members:
            issues.append(table.issue(i, "cluster", cluster, "is not a cluster of the clusters file"))
            ok = False
        year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
        if year is None:
            issues.append(table.issue(i, "year", raw_year, "must be a year (4 digits)"))
        elif year >= years.start:
            inside = "is inside the years asked" if year in years else "is after the years asked"
            issues.append(table.issue(i, "year", raw_year, f"{inside} ({years.start}..{years[-1]}); history must "
                                                           f"come before {years.start}"))
            year = None
        elif (cluster, year) in seen:
            issues.append(table.issue(i, "year", raw_year, f"cluster {cluster} already has {year} "
                                                           f"(row {seen[cluster, year]})"))
            year = None
        head = _code(table, i, "head_code", row["head_code"], issues, short)
        raw_deps = [d for d in (row.get("deputy_codes") or "").split(";") if d.strip()]
        deps = [_code(table, i, "deputy_codes", d, issues, short) for d in raw_deps]
        if not ok or year is None or head is None or None in deps:
            continue
        seen[cluster, year] = table.rows[i]
        ok = member(i, "head_code", head, cluster) & all([member(i, "deputy_codes", d, cluster) for d in deps])
        if head in deps:
            issues.append(table.issue(i, "deputy_codes", row["deputy_codes"], f"names the head {head}; the head "
                                                                              "is never a deputy"))
            ok = False
        if len(set(deps)) < len(deps):
            issues.append(table.issue(i, "deputy_codes", row["deputy_codes"], "names a deputy twice"))
            ok = False
        if ok:
            terms.append(Term(cluster, year, head, tuple(deps)))
    table.raise_if(issues)
    return terms


def check_sizes(clusters: Clusters, deputies: int) -> None:
    """Exit 2 when a cluster cannot hold a head and ``deputies`` deputies (the arithmetic said)."""
    issues = [ValidationIssue("--deputies", None, None, deputies,
                              f"cluster {c} has {len(m)} member(s): a head and {deputies} deputy(ies) need "
                              f"{deputies + 1}")
              for c, m in clusters.members.items() if len(m) < deputies + 1]
    if deputies < 0:
        issues = [ValidationIssue("--deputies", None, None, deputies, "must be 0 or more")]
    if issues:
        raise InputError(issues)


def rotation_frame(terms: list[Term], clusters: Clusters) -> pd.DataFrame:
    """rotation.csv: one row per cluster and year; codes and lists as text (``;`` between codes)."""
    names = clusters.names
    rows = [{"cluster": x.cluster, "year": x.year, "head_code": x.head, "head_name": names[x.head],
             "deputy_codes": ";".join(x.deputies), "deputy_names": "; ".join(names[d] for d in x.deputies),
             "slack": ";".join(x.slack)} for x in terms]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype({c: object for c in COLUMNS if c != "year"})


def _summary(terms: list[Term], clusters: Clusters, years: range, deputies: int, rules, sources) -> dict:
    per = {}
    for c, m in clusters.members.items():
        mine = [x for x in terms if x.cluster == c]
        per[c] = {"members": len(m), "heads": {code: sum(x.head == code for x in mine) for code in m},
                  "years_with_slack": sum(bool(x.slack) for x in mine)}
    return {"kind": "rotation", "proposal": "heads are elected or acclaimed by the members; this is a proposal",
            "rules": list(rules), "head_never_deputy": True, "years": [years.start, years[-1]],
            "n_years": len(years), "deputies": deputies,
            "counts": {"clusters": len(clusters.members), "units": len(clusters.names), "terms": len(terms)},
            "clusters": per, "inputs": [str(s) for s in sources],
            "order": "members by (times headed, last year headed, code); deputies are the next in that order"}


def xlsx_sheets(frame: pd.DataFrame, rules, lang: str) -> dict[str, pd.DataFrame]:
    """rotation.xlsx: the rotation with headers in ``lang`` and a notes sheet."""
    table = frame.rename(columns={c: t(f"rot_col_{c}", lang) for c in COLUMNS})
    notes = pd.DataFrame({t("rot_col_note", lang): [t("rot_note_proposal", lang),
                                                    t("rot_note_rules", lang, rules=", ".join(rules)),
                                                    t("rot_note_slack", lang)]})
    return {t("rot_sheet_rotation", lang): table, t("rot_sheet_notes", lang): notes}


def rotation_tables(clusters: Clusters, years: range, deputies: int = 1, history=(), rules=DEFAULT_RULES,
                    lang: str = "vi", sources=()) -> tuple[list[Term], pd.DataFrame, dict, dict]:
    """The rotation of checked ``clusters`` (no file read or written): the terms, rotation.csv's
    frame, the xlsx sheets and the summary (``matcher cluster --years`` publishes them beside its
    clusters; RotationConflict when the rules cannot all hold)."""
    terms = rotate(clusters.members, list(years), deputies, list(history), rules)
    frame = rotation_frame(terms, clusters)
    return terms, frame, xlsx_sheets(frame, rules, lang), _summary(terms, clusters, years, deputies, rules, sources)


def write_rotation(clusters_path: Path, years: range, out: Path, deputies: int = 1, history_path: Path | None = None,
                   rules=DEFAULT_RULES, lang: str = "vi") -> tuple[list[Term], Clusters, list[Path]]:
    """Read, check, rotate and publish. Raises InputError (exit 2) or RotationConflict (exit 3)
    before anything is written."""
    try:
        rules = check_rules(rules)
    except ValueError as e:
        raise InputError([ValidationIssue("--rule", None, None, ",".join(rules), str(e))]) from None
    clusters = read_clusters(clusters_path)
    check_sizes(clusters, deputies)
    history = read_history(history_path, clusters, years) if history_path is not None else []
    sources = [clusters_path] + ([history_path] if history_path is not None else [])
    terms, frame, sheets, summary = rotation_tables(clusters, years, deputies, history, rules, lang, sources)
    files = {"rotation.csv": frame, "rotation.xlsx": sheets, "summary.json": summary}
    from ..io.files import write_outputs

    return terms, clusters, write_outputs(out, files, inputs=sources)
