"""Run history (issue 10): which inputs and rules produced a result folder, recorded in its
``summary.json`` under ``run``, and read back by ``matcher history``.

The record holds the SHA-256 and size of every input file (the scenario and each base of
its ``extends`` chain, the units, pairs and travel tables, a hand plan or a published plan
the run started from), a digest of the effective settings (the settings themselves are
``summary.json``'s ``settings``, ``scenario`` and ``solver_params``: the record points to
them), the matcher, OR-Tools and Python versions, the start and end time (ISO 8601, UTC),
the user, the host and the command line (when run from the command line). Never imports
ortools: its version comes from the package metadata (or the result's solver string).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import platform
import re
import socket
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

RECORD_VERSION = 1
CHUNK = 1 << 20  # files are hashed 1 MiB at a time
SHORT = 12  # hex digits of a hash shown in tables
SETTINGS_KEYS = ("settings", "scenario", "solver_params")  # where summary.json keeps the effective settings
# the parts of summary.json's ``scenario`` that are rules (the rest are inputs, hashed themselves)
RULE_KEYS = ("max_distance_km", "max_minutes", "detour_factor", "distance_metric", "pair_within", "objectives",
             "tolerances", "partners", "units_sheet", "max_changes")
DIGEST_VERSION = 2  # 2: also the stage order, max_changes, the published/base plan's SHA-256, a what-if's changes
PLAN_ROLES = ("from-plan", "base plan")  # inputs whose content shapes the plan as a rule does
PARAM_KEYS = ("time_limit_s", "workers", "seed")
SAME, CHANGED, MISSING = "same", "changed", "missing"

_command: list[str] | None = None


def set_command(args: Sequence[str] | None) -> None:
    """The command line of this process's run (set by the CLI; library runs record none)."""
    global _command
    _command = None if args is None else [str(a) for a in args]


def current_command() -> list[str] | None:
    """The command line :func:`set_command` recorded (None: a library run, or the app called in-process)."""
    return None if _command is None else list(_command)


def now_utc() -> str:
    """This moment, ISO 8601 in UTC (``2025-07-01T08:30:00.123+00:00``)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def sha256_file(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and size in bytes of a file, read in 1 MiB chunks."""
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def scenario_chain(path: Path) -> list[Path]:
    """A scenario file and every base it ``extends`` (child first), as absolute paths.

    The chain was checked when the scenario was read (:mod:`matcher.io.extends`); here a
    base that cannot be read ends the chain."""
    chain: list[Path] = []
    p: Path | None = Path(path).resolve()
    while p is not None and p not in chain and p.is_file():
        chain.append(p)
        try:
            base = tomllib.loads(p.read_text(encoding="utf-8")).get("extends")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            break
        p = (p.parent / base).resolve() if isinstance(base, str) and base.strip() else None
    return chain


def input_files(sc=None, plan: Path | None = None, plan_role: str = "plan",
                extra: Iterable[tuple[str, Path]] = ()) -> list[tuple[str, Path]]:
    """The input files of a run, each with its role: ``scenario`` and ``extends 1``, ``extends 2``,
    … (its bases), ``units``, ``pairs``, ``travel`` and ``from-plan`` (a published plan to keep)
    of a :class:`~matcher.io.scenario.Scenario`, then ``plan`` (``plan_role``: an ``evaluate --plan``
    table or a what-if's base plan; a result folder stands for its ``pairs.csv``) and ``extra``."""
    out: list[tuple[str, Path]] = []
    if sc is not None:
        if sc.path is not None:
            chain = scenario_chain(sc.path) or [Path(sc.path)]
            out += [("scenario" if i == 0 else f"extends {i}", p) for i, p in enumerate(chain)]
        out += [(role, Path(p)) for role, p in (("units", sc.units), ("pairs", sc.pairs), ("travel", sc.travel))
                if p is not None]
        published = getattr(sc, "from_plan", None)  # solve --from-plan: the plan to keep
        if published is not None:
            out.append(("from-plan", Path(published) / "pairs.csv" if Path(published).is_dir() else Path(published)))
    if plan is not None:
        plan = Path(plan)
        out.append((plan_role, plan / "pairs.csv" if plan.is_dir() else plan))
    out += [(role, Path(p)) for role, p in extra]
    return out


def hash_inputs(files: Iterable[tuple[str, Path]]) -> list[dict]:
    """``[{"role", "path", "sha256", "bytes"}]``; a file that cannot be read has ``sha256`` null
    and an ``error`` (a run reads its inputs first, so this is rare)."""
    out, seen = [], {}
    for role, p in files:
        path = Path(p).resolve()
        if path not in seen:
            try:
                seen[path] = sha256_file(path)
            except OSError as e:
                seen[path] = (None, None, e.strerror or type(e).__name__)
        digest = seen[path]
        entry = {"role": role, "path": str(path), "sha256": digest[0], "bytes": digest[1]}
        if len(digest) > 2:
            entry["error"] = digest[2]
        out.append(entry)
    return out


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry, no USER variable)
        return None


