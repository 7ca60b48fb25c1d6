"""Sweeps: one solve per combination of settings, each its own result folder (``matcher sweep``).

Library functions, no typer, no printing. A sweep's runs are the cartesian product of its
axes (a setting and its values; the first axis varies slowest), each :func:`matcher.jobs.run_solve`
on the scenario with the run's settings over its own and ``workers = 1`` (with the engine's
counted work budgets the plan is then the same in any process, on any machine). ``DIR`` holds
``sweep.json`` (the definition: scenario, inputs' SHA-256, base settings, axes, language; each
run's id and key), ``runs/<run-id>/`` (a result folder, or a diagnosis, plus ``sweep_run.json``,
the run's key and row, written last: it marks the run complete), ``runs.csv``/``runs.xlsx`` and
``tradeoff.png``/``.pdf`` (:mod:`matcher.render.sweep`). Runs execute in this process, a local
``spawn`` pool, or on a Dask cluster; :func:`run_one` is the task (plain data in, its own folder
written). A rerun skips the runs already complete for the same key; a folder holding another
sweep is refused unless ``force`` (then runs whose folder holds the same key are kept, the
others redone, and folders the new sweep does not name are left alone and not listed).
Ctrl-C (:mod:`matcher.sweep.pool`) marks no run that did not run to its end undisturbed: the
runs under way are dropped, ``runs.csv`` is rewritten from the complete runs, and
:class:`SweepInterrupted` says how many are done. Every combination is checked before any
solve, ``max_changes`` and a ``changes`` stage against the published plan (``from_plan``) too.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import __version__
from ..errors import InputError, ValidationIssue
from ..io.baseline import check_baseline_rules
from ..io.scenario import Scenario, model_problems
from ..model import Rules, SolveParams
from ..render.sweep import figures, shown
from .pool import SweepInterrupted, client_of, default_procs, hush, run_locally, run_on_dask

__all__ = ["DEFINITION", "MARKER", "Axis", "Run", "Sweep", "SweepInterrupted", "SweepOutcome", "check_definition",
           "complete_row", "default_procs", "plan_sweep", "run_one", "run_sweep", "scenario_for", "shown", "task_of"]

FORMAT = 1
MARKER = "sweep_run.json"
DEFINITION = "sweep.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]")  # anything else (Windows' <>:"/\|?*, spaces) -> '-'


@dataclass(frozen=True)
class Axis:
    """One swept setting: ``key`` as typed (``max_distance_km``, ``tolerances.balance``),
    ``setting`` its model field (``rules.max_distance_km``), and its values in order."""

    key: str
    setting: str
    values: tuple


@dataclass(frozen=True)
class Run:
    """One run: its number (from 1), id (its folder's name), settings ``{key: value}`` and key."""

    number: int
    run_id: str
    settings: dict
    key: dict

    @property
    def folder(self) -> str:
        return f"runs/{self.run_id}"


# ---- the sweep -----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _plain(value):
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _split(sc: Scenario, settings: dict) -> tuple[dict, dict, dict]:
    """``{setting: value}`` as Rules and SolveParams fields over ``sc``'s, and their origins."""
    rules: dict = {}
    params: dict = {}
    origins = {}
    for setting, value in settings.items():
        owner, name = setting.split(".", 1)
        if name.startswith("tolerances."):
            rules["tolerances"] = {**sc.rules.tolerances, **rules.get("tolerances", {}), name.split(".")[1]: value}
        else:
            (rules if owner == "rules" else params)[name] = value
        origins[f"{owner}.{name.split('.')[0]}"] = f"--set {name}"
    return rules, params, origins


def scenario_for(sc: Scenario, settings: dict) -> Scenario:
    """``sc`` with ``{setting: value}`` (``rules.max_distance_km``, ``rules.tolerances.balance``)
    over its own, each recorded as given by ``--set <key>``."""
    rules, params, origins = _split(sc, settings)
    return replace(sc, rules=replace(sc.rules, **rules), params=replace(sc.params, **params),
                   origins={**sc.origins, **origins})


@dataclass(frozen=True)
class Sweep:
    """A scenario (workers = 1), its axes and the language of the result files."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    lang: str = "vi"

    @functools.cached_property
    def base(self) -> dict:
        """What every run shares: the scenario, its inputs' SHA-256, the base settings, the language."""
        sc = self.scenario
        return {"scenario": {"file": _plain(sc.path), "units": _plain(sc.units), "pairs": _plain(sc.pairs),
                             "travel": _plain(sc.travel), "units_sheet": sc.units_sheet, "pairs_sheet": sc.pairs_sheet,
                             **({"from_plan": _plain(sc.from_plan)} if sc.from_plan is not None else {})},
                "inputs_sha256": {str(p): _sha256(p) for p in sc.inputs if Path(p).is_file()},
                "rules": _plain(vars(sc.rules)), "params": _plain(vars(sc.params)), "lang": self.lang}

    @functools.cached_property
    def runs(self) -> list[Run]:
        """Every run, in order: the cartesian product of the axes, the first varying slowest."""
        width = max(2, len(str(math.prod(len(a.values) for a in self.axes))))
        base = hashlib.sha256(json.dumps(self.base, sort_keys=True).encode()).hexdigest()[:16]
        out = []
        for number, combo in enumerate(itertools.product(*(a.values for a in self.axes)), 1):
            settings = {a.key: v for a, v in zip(self.axes, combo, strict=True)}
            label = "_".join(f"{k}={_UNSAFE.sub('-', shown(v))}" for k, v in settings.items())
            key = {"base": base, "settings": _plain(settings)}
            out.append(Run(number, f"{number:0{width}d}_{label}", settings, key))
        return out

    def describe(self) -> dict:
        """The definition ``sweep.json`` records (compared on a rerun)."""
        return {"format": FORMAT, **self.base,
                "axes": [{"key": a.key, "setting": a.setting, "values": _plain(a.values)} for a in self.axes]}

    def settings_of(self, run: Run) -> dict:
        by_key = {a.key: a.setting for a in self.axes}
        return {by_key[k]: v for k, v in run.settings.items()}


def plan_sweep(sc: Scenario, axes: Sequence[Axis], lang: str = "vi") -> Sweep:
    """The sweep of ``sc`` over ``axes``; every combination checked by the model's own validators
    against the scenario's settings (``remote_min_partners=3`` under the file's ``remote_max =
    2``) before any solve: :class:`InputError` naming the ``--set`` setting and the run."""
    if sc.params.workers != 1:
        sc = replace(sc, params=replace(sc.params, workers=1),
                     origins={**sc.origins, "params.workers": "matcher sweep (one worker per solve: reproducible)"})
    sweep = Sweep(sc, tuple(axes), lang)
    issues, seen = [], set()
    for run in sweep.runs:
        rules, params, _ = _split(sc, sweep.settings_of(run))
        found = model_problems(Rules, {**vars(sc.rules), **rules})
        found += model_problems(SolveParams, {**vars(sc.params), **params})
        combo = ", ".join(f"{k}={shown(v)}" for k, v in run.settings.items())
        for name, value, message in found:
            if (name, str(value), message) not in seen:
                seen.add((name, str(value), message))
                issues.append(ValidationIssue("--set", None, None, combo,
                                              f"run {run.run_id}: {name} = {shown(value)} {message}"))
        merged = {**vars(sc.rules), **rules}  # 'changes' and max_changes need a published plan
        for i in check_baseline_rules(tuple(merged["objectives"] or ()), sc.from_plan is not None,
                                      merged["max_changes"], "--set"):
            if (i.column, i.value, i.message) not in seen:
                seen.add((i.column, i.value, i.message))
                issues.append(replace(i, message=f"{i.message} (run {run.run_id})"))
    if issues:
        raise InputError(issues)
    return sweep


# ---- one run (the task a worker process or a Dask worker runs) --------------------------------


def task_of(sweep: Sweep, run: Run, out: Path) -> dict:
    """The plain data :func:`run_one` needs (picklable: a scenario of paths and numbers)."""
    return {"scenario": sweep.scenario, "settings": sweep.settings_of(run), "folder": str(Path(out) / run.folder),
            "lang": sweep.lang, "key": run.key, "run_id": run.run_id, "number": run.number, "row": dict(run.settings)}


def run_one(task: dict) -> dict:
    """Solve one run into its folder (cleared first) and write its marker; returns its table row.

    A run whose rules cannot all hold writes its diagnosis and is a row with status
    ``infeasible``; a run that raises is a row with status ``error`` (and no marker: redone
    next time)."""
    from ..io.cells import json_text
    from ..io.files import publish_file
    from ..jobs import run_solve

    start = time.perf_counter()
    folder = Path(task["folder"])
    if folder.is_dir() and folder.name == task["run_id"] and folder.parent.name == "runs":
        shutil.rmtree(folder)  # an incomplete or stale run: its old files must not stay beside the new ones
    try:
        sc = scenario_for(task["scenario"], task["settings"])
        outcome = run_solve(sc, folder, task["lang"])
    except Exception as e:  # one failed run is a row; the sweep goes on
        return _failed(task, e)
    row = {"run_id": task["run_id"], **task["row"], **figures(outcome.problem, outcome.result),
           "changes": _changes(folder),
           "solve_seconds": round(outcome.result.seconds, 3), "folder": f"runs/{folder.name}",
           "run_seconds": round(time.perf_counter() - start, 3)}
    marker = {"format": FORMAT, "run_id": task["run_id"], "key": task["key"], "row": row,
              "files": sorted(p.name for p in outcome.written), "matcher_version": __version__}
    publish_file(folder / MARKER, lambda p: p.write_text(json_text(marker), encoding="utf-8"), sc.inputs)
    return row


def _changes(folder: Path) -> int | None:
    """The plan's changes against the published plan (summary.json ``baseline.changes``), if it had one."""
    try:
        baseline = json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("baseline")
    except (OSError, ValueError, AttributeError):
        return None
    return baseline.get("changes") if isinstance(baseline, dict) else None


def complete_row(folder: Path, key: dict) -> dict | None:
    """The row of a run folder holding a complete result for ``key``, else None."""
    try:
        marker = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("key") != key or not isinstance(marker.get("row"), dict):
        return None
    status = marker["row"].get("status")
    needed = {"optimal": "summary.json", "feasible": "summary.json", "infeasible": "diagnosis.json"}.get(status)
    if needed and not (Path(folder) / needed).is_file():
        return None
    return marker["row"]


# ---- the whole sweep ---------------------------------------------------------------------


@dataclass(frozen=True)
class SweepOutcome:
    """What :func:`run_sweep` did: every finished run's row (run order), the runs skipped as
    already done, those that failed, the files written, and folders of an earlier sweep left alone."""

    rows: list[dict]
    skipped: list[str]
    failed: list[str]
    written: list[Path]
    stale: list[Path] = field(default_factory=list)
    plot: bool = False


def check_definition(sweep: Sweep, out: Path, force: bool = False) -> None:
    """Refuse (exit 2) a folder holding another sweep, unless ``force``."""
    path = Path(out) / DEFINITION
    if force or not path.is_file():
        return
    try:
        old = json.loads(path.read_text(encoding="utf-8")).get("definition", {})
    except (OSError, ValueError, AttributeError):
        old = {}
    new = json.loads(json.dumps(sweep.describe()))
    if old != new:
        parts = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        raise InputError([ValidationIssue("--out", None, None, str(out), (
            f"holds another sweep (differs in: {', '.join(parts) or 'its format'}); give another --out, or --force to "
            "redo the runs whose settings differ (runs with the same settings are kept)"))])


def run_sweep(sweep: Sweep, out: Path, procs: int | None = None, scheduler: str | None = None, force: bool = False,
              on_start: Callable[[int, int], None] | None = None,
              on_run: Callable[[dict], None] | None = None) -> SweepOutcome:
    """Run every run of ``sweep`` not already complete in ``out``; publish the tables and the plot.

    ``procs``: local worker processes (default: the CPUs this process may use, at most the runs
    to do; 1 runs in this process); ``scheduler``: a Dask scheduler address (``tcp://host:8786``),
    whose workers must see ``out`` and the inputs at the same paths. ``on_start(total, skipped)``
    and ``on_run(row)`` report progress."""
    from ..jobs import check_out_dir

    out = Path(out)
    check_out_dir(out)
    check_definition(sweep, out, force)
    client = client_of(scheduler) if scheduler else None  # an unreachable scheduler stops here, nothing written
    try:
        return _run(sweep, out, procs, client, on_start, on_run)
    finally:
        if client is not None:
            client.close()


def _run(sweep: Sweep, out: Path, procs, client, on_start, on_run) -> SweepOutcome:
    from ..render.sweep import write_plot, write_tables

    runs = sweep.runs
    inputs = sweep.scenario.inputs
    written = [_write_definition(sweep, out, runs, inputs)]
    rows = {r.run_id: row for r in runs if (row := complete_row(out / r.folder, r.key)) is not None}
    skipped = list(rows)
    todo = [r for r in runs if r.run_id not in rows]
    if on_start:
        on_start(len(runs), len(skipped))
    stale = sorted(p for p in (out / "runs").glob("[!.]*") if p.is_dir() and p.name not in {r.run_id for r in runs})
    failed: list[str] = []

    def done(row: dict) -> None:
        rows[row["run_id"]] = row
        if row.get("status") == "error":
            failed.append(row["run_id"])
        write_tables(out, sweep, _ordered(runs, rows), inputs)
        if on_run:
            on_run(row)

    write_tables(out, sweep, _ordered(runs, rows), inputs)
    tasks = [task_of(sweep, r, out) for r in todo]
    previous = signal.getsignal(signal.SIGINT)
    try:
        if client is not None:
            run_on_dask(tasks, client, done, run_one, _failed)
        else:
            run_locally(tasks, procs, done, run_one, _failed)
    except KeyboardInterrupt as e:  # the table lists the complete runs alone, then the caller says so
        hush()
        try:
            write_tables(out, sweep, _ordered(runs, rows), inputs)
        finally:
            if previous is not None and threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, previous)
        raise SweepInterrupted(len(rows), len(runs), getattr(e, "after", None)) from None
    ordered = _ordered(runs, rows)
    written += write_tables(out, sweep, ordered, inputs)
    plotted = write_plot(out, sweep, ordered, inputs)
    return SweepOutcome(ordered, skipped, failed, written + plotted, stale, bool(plotted))


def _ordered(runs: list[Run], rows: dict[str, dict]) -> list[dict]:
    return [rows[r.run_id] for r in runs if r.run_id in rows]


def _write_definition(sweep: Sweep, out: Path, runs: list[Run], inputs) -> Path:
    from ..io.cells import json_text
    from ..io.files import publish_file

    path = out / DEFINITION
    data = {"definition": sweep.describe(), "runs": [{"run_id": r.run_id, "folder": r.folder, "settings":
                                                      _plain(r.settings), "key": r.key} for r in runs],
            "matcher_version": __version__}
    text = json_text(data)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return path
    return publish_file(path, lambda p: p.write_text(text, encoding="utf-8"), inputs)


def _failed(task: dict, e: BaseException) -> dict:
    return {"run_id": task["run_id"], **task["row"], "status": "error", "error": f"{type(e).__name__}: {e}",
            "folder": f"runs/{task['run_id']}"}
