"""The one publisher (write_outputs, publish_file) and the one cell writer (io/cells.py)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from matcher.errors import InputError
from matcher.io import cells, files
from matcher.io.files import clean_leftovers, publish_file, write_outputs

HOSTILE = '=HYPERLINK("http://x","y")'


def table(n: int = 2) -> pd.DataFrame:
    return pd.DataFrame({"code": [f"0123{i}" for i in range(n)], "value": list(range(n))})


def plan_files(tag: str = "a") -> dict:
    return {"pairs.csv": table(), "summary.json": {"tag": tag}, "plan.xlsx": {"pairs": table()}}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def temp_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".matcher-"))


def dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def umask_077():
    old = os.umask(0o077)
    yield
    os.umask(old)


# ---- the publisher: a folder ----------------------------------------------------------------


def test_first_run_creates_the_folder_with_every_file(tmp_path):
    """A new --out folder gets every file (a CSV with its .csvt) and nothing else beside it."""
    out = tmp_path / "deep" / "out"
    written = write_outputs(out, plan_files(), [])
    assert {p.name for p in written} == {"pairs.csv", "pairs.csvt", "summary.json", "plan.xlsx"}
    assert {p.name for p in out.iterdir()} == {"pairs.csv", "pairs.csvt", "summary.json", "plan.xlsx"}
    assert temp_entries(out.parent) == []


def test_modes_are_0644_and_0755_whatever_the_umask(tmp_path, umask_077):
    """Issue 7: outputs are 0644 and new folders 0755 even under umask 077 (colleagues can open them)."""
    out = tmp_path / "new" / "out"
    write_outputs(out, plan_files(), [])
    for folder in (out, out.parent):
        assert os.stat(folder).st_mode & 0o777 == 0o755
    for f in out.iterdir():
        assert os.stat(f).st_mode & 0o777 == 0o644, f.name
    target = tmp_path / "map.png"
    publish_file(target, lambda p: p.write_bytes(b"png"))
    assert os.stat(target).st_mode & 0o777 == 0o644


def test_rerun_replaces_its_files_and_carries_the_others_over(tmp_path):
    """A re-run rewrites its own files and keeps the folder's other files (a map, notes) unchanged."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    (out / "map.png").write_bytes(b"\x89PNG old map")
    (out / "notes").mkdir()
    (out / "notes" / "mine.txt").write_text("keep me", encoding="utf-8")
    write_outputs(out, plan_files("b"), [])
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == {"tag": "b"}
    assert (out / "map.png").read_bytes() == b"\x89PNG old map"
    assert (out / "notes" / "mine.txt").read_text(encoding="utf-8") == "keep me"
    assert temp_entries(tmp_path) == []


def test_a_diagnosis_only_run_keeps_the_previous_plan(tmp_path):
    """Issue 7: an infeasible run writing only the diagnosis leaves the previous plan beside it."""
    out = tmp_path / "out"
    write_outputs(out, plan_files(), [])
    plan = snapshot(out)
    write_outputs(out, {"diagnosis.json": {"conflict": []}, "diagnosis.md": "# infeasible"}, [])
    assert {k: v for k, v in snapshot(out).items() if k in plan} == plan
    assert (out / "diagnosis.md").read_text(encoding="utf-8") == "# infeasible\n"


def test_drop_removes_named_files_of_an_earlier_run(tmp_path):
    """drop removes the named old files (a dropped .csv takes its .csvt along); others stay."""
    out = tmp_path / "out"
    write_outputs(out, {"diagnosis.json": {}, "diagnosis.md": "x", "old.csv": table()}, [])
    (out / "map.png").write_bytes(b"map")
    write_outputs(out, plan_files(), [], drop=("diagnosis.json", "diagnosis.md", "old.csv", "absent.txt"))
    assert {p.name for p in out.iterdir()} == {"pairs.csv", "pairs.csvt", "summary.json", "plan.xlsx", "map.png"}


