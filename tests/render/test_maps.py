"""Static maps: every format, with and without boundaries, checked on content."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from matcher.cli import app

ROOT = Path(__file__).resolve().parents[2]
BOUNDARIES = ROOT.parent / "shared" / "data" / "danang_2025" / "boundaries.geojson"
needs_boundaries = pytest.mark.skipif(not BOUNDARIES.exists(), reason="../shared boundaries not present")


@pytest.fixture(scope="module")
def result_dir(danang_result_dir) -> Path:
    """The Da Nang default, solved once per session (tests/conftest.py)."""
    return danang_result_dir


def draw(result_dir: Path, out: Path, *extra) -> Path:
    res = CliRunner().invoke(app, ["map", str(result_dir), "--out", str(out), *map(str, extra)])
    assert res.exit_code == 0, res.output
    return out


def pdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize("with_boundaries", [False, pytest.param(True, marks=needs_boundaries)])
def test_pdf_map_has_searchable_names_and_figures(result_dir, tmp_path, with_boundaries):
    """The PDF's text holds Vietnamese names, the title and the headline figures; A4 landscape (issue 11:
    the default paper; --paper a3 for A3)."""
    import pypdf

    extra = ["--boundaries", BOUNDARIES] if with_boundaries else []
    path = draw(result_dir, tmp_path / "map.pdf", *extra)
    text = pdf_text(path)
    for needle in ("Trà Linh", "An Hải", "Hải Châu", "Đề xuất kết nghĩa", "75%", "4.885 km", "60 (trong đó"):
        assert needle in text, needle
    note = "Chưa có ranh giới hành chính chính thức"
    assert (note in text) is not with_boundaries
    box = pypdf.PdfReader(path).pages[0].mediabox
    assert float(box.width) / 72 == pytest.approx(11.69, abs=0.05)  # A4 landscape, inches
    assert float(box.height) / 72 == pytest.approx(8.27, abs=0.05)
    a3 = pypdf.PdfReader(draw(result_dir, tmp_path / "a3.pdf", "--paper", "a3", *extra)).pages[0].mediabox
    assert (float(a3.width) / 72, float(a3.height) / 72) == pytest.approx((16.54, 11.69), abs=0.05)


def test_english_labels(result_dir, tmp_path):
    """--lang en translates the title and legend."""
    text = pdf_text(draw(result_dir, tmp_path / "map.pdf", "--lang", "en"))
    assert "Proposed commune twinning" in text and "Existing twinning (kept)" in text
    assert "Đề xuất kết nghĩa" not in text


@pytest.mark.parametrize("with_boundaries", [False, pytest.param(True, marks=needs_boundaries)])
def test_png_is_not_blank(result_dir, tmp_path, with_boundaries):
    """The PNG has many colours and a good share of non-white pixels."""
    from PIL import Image

    extra = ["--boundaries", BOUNDARIES] if with_boundaries else []
    img = np.asarray(Image.open(draw(result_dir, tmp_path / "map.png", *extra)).convert("RGB"))
    assert img.shape[1] > 1700  # A4 at 150 dpi
    non_white = (img < 245).any(axis=2).mean()
    assert non_white > (0.12 if with_boundaries else 0.05)  # issue 11: the key sheet below is mostly white
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 200


def test_svg_keeps_text_as_text(result_dir, tmp_path):
    """SVG output has the names as <text>, not outlines."""
    svg = draw(result_dir, tmp_path / "map.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "Trà Linh" in svg


def test_bad_language_and_format_exit_2(result_dir, tmp_path):
    """Unknown --lang or output type: exit 2, nothing written."""
    for args in (["--lang", "fr", "--out", tmp_path / "m.png"], ["--out", tmp_path / "m.jpg"]):
        res = CliRunner().invoke(app, ["map", str(result_dir), *map(str, args)])
        assert res.exit_code == 2
    assert not any(tmp_path.iterdir())


def test_missing_result_files_exit_2(tmp_path):
    """A folder that is not a result: every missing file named, exit 2, no map."""
    res = CliRunner().invoke(app, ["map", str(tmp_path), "--out", str(tmp_path / "m.png")])
    assert res.exit_code == 2
    assert "pairs.csv" in res.output and "summary.json" in res.output
    assert not (tmp_path / "m.png").exists()


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_boundaries_without_crs_exit_2(result_dir, tmp_path):
    """A polygon layer without a CRS is bad input."""
    import geopandas as gpd
    from shapely.geometry import box

    bad = tmp_path / "b.gpkg"
    gpd.GeoDataFrame({"code": ["20950"]}, geometry=[box(0, 0, 1, 1)]).to_file(bad)
    res = CliRunner().invoke(app, ["map", str(result_dir), "--boundaries", str(bad), "--out", str(tmp_path / "m.png")])
    assert res.exit_code == 2 and "CRS" in res.output


def test_static_and_web_maps_share_colours():
    """issue 7: the HTML map takes its coverage classes and pair colours from matcher.render.style as data;
    the page's script and style sheet do not type them again."""
    import json

    from matcher.render.style import COVERAGE_CLASSES, LOCKED_COLOUR, NEW_COLOUR, NO_DATA
    from matcher.render.web import _style, asset

    style = json.loads(json.dumps(_style()))  # what travels in the page's JSON
    assert [(c["hi"], c["color"]) for c in style["classes"]] == [
        (None if hi == float("inf") else hi, colour) for hi, colour in COVERAGE_CLASSES]
    assert (style["no_data"], style["locked"], style["new"]) == (NO_DATA, LOCKED_COLOUR, NEW_COLOUR)
    code = (asset("map.js") + asset("map.css") + asset("page.html")).lower()
    for colour in [c for _, c in COVERAGE_CLASSES] + [NO_DATA, LOCKED_COLOUR, NEW_COLOUR]:
        assert colour.lower() not in code, colour


