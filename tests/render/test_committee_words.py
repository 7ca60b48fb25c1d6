"""What a committee reads names no file or column (issue 11 review): the stand-alone map, the HTML map."""

from __future__ import annotations

import re

from pypdf import PdfReader
from typer.testing import CliRunner

from matcher.cli import app
from matcher.render.common import committee_text

FILEISH = re.compile(r"build\.py|units\.csv|pairs\.csv|supply_|need_|\.geojson")


def test_committee_text_puts_names_in_words():
    """issue 11: file names and staff column names become words, in both languages."""
    text = "Cần thay các cột supply_*/need_* trong units.csv theo data/danang_2025/build.py (xem pairs.csv)."
    vi, en = committee_text(text, "vi"), committee_text(text, "en")
    assert not FILEISH.search(vi) and not FILEISH.search(en)
    assert "hồ sơ dữ liệu kèm theo" in vi and "staff figures by domain" in en


def test_stand_alone_map_and_html_name_no_file(danang_result_dir, tmp_path):
    """issue 11: the map PDF's text and the HTML map's data carry the sources and assumptions in words."""
    runner = CliRunner()
    pdf, html = tmp_path / "map.pdf", tmp_path / "map.html"
    for out in (pdf, html):
        res = runner.invoke(app, ["map", str(danang_result_dir), "--out", str(out)])
        assert res.exit_code == 0, res.output
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert not FILEISH.search(text), FILEISH.findall(text)
    assert html.stat().st_size > 0
    from matcher.io.resultdir import read_result_dir
    from matcher.render.web import _page_data

    data = _page_data(read_result_dir(danang_result_dir), None, "vi", 50.0)
    meta = data["meta"]
    shown = " ".join(str(x) for key in ("assumptions", "sources") for texts in meta[key].values() for x in texts)
    assert shown and not FILEISH.search(shown), FILEISH.findall(shown)
