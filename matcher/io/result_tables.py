"""Tables and the summary from a :class:`~matcher.result.Result`. Never solves.

Every KPI here is recomputed from the result's pairs and staff split, so it matches
what ``pairs.csv`` shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from .. import __version__
from ..distance import TRAVEL_SOURCE
from ..errors import MatcherWarning, group_warnings
from ..i18n import STRINGS, domain_label, t
from ..kpis import coverage_ratio, covered, kpis
from ..model import Problem, Role
from ..result import Result


def _names(problem: Problem) -> dict[str, str]:
    return {u.code: u.name for u in problem.units}


def pairs_frame(problem: Problem, result: Result) -> pd.DataFrame:
    names = _names(problem)
    remote_order = {r.code: i for i, r in enumerate(problem.remote)}
    rows = []
    for p in sorted(result.pairs, key=lambda p: (remote_order[p.remote_code], p.km)):
        row = {
            "lowland_code": p.lowland_code,
            "lowland_name": names[p.lowland_code],
            "remote_code": p.remote_code,
            "remote_name": names[p.remote_code],
            "distance_km": round(p.km, 1),
            "distance_source": p.km_source,
            "minutes": None if p.minutes is None else round(p.minutes, 1),
            "locked": p.locked,
            "pair_status": "locked (existing)" if p.locked else "new",
            "domains_covered": "; ".join(f"{d} {v}" for d, v in p.allot.items()),
        }
        for d in problem.domains:
            row[f"staff_{d}"] = p.allot.get(d, 0)
        rows.append(row)
    cols = ["lowland_code", "lowland_name", "remote_code", "remote_name", "distance_km",
            "distance_source", "minutes", "locked", "pair_status", "domains_covered"]
    return pd.DataFrame(rows, columns=cols + [f"staff_{d}" for d in problem.domains])


def remote_frame(problem: Problem, result: Result) -> pd.DataFrame:
    names = _names(problem)
    cov = covered(problem, result.pairs)
    rows = []
    for r in problem.remote:
        partners = [p.lowland_code for p in result.pairs if p.remote_code == r.code]
        row = {
            "remote_code": r.code,
            "remote_name": r.name,
            "partners": "; ".join(partners),
            "partner_names": "; ".join(names[c] for c in partners),
            "n_partners": len(partners),
            "need_total": r.total_need,
            "covered_total": sum(cov[r.code].values()),
            "coverage_ratio": round(coverage_ratio(problem, r.code, cov[r.code]), 4),
        }
        for d in problem.domains:
            row[f"need_{d}"] = r.need.get(d, 0)
            row[f"covered_{d}"] = cov[r.code][d]
            row[f"uncovered_{d}"] = r.need.get(d, 0) - cov[r.code][d]
        rows.append(row)
    return pd.DataFrame(rows)


def lowland_frame(problem: Problem, result: Result) -> pd.DataFrame:
    names = _names(problem)
    rows = []
    for lo in problem.lowland:
        mine = [p for p in result.pairs if p.lowland_code == lo.code]
        row = {
            "lowland_code": lo.code,
            "lowland_name": lo.name,
            "partners": "; ".join(p.remote_code for p in mine),
            "partner_names": "; ".join(names[p.remote_code] for p in mine),
            "n_partners": len(mine),
        }
        for d in problem.domains:
            row[f"supply_{d}"] = lo.supply.get(d, 0)
            row[f"committed_{d}"] = sum(p.allot.get(d, 0) for p in mine)
        rows.append(row)
    return pd.DataFrame(rows)


def units_frame(problem: Problem) -> pd.DataFrame:
    """Units with coordinates, so maps can be drawn from a result folder alone, and the
    columns the planner added to the units table (STT, Dân số, Ghi chú, staff_figures, …)."""
    rows = []
    extra = list(dict.fromkeys(k for u in problem.units for k in u.attrs))
    for u in problem.units:
        row = {"code": u.code, "name": u.name, "role": u.role.value, "lat": u.lat, "lon": u.lon}
        row.update({k: u.attrs.get(k, "") for k in extra})
        for d in problem.domains:
            if u.role is Role.LOWLAND:
                row[f"supply_{d}"] = u.supply.get(d, 0)
            if u.role is Role.REMOTE:
                row[f"need_{d}"] = u.need.get(d, 0)
        rows.append(row)
    return pd.DataFrame(rows)


def summary(problem: Problem, result: Result, scenario_path: str | None,
            warnings: Sequence[MatcherWarning | str] = (), broken: list[str] | None = None,
            inputs: Mapping[str, str | None] | None = None, settings: Mapping | None = None) -> dict:
    """The contents of ``summary.json``: status, stages, KPIs, the scenario's rules, the
    effective ``settings`` (each with value, ``origin`` default or given, and ``from``:
    :func:`matcher.io.defaults.effective_settings`), the assumptions and sources, and the
    input warnings.

    ``warnings`` (:class:`~matcher.errors.MatcherWarning` or plain text) are grouped by kind:
    ``warnings`` holds one line per group (with the count and the rows), ``warning_details``
    the groups as data (kind, source, count, message, rows).
    """
    k = kpis(problem, result)
    grouped = group_warnings(warnings)
    rules = problem.rules
    key = "assumption_travel_table" if any(c.km_source == TRAVEL_SOURCE for c in result.pairs) else (
        "assumption_geodesic")
    assumptions = [*problem.assumptions, t(key, "en", detour=rules.detour_factor)]
    assumptions_vi = [*(problem.assumptions_vi or problem.assumptions), t(key, "vi", detour=rules.detour_factor)]
    out = {
        "status": result.status.value,
        "mode": result.mode,
        "stages": [
            {"name": s.name, "status": s.status.value, "value": s.value, "bound": s.bound,
             "gap": s.gap, "seconds": round(s.seconds, 3), "unit": s.unit}
            for s in result.stages
        ],
        "n_lowland": len(problem.lowland),
        "n_remote": len(problem.remote),
        "n_pairs": k.n_pairs,
        "n_locked_pairs": sum(p.locked for p in result.pairs),
        "min_coverage": k.min_coverage,
        "total_shortfall": k.total_shortfall,
        "total_distance_km": round(k.total_distance_km, 3),
        "longest_distance_km": round(k.longest_km, 3),
        "total_minutes": k.total_minutes,
        "solve_seconds": round(result.seconds, 3),
        "solver": result.solver,
        "solver_params": dict(result.params),
        "scenario": {
            "name": problem.name,
            "file": scenario_path,
            "pairs_file": (inputs or {}).get("pairs"),
            "travel_file": (inputs or {}).get("travel"),
            "units_sheet": (inputs or {}).get("units_sheet"),  # --sheet, when given (issue 9)
            "from_plan_file": (inputs or {}).get("from_plan"),  # --from-plan, when given (issue 10)
            "max_changes": rules.max_changes,
            "max_distance_km": rules.max_distance_km,
            "max_minutes": rules.max_minutes,
            "detour_factor": rules.detour_factor,
            "distance_metric": rules.distance_metric,
            "pair_within": rules.pair_within,
            "objectives": list(rules.objectives),
            "tolerances": dict(rules.tolerances),
            "partners": {
                "lowland": [rules.lowland_min_partners, rules.lowland_max_partners],
                "remote": [rules.remote_min_partners, rules.remote_max_partners],
            },
            "domains": list(problem.domains),
        },
        "settings": dict(settings) if settings is not None else _settings_of(problem, result),
        "assumptions": assumptions,
        "sources": list(problem.sources),
        "assumptions_vi": assumptions_vi,
        "sources_vi": list(problem.sources_vi or problem.sources),
        "warnings": [w.line() for w in grouped],
        "warning_details": [w.as_dict() for w in grouped],
        "matcher_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if broken is not None:
        out["broken_rules"] = broken
    return out


def _settings_of(problem: Problem, result: Result) -> dict:
    """Effective settings when the caller did not say where they came from (library use)."""
    r = problem.rules
    values = {"max_distance_km": r.max_distance_km, "max_minutes": r.max_minutes, "detour_factor": r.detour_factor,
              "distance_metric": r.distance_metric,
              "lowland_partners": [r.lowland_min_partners, r.lowland_max_partners],
              "remote_partners": [r.remote_min_partners, r.remote_max_partners],
              "time_limit_s": result.params.get("time_limit_s")}
    return {k: {"value": v, "origin": "not recorded", "from": "not recorded"} for k, v in values.items()}


def _cell(value):
    """A summary sheet value: numbers stay numbers, anything else is text."""
    return value if isinstance(value, (int, float, str)) else ("" if value is None else str(value))


def warning_text(d: Mapping, lang: str) -> str:
    """A grouped warning (an entry of ``warning_details``) in ``lang``: in Vietnamese the sentence
    ``warn_<kind>`` of strings.toml with the file, count and rows (``{en}`` in it: the English
    specifics, e.g. which row held the header); otherwise, or for a kind without one, the English line."""
    from ..errors import _ranges

    line, key = str(d.get("message", "")), f"warn_{d.get('kind')}"
    if lang == "en" or key not in STRINGS:
        return line
    rows, source = tuple(d.get("rows") or ()), str(d.get("source") or "")
    head = f"{source}: " if source else ""
    n = f"{d.get('count')} " if (d.get("count") or 1) > 1 or rows else ""
    where = f" (row{'s' if len(rows) > 1 else ''} {_ranges(rows)})" if rows else ""
    core = line[len(head + n):len(line) - len(where)] if line.startswith(head + n) and line.endswith(where) else line
    return f"{head}{n}{t(key, lang, en=core)}" + (f" ({t('warn_rows', lang)} {_ranges(rows)})" if rows else "")


def summary_frame(info: dict, lang: str = "en") -> pd.DataFrame:
    """The summary as a two-column sheet (headline figures, stages, settings, assumptions and
    sources in ``lang``; one row per grouped warning). ``en`` keeps the machine names."""
    vi = lang == "vi"
    rows = [(k, info[k]) for k in ("status", "mode", "n_lowland", "n_remote", "n_pairs", "n_locked_pairs",
                                   "min_coverage", "total_shortfall", "total_distance_km",
                                   "longest_distance_km", "solve_seconds", "solver", "created")]
    rows.append(("scenario", info["scenario"]["name"]))
    for s in info["stages"]:
        rows.append((f"stage {s['name']}", f"{s['status']}, value {s['value']}, bound {s['bound']} {s['unit']}"))
    for name, st in (info.get("settings") or {}).items():
        how = st["origin"] if st["origin"] != "given" else f"given: {st['from']}"
        value = st["value"]
        value = f"{value[0]}..{value[1]}" if isinstance(value, list) else ("none" if value is None else value)
        rows.append((f"setting {name}", f"{value} ({_word(how, lang) if vi else how})"))
    rows += [("assumption", a) for a in info["assumptions_vi" if vi else "assumptions"]]
    rows += [("source", a) for a in info["sources_vi" if vi else "sources"]]
    details = info.get("warning_details") or []
    rows += [("warning", warning_text(d, lang)) for d in details] if len(details) == len(info["warnings"]) \
        else [("warning", a) for a in info["warnings"]]
    rows += [("broken rule", a) for a in info.get("broken_rules", [])]
    if vi:
        rows = [(_item(k, lang), v) for k, v in rows]
    return pd.DataFrame([(k, _cell(v)) for k, v in rows], columns=["item", "value"], dtype=object)


def _key(group: str, name: str) -> str:
    return f"{group}_{name}".replace(" ", "_").replace("(", "").replace(")", "")


def _word(text: str, lang: str) -> str:
    """A word of the tables (role, pair status, default/given) in ``lang``; others as they are."""
    head, sep, rest = str(text).partition(": ")
    key = _key("xlsx_word", head)
    return t(key, lang) + sep + rest if key in STRINGS else text


def _item(item: str, lang: str) -> str:
    """A summary item (``n_pairs``, ``stage balance``, ``setting max_distance_km``) in ``lang``."""
    key = _key("xlsx_item", item)
    if key in STRINGS:
        return t(key, lang)
    head, _, rest = item.partition(" ")
    key = _key("xlsx_item", head)
    return f"{t(key, lang)}: {rest}" if rest and key in STRINGS else item


def header(column: str, lang: str) -> str:
    """The workbook header of a machine column: ``need_it`` -> ``Nhu cầu CB - Công nghệ thông
    tin`` (vi); ``en`` and columns the planner added keep their names."""
    if lang == "en":
        return column
    key = _key("xlsx_col", column)
    if key in STRINGS:
        return t(key, lang)
    kind, _, domain = column.partition("_")
    key = _key("xlsx_prefix", kind)
    return f"{t(key, lang)} - {domain_label(domain, lang)}" if domain and key in STRINGS else column


def _numeric(values: pd.Series) -> bool:
    """Text cells that are all numbers (no code-like leading zero): written as numbers."""
    if not all(isinstance(v, str) for v in values):
        return False
    present = [v for v in values if v.strip() != ""]
    if not present:
        return False
    for v in present:
        v = v.strip()
        if len(v) > 1 and v[0] == "0" and v[1].isdigit():
            return False
        try:
            float(v)
        except ValueError:
            return False
    return True


def xlsx_sheets(tables: Mapping[str, pd.DataFrame], info: dict, lang: str = "vi",
                added: Sequence[str] = ()) -> dict[str, pd.DataFrame]:
    """The sheets of ``plan.xlsx`` in ``lang``: headers and sheet names translated, roles and
    pair statuses in words of the language, the planner's ``added`` columns kept (numbers as
    numbers, codes as text), and (vi) a sheet of every header's machine name."""
    first = summary_frame(info, lang)
    sheets = {t("xlsx_sheet_summary", lang): first.set_axis([header(c, lang) for c in first.columns], axis=1)}
    key_rows = []
    for name, frame in tables.items():
        out = frame.copy()
        for col in out.columns:
            if col in added and _numeric(out[col]):
                out[col] = pd.to_numeric(out[col].where(out[col].str.strip() != ""))
            if lang != "en" and col in ("role", "pair_status"):
                out[col] = out[col].map(lambda v: _word(v, lang))
        heads, seen = [], set()
        for col in out.columns:
            h = header(col, lang)
            h = h if h not in seen else f"{h} ({col})"
            seen.add(h)
            heads.append(h)
            key_rows.append((t(f"xlsx_sheet_{name}", lang), h, col))
        out.columns = heads
        sheets[t(f"xlsx_sheet_{name}", lang)] = out
    if lang != "en":
        sheets[t("xlsx_sheet_columns", lang)] = pd.DataFrame(
            key_rows, columns=[header(c, lang) for c in ("sheet", "header", "column")], dtype=object)
    return sheets


