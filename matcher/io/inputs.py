"""Read units, pairs, travel and scenario files into a :class:`~matcher.model.Problem`;
write result tables.

Every reader collects *all* problems of its file before raising one :class:`InputError`,
each line naming file, row, column and value. Row numbers are those a spreadsheet shows
(the header is row 1); GeoJSON/GeoPackage rows count features from 1.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..distance import nearest_km
from ..errors import InputError, ValidationIssue
from ..model import OBJECTIVES, PairRule, PairStatus, Problem, Role, Rules, SolveParams, Travel, Unit

TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".geojson", ".json", ".gpkg", ".shp"}
GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp"}
FAR_KM = 300.0  # a unit farther than this from every other unit gets a warning


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


# ---- tables ---------------------------------------------------------------------------


@dataclass
class Table:
    """A table read as text, with the spreadsheet row number of each record."""

    path: Path
    frame: pd.DataFrame
    rows: list[int]
    row_label: str = "row"
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def issue(self, i: int | None, column, value, message) -> ValidationIssue:
        row = None if i is None else self.rows[i]
        return ValidationIssue(self.name, row, column, value, message, self.row_label)


def read_table(path: Path) -> Table:
    """Read CSV/XLSX/GeoJSON/GeoPackage/Shapefile as text columns.

    Geometries must carry a CRS; they are reprojected to WGS84 and reduced to a
    representative point, which fills ``lat``/``lon`` where those columns are absent.
    """
    path = Path(path)
    if not path.exists():
        raise InputError([ValidationIssue(str(path), None, None, None, "file not found")])
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            _raw_duplicates(path)
            return Table(path, _clean(frame, path.name), [i + 2 for i in range(len(frame))])
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
            return Table(path, _clean(frame, path.name), [i + 2 for i in range(len(frame))])
        if suffix in GEO_SUFFIXES:
            return _read_geo(path)
    except InputError:
        raise
    except UnicodeDecodeError as e:
        raise InputError([_not_utf8(path, e)]) from e
    except Exception as e:  # unreadable file of a known type
        msg = f"cannot be read as {suffix[1:].upper()}: {e}"
        raise InputError([ValidationIssue(path.name, None, None, None, msg)]) from e
    msg = f"unsupported file type '{suffix}' (use CSV, XLSX, GeoJSON or GeoPackage)"
    raise InputError([ValidationIssue(path.name, None, None, None, msg)])


def _not_utf8(path: Path, err: UnicodeDecodeError) -> ValidationIssue:
    """Locate the first bad byte in the whole file (pandas reports offsets within a chunk)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        err = e
    else:  # pragma: no cover - pandas and Python disagree
        return ValidationIssue(path.name, None, None, None, f"not UTF-8 text ({err.reason})")
    row = raw.count(b"\n", 0, err.start) + 1
    msg = f"not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8 CSV"
    return ValidationIssue(path.name, row, None, None, msg)


