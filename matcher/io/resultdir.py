"""A solved or evaluated plan as read back from its result folder (what ``matcher solve``
or ``matcher evaluate`` wrote). Maps and review packs draw from this, never from a solver."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..distance import pair_metrics
from ..errors import InputError, ValidationIssue
from ..model import Problem, Role, SolveParams
from ..result import Pair, Result, StageResult, Status
from .cells import unescape_text
from .summary_check import shown as _shown
from .summary_check import summary_issues as _summary_issues
from .tables import text_issues

ROLES = tuple(r.value for r in Role)
MISSING = "missing (re-run matcher solve to write it)"
REQUIRED = {
    "units.csv": ["code", "name", "role", "lat", "lon"],
    "pairs.csv": ["lowland_code", "lowland_name", "remote_code", "remote_name", "distance_km", "locked"],
    "remote_summary.csv": ["remote_code", "remote_name", "partners", "coverage_ratio"],
    "lowland_summary.csv": ["lowland_code", "lowland_name", "partners"],
}


@dataclass(frozen=True)
class ResultView:
    """The tables of a result folder. Codes are text; numbers are numbers."""

    path: Path
    units: pd.DataFrame
    pairs: pd.DataFrame
    remote: pd.DataFrame
    lowland: pd.DataFrame
    summary: dict

    @property
    def domains(self) -> list[str]:
        return [c[len("need_"):] for c in self.remote.columns if c.startswith("need_") and c != "need_total"]

    @property
    def scenario_name(self) -> str:
        return str(self.summary.get("scenario", {}).get("name", ""))

    @property
    def created(self) -> str:
        return str(self.summary.get("created", ""))[:10]

    @property
    def run(self) -> dict | None:
        """The run record (issue 10: :mod:`matcher.io.history`); None for a folder written before it."""
        return self.summary.get("run") if isinstance(self.summary.get("run"), dict) else None

    def assumptions(self, lang: str) -> list[str]:
        """The assumptions in ``lang`` where the scenario gave them so, else as written."""
        return list(self.summary.get(f"assumptions_{lang}") or self.summary.get("assumptions", []))

    def sources(self, lang: str) -> list[str]:
        return list(self.summary.get(f"sources_{lang}") or self.summary.get("sources", []))

    def name(self, code: str) -> str:
        return self.units.set_index("code").at[code, "name"]


def read_result_dir(path: Path) -> ResultView:
    """Read a result folder and check what it holds; every problem is reported at once.
    Only the CSVs and summary.json are read (plan.xlsx, plan.gpkg, pairs.geojson need not be there).

    Codes and names stay text (a CSV cell escaped against formulas, ``'=…``, is read back
    as written). Numbers must be finite numbers written with a decimal point; ``lat`` and
    ``lon`` must be present and in range; ``locked`` is ``true`` or ``false``; every code
    of pairs.csv and the summaries is a unit of units.csv on the right side. Raises
    :class:`~matcher.errors.InputError` with ``file:row: column 'x': value 'y': …`` lines.
    """
    path = Path(path)
    if not path.is_dir():
        raise InputError([ValidationIssue(str(path), None, None, None, "not a folder written by matcher solve")])
    issues: list[ValidationIssue] = []
    frames: dict[str, pd.DataFrame] = {}
    complete = True  # every table read, with its required columns
    for name, cols in REQUIRED.items():
        f = path / name
        frame = _read_csv(f, issues) if f.exists() else None
        if not f.exists():
            issues.append(ValidationIssue(str(f), None, None, None, MISSING))
        if frame is None:
            complete = False
            continue
        missing = [c for c in cols if c not in frame.columns]
        for c in missing:
            issues.append(ValidationIssue(str(f), 1, c, None, "required column is missing"))
        frames[name] = frame
        complete = complete and not missing
        flagged = frame.attrs.pop("text_issues", [])
        found: list[ValidationIssue] = []
        if not missing:
            _check_numbers(f, frame, found)
        seen = {(i.row, i.column) for i in flagged}
        issues += flagged + [i for i in found if (i.row, i.column) not in seen]
    summary = _read_summary(path / "summary.json", issues)
    if complete:
        _check_codes(path, frames, issues)
        _check_pairs(path, frames["pairs.csv"], summary, issues)
    if issues:
        raise InputError(issues)
    units = frames["units.csv"].copy()
    units[["lat", "lon"]] = units[["lat", "lon"]].astype(float)
    pairs = frames["pairs.csv"].copy()
    pairs["distance_km"] = pairs["distance_km"].astype(float)
    pairs["locked"] = pairs["locked"].str.strip().str.lower().eq("true")
    remote = frames["remote_summary.csv"].copy()
    remote["coverage_ratio"] = remote["coverage_ratio"].astype(float)
    for c in remote.columns:
        if c.startswith(("need_", "covered_", "uncovered_")) or c in ("n_partners",):
            remote[c] = pd.to_numeric(remote[c])
    for c in pairs.columns:
        if c.startswith("staff_") or c == "alt_km":  # alt_km: the runner-up's km (issue 11), blank for none
            pairs[c] = pd.to_numeric(pairs[c])
    return ResultView(path, units, pairs, remote, frames["lowland_summary.csv"], summary)


def _read_csv(f: Path, issues: list[ValidationIssue]) -> pd.DataFrame | None:
    """A result table as text, formula escapes undone; None (and an issue) if unreadable."""
    try:
        frame = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        issues.append(ValidationIssue(str(f), None, None, None, "not UTF-8 text; save it as CSV UTF-8"))
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        issues.append(ValidationIssue(str(f), None, None, None, f"not a readable CSV table ({str(e).strip()})"))
        return None
    except OSError as e:  # a folder, or unreadable
        issues.append(ValidationIssue(str(f), None, None, None, f"cannot be read ({e.strerror or e})"))
        return None
    found = text_issues(frame, str(f), [i + 2 for i in range(len(frame))])
    frame = frame.apply(lambda col: col.map(unescape_text)) if len(frame) else frame
    frame.attrs["text_issues"] = found
    return frame


def _read_summary(f: Path, issues: list[ValidationIssue]) -> dict:
    if not f.exists():
        issues.append(ValidationIssue(str(f), None, None, None, MISSING))
        return {}
    try:
        summary = json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        issues.append(ValidationIssue(str(f), e.lineno, None, None, f"not valid JSON: {e.msg}", "line"))
        return {}
    except UnicodeDecodeError:
        issues.append(ValidationIssue(str(f), None, None, None, "not UTF-8 text"))
        return {}
    except RecursionError:
        issues.append(ValidationIssue(str(f), None, None, None, "not valid JSON: nested too deeply"))
        return {}
    except ValueError as e:  # e.g. an integer of too many digits
        issues.append(ValidationIssue(str(f), None, None, None, f"not valid JSON: {e}"))
        return {}
    except OSError as e:  # a folder, or unreadable
        issues.append(ValidationIssue(str(f), None, None, None, f"cannot be read ({e.strerror or e})"))
        return {}
    if not isinstance(summary, dict):
        issues.append(ValidationIssue(str(f), None, None, None, "not a JSON object (re-run matcher solve)"))
        return {}
    found = _summary_issues(str(f), summary)
    issues += found
    return {} if found else summary


def _numeric_columns(name: str, columns) -> dict[str, bool]:
    """The number columns of a result table, each with whether a blank cell is allowed."""
    fixed = {
        "units.csv": {"lat": False, "lon": False},
        "pairs.csv": {"distance_km": False, "minutes": True, "alt_km": True},  # alt_km: issue 11, blank ok
        "remote_summary.csv": {"coverage_ratio": False, "n_partners": False, "need_total": False,
                               "covered_total": False},
        "lowland_summary.csv": {"n_partners": False},
    }[name]
    prefixes = {
        "units.csv": ("supply_", "need_"),  # blank on the other side's rows
        "pairs.csv": ("staff_",),
        "remote_summary.csv": ("need_", "covered_", "uncovered_"),
        "lowland_summary.csv": ("supply_", "committed_"),
    }[name]
    out = {c: fixed[c] for c in columns if c in fixed}
    out.update({c: name == "units.csv" for c in columns if c.startswith(prefixes) and c not in out})
    return out


NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
RANGES = {"lat": (-90.0, 90.0, "latitude out of range"), "lon": (-180.0, 180.0, "longitude out of range")}


def _number_problem(text: str) -> str | None:
    """Why a cell is not a finite number written with a decimal point (None if it is)."""
    t = text.strip()
    if not NUMBER.match(t):
        if t.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            return "not a finite number"
        if NUMBER.match(t.replace(".", "").replace(",", ".")):
            return "not a number: use a decimal point, not a comma"
        return "not a number"
    return None if math.isfinite(float(t)) else "not a finite number"


def _check_numbers(f: Path, frame: pd.DataFrame, issues: list[ValidationIssue]) -> None:
    for col, blank_ok in _numeric_columns(f.name, frame.columns).items():
        for i, text in enumerate(frame[col]):
            if not text.strip():
                if not blank_ok:
                    issues.append(ValidationIssue(str(f), i + 2, col, "", "empty cell"))
                continue
            problem = _number_problem(text)
            if problem is None and col in RANGES:
                lo, hi, message = RANGES[col]
                problem = None if lo <= float(text) <= hi else message
            if problem is None and col in ("distance_km", "minutes", "alt_km") and float(text) < 0:
                problem = "must be >= 0"
            if problem is None and _is_count(col) and (float(text) < 0 or not float(text).is_integer()):
                problem = "must be a whole number >= 0"
            if problem:
                issues.append(ValidationIssue(str(f), i + 2, col, text, problem))
    if "locked" in frame.columns:
        for i, text in enumerate(frame["locked"]):
            if text.strip().lower() not in ("true", "false"):
                issues.append(ValidationIssue(str(f), i + 2, "locked", text, "must be true or false"))


def _is_count(col: str) -> bool:
    """Staff figures and partner counts: whole numbers >= 0."""
    return col == "n_partners" or col.startswith(("staff_", "need_", "covered_", "uncovered_", "supply_",
                                                   "committed_"))


def _check_pairs(path: Path, pairs: pd.DataFrame, summary: dict, issues: list[ValidationIssue]) -> None:
    """Each pair once; as many pairs as summary.json's n_pairs says."""
    f = str(path / "pairs.csv")
    first: dict[tuple[str, str], int] = {}
    for i, key in enumerate(zip(pairs["lowland_code"], pairs["remote_code"], strict=True)):
        if key in first:
            issues.append(ValidationIssue(f, i + 2, "remote_code", key[1],
                                          f"duplicate pair {key[0]}–{key[1]} (also row {first[key]})"))
        first.setdefault(key, i + 2)
    n = summary.get("n_pairs")
    if n is not None and n != len(pairs):
        issues.append(ValidationIssue(str(path / "summary.json"), None, "n_pairs", _shown(n),
                                      f"pairs.csv has {len(pairs)} pair rows", column_label="key"))