def test_refuses_to_overwrite_an_input(tmp_path):
    """An input file in --out is never overwritten, and nothing is written."""
    out = tmp_path / "out"
    out.mkdir()
    units = out / "pairs.csv"
    units.write_text("lowland_code,remote_code\n", encoding="utf-8")
    with pytest.raises(InputError, match="would overwrite input file"):
        write_outputs(out, plan_files(), [units])
    assert [p.name for p in out.iterdir()] == ["pairs.csv"]


def test_drop_never_removes_an_input(tmp_path):
    """A file named in drop that is an input stays."""
    out = tmp_path / "out"
    write_outputs(out, {"units.csv": table()}, [])
    write_outputs(out, {"summary.json": {}}, [out / "units.csv"], drop=("units.csv",))
    assert (out / "units.csv").exists()


def test_out_that_is_a_file_is_bad_input(tmp_path):
    """--out naming a file is an InputError, and the file is untouched."""
    out = tmp_path / "out"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file"):
        write_outputs(out, plan_files(), [])
    assert out.read_text(encoding="utf-8") == "x"


# ---- the publisher: failures leave the old folder whole ----------------------------------------


def test_a_failing_writer_leaves_the_old_folder_byte_identical(tmp_path, monkeypatch):
    """Issue 7: an exception while writing plan.xlsx leaves the previous folder whole, no temp left."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    (out / "map.png").write_bytes(b"map")
    before = snapshot(out)

    def broken(path, sheets):
        Path(path).write_bytes(b"half a workbook")
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(cells, "write_xlsx", broken)
    with pytest.raises(RuntimeError):
        write_outputs(out, plan_files("b"), [])
    assert snapshot(out) == before
    assert temp_entries(tmp_path) == []


def test_a_full_disk_is_reported_and_leaves_the_old_folder(tmp_path, monkeypatch):
    """A full disk (ENOSPC) is an InputError saying the previous result is unchanged."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    before = snapshot(out)

    def full(path, frame):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cells, "write_csv", full)
    with pytest.raises(InputError, match=r"No space left on device.*previous result is unchanged"):
        write_outputs(out, plan_files("b"), [])
    assert snapshot(out) == before
    assert temp_entries(tmp_path) == []


@pytest.mark.parametrize("failing", ["old-aside", "new-in"])
def test_a_failing_swap_leaves_the_old_folder_byte_identical(tmp_path, monkeypatch, failing):
    """Issue 7: a rename failing on the swap (a locked file) leaves the previous folder whole."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    before = snapshot(out)
    real_rename = os.rename

    def rename(src, dst):
        moving_old = Path(src) == out.resolve()
        if (failing == "old-aside" and moving_old) or (failing == "new-in" and ".matcher-tmp-" in str(src)):
            raise PermissionError(13, "The file is in use")
        real_rename(src, dst)

    monkeypatch.setattr(files.os, "rename", rename)
    with pytest.raises(InputError, match="previous result is unchanged"):
        write_outputs(out, plan_files("b"), [])
    monkeypatch.undo()
    assert snapshot(out) == before
    assert temp_entries(tmp_path) == []


def test_a_killed_run_leaves_the_old_folder_and_the_next_run_cleans_up(tmp_path):
    """Issue 7: a run killed while writing leaves the old folder whole; the next run removes its temp folder."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    before = snapshot(out)
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from matcher.io import cells\n"
        "from matcher.io.files import write_outputs\n"
        "def die(path, sheets):\n"
        "    Path(path).write_bytes(b'half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "cells.write_xlsx = die\n"
        "write_outputs(Path(sys.argv[1]), {'pairs.csv': __import__('pandas').DataFrame({'a': [1]}),\n"
        "              'plan.xlsx': {}}, [])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(out)], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True)
    assert proc.returncode == -9, proc.stderr
    assert snapshot(out) == before
    assert len(temp_entries(tmp_path)) == 1  # the killed run's .matcher-tmp-out-<pid>-<random>
    write_outputs(tmp_path / "other", {"summary.json": {}}, [])
    assert temp_entries(tmp_path) == []


