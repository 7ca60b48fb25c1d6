"""Units, pairs, travel and plan tables -> model objects (:mod:`matcher.model`).

Each reader takes a table read by :func:`matcher.io.tables.read_table` and collects *all*
problems of its file before raising one :class:`InputError`, each line naming file, row,
column and value. Suspicious-but-legal input and repairs become
:class:`~matcher.errors.MatcherWarning` (one per kind and file, with the rows concerned).

Scenario files and boundaries live in :mod:`matcher.io.scenario` and :mod:`matcher.io.geo`;
their names stay importable from here for older callers.
"""

from __future__ import annotations

from pathlib import Path

from ..distance import nearest_km
from ..errors import MatcherWarning, ValidationIssue
from ..model import PairRule, Problem, Role, Travel, Unit
from .headers import role_word, status_word
from .names import UnitNames
from .tables import (
    Table,
    code_repair,
    float_cell,
    int_cell,
    missing_columns,
    read_table,
    repair_code,
)

FAR_KM = 300.0  # a unit farther than this from every other unit gets a warning

# ---- units ----------------------------------------------------------------------------


def read_units(path: Path, sheet: str | None = None,
               fill=None) -> tuple[list[Unit], tuple[str, ...], list[MatcherWarning]]:
    """Units, their domains (from ``supply_<d>``/``need_<d>`` columns) and warnings.

    Roles may be written in Vietnamese (:data:`~matcher.io.headers.ROLE_WORDS`); a blank
    staff cell on the unit's own side (``supply_*`` of a lowland unit, ``need_*`` of a
    remote one) is 0. Warnings come one per kind (``reprojected``, ``code_padded``,
    ``code_repaired``, ``blank_as_zero``, ``far_unit``, and the reading notes of
    :mod:`matcher.io.grid`), each with the rows it concerns and one detail line per row.
    Columns the readers do not use (STT, Dân số, Ghi chú, …) are kept in ``Unit.attrs``."""
    table = read_table(path, sheet)
    if fill is not None:  # derived figures (matcher.io.derive, issue 9) fill the table's cells first
        fill(table)
    df = table.frame
    issues = missing_columns(table, ["code", "name", "role", "lat", "lon"])
    if issues:
        table.raise_if(issues)
    domains = tuple(
        dict.fromkeys(
            c.split("_", 1)[1] for c in df.columns if c.startswith(("supply_", "need_"))
        )
    )
    units: list[Unit] = []
    seen: dict[str, int] = {}
    repairs: dict[str, list[tuple[int, str]]] = {"code_padded": [], "code_repaired": [], "blank_as_zero": []}
    for i, rec in enumerate(df.to_dict("records")):
        n_before = len(issues)
        code = repair_code(rec["code"])
        if code == "":
            issues.append(table.issue(i, "code", "", "empty code"))
        elif code in seen:
            issues.append(
                table.issue(i, "code", code, f"duplicate code (first at {table.row_label} {seen[code]})")
            )
        else:
            seen[code] = table.rows[i]
        repair = code_repair(rec["code"], code)
        if repair:
            row = table.rows[i]
            repairs[repair].append((row, f"{table.name}:{row}: code '{rec['code']}' read as '{code}'"))
        name = rec["name"]
        if name == "":
            issues.append(table.issue(i, "name", "", "empty name"))
        role = role_word(rec["role"])
        if role is None:
            issues.append(table.issue(i, "role", rec["role"], "unknown role; use lowland, remote or excluded "
                                      "(or đồng bằng / vùng sâu, vùng xa)"))
        lat = float_cell(table, i, "lat", rec["lat"], issues)
        lon = float_cell(table, i, "lon", rec["lon"], issues)
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
                bounds[col] = int_cell(table, i, col, rec[col], issues, allow_empty=True)
        if None not in bounds.values() and len(bounds) == 2 and bounds["min_partners"] > bounds["max_partners"]:
            issues.append(table.issue(i, "min_partners", rec["min_partners"], "greater than max_partners"))
        supply, need, blank = {}, {}, []
        for d in domains:
            for kind, target, wanted in (("supply", supply, Role.LOWLAND), ("need", need, Role.REMOTE)):
                col = f"{kind}_{d}"
                if col in df.columns:
                    if role is wanted and rec[col] == "":
                        blank.append(col)
                    v = int_cell(table, i, col, rec[col], issues, allow_empty=True)
                    if v is not None and role is wanted:
                        target[d] = v
            if role is Role.LOWLAND:
                supply.setdefault(d, 0)
            if role is Role.REMOTE:
                need.setdefault(d, 0)
        capacity = None
        if "capacity" in df.columns:
            capacity = int_cell(table, i, "capacity", rec["capacity"], issues, allow_empty=True)
        if len(issues) > n_before or role is None:
            continue
        if blank:
            row = table.rows[i]
            repairs["blank_as_zero"].append((row, f"{table.name}:{row}: {', '.join(blank)} blank, read as 0"))
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
    table.raise_if(issues)
    warnings = list(table.warnings)
    for kind, found in repairs.items():
        if found:
            warnings.append(_warning(table, kind, found))
    far = _far_units(units, seen, table)
    if far:
        warnings.append(_warning(table, "far_unit", far))
    return units, domains, warnings


