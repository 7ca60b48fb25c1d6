"""The committee review pack (``matcher report``): a PDF whose text is real, searchable text.

The Da Nang default is solved once per module; the packs are built through the command line
and read back with pypdf."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.i18n import LANGS, STRINGS, fmt_km, fmt_percent, t

pypdf = pytest.importorskip("pypdf")

BOUNDARIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "danang_2025" / "boundaries.geojson"
A4_LANDSCAPE = (841.89, 595.28)


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def result_dir(danang_result_dir) -> Path:
    """The Da Nang default, solved once per session (tests/conftest.py)."""
    return danang_result_dir


@pytest.fixture(scope="module")
def summary(result_dir) -> dict:
    return json.loads((result_dir / "summary.json").read_text(encoding="utf-8"))


def build(result_dir: Path, name: str, *options) -> tuple[Path, pypdf.PdfReader]:
    out = result_dir.parent / "packs" / name
    r = invoke("report", result_dir, "--out", out, *options)
    assert r.exit_code == 0, r.output
    assert out.exists() and out.stat().st_size > 0
    return out, pypdf.PdfReader(out)


def texts(reader) -> list[str]:
    """Each page's text, whitespace runs collapsed to one space."""
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in reader.pages]


@pytest.fixture(scope="module")
def pack_vi(result_dir):
    return build(result_dir, "pack_vi.pdf")[1]


@pytest.fixture(scope="module")
def pack_en(result_dir):
    return build(result_dir, "pack_en.pdf", "--lang", "en")[1]


@pytest.fixture(scope="module")
def pages_vi(pack_vi) -> list[str]:
    return texts(pack_vi)


@pytest.fixture(scope="module")
def pages_en(pack_en) -> list[str]:
    return texts(pack_en)


def expected(x: float, lang: str, decimals: int) -> str:
    """A number as the pack must print it: vi 4.884,8 / en 4,884.8 (written independently of matcher.render.pack)."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".") if lang == "vi" else s


def size(page) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


# ---- content --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_cover_shows_title_and_headline_figures(lang, pages_vi, pages_en, summary):
    """The cover carries the title in the pack's language and the headline figures as printed,
    each on the line of its label."""
    cover = (pages_vi if lang == "vi" else pages_en)[0]
    assert t("title", lang) in cover
    other = "en" if lang == "vi" else "vi"
    assert t("title", other) not in cover
    assert summary["n_pairs"] == 60 and summary["n_locked_pairs"] == 15
    pct = fmt_percent(summary["min_coverage"], lang)
    for label, value in [
        (t("n_pairs", lang), "60"),
        (t("n_locked", lang), "15"),
        (t("pack_n_new", lang), "45"),
        (t("min_coverage", lang), pct),
        (t("total_shortfall", lang), expected(summary["total_shortfall"], lang, 0)),
        (t("total_distance", lang), fmt_km(summary["total_distance_km"], lang)),
        (t("longest_distance", lang), fmt_km(summary["longest_distance_km"], lang)),
        (t("status", lang), t("status_optimal", lang)),
    ]:
        assert f"{label} {value}" in cover, (label, value, cover)
    assert pct == "75%"  # the Da Nang default's proven optimum, in the one number rule
    assert t("scenario", lang, name=summary["scenario"]["name"]) in cover


def test_pack_has_names_with_diacritics_and_numbered_pages(pages_vi):
    """Names come out of the PDF with every diacritic; every page says which of how many it is."""
    pages = pages_vi
    assert len(pages) >= 5
    whole = " ".join(pages)
    for name in ("Trà Linh", "An Hải", "Ngũ Hành Sơn", "Đông Giang"):
        assert name in whole
    for n, text in enumerate(pages, 1):
        assert t("pack_page", "vi", page=n, pages=len(pages)) in text


def test_english_pack_is_in_english(pages_en):
    pages = pages_en
    assert len(pages) >= 5
    assert t("pack_page", "en", page=1, pages=len(pages)) in pages[0]
    assert t("pack_notes", "en") in pages[-2]
    assert t("pack_approval", "en") in pages[-1]  # issue 11: the approval page comes last
    assert t("pack_notes", "vi") not in " ".join(pages)


def test_page_sizes_and_map_page(pack_vi, pages_vi):
    """issue 11: every page is A4 landscape, the map page (matcher.render.maps) included; page 2 is the
    map, with the pack's page number."""
    sizes = [size(p) for p in pack_vi.pages]
    assert all(s == pytest.approx(A4_LANDSCAPE, abs=0.5) for s in sizes), set(sizes)
    pages = pages_vi
    assert t("pack_page", "vi", page=2, pages=len(pages)) in pages[1]
    assert t("pack_map", "vi") in pages[0]


