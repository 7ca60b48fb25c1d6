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
from ..i18n import t
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
    """Units with coordinates, so maps can be drawn from a result folder alone."""
    rows = []
    for u in problem.units:
        row = {"code": u.code, "name": u.name, "role": u.role.value, "lat": u.lat, "lon": u.lon}
        for d in problem.domains:
            if u.role is Role.LOWLAND:
                row[f"supply_{d}"] = u.supply.get(d, 0)
            if u.role is Role.REMOTE:
                row[f"need_{d}"] = u.need.get(d, 0)
        rows.append(row)
    return pd.DataFrame(rows)


def summary(problem: Problem, result: Result, scenario_path: str | None,
            warnings: Sequence[MatcherWarning | str] = (), broken: list[str] | None = None,
            inputs: Mapping[str, str | None] | None = None) -> dict:
    """The contents of ``summary.json``: status, stages, KPIs, the scenario's rules, the
    assumptions and sources, and the input warnings.

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


def _cell(value):
    """A summary sheet value: numbers stay numbers, anything else is text."""
    return value if isinstance(value, (int, float, str)) else ("" if value is None else str(value))


def summary_frame(info: dict) -> pd.DataFrame:
    """The summary as a two-column sheet (headline figures, stages, assumptions; one row
    per grouped warning)."""
    rows = [(k, info[k]) for k in ("status", "mode", "n_lowland", "n_remote", "n_pairs", "n_locked_pairs",
                                   "min_coverage", "total_shortfall", "total_distance_km",
                                   "longest_distance_km", "solve_seconds", "solver", "created")]
    rows.append(("scenario", info["scenario"]["name"]))
    for s in info["stages"]:
        rows.append((f"stage {s['name']}", f"{s['status']}, value {s['value']}, bound {s['bound']} {s['unit']}"))
    rows += [("assumption", a) for a in info["assumptions"]]
    rows += [("source", a) for a in info["sources"]]
    rows += [("warning", a) for a in info["warnings"]]
    rows += [("broken rule", a) for a in info.get("broken_rules", [])]
    return pd.DataFrame([(k, _cell(v)) for k, v in rows], columns=["item", "value"], dtype=object)


def output_files(problem: Problem, result: Result, scenario_path: str | None,
                 warnings: Sequence[MatcherWarning | str] = (), broken: list[str] | None = None,
                 why: pd.DataFrame | None = None, inputs: Mapping[str, str | None] | None = None) -> dict:
    """Every result file by name: CSV tables, summary.json and plan.xlsx (all in one workbook).

    ``why`` (from :func:`matcher.analysis.explain.why`) adds its columns to pairs.csv."""
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
    info = summary(problem, result, scenario_path, warnings, broken, inputs)
    return {
        **{f"{name}.csv": frame for name, frame in tables.items()},
        "summary.json": info,
        "plan.xlsx": {"summary": summary_frame(info), **tables},
    }


def write_result(out_dir, problem: Problem, result: Result, scenario_path: str | None = None,
                 warnings: list | None = None, inputs: Mapping[str, str | None] | None = None,
                 protect: list | None = None, drop=("diagnosis.json", "diagnosis.md"), **extra) -> list:
    """Write a result folder (every table, summary.json, plan.xlsx) to ``out_dir`` at once,
    through :func:`matcher.io.files.write_outputs`: the folder's other files stay, except
    ``drop`` (by default the diagnosis of an earlier infeasible run)."""
    from .files import write_outputs

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
