"""issue 11: the review pack's paper (one size through the pack, A4 landscape or --paper a3), the
draft mark until --final, the approval block, the scenario's name on the cover (never a file
name) and a footer in the committee's words. Packs are built through the command line and read
back with pypdf."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.i18n import t

pypdf = pytest.importorskip("pypdf")

A4_LANDSCAPE = (841.89, 595.28)
A3_LANDSCAPE = (1190.55, 841.89)
APPROVAL = ("pack_prepared_by", "pack_reviewed_by", "pack_approved_by")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def build(result_dir: Path, out: Path, *options) -> pypdf.PdfReader:
    r = invoke("report", result_dir, "--out", out, *options)
    assert r.exit_code == 0, r.output
    return pypdf.PdfReader(out)


def texts(reader) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in reader.pages]


def sizes(reader) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in reader.pages}


@pytest.fixture(scope="module")
def a3_pack(danang_result_dir, tmp_path_factory):
    return build(danang_result_dir, tmp_path_factory.mktemp("paper") / "a3.pdf", "--paper", "a3", "--lang", "en")


@pytest.fixture(scope="module")
def final_pack(danang_result_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("paper") / "final.pdf"
    return build(danang_result_dir, out, "--final", "--no-commune-pages")


@pytest.fixture(scope="module")
def named(danang_result_dir, tmp_path_factory):
    """A copy whose scenario is called after its file (th_step4_zeros), packed with --name."""
    import shutil

    folder = tmp_path_factory.mktemp("named") / "result"
    shutil.copytree(danang_result_dir, folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["scenario"]["file"] = "/home/planner/th_step4_zeros.toml"
    summary["scenario"]["name"] = "th_step4_zeros"
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a4_landscape_on_every_page(danang_result_dir, tmp_path):
    """issue 11: the default pack is A4 landscape on every page, map pages included."""
    reader = build(danang_result_dir, tmp_path / "a4.pdf", "--no-commune-pages")
    got = sizes(reader)
    assert len(got) == 1
    (w, h), = got
    assert (w, h) == pytest.approx(A4_LANDSCAPE, abs=0.2)


def test_a3_landscape_on_every_page(a3_pack):
    """issue 11: --paper a3 puts every page, per-commune pages and map pages included, on A3 landscape."""
    got = sizes(a3_pack)
    assert len(got) == 1, got
    (w, h), = got
    assert (w, h) == pytest.approx(A3_LANDSCAPE, abs=0.2)
    assert len(a3_pack.pages) > 33  # the 33 per-commune pages are in it


def test_draft_mark_on_every_page_and_approval_block(pack_vi_pages, a3_pack):
    """issue 11: until --final every page carries the draft word (vi and en); the approval block,
    with its three signatures and date line, is on the last page, in the pack's language."""
    for lang, pages in (("vi", pack_vi_pages), ("en", texts(a3_pack))):
        draft = t("pack_draft", lang)
        assert all(draft in p for p in pages), [i for i, p in enumerate(pages, 1) if draft not in p]
        last = pages[-1]
        assert last.startswith(t("pack_approval", lang))
        for key in APPROVAL:
            assert t(key, lang).upper() in last
        assert last.count(t("pack_sign", lang)) == 3
        assert last.count(t("pack_sign_date", lang)) == 3


@pytest.fixture(scope="module")
def pack_vi_pages(danang_result_dir, tmp_path_factory):
    return texts(build(danang_result_dir, tmp_path_factory.mktemp("paper") / "vi.pdf", "--no-commune-pages"))


def test_final_has_no_draft_mark(final_pack):
    """issue 11: --final drops the draft word from every page (watermark and footer); the approval
    block stays."""
    pages = texts(final_pack)
    whole = " ".join(pages)
    assert t("pack_draft", "vi") not in whole
    assert "dự thảo" not in whole.lower()
    assert t("pack_approval_final", "vi") in pages[-1]
    for key in APPROVAL:
        assert t(key, "vi").upper() in pages[-1]


def test_cover_shows_scenario_name_not_file_name(named, tmp_path):
    """issue 11: a scenario named after its file still shows as 'Kịch bản: …', never with the file's
    path or suffix; --name replaces it on the cover and in every footer."""
    pages = texts(build(named, tmp_path / "p.pdf", "--no-commune-pages"))
    assert t("scenario", "vi", name="th_step4_zeros") in pages[0]
    whole = " ".join(pages)
    assert "th_step4_zeros.toml" not in whole and "/home/planner" not in whole
    pages = texts(build(named, tmp_path / "q.pdf", "--no-commune-pages", "--name", "Phương án đợt 1"))
    assert t("scenario", "vi", name="Phương án đợt 1") in pages[0]
    assert "th_step4_zeros" not in " ".join(pages)
    footer = t("scenario", "vi", name="Phương án đợt 1")
    assert all(footer in p for p in pages[2:])  # the text pages' footers (the map names it in its title)


def test_footer_in_committee_words(pack_vi_pages):
    """issue 11: the footer gives page n/N, the draft word, the scenario, the date and where the
    sources and assumptions are; no file names or column names anywhere in the pack."""
    pages = pack_vi_pages
    notes = next(i for i, p in enumerate(pages, 1) if p.startswith(t("pack_notes", "vi")))
    where = t("pack_footer_sources", "vi", page=str(notes))
    n = len(pages)
    for i, p in enumerate(pages, 1):
        assert t("pack_page", "vi", page=str(i), pages=str(n)) in p
    text_pages = [p for i, p in enumerate(pages, 1) if where in p]
    assert len(text_pages) >= n - 3  # every text page (not the map sheets)
    whole = " ".join(pages)
    for bad in ("supply_", "need_", "build.py", ".csv", ".toml", "summary.json"):
        assert bad not in whole, bad


def test_bad_paper_exits_2(danang_result_dir, tmp_path):
    """issue 11: --paper letter is bad input: exit 2, one line naming the option, nothing written."""
    out = tmp_path / "p.pdf"
    r = invoke("report", danang_result_dir, "--out", out, "--paper", "letter")
    assert r.exit_code == 2
    assert "--paper" in r.output and "a4" in r.output
    assert not out.exists()


def test_map_takes_paper(danang_result_dir, tmp_path):
    """issue 11: matcher map --paper a3 draws its PDF on A3 landscape, a4 (default) on A4 landscape."""
    for paper, want in (("a3", A3_LANDSCAPE), (None, A4_LANDSCAPE)):
        out = tmp_path / f"map_{paper}.pdf"
        r = invoke("map", danang_result_dir, "--out", out, *(["--paper", paper] if paper else []))
        assert r.exit_code == 0, r.output
        got = sizes(pypdf.PdfReader(out))
        assert len(got) == 1
        assert next(iter(got)) == pytest.approx(want, abs=0.5)  # the map sheet's inches are rounded to 0.01
