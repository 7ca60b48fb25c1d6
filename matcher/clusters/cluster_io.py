"""The inputs of ``matcher cluster`` (issue 12): the units table, a scenario's ``[cluster]`` table, the
pins and a previous grouping, all read and checked before anything is solved.

Units (CSV/XLSX): ``code, name, unit_type, lat, lon`` and the attributes to balance (``population``,
``area_km2``, any other numeric column). Codes are text: a table whose codes all have at most 2 digits
is a table of provinces (2-digit codes as given, ``1`` read as ``01``); otherwise codes are repaired as
in every units table (:func:`matcher.io.tables.repair_code`: 5 digits). Names are NFC.

Every problem is collected and raised as one :class:`~matcher.errors.InputError` (exit 2): file, row,
column, value and message.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, ValidationIssue
from ..io.inputs import _warning
from ..io.tables import code_repair, float_cell, missing_columns, nfc, read_table, repair_code

REQUIRED = ["code", "name", "lat", "lon"]
ALIASES = {"area": "area_km2"}  # --balance area
SIZE = re.compile(r"^\s*(\d+)\s*(?:(?:\.\.|-|–)\s*(\d+)\s*)?$")
KEYS = {"units", "k", "size", "balance", "contiguous", "separate_types", "pins", "from_plan", "max_moves",
        "years", "deputies", "boundaries", "boundaries_code", "time_limit", "lang"}


# the TOML type each [cluster] key takes (bool is not an int here: `k = true` is refused)
TYPES = {"units": (str, "a file path (text)"), "k": (int, "a whole number of clusters"),
         "size": ((str, list), "a band as text, e.g. \"6..9\", or [6, 9]"),
         "balance": ((str, list), "a column name or a list of them"), "contiguous": (bool, "true or false"),
         "separate_types": (bool, "true or false"), "pins": (dict, "a table of code = cluster number"),
         "from_plan": (str, "a file path (text)"), "max_moves": (int, "a whole number"),
         "years": ((str, list, int), "years as text, e.g. \"2026..2030\""), "deputies": (int, "a whole number"),
         "boundaries": (str, "a file path (text)"), "boundaries_code": (str, "a column name (text)"),
         "time_limit": ((int, float), "a number of deterministic seconds"), "lang": (str, "\"vi\" or \"en\"")}


def _is(value, kinds) -> bool:
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


@dataclass(frozen=True)
class ClusterOptions:
    """What a ``matcher cluster`` run was asked (the CLI over the scenario's ``[cluster]`` table).
    ``pins`` are code -> cluster label 1..k as given."""

    units: Path
    k: int | None = None
    size: tuple[int, int] | None = None
    balance: tuple[str, ...] = ("population",)
    contiguous: bool = True
    separate_types: bool = False
    pins: dict[str, int] = field(default_factory=dict)
    from_plan: Path | None = None
    max_moves: int | None = None
    years: str | None = None
    deputies: int = 1
    boundaries: Path | None = None
    boundaries_code: str | None = None
    time_limit: float = 10.0
    lang: str = "vi"
    scenario: Path | None = None


@dataclass(frozen=True)
class ClusterUnits:
    """The units in file order, with their attributes (name -> value per unit) and rows."""

    path: Path
    codes: list[str]
    names: list[str]
    types: list[str]
    lats: list[float]
    lons: list[float]
    attrs: dict[str, list[float]]
    rows: list[int]
    extra: dict[str, list[str]] = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # what reading repaired (MatcherWarning): shown and kept

    def index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}


def _opt(option: str, value, message: str) -> ValidationIssue:
    return ValidationIssue(option, None, None, None if value is None else str(value), message)


def balance_names(raw) -> tuple[str, ...]:
    """``population,area`` (text or a list) -> ("population", "area_km2")."""
    items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    names = [ALIASES.get(s.strip(), s.strip()) for s in items if str(s).strip()]
    return tuple(dict.fromkeys(names))


def parse_size(text) -> tuple[int, int]:
    """``6..9`` (or ``[6, 9]``, or ``7``) -> (6, 9)."""
    if isinstance(text, list | tuple) and len(text) == 2 and all(isinstance(v, int) for v in text):
        return int(text[0]), int(text[1])
    m = SIZE.match(str(text or ""))
    if not m:
        raise InputError([_opt("--size", text, "give LO..HI, e.g. 6..9")])
    lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1 <= lo <= hi:
        raise InputError([_opt("--size", text, "the size band needs 1 <= LO <= HI")])
    return lo, hi


def parse_pins(items) -> dict[str, int]:
    """``CODE=CLUSTER`` items (repeat or commas), or a mapping -> code -> label (1-based)."""
    if isinstance(items, dict):
        pairs = [(str(c), str(v)) for c, v in items.items()]
    else:
        pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for it in items or [] for p in str(it).split(",")
                 if p.strip()]
    out, issues = {}, []
    for code, label in pairs:
        code, label = repair_code(code.strip()) if len(code.strip()) > 2 else code.strip(), label.strip()
        if not label.isdigit() or int(label) < 1:
            issues.append(_opt("--pin", f"{code}={label}", "give CODE=CLUSTER with a cluster number 1..k"))
        elif code in out and out[code] != int(label):
            issues.append(_opt("--pin", f"{code}={label}", f"unit {code} is already pinned to cluster {out[code]}"))
        else:
            out[code] = int(label)
    if issues:
        raise InputError(issues)
    return out


def read_scenario(path: Path) -> dict:
    """A scenario's ``[cluster]`` table, paths made relative to the scenario's folder."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([ValidationIssue(str(path), None, None, None, "file not found")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError([ValidationIssue(path.name, None, None, None, f"not a valid TOML file ({e})")]) from None
    table = data.get("cluster")
    if not isinstance(table, dict):
        raise InputError([ValidationIssue(path.name, None, "cluster", None, "needs a [cluster] table",
                                          column_label="key")])
    known = ", ".join(sorted(KEYS))
    issues = [ValidationIssue(path.name, None, f"cluster.{key}", None, f"unknown key (known: {known})",
                              column_label="key") for key in table if key not in KEYS]
    if "units" not in table:
        issues.append(ValidationIssue(path.name, None, "cluster.units", None, "required key is missing",
                                      column_label="key"))
    for key, value in table.items():
        want = TYPES.get(key)
        if want is not None and not _is(value, want[0]):
            issues.append(ValidationIssue(path.name, None, f"cluster.{key}", value, f"must be {want[1]}",
                                          column_label="key"))
    if issues:
        raise InputError(issues)
    out = dict(table)
    for key in ("units", "from_plan", "boundaries"):
        if key in out and out[key] is not None:
            out[key] = (path.parent / str(out[key])) if not Path(str(out[key])).is_absolute() else Path(out[key])
    return out


def options_from(target: Path, cli: dict) -> ClusterOptions:
    """The options of a run: a scenario's ``[cluster]`` table (when ``target`` is a .toml) under the
    command-line values (``cli``: only what was given, None = not given)."""
    target = Path(target)
    base: dict = {}
    if target.suffix.lower() == ".toml":
        base = read_scenario(target)
        base["scenario"] = target
    else:
        base["units"] = target
    given = {k: v for k, v in cli.items() if v is not None}
    if "size" in given:  # the command line's k or size replaces the scenario's choice
        base.pop("k", None)
    if "k" in given:
        base.pop("size", None)
    base.update(given)
    try:
        if "size" in base and base["size"] is not None:
            base["size"] = parse_size(base["size"])
        if "balance" in base:
            base["balance"] = balance_names(base["balance"])
        base["pins"] = parse_pins(base.get("pins") or {})
    except InputError:
        raise
    for key in ("from_plan", "boundaries", "units"):
        if base.get(key) is not None:
            base[key] = Path(base[key])
    if isinstance(base.get("years"), list):
        base["years"] = "..".join(str(y) for y in base["years"])
    return replace(ClusterOptions(units=base["units"]), **{k: v for k, v in base.items() if k != "units"})


def _code_of(raw: str, short: bool) -> str:
    code = raw.strip()
    if code.endswith(".0") and code[:-2].isdigit():
        code = code[:-2]
    return code.zfill(2) if short and code.isdigit() else repair_code(code)


def read_units(path: Path, balance: tuple[str, ...]) -> ClusterUnits:
    """The units table, checked: codes present and distinct, names, points, the balanced
    attributes present, numeric and >= 0 in every row."""
    table = read_table(Path(path))
    table.raise_if(missing_columns(table, REQUIRED))
    issues = [ValidationIssue(table.name, table.header_row, a, None, "is not a column of the units table; "
                              f"--balance names columns (have: {', '.join(table.frame.columns)})")
              for a in balance if a not in table.frame.columns]
    records = table.frame.to_dict("records")
    short = all(len(str(r["code"]).strip().removesuffix(".0")) <= 2 for r in records)
    codes, names, types, lats, lons, rows = [], [], [], [], [], []
    attrs: dict[str, list[float]] = {a: [] for a in balance if a in table.frame.columns}
    seen: dict[str, int] = {}
    repairs: dict[str, list[tuple[int, str]]] = {"code_padded": [], "code_repaired": []}
    for i, row in enumerate(records):
        code = _code_of(str(row["code"]), short)
        kind = code_repair(str(row["code"]), code)
        if kind:
            repairs[kind].append((table.rows[i], f"{table.name}:{table.rows[i]}: {str(row['code']).strip()} -> {code}"))
        name = nfc(str(row["name"] or "").strip())
        if not code:
            issues.append(table.issue(i, "code", row["code"], "empty cell"))
        elif code in seen:
            issues.append(table.issue(i, "code", code, f"duplicate code (first at row {seen[code]})"))
        else:
            seen[code] = table.rows[i]
        if not name:
            issues.append(table.issue(i, "name", row["name"], "empty cell"))
        lat = float_cell(table, i, "lat", str(row["lat"]).strip(), issues)
        lon = float_cell(table, i, "lon", str(row["lon"]).strip(), issues)
        if lat is not None and not -90 <= lat <= 90:
            issues.append(table.issue(i, "lat", row["lat"], "latitude must be within -90..90"))
        if lon is not None and not -180 <= lon <= 180:
            issues.append(table.issue(i, "lon", row["lon"], "longitude must be within -180..180"))
        for a in attrs:
            v = float_cell(table, i, a, str(row[a]).strip().replace(",", "") if re.fullmatch(
                r"\d{1,3}(,\d{3})+", str(row[a]).strip()) else str(row[a]).strip(), issues, minimum=0)
            attrs[a].append(math.nan if v is None else v)
        codes.append(code)
        names.append(name)
        types.append(nfc(str(row.get("unit_type") or row.get("type") or "").strip()))  # 'Loại' reads as type
        lats.append(lat if lat is not None else math.nan)
        lons.append(lon if lon is not None else math.nan)
        rows.append(table.rows[i])
    if not records:
        issues.append(ValidationIssue(table.name, None, None, None, "has no units"))
    table.raise_if(issues)
    extra = {c: [nfc(str(r[c] or "")) for r in records] for c in ("population", "area_km2")
             if c in table.frame.columns and c not in attrs}
    notes = list(table.warnings) + [_warning(table, kind, found) for kind, found in repairs.items() if found]
    return ClusterUnits(Path(path), codes, names, types, lats, lons, attrs, rows, extra, notes)


def read_previous(path: Path, units: ClusterUnits) -> dict[str, str]:
    """A previous grouping (a clusters.csv, or any table with ``code`` and ``cluster``): code ->
    cluster label as written. Every code a unit, once; a unit it does not name counts as moved."""
    table = read_table(Path(path))
    table.raise_if(missing_columns(table, ["code", "cluster"]))
    known = units.index()
    short = all(len(c) <= 2 for c in units.codes)
    issues, out, seen = [], {}, {}
    for i, row in enumerate(table.frame.to_dict("records")):
        code, label = _code_of(str(row["code"]), short), str(row["cluster"] or "").strip()
        if code not in known:
            issues.append(table.issue(i, "code", code, "unknown code: not a unit of the units table"))
        elif code in seen:
            issues.append(table.issue(i, "code", code, f"duplicate code (first at row {seen[code]})"))
        elif not label:
            issues.append(table.issue(i, "cluster", row["cluster"], "empty cell"))
        else:
            seen[code], out[code] = table.rows[i], label
    table.raise_if(issues)  # units missing from it (new after a merger) are fine: each counts as moved
    return out