def _raw_duplicates(path: Path) -> None:
    """pandas renames a repeated CSV header ('code', 'code.1'): look at the header itself."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), [])
    names = [nfc(h).lower() for h in header]
    dupes = sorted({n for n in names if names.count(n) > 1 and n})
    if dupes:
        raise InputError([ValidationIssue(path.name, 1, d, None, "column appears more than once (names ignore case)")
                          for d in dupes])


def _clean(frame: pd.DataFrame, source: str = "") -> pd.DataFrame:
    frame = frame.copy()
    names = [nfc(str(c)).lower() for c in frame.columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError([ValidationIssue(source, 1, d, None, "column appears more than once (names ignore case)")
                          for d in dupes])
    frame.columns = names
    for c in frame.columns:
        frame[c] = frame[c].map(lambda v: "" if v is None else nfc(str(v)))
    return frame


def _read_geo(path: Path) -> Table:
    import geopandas as gpd

    gdf = gpd.read_file(path)
    rows = [i + 1 for i in range(len(gdf))]
    if gdf.crs is None:
        msg = "has no CRS: declare it (EPSG:4326 for WGS84; VN-2000 layers have their own)"
        raise InputError([ValidationIssue(path.name, None, None, None, msg)])
    warnings = []
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(object)
    frame = frame.where(pd.notna(frame), "")
    frame = _clean(frame.astype(str), path.name)
    if "lat" not in frame.columns or "lon" not in frame.columns:
        geom = gdf.geometry.to_crs(4326)
        pts = geom.representative_point()
        frame["lat"] = [f"{p.y:.6f}" if p is not None and not p.is_empty else "" for p in pts]
        frame["lon"] = [f"{p.x:.6f}" if p is not None and not p.is_empty else "" for p in pts]
        if str(gdf.crs.to_epsg()) != "4326":
            warnings.append(f"{path.name}: geometry reprojected from {gdf.crs.to_string()} to WGS84")
    return Table(path, frame, rows, "feature", warnings)


def _missing_columns(table: Table, required: list[str]) -> list[ValidationIssue]:
    have = set(table.frame.columns)
    return [
        ValidationIssue(table.name, 1, c, None, "required column is missing", table.row_label)
        for c in required
        if c not in have
    ]


def _int_cell(table, i, col, raw, issues, *, allow_empty=False, minimum=0):
    if raw == "":
        if allow_empty:
            return None
        issues.append(table.issue(i, col, raw, "empty cell; write 0 for none"))
        return None
    try:
        # a comma only as a thousands separator: '1,5' is a decimal comma, not 15
        value = float(raw.replace(",", "")) if re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw) else float(raw)
    except ValueError:
        issues.append(table.issue(i, col, raw, "not a number"))
        return None
    if not math.isfinite(value) or value != int(value):
        issues.append(table.issue(i, col, raw, "expected a whole number"))
        return None
    if value < minimum:
        issues.append(table.issue(i, col, raw, f"must be >= {minimum}"))
        return None
    return int(value)


def _float_cell(table, i, col, raw, issues, *, allow_empty=False, minimum=None):
    if raw == "":
        if not allow_empty:
            issues.append(table.issue(i, col, raw, "empty cell"))
        return None
    try:
        value = float(raw)
    except ValueError:
        issues.append(table.issue(i, col, raw, "not a number"))
        return None
    if not math.isfinite(value):
        issues.append(table.issue(i, col, raw, "not a finite number"))
        return None
    if minimum is not None and value < minimum:
        issues.append(table.issue(i, col, raw, f"must be >= {minimum}"))
        return None
    return value


def _code(raw: str) -> str:
    """Codes are text; undo spreadsheet damage ('20194.0', '4' for '00004')."""
    code = raw.strip()
    if code.endswith(".0") and code[:-2].isdigit():
        code = code[:-2]
    if code.isdigit() and len(code) < 5:
        code = code.zfill(5)
    return code


# ---- units ----------------------------------------------------------------------------


def read_units(path: Path) -> tuple[list[Unit], tuple[str, ...], list[str]]:
    """Units, their domains (from ``supply_<d>``/``need_<d>`` columns) and warnings."""
    table = read_table(path)
    df = table.frame
    issues = _missing_columns(table, ["code", "name", "role", "lat", "lon"])
    if issues:
        raise InputError(issues)
    domains = tuple(
        dict.fromkeys(
            c.split("_", 1)[1] for c in df.columns if c.startswith(("supply_", "need_"))
        )
    )
    units: list[Unit] = []
    seen: dict[str, int] = {}
    warnings = list(table.warnings)
    for i, rec in enumerate(df.to_dict("records")):
        n_before = len(issues)
        code = _code(rec["code"])
        if code == "":
            issues.append(table.issue(i, "code", "", "empty code"))
        elif code in seen:
            issues.append(
                table.issue(i, "code", code, f"duplicate code (first at {table.row_label} {seen[code]})")
            )
        else:
            seen[code] = table.rows[i]
        if code != rec["code"].strip() and code:
            warnings.append(f"{table.name}:{table.rows[i]}: code '{rec['code']}' read as '{code}'")
        name = rec["name"]
        if name == "":
            issues.append(table.issue(i, "name", "", "empty name"))
        role_raw = rec["role"].lower()
        try:
            role = Role(role_raw)
        except ValueError:
            issues.append(table.issue(i, "role", rec["role"], "unknown role; use lowland, remote or excluded"))
            role = None
        lat = _float_cell(table, i, "lat", rec["lat"], issues)
        lon = _float_cell(table, i, "lon", rec["lon"], issues)
        if lat is not None and lon is not None:
            if not -90 <= lat <= 90:
                hint = " (lat and lon look swapped)" if -90 <= lon <= 90 else ""
                issues.append(table.issue(i, "lat", rec["lat"], f"latitude out of range -90..90{hint}"))
            elif not -180 <= lon <= 180:
                issues.append(table.issue(i, "lon", rec["lon"], "longitude out of range -180..180"))
            elif abs(lat) > abs(lon) and 8 <= abs(lon) <= 24 and 100 <= abs(lat) <= 110:
                issues.append(table.issue(i, "lat", rec["lat"], "lat and lon look swapped"))
        bounds = {}
        for col in ("min_partners", "max_partners"):
            if col in df.columns:
                bounds[col] = _int_cell(table, i, col, rec[col], issues, allow_empty=True)
        if None not in bounds.values() and len(bounds) == 2 and bounds["min_partners"] > bounds["max_partners"]:
            issues.append(table.issue(i, "min_partners", rec["min_partners"], "greater than max_partners"))
        supply, need = {}, {}
        for d in domains:
            for kind, target, wanted in (("supply", supply, Role.LOWLAND), ("need", need, Role.REMOTE)):
                col = f"{kind}_{d}"
                if col in df.columns:
                    v = _int_cell(table, i, col, rec[col], issues, allow_empty=role is not wanted)
                    if v is not None and role is wanted:
                        target[d] = v
            if role is Role.LOWLAND:
                supply.setdefault(d, 0)
            if role is Role.REMOTE:
                need.setdefault(d, 0)
        capacity = None
        if "capacity" in df.columns:
            capacity = _int_cell(table, i, "capacity", rec["capacity"], issues, allow_empty=True)
        if len(issues) > n_before or role is None:
            continue
        attrs = {
            k: v for k, v in rec.items()
            if k not in {"code", "name", "role", "lat", "lon", "min_partners", "max_partners", "capacity"}
            and not k.startswith(("supply_", "need_"))
        }
        units.append(
            Unit(
                code, name, role, lat, lon,
                bounds.get("min_partners"), bounds.get("max_partners"),
                supply, need, capacity, attrs,
            )
        )
    if not issues:
        for role in (Role.LOWLAND, Role.REMOTE):
            if not any(u.role is role for u in units):
                issues.append(ValidationIssue(table.name, None, "role", None,
                                              f"no unit has role '{role.value}'; a plan needs both sides"))
    if issues:
        raise InputError(issues)
    warnings += _far_units(units, table)
    return units, domains, warnings


def _far_units(units: list[Unit], table: Table) -> list[str]:
    active = [u for u in units if u.role is not Role.EXCLUDED]
    if len(active) < 3:
        return []
    nearest = nearest_km(active)
    return [
        f"{table.name}: unit {u.code} ({u.name}) is {d:.0f} km from every other unit; "
        "check its coordinates (partners abroad are allowed)"
        for u, d in zip(active, nearest, strict=True)
        if d > FAR_KM
    ]


# ---- pairs and travel ------------------------------------------------------------------


def _code_pair(table, i, rec, by_code, issues):
    ok = True
    codes = []
    for col, role in (("lowland_code", Role.LOWLAND), ("remote_code", Role.REMOTE)):
        code = _code(rec[col])
        codes.append(code)
        unit = by_code.get(code)
        if unit is None:
            issues.append(table.issue(i, col, rec[col], "unknown unit code (not in the units table)"))
            ok = False
        elif unit.role is not role:
            issues.append(table.issue(i, col, rec[col], f"unit {unit.name} is {unit.role.value}, not {role.value}"))
            ok = False
    return (codes[0], codes[1]) if ok else None


def read_pairs(path: Path, units: list[Unit]) -> list[PairRule]:
    table = read_table(path)
    issues = _missing_columns(table, ["lowland_code", "remote_code", "status"])
    if issues:
        raise InputError(issues)
    by_code = {u.code: u for u in units}
    rules: dict[tuple[str, str], tuple[PairRule, int]] = {}
    for i, rec in enumerate(table.frame.to_dict("records")):
        key = _code_pair(table, i, rec, by_code, issues)
        try:
            status = PairStatus(rec["status"].lower())
        except ValueError:
            issues.append(table.issue(i, "status", rec["status"], "unknown status; use locked or forbidden"))
            continue
        if key is None:
            continue
        if key in rules and rules[key][0].status is not status:
            first = rules[key][1]
            issues.append(
                table.issue(i, "status", rec["status"],
                            f"pair {key[0]}-{key[1]} is both locked and forbidden (see {table.row_label} {first})")
            )
            continue
        rules.setdefault(key, (PairRule(key[0], key[1], status, rec.get("note", "")), table.rows[i]))
    if issues:
        raise InputError(issues)
    return [r for r, _ in rules.values()]


def read_travel(path: Path, units: list[Unit]) -> dict[tuple[str, str], Travel]:
    table = read_table(path)
    issues = _missing_columns(table, ["lowland_code", "remote_code"])
    cols = set(table.frame.columns)
    if not issues and not cols & {"km", "minutes", "load"}:
        issues.append(ValidationIssue(table.name, 1, "km", None, "need a 'km' or 'minutes' column"))
    if issues:
        raise InputError(issues)
    by_code = {u.code: u for u in units}
    out: dict[tuple[str, str], Travel] = {}
    for i, rec in enumerate(table.frame.to_dict("records")):
        key = _code_pair(table, i, rec, by_code, issues)
        km = _float_cell(table, i, "km", rec["km"], issues, allow_empty=True, minimum=0) if "km" in cols else None
        minutes = (
            _float_cell(table, i, "minutes", rec["minutes"], issues, allow_empty=True, minimum=0)
            if "minutes" in cols else None
        )
        load = _int_cell(table, i, "load", rec["load"], issues, allow_empty=True) if "load" in cols else None
        if key is not None:
            if key in out:
                issues.append(table.issue(i, "remote_code", rec["remote_code"], "pair listed twice"))
            out[key] = Travel(km, minutes, load)
    if issues:
        raise InputError(issues)
    return out


def read_plan(path: Path, problem: Problem) -> list[tuple[str, str]]:
    """A hand-made plan: a pairs table with ``lowland_code``, ``remote_code``."""
    table = read_table(path)
    issues = _missing_columns(table, ["lowland_code", "remote_code"])
    if issues:
        raise InputError(issues)
    by_code = {u.code: u for u in problem.units}
    plan = []
    for i, rec in enumerate(table.frame.to_dict("records")):
        key = _code_pair(table, i, rec, by_code, issues)
        if key is not None:
            plan.append(key)
    if issues:
        raise InputError(issues)
    return plan


# ---- scenario -------------------------------------------------------------------------

SCENARIO_KEYS = {
    "name", "units", "pairs", "travel", "max_distance_km", "max_minutes", "detour_factor",
    "distance_metric", "objectives", "tolerance", "partners", "solver", "assumptions", "sources",
    "assumptions_vi", "sources_vi",
}
PARTNER_KEYS = {"lowland_min", "lowland_max", "remote_min", "remote_max"}
SOLVER_KEYS = {"time_limit_s", "workers", "seed"}


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

    @property
    def inputs(self) -> list[Path]:
        return [p for p in (self.path, self.units, self.pairs, self.travel) if p is not None]


def default_scenario_path() -> Path:
    """The embedded Da Nang 2025 scenario (packaged copy first, then the source tree)."""
    here = Path(__file__).resolve().parents[1]  # the matcher package
    for base in (here / "_data", here.parent / "data"):
        path = base / "danang_2025" / "scenario.toml"
        if path.exists():
            return path
    raise FileNotFoundError("the embedded Da Nang 2025 scenario is missing from this install")


def read_scenario(path: Path) -> Scenario:
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError([ValidationIssue(str(path), None, None, None, "file not found")])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError([ValidationIssue(name, None, None, None, f"not valid TOML: {e}")]) from e
    issues: list[ValidationIssue] = []

    def bad(key, value, msg):
        issues.append(ValidationIssue(name, None, key, value, msg))

    for key in data:
        if key not in SCENARIO_KEYS:
            bad(key, None, f"unknown key; known keys: {', '.join(sorted(SCENARIO_KEYS))}")
    for section, known in (("partners", PARTNER_KEYS), ("solver", SOLVER_KEYS), ("tolerance", set(OBJECTIVES))):
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
        p = (path.parent / str(v)).resolve()
        if not p.exists():
            bad(key, v, f"file not found ({p})")
        return p

    for key in ("assumptions", "sources", "assumptions_vi", "sources_vi"):
        v = data.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            bad(key, v, "expected a list of strings")
    units = rel("units")
    if "units" not in data:
        bad("units", None, "required key is missing")
    pairs, travel = rel("pairs"), rel("travel")
    rules_kw, params_kw = _settings(data, bad)
    if issues:
        raise InputError(issues)
    try:
        rules, params = Rules(**rules_kw), SolveParams(**params_kw)
    except ValueError as e:
        raise InputError([ValidationIssue(name, None, None, None, str(e))]) from e
    return Scenario(
        name=str(data.get("name", path.stem)), units=units, pairs=pairs, travel=travel,
        rules=rules, params=params, assumptions=tuple(data.get("assumptions", ())),
        sources=tuple(data.get("sources", ())), assumptions_vi=tuple(data.get("assumptions_vi", ())),
        sources_vi=tuple(data.get("sources_vi", ())), path=path.resolve(),
    )


def _settings(data: Mapping, bad) -> tuple[dict, dict]:
    rules: dict = {}
    params: dict = {}

    def num(src, key, target, out_key, kind=float, minimum=0, section=None):
        if key in src:
            v = src[key]
            bad_number = isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)
            if bad_number or (kind is int and int(v) != v) or v < minimum:
                name = f"{section}.{key}" if section else key
                bad(name, v, f"expected a {'whole ' if kind is int else ''}number >= {minimum}")
            else:
                target[out_key] = kind(v)

    num(data, "max_distance_km", rules, "max_distance_km")
    num(data, "max_minutes", rules, "max_minutes")
    num(data, "detour_factor", rules, "detour_factor", minimum=1)
    if "distance_metric" in data:
        if data["distance_metric"] not in ("km", "minutes"):
            bad("distance_metric", data["distance_metric"], "use 'km' or 'minutes'")
        else:
            rules["distance_metric"] = data["distance_metric"]
    if "objectives" in data:
        obj = data["objectives"]
        if not isinstance(obj, list) or not obj or any(o not in OBJECTIVES for o in obj) or len(set(obj)) != len(obj):
            bad("objectives", obj, f"expected a list of distinct names from {list(OBJECTIVES)}")
        else:
            rules["objectives"] = tuple(obj)
    tol = data.get("tolerance", {})
    if isinstance(tol, dict):
        good = {}
        for k, v in tol.items():
            if k in OBJECTIVES:
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1:
                    bad(f"tolerance.{k}", v, "expected a number in [0, 1)")
                else:
                    good[k] = float(v)
        rules["tolerances"] = good
    part = data.get("partners", {})
    if isinstance(part, dict):
        for k in PARTNER_KEYS:
            side, end = k.split("_")
            num(part, k, rules, f"{side}_{end}_partners", kind=int, section="partners")
    solver = data.get("solver", {})
    if isinstance(solver, dict):
        num(solver, "time_limit_s", params, "time_limit_s", minimum=0.01, section="solver")
        num(solver, "workers", params, "workers", kind=int, minimum=1, section="solver")
        num(solver, "seed", params, "seed", kind=int, section="solver")
    return rules, params


def scenario_from_table(units: Path, pairs: Path | None = None, travel: Path | None = None) -> Scenario:
    units = Path(units)
    return Scenario(name=units.stem, units=units.resolve(),
                    pairs=pairs and Path(pairs).resolve(), travel=travel and Path(travel).resolve())


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


def parse_objectives(text: str | None) -> tuple[str, ...] | None:
    """``"balance,distance"`` -> ("balance", "distance"); None stays None."""
    if text is None:
        return None
    names = tuple(t.strip() for t in text.split(",") if t.strip())
    if not names or any(n not in OBJECTIVES for n in names) or len(set(names)) != len(names):
        raise InputError([ValidationIssue("--objectives", None, None, text,
                                          f"expected distinct names from {', '.join(OBJECTIVES)}")])
    return names


def parse_pair_args(option: str, items: list[str]) -> list[tuple[str, str]]:
    """``["20263:20941"]`` -> [("20263", "20941")]; every malformed item reported."""
    out, issues = [], []
    for item in items:
        lc, sep, rc = item.partition(":")
        if not sep or not lc.strip() or not rc.strip():
            issues.append(ValidationIssue(option, None, None, item, "expected LOWLAND_CODE:REMOTE_CODE"))
        else:
            out.append((_code(lc), _code(rc)))
    if issues:
        raise InputError(issues)
    return out


def parse_tolerances(items: list[str]) -> dict[str, float]:
    """``["balance=0.05"]`` -> {"balance": 0.05}, every bad item reported."""
    out, issues = {}, []
    for item in items:
        name, _, value = item.partition("=")
        try:
            tol = float(value)
        except ValueError:
            tol = -1.0
        if name.strip() not in OBJECTIVES or not 0 <= tol < 1:
            issues.append(ValidationIssue("--tolerance", None, None, item,
                                          "expected NAME=VALUE with NAME a stage and 0 <= VALUE < 1"))
        else:
            out[name.strip()] = tol
    if issues:
        raise InputError(issues)
    return out


def with_overrides(sc: Scenario, *, pairs=None, travel=None, rules: Mapping | None = None,
                   params: Mapping | None = None) -> Scenario:
    """Command-line options win over the scenario file."""
    try:
        return replace(
            sc,
            pairs=Path(pairs).resolve() if pairs else sc.pairs,
            travel=Path(travel).resolve() if travel else sc.travel,
            rules=replace(sc.rules, **{k: v for k, v in (rules or {}).items() if v is not None}),
            params=replace(sc.params, **{k: v for k, v in (params or {}).items() if v is not None}),
        )
    except ValueError as e:
        raise InputError([ValidationIssue("command line", None, None, None, str(e))]) from e


def load_problem(sc: Scenario) -> tuple[Problem, list[str]]:
    """Read every table of a scenario, collecting problems across files."""
    issues: list[ValidationIssue] = []
    try:
        units, domains, warnings = read_units(sc.units)
    except InputError as e:
        raise InputError(e.issues) from None
    pair_rules: list[PairRule] = []
    travel: dict = {}
    for path, reader in ((sc.pairs, read_pairs), (sc.travel, read_travel)):
        if path is None:
            continue
        try:
            got = reader(path, units)
        except InputError as e:
            issues += e.issues
            continue
        if reader is read_pairs:
            pair_rules = got
        else:
            travel = got
    if issues:
        raise InputError(issues)
    problem = Problem(
        units=tuple(units), domains=domains, rules=sc.rules, pair_rules=tuple(pair_rules),
        travel=travel, name=sc.name, assumptions=sc.assumptions, sources=sc.sources,
        assumptions_vi=sc.assumptions_vi, sources_vi=sc.sources_vi,
    )
    return problem, warnings


# ---- boundaries ------------------------------------------------------------------------


def read_boundaries(path: Path):
    """Polygons joined on ``code``, in WGS84: a GeoDataFrame with ``code`` and ``geometry``.

    Any declared CRS is reprojected; a layer without a CRS, or without a ``code`` column,
    is bad input. Codes are repaired as in the units table (text, 5 digits)."""
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise InputError([ValidationIssue(str(path), None, None, None, "file not found")])
    try:
        gdf = gpd.read_file(path)
    except Exception as e:
        msg = f"cannot be read as a polygon layer: {e}"
        raise InputError([ValidationIssue(path.name, None, None, None, msg)]) from e
    issues = []
    if gdf.crs is None:
        issues.append(ValidationIssue(path.name, None, None, None, "has no CRS: declare it (EPSG:4326 for WGS84)"))
    cols = {c.lower(): c for c in gdf.columns}
    if "code" not in cols:
        issues.append(ValidationIssue(path.name, 1, "code", None, "required column is missing"))
    if issues:
        raise InputError(issues)
    gdf = gdf.rename(columns={cols["code"]: "code"})[["code", gdf.geometry.name]]
    gdf["code"] = [_code(str(c)) for c in gdf["code"]]
    gdf = gdf.to_crs(4326)
    gdf.attrs["source"] = path.name  # named in the maps' footers
    return gdf