# the words of each warning kind, to read after its count: (one, several)
WARNING_TEXT = {
    "code_padded": ("code typed as a number was zero-padded to 5 digits",
                    "codes typed as numbers were zero-padded to 5 digits"),
    "code_repaired": ("code stored as a decimal number was read without its '.0'",
                      "codes stored as decimal numbers were read without their '.0'"),
    "blank_as_zero": ("unit had blank staff cells on its own side, read as 0",
                      "units had blank staff cells on their own side, read as 0"),
    "far_unit": (f"unit lies more than {FAR_KM:.0f} km from every other unit; check its coordinates "
                 "(partners abroad are allowed)",
                 f"units lie more than {FAR_KM:.0f} km from every other unit; check their coordinates "
                 "(partners abroad are allowed)"),
}


def _warning(table: Table, kind: str, found: list[tuple[int, str]]) -> MatcherWarning:
    """One warning of ``kind`` for the rows in ``found`` (row, detail line)."""
    one, several = WARNING_TEXT[kind]
    return MatcherWarning(kind, one if len(found) == 1 else several, table.name,
                          tuple(r for r, _ in found), tuple(d for _, d in found))


def _far_units(units: list[Unit], rows: dict[str, int], table: Table) -> list[tuple[int, str]]:
    active = [u for u in units if u.role is not Role.EXCLUDED]
    if len(active) < 3:
        return []
    nearest = nearest_km(active)
    return [
        (rows[u.code], f"{table.name}:{rows[u.code]}: unit {u.code} ({u.name}) is {d:.0f} km from every other unit; "
         "check its coordinates (partners abroad are allowed)")
        for u, d in zip(active, nearest, strict=True)
        if d > FAR_KM
    ]


# ---- pairs and travel ------------------------------------------------------------------


def _key_columns(table: Table) -> None:
    """A pairs table naming its units only by name (``lowland_name``) is read by those columns."""
    for side in ("lowland", "remote"):
        if f"{side}_code" not in table.frame.columns and f"{side}_name" in table.frame.columns:
            table.frame = table.frame.rename(columns={f"{side}_name": f"{side}_code"})


def _code_pair(table, i, rec, names: UnitNames, issues, notes):
    """The (lowland, remote) codes of a row whose units are given by code or by name, else None."""
    ok = True
    codes = []
    for col, role in (("lowland_code", Role.LOWLAND), ("remote_code", Role.REMOTE)):
        unit, error, note = names.find(rec[col], role)
        codes.append(unit.code if unit else "")
        if unit is None:
            issues.append(table.issue(i, col, rec[col], error))
            ok = False
        elif unit.role is not role:
            issues.append(table.issue(i, col, rec[col], f"unit {unit.name} is {unit.role.value}, not {role.value}"))
            ok = False
        elif note:
            row = table.rows[i]
            notes.append((row, f"{table.name}:{row}: column '{col}': {note}"))
    return (codes[0], codes[1]) if ok else None


