"""``matcher rotate``: files written, codes kept as text, bad input exit 2, rule conflicts exit 3."""

from __future__ import annotations

import json

import pandas as pd
from openpyxl import load_workbook

from tests.helpers import invoke

CLUSTERS = ("code,name,cluster,is_host\n00001,Xã A,1,1\n00002,Xã B,1,\n00003,Phường C,1,\n"
            "00104,Xã D,2,\n00105,Xã E,2,\n")


def _write(tmp_path, clusters=CLUSTERS, history=None):
    (tmp_path / "clusters.csv").write_text(clusters, encoding="utf-8")
    args = [tmp_path / "clusters.csv", "--years", "2026..2028", "--out", tmp_path / "out"]
    if history is not None:
        (tmp_path / "past.csv").write_text(history, encoding="utf-8")
        args += ["--history", tmp_path / "past.csv"]
    return args


def test_rotate_writes_the_files(runner, tmp_path):
    """issue 12: rotation.csv/.csvt/.xlsx and summary.json written; codes stay text; vi headers; a line per cluster."""
    history = "cluster,year,head_code,deputy_codes\n1,2025,00001,00003\n"
    result = invoke(runner, "rotate", *_write(tmp_path, history=history))
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("cluster ")] == [
        "cluster 1 (3 members): 2026 00002, 2027 00003, 2028 00001",
        "cluster 2 (2 members): 2026 00104, 2027 00105, 2028 00104"]
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["rotation.csv", "rotation.csvt", "rotation.xlsx", "summary.json"]
    frame = pd.read_csv(out / "rotation.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns) == ["cluster", "year", "head_code", "head_name", "deputy_codes", "deputy_names", "slack"]
    assert frame.iloc[0].tolist() == ["1", "2026", "00002", "Xã B", "00003", "Phường C", "00003"]
    assert (out / "rotation.csvt").read_text().strip() == ",".join(['"String"', '"Integer"'] + ['"String"'] * 5)
    ws = load_workbook(out / "rotation.xlsx").worksheets[0]
    assert ws.title == "Luân phiên" and ws.cell(1, 3).value == "Mã cụm trưởng"
    assert ws.cell(2, 3).value == "00002" and ws.cell(2, 3).data_type == "s"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rules"] == ["round-robin", "no-consecutive"] and summary["years"] == [2026, 2028]
    assert summary["counts"] == {"clusters": 2, "units": 5, "terms": 6}


def test_rotate_in_english_with_the_deputy_rule(runner, tmp_path):
    """issue 12: --lang en gives English headers; --rule accepts commas and repeats."""
    args = _write(tmp_path)
    result = invoke(runner, "rotate", *args, "--lang", "en", "--rule", "round-robin,no-consecutive",
                    "--rule", "deputy-becomes-head")
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "out" / "rotation.xlsx").worksheets[0]
    assert ws.title == "Rotation" and ws.cell(1, 3).value == "Head code"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["rules"] == ["round-robin", "no-consecutive", "deputy-becomes-head"]


def test_bad_history_exits_2(runner, tmp_path):
    """issue 12: a head outside its cluster, a year inside the range: exit 2 with file:row, column, value; no files."""
    history = "cluster,year,head_code\n1,2024,00104\n2,2027,00105\n1,2025,00009\n"
    result = invoke(runner, "rotate", *_write(tmp_path, history=history))
    assert result.exit_code == 2, result.output
    assert "past.csv:2: column 'head_code': value '00104': unit 00104 is in cluster 2, not 1" in result.output
    assert "past.csv:3: column 'year': value '2027': is inside the years asked (2026..2028)" in result.output
    assert "past.csv:4: column 'head_code': value '00009': unit 00009 is not in the clusters file" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_clusters_and_arithmetic_exit_2(runner, tmp_path):
    """issue 12: a bad code and a duplicate unit exit 2; a cluster too small for the deputies says the arithmetic."""
    result = invoke(runner, "rotate", *_write(tmp_path, clusters=CLUSTERS + "12x45,Xã F,2,\n00001,Xã A,2,\n"))
    assert result.exit_code == 2, result.output
    assert "clusters.csv:7: column 'code': value '12x45': must be a 5-digit unit code" in result.output
    assert "clusters.csv:8: column 'code': value '00001': appears twice (also row 2)" in result.output
    result = invoke(runner, "rotate", *_write(tmp_path), "--deputies", "2")
    assert result.exit_code == 2, result.output
    assert "cluster 2 has 2 member(s): a head and 2 deputy(ies) need 3" in result.output
    result = invoke(runner, "rotate", *_write(tmp_path), "--years", "2030..2026")
    assert result.exit_code == 2 and "--years" in result.output


def test_one_member_cluster_exits_3(runner, tmp_path):
    """issue 12: a one-member cluster without deputies cannot keep no-consecutive: exit 3, the reason, no files."""
    result = invoke(runner, "rotate", *_write(tmp_path, clusters=CLUSTERS + "00200,Xã G,3,\n"), "--deputies", "0")
    assert result.exit_code == 3, result.output
    assert "cluster 3, 2027: rule no-consecutive cannot hold: the cluster has one member (00200)" in result.output
    assert not (tmp_path / "out").exists()
    result = invoke(runner, "rotate", *_write(tmp_path, clusters=CLUSTERS + "00200,Xã G,3,\n"), "--deputies", "0",
                    "--rule", "round-robin")
    assert result.exit_code == 0, result.output
