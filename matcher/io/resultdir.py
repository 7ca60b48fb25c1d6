"""A solved or evaluated plan as read back from its result folder (what ``matcher solve``
or ``matcher evaluate`` wrote). Maps and review packs draw from this, never from a solver."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError, ValidationIssue

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

    def assumptions(self, lang: str) -> list[str]:
        """The assumptions in ``lang`` where the scenario gave them so, else as written."""
        return list(self.summary.get(f"assumptions_{lang}") or self.summary.get("assumptions", []))

    def sources(self, lang: str) -> list[str]:
        return list(self.summary.get(f"sources_{lang}") or self.summary.get("sources", []))

    def name(self, code: str) -> str:
        return self.units.set_index("code").at[code, "name"]


def read_result_dir(path: Path) -> ResultView:
    """Read a result folder; every missing file or column is reported at once."""
    path = Path(path)
    if not path.is_dir():
        raise InputError([ValidationIssue(str(path), None, None, None, "not a folder written by matcher solve")])
    issues: list[ValidationIssue] = []
    frames: dict[str, pd.DataFrame] = {}
    for name, cols in REQUIRED.items():
        f = path / name
        if not f.exists():
            issues.append(ValidationIssue(str(f), None, None, None, MISSING))
            continue
        frame = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for c in cols:
            if c not in frame.columns:
                issues.append(ValidationIssue(str(f), 1, c, None, "required column is missing"))
        frames[name] = frame
    summary_path = path / "summary.json"
    summary: dict = {}
    if not summary_path.exists():
        issues.append(ValidationIssue(str(summary_path), None, None, None, MISSING))
    else:
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            issues.append(ValidationIssue(str(summary_path), e.lineno, None, None, f"not valid JSON: {e.msg}"))
    if issues:
        raise InputError(issues)
    units = frames["units.csv"].copy()
    units[["lat", "lon"]] = units[["lat", "lon"]].astype(float)
    pairs = frames["pairs.csv"].copy()
    pairs["distance_km"] = pairs["distance_km"].astype(float)
    pairs["locked"] = pairs["locked"].str.lower().eq("true")
    remote = frames["remote_summary.csv"].copy()
    remote["coverage_ratio"] = remote["coverage_ratio"].astype(float)
    for c in remote.columns:
        if c.startswith(("need_", "covered_", "uncovered_")) or c in ("n_partners",):
            remote[c] = pd.to_numeric(remote[c])
    for c in pairs.columns:
        if c.startswith("staff_"):
            pairs[c] = pd.to_numeric(pairs[c])
    return ResultView(path, units, pairs, remote, frames["lowland_summary.csv"], summary)