def output_files(problem: Problem, result: Result, scenario_path: str | None,
                 warnings: Sequence[MatcherWarning | str] = (), broken: list[str] | None = None,
                 why: pd.DataFrame | None = None, inputs: Mapping[str, str | None] | None = None,
                 lang: str = "vi", settings: Mapping | None = None, run: Mapping | None = None,
                 boundaries=None) -> dict:
    """Every result file by name: CSV tables, summary.json, plan.xlsx (all in one workbook,
    in ``lang``: :func:`xlsx_sheets`), plan.gpkg and pairs.geojson (:mod:`matcher.io.geo_out`).

    ``why`` (from :func:`matcher.analysis.explain.why`) adds its columns to pairs.csv;
    ``settings`` (:func:`matcher.io.defaults.effective_settings`) goes to summary.json, and so
    does ``run`` (:func:`matcher.io.history.run_record`: input hashes, versions, time, user) under
    ``run``; ``boundaries`` (polygons by code) make plan.gpkg's units polygons."""
    from .geo_out import geo_files
    from .history import finish_record

    pairs = pairs_frame(problem, result)
    if why is not None:
        extra = why.drop(columns=[c for c in why.columns if c in pairs.columns and c not in ("lowland_code",
                                                                                             "remote_code")])
        pairs = pairs.merge(extra, on=["lowland_code", "remote_code"], how="left")
    tables = {
        "pairs": pairs,
        "remote_summary": remote_frame(problem, result),
        "lowland_summary": lowland_frame(problem, result),
        "units": units_frame(problem),
    }
    info = summary(problem, result, scenario_path, warnings, broken, inputs, settings)
    if run is not None:
        info["run"] = finish_record(run, info)
    added = list(dict.fromkeys(k for u in problem.units for k in u.attrs))
    return {
        **{f"{name}.csv": frame for name, frame in tables.items()},
        "summary.json": info,
        "plan.xlsx": xlsx_sheets(tables, info, lang, added),
        **geo_files(tables, lang, boundaries, getattr(boundaries, "attrs", {}).get("source")),
    }