def test_contents_give_the_right_pages(pages_vi):
    """Each section listed on the cover starts on the page given there."""
    pages = pages_vi
    for key in ("pack_flags", "pack_pairs", "pack_coverage", "pack_why", "pack_communes", "pack_locked", "pack_notes",
                "pack_approval"):
        title = t(key, "vi")
        m = re.search(re.escape(title) + r" (\d+)", pages[0])
        assert m, title
        assert pages[int(m.group(1)) - 1].startswith(title), title


def section(pages: list[str], key: str, lang: str = "vi") -> list[str]:
    """The pages of one section: its first page and its continuations."""
    title = t(key, lang)
    cont = t("pack_continued", lang, title=title)
    return [p for p in pages if p.startswith(title) or p.startswith(cont)]


def test_pairs_table_lists_every_pair_with_header_on_every_page(pages_vi, result_dir):
    pairs = pd.read_csv(result_dir / "pairs.csv", dtype=str, encoding="utf-8-sig")
    pages = section(pages_vi, "pack_pairs")
    assert len(pages) >= 2  # 60 pairs do not fit one A4 page; the header is repeated
    for p in pages:
        assert t("pack_domains_covered", "vi") in p and t("pack_row", "vi") in p
    body = " ".join(pages)
    for name in pairs.lowland_name:
        assert name in body
    locked = pairs.locked.str.lower().eq("true").sum()
    assert body.count(f" {t('kind_locked', 'vi')} ") == locked  # one row per pair, each with its kind
    assert len(re.findall(rf" {t('kind_new', 'vi')} ", body)) == len(pairs) - locked
    first = pages[0]
    assert first.index("Avương") < first.index("Bến Giằng") < first.index("Đắc Pring")  # Vietnamese order


def test_coverage_table_totals(pages_vi, result_dir, summary):
    """The totals row adds up the per-remote table; its uncovered need is the total shortfall."""
    remote = pd.read_csv(result_dir / "remote_summary.csv", encoding="utf-8-sig")
    pages = section(pages_vi, "pack_coverage")
    assert pages
    need, covered = remote.need_total.sum(), remote.covered_total.sum()
    uncovered = [c for c in remote.columns if c.startswith("uncovered_")]
    assert remote[uncovered].to_numpy().sum() == summary["total_shortfall"]
    total = f"{t('pack_total', 'vi')} {need} {covered} {fmt_percent(covered / need, 'vi')}"
    assert total in pages[-1]


def test_locked_pairs_and_notes(pages_vi, summary):
    pages = pages_vi
    locked = " ".join(section(pages, "pack_locked"))
    assert t("pack_locked_note", "vi", n=summary["n_locked_pairs"]) in locked
    assert "Trà Linh" in locked and "An Hải" in locked  # an existing twinning, kept
    notes = " ".join(section(pages, "pack_notes"))
    assert "Công văn 389" in notes  # first assumption
    assert "Quyết định 900/QĐ-TTg" in notes  # a source, in Vietnamese in the vi pack
    for stage in ("balance", "shortfall", "distance"):
        assert t(f"stage_{stage}", "vi") in notes


def test_text_is_embedded_truetype(pack_vi):
    """pdf.fonttype 42: every font is embedded TrueType with a Unicode map, none Type 3."""
    seen = set()
    for page in pack_vi.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            assert font["/Subtype"] != "/Type3", font
            seen.add(str(font["/BaseFont"]))
            assert "/ToUnicode" in font
    assert any("DejaVuSans" in f for f in seen)


@pytest.mark.skipif(not BOUNDARIES.exists(), reason=f"{BOUNDARIES} not present")
def test_pack_with_boundaries(result_dir):
    """issue 11: with polygons (the small maps draw them too) every page is still A4 landscape."""
    _, reader = build(result_dir, "pack_boundaries.pdf", "--boundaries", BOUNDARIES)
    assert len(reader.pages) >= 5
    assert all(size(p) == pytest.approx(A4_LANDSCAPE, abs=0.5) for p in reader.pages)


