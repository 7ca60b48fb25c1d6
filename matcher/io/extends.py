"""Scenario files that extend a base: ``extends = "base.toml"`` (issue 10).

A scenario may name a base scenario; its own keys override the base's, table by table
(``[partners]``, ``[solver]``, ``[tolerance]``, ``[derive.*]`` are merged key by key, any other
key is replaced whole). Paths are relative to the file that names them: a base's ``units``,
``pairs`` and ``travel`` are made absolute before the merge. Chains are allowed
(``c.toml`` extends ``b.toml`` extends ``a.toml``); a cycle is refused with the chain named.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from ..errors import InputError, ValidationIssue

PATH_KEYS = ("units", "pairs", "travel", "from_plan")
MERGED_TABLES = ("partners", "solver", "tolerance", "derive")
MAX_DEPTH = 20


def _read(path: Path, name: str) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError([ValidationIssue(name, None, None, None, f"not valid TOML: {e}")]) from e


def _merge(base: dict, child: dict) -> dict:
    out = dict(base)
    for key, value in child.items():
        if key in MERGED_TABLES and isinstance(value, dict) and isinstance(base.get(key), dict):
            merged = dict(base[key])
            for k, v in value.items():
                merged[k] = {**merged[k], **v} if isinstance(v, dict) and isinstance(merged.get(k), dict) else v
            out[key] = merged
        else:
            out[key] = value
    return out


def _keys(data: dict) -> list[str]:
    """A file's setting keys, a merged table's as ``table.key`` (``partners.lowland_max``)."""
    return [f"{k}.{sub}" if k in MERGED_TABLES and isinstance(v, dict) else k
            for k, v in data.items() for sub in (v if k in MERGED_TABLES and isinstance(v, dict) else [None])]


def read_chain(path: Path, provenance: dict | None = None) -> dict:
    """The scenario's keys with every base merged in (the ``extends`` key removed).

    ``provenance`` (a dict, filled in place) maps each key (``max_distance_km``,
    ``partners.lowland_max``) to the name of the file in the chain that set it."""
    chain: list[Path] = []
    where = provenance if provenance is not None else {}

    def load(p: Path, named_by: str | None, written: str | None = None) -> dict:
        p = p.resolve()
        if p in chain:
            names = " -> ".join(os.path.relpath(q, chain[0].parent) for q in (*chain, p))
            raise InputError([ValidationIssue(chain[-1].name, None, "extends", written or p.name,
                                              f"the scenarios extend each other in a cycle: {names}",
                                              column_label="key")])
        if len(chain) >= MAX_DEPTH:
            raise InputError([ValidationIssue(p.name, None, "extends", None,
                                              f"more than {MAX_DEPTH} scenarios extend each other",
                                              column_label="key")])
        if named_by is not None and not p.is_file():
            raise InputError([ValidationIssue(named_by, None, "extends", str(p),
                                              "file not found", column_label="key")])
        chain.append(p)
        data = _read(p, p.name)
        base_name = data.pop("extends", None)
        if base_name is None:
            where.update(dict.fromkeys(_keys(data), p.name))
            return data
        if not isinstance(base_name, str) or not base_name.strip():
            raise InputError([ValidationIssue(p.name, None, "extends", base_name,
                                              "expected the path of a base scenario (a string)",
                                              column_label="key")])
        base_path = (p.parent / base_name).resolve()
        base = load(base_path, p.name, base_name)
        for key in PATH_KEYS:
            if isinstance(base.get(key), str):
                base[key] = str((base_path.parent / base[key]).resolve())
        where.update(dict.fromkeys(_keys(data), p.name))
        return _merge(base, data)

    return load(Path(path), None)
