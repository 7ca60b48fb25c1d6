"""Scenario files, settings given on the command line, and :func:`load_problem`.

A scenario file (TOML) names the tables and sets :class:`~matcher.model.Rules` and
:class:`~matcher.model.SolveParams`. Those check themselves (``problems()``); this module
only reads the file's shape (known keys, tables, lists of strings, paths that exist) and
wraps each problem the model finds with the file and key, every one reported at once::

    scenario.toml: key 'max_distance_km': value 'nan': must be a finite number >= 0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

from ..errors import InputError, MatcherWarning, ValidationIssue, group_warnings
from ..model import STAGES, PairRule, Problem, Role, Rules, SolveParams
from .baseline import check_baseline_rules, with_baseline
from .defaults import DEFAULT_PARAMS, DEFAULT_RULES
from .extends import read_chain
from .tables import TABLE_SUFFIXES, check_input_file, repair_code, text_problem, visible

SCENARIO_KEYS = {
    "name", "units", "pairs", "travel", "max_distance_km", "max_minutes", "detour_factor",
    "distance_metric", "objectives", "tolerance", "partners", "solver", "assumptions", "sources",
    "assumptions_vi", "sources_vi", "pair_within", "derive", "units_sheet", "pairs_sheet", "from_plan", "max_changes",
}
PARTNER_KEYS = {"lowland_min", "lowland_max", "remote_min", "remote_max"}
SOLVER_KEYS = {"time_limit_s", "workers", "seed"}
TEXT_LISTS = ("assumptions", "sources", "assumptions_vi", "sources_vi")

# model setting -> the scenario file's key, where they differ
FILE_KEYS = {
    **{f"{k.split('_')[0]}_{k.split('_')[1]}_partners": f"partners.{k}" for k in PARTNER_KEYS},
    **{k: f"solver.{k}" for k in SOLVER_KEYS},
}
FLOAT_SETTINGS = {"max_distance_km", "max_minutes", "detour_factor", "time_limit_s", "tolerance"}
INT_SETTINGS = {"lowland_min_partners", "lowland_max_partners", "remote_min_partners", "remote_max_partners",
                "workers", "seed", "max_changes"}


@dataclass(frozen=True)
class Scenario:
    """A scenario file, or a units table with options, resolved to paths and settings."""

    name: str
    units: Path
    pairs: Path | None = None
    travel: Path | None = None
    rules: Rules = field(default_factory=Rules)
    params: SolveParams = field(default_factory=SolveParams)
    assumptions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    assumptions_vi: tuple[str, ...] = ()
    sources_vi: tuple[str, ...] = ()
    path: Path | None = None
    origins: Mapping[str, str] = field(default_factory=dict)  # "rules.x"/"params.x" -> where it was given
    derive: tuple = ()  # matcher.io.derive.DeriveRule, from [derive.need_<d>] / [derive.supply_<d>]
    units_sheet: str | None = None  # the XLSX sheet of the units table (default: the active visible one)
    pairs_sheet: str | None = None  # the XLSX sheet of the pairs table (the template's 'pairs' sheet, in place)
    from_plan: Path | None = None  # a published plan to keep (matcher.io.baseline): a pairs table or result folder

    @property
    def inputs(self) -> list[Path]:
        plan = self.from_plan
        plan = plan / "pairs.csv" if plan is not None and plan.is_dir() else plan
        return [p for p in (self.path, self.units, self.pairs, self.travel, plan) if p is not None]


def default_scenario_path() -> Path:
    """The embedded Da Nang 2025 scenario (packaged copy first, then the source tree)."""
    here = Path(__file__).resolve().parents[1]  # the matcher package
    for base in (here / "_data", here.parent / "data"):
        path = base / "danang_2025" / "scenario.toml"
        if path.exists():
            return path
    raise FileNotFoundError("the embedded Da Nang 2025 scenario is missing from this install")


def model_problems(cls, values: Mapping) -> list[tuple[str, object, str]]:
    """``cls.problems()`` (``Rules`` or ``SolveParams``) for the defaults with ``values`` over them.

    No instance is built: the constructor would stop at the first bad value."""
    return cls.problems(SimpleNamespace(**{**vars(cls()), **values}))


def file_key(setting: str) -> str:
    """The scenario file's key for a model setting (``workers`` -> ``solver.workers``)."""
    if setting.split(".")[0] == "tolerances":
        return "tolerance" + setting[len("tolerances"):]
    return FILE_KEYS.get(setting, setting)


