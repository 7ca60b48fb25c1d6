"""issue 11: the review pack's per-commune pages, its "why this partner" section in the committee's
terms (the runner-up and what taking it would cost) and its flags section; folders written
before flags and runner-up columns still build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from matcher.i18n import DASH, t
from matcher.io.resultdir import read_result_dir
from matcher.render.pack import write_pack

pypdf = pytest.importorskip("pypdf")


def texts(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in pypdf.PdfReader(path).pages]


def commune_pages(pages: list[str], lang: str = "vi") -> list[str]:
    head = f"{t('pack_communes', lang)} · "
    return [p for p in pages if p.startswith(head)]


def pack(folder: Path, out: Path, lang: str = "vi", boundaries=None, **options) -> list[str]:
    write_pack(read_result_dir(folder), boundaries, lang, out, **options)
    return texts(out)


@pytest.fixture(scope="module")
def danang_pages(danang_result_dir, tmp_path_factory) -> list[str]:
    return pack(danang_result_dir, tmp_path_factory.mktemp("communes") / "pack.pdf")


def test_one_page_per_remote_commune(danang_pages, danang_result_dir):
    """issue 11: Da Nang's 33 remote communes get one page each (on by default), numbered k/33 and
    titled with the commune's name, in Vietnamese order."""
    remote = pd.read_csv(danang_result_dir / "remote_summary.csv", dtype=str, encoding="utf-8-sig")
    pages = commune_pages(danang_pages)
    assert len(remote) == 33 and len(pages) == 33
    for k, p in enumerate(pages, 1):
        assert p.startswith(f"{t('pack_communes', 'vi')} · {k}/33 ")
    titles = [p.split(" · ", 1)[1].split(" ", 1)[1] for p in pages]
    assert sorted(remote.remote_name) == sorted(n for n in remote.remote_name if any(x.startswith(n) for x in titles))
    assert titles[0].startswith("Avương")


def test_commune_page_needs_table(danang_pages, danang_result_dir):
    """issue 11: a commune's page shows its need per domain, what its partner sends and the uncovered
    need, with a totals row equal to remote_summary.csv (Hùng Sơn: need 13, covered 12, 1 short)."""
    remote = pd.read_csv(danang_result_dir / "remote_summary.csv", dtype={"remote_code": str}, encoding="utf-8-sig")
    r = remote.set_index("remote_name").loc["Hùng Sơn"]
    page = next(p for p in commune_pages(danang_pages) if p.split(" · ", 1)[1].split(" ", 1)[1].startswith("Hùng Sơn"))
    uncovered = int(sum(r[c] for c in remote.columns if c.startswith("uncovered_")))
    assert (int(r.need_total), int(r.covered_total), uncovered) == (13, 12, 1)
    # total row: need, the one partner's staff (13 sent, of which 12 count), covered, uncovered
    assert re.search(rf"{t('pack_total', 'vi')} 13 \d+ 12 1 ", page), page
    assert "Hải Châu" in page and t("kind_locked", "vi") in page and "152 km" in page


