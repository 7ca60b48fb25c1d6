"""matcher.render.diff, diff_web and diff_files: the difference map (PNG, PDF, offline HTML) and the change
sheet of two hand-made plans (nothing solved)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import matplotlib.colors as mcolors
import pytest
from helpers import problem, unit

from matcher.analysis.changes import Comparison, PlanSide
from matcher.analysis.compare import diff_plans
from matcher.render.diff import ADDED_COLOUR, KEPT_COLOUR, REMOVED_COLOUR, diff_image, draw_diff, plot_diff
from matcher.render.diff_files import changes_frame, compare_dict, compare_markdown, summary_line, xlsx_sheets
from matcher.render.diff_web import diff_html
from matcher.result import Pair, Result, Status


def plan(*pairs) -> Result:
    return Result(Status.OPTIMAL, (), tuple(Pair(lc, rc, km, None, "geodesic x detour", False, {"it": s})
                                            for lc, rc, km, s in pairs), 0.0, "hand")


@pytest.fixture(scope="module")
def cmp() -> Comparison:
    """A: L1-R1, L2-R2, L3-R2; B: L1-R2, L2-R1, L3-R2 (one kept, two added, two removed). One name holds markup."""
    p = problem([
        unit("L1", "lowland", {"it": 2}), unit("L2", "lowland", {"it": 1}, dlat=0.1),
        unit("L3", "lowland", {}, dlat=0.2, dlon=0.05), unit("R1", "remote", need={"it": 3}, dlat=0.3, dlon=-0.2),
        replace(unit("R2", "remote", need={"it": 2}, dlat=0.4), name="Đắk <b>Pring</b>"),
    ], remote_max_partners=2)
    a = plan(("L1", "R1", 10.0, 2), ("L2", "R2", 20.0, 1), ("L3", "R2", 5.0, 0))
    b = plan(("L1", "R2", 30.0, 2), ("L2", "R1", 15.0, 1), ("L3", "R2", 5.0, 0))
    sides = [PlanSide(label, Path(f"plan_{label}.csv"), "table", p, r, (), "tiny") for label, r in (("A", a), ("B", b))]
    return Comparison(sides[0], sides[1], diff_plans(p, a, p, b))


def test_map_lines_by_change(cmp):
    """issue 10: added pairs solid in the strong colour, removed dashed in the other, the kept one faded."""
    ax = plot_diff(cmp, "vi")
    lines = {ln.get_gid(): ln for ln in ax.get_lines() if ln.get_gid()}
    added = [ln for g, ln in lines.items() if g.startswith("added-")]
    removed = [ln for g, ln in lines.items() if g.startswith("removed-")]
    kept = [ln for g, ln in lines.items() if g.startswith("kept-")]
    assert (len(added), len(removed), len(kept)) == (2, 2, 1)
    assert all(mcolors.to_hex(ln.get_color()) == ADDED_COLOUR and ln.get_linestyle() == "-" for ln in added)
    assert all(mcolors.to_hex(ln.get_color()) == REMOVED_COLOUR and ln.get_linestyle() == "--" for ln in removed)
    assert mcolors.to_hex(kept[0].get_color()) == KEPT_COLOUR and kept[0].get_alpha() < 0.7
    assert {t.get_text() for t in ax.texts} >= {"Xã L1", "Xã L2", "Xã R1", "Đắk <b>Pring</b>"}  # changed units
    assert "Xã L3" not in {t.get_text() for t in ax.texts}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_figure_title_and_legend_in_the_language(cmp, lang):
    """issue 10: the title and the legend are in the chosen language, set in DejaVu Sans."""
    fig = draw_diff(cmp, lang)
    texts = [t.get_text() for t in fig.texts]
    title = {"vi": "So sánh hai phương án kết nghĩa", "en": "Two twinning plans compared"}[lang]
    assert title in texts
    legend = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    want = {"vi": "Cặp thêm (chỉ có trong B) (2)", "en": "Added pair (in B only) (2)"}[lang]
    assert want in legend
    assert all(t.get_fontname() == "DejaVu Sans" for t in fig.texts)


def test_png_and_pdf_bytes(cmp):
    """issue 10: diff.png is a PNG, diff.pdf a PDF with the DejaVu Sans font embedded (TrueType, searchable)."""
    png, pdf = diff_image(cmp, "vi", "png"), diff_image(cmp, "vi", "pdf")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf
    assert b"/Type3" not in pdf and (b"/CIDFontType2" in pdf or b"/TrueType" in pdf)  # pdf.fonttype 42


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_is_one_offline_file(cmp, lang):
    """issue 10: diff.html has no http(s) URL, no script, a CSP refusing every request, lines by change and
    every name escaped."""
    page = diff_html(cmp, lang)
    assert not re.search(r"https?://", page)
    assert "<script" not in page and "default-src 'none'" in page and f'<html lang="{lang}">' in page
    assert page.count('<line class="added" data-pair') == 2 and page.count('<line class="removed" data-pair') == 2
    assert page.count('<line class="kept" data-pair') == 1
    assert "Đắk &lt;b&gt;Pring&lt;/b&gt;" in page and "<b>Pring" not in page
    assert html.escape(summary_line(cmp, lang)) in page


def test_change_sheet_words_and_sheets(cmp):
    """issue 10: the change column in words of the language; Vietnamese sheet names by default, the machine
    headers in English; compare.json language-neutral."""
    assert list(changes_frame(cmp, "vi")["change"]) == ["bỏ", "thêm", "giữ nguyên", "bỏ", "thêm"]
    assert list(changes_frame(cmp, "en")["change"]) == ["removed", "added", "kept", "removed", "added"]
    vi, en = xlsx_sheets(cmp, "vi"), xlsx_sheets(cmp, "en")
    assert list(vi) == ["Thay đổi", "Đơn vị đổi đối tác", "Chênh lệch chỉ số", "Thông tin"]
    assert list(en) == ["changes", "units changed", "KPI deltas", "about"]
    assert list(vi["Thay đổi"].columns)[:2] == ["Thay đổi", "Mã xã đồng bằng"]
    assert list(en["changes"].columns)[:2] == ["change", "lowland_code"]
    kpi = en["KPI deltas"].set_index("kpi")
    assert kpi.loc["Total distance (km)", "delta"] == 15.0 and kpi.loc["Smallest coverage", "direction"] == "worse"
    data = compare_dict(cmp)
    assert data["counts"] == {"kept": 1, "added": 2, "removed": 2, "remote_changed": 2, "lowland_changed": 2}
    assert [p["change"] for p in data["pairs"]] == ["removed", "added", "kept", "removed", "added"]
    assert summary_line(cmp, "en") == ("kept 1, added 2, removed 2; 2 remote and 2 lowland units changed partner; "
                                       "smallest coverage 50% -> 33%")
    md = compare_markdown(cmp, "vi")
    assert "giữ nguyên 1, thêm 2, bỏ 2" in md and "Đắk \\<b\\>Pring\\</b\\>" in md
