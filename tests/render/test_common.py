"""What every renderer shares: drawable text (no control characters) and the one sentence
about input repairs; and that a hand-edited result folder with control characters in its
names never crashes ``matcher map`` or ``matcher report``."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.i18n import t
from matcher.render.common import clean, clean_view, printable, repairs_count, repairs_note

CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x85\x9f\ufeff"


def test_printable_strips_controls_keeps_lines_and_composes():
    """issue 7: C0/C1 controls, DEL and U+FEFF are removed; newline kept, tab and CR LF normalised, NFC."""
    assert printable(f"Trà{CONTROLS}Linh") == "TràLinh"
    assert printable("a\r\nb\tc") == "a\nb c"
    assert printable(unicodedata.normalize("NFD", "Hội An")) == "Hội An"
    assert printable(None) == "" and printable(2.5) == "2.5"
    assert clean({"k\x00": ["a\x0b", 1, None, ("b\ufeff",)]}) == {"k": ["a", 1, None, ["b"]]}


def test_clean_view_cleans_every_text_cell(danang_result_dir):
    """issue 7: clean_view leaves no control character in any table or summary string."""
    from matcher.io.resultdir import read_result_dir

    view = read_result_dir(danang_result_dir)
    dirty = view.units.copy()
    dirty.loc[0, "name"] = "X\x00\x0bY"
    got = clean_view(replace(view, units=dirty, summary={**view.summary, "note": "a\ufeffb"}))
    assert got.units.loc[0, "name"] == "XY" and got.summary["note"] == "ab"
    assert got.units["lat"].dtype == view.units["lat"].dtype
    assert dirty.loc[0, "name"] == "X\x00\x0bY"  # the input is not changed


@pytest.mark.parametrize(("summary", "n"), [
    ({}, 0),
    ({"warnings": []}, 0),
    ({"warnings": ["a", "b", "c"]}, 3),  # an old folder: one line per row
    ({"warnings": ["units.csv: 166 codes ..."],
      "warning_details": [{"kind": "code_padded", "count": 166}, {"kind": "far_unit", "count": 2}]}, 168),
    ({"warnings": ["x"], "warning_details": [{"kind": "note"}, {"count": "bad"}, "odd"]}, 3),
])
def test_repairs_count(summary, n):
    """issue 7: n = sum of warning_details counts, else the number of warnings lines."""
    assert repairs_count(summary) == n


def test_repairs_note_is_one_sentence_in_the_language():
    """issue 7: one sentence, in the page's language, singular for one repair, None for none."""
    many = {"warning_details": [{"count": 1200}]}
    assert repairs_note(many, "vi") == t("input_repairs", "vi", n="1.200")
    assert repairs_note(many, "en") == "1,200 input values were repaired automatically (see summary.json)."
    assert repairs_note({"warnings": ["x"]}, "en") == t("input_repairs_one", "en")
    assert "summary.json" in repairs_note({"warnings": ["x"]}, "vi")
    assert repairs_note({}, "vi") is None


@pytest.fixture
def dirty_copy(danang_copy):
    """The Da Nang result with VT, NUL, BOM and a C1 control in a remote commune's name (units.csv,
    pairs.csv, remote_summary.csv) and in the scenario name."""
    import json

    bad = "Trà\x0bLinh\x00\ufeff\x85"
    for file, code, name in [("units.csv", "code", "name"), ("pairs.csv", "remote_code", "remote_name"),
                             ("remote_summary.csv", "remote_code", "remote_name")]:
        path = danang_copy / file
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame.loc[frame[code] == "20950", name] = bad
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    summary = json.loads((danang_copy / "summary.json").read_text(encoding="utf-8"))
    summary["scenario"]["name"] = "Đà\x0cNẵng\x00"
    (danang_copy / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return danang_copy


@pytest.mark.parametrize("args", [("map", "m.pdf"), ("map", "m.png"), ("map", "m.svg"), ("map", "m.html"),
                                  ("report", "pack.pdf")])
def test_control_characters_in_a_result_folder_never_crash(dirty_copy, tmp_path, args):
    """issue 7: a hand-edited result folder whose names carry control characters gives a map or a
    pack (exit 0) or a clear refusal (exit 2), never an internal error."""
    command, name = args
    out = tmp_path / name
    res = CliRunner().invoke(app, [command, str(dirty_copy), "--out", str(out)])
    assert res.exit_code in (0, 2), res.output
    if res.exit_code == 2:
        assert "units.csv" in res.output or "pairs.csv" in res.output or "summary.json" in res.output
        return
    data = out.read_bytes()
    for ch in ("\x0b", "\x00", "\ufeff", "\x85"):
        if name.endswith((".svg", ".html")):
            assert ch not in data.decode("utf-8"), repr(ch)
    if name.endswith(".pdf"):
        import pypdf

        text = " ".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
        assert "TràLinh" in text and "\x00" not in text