def test_runner_up_sentence_on_pages(danang_pages, danang_result_dir):
    """issue 11: each pair's runner-up sentence (pairs.csv alt_change_vi) is on its commune's page and
    in the why section; a pair without one shows a dash."""
    pairs = pd.read_csv(danang_result_dir / "pairs.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert "alt_change_vi" in pairs.columns
    whole = " ".join(danang_pages)
    with_alt = pairs[pairs.alt_change_vi.str.strip() != ""]
    assert len(with_alt) > 0
    for sentence in with_alt.alt_change_vi.head(5):
        assert sentence[:1].upper() + sentence[1:] in whole
    why = " ".join(p for p in danang_pages if p.startswith(t("pack_why", "vi")))
    assert t("pack_alternative", "vi") in why and t("pack_alt_cost", "vi") in why
    without = pairs[pairs.alt_change_vi.str.strip() == ""]
    for name in without.lowland_name.head(3):
        assert t("pack_instead_of", "vi", name=name, alt=DASH) in whole


def test_commune_pages_off_above_the_limit_unless_forced(danang_result_dir, tmp_path, monkeypatch):
    """issue 11: above the limit (lowered here to 20 for the 33 Da Nang communes) the pages are off
    by default, and the why section says so; --commune-pages forces them, --no-commune-pages drops them."""
    import matcher.render.commune_page as cp

    monkeypatch.setattr(cp, "COMMUNE_PAGES_MAX", 20)
    pages = pack(danang_result_dir, tmp_path / "off.pdf")
    assert commune_pages(pages) == []
    assert t("pack_communes_skipped", "vi", n="33", limit="20") in " ".join(pages)
    assert len(commune_pages(pack(danang_result_dir, tmp_path / "on.pdf", commune_pages=True))) == 33
    monkeypatch.setattr(cp, "COMMUNE_PAGES_MAX", 60)
    pages = pack(danang_result_dir, tmp_path / "no.pdf", commune_pages=False)
    assert commune_pages(pages) == []
    assert t("pack_communes_skipped", "vi", n="33", limit="60") not in " ".join(pages)


def test_thanh_hoa_size_pack(thanh_hoa_result, thanh_hoa_boundaries, tmp_path):
    """issue 11: the 166-unit synthetic province (45 remote communes) gets 45 commune pages with their
    polygons, every page of the pack the same size."""
    import geopandas as gpd

    out = tmp_path / "th.pdf"
    pages = pack(thanh_hoa_result, out, boundaries=gpd.read_file(thanh_hoa_boundaries))
    assert len(commune_pages(pages)) == 45
    sizes = {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
             for p in pypdf.PdfReader(out).pages}
    assert sizes == {(841.9, 595.3)}


def _with_summary(folder: Path, **changes) -> None:
    path = folder / "summary.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    for k, v in changes.items():
        if v is None:
            summary.pop(k, None)
        else:
            summary[k] = v
    path.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")


FLAGS = [
    {"kind": "no_staff", "lowland_code": "20506", "remote_code": "20458", "value": None, "limit": None,
     "text_vi": "Thượng Đức – Avương: cặp không cử được cán bộ nào", "text_en": "Thượng Đức – Avương: moves no staff"},
    {"kind": "locked_beyond_cap", "lowland_code": "20242", "remote_code": "20443", "value": 152.2, "limit": 150.0,
     "text_vi": "Hải Châu – Hùng Sơn: cách 152 km, vượt giới hạn 150 km",
     "text_en": "Hải Châu – Hùng Sơn: 152 km, beyond the 150 km cap"},
    {"kind": "locked_beyond_cap", "lowland_code": "20254", "remote_code": "20461", "value": 177.0, "limit": 150.0,
     "text_vi": "An Hải – Trà Linh: cách 177 km, vượt giới hạn 150 km",
     "text_en": "An Hải – Trà Linh: 177 km, beyond the 150 km cap"},
]


def flags_pages(pages: list[str], lang: str) -> str:
    title = t("pack_flags", lang)
    return " ".join(p for p in pages if p.startswith(title))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_flags_section_lists_constructed_flags(danang_copy, tmp_path, lang):
    """issue 11: a zero-staff pair and two locked pairs beyond the cap are listed grouped by kind with
    their counts, each flag's sentence in the pack's language."""
    _with_summary(danang_copy, flags=FLAGS)
    section = flags_pages(pack(danang_copy, tmp_path / "f.pdf", lang, commune_pages=False), lang)
    one = t("pack_flag_group", lang, label=t("pack_flag_no_staff", lang), n="1")
    two = t("pack_flag_group", lang, label=t("pack_flag_locked_beyond_cap", lang), n="2")
    assert one in section and two in section and section.index(one) < section.index(two)
    for f in FLAGS:
        assert f[f"text_{lang}"] in section
    assert t("pack_flags_note", lang, n="3") in section


def test_no_flags_and_no_record(danang_copy, tmp_path):
    """issue 11: an empty flag list says 'Không có.'; a folder without the key (written before flags)
    says no checks were recorded; both build."""
    _with_summary(danang_copy, flags=[])
    assert t("pack_none", "vi") in flags_pages(pack(danang_copy, tmp_path / "a.pdf", commune_pages=False), "vi")
    _with_summary(danang_copy, flags=None)
    section = flags_pages(pack(danang_copy, tmp_path / "b.pdf", commune_pages=False), "vi")
    assert t("pack_flags_unrecorded", "vi") in section


def test_folder_without_runner_up_columns_builds(danang_copy, tmp_path):
    """issue 11: a pairs.csv without alt_* columns (an older folder) and a summary without flags still
    make the whole pack, per-commune pages included, with dashes for the runner-up."""
    pairs = pd.read_csv(danang_copy / "pairs.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    alt = [c for c in pairs.columns if c.startswith("alt_")]
    assert alt
    kept = [c for c in pairs.columns if c not in alt]
    pairs[kept].to_csv(danang_copy / "pairs.csv", index=False, encoding="utf-8-sig")
    csvt = danang_copy / "pairs.csvt"
    if csvt.exists():
        types = csvt.read_text(encoding="utf-8").strip().split(",")
        csvt.write_text(",".join(ty for c, ty in zip(pairs.columns, types, strict=True) if c in kept) + "\n",
                        encoding="utf-8")
    _with_summary(danang_copy, flags=None)
    pages = pack(danang_copy, tmp_path / "old.pdf")
    assert len(commune_pages(pages)) == 33
    whole = " ".join(pages)
    assert t("pack_instead_of", "vi", name="Hội An", alt=DASH) in whole
    assert "nếu thay" not in whole
