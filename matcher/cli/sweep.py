"""``matcher sweep``: one solve per combination of ``--set`` values, a table of runs and a trade-off plot.

The ``--set`` names are the settings that have an option (:data:`matcher.cli.options.SETTINGS`,
``rules.*`` and ``params.*``), except ``workers``: every solve of a sweep keeps one CP-SAT
worker, so its plan is the same in any process. Each value is checked by the model's own
validators before any table is read, every combination against the scenario before any solve.
The flow is :func:`matcher.sweep.run_sweep`; this module parses, shows the progress bar (tqdm,
on stderr) and maps the outcome to an exit code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InputError, ValidationIssue
from ..model import STAGES, Rules, SolveParams
from . import EXIT_INTERNAL, EXIT_OK, err, show_warnings
from .options import _NEUTRAL, SETTINGS, Lang, Quiet, Settings, Target, Verbose, check_lang, flag, with_settings

EXIT_INTERRUPTED = 130  # as a shell reports a command Ctrl-C stopped (128 + SIGINT)


SetItems = Annotated[Optional[list[str]], typer.Option(
    "--set", help="NAME=V1,V2,... (repeatable): one solve per combination, e.g. max_distance_km=60,80,100. "
                  "'none' lifts a cap; objectives' stages joined by '+' (balance+distance).")]
OutSweep = Annotated[Path, typer.Option("--out", help="Folder of the sweep: runs/, runs.csv, runs.xlsx, tradeoff.png.")]
Procs = Annotated[Optional[int], typer.Option(
    "--workers-procs", help="Local worker processes (default: the CPUs this process may use; 1 = in this process).")]
Scheduler = Annotated[Optional[str], typer.Option(
    "--scheduler", help="Run the solves on this Dask distributed scheduler (e.g. tcp://10.0.0.5:8786); its workers "
                        "must see the inputs and --out at the same paths (needs the dask extra).")]
Force = Annotated[bool, typer.Option(
    "--force", help="Reuse a --out holding another sweep: runs with the same settings are kept, the rest redone.")]


@contextlib.contextmanager
def sigint_held():
    """SIGINT blocked in this thread meanwhile: a thread started now inherits the mask, so a solver's
    own Ctrl-C handler can only ever run in the main thread, where a sweep holds it off during a run."""
    mask = hasattr(signal, "pthread_sigmask")
    if mask:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if mask:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def sweep_keys() -> list[str]:
    """The settings ``--set`` accepts: those with an option, but ``workers``."""
    return [k for k in SETTINGS if k.split(".")[0] in ("rules", "params") and k != "params.workers"]


def _kinds(keys: Iterable[str]) -> dict[str, tuple[str, str, bool]]:
    """``{--set name: (setting, kind, nullable)}``; the kind from the model field's annotation."""
    types = {f"{owner}.{f.name}": str(f.type) for owner, cls in (("rules", Rules), ("params", SolveParams))
             for f in dataclasses.fields(cls)}
    out = {}
    for setting in keys:
        ann, name = types[setting], setting.split(".", 1)[1]
        if ann.startswith("Mapping"):  # tolerances: one name per stage
            out.update({f"{name}.{s}": (f"{setting}.{s}", "float", False) for s in STAGES})
            continue
        out[name] = (setting, next(k for k in ("tuple", "float", "int", "str") if k in ann), "None" in ann)
    return out


def _value(text: str, kind: str, nullable: bool):
    text = text.strip()
    if nullable and text.lower() == "none":
        return None
    if kind == "tuple":
        return tuple(s.strip() for s in text.split("+") if s.strip())
    if kind == "str":
        return text
    number = float(text)  # ValueError for the caller
    if kind == "int":
        if not number.is_integer():
            raise ValueError(text)
        return int(number)
    return number


def _alone(setting: str, value) -> list[tuple[str, object, str]]:
    """The model's own validator on one value (the other settings at their defaults or widest)."""
    from ..io.scenario import model_problems

    owner, name = setting.split(".", 1)
    if owner == "params":
        return model_problems(SolveParams, {name: value})
    if name.startswith("tolerances."):
        return model_problems(Rules, {"tolerances": {name.split(".", 1)[1]: value}})
    return model_problems(Rules, {**_NEUTRAL, name: value})