def write_result(out_dir, problem: Problem, result: Result, scenario_path: str | None = None,
                 warnings: list | None = None, inputs: Mapping[str, str | None] | None = None,
                 protect: list | None = None, drop=("diagnosis.json", "diagnosis.md"), **extra) -> list:
    """Write a result folder (every table, summary.json, plan.xlsx) to ``out_dir`` at once,
    through :func:`matcher.io.files.write_outputs`: the folder's other files stay, except
    ``drop`` (by default the diagnosis of an earlier infeasible run)."""
    from .files import write_outputs
    from .history import library_record

    extra.setdefault("run", library_record(scenario_path, inputs))  # issue 10: the run record
    files = output_files(problem, result, scenario_path, list(warnings or []), inputs=inputs, **extra)
    return write_outputs(out_dir, files, _protected(scenario_path, inputs, protect), drop=drop)


def _protected(scenario_path, inputs: Mapping[str, str | None] | None, protect) -> list:
    """The files a result must never overwrite: ``protect``, the scenario file, the
    ``inputs`` paths and the tables the scenario names (when it can be read)."""
    paths = [Path(p) for p in (protect or [])]
    paths += [Path(v) for v in (inputs or {}).values() if v is not None]
    if scenario_path is not None:
        paths.append(Path(scenario_path))
        if Path(scenario_path).exists():
            try:
                from .scenario import load_scenario

                paths += list(load_scenario(Path(scenario_path)).inputs)
            except Exception:  # a scenario that cannot be read names no tables
                pass
    return paths
