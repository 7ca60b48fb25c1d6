"""Every command-line option, declared once, and the checks made before any work.

A scenario setting's option is named after the setting (``--max-distance-km`` sets
``rules.max_distance_km``); :data:`SETTINGS` is the one table from setting to option, used
both to declare the options (:func:`with_settings` adds a group of them to a command) and to
name the option in an error message. :class:`Settings` holds what was given and checks it
with the model's own validators (``Rules.problems()``, ``SolveParams.problems()``) before
any table is read: ``--time-limit: value 'nan': must be a number of seconds > 0 …``.
"""

from __future__ import annotations

import functools
import inspect
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional, get_args, get_type_hints

import typer

from ..errors import InputError, ValidationIssue
from ..model import Rules, SolveParams

# ---- the options ---------------------------------------------------------------------------

Target = Annotated[Optional[Path], typer.Argument(
    help="Scenario .toml or a units table (CSV/XLSX/GeoJSON/GPKG). Default: Da Nang 2025.")]
ResultDir = Annotated[Path, typer.Argument(help="A folder written by matcher solve or matcher evaluate.")]

Pairs = Annotated[Optional[Path], typer.Option("--pairs", help="Pairs table (locked/forbidden).")]
Travel = Annotated[Optional[Path], typer.Option("--travel", help="Travel table (km, minutes).")]
Sheet = Annotated[Optional[str], typer.Option(
    "--sheet", help="The units table's XLSX sheet (default: the active visible one; a hidden one only by name).")]
MaxDistanceKm = Annotated[Optional[float], typer.Option("--max-distance-km", help="Distance cap, road km.")]
MaxMinutes = Annotated[Optional[float], typer.Option("--max-minutes", help="Travel-time cap, minutes.")]
DetourFactor = Annotated[Optional[float], typer.Option("--detour-factor", help="Road km per geodesic km.")]
DistanceMetric = Annotated[Optional[str], typer.Option("--distance-metric", help="km or minutes.")]
PairWithin = Annotated[Optional[str], typer.Option(
    "--pair-within", help="Pair only units with the same value in this units-table column, e.g. province_code.")]
RemoteMax = Annotated[Optional[int], typer.Option("--remote-max-partners", help="Max partners of a remote unit.")]
LowlandMax = Annotated[Optional[int], typer.Option("--lowland-max-partners", help="Max partners of a lowland unit.")]
RemoteMin = Annotated[Optional[int], typer.Option("--remote-min-partners", help="Min partners of a remote unit.")]
LowlandMin = Annotated[Optional[int], typer.Option("--lowland-min-partners", help="Min partners of a lowland unit.")]
Objectives = Annotated[Optional[str], typer.Option(
    "--objectives", help="Stage order, comma-separated, from balance,shortfall,distance (and changes, "
                         "with --from-plan).")]
Tolerance = Annotated[Optional[list[str]], typer.Option(
    "--tolerance", help="Relative slack a stage leaves to the next, e.g. balance=0.05 (repeatable).")]
TimeLimit = Annotated[Optional[float], typer.Option(
    "--time-limit", help="Solver budget in seconds of work (about seconds on an idle machine; counted "
            "deterministically, so a busy machine gives the same plan, later): all stages of a solve together, "
            "or each check of a diagnosis.")]
Workers = Annotated[Optional[int], typer.Option("--workers", help="CP-SAT workers (1 = reproducible).")]
Seed = Annotated[Optional[int], typer.Option("--seed", help="Random seed.")]
FromPlan = Annotated[Optional[Path], typer.Option(
    "--from-plan", help="A published plan to keep as far as the rules allow: a pairs table or a result folder "
                        "(adds the 'changes' stage, first; see --max-changes).")]
MaxChanges = Annotated[Optional[int], typer.Option(
    "--max-changes", help="With --from-plan: at most N pairs added or dropped; balance comes first and may use them.")]