def _check_codes(path: Path, frames: dict[str, pd.DataFrame], issues: list[ValidationIssue]) -> None:
    """Every unit code once in units.csv with a known role; every code of the other tables there,
    on the right side."""
    units = frames["units.csv"]
    f = str(path / "units.csv")
    roles: dict[str, str] = {}
    for i, (code, role) in enumerate(zip(units["code"], units["role"], strict=True)):
        if role not in ROLES:
            issues.append(ValidationIssue(f, i + 2, "role", role, f"must be one of {', '.join(ROLES)}"))
        if not code.strip():
            issues.append(ValidationIssue(f, i + 2, "code", "", "empty cell"))
        elif code in roles:
            issues.append(ValidationIssue(f, i + 2, "code", code, "duplicate code"))
        roles.setdefault(code, role)
    checks = (("pairs.csv", "lowland_code", "lowland"), ("pairs.csv", "remote_code", "remote"),
              ("remote_summary.csv", "remote_code", "remote"), ("lowland_summary.csv", "lowland_code", "lowland"))
    for name, col, side in checks:
        for i, code in enumerate(frames[name][col]):
            if code not in roles:
                issues.append(ValidationIssue(str(path / name), i + 2, col, code, "not a unit of units.csv"))
            elif roles[code] != side:
                issues.append(ValidationIssue(str(path / name), i + 2, col, code,
                                              f"is a {roles[code]} unit in units.csv, not a {side} one"))