def parse_sets(items: Sequence[str], keys: Iterable[str] | None = None):
    """``["max_distance_km=60,80", "remote_max_partners=2,3"]`` -> the axes (:class:`matcher.sweep.Axis`).

    Every problem at once (:class:`InputError`), each naming the ``--set`` item: a malformed
    item, an unknown name (with the valid ones), a name given twice, a value that is not a
    number, one the model refuses (``must be a finite number >= 0``), a value listed twice."""
    from ..sweep import Axis, shown

    kinds = _kinds(sweep_keys() if keys is None else keys)
    valid = ", ".join(kinds)
    issues: list[ValidationIssue] = []
    axes: list = []

    def bad(name, value, message):
        issues.append(ValidationIssue("--set", None, name, value, message, column_label="setting"))

    if not items:
        issues.append(ValidationIssue("--set", None, None, None,
                                      f"give at least one NAME=V1,V2,...; valid keys: {valid}"))
    for item in items or ():
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            issues.append(ValidationIssue("--set", None, None, item, f"expected NAME=V1,V2,...; valid keys: {valid}"))
            continue
        if name == "workers":
            issues.append(ValidationIssue("--set", None, None, item, "a sweep keeps one CP-SAT worker per solve (its "
                                          "plans are then reproducible); use --workers-procs for parallel runs"))
            continue
        if name not in kinds:
            issues.append(ValidationIssue("--set", None, None, item, f"unknown setting '{name}'; valid keys: {valid}"))
            continue
        if any(a.key == name for a in axes) or any(i.column == name for i in issues):
            bad(name, item, "is given twice; give all its values in one --set")
            continue
        setting, kind, nullable = kinds[name]
        values, ok = [], bool(text.strip())
        if not ok:
            bad(name, item, "give at least one value")
        for part in text.split(",") if text.strip() else ():
            try:
                v = _value(part, kind, nullable)
            except ValueError:
                ok = False
                bad(name, part.strip(), "expected a whole number" if kind == "int" else
                    "expected a number" + (" or none" if nullable else ""))
                continue
            for _, value, message in _alone(setting, v):
                ok = False
                bad(name, value if isinstance(value, str) else shown(value), message)
            if v in values:
                ok = False
                bad(name, part.strip(), "is listed twice")
            values.append(v)
        if ok:
            axes.append(Axis(name, setting, tuple(values)))
    if issues:
        raise InputError(issues)
    return tuple(axes)


def _given_twice(axes, settings: Settings) -> list[ValidationIssue]:
    """A setting swept by ``--set`` and given by its own option as well."""
    given = {k for k, v in settings.values.items() if v is not None}
    out = []
    for a in axes:
        own = a.setting if not a.setting.startswith("rules.tolerances.") else "rules.tolerances"
        if own in given:
            out.append(ValidationIssue("--set", None, a.key, None, f"is also given as {flag(own)}; "
                                       "give it in one place", column_label="setting"))
    return out


def _line(row: dict) -> str:
    from ..sweep import shown

    status = row.get("status")
    if row.get("min_coverage") is not None:
        return (f"{row['run_id']}: {status}, smallest coverage {row['min_coverage']:.3f}, total "
                f"{row['total_distance_km']:.1f} km, {row['n_pairs']} pairs, {row['solve_seconds']:.1f} s")
    extra = f" ({row['error']})" if row.get("error") else ""
    return f"{row['run_id']}: {shown(status)}{extra}"


