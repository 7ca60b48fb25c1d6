"""Where a sweep's runs execute: this process, a local ``spawn`` pool, or a Dask cluster; and Ctrl-C.

A run is marked complete (its ``sweep_run.json``) only when it ran to its end undisturbed:

- pool workers start with SIGINT blocked (the mask is inherited, by the threads numpy starts on
  import too) and ignore it (:func:`_quiet_worker`), so neither Python nor a solver's own
  handler (SCIP stops early on Ctrl-C and calls its plan feasible) sees the terminal's Ctrl-C;
  on KeyboardInterrupt the main process cancels the pending runs and kills the workers
  (:func:`_stop_pool`): a run in flight never writes its marker and is redone next time (the
  publisher leaves its files whole or absent);
- in this process (``procs = 1``) SIGINT is blocked in this thread around each run
  (:func:`undisturbed`); a Ctrl-C meanwhile is consumed after the run, which is marked, and the
  sweep stops there. (Threads started earlier, numpy's, keep SIGINT: a solver handler that
  catches it there is the engine's to switch off.)
- on Dask the futures are cancelled.

Each path ends in :class:`SweepInterrupted` (a KeyboardInterrupt), which the caller turns
into a true partial table and one line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable

HAS_MASK = hasattr(signal, "pthread_sigmask")  # POSIX; on Windows the solver may still see Ctrl-C


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep: ``done`` of ``total`` runs are complete (``after``: the run, by its
    number, after which an in-process sweep stopped; None when runs in flight were killed)."""

    def __init__(self, done: int = 0, total: int = 0, after: int | None = None):
        super().__init__(done, total, after)
        self.done, self.total, self.after = done, total, after

    def __str__(self) -> str:
        return f"interrupted: {self.done} of {self.total} runs done; rerun the same command to resume"


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def hush() -> None:
    """Ignore further Ctrl-C while a stopped sweep tidies up (no traceback from a second press)."""
    if _main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_procs(n_tasks: int) -> int:
    """The CPUs this process may use, at most ``n_tasks`` (at least 1)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, n_tasks))


def _quiet_worker() -> None:
    """A pool worker's initializer: SIGINT ignored, and blocked (a solver's own handler, installed
    during a solve, never runs: the signal stays pending and is dropped with SIG_IGN)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if HAS_MASK:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _held():
    """SIGINT blocked in this thread meanwhile (a process started now inherits the mask); a Ctrl-C
    meanwhile arrives when it ends."""
    if HAS_MASK:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if HAS_MASK:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def undisturbed(fn: Callable[[dict], dict], task: dict) -> tuple[dict, bool]:
    """``fn(task)`` with SIGINT held off (the solver never sees it) and whether Ctrl-C came meanwhile
    (then consumed: it stops the sweep after this run)."""
    pressed: list[int] = []
    main = _main_thread()
    old = signal.signal(signal.SIGINT, lambda *_: pressed.append(1)) if main else None
    if HAS_MASK:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        row = fn(task)
    finally:
        if HAS_MASK:
            if signal.SIGINT in signal.sigpending():
                signal.sigwait({signal.SIGINT})
                pressed.append(1)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        if main:
            signal.signal(signal.SIGINT, old if old is not None else signal.default_int_handler)
    return row, bool(pressed)


def _stop_pool(pool) -> None:
    """Cancel the pending runs and kill the workers (the runs in flight write no marker)."""
    hush()
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for p in workers:
        p.kill()
    for p in workers:
        p.join(10)
    pool.shutdown(wait=True, cancel_futures=True)


def run_locally(tasks: list[dict], procs: int | None, done: Callable[[dict], None],
                run_one: Callable[[dict], dict], failed: Callable[[dict, BaseException], dict]) -> None:
    """Run ``tasks`` here (``procs`` 1) or in a ``spawn`` pool; ``done(row)`` as each finishes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    procs = default_procs(len(tasks)) if procs is None else max(1, min(procs, len(tasks)))
    if procs <= 1:
        for task in tasks:
            row, stop = undisturbed(run_one, task)
            done(row)
            if stop:
                raise SweepInterrupted(after=task.get("number"))
        return
    pool = ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("spawn"), initializer=_quiet_worker)
    try:
        with _held():  # the workers start with SIGINT blocked: so do the threads numpy starts on import
            futures = {pool.submit(run_one, task): task for task in tasks}
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except Exception as e:  # a worker process died: that run is a failed row
                row = failed(futures[fut], e)
            done(row)
    except BaseException:  # interrupted: start nothing more, kill the runs under way
        _stop_pool(pool)
        raise
    pool.shutdown()


def client_of(address: str):
    """A Dask client of the scheduler at ``address``; :class:`InputError` when it cannot be reached."""
    from dask.distributed import Client

    from ..errors import InputError, ValidationIssue

    try:
        return Client(address, set_as_default=False, timeout="20s")
    except (OSError, TimeoutError, ValueError) as e:
        raise InputError([ValidationIssue("--scheduler", None, None, address,
                                          f"could not connect to a Dask scheduler ({type(e).__name__}: {e})")]) from e


def run_on_dask(tasks: list[dict], client, done: Callable[[dict], None], run_one: Callable[[dict], dict],
                failed: Callable[[dict, BaseException], dict]) -> None:
    """Submit every task to the cluster (one Dask task per run, run order) and take them as they finish."""
    from dask.distributed import as_completed

    stamp = f"{os.getpid()}-{time.time_ns()}"
    futures = {client.submit(run_one, task, key=f"matcher-sweep-{task['run_id']}-{stamp}", pure=False): task
               for task in tasks}
    by_key = {f.key: t for f, t in futures.items()}
    try:
        for fut in as_completed(list(futures), loop=client.loop):  # not the default client: this one
            try:
                row = fut.result()
            except Exception as e:  # the task failed on its worker: a failed row
                row = failed(by_key[fut.key], e)
            done(row)
    except KeyboardInterrupt:
        hush()
        client.cancel(list(futures))
        raise
