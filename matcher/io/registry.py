"""The official list of Vietnam's 2025 administrative units, from a maintained registry package.

The registry is the PyPI package ``vietnamadminunits`` (MIT, github.com/tranngocminhhieu/vietnamadminunits):
its SQLite dataset holds the 34 provinces and 3,321 communes, wards and special zones in force
since 1 July 2025 (5-digit code, name, type, province, a point and the area in km²), the 63-province
units before that date, and the conversion from the old units to the new. It was chosen over
``vietnam-provinces`` (2025.10.1), which has codes, names and types but no coordinates, areas or
former units. Neither has population. The package's data files are read directly (its Python
modules, which build a geocoder on import, are never imported); see ``data/README.md``.

* :func:`provinces`, :func:`find_province` (name with or without diacritics, any case, the
  ``tỉnh``/``thành phố`` prefix optional, or the code), :func:`units` (a province's units, each
  with its former units), :func:`source` (package, version, address and data date, to cite);
* :func:`legacy_unit` maps a pre-July-2025 commune name to its 2025 unit (code, name, note);
  :func:`legacy_candidates` lists every match, for an error naming them all.
"""

from __future__ import annotations

import difflib
import functools
import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, ValidationIssue

PACKAGE = "vietnamadminunits"
PACKAGE_URL = "https://github.com/tranngocminhhieu/vietnamadminunits"
PYPI_URL = "https://pypi.org/project/vietnamadminunits/"
DATA_DATE = "2025-08-23"  # the date of the dataset files in the 1.0.4 wheel (the release is 2025-10-08)
MERGER_DATE = "2025-07-01"
UNIT_KINDS = {"Phường": "ward", "Xã": "commune", "Đặc khu": "special_zone"}


@dataclass(frozen=True)
class Source:
    """What to cite for registry facts."""

    package: str
    version: str
    url: str
    data_date: str

    def cite(self) -> str:
        return f"{self.package} {self.version} ({self.url}, data {self.data_date}, MIT)"


@dataclass(frozen=True)
class Province:
    """A 2025 province: ``code`` (2 digits), ``name`` (``Thanh Hóa``), ``full_name`` (``Tỉnh Thanh Hóa``)."""

    code: str
    name: str
    full_name: str


@dataclass(frozen=True)
class FormerUnit:
    """A pre-July-2025 commune, ward or township (or an island district without communes)."""

    code: str
    name: str
    district: str
    province: str
    split: bool  # only part of it went to the 2025 unit

    def label(self) -> str:
        return ", ".join(p for p in (self.name, self.district, self.province) if p)


@dataclass(frozen=True)
class RegistryUnit:
    """A 2025 unit: ``name`` without its type word (``Hàm Rồng``), ``kind`` ward/commune/special_zone."""

    code: str
    name: str
    full_name: str
    kind: str
    province_code: str
    province: str
    lat: float | None
    lon: float | None
    area_km2: float | None
    former: tuple[FormerUnit, ...]


@dataclass(frozen=True)
class LegacyMatch:
    """A former unit a name matched, and the 2025 unit(s) it went to (the registry's main one first)."""

    former: FormerUnit
    code: str
    name: str
    province: str
    also: tuple[tuple[str, str], ...]  # other 2025 units (code, name) that received part of it