def test_cleanup_restores_a_folder_killed_between_the_two_renames(tmp_path):
    """A run killed after moving the old folder aside gets it back at its name on the next run."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    before = snapshot(out)
    pid = dead_pid()
    os.rename(out, tmp_path / f".matcher-old-out-{pid}-0a1b2c3d")
    (tmp_path / f".matcher-tmp-out-{pid}-4e5f6a7b").mkdir()
    write_outputs(tmp_path / "other", {"summary.json": {}}, [])
    assert snapshot(out) == before
    assert temp_entries(tmp_path) == []


def test_cleanup_keeps_live_runs_and_removes_old_or_dead_ones(tmp_path):
    """Leftovers of dead pids and anything over an hour old go; a live run's fresh temp folder stays."""
    live = tmp_path / f".matcher-tmp-x-{os.getppid()}-00000000"
    dead = tmp_path / f".matcher-tmp-x-{dead_pid()}-11111111.png"
    stale_live = tmp_path / f".matcher-tmp-y-{os.getppid()}-22222222"
    legacy_new = tmp_path / ".matcher-ab12cd_9.png"
    legacy_old = tmp_path / ".matcher-xy34zw_q"
    live.mkdir()
    dead.write_bytes(b"half a map")
    stale_live.mkdir()
    legacy_new.write_bytes(b"")
    legacy_old.mkdir()
    (tmp_path / "matcher-out").mkdir()  # not a temp entry
    two_hours_ago = time.time() - 7200
    for p in (stale_live, legacy_old):
        os.utime(p, (two_hours_ago, two_hours_ago))
    clean_leftovers(tmp_path)
    assert temp_entries(tmp_path) == sorted([live.name, legacy_new.name])
    assert (tmp_path / "matcher-out").is_dir()


def test_cwd_inside_out_publishes_in_place(tmp_path, monkeypatch):
    """With the current folder inside --out (e.g. --out .), files are swapped in place: the folder is not
    renamed under the user's feet, other files stay."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    inode = os.stat(out).st_ino
    monkeypatch.chdir(out)
    write_outputs(Path("."), plan_files("b"), [], drop=("absent.md",))
    assert os.stat(out).st_ino == inode and Path.cwd() == out.resolve()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == {"tag": "b"}
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep"
    assert temp_entries(out) == [] and temp_entries(tmp_path) == []


def test_in_place_failure_puts_the_old_files_back(tmp_path, monkeypatch):
    """An in-place publish whose last move fails restores every old file."""
    out = tmp_path / "out"
    write_outputs(out, plan_files("a"), [])
    before = snapshot(out)
    monkeypatch.chdir(out)
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).name == "summary.json" and ".matcher-tmp-" in str(src):
            raise PermissionError(13, "locked")
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(InputError, match="previous result is unchanged"):
        write_outputs(out, plan_files("b"), [])
    monkeypatch.undo()
    assert snapshot(out) == before
    assert temp_entries(out) == []


# ---- the publisher: one file -----------------------------------------------------------------


def test_publish_file_failure_keeps_the_old_file_and_no_temp(tmp_path):
    """A writer that fails leaves the previous map as it was, and no .matcher-tmp file."""
    target = tmp_path / "map.pdf"
    target.write_bytes(b"old map")
    seen = []

    def broken(p: Path):
        seen.append(p.name)
        p.write_bytes(b"half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        publish_file(target, broken)
    assert target.read_bytes() == b"old map"
    assert temp_entries(tmp_path) == []
    assert seen[0].startswith(f".matcher-tmp-map-{os.getpid()}-") and seen[0].endswith(".pdf")


def test_publish_file_refuses_an_input(tmp_path):
    """publish_file never overwrites a protected input."""
    target = tmp_path / "units.csv"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="would overwrite an input file"):
        publish_file(target, lambda p: p.write_text("y"), protect=[target])
    assert target.read_text(encoding="utf-8") == "x"


# ---- the cell writer -------------------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_text_cells_that_start_a_formula_are_escaped(tmp_path):
    """Issue 7: text beginning with = + - @ tab CR gets a leading ' (OWASP); numbers never do."""
    texts = [HOSTILE, "+1", "-5", "@SUM(A1)", "\tx", "\rx", "Hải Vân", "01234", "'plain"]
    frame = pd.DataFrame({"name": texts, "delta": [-1.5] * len(texts), "n": [-2] * len(texts)})
    cells.write_csv(tmp_path / "t.csv", frame)
    rows = read_rows(tmp_path / "t.csv")
    assert [r[0] for r in rows[1:]] == ["'" + t for t in texts[:6]] + ["Hải Vân", "01234", "'plain"]
    assert {r[1] for r in rows[1:]} == {"-1.5"} and {r[2] for r in rows[1:]} == {"-2"}
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("text", [HOSTILE, "'=x", "''-1", "'", "", "-", "a=b", "'abc", "=", "\t"])
def test_escape_round_trips(text):
    """unescape_text(escape_text(s)) == s, also for text that already starts with a quote."""
    assert cells.unescape_text(cells.escape_text(text)) == text