def read_scenario(path: Path) -> Scenario:
    """Read a scenario TOML; every problem of the file (shape and settings) is reported at once."""
    path = Path(path)
    name = path.name
    check_input_file(path)  # a FIFO, device or folder is refused at once (reading one could hang)
    came = {}  # key -> the file of the extends chain that set it
    data = read_chain(path, came)  # with ``extends = "base.toml"`` merged in (matcher.io.extends)
    issues: list[ValidationIssue] = []

    def bad(key, value, msg):
        issues.append(ValidationIssue(name, None, key, value, msg, column_label="key"))

    for key in data:
        if key not in SCENARIO_KEYS:
            bad(key, None, f"unknown key; known keys: {', '.join(sorted({*SCENARIO_KEYS, 'extends'}))}")
    for section, known in (("partners", PARTNER_KEYS), ("solver", SOLVER_KEYS), ("tolerance", set(STAGES))):
        sub = data.get(section, {})
        if not isinstance(sub, dict):
            bad(section, sub, "must be a table")
            continue
        for key in sub:
            if key not in known:
                bad(f"{section}.{key}", None, f"unknown key; known keys: {', '.join(sorted(known))}")

    def rel(key):
        v = data.get(key)
        if v is None:
            return None
        if not isinstance(v, str):
            bad(key, v, "expected a path (a string)")
            return None
        if why := text_problem(v, one_line=True):
            bad(key, visible(v), why)
            return None
        p = (path.parent / v).resolve()
        if not p.exists():
            bad(key, v, f"file not found ({p})")
        return p

    for key in ("name", "units_sheet", "pairs_sheet"):
        if key not in data:
            continue
        if not isinstance(data[key], str):
            bad(key, data[key], "expected a string")
        elif why := text_problem(data[key], one_line=True):
            bad(key, visible(data[key]), why)
    for key in TEXT_LISTS:
        v = data.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            bad(key, v, "expected a list of strings")
            continue
        for item in v:
            if why := text_problem(item):
                bad(key, visible(item), why)
    units = rel("units")
    if "units" not in data:
        bad("units", None, "required key is missing")
    pairs, travel, from_plan = rel("pairs"), rel("travel"), rel("from_plan")
    rules_kw, params_kw = _settings(data, bad)
    from .derive import parse_derive

    derive = parse_derive(data.get("derive", {}), bad, name)
    origins = {**{f"rules.{k}": f"scenario file {came.get(file_key(k), name)}" for k in rules_kw},
               **{f"params.{k}": f"scenario file {came.get(file_key(k), name)}" for k in params_kw},
               **({"from_plan": f"scenario file {came.get('from_plan', name)}"} if from_plan else {})}
    rules_kw, params_kw = {**DEFAULT_RULES, **rules_kw}, {**DEFAULT_PARAMS, **params_kw}  # one set of defaults
    for cls, kw in ((Rules, rules_kw), (SolveParams, params_kw)):
        for setting, value, msg in model_problems(cls, kw):
            for model_name, key in FILE_KEYS.items():  # 'must be >= lowland_min_partners (1)'
                if model_name.endswith("_partners"):
                    msg = msg.replace(model_name, key)
            key = file_key(setting)
            bad(key, _as_written(data, key, value), msg)
    if issues:
        raise InputError(issues)
    return Scenario(
        name=str(data.get("name", path.stem)), units=units, pairs=pairs, travel=travel,
        rules=Rules(**rules_kw), params=SolveParams(**params_kw), assumptions=tuple(data.get("assumptions", ())),
        sources=tuple(data.get("sources", ())), assumptions_vi=tuple(data.get("assumptions_vi", ())),
        sources_vi=tuple(data.get("sources_vi", ())), path=path.resolve(), origins=origins, derive=derive,
        units_sheet=data.get("units_sheet"), pairs_sheet=data.get("pairs_sheet"), from_plan=from_plan,
    )


def _as_written(data: Mapping, key: str, value):
    """The value at ``key`` (``solver.workers``) as the file gives it (``-1``, not ``-1.0``)."""
    node = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return value
        node = node[part]
    return node


