"""Checks on output paths made before any work: a folder or file that can be written, and no
input file in the way (the publisher, :mod:`matcher.io.files`, checks again when writing)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, ValidationIssue


def _issue(where: str, value, message: str) -> InputError:
    return InputError([ValidationIssue(where, None, None, None if value is None else str(value), message)])


def check_out_dir(out: Path | None, option: str = "--out") -> None:
    """A result folder must be a folder, or creatable: no existing file at it or above it."""
    if out is None:
        return
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise _issue(option, out, "is a file; give a folder")
    _check_parents(out, option)


def check_out_file(out: Path, suffixes: Sequence[str], option: str = "--out") -> None:
    """A single output file: one of ``suffixes``, not a folder, and under no existing file."""
    out = Path(out)
    if out.suffix.lower() not in suffixes:
        raise _issue(option, out, f"use a file ending in {', '.join(suffixes)}")
    if out.is_dir():
        raise _issue(option, out, "is a folder; give a file name")
    _check_parents(out, option)


def refuse_inputs(out: Path, inputs: Sequence[Path], names: Sequence[str]) -> None:
    """Before any work: none of the files ``names`` written to ``out`` may replace an input
    (e.g. ``--from-plan DIR --out DIR``); the publisher refuses it too, but only after the solve."""
    mine = {(Path(out) / n).resolve() for n in names}
    clash = sorted(str(p) for p in map(lambda i: Path(i).resolve(), inputs) if p in mine)
    if clash:
        raise InputError([ValidationIssue("--out", None, None, str(out), f"would overwrite input file {c}")
                          for c in clash])


def _check_parents(out: Path, option: str) -> None:
    for parent in out.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise _issue(option, out, f"{parent} is a file, so nothing can be written under it")
            return