def _host() -> str | None:
    try:
        return socket.gethostname() or platform.node() or None
    except OSError:
        return None


def _package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def run_record(sc=None, *, started: str | None = None, plan: Path | None = None, plan_role: str = "plan",
               extra: Iterable[tuple[str, Path]] = (), command: Sequence[str] | None = None) -> dict:
    """The run record of a run of ``sc`` started at ``started`` (:func:`now_utc`): its inputs
    hashed now, the versions, user, host and command line (``command``, else the CLI's).
    :func:`finish_record` adds the end time and the settings digest when summary.json is built."""
    from .. import __version__

    return {
        "record_version": RECORD_VERSION,
        "started": started or now_utc(),
        "inputs": hash_inputs(input_files(sc, plan, plan_role, extra)),
        "matcher_version": __version__,
        "ortools_version": _package_version("ortools"),
        "python_version": platform.python_version(),
        "platform": platform.platform(terse=True),
        "user": _user(),
        "host": _host(),
        "command": list(command) if command is not None else (list(_command) if _command is not None else None),
        "cwd": _cwd(),  # where the command's relative paths were
    }


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None


def _pairs_text(pairs) -> list:
    return [[str(x) for x in p] if isinstance(p, (tuple, list)) else str(p) for p in pairs or ()]


def result_record(result_dir: Path, started: str | None = None, changes: Mapping | None = None) -> dict:
    """The run record of a run re-solving the result in ``result_dir`` (``matcher whatif``): the
    inputs of the run that made it (its scenario, with the pairs and travel tables and the published
    plan it recorded), its ``pairs.csv`` as ``base plan``, and ``changes`` (``{"force": [...],
    "forbid": [...], "release": [...], "mode": ...}``: the what-if asked; in the settings digest)."""
    from dataclasses import replace

    from ..errors import InputError
    from .scenario import load_scenario

    info, _ = read_summary(result_dir)
    origin = (info or {}).get("scenario") or {}
    sc = None
    if isinstance(origin.get("file"), str):
        try:
            sc = load_scenario(Path(origin["file"]))
        except (InputError, OSError):
            sc = None
    if sc is not None:
        sc = replace(sc, **{k: Path(origin[f"{k}_file"]) for k in ("pairs", "travel", "from_plan")
                            if isinstance(origin.get(f"{k}_file"), str)})
    record = run_record(sc, started=started, plan=Path(result_dir), plan_role="base plan")
    if changes is not None:
        record["changes"] = {k: (_pairs_text(v) if k in ("force", "forbid", "release") else v)
                             for k, v in changes.items()}
    return record


def library_record(scenario_path: str | None, inputs: Mapping[str, str | None] | None = None) -> dict:
    """The run record of a library ``write_result``: the scenario file (or units table) it names, read
    again for its tables (with the ``inputs`` pairs and travel tables), hashed now; no start time
    is known, so ``started`` is now."""
    from dataclasses import replace

    from ..errors import InputError
    from .scenario import load_scenario

    sc = None
    if scenario_path is not None and Path(scenario_path).is_file():
        try:
            sc = load_scenario(Path(scenario_path))
        except (InputError, OSError):
            return run_record(None, extra=[("scenario", Path(scenario_path))])
        sc = replace(sc, **{k: Path(v) for k, v in (inputs or {}).items() if k in ("pairs", "travel") and v})
    return run_record(sc)


def effective(info: Mapping, run: Mapping | None = None, version: int = DIGEST_VERSION) -> dict:
    """Every rule that shapes the plan, from a summary.json (and its run record ``run``, else its
    ``run``): the stated ``settings`` (values only), the rules of ``scenario``, the solver
    parameters; from version 2 also the stages in the order solved, ``max_changes``, the SHA-256
    of the published plan (``from-plan``) or a what-if's base plan, and a what-if's changes."""
    settings = info.get("settings") or {}
    scenario = info.get("scenario") or {}
    params = info.get("solver_params") or {}
    keys = RULE_KEYS if version >= 2 else RULE_KEYS[:-1]
    out = {
        "settings": {k: (v.get("value") if isinstance(v, Mapping) else v) for k, v in sorted(settings.items())},
        "rules": {k: scenario.get(k) for k in keys if k in scenario},
        "solver": {k: params.get(k) for k in PARAM_KEYS if k in params},
    }
    if version < 2:
        return out
    run = run if run is not None else (info.get("run") if isinstance(info.get("run"), Mapping) else {})
    stages = info.get("stages") if isinstance(info.get("stages"), list) else []
    out["stages"] = [s.get("name") if isinstance(s, Mapping) else s for s in stages]
    out["plans"] = {e.get("role"): e.get("sha256") for e in run.get("inputs") or []
                    if isinstance(e, Mapping) and e.get("role") in PLAN_ROLES}
    out["changes"] = run.get("changes")
    return out


