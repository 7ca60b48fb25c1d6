"""The static map is legible at any province size (issue 11): measured from the renderer's text extents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from matcher.io.geo import read_boundaries
from matcher.io.resultdir import read_result_dir
from matcher.render.legibility import PAPERS, label_report
from matcher.render.maps import map_sheets, save_map

ROOT = Path(__file__).resolve().parents[2]
DANANG = ROOT.parent / "shared" / "data" / "danang_2025" / "boundaries.geojson"


def _labels(figs) -> dict[str, str]:
    """Unit code -> its label text on the main map (the gid ``label-<code>``), first sheet."""
    return {t.get_gid()[6:]: t.get_text() for ax in figs[0].axes for t in ax.texts
            if (t.get_gid() or "").startswith("label-") and t.get_visible()}


@pytest.fixture(scope="module")
def danang(danang_result_dir):
    return read_result_dir(danang_result_dir), read_boundaries(DANANG) if DANANG.exists() else None


@pytest.fixture(scope="module")
def thanh_hoa(thanh_hoa_result, request):
    try:
        polys = read_boundaries(request.getfixturevalue("thanh_hoa_boundaries"))
    except pytest.skip.Exception:
        polys = None
    return read_result_dir(thanh_hoa_result), polys


@pytest.mark.parametrize("paper", ["a4", "a3"])
@pytest.mark.parametrize("province", ["danang", "thanh_hoa"])
def test_no_overlap_and_at_least_7pt(province, paper, request):
    """issue 11: Da Nang (94 units) and the 166-unit Thanh Hóa-size province on A4 and A3 landscape: every sheet
    is the paper's size, no two texts overlap, the smallest text prints at >= 7 pt."""
    view, polys = request.getfixturevalue(province)
    figs = map_sheets(view, polys, "vi", paper=paper)
    for fig in figs:
        assert tuple(fig.get_size_inches()) == pytest.approx(PAPERS[paper], abs=0.01)
        report = label_report(fig)
        assert report.overlaps == []
        assert report.min_pt >= 7.0, report.smallest
        assert report.n_texts > 30


@pytest.mark.parametrize("province", ["danang", "thanh_hoa"])
def test_every_pair_findable_by_number(province, request):
    """issue 11: each remote commune's label starts with its number, each paired lowland unit's label ends with
    '→' and its partners' numbers, and the key lists every pair once under that number."""
    from matcher.render.map_key import key_rows
    from matcher.render.map_labels import remote_numbers

    view, polys = request.getfixturevalue(province)
    figs = map_sheets(view, polys, "en", paper="a4")
    labels = _labels(figs)
    if len(figs[0].axes) > 1:  # the inset names the urban core
        labels.update({t.get_gid()[6:]: t.get_text() for t in figs[0].axes[1].texts if t.get_gid()})
    numbers = remote_numbers(view)
    assert sorted(numbers.values()) == list(range(1, len(numbers) + 1))
    for rc, n in numbers.items():
        assert labels[rc].split(" ")[0] == str(n), labels[rc]
    for lc, group in view.pairs.groupby("lowland_code"):
        want = "→" + ",".join(str(numbers[r]) for r in group["remote_code"].astype(str))
        assert labels[str(lc)].endswith(want), labels[str(lc)]
    rows = key_rows(view, numbers, "en")
    assert len(rows) == len(view.pairs)
    assert [r.number for r in rows if r.number] == [str(i) for i in range(1, len(numbers) + 1)]


def test_flags_put_a_marker_on_the_remote_commune(danang_result_dir, tmp_path):
    """issue 11: a remote commune named by a flag gets a '!' on its label, the legend explains it; without the
    'flags' key (an older folder) there is no marker."""
    copy = tmp_path / "r"
    shutil.copytree(danang_result_dir, copy)
    summary = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    summary.pop("flags", None)  # as a folder written before issue 11
    (copy / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    view = read_result_dir(copy)
    before = _labels(map_sheets(view, None, "en"))
    assert not any(text.endswith(" !") for text in before.values())
    pair = view.pairs.iloc[0]
    summary["flags"] = [{"kind": "no_staff", "lowland_code": str(pair["lowland_code"]),
                         "remote_code": str(pair["remote_code"]), "value": 0, "limit": None, "text_vi": "x",
                         "text_en": "x"}]
    (copy / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    figs = map_sheets(read_result_dir(copy), None, "en")
    after = _labels(figs)
    flagged = [c for c, text in after.items() if text.endswith(" !")]
    assert flagged == [str(pair["remote_code"])]
    legend_texts = [t.get_text() for ax in figs[0].axes for lg in [ax.get_legend()] if lg for t in lg.get_texts()]
    legend_texts += [t.get_text() for ax in figs[0].axes for a in ax.artists if hasattr(a, "get_texts")
                     for t in a.get_texts()]
    assert "Flagged (see the list of flags)" in legend_texts


@pytest.mark.skipif(not DANANG.exists(), reason="../shared Da Nang boundaries not present")
def test_partial_boundaries_do_not_crop(danang):
    """issue 11: with polygons for 50 of 94 units the map's extent still covers every paired unit."""
    from matcher.render.map_plot import _project

    view, polys = danang
    part = polys.iloc[:50]
    fig = map_sheets(view, part, "vi")[0]
    ax = fig.axes[0]
    pts, _ = _project(view, None)
    active = pts[pts["role"].isin(["lowland", "remote"])]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert ((active["x"] > x0) & (active["x"] < x1) & (active["y"] > y0) & (active["y"] < y1)).all()
    assert label_report(fig).overlaps == []


def test_label_report_measures_overlap_and_printed_size():
    """issue 11: label_report finds two overlapping texts, a text off the sheet, and scales sizes to the paper
    (a 10 pt text on an A3 figure printed on A4 is 7.07 pt)."""
    fig = Figure(figsize=PAPERS["a3"])
    fig.text(0.5, 0.5, "Hải Châu", fontsize=10)
    fig.text(0.5, 0.5, "Thanh Khê", fontsize=10)
    fig.text(0.1, 0.1, "alone", fontsize=12)
    fig.text(1.2, 0.5, "off", fontsize=12)
    overlaps, min_pt = label_report(fig)
    assert sorted(overlaps) == [("Hải Châu", "Thanh Khê"), ("off", "<sheet edge>")]
    assert min_pt == pytest.approx(10.0)
    assert label_report(fig, paper_width_in=PAPERS["a4"][0]).min_pt == pytest.approx(10 * 11.69 / 16.54, abs=0.01)


def test_pdf_has_a_page_per_sheet_png_one_image(danang_result_dir, tmp_path):
    """issue 11: the PDF holds one A4 page per sheet (map, then the key when it does not fit beside it), the PNG
    one image with the sheets one under the other; the key's names are text in the PDF."""
    import pypdf
    from PIL import Image

    view = read_result_dir(danang_result_dir)
    n = len(map_sheets(view, None, "vi"))
    save_map(view, None, "vi", tmp_path / "m.pdf")
    save_map(view, None, "vi", tmp_path / "m.png")
    reader = pypdf.PdfReader(tmp_path / "m.pdf")
    assert len(reader.pages) == n
    for page in reader.pages:
        assert (float(page.mediabox.width) / 72, float(page.mediabox.height) / 72) == pytest.approx(PAPERS["a4"],
                                                                                                   abs=0.02)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Trà Linh" in text and "Bảng tra cứu cặp kết nghĩa" in text
    w, h = Image.open(tmp_path / "m.png").size
    assert abs(w - 11.69 * 150) <= 1 and abs(h - 8.27 * 150 * n) <= 1