Lang = Annotated[str, typer.Option("--lang", help="Language of reports and labels: vi (default) or en.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="List every row behind each warning.")]
OutFolder = Annotated[Path, typer.Option("--out", help="Folder for the result files.")]
OutReport = Annotated[Optional[Path], typer.Option(
    "--out", help="Folder for the report files (optional; diagnosis.* or whatif.* and the new plan's files).")]
OutMap = Annotated[Path, typer.Option("--out", help="FILE.png, .pdf, .svg (static) or .html (interactive).")]
OutCheck = Annotated[Optional[Path], typer.Option(
    "--out", help="Write every problem and warning (file, row, column, value, message, kind) to this .xlsx.")]
OutPack = Annotated[Path, typer.Option("--out", help="The review pack, a .pdf file.")]
Plan = Annotated[Path, typer.Option("--plan", help="The plan to score: a table with lowland_code, remote_code.")]
Boundaries = Annotated[Optional[Path], typer.Option(
    "--boundaries", help="Polygons (GeoJSON, GeoPackage, Shapefile) with a 'code' column, any declared CRS.")]
BoundariesCode = Annotated[Optional[str], typer.Option(
    "--boundaries-code", help="The column of --boundaries holding the 5-digit unit codes (default: code; any case).")]
Paper = Annotated[str, typer.Option(
    "--paper", help="Paper of the map and of every page of the pack: a4 (default, landscape: Decree 30/2020/NĐ-CP "
                    "sets A4 for administrative documents) or a3 (landscape).")]
Final = Annotated[bool, typer.Option("--final", help="The pack without the DRAFT mark (the version to sign).")]
Year = Annotated[Optional[int], typer.Option(  # issue 12: cluster drawing
    "--year", help="A cluster folder's map: mark that year's head (star) and deputies (triangle) from rotation.csv.")]
RotationFile = Annotated[Optional[Path], typer.Option(  # issue 12: cluster drawing
    "--rotation", help="A cluster folder: the rotation.csv of matcher rotate to draw instead of the folder's own.")]
PackName = Annotated[Optional[str], typer.Option(
    "--name", help="The scenario's name on the pack's cover and footers (default: the scenario's own name).")]
CommunePages = Annotated[Optional[bool], typer.Option(
    "--commune-pages/--no-commune-pages",
    help="One page per remote commune in the pack (default: on up to 60 remote communes).")]
PairList = Annotated[Optional[list[str]], typer.Option(
    help="LOWLAND:REMOTE, each a unit code or name, e.g. \"Hội An:Hùng Sơn\" (repeatable).")]
Why = Annotated[bool, typer.Option(
    "--why", help="Explain every pair in pairs.csv: domains, distance rank, and which objective stage "
                  "decided it (one re-solve per new pair: about a minute for Da Nang).")]

FlagCoverage = Annotated[Optional[float], typer.Option(
    "--flag-coverage", help="Flag remote communes whose coverage is below this ratio (default 0.5; "
                            "summary.json flags, flag_coverage).")]

# issue 12: cluster command (matcher cluster)
ClusterTarget = Annotated[Path, typer.Argument(
    help="The units table (CSV/XLSX: code, name, unit_type, lat, lon, population, area_km2) or a scenario .toml "
         "with a \\[cluster] table.")]
ClusterK = Annotated[Optional[int], typer.Option("--k", help="Number of clusters.")]
ClusterSize = Annotated[Optional[str], typer.Option("--size", help="Members per cluster, LO..HI, e.g. 6..9.")]
Balance = Annotated[Optional[str], typer.Option(
    "--balance", help="Columns to balance across clusters, commas (default population; 'area' = area_km2).")]
Contiguous = Annotated[Optional[bool], typer.Option(
    "--contiguous/--no-contiguous", help="Every cluster connected on the neighbour graph (default: contiguous).")]
SeparateTypes = Annotated[Optional[bool], typer.Option(
    "--separate-types", help="Keep unit types apart (wards with wards, communes with communes).")]
Pin = Annotated[Optional[list[str]], typer.Option(
    "--pin", help="CODE=CLUSTER: put the unit in that cluster (1..k; repeat, or commas).")]
ClusterFromPlan = Annotated[Optional[Path], typer.Option(
    "--from-plan", help="A previous grouping (a clusters.csv: code, cluster) to change as little as possible.")]
MaxMoves = Annotated[Optional[int], typer.Option(
    "--max-moves", help="With --from-plan: at most N units change cluster.")]
ClusterYears = Annotated[Optional[str], typer.Option(
    "--years", help="Also propose a head/deputy rotation for FIRST..LAST, e.g. 2026..2030 (rotation.csv).")]
ClusterDeputies = Annotated[Optional[int], typer.Option(
    "--deputies", help="With --years: deputies (cụm phó) per cluster and year (default 1).")]
ClusterTimeLimit = Annotated[Optional[float], typer.Option(
    "--time-limit", help="Solver budget in deterministic seconds over all stages (reproducible: the same plan on "
                         "a busy machine; the wall clock only guards at 3x). Default 10.")]

# setting -> its option: the one table (the scenario's settings are rules.* and params.*)
SETTINGS = {
    "pairs": Pairs, "travel": Travel, "sheet": Sheet, "from_plan": FromPlan, "rules.max_changes": MaxChanges,
    "rules.max_distance_km": MaxDistanceKm, "rules.max_minutes": MaxMinutes,
    "rules.detour_factor": DetourFactor, "rules.distance_metric": DistanceMetric, "rules.pair_within": PairWithin,
    "rules.lowland_min_partners": LowlandMin, "rules.lowland_max_partners": LowlandMax,
    "rules.remote_min_partners": RemoteMin, "rules.remote_max_partners": RemoteMax,
    "rules.objectives": Objectives, "rules.tolerances": Tolerance,
    "params.time_limit_s": TimeLimit, "params.workers": Workers, "params.seed": Seed,
}
GROUPS = {
    "tables": ("pairs", "travel", "sheet"),
    "rules": ("rules.max_distance_km", "rules.max_minutes", "rules.detour_factor", "rules.distance_metric",
              "rules.remote_max_partners", "rules.lowland_max_partners", "rules.remote_min_partners",
              "rules.lowland_min_partners", "rules.pair_within"),
    "stages": ("rules.objectives", "rules.tolerances"),
    "baseline": ("from_plan", "rules.max_changes"),
    "solver": ("params.time_limit_s", "params.workers", "params.seed"),
}


def flag(setting: str) -> str:
    """The option that sets ``setting`` (``rules.tolerances.balance`` -> ``--tolerance``)."""
    parts = setting.split(".")
    key = ".".join(parts[:2]) if parts[0] in ("rules", "params") else parts[0]
    info = get_args(SETTINGS[key])[1]
    return info.default if isinstance(info.default, str) else info.param_decls[0]


def _param(setting: str) -> str:
    return setting.split(".")[-1]


# ---- what was given, and its checks ------------------------------------------------------------


def _shown(value) -> str:
    """A value as the user typed it: ``-5`` not ``-5.0``; ``nan``, ``inf``."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _model_problems(cls, values: dict) -> list[tuple[str, object, str]]:
    """The model's own validator (``cls.problems()``) on the defaults with ``values`` over them."""
    from ..io.scenario import model_problems

    return model_problems(cls, values)


# with only one side's bound given, check it against the widest other bound
_NEUTRAL = {"lowland_min_partners": 0, "remote_min_partners": 0,
            "lowland_max_partners": 10_000, "remote_max_partners": 10_000}


@dataclass(frozen=True)
class Settings:
    """The scenario settings given on the command line (``None`` where not given)."""

    values: dict

    def _given(self, prefix: str) -> dict:
        return {k.split(".", 1)[1]: v for k, v in self.values.items() if k.startswith(prefix) and v is not None}

    def _parsed_rules(self, issues: list) -> dict:
        rules = self._given("rules.")
        if "objectives" in rules:
            rules["objectives"] = tuple(n.strip() for n in rules["objectives"].split(",") if n.strip())
        if "tolerances" in rules:
            tolerances = {}
            for item in rules["tolerances"]:
                name, sep, value = item.partition("=")
                try:
                    tolerances[name.strip()] = float(value)
                except ValueError:
                    sep = ""
                if not sep:
                    issues.append(ValidationIssue(flag("rules.tolerances"), None, None, item,
                                                  "expected NAME=VALUE with NAME a stage and 0 <= VALUE < 1"))
            rules["tolerances"] = tolerances
        return rules

    def problems(self) -> list[ValidationIssue]:
        """Every bad value, each naming its option; checked alone, before any file is read."""
        issues: list[ValidationIssue] = []
        rules = self._parsed_rules(issues)
        found = [(f"rules.{k}", v, m) for k, v, m in _model_problems(Rules, {**_NEUTRAL, **rules})]
        found += [(f"params.{k}", v, m) for k, v, m in _model_problems(SolveParams, self._given("params."))]
        for setting, value, message in found:
            issues.append(self._issue(setting, value, message))
        return issues

    def _issue(self, setting: str, value, message: str) -> ValidationIssue:
        if setting.startswith("rules.tolerances."):  # value is the tolerance, show NAME=VALUE
            value = f"{setting.rsplit('.', 1)[1]}={_shown(value)}"
        elif setting == "rules.tolerances":  # value is the unknown stage name
            pass
        else:
            value = _shown(value)
        return ValidationIssue(flag(setting), None, None, value, message)

    def check(self) -> None:
        """Raise :class:`InputError` listing every bad value (exit 2 before any work)."""
        issues = self.problems()
        if issues:
            raise InputError(issues)

    def apply(self, sc):
        """``sc`` (a :class:`~matcher.io.scenario.Scenario`) with the given settings over its own.

        A value good alone but not with the scenario's (``--lowland-min-partners 2`` under the
        file's ``lowland_max = 1``) is reported naming the option given."""
        from ..io.scenario import override_problems, with_overrides

        self.check()
        rules = self._parsed_rules([])
        if "tolerances" in rules:
            rules["tolerances"] = {**sc.rules.tolerances, **rules["tolerances"]}
        params = self._given("params.")
        issues = []
        for found in override_problems(sc, rules=rules, params=params):
            key = str(found.column)
            if key in params or key.split(".")[0] in ("time_limit_s", "workers", "seed"):
                issues.append(self._issue(f"params.{key}", found.value, found.message))
                continue
            side = key.split("_", 1)[0]
            given = [k for k in (key, f"{side}_min_partners", f"{side}_max_partners") if k in rules]
            message = found.message if not given or given[0] == key else f"{key} {found.message}"
            issues.append(self._issue(f"rules.{given[0] if given else key}", found.value, message))
        if issues:
            raise InputError(issues)
        origins = {**{f"rules.{k}": flag(f"rules.{k}") for k in rules},
                   **{f"params.{k}": flag(f"params.{k}") for k in params}}
        return with_overrides(sc, pairs=self.values.get("pairs"), travel=self.values.get("travel"),
                              rules=rules, params=params, origins=origins, units_sheet=self.values.get("sheet"),
                              from_plan=self.values.get("from_plan"))

    def scenario(self, target: Path | None):
        """Check the values, load the scenario (or the default), apply the values."""
        from ..io.scenario import load_scenario

        self.check()
        return self.apply(load_scenario(target))


def with_settings(*groups: str):
    """Add the options of ``groups`` (names of :data:`GROUPS` or single settings) to a command.

    The decorated function takes a ``settings`` keyword (a :class:`Settings`) in their place.
    """
    chosen = [s for g in groups for s in GROUPS.get(g, (g,))]

    def decorate(fn):
        hints = get_type_hints(fn, include_extras=True)
        own = [p.replace(annotation=hints.get(p.name, p.annotation))
               for p in inspect.signature(fn).parameters.values() if p.name != "settings"]
        extra = [inspect.Parameter(_param(s), inspect.Parameter.KEYWORD_ONLY, default=None, annotation=SETTINGS[s])
                 for s in chosen]
        names = {_param(s): s for s in chosen}

        @functools.wraps(fn)
        def command(**kwargs):
            given = {names[k]: kwargs.pop(k) for k in list(kwargs) if k in names}
            return fn(**kwargs, settings=Settings(given))

        params = sorted(own, key=lambda p: p.kind) + extra
        command.__signature__ = inspect.Signature(params)
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate


# ---- other checks made before work ---------------------------------------------------------------


def check_lang(lang: str) -> None:
    """``--lang`` must name a language of the catalogue."""
    from ..i18n import LANGS

    if lang not in LANGS:
        raise InputError([ValidationIssue("--lang", None, None, lang, f"use one of {', '.join(LANGS)}")])


def check_paper(paper: str) -> None:
    """``--paper`` must name a paper size the pack and the map know."""
    from ..render.pdf import PAPERS

    if paper not in PAPERS:
        raise InputError([ValidationIssue("--paper", None, None, paper, f"use one of {', '.join(PAPERS)}")])


def check_flag_coverage(value: float | None) -> None:
    """``--flag-coverage`` must be a ratio from 0 to 1."""
    if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
        raise InputError([ValidationIssue("--flag-coverage", None, None, _shown(value),
                                          "must be a ratio from 0 to 1, e.g. 0.5")])


def pair_args(**items) -> dict[str, list[tuple[str, str]]]:
    """``force=["20263:20941"]`` -> ``{"force": [("20263", "20941")]}``; every bad item reported."""
    from ..io.scenario import parse_pair_args

    issues, out = [], {}
    for name, values in items.items():
        try:
            out[name] = parse_pair_args(f"--{name}", values or [])
        except InputError as e:
            issues += e.issues
    if issues:
        raise InputError(issues)
    return out
