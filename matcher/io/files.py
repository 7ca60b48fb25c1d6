"""Writing output files: the one publisher of result folders and the one cell writer.

(Being reworked: see issue 7, items 3 and 4.)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import InputError, ValidationIssue


def _csvt(frame: pd.DataFrame) -> str:
    """GDAL/QGIS column types for a CSV (so codes stay text in QGIS)."""
    kinds = []
    for dtype in frame.dtypes:
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            kinds.append('"String"')
        elif pd.api.types.is_integer_dtype(dtype):
            kinds.append('"Integer"')
        else:
            kinds.append('"Real"')
    return ",".join(kinds) + "\n"


def _write_one(target: Path, content) -> list[str]:
    """Write one output; returns the names written (a CSV brings its .csvt)."""
    if target.suffix == ".csv":
        content.to_csv(target, index=False, encoding="utf-8-sig")
        target.with_suffix(".csvt").write_text(_csvt(content), encoding="utf-8")
        return [target.name, target.with_suffix(".csvt").name]
    if target.suffix == ".xlsx":
        with pd.ExcelWriter(target, engine="openpyxl") as xl:
            for sheet, frame in content.items():
                frame.to_excel(xl, sheet_name=sheet[:31], index=False)
        return [target.name]
    if isinstance(content, str):  # already-formatted text (markdown, JSON)
        target.write_text(content if content.endswith("\n") else content + "\n", encoding="utf-8")
    else:
        target.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [target.name]


def write_outputs(out_dir: Path, files: Mapping[str, object], inputs: list[Path], drop=()) -> list[Path]:
    """Write every file to a temporary folder first, then move them into ``out_dir``.

    ``.csv``: a DataFrame, as UTF-8 with a byte-order mark (Excel shows the diacritics), plus
    a ``.csvt`` sidecar giving QGIS the column types (codes as text). ``.xlsx``: a mapping of
    sheet name to DataFrame; text stays text, so codes keep their leading zeros. ``.json``:
    a dict (or text already formatted); ``.md``: text. Refuses to overwrite an input file.
    ``drop`` names files of an earlier run to remove from ``out_dir`` in the same step
    (e.g. a stale diagnosis when a plan is written).
    """
    out_dir = Path(out_dir)
    names = [n for name in files for n in ([name, str(Path(name).with_suffix(".csvt"))]
                                          if name.endswith(".csv") else [name])]
    targets = {name: (out_dir / name).resolve() for name in names}
    clash = [str(p) for p in targets.values() if p in {Path(i).resolve() for i in inputs}]
    if clash:
        raise InputError([ValidationIssue("--out", None, None, str(out_dir),
                                          f"would overwrite input file {c}") for c in clash])
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".matcher-", dir=out_dir))
    try:
        done = [n for name, content in files.items() for n in _write_one(tmp / name, content)]
        written = []
        for name in done:
            os.replace(tmp / name, targets[name])
            written.append(targets[name])
        for name in drop:
            if name not in files and (out_dir / name).exists():
                (out_dir / name).unlink()
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish_file(target: Path, write, protect=()) -> Path:
    """Write one output file (a map, a pack) through ``write(tmp_path)`` into a temporary file
    beside ``target``, then move it into place: never half-written. Refuses to overwrite a
    file in ``protect`` (the inputs)."""
    target = Path(target)
    if target.resolve() in {Path(p).resolve() for p in protect}:
        raise InputError([ValidationIssue("--out", None, None, str(target), "would overwrite an input file")])
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".matcher-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target
