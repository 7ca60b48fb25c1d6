"""``matcher history DIR...``: which inputs and rules produced each result folder (issue 10).

One row per result folder (a folder holding ``summary.json``; a sweep's ``DIR/runs/*/`` and any
folder below a DIR are found too): when and by whom it ran, the scenario, status, smallest
coverage, total km, the settings digest and each input's SHA-256 (short), from the run record
:mod:`matcher.io.history` wrote into summary.json. ``--check`` hashes the inputs again and
marks those changed or gone since the run (exit 0 either way); ``--out`` writes the table as
``.xlsx`` (headers in the language) or ``.csv`` (with its ``.csvt``; machine column names, as
runs.csv). A DIR without results is a row "no result here" (exit 2 only when no DIR has one); a
sweep's run folder its sweep.json does not name (an earlier sweep's, after ``--force``) is
marked stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import EXIT_OK
from .options import Lang, check_lang

Dirs = Annotated[list[Path], typer.Argument(help="Result folders, or folders holding result folders (a sweep).")]
Check = Annotated[bool, typer.Option("--check", help="Hash the inputs again; mark those changed or gone since.")]
OutTable = Annotated[Optional[Path], typer.Option("--out", help="Also write the table to this .xlsx or .csv.")]
MAIN = ("folder", "started", "user", "scenario", "status", "min_coverage", "total_distance_km", "settings_digest")
FILE_ONLY = ("host", "mode", "matcher_version", "ortools_version", "command", "cwd")


def record_command(ctx, debug: bool = False) -> None:
    """Remember this process's command line (``sys.argv``) for the run records, when it is the one
    that invoked this command (``ctx``: the app's context; not, say, a test runner calling the app
    in-process: then none)."""
    import sys

    from .sweep import sigint_held

    with sigint_held():  # numpy's threads, started by this first import, never take a Ctrl-C (matcher sweep)
        from ..io.history import set_command

    sub = getattr(ctx, "invoked_subcommand", None)
    argv = [str(a) for a in sys.argv]
    if not sub or sub not in argv[1:]:
        set_command(None)
        return
    name = Path(argv[0]).name
    head = {"__main__.py": ["python", "-m", "matcher"], "matcher": ["matcher"]}.get(name, [argv[0]])
    set_command([*head, *argv[1:]])


def _role(role: str, lang: str) -> str:
    from ..i18n import STRINGS, t

    head, _, n = role.partition(" ")
    if head == "extends" and n:
        return t("hist_role_extends", lang, n=n)
    key = "hist_role_" + role.replace(" ", "_").replace("-", "_")
    return t(key, lang) if key in STRINGS else role


def _cell(entry: dict, lang: str) -> str:
    from ..i18n import t
    from ..io.history import CHANGED, MISSING, short

    text = short(entry.get("sha256")) or "-"
    state = entry.get("state")
    return f"{text} ({t(f'hist_state_{state}', lang)})" if state in (CHANGED, MISSING) else text


NO_RESULT, STALE = "no result here", "stale (earlier sweep)"


def _note(row: dict, lang: str, check: bool) -> str:
    from ..i18n import t
    from ..io.history import SAME

    words = {"no run record": "hist_no_record", NO_RESULT: "hist_no_result", STALE: "hist_stale"}
    if row["note"] in words:
        return t(words[row["note"]], lang)
    if row["note"]:
        return str(row["note"])
    if not check:
        return ""
    bad = [e for e in row["inputs"] if e.get("state") != SAME]
    if not bad:
        return t("hist_all_same", lang)
    return t("hist_some_changed", lang, n=len(bad), files=", ".join(
        f"{Path(str(e.get('path'))).name} ({t('hist_state_' + str(e.get('state')), lang)})" for e in bad))


def _status(status, lang: str):
    from ..i18n import STRINGS, t

    key = f"status_{status}"
    return t(key, lang) if lang != "en" and isinstance(status, str) and key in STRINGS else status


def history_table(rows: list[dict], lang: str, check: bool, machine: bool = False):
    """The rows as a DataFrame with headers in ``lang`` (``machine``: the machine names, as runs.csv and
    changes.csv: ``folder``, ``sha256_<role>``, ...): the main columns, one column per input role
    (short SHA-256, marked when changed or missing), the versions, the command and a note."""
    import pandas as pd

    from ..i18n import t

    def head(k: str) -> str:
        return k if machine else t(f"hist_col_{k}", lang)

    roles = list(dict.fromkeys(e["role"] for r in rows for e in r["inputs"]))
    out = []
    for r in rows:
        rec = {head(k): (_status(r[k], lang) if k == "status" else r[k]) for k in MAIN}
        by_role = {e["role"]: e for e in r["inputs"]}
        for role in roles:
            name = f"sha256_{role.replace(' ', '_')}" if machine else t("hist_col_input", lang, role=_role(role, lang))
            rec[name] = _cell(by_role[role], lang) if role in by_role else ""
        rec.update({head(k): r[k] for k in FILE_ONLY})
        rec[head("note")] = _note(r, lang, check)
        out.append(rec)
    frame = pd.DataFrame(out, dtype=object)
    frame = frame.where(frame.notna(), "")
    for k in ("min_coverage", "total_distance_km"):  # numbers stay numbers in the .xlsx and .csv
        frame[head(k)] = pd.to_numeric(frame[head(k)], errors="coerce")
    return frame


def _empty_row(folder: Path, note: str) -> dict:
    return {**dict.fromkeys((*MAIN, *FILE_ONLY)), "folder": str(folder), "inputs": [], "note": note}


def _mark_stale(rows: list[dict]) -> None:
    """A sweep's run folder the enclosing sweep.json does not name (left by an earlier sweep, --force)."""
    import json

    named: dict[Path, set | None] = {}
    for r in rows:
        folder = Path(r["folder"])
        sweep = folder.parent.parent
        if folder.parent.name != "runs" or not (sweep / "sweep.json").is_file():
            continue
        if sweep not in named:
            try:
                runs = json.loads((sweep / "sweep.json").read_text(encoding="utf-8")).get("runs")
                named[sweep] = {str(x.get("run_id")) for x in runs if isinstance(x, dict)} \
                    if isinstance(runs, list) else None
            except (OSError, ValueError, AttributeError):
                named[sweep] = None
        if named[sweep] is not None and folder.name not in named[sweep]:
            r["note"] = STALE