def key(text: str) -> str:
    """The registry's matching key: lower case, no diacritics (``đ`` -> ``d``), letters and digits only."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _not_installed() -> InputError:
    return InputError([ValidationIssue(PACKAGE, None, None, None,
                                       f"the registry package is not installed; run: pip install {PACKAGE}")])


@functools.cache
def _data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise _not_installed()
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not (folder / "dataset.db").is_file():
        raise _not_installed()
    return folder


def source() -> Source:
    """The registry package, its installed version, its address and data date."""
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise _not_installed() from None
    return Source(PACKAGE, version, PACKAGE_URL, DATA_DATE)


def _rows(sql: str) -> list[sqlite3.Row]:
    db = sqlite3.connect((_data_dir() / "dataset.db").as_uri() + "?mode=ro", uri=True)
    try:
        db.row_factory = sqlite3.Row
        return db.execute(sql).fetchall()
    finally:
        db.close()


@functools.cache
def _tables():
    """Everything read once: new units, old units by key, old->new and new->old maps."""
    new = _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode")
    old = _rows("SELECT province, district, ward, provinceKey, provinceShortKey, districtKey, districtShortKey, "
                "wardKey, wardShortKey, wardCode, districtCode FROM admin_units_legacy")
    conv = json.loads((_data_dir() / "converter_2025.json").read_text(encoding="utf-8"))
    by_key = {(r["provinceKey"], r["wardKey"]): r for r in new}
    old_by_key = {f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": r for r in old}
    # old key -> [new unit row, ...] (the registry's default successor first); new code -> [(old key, split)]
    successors: dict[str, list] = {}
    formers: dict[str, list[tuple[str, bool]]] = {}
    for prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, old_keys in wards.items():
            row = by_key.get((prov, ward))
            for k in old_keys if row is not None else ():
                successors.setdefault(k, []).append(row)
                formers.setdefault(row["wardCode"], []).append((k, False))
    for prov, splits in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for k, parts in splits.items():
            rows = [by_key.get((prov, p["newWardKey"])) for p in sorted(parts, key=lambda p: not p["isDefaultNewWard"])]
            rows = [r for r in rows if r is not None]
            successors.setdefault(k, []).extend(rows)
            for r in rows:
                formers.setdefault(r["wardCode"], []).append((k, True))
    old_province = {k: new_key for new_key, olds in conv["DICT_PROVINCE"].items() for k in olds}
    return new, old_by_key, successors, formers, old_province


def _former(old_key: str, split: bool) -> FormerUnit | None:
    r = _tables()[1].get(old_key)
    if r is None:
        return None
    if r["ward"]:
        return FormerUnit(r["wardCode"], r["ward"], r["district"], r["province"], split)
    return FormerUnit(r["districtCode"], r["district"], "", r["province"], split)  # an island district


def _short(full: str, kind_word: str) -> str:
    return full[len(kind_word):].strip() if full.startswith(kind_word + " ") else full


def _number(v) -> float | None:
    return None if v is None else float(v)


@functools.cache
def provinces() -> tuple[Province, ...]:
    """The 34 provinces of 2025, by code."""
    seen = {}
    for r in _tables()[0]:
        seen.setdefault(r["provinceCode"], Province(r["provinceCode"], r["provinceShort"], r["province"]))
    return tuple(seen.values())


def _province_key(text: str) -> str:
    k = key(text)
    for prefix in ("thanhpho", "tinh", "tp"):
        if k.startswith(prefix) and len(k) > len(prefix) + 2:
            return k[len(prefix):]
    return k


def find_province(query: str) -> Province:
    """The 2025 province named (with or without diacritics, any case, ``tỉnh``/``thành phố``/``TP``
    optional) or coded (``38``) by ``query``; an :class:`InputError` naming the closest names otherwise
    (a pre-2025 province is told which province it is now part of)."""
    text = str(query).strip()
    all_ = provinces()
    if text.isdigit():
        for p in all_:
            if int(p.code) == int(text):
                return p
    k = _province_key(text)
    for p in all_:
        if k and k == key(p.name):
            return p
    names = {key(p.name): p.name for p in all_}
    new_key = _tables()[4].get("tinh" + k) or _tables()[4].get("thanhpho" + k)
    if new_key is not None:
        now = next(p.name for p in all_ if key(p.full_name) == new_key)
        msg = f"a province before 1 July 2025, now part of {now}; use '{now}'"
    else:
        close = [names[c] for c in difflib.get_close_matches(k, list(names), n=4, cutoff=0.6)]
        msg = "unknown province; " + (f"close names: {', '.join(close)}" if close
                                      else f"the 34 provinces: {', '.join(p.name for p in all_)}")
    raise InputError([ValidationIssue("--province", None, None, text, msg)])


def units(province_codes) -> list[RegistryUnit]:
    """The 2025 units of the provinces with these codes, in province then unit-code order."""
    wanted = {str(c) for c in province_codes}
    _, _, _, formers, _ = _tables()
    out = []
    for r in _tables()[0]:
        if r["provinceCode"] not in wanted:
            continue
        former = tuple(f for k, split in dict.fromkeys(formers.get(r["wardCode"], ())) if (f := _former(k, split)))
        out.append(RegistryUnit(
            r["wardCode"], _short(r["ward"], r["wardType"]), r["ward"], UNIT_KINDS.get(r["wardType"], r["wardType"]),
            r["provinceCode"], r["provinceShort"], _number(r["wardLat"]), _number(r["wardLon"]),
            _number(r["wardAreaKm2"]), former))
    return out


# ---- legacy names ----------------------------------------------------------------------


def _matches_province(row, successor, wanted: str) -> bool:
    """``wanted`` (a key or a code) names the unit's old province or its 2025 province."""
    if wanted.isdigit():
        return int(successor["provinceCode"]) == int(wanted)
    return wanted in {row["provinceShortKey"], row["provinceKey"], successor["provinceShortKey"],
                      successor["provinceKey"], _province_key(row["provinceKey"])}