# ---- the problem behind a result folder ---------------------------------------------------


def _issue(where: str, message: str, value=None) -> InputError:
    return InputError([ValidationIssue(where, None, None, value, message)])


def problem_for_result(result_dir: Path) -> tuple[Problem, SolveParams]:
    """The problem and solver parameters a result folder was solved with.

    Reads ``summary.json``: the scenario file (``scenario.file``: a scenario TOML or a
    units table), the rules recorded under ``scenario`` and ``solver_params``. Loads the
    scenario, applies the recorded rules over the file's, and reads its tables. Raises
    :class:`~matcher.errors.InputError` when the file is gone, or when the rebuilt problem
    is not the one the folder shows (other units, staff figures or locked pairs: the files
    changed since, or the run used a ``--pairs``/``--travel`` table that ``summary.json``
    does not record).
    """
    from .scenario import load_problem, load_scenario, with_overrides

    view = read_result_dir(Path(result_dir))
    summary_path = str(Path(result_dir) / "summary.json")
    info = view.summary.get("scenario") or {}
    file = info.get("file")
    if not file:
        raise _issue(summary_path, "names no scenario file (scenario.file); cannot rebuild the problem")
    if not Path(file).exists():
        raise _issue(summary_path, "the scenario file this result was solved from no longer exists; "
                                   "restore it, or solve again", file)
    sc = load_scenario(Path(file))
    rules: dict = {
        k: info.get(k) for k in ("max_distance_km", "max_minutes", "detour_factor", "distance_metric",
                                 "pair_within")
    }
    if info.get("max_changes") is not None:
        rules["max_changes"] = int(info["max_changes"])
    if info.get("objectives"):
        rules["objectives"] = tuple(info["objectives"])
    if info.get("tolerances") is not None:
        rules["tolerances"] = dict(info["tolerances"])
    for side, bounds in (info.get("partners") or {}).items():
        rules[f"{side}_min_partners"], rules[f"{side}_max_partners"] = int(bounds[0]), int(bounds[1])
    sp = view.summary.get("solver_params") or {}
    params = {k: sp.get(k) for k in ("time_limit_s", "workers", "seed")}
    sc = with_overrides(sc, pairs=info.get("pairs_file"), travel=info.get("travel_file"), rules=rules,
                        params=params, units_sheet=info.get("units_sheet"), from_plan=info.get("from_plan_file"))
    # with_overrides keeps the file's value where the recorded one is None: a cap the run
    # did not have must not come back from the file.
    none_caps = {k: None for k in ("max_distance_km", "max_minutes", "pair_within") if k in info and info[k] is None}
    if none_caps:
        sc = replace(sc, rules=replace(sc.rules, **none_caps))
    problem, _ = load_problem(sc)
    _check_same_problem(problem, view, summary_path)
    return problem, sc.params