def _notes(table: Table, notes: list[tuple[int, str]], warnings: list | None) -> None:
    """The table's reading notes and its loose name matches, into ``warnings`` when the caller keeps them."""
    if warnings is None:
        return
    warnings.extend(table.warnings)
    if notes:
        warnings.append(MatcherWarning("name_matched", "unit names were matched loosely (without diacritics or "
                                       "type word)" if len(notes) > 1 else "unit name was matched loosely "
                                       "(without diacritics or type word)", table.name,
                                       tuple(r for r, _ in notes), tuple(d for _, d in notes)))


def read_pairs(path: Path, units: list[Unit], *, sheet: str | None = None,
               warnings: list | None = None, names: UnitNames | None = None) -> list[PairRule]:
    """Locked and forbidden pairs; units by code or name, status in English or Vietnamese (giữ, cấm, …).

    ``warnings``, when given, receives the reading notes; ``names`` may carry the registry's
    legacy-name lookup (:class:`~matcher.io.names.UnitNames`)."""
    table = read_table(path, sheet)
    _key_columns(table)
    issues = missing_columns(table, ["lowland_code", "remote_code", "status"])
    if issues:
        table.raise_if(issues)
    names = names or UnitNames(units)
    notes: list[tuple[int, str]] = []
    rules: dict[tuple[str, str], tuple[PairRule, int]] = {}
    for i, rec in enumerate(table.frame.to_dict("records")):
        key = _code_pair(table, i, rec, names, issues, notes)
        status = status_word(rec["status"])
        if status is None:
            issues.append(table.issue(i, "status", rec["status"], "unknown status; use locked or forbidden "
                                      "(or giữ / cấm)"))
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
    table.raise_if(issues)
    _notes(table, notes, warnings)
    return [r for r, _ in rules.values()]


def read_travel(path: Path, units: list[Unit], *, sheet: str | None = None,
                warnings: list | None = None, names: UnitNames | None = None) -> dict[tuple[str, str], Travel]:
    """Measured travel per pair; units by code or name."""
    table = read_table(path, sheet)
    _key_columns(table)
    issues = missing_columns(table, ["lowland_code", "remote_code"])
    cols = set(table.frame.columns)
    if not issues and not cols & {"km", "minutes", "load"}:
        issues.append(ValidationIssue(table.name, table.header_row, "km", None, "need a 'km' or 'minutes' column"))
    if issues:
        table.raise_if(issues)
    names, notes = names or UnitNames(units), []
    out: dict[tuple[str, str], Travel] = {}
    for i, rec in enumerate(table.frame.to_dict("records")):
        key = _code_pair(table, i, rec, names, issues, notes)
        km = float_cell(table, i, "km", rec["km"], issues, allow_empty=True, minimum=0) if "km" in cols else None
        minutes = (
            float_cell(table, i, "minutes", rec["minutes"], issues, allow_empty=True, minimum=0)
            if "minutes" in cols else None
        )
        load = int_cell(table, i, "load", rec["load"], issues, allow_empty=True) if "load" in cols else None
        if key is not None:
            if key in out:
                issues.append(table.issue(i, "remote_code", rec["remote_code"], "pair listed twice"))
            out[key] = Travel(km, minutes, load)
    table.raise_if(issues)
    _notes(table, notes, warnings)
    return out


def read_plan(path: Path, problem: Problem, *, sheet: str | None = None,
              warnings: list | None = None) -> list[tuple[str, str]]:
    """A hand-made plan: a pairs table with ``lowland_code``, ``remote_code`` (codes or names)."""
    table = read_table(path, sheet)
    _key_columns(table)
    issues = missing_columns(table, ["lowland_code", "remote_code"])
    if issues:
        table.raise_if(issues)
    names, notes = UnitNames(problem.units), []
    plan = []
    for i, rec in enumerate(table.frame.to_dict("records")):
        key = _code_pair(table, i, rec, names, issues, notes)
        if key is not None:
            plan.append(key)
    table.raise_if(issues)
    _notes(table, notes, warnings)
    return plan
