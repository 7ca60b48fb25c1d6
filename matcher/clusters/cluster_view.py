"""A cluster result folder (issue 12, written by ``matcher cluster``) read for drawing.

:func:`read_cluster_dir` reads ``clusters.csv``, ``cluster_summary.csv``, ``neighbours.csv``,
``summary.json`` and, when present (or given as ``rotation``, a ``rotation.csv`` written by
``matcher rotate``), the rotation, into a frozen :class:`ClusterView`. The folder contract is
``/work/notes/CLUSTER_FORMAT.md`` (the same columns as the writer). Bad input is an
:class:`~matcher.errors.InputError` (exit 2) naming the file, row, column and value: a folder
that is not a cluster folder, a missing file or column, a unit in two clusters, a rotation
naming a cluster or unit the folder does not have, a ``year`` the rotation does not cover (the
years it covers are named) or a ``year`` asked of a folder without a rotation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError, ValidationIssue
from ..io.cells import unescape_text

__all__ = ["ClusterView", "is_cluster_dir", "read_cluster_dir"]

UNIT_COLUMNS = ("code", "name", "unit_type", "cluster", "is_host", "lat", "lon", "population", "area_km2")
SUMMARY_COLUMNS = ("cluster", "n_members", "host_code", "host_name", "population", "area_km2")
NEIGHBOUR_COLUMNS = ("code_a", "code_b", "rule")
ROTATION_COLUMNS = ("cluster", "year", "head_code", "head_name", "deputy_codes", "deputy_names", "slack")
KIND = "clusters"


def repair_code(raw) -> str:
    """A code as text, as written (5-digit commune codes, 2-digit province codes: never padded)."""
    return str(raw or "").strip()


@dataclass(frozen=True)
class ClusterView:
    """One cluster result, as read.

    ``units``: one row per unit (``code`` text, ``name``, ``unit_type``, ``cluster`` int 1..k,
    ``is_host`` bool, ``lat``, ``lon``, ``population``, ``area_km2`` floats, NaN when blank);
    ``clusters``: the per-cluster summary (``cluster`` int, ``n_members``, ``host_code``,
    ``host_name``, ``population``, ``area_km2``, ``*_dev_percent`` floats, ``members``), one
    row per cluster in label order; ``neighbours``: ``code_a``, ``code_b``, ``rule``;
    ``summary``: summary.json; ``rotation``: ``cluster`` int, ``year`` int, ``head_code``,
    ``head_name``, ``deputy_codes`` and ``deputy_names`` (tuples), ``slack`` (tuple), or None;
    ``year``: the year asked (None: the hosts are drawn)."""

    folder: Path
    units: pd.DataFrame
    clusters: pd.DataFrame
    neighbours: pd.DataFrame
    summary: dict
    rotation: pd.DataFrame | None = None
    year: int | None = None

    @property
    def k(self) -> int:
        return len(self.clusters)

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.units["code"], self.units["name"], strict=True))

    def hosts(self) -> dict[int, str]:
        """Cluster -> its host's code (``is_host``; the summary's ``host_code`` when none is marked)."""
        marked = self.units[self.units["is_host"]]
        out = {int(c): str(code) for c, code in zip(marked["cluster"], marked["code"], strict=True)}
        for c, code in zip(self.clusters["cluster"], self.clusters["host_code"], strict=True):
            if int(c) not in out and isinstance(code, str) and code:
                out[int(c)] = code
        return out

    def years(self) -> list[int]:
        """The years of the rotation, ascending ([] without one)."""
        return [] if self.rotation is None else sorted(set(self.rotation["year"]))

    def leaders(self, year: int | None = None) -> dict[int, tuple[str, tuple[str, ...]]]:
        """Cluster -> (head code, deputy codes) of ``year`` (default: the view's year); without a
        year, the hosts and no deputies."""
        year = self.year if year is None else year
        if year is None or self.rotation is None:
            return {c: (code, ()) for c, code in self.hosts().items()}
        rows = self.rotation[self.rotation["year"] == year]
        return {int(r.cluster): (str(r.head_code), tuple(r.deputy_codes)) for r in rows.itertuples()}

    def members(self) -> dict[int, list[str]]:
        """Cluster -> its member codes, in the table's order."""
        out: dict[int, list[str]] = {}
        for c, code in zip(self.units["cluster"], self.units["code"], strict=True):
            out.setdefault(int(c), []).append(str(code))
        return out

    def adjacent_clusters(self) -> set[tuple[int, int]]:
        """Pairs (a, b), a < b, of clusters with a neighbour link between them."""
        of = dict(zip(self.units["code"], self.units["cluster"], strict=True))
        out = set()
        for a, b in zip(self.neighbours["code_a"], self.neighbours["code_b"], strict=True):
            ca, cb = of.get(a), of.get(b)
            if ca is not None and cb is not None and ca != cb:
                out.add((min(int(ca), int(cb)), max(int(ca), int(cb))))
        return out


def _bad(file: str, message: str, row=None, column=None, value=None) -> InputError:
    return InputError([ValidationIssue(file, row, column, value, message)])


def _summary(folder: Path) -> dict | None:
    """summary.json, or None when the folder has none or it is not JSON."""
    path = folder / "summary.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def is_cluster_dir(folder: Path) -> bool:
    """True when ``folder``'s summary.json says ``"kind": "clusters"``."""
    folder = Path(folder)
    if not folder.is_dir():
        return False
    s = _summary(folder)
    return s is not None and s.get("kind") == KIND


def _number(table, i, col, raw, issues, integer=False):
    if raw is None or not str(raw).strip():
        return float("nan")
    try:
        v = float(str(raw).replace(",", "."))
        if v != v or (integer and not v.is_integer()):
            raise ValueError
        return int(v) if integer else v
    except ValueError:
        issues.append(table.issue(i, col, raw, "must be a whole number" if integer else "must be a number"))
        return None


class _Csv:
    """A comma-separated file of the folder read as text (the writer's format: UTF-8, a BOM
    allowed, comma separated; not sniffed: the ``;`` inside rotation.csv's lists would win),
    with the spreadsheet row of each record (the header is row 1)."""

    def __init__(self, path: Path, required):
        self.name = path.name
        try:
            frame = pd.read_csv(path, sep=",", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as e:
            first = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise _bad(path.name, f"cannot be read as a comma-separated table ({first})") from e
        frame.columns = [str(c).strip() for c in frame.columns]
        self.frame = frame.apply(lambda col: col.map(unescape_text)) if len(frame) else frame  # '=… as written
        self.rows = list(range(2, len(frame) + 2))
        missing = [c for c in required if c not in frame.columns]
        if missing:
            have = ", ".join(frame.columns) or "none"
            raise InputError([ValidationIssue(path.name, 1, c, None, f"required column is missing (columns: {have})")
                              for c in missing])

    def issue(self, i, column, value, message) -> ValidationIssue:
        return ValidationIssue(self.name, None if i is None else self.rows[i], column, value, message)

    def raise_if(self, issues) -> None:
        if issues:
            raise InputError(list(issues))


def _read(path: Path, required) -> _Csv:
    if not path.is_file():
        raise _bad(path.parent.name + "/" + path.name, "file not found: not a complete cluster result folder "
                   "(written by matcher cluster)")
    return _Csv(path, required)


def _units(folder: Path) -> pd.DataFrame:
    table = _read(folder / "clusters.csv", UNIT_COLUMNS)
    issues, rows, seen = [], [], {}
    for i, r in enumerate(table.frame.to_dict("records")):
        code = repair_code(r["code"] or "")
        if not code:
            issues.append(table.issue(i, "code", r["code"], "is empty"))
            continue
        if code in seen:
            issues.append(table.issue(i, "code", code, f"appears twice (also row {seen[code]}); a unit is in "
                                                       "one cluster"))
            continue
        seen[code] = table.rows[i]
        cluster = _number(table, i, "cluster", r["cluster"], issues, integer=True)
        if cluster is not None and cluster != cluster:
            issues.append(table.issue(i, "cluster", r["cluster"], "is empty; give the unit's cluster (1..k)"))
            cluster = None
        host = (r["is_host"] or "0").strip()
        if host not in ("0", "1"):
            issues.append(table.issue(i, "is_host", host, "must be 0 or 1"))
        nums = {c: _number(table, i, c, r[c], issues) for c in ("lat", "lon", "population", "area_km2")}
        if cluster is None or None in nums.values():
            continue
        rows.append({"code": code, "name": (r["name"] or "").strip(), "unit_type": (r["unit_type"] or "").strip(),
                     "cluster": cluster, "is_host": host == "1", **nums})
    if not rows and not issues:
        issues.append(table.issue(None, None, None, "has no units"))
    table.raise_if(issues)
    return pd.DataFrame(rows)


def _clusters(folder: Path, units: pd.DataFrame) -> pd.DataFrame:
    table = _read(folder / "cluster_summary.csv", SUMMARY_COLUMNS)
    issues, rows = [], []
    have = set(units["cluster"])
    for i, r in enumerate(table.frame.to_dict("records")):
        c = _number(table, i, "cluster", r["cluster"], issues, integer=True)
        if c is None:
            continue
        if c not in have:
            issues.append(table.issue(i, "cluster", r["cluster"], "has no unit in clusters.csv"))
            continue
        row = {"cluster": c, "host_code": repair_code(r["host_code"] or ""), "host_name": (r["host_name"] or "")
               .strip(), "members": (r.get("members") or "").strip()}
        for col, v in r.items():
            if col in ("n_members", "population", "area_km2") or col.endswith("_dev_percent"):
                row[col] = _number(table, i, col, v, issues)
        rows.append(row)
    table.raise_if(issues)
    out = pd.DataFrame(rows)
    missing = sorted(have - set(out["cluster"] if len(out) else ()))
    if missing:
        raise _bad("cluster_summary.csv", "clusters of clusters.csv without a row: "
                   + ", ".join(str(m) for m in missing), column="cluster")
    return out.sort_values("cluster", kind="stable").reset_index(drop=True)


def _neighbours(folder: Path, codes: set[str]) -> pd.DataFrame:
    table = _read(folder / "neighbours.csv", NEIGHBOUR_COLUMNS)
    issues, rows = [], []
    for i, r in enumerate(table.frame.to_dict("records")):
        a, b = repair_code(r["code_a"] or ""), repair_code(r["code_b"] or "")
        for col, code in (("code_a", a), ("code_b", b)):
            if code not in codes:
                issues.append(table.issue(i, col, code, "is not a unit of clusters.csv"))
        rows.append({"code_a": a, "code_b": b, "rule": (r["rule"] or "").strip()})
    table.raise_if(issues)
    return pd.DataFrame(rows, columns=list(NEIGHBOUR_COLUMNS))


def _split(v) -> tuple[str, ...]:
    return tuple(s.strip() for s in str(v or "").split(";") if s.strip())


def read_rotation(path: Path, units: pd.DataFrame) -> pd.DataFrame:
    """A rotation.csv (``matcher rotate``'s columns) checked against the units of the folder."""
    path = Path(path)
    if not path.is_file():
        raise _bad(str(path), "file not found")
    table = _Csv(path, ROTATION_COLUMNS)
    cluster_of = dict(zip(units["code"], units["cluster"], strict=True))

    issues, rows = [], []
    for i, r in enumerate(table.frame.to_dict("records")):
        c = _number(table, i, "cluster", r["cluster"], issues, integer=True)
        y = _number(table, i, "year", r["year"], issues, integer=True)
        head = repair_code(r["head_code"])
        deputies = tuple(repair_code(d) for d in _split(r["deputy_codes"]))
        if c is None or y is None:
            continue
        if c not in set(cluster_of.values()):
            issues.append(table.issue(i, "cluster", r["cluster"], "is not a cluster of clusters.csv"))
            continue
        for col, code in [("head_code", head)] + [("deputy_codes", d) for d in deputies]:
            if cluster_of.get(code) != c:
                issues.append(table.issue(i, col, code, f"is not a member of cluster {c} in clusters.csv"))
        names = _split(r["deputy_names"])
        rows.append({"cluster": c, "year": y, "head_code": head, "head_name": (r["head_name"] or "").strip(),
                     "deputy_codes": deputies, "deputy_names": names,
                     "slack": tuple(repair_code(x) for x in _split(r["slack"]))})
    table.raise_if(issues)
    return pd.DataFrame(rows, columns=list(ROTATION_COLUMNS))


def _year_issue(year: int, rotation: pd.DataFrame | None, where: str) -> InputError | None:
    if year is None:
        return None
    if rotation is None:
        return _bad("--year", f"the folder has no rotation ({where}); run matcher rotate DIR/clusters.csv "
                    "--years FIRST..LAST --out ROT and give --rotation ROT/rotation.csv", value=str(year))
    years = sorted(set(rotation["year"]))
    if year not in years:
        have = ", ".join(str(y) for y in years) or "none"
        return _bad("--year", f"is not a year of the rotation (years present: {have})", value=str(year))
    return None


def read_cluster_dir(folder: Path, rotation: Path | None = None, year: int | None = None) -> ClusterView:
    """Read the cluster result folder ``folder`` (and ``rotation``, a rotation.csv, instead of the
    folder's own). ``year``: the year whose heads are drawn; it must be in the rotation."""
    folder = Path(folder)
    if not folder.is_dir():
        raise _bad(str(folder), "is not a folder: give a cluster result folder (written by matcher cluster)")
    summary = _summary(folder)
    if summary is None or summary.get("kind") != KIND:
        kind = None if summary is None else summary.get("kind", "a twinning result")
        what = "has no readable summary.json" if summary is None else f"is {kind}, not clusters"
        raise _bad(f"{folder.name}/summary.json", f"not a cluster result folder: {what} (write one with "
                   "matcher cluster)", column="kind")
    units = _units(folder)
    clusters = _clusters(folder, units)
    neighbours = _neighbours(folder, set(units["code"]))
    own = folder / "rotation.csv"
    path = Path(rotation) if rotation else (own if own.is_file() else None)
    rot = read_rotation(path, units) if path is not None else None
    err = _year_issue(year, rot, "no rotation.csv")
    if err is not None:
        raise err
    return ClusterView(folder, units, clusters, neighbours, summary, rot, year)