ROW_LINES = [f"units.csv:{r}: code '{r - 1}' read as '{r - 1:05d}'" for r in range(2, 168)]
GROUPED = "units.csv: 166 codes typed as numbers were zero-padded to 5 digits (rows 2–167)"


@pytest.mark.parametrize(("lang", "warnings", "details"), [
    ("vi", ROW_LINES, None),  # a folder written before warnings were grouped
    ("en", [GROUPED], [{"kind": "code_padded", "source": "units.csv", "count": 166, "rows": list(range(2, 168)),
                        "message": "codes typed as numbers were zero-padded to 5 digits"}]),
])
def test_input_repairs_are_one_sentence_not_one_line_per_row(danang_copy, tmp_path, lang, warnings, details):
    """issue 7: 166 row warnings of one kind give exactly one sentence in the pack, in its language,
    and none of the per-row lines (they were five pages)."""
    summary = json.loads((danang_copy / "summary.json").read_text(encoding="utf-8"))
    summary["warnings"] = warnings
    summary.pop("warning_details", None)
    if details is not None:
        summary["warning_details"] = details
    (danang_copy / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "pack.pdf"
    r = invoke("report", danang_copy, "--out", out, "--lang", lang)
    assert r.exit_code == 0, r.output
    text = " ".join(texts(pypdf.PdfReader(out)))
    from matcher.render.pack_pages import committee_text

    assert text.count(committee_text(t("input_repairs", lang, n="166"), lang)) == 1  # issue 11: no file names
    assert "read as" not in text and "zero-padded" not in text and "(rows 2–167)" not in text
    assert t("pack_warnings", lang) in " ".join(section(texts(pypdf.PdfReader(out)), "pack_notes", lang))


# ---- bad input ------------------------------------------------------------------------


def test_folder_without_summary_exits_2_and_writes_nothing(result_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(result_dir, broken)
    (broken / "summary.json").unlink()
    out = tmp_path / "out" / "pack.pdf"
    r = invoke("report", broken, "--out", out)
    assert r.exit_code == 2
    assert "summary.json" in r.output
    assert not out.exists() and not out.parent.exists()


def test_unknown_language_exits_2(result_dir, tmp_path):
    out = tmp_path / "pack.pdf"
    r = invoke("report", result_dir, "--out", out, "--lang", "fr")
    assert r.exit_code == 2
    assert not out.exists()


# ---- pieces ---------------------------------------------------------------------------


def test_vietnamese_sort_order():
    from matcher.render.pack import vi_sort_key

    names = ["Đông Giang", "Ân Hòa", "Avương", "Dục Mỹ", "Đắc Pring", "Bến Hiên", "An Hải", "Ă Tiên", "A Nông"]
    assert sorted(names, key=vi_sort_key) == [
        "A Nông", "An Hải", "Avương", "Ă Tiên", "Ân Hòa", "Bến Hiên", "Dục Mỹ", "Đắc Pring", "Đông Giang",
    ]
    tones = ["Ma", "Mạ", "Mà", "Má", "Mả", "Mã"]  # a à ả ã á ạ
    assert sorted(tones, key=vi_sort_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]


def test_pack_strings_have_both_languages_and_glyphs():
    """Every review-pack string exists in both languages, and DejaVu Sans has a glyph for every
    character of every string and unit name the pack may show."""
    from matplotlib import ft2font
    from matplotlib.font_manager import FontProperties, findfont

    render = Path(__file__).resolve().parents[2] / "matcher" / "render"
    source = "".join((render / f).read_text(encoding="utf-8")
                     for f in ("pack.py", "pack_pages.py", "commune_page.py", "pdf.py", "common.py"))
    used = set(re.findall(r'\bt\(\s*"(\w+)"', source))
    keys = used | {k for k in STRINGS if k.startswith(("pack_", "stage_", "status_", "domain_"))}
    assert "title" in keys and "pack_page" in keys
    for k in keys:
        assert set(STRINGS[k]) == set(LANGS), k
    units = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "danang_2025" / "units.csv", dtype=str)
    chars = set("".join(v for k in keys for v in STRINGS[k].values())) | set("".join(units.name))
    for weight in ("normal", "bold"):
        font = ft2font.FT2Font(findfont(FontProperties(family="DejaVu Sans", weight=weight)))
        missing = [c for c in chars if not c.isspace() and font.get_char_index(ord(c)) == 0]
        assert not missing, missing
