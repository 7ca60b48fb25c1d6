"""issue 12: the cluster pack (matcher.render.cluster_pack, matcher report on a cluster folder)."""

from __future__ import annotations

import pypdf
import pytest
from cluster_folders import haiphong_boundaries, haiphong_folder, tiny_folder
from helpers import invoke

from matcher.clusters.cluster_view import read_cluster_dir


@pytest.fixture(scope="module")
def runner():
    from typer.testing import CliRunner

    return CliRunner()


def _pages(path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(path).pages]


def test_tiny_pack_pages_and_text(tmp_path, runner):
    """issue 12: 9 units: cover, map, balance, members, rotation, assumptions, approval = 7 pages; the
    Vietnamese names, hosts and heads are in the text; DỰ THẢO on every page until --final."""
    folder = tiny_folder(tmp_path / "c")
    r = invoke(runner, "report", folder, "--out", tmp_path / "p.pdf")
    assert r.exit_code == 0, r.output
    pages = _pages(tmp_path / "p.pdf")
    assert len(pages) == 7
    text = "\n".join(pages)
    for word in ("Thủy Nguyên", "Ngô Quyền", "Cụm 3", "Cân đối giữa các cụm", "Thành viên từng cụm",
                 "Luân phiên cụm trưởng, cụm phó", "Giả định và quy tắc", "Xác nhận và phê duyệt", "2028"):
        assert word in text, word
    assert all("DỰ THẢO" in p for p in pages)
    assert "Trang 7/7" in pages[-1]
    r = invoke(runner, "report", folder, "--final", "--out", tmp_path / "f.pdf")
    assert r.exit_code == 0, r.output
    assert not any("DỰ THẢO" in p for p in _pages(tmp_path / "f.pdf"))


def test_rotation_table_rows(tmp_path):
    """issue 12: the rotation page lists each cluster's head per year: cluster 2 in 2027 is Hải An with Kiến An."""
    from matcher.render.cluster_pack import rotation_section

    view = read_cluster_dir(tiny_folder(tmp_path / "c"))
    ops = [op for page in rotation_section(view, "vi") for op in page.ops if op[0] == "text"]
    rows: dict[float, list[str]] = {}
    for op in ops:
        rows.setdefault(round(op[2], 1), []).append(op[3])
    assert ["Cụm 2", "2027", "Hải An", "Kiến An", "Đồ Sơn"] in rows.values()
    assert sum(cells[:1] == ["Cụm 1"] for cells in rows.values()) == 3


def test_english_pack_and_no_rotation(tmp_path, runner):
    """issue 12: --lang en without rotation.csv: English headings and the 'no rotation yet' line."""
    folder = tiny_folder(tmp_path / "c", rotation=False)
    r = invoke(runner, "report", folder, "--lang", "en", "--name", "Test grouping", "--out", tmp_path / "p.pdf")
    assert r.exit_code == 0, r.output
    text = "\n".join(_pages(tmp_path / "p.pdf"))
    for word in ("Emulation clusters: Test grouping", "Balance across clusters", "No rotation yet", "DRAFT",
                 "Review and approval"):
        assert word in text, word


def test_bad_folder_exit_2(tmp_path, runner):
    """issue 12: matcher report on a cluster folder missing clusters.csv exits 2 and writes nothing."""
    folder = tiny_folder(tmp_path / "c")
    (folder / "clusters.csv").unlink()
    r = invoke(runner, "report", folder, "--out", tmp_path / "p.pdf")
    assert r.exit_code == 2 and "clusters.csv" in r.output and not (tmp_path / "p.pdf").exists()


def test_haiphong_pack(tmp_path, runner):
    """issue 12: the Hải Phòng-size pack with polygons names every host and the 2030 heads."""
    folder, bounds = haiphong_folder(), haiphong_boundaries()
    if folder is None:
        pytest.skip("../shared/data/vietnam_2025 is absent")
    r = invoke(runner, "report", folder, "--boundaries", bounds, "--out", tmp_path / "p.pdf")
    assert r.exit_code == 0, r.output
    text = " ".join(" ".join(_pages(tmp_path / "p.pdf")).split())
    view = read_cluster_dir(folder)
    names = view.names
    for code in list(view.hosts().values()) + list(view.rotation[view.rotation["year"] == 2030]["head_code"]):
        assert names[code] in text, names[code]
    assert "Bạch Long Vĩ" in text and "Cụm 15" in text


def test_folder_written_by_matcher_cluster_draws(tmp_path, runner):
    """issue 12: the contract end to end: a folder written by matcher cluster (6 units on a line, k 2,
    rotation 2026..2028) is drawn by matcher map --year and matcher report; heads of 2027 in the map."""
    from pathlib import Path

    line6 = Path(__file__).resolve().parents[1] / "data" / "clusters" / "line6.csv"
    out = tmp_path / "c"
    r = invoke(runner, "cluster", line6, "--k", "2", "--years", "2026..2028", "--out", out, "--time-limit", "2")
    assert r.exit_code == 0, r.output
    view = read_cluster_dir(out, year=2027)
    assert view.k == 2 and len(view.units) == 6 and view.years() == [2026, 2027, 2028]
    from matcher.render.cluster_map import cluster_sheet

    fig = cluster_sheet(view)
    shown = {t.get_gid()[5:] for t in fig.axes[0].texts if (t.get_gid() or "").startswith("name-")}
    assert {h for h, _ in view.leaders().values()} <= shown
    assert invoke(runner, "map", out, "--year", "2027", "--out", tmp_path / "m.pdf").exit_code == 0
    r = invoke(runner, "report", out, "--out", tmp_path / "p.pdf")
    assert r.exit_code == 0, r.output
    text = "\n".join(_pages(tmp_path / "p.pdf"))
    assert "An Lão" in text and "Cụm 2" in text


def test_a3_pack_every_page_a3(tmp_path, runner):
    """issue 12: --paper a3: every page of the cluster pack is A3 landscape (1190.6 x 841.9 pt)."""
    folder = tiny_folder(tmp_path / "c")
    r = invoke(runner, "report", folder, "--paper", "a3", "--year", "2027", "--out", tmp_path / "p.pdf")
    assert r.exit_code == 0, r.output
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in pypdf.PdfReader(tmp_path / "p.pdf").pages}
    assert sizes == {(1191, 842)}