def _setting(value, setting: str):
    """A TOML value as the model's type (``5`` -> ``5.0`` for seconds, ``2.0`` -> ``2`` for counts);
    anything else is passed as it is, for the model to refuse."""
    if isinstance(value, bool):
        return value
    if setting in FLOAT_SETTINGS and isinstance(value, int):
        return float(value)
    if setting in INT_SETTINGS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _settings(data: Mapping, bad) -> tuple[dict, dict]:
    """The file's settings as keyword arguments of Rules and SolveParams (shape checked, ranges not)."""
    rules: dict = {}
    params: dict = {}
    for key in ("max_distance_km", "max_minutes", "detour_factor", "distance_metric", "pair_within", "max_changes"):
        if key in data:  # "none" lifts a cap (the documented default has one)
            none = key in ("max_distance_km", "max_minutes") and data[key] == "none"
            rules[key] = None if none else _setting(data[key], key)
    if "objectives" in data:
        obj = data["objectives"]
        if not isinstance(obj, list) or not all(isinstance(o, str) for o in obj):
            bad("objectives", obj, f"expected a list of distinct names from {list(STAGES)}")
        else:
            rules["objectives"] = tuple(obj)
    tol = data.get("tolerance", {})
    if isinstance(tol, dict):
        # unknown keys are reported above
        rules["tolerances"] = {k: _setting(v, "tolerance") for k, v in tol.items() if k in STAGES}
    part = data.get("partners", {})
    if isinstance(part, dict):
        for k in PARTNER_KEYS & set(part):
            side, end = k.split("_")
            rules[f"{side}_{end}_partners"] = _setting(part[k], f"{side}_{end}_partners")
    solver = data.get("solver", {})
    if isinstance(solver, dict):
        for k in SOLVER_KEYS & set(solver):
            params[k] = _setting(solver[k], k)
    return rules, params


def scenario_from_table(units: Path, pairs: Path | None = None, travel: Path | None = None,
                        units_sheet: str | None = None) -> Scenario:
    units = Path(units)
    return Scenario(name=units.stem, units=units.resolve(),
                    pairs=pairs and Path(pairs).resolve(), travel=travel and Path(travel).resolve(),
                    rules=Rules(**DEFAULT_RULES), params=SolveParams(**DEFAULT_PARAMS), units_sheet=units_sheet)


def load_scenario(target: Path | None) -> Scenario:
    """A scenario TOML, a units table, or (``None``) the embedded default."""
    if target is None:
        return read_scenario(default_scenario_path())
    target = Path(target)
    if target.suffix.lower() == ".toml":
        return read_scenario(target)
    if target.suffix.lower() in TABLE_SUFFIXES:
        return scenario_from_table(target)
    raise InputError([ValidationIssue(str(target), None, None, None,
                                      "expected a scenario .toml or a units table (CSV, XLSX, GeoJSON, GPKG)")])


# ---- settings from the command line ------------------------------------------------------


def parse_objectives(text: str | None) -> tuple[str, ...] | None:
    """``"balance,distance"`` -> ("balance", "distance"); None stays None.

    The names are checked with the other settings (:func:`with_overrides`, ``Rules.problems``)."""
    if text is None:
        return None
    return tuple(t.strip() for t in text.split(",") if t.strip())


def parse_pair_args(option: str, items: list[str]) -> list[tuple[str, str]]:
    """``["20263:20941"]`` or ``["Hội An:Hùng Sơn"]`` -> pairs of codes or names (resolved
    against the units later); every malformed item reported."""
    out, issues = [], []
    for item in items:
        lc, sep, rc = item.partition(":")
        if not sep or not lc.strip() or not rc.strip():
            issues.append(ValidationIssue(option, None, None, item, "expected LOWLAND:REMOTE, each a unit code or name "
                                          "(e.g. 20263:20941 or \"Hội An:Hùng Sơn\")"))
        else:
            out.append((repair_code(lc), repair_code(rc)))
    if issues:
        raise InputError(issues)
    return out


def parse_tolerances(items: list[str]) -> dict[str, float]:
    """``["balance=0.05"]`` -> {"balance": 0.05}; every item that is not NAME=NUMBER reported.

    Stage names and ranges are checked with the other settings (``Rules.problems``)."""
    out, issues = {}, []
    for item in items:
        name, sep, value = item.partition("=")
        try:
            tol = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            issues.append(ValidationIssue("--tolerance", None, None, item,
                                          "expected NAME=VALUE with NAME a stage and 0 <= VALUE < 1"))
        else:
            out[name.strip()] = tol
    if issues:
        raise InputError(issues)
    return out


def override_problems(sc: Scenario, *, rules: Mapping | None = None,
                      params: Mapping | None = None) -> list[ValidationIssue]:
    """Every bad setting of ``sc`` with ``rules``/``params`` over its own (``None`` values ignored).

    Each issue is ``ValidationIssue("command line", None, <setting>, <value>, <message>,
    column_label="setting")``, ``<setting>`` a field name of Rules or SolveParams
    (``max_distance_km``, ``tolerances.balance``, ``workers``): ``command line: setting
    'max_distance_km': value 'nan': must be a finite number >= 0``. The CLI maps the setting
    to its option."""
    given_rules = {k: v for k, v in (rules or {}).items() if v is not None}
    given_params = {k: v for k, v in (params or {}).items() if v is not None}
    found = model_problems(Rules, {**vars(sc.rules), **given_rules})
    found += model_problems(SolveParams, {**vars(sc.params), **given_params})
    return [ValidationIssue("command line", None, setting, value, msg, column_label="setting")
            for setting, value, msg in found]