def _check_same_problem(problem: Problem, view: ResultView, where: str) -> None:
    """The rebuilt problem must have the folder's units, staff figures and locked pairs."""
    issues = []
    units = {r["code"]: r for r in view.units.to_dict("records")}
    mine = {u.code: u for u in problem.units}
    if set(units) != set(mine):
        diff = sorted(set(units) ^ set(mine))
        issues.append(f"the units differ from the scenario's now (codes {', '.join(diff[:5])}"
                      f"{'…' if len(diff) > 5 else ''})")
    else:
        changed = []
        for code, row in units.items():
            u = mine[code]
            if row["role"] != u.role.value:
                changed.append(code)
                continue
            for d in problem.domains:
                for col, values in ((f"supply_{d}", u.supply), (f"need_{d}", u.need)):
                    if row.get(col) not in (None, "") and int(float(row[col])) != values.get(d, 0):
                        changed.append(code)
        if changed:
            changed = sorted(set(changed))
            issues.append(f"roles or staff figures differ from the scenario's now (units {', '.join(changed[:5])}"
                          f"{'…' if len(changed) > 5 else ''})")
    shown = {(r["lowland_code"], r["remote_code"]) for r in view.pairs.to_dict("records") if r["locked"]}
    hand_plan = view.summary.get("mode") == "evaluate"  # a hand plan may miss locked pairs
    if (shown - set(problem.locked)) if hand_plan else (shown != set(problem.locked)):
        differ = sorted(shown ^ set(problem.locked))
        listed = ", ".join(f"{a}–{b}" for a, b in differ[:4]) + ("…" if len(differ) > 4 else "")
        issues.append(f"its locked pairs differ from the scenario's now ({listed}; a what-if result, a --pairs "
                      "table not recorded in summary.json, or an edited pairs table)")
    if issues:
        raise InputError([ValidationIssue(where, None, None, None,
                                          f"the scenario no longer matches this result: {m}; solve again")
                          for m in issues])


# ---- a result folder as a Result ----------------------------------------------------------


def result_from_view(problem: Problem, view: ResultView) -> Result:
    """The plan of a result folder as a :class:`Result`: distances recomputed exactly from
    the problem (pairs.csv rounds them), the staff split from the ``staff_<domain>`` columns."""
    rows = view.pairs.to_dict("records")
    pairs = []
    for row in rows:
        lo, re = problem.unit(row["lowland_code"]), problem.unit(row["remote_code"])
        km, minutes, source, _ = pair_metrics(problem, lo, re)
        allot = {d: int(row[f"staff_{d}"]) for d in problem.domains
                 if f"staff_{d}" in row and int(row[f"staff_{d}"]) > 0}
        pairs.append(Pair(lo.code, re.code, km, minutes, source, bool(row["locked"]), allot))
    s = view.summary
    stages = [
        StageResult(st["name"], Status(st["status"]), st.get("value"), st.get("bound"),
                    float(st.get("seconds") or 0.0), st.get("unit", ""))
        for st in s.get("stages", [])
    ]
    return Result(
        status=Status(s.get("status", "optimal")), stages=tuple(stages), pairs=tuple(pairs),
        seconds=float(s.get("solve_seconds") or 0.0), solver=str(s.get("solver", "")),
        mode=str(s.get("mode", "solve")), params=dict(s.get("solver_params") or {}),
    )