@with_settings("tables", "rules", "stages", "baseline", "params.time_limit_s", "params.seed")
def sweep(
    target: Target = None,
    set_: SetItems = None,
    out: OutSweep = ...,
    workers_procs: Procs = None,
    scheduler: Scheduler = None,
    force: Force = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
    lang: Lang = "vi",
    *,
    settings: Settings,
) -> int:
    """Solve the scenario once per combination of the --set values (their cartesian product, in
    the order given), each run in its own result folder under --out/runs/, in parallel worker
    processes (or on a Dask cluster with --scheduler). Writes runs.csv and runs.xlsx (one row
    per run: settings, status, smallest coverage, shortfall, km, pairs, seconds, folder) and
    tradeoff.png/.pdf. Ctrl-C stops the sweep (exit 130): the runs under way are dropped, runs.csv
    lists the finished ones; rerun the same command to finish it (finished runs are kept).
    Other options set the scenario for every run (--time-limit, --max-minutes, --from-plan, ...)."""
    with sigint_held():  # the threads these imports start (numpy's, OR-Tools') never take a Ctrl-C
        from ..io.history import current_command
        from ..jobs import check_out_dir, check_scenario
        from ..sweep import SweepInterrupted, check_definition, plan_sweep, run_sweep
        from .plan import show_settings

    check_lang(lang)
    settings.check()
    axes = parse_sets(set_ or [])
    issues = _given_twice(axes, settings)
    if workers_procs is not None and workers_procs < 1:
        issues.append(ValidationIssue("--workers-procs", None, None, str(workers_procs), "must be a whole number >= 1"))
    if scheduler is not None and workers_procs is not None:
        issues.append(ValidationIssue("--workers-procs", None, None, str(workers_procs),
                                      "runs on this machine; with --scheduler the cluster's workers run the solves"))
    if scheduler is not None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            issues.append(ValidationIssue("--scheduler", None, None, scheduler,
                                          "needs Dask distributed: pip install 'matcher[dask]'"))
    if issues:
        raise InputError(issues)
    check_out_dir(out)
    sc = settings.scenario(target)
    plan = plan_sweep(sc, axes, lang)
    check_definition(plan, out, force)
    check_scenario(sc, warn=show_warnings(verbose))  # every table read once: bad input stops here (exit 2)
    if not quiet:
        show_settings(sc)
    from tqdm import tqdm

    bar = None

    def start(total: int, skipped: int) -> None:
        nonlocal bar
        if skipped and not quiet:
            err(f"{skipped} of {total} runs already done in {out}; running the other {total - skipped}")
        bar = tqdm(total=total, initial=skipped, file=sys.stderr, disable=quiet, unit="run", desc="sweep",
                   dynamic_ncols=True)

    def finished(row: dict) -> None:
        if bar is not None:
            if not quiet:
                bar.write(_line(row), file=sys.stderr)
            bar.update(1)

    tqdm.monitor_interval = 0  # no monitor thread: Ctrl-C must reach only the main thread (held off during a run)
    try:
        outcome = run_sweep(plan, out, procs=workers_procs, scheduler=scheduler, force=force, on_start=start,
                            on_run=finished)
    except SweepInterrupted as e:
        if current_command() is not None:  # this process is the command: a second Ctrl-C while exiting, no traceback
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        if bar is not None:
            bar.close()
        if e.after is not None:
            err(f"stopping after run {e.after} (Ctrl-C)")
        err(str(e))
        return EXIT_INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
    counts: dict[str, int] = {}
    for row in outcome.rows:
        counts[row.get("status")] = counts.get(row.get("status"), 0) + 1
    typer.echo(f"{len(plan.runs)} runs: " + ", ".join(f"{n} {s}" for s, n in counts.items())
               + (f" ({len(outcome.skipped)} already done, kept)" if outcome.skipped else ""))
    cut = [r["run_id"] for r in outcome.rows if r.get("stopped_by_wall_clock")]
    if cut:
        err(f"warning: the --time-limit deadline stopped {len(cut)} run(s) before their counted work was done "
            f"(a busy machine: too many --workers-procs?); their plans may differ from an idle run's: {', '.join(cut)}")
    if not outcome.plot:
        err("no run has a plan: no trade-off plot was drawn")
    for p in outcome.stale:
        err(f"note: {p} belongs to an earlier sweep in this folder; it is not in runs.csv")
    for p in outcome.written:
        typer.echo(f"wrote {p}")
    if outcome.failed:
        err(f"{len(outcome.failed)} run(s) failed: {', '.join(outcome.failed)}; rerun the same command to redo them")
        return EXIT_INTERNAL
    return EXIT_OK