def test_plot_plan_draws_into_a_given_axes_or_its_own(result_dir):
    """issue 7: plot_plan draws the plan layers into the axes it is given (one line per pair), or makes
    a figure of its own; draw_map composes it (main map and inset)."""
    from matplotlib.figure import Figure

    from matcher.io.resultdir import read_result_dir
    from matcher.render.maps import draw_map, plot_plan
    from matcher.render.style import LOCKED_COLOUR, NEW_COLOUR

    view = read_result_dir(result_dir)
    fig = Figure(figsize=(6, 6))
    ax = fig.add_subplot()
    assert plot_plan(view, None, "en", ax=ax) is ax
    colours = {LOCKED_COLOUR, NEW_COLOUR}
    assert sum(ln.get_color() in colours for ln in ax.get_lines()) == len(view.pairs)
    labels = {tx.get_gid()[6:]: tx.get_text() for tx in ax.texts if (tx.get_gid() or "").startswith("label-")}
    paired = set(view.pairs["lowland_code"].astype(str)) | set(view.pairs["remote_code"].astype(str))
    assert set(labels) >= paired  # issue 11: every paired unit labelled ("29 Trà Linh", "An Hải →2" or "→2")
    assert "Trà Linh" in " ".join(labels.values())
    own = plot_plan(view)
    assert own.figure is not fig and sum(ln.get_color() in colours for ln in own.get_lines()) == len(view.pairs)
    sheet = draw_map(view, None, "vi")
    assert len(sheet.axes) >= 3  # plan, inset, legend


def test_map_shows_one_sentence_about_input_repairs(result_dir, tmp_path):
    """issue 7: the static map's footer carries one sentence about input repairs, not one line per row."""
    import json
    import shutil

    from matcher.i18n import t

    copy = tmp_path / "result"
    shutil.copytree(result_dir, copy)
    summary = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    summary["warnings"] = [f"units.csv:{r}: code '{r}' read as '{r:05d}'" for r in range(2, 168)]
    summary.pop("warning_details", None)
    (copy / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    text = " ".join(pdf_text(draw(copy, tmp_path / "m.pdf", "--lang", "en")).split())
    assert text.count(t("input_repairs", "en", n="166")) == 1
    assert "read as" not in text