def _text(value) -> str:
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return "" if value is None else str(value)


def _print(frame, skip: set[str]) -> None:
    cols = [c for c in frame.columns if c not in skip]
    cells = [[_text(v) for v in frame[c]] for c in cols]
    widths = [max([len(c), *map(len, col)]) for c, col in zip(cols, cells, strict=True)]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip())
    for i in range(len(frame)):
        typer.echo("  ".join(col[i].ljust(w) for col, w in zip(cells, widths, strict=True)).rstrip())


def _write(out: Path, frame, machine_frame, protect: list[Path], lang: str) -> list[Path]:
    from ..i18n import t
    from ..io.cells import csv_frame, csvt_text, write_csv, write_xlsx
    from ..io.files import publish_file

    if out.suffix.lower() == ".xlsx":
        return [publish_file(out, lambda p: write_xlsx(p, {t("hist_sheet", lang): frame}), protect)]
    frame = machine_frame  # a .csv has the machine names, as runs.csv and changes.csv

    def csv(p: Path) -> None:
        write_csv(p, frame)
        p.with_suffix(".csvt").unlink(missing_ok=True)  # published beside it under its own name

    sidecar = out.with_suffix(".csvt")
    return [publish_file(out, csv, protect),
            publish_file(sidecar, lambda p: p.write_text(csvt_text(csv_frame(frame)), encoding="utf-8"), protect)]


def history(dirs: Dirs, check: Check = False, lang: Lang = "vi", out: OutTable = None) -> int:
    """List the runs in result folders (and below them: a sweep's runs): time, user, scenario, status,
    smallest coverage, total km, settings digest and each input's SHA-256; --check marks inputs that
    changed or are gone since the run and says what reproducing it needs."""
    from ..errors import InputError, ValidationIssue
    from ..i18n import t
    from ..io.history import SAME, history_row, result_dirs
    from ..jobs import PLAN_FILES, check_out_file

    check_lang(lang)
    if out is not None:
        check_out_file(out, (".xlsx", ".csv"))
    bad = [d for d in dirs if not d.is_dir() or not result_dirs([d])]
    if len(bad) == len(dirs):  # nothing to list
        raise InputError([ValidationIssue(str(d), None, None, None, "folder not found" if not d.exists() else
                                          "not a folder" if not d.is_dir() else
                                          "holds no result folder (no summary.json in it or below it)") for d in bad])
    folders = result_dirs([d for d in dirs if d not in bad])
    rows = [history_row(f, check) for f in folders]
    _mark_stale(rows)
    rows += [_empty_row(d, NO_RESULT) for d in bad]  # listed as such: the others are still shown
    frame = history_table(rows, lang, check)
    _print(frame, {t(f"hist_col_{k}", lang) for k in FILE_ONLY})
    if check:
        changed = [r for r in rows if any(e.get("state") != SAME for e in r["inputs"])]
        for r in changed:
            typer.echo(f"{r['folder']}: {_note(r, lang, True)}")
        typer.echo(t("hist_reproduce", lang))
    if out is not None:
        protect = [f / n for f in folders for n in PLAN_FILES]
        for p in _write(out, frame, history_table(rows, lang, check, machine=True), protect, lang):
            typer.echo(f"wrote {p}")
    return EXIT_OK