def settings_digest(info: Mapping, run: Mapping | None = None, version: int = DIGEST_VERSION) -> str:
    """SHA-256 of :func:`effective` as canonical JSON: two runs under the same rules have the same
    digest, wherever each setting came from."""
    text = json.dumps(effective(info, run, version), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ortools_from(solver: str) -> str | None:
    found = re.findall(r"\d+\.\d+(?:\.\d+)*", solver or "")
    return found[-1] if found else None


def finish_record(run: Mapping, info: Mapping) -> dict:
    """``run`` with the end time, the solver string, and the settings: where summary.json holds
    them (``settings``, ``scenario``, ``solver_params``) and their digest."""
    out = dict(run)
    out["finished"] = now_utc()
    out["solver"] = info.get("solver")
    if not out.get("ortools_version"):
        out["ortools_version"] = _ortools_from(str(info.get("solver") or ""))
    out["settings"] = {"recorded_in": [k for k in SETTINGS_KEYS if k in info], "digest": settings_digest(info, out),
                       "digest_version": DIGEST_VERSION}
    return out


# ---- reading records back ---------------------------------------------------------------------------


def result_dirs(roots: Iterable[Path]) -> list[Path]:
    """Every result folder (one holding ``summary.json``) at or below each of ``roots``: a sweep's
    ``DIR/runs/*/`` too. Matcher's temp entries (``.matcher-…``) are skipped. Sorted, each once."""
    found: dict[Path, None] = {}
    for root in roots:
        root = Path(root)
        hits = [root / "summary.json"] if (root / "summary.json").is_file() else []
        hits += sorted(p for p in root.rglob("summary.json")
                       if p.parent != root and not any(part.startswith(".matcher-") for part in p.parts))
        for f in hits:
            found.setdefault(f.parent, None)
    return list(found)


def read_summary(folder: Path) -> tuple[dict | None, str | None]:
    """A folder's summary.json as a dict, or None and why not."""
    try:
        data = json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        return None, f"summary.json cannot be read ({type(e).__name__})"
    return (data, None) if isinstance(data, dict) else (None, "summary.json is not a JSON object")


def read_record(folder: Path) -> dict | None:
    """The run record of a result folder; None for a folder written before run history."""
    data, _ = read_summary(folder)
    run = (data or {}).get("run")
    return run if isinstance(run, dict) else None


def check_inputs(run: Mapping) -> list[dict]:
    """Each recorded input with ``state``: ``same`` (the file still has the recorded SHA-256),
    ``changed`` (with the ``now`` hash) or ``missing``."""
    out = []
    for entry in run.get("inputs") or []:
        if not isinstance(entry, Mapping):
            continue
        e = dict(entry)
        path = Path(str(e.get("path", "")))
        if not path.is_file():
            e["state"] = MISSING
        else:
            try:
                now, size = sha256_file(path)
            except OSError:
                now, size = None, None
            e["state"] = SAME if now is not None and now == e.get("sha256") else CHANGED
            e["now"], e["now_bytes"] = now, size
        out.append(e)
    return out


def short(digest: str | None) -> str:
    return (digest or "")[:SHORT]


def history_row(folder: Path, check: bool = False) -> dict:
    """One result folder as a row of ``matcher history``: ``folder``, ``started``, ``user``, ``host``,
    ``scenario``, ``status``, ``min_coverage``, ``total_distance_km``, ``settings_digest`` (short),
    the versions, ``inputs`` (the record's entries; with ``check``, each with its ``state``) and
    ``note`` (why a folder has no record). Reads summary.json only."""
    info, why = read_summary(folder)
    info = info or {}
    run = info.get("run") if isinstance(info.get("run"), dict) else None
    scenario = info.get("scenario") if isinstance(info.get("scenario"), dict) else {}
    row = {
        "folder": str(folder),
        "started": (run or {}).get("started") or info.get("created"),
        "user": (run or {}).get("user"),
        "host": (run or {}).get("host"),
        "scenario": scenario.get("name"),
        "mode": info.get("mode"),
        "status": info.get("status"),
        "min_coverage": info.get("min_coverage"),
        "total_distance_km": info.get("total_distance_km"),
        "settings_digest": short(settings_digest(info)) if info else None,
        "matcher_version": (run or {}).get("matcher_version") or info.get("matcher_version"),
        "ortools_version": (run or {}).get("ortools_version") or _ortools_from(str(info.get("solver") or "")),
        "command": " ".join((run or {}).get("command") or []) or None,
        "cwd": (run or {}).get("cwd") if (run or {}).get("command") else None,  # where its relative paths were
        "inputs": [],
        "note": why or (None if run is not None else "no run record"),
    }
    if run is not None:
        recorded = (run.get("settings") or {}).get("digest")
        version = (run.get("settings") or {}).get("digest_version", 1)  # a record made before version 2
        if recorded and recorded != settings_digest(info, run, version if isinstance(version, int) else 1):
            row["note"] = "settings in summary.json differ from the recorded digest (edited by hand?)"
        row["inputs"] = check_inputs(run) if check else [dict(e) for e in run.get("inputs") or []
                                                         if isinstance(e, Mapping)]
    return row