def test_xlsx_text_is_never_a_formula_and_codes_stay_text(tmp_path):
    """Issue 7: a hostile name in plan.xlsx is a string cell, codes keep leading zeros, ints are ints."""
    frame = pd.DataFrame({"code": ["01234", "00002"], "name": [HOSTILE, "=1+1"], "n": [2, 3],
                          "padded": [2.0, np.nan], "ratio": [0.5, float("inf")]})
    cells.write_xlsx(tmp_path / "plan.xlsx", {"a sheet name longer than thirty-one characters": frame})
    wb = load_workbook(tmp_path / "plan.xlsx")
    ws = wb.worksheets[0]
    assert ws.title == "a sheet name longer than thirty"
    every = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in every if c.data_type == "f"]
    assert [c.value for c in ws["B"]][1:] == [HOSTILE, "=1+1"]
    assert [(c.value, c.data_type) for c in ws["A"]][1:] == [("01234", "s"), ("00002", "s")]
    assert [c.value for c in ws["C"]][1:] == [2, 3] and isinstance(ws["D2"].value, int)
    assert ws["D3"].value is None and ws["E3"].value == "inf"


def test_whole_number_columns_padded_with_blanks_are_integers(tmp_path):
    """Issue 7: a float column of whole numbers with blanks (a NaN-padded merge) is written 2, not 2.0;
    real numbers stay real."""
    frame = pd.DataFrame({"supply_it": [2.0, np.nan, 1.0], "lat": [16.0, 16.5, 17.0], "km": [1.5, np.nan, 2.0]})
    cells.write_csv(tmp_path / "u.csv", frame)
    assert read_rows(tmp_path / "u.csv")[1:] == [["2", "16.0", "1.5"], ["", "16.5", ""], ["1", "17.0", "2.0"]]
    assert (tmp_path / "u.csvt").read_text(encoding="utf-8").strip() == '"Integer","Real","Real"'


def test_json_is_always_valid(tmp_path):
    """Issue 7: NaN and infinities become null (numpy scalars become numbers); JSON text with NaN too."""
    text = cells.json_text({"a": float("nan"), "b": [np.float64("inf"), np.int64(3)], "c": {"d": -np.inf}})
    assert json.loads(text, parse_constant=lambda c: pytest.fail(c)) == {"a": None, "b": [None, 3], "c": {"d": None}}
    assert json.loads(cells.json_text('{"x": NaN}')) == {"x": None}
    assert cells.json_text('{"x": 1}') == '{"x": 1}\n'
    with pytest.raises(ValueError):
        cells.json_text("{not json")
    write_outputs(tmp_path / "o", {"summary.json": {"time_limit_s": float("nan")}}, [])
    assert json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8")) == {"time_limit_s": None}

