"""matcher compare A B: exit codes, the files it writes (atomically, codes as text), bad plan tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import typer.main
from helpers import invoke

from matcher.cli import app

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
FILES = {"changes.csv", "changes.csvt", "changes.xlsx", "compare.md", "compare.json", "diff.png", "diff.pdf",
         "diff.html"}
SWAP = "lowland_code,remote_code\n20242,20443\n20209,20443\n20263,20458\n"  # Thanh Khê to Hùng Sơn


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The tiny scenario solved by matcher solve: 20242-20443 (locked), 20263-20458, 20209-20458."""
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("compare") / "base"
    result = invoke(CliRunner(), "solve", TINY / "scenario.toml", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_help_describes_every_argument(runner):
    """issue 10: compare has a help text and every argument and option is described."""
    cmd = typer.main.get_command(app).commands["compare"]
    assert cmd.help.strip() and [p.name for p in cmd.params if not (getattr(p, "help", None) or "").strip()] == []
    assert invoke(runner, "compare", "--help").exit_code == 0


def test_result_folder_against_a_csv_plan(runner, base, tmp_path):
    """issue 10: folder vs plan table: exit 0, the summary line, every file, one change row per pair."""
    plan = tmp_path / "plan.csv"
    plan.write_text(SWAP, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(runner, "compare", base, plan, "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("kept 2, added 1, removed 1; 2 remote and 1 lowland units changed "
                                             "partner; smallest coverage 60% -> 50%")
    assert {p.name for p in out.iterdir()} == FILES
    rows = read_csv(out / "changes.csv")
    assert sorted(zip(rows["change"], rows["lowland_code"], rows["remote_code"], strict=True)) == [
        ("added", "20209", "20443"), ("kept", "20242", "20443"), ("kept", "20263", "20458"),
        ("removed", "20209", "20458")]
    removed = rows[rows["change"] == "removed"].iloc[0]
    assert (removed["distance_km"], removed["domains_a"], removed["staff_a"], removed["staff_b"]) == (
        "105.0", "it 1; land 2", "3", "")
    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert data["kpis"]["min_coverage"]["a"] == pytest.approx(0.6)
    assert data["kpis"]["min_coverage"]["b"] == pytest.approx(0.5)
    assert data["a"]["kind"] == "result" and data["b"]["kind"] == "table"
    page = (out / "diff.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)
    assert (out / "diff.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "diff.pdf").read_bytes()[:4] == b"%PDF"
    assert plan.read_text(encoding="utf-8") == SWAP


def test_vietnamese_by_default_and_a_folder_against_itself(runner, base, tmp_path):
    """issue 10: without --lang the words are Vietnamese; the same folder twice keeps every pair."""
    out = tmp_path / "same"
    result = invoke(runner, "compare", base, base, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("giữ nguyên 3, thêm 0, bỏ 0; 0 xã vùng sâu, vùng xa và 0 xã đồng bằng")
    assert set(read_csv(out / "changes.csv")["change"]) == {"giữ nguyên"}
    assert list(pd.read_excel(out / "changes.xlsx", sheet_name=None)) == [
        "Thay đổi", "Đơn vị đổi đối tác", "Chênh lệch chỉ số", "Thông tin"]


def test_bad_code_exits_2_naming_the_cell_and_writes_nothing(runner, base, tmp_path):
    """issue 10: a code not in the problem: exit 2, file:row: column: value, no traceback, no folder."""
    bad = tmp_path / "bad.csv"
    bad.write_text("lowland_code,remote_code\n20242,20443\n20209,99999\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(runner, "compare", base, bad, "--out", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert any(ln.startswith("bad.csv:3: column 'remote_code': value '99999': ") for ln in result.output.splitlines())
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--scenario", TINY / "scenario.toml"], "--scenario: value"),
    (["--lang", "fr"], "--lang: value 'fr'"),
])
def test_other_bad_input_exits_2(runner, base, tmp_path, args, message):
    """issue 10: --scenario beside a result folder, or an unknown language: exit 2 before any work."""
    result = invoke(runner, "compare", base, base, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2 and message in result.output and not (tmp_path / "out").exists()
    missing = invoke(runner, "compare", base, tmp_path / "nope.csv", "--out", tmp_path / "out")
    assert missing.exit_code == 2 and "no such file or folder" in missing.output


def _zero_scenario(folder: Path) -> Path:
    """Four units whose codes begin with zeros ('00316' style)."""
    folder.mkdir()
    (folder / "units.csv").write_text(
        "code,name,role,lat,lon,supply_it,need_it\n00316,Xã Một,lowland,16.0,108.0,1,\n"
        "00317,Xã Hai,lowland,16.1,108.0,1,\n00400,Xã Ba,remote,16.05,108.1,,1\n00401,Xã Bốn,remote,16.15,108.1,,1\n",
        encoding="utf-8")
    (folder / "scenario.toml").write_text(
        'name = "zeros"\nunits = "units.csv"\nmax_distance_km = 100\n[partners]\nlowland_min = 1\nlowland_max = 1\n'
        "remote_min = 0\nremote_max = 2\n[solver]\ntime_limit_s = 5\nworkers = 1\n", encoding="utf-8")
    (folder / "a.csv").write_text("lowland_code,remote_code\n00316,00400\n00317,00401\n", encoding="utf-8")
    (folder / "b.csv").write_text("lowland_code,remote_code\n00316,00401\n00317,00401\n", encoding="utf-8")
    return folder


def test_two_tables_keep_leading_zeros_as_text(runner, tmp_path):
    """issue 10: two plan tables scored on --scenario; codes like '00316' stay text in changes.csv (.csvt String)
    and in changes.xlsx (string cells)."""
    from openpyxl import load_workbook

    sc = _zero_scenario(tmp_path / "zeros")
    out = tmp_path / "out"
    result = invoke(runner, "compare", sc / "a.csv", sc / "b.csv", "--scenario", sc / "scenario.toml", "--out", out,
                    "--lang", "en")
    assert result.exit_code == 0, result.output
    rows = read_csv(out / "changes.csv")
    assert list(zip(rows["change"], rows["lowland_code"], rows["remote_code"], strict=True)) == [
        ("removed", "00316", "00400"), ("kept", "00317", "00401"), ("added", "00316", "00401")]
    types = (out / "changes.csvt").read_text(encoding="utf-8").strip().split(",")
    heads = list(rows.columns)
    assert types[heads.index("lowland_code")] == types[heads.index("remote_code")] == '"String"'
    ws = load_workbook(out / "changes.xlsx")["changes"]
    cells = [c for c in next(ws.iter_cols(min_col=2, max_col=2, min_row=2))]
    assert [c.value for c in cells] == ["00316", "00317", "00316"] and {c.data_type for c in cells} == {"s"}
    units = load_workbook(out / "changes.xlsx")["units changed"]
    assert [r[0] for r in units.iter_rows(min_row=2, values_only=True)] == ["00316", "00400", "00401"]


def test_a_failed_publish_leaves_no_partial_folder(runner, base, tmp_path, monkeypatch):
    """issue 10: a writer failing mid-way (a full disk, say): exit 2, no new folder, no temp entries, and an
    existing folder stays as it was."""
    import matcher.io.cells as cells

    def full_disk(*_args, **_kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cells, "write_xlsx", full_disk)
    out = tmp_path / "out"
    result = invoke(runner, "compare", base, base, "--out", out)
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == []
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert invoke(runner, "compare", base, base, "--out", out).exit_code == 2
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_input_table_is_never_overwritten(runner, base, tmp_path):
    """issue 10: a plan table named changes.csv inside --out is an input: refused (exit 2), left as it was."""
    out = tmp_path / "out"
    out.mkdir()
    plan = out / "changes.csv"
    plan.write_text(SWAP, encoding="utf-8")
    result = invoke(runner, "compare", base, plan, "--out", out)
    assert result.exit_code == 2 and "would overwrite input file" in result.output
    assert plan.read_text(encoding="utf-8") == SWAP and [p.name for p in out.iterdir()] == ["changes.csv"]