def legacy_candidates(name: str, province: str | None = None) -> list[LegacyMatch]:
    """Every pre-July-2025 unit called ``name`` and where it went.

    ``name`` is a commune, ward or township name, with or without its type word (``Xã Quảng Phú``
    or ``Quang Phu``), optionally followed by its former district and province, comma-separated
    (``Quảng Phú, Thọ Xuân``). ``province`` (name or code, the old or the 2025 province) narrows it.
    """
    parts = [p for p in (s.strip() for s in str(name).split(",")) if p]
    if not parts:
        return []
    ward, district = key(parts[0]), key(parts[1]) if len(parts) > 1 else None
    wanted = [province] if province else []
    wanted += parts[2:3]
    wanted_keys = [str(w).strip() if str(w).strip().isdigit() else _province_key(w) for w in wanted]
    _, old_by_key, successors, _, _ = _tables()
    found = []
    for k, row in old_by_key.items():
        if ward not in {row["wardKey"], row["wardShortKey"]} and not (
                row["ward"] is None and ward in {row["districtKey"], row["districtShortKey"]}):
            continue
        if district and row["ward"] is not None and district not in {row["districtKey"], row["districtShortKey"]}:
            continue
        new = successors.get(k)
        if not new or not all(_matches_province(row, new[0], w) for w in wanted_keys):
            continue
        former = _former(k, len(new) > 1)
        first = new[0]
        found.append(LegacyMatch(former, first["wardCode"], _short(first["ward"], first["wardType"]),
                                 first["provinceShort"],
                                 tuple((r["wardCode"], _short(r["ward"], r["wardType"])) for r in new[1:])))
    # typed with diacritics: names spelled the same way win over names equal only without them
    typed = _fold(parts[0])
    exact = [m for m in found if typed in {_fold(m.former.name), _fold(_bare(m.former.name))}]
    if exact and typed != key(parts[0]):
        found = exact
    return sorted(found, key=lambda m: (m.former.province, m.former.district, m.former.code))


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _bare(name: str) -> str:
    """``Xã Quảng Phú`` -> ``Quảng Phú``."""
    for word in ("Thị trấn", "Phường", "Xã", "Huyện", "Quận", "Thị xã", "Thành phố", "Đặc khu"):
        if name.casefold().startswith(word.casefold() + " "):
            return name[len(word) + 1:]
    return name


def legacy_unit(name: str, province: str | None = None) -> tuple[str, str, str] | None:
    """The 2025 unit a pre-July-2025 unit name now belongs to: ``(code, name, note)``, or None.

    None when no former unit has that name, or when several do and they went to different 2025
    units (call :func:`legacy_candidates` to list them, with codes and provinces, in the error).
    The note says which former unit it was, what it became and the source, e.g.
    ``"'Quảng Phú' is the former Xã Quảng Phú, Huyện Thọ Xuân, Tỉnh Thanh Hóa (code 15571): part of
    Xã … (code …) since 1 July 2025 (registry: vietnamadminunits 1.0.4)"``. A former unit split among
    several 2025 units maps to the one the registry names as its main successor, and the note lists
    the others.
    """
    found = legacy_candidates(name, province)
    if not found or len({m.code for m in found}) > 1:
        return None
    m = found[0]
    olds = "; ".join(f"{f.former.label()} (code {f.former.code})" for f in found)
    note = f"'{name}' is the former {olds}: part of {m.name}, {m.province} (code {m.code}) since 1 July 2025"
    if m.also:
        others = ", ".join(f"{n} ({c})" for c, n in m.also)
        note += f"; it was split, part also went to {others}, and {m.name} is the registry's main successor"
    return m.code, m.name, f"{note} (registry: {source().package} {source().version})"
