"""The keys of a result folder's summary.json that readers (map, report, what-if) rely on,
checked for type: a hand-edited file is bad input, never a crash further on."""

from __future__ import annotations

import json
import math

from ..errors import ValidationIssue
from ..model import STAGES
from ..result import Status
from .tables import visible

SUMMARY_NUMBERS = ("min_coverage", "total_shortfall", "total_distance_km", "longest_distance_km", "total_minutes",
                   "solve_seconds")
SUMMARY_COUNTS = ("n_pairs", "n_lowland", "n_remote", "n_locked_pairs")
STAGE_NUMBERS = ("value", "bound", "gap", "seconds")
TEXT_LISTS = ("warnings", "assumptions", "sources", "assumptions_vi", "sources_vi", "assumptions_en", "sources_en")
STATUSES = tuple(s.value for s in Status)
MAX_DEPTH = 40


def shown(v) -> str:
    """A JSON value as it reads in a message (short, control characters escaped)."""
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
    return visible(text if len(text) <= 60 else text[:59] + "…")


def _json_number(v, whole: bool = False) -> str | None:
    """Why a summary value is not a (whole, >= 0) number or null (None if it is)."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        return "must be a number or null"
    if not math.isfinite(v):
        return "not a finite number"
    if whole and (v < 0 or v != int(v)):
        return "must be a whole number >= 0"
    return None


def _depth(v) -> int:
    """How deeply lists and objects nest in ``v`` (iteratively: no recursion)."""
    deepest, todo = 0, [(v, 1)]
    while todo:
        x, d = todo.pop()
        if isinstance(x, dict | list):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                todo.extend((y, d + 1) for y in (x.values() if isinstance(x, dict) else x))
    return deepest


def summary_issues(f: str, s: dict) -> list[ValidationIssue]:
    """The keys of summary.json that readers rely on, checked for type."""
    out: list[ValidationIssue] = []

    def bad(key: str, value, message: str) -> None:
        out.append(ValidationIssue(f, None, key, shown(value), message, column_label="key"))

    if _depth(s) > MAX_DEPTH:
        return [ValidationIssue(f, None, None, None, f"nested more than {MAX_DEPTH} levels deep")]
    for key in SUMMARY_NUMBERS + SUMMARY_COUNTS:
        why = _json_number(s[key], key in SUMMARY_COUNTS) if key in s else None
        if why:
            bad(key, s[key], why)
    if "status" in s and s["status"] not in STATUSES:
        bad("status", s["status"], f"must be one of {', '.join(STATUSES)}")
    for key in ("scenario", "solver_params", "run"):  # run: the run record (issue 10, matcher.io.history)
        if key in s and not isinstance(s[key], dict):
            bad(key, s[key], "must be an object")
    for key in ("file", "pairs_file", "travel_file", "units_sheet", "name"):
        v = s["scenario"].get(key) if isinstance(s.get("scenario"), dict) else None
        if v is not None and not isinstance(v, str):
            bad(f"scenario.{key}", v, "must be text or null")
    for key in TEXT_LISTS:
        if key in s and not (isinstance(s[key], list) and all(isinstance(x, str) for x in s[key])):
            bad(key, s[key], "must be a list of text")
    stages = s.get("stages", [])
    if not isinstance(stages, list):
        bad("stages", stages, "must be a list of stages")
        stages = []
    for k, st in enumerate(stages):
        where = f"stages[{k}]"
        if not isinstance(st, dict):
            bad(where, st, "must be an object")
            continue
        if st.get("name") not in STAGES:
            bad(f"{where}.name", st.get("name"), f"must be one of {', '.join(STAGES)}")
        if st.get("status") not in STATUSES:
            bad(f"{where}.status", st.get("status"), f"must be one of {', '.join(STATUSES)}")
        for key in STAGE_NUMBERS:
            why = _json_number(st.get(key))
            if why:
                bad(f"{where}.{key}", st[key], why)
        if not isinstance(st.get("unit", ""), str):
            bad(f"{where}.unit", st["unit"], "must be text")
    return out