def with_overrides(sc: Scenario, *, pairs=None, travel=None, rules: Mapping | None = None,
                   params: Mapping | None = None, origins: Mapping[str, str] | None = None,
                   units_sheet: str | None = None, from_plan=None) -> Scenario:
    """Command-line options win over the scenario file (``units_sheet``: ``--sheet``).

    ``origins`` names where each given setting came from (``{"rules.max_distance_km":
    "--max-distance-km"}``); by default ``command line``.

    Raises :class:`InputError` (never a bare ``ValueError``) with the issues of
    :func:`override_problems`, every bad setting at once."""
    issues = override_problems(sc, rules=rules, params=params)
    if issues:
        raise InputError(issues)
    given = [f"rules.{k}" for k, v in (rules or {}).items() if v is not None]
    given += [f"params.{k}" for k, v in (params or {}).items() if v is not None]
    return replace(
        sc,
        origins={**sc.origins, **{k: (origins or {}).get(k, "command line") for k in given},
                 **({"from_plan": "--from-plan"} if from_plan else {})},
        pairs=Path(pairs).resolve() if pairs else sc.pairs,  # pairs_sheet names a sheet of the file's own table
        pairs_sheet=sc.pairs_sheet if not pairs or Path(pairs).resolve() == sc.pairs else None,
        travel=Path(travel).resolve() if travel else sc.travel, units_sheet=units_sheet or sc.units_sheet,
        from_plan=Path(from_plan).resolve() if from_plan else sc.from_plan,
        rules=replace(sc.rules, **{k: v for k, v in (rules or {}).items() if v is not None}),
        params=replace(sc.params, **{k: v for k, v in (params or {}).items() if v is not None}),
    )


def load_problem(sc: Scenario) -> tuple[Problem, list[MatcherWarning]]:
    """Read every table of a scenario, collecting problems across files.

    Returns the problem and its warnings, grouped (one :class:`MatcherWarning` per kind and
    file; ``str(w)`` is its one line)."""
    from .derive import Derived, derive_hook, derived_assumptions
    from .inputs import read_pairs, read_travel, read_units

    issues: list[ValidationIssue] = []
    derived = Derived()
    try:
        units, domains, warnings = read_units(sc.units, sc.units_sheet,
                                              fill=derive_hook(sc.derive, derived) if sc.derive else None)
    except InputError as e:
        raise InputError(e.issues) from None
    pair_rules: list[PairRule] = []
    travel: dict = {}
    for path, reader, sheet in ((sc.pairs, read_pairs, sc.pairs_sheet), (sc.travel, read_travel, None)):
        if path is None:
            continue
        try:  # their reading notes (header row, name matches, …) join the units table's
            got = reader(path, units, sheet=sheet, warnings=warnings)
        except InputError as e:
            issues += e.issues
            continue
        if reader is read_pairs:
            pair_rules = got
        else:
            travel = got
    issues += check_baseline_rules(sc.rules.objectives, sc.from_plan is not None, sc.rules.max_changes,
                                   str(sc.path or "command line"))
    col = sc.rules.pair_within
    if col is not None:  # the grouping column must be there, filled on every lowland and remote row
        where = Path(sc.units).name
        if not any(col in u.attrs for u in units):
            issues.append(ValidationIssue(where, None, col, None, "the column that pair_within names is missing"))
        else:
            issues += [ValidationIssue(where, None, col, u.code, "empty: every unit needs a group for pair_within",
                                       column_label="column") for u in units
                       if u.role is not Role.EXCLUDED and str(u.attrs.get(col, "")).strip() == ""]
    if issues:
        raise InputError(issues)
    extra = derived_assumptions(derived, Path(sc.units).name)
    problem = Problem(
        units=tuple(units), domains=domains, rules=sc.rules, pair_rules=tuple(pair_rules),
        travel=travel, name=sc.name, assumptions=(*sc.assumptions, *extra["en"]), sources=sc.sources,
        assumptions_vi=(*((sc.assumptions_vi or sc.assumptions) if extra["vi"] else sc.assumptions_vi), *extra["vi"]),
        sources_vi=sc.sources_vi,
    )
    if sc.from_plan is not None:
        problem = with_baseline(problem, sc.from_plan, warnings)
    return problem, group_warnings(warnings)

