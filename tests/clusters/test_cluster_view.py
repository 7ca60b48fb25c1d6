"""issue 12: a cluster result folder read for drawing (matcher.clusters.cluster_view)."""

from __future__ import annotations

import json

import pytest
from cluster_folders import tiny_folder
from helpers import invoke

from matcher.clusters.cluster_view import is_cluster_dir, read_cluster_dir
from matcher.errors import InputError


@pytest.fixture(scope="module")
def runner():
    from typer.testing import CliRunner

    return CliRunner()


def test_reads_units_clusters_hosts_and_rotation(tmp_path):
    """issue 12: 9 units in 3 clusters, hosts from is_host, leaders of a year from rotation.csv."""
    v = read_cluster_dir(tiny_folder(tmp_path / "c"), year=2027)
    assert v.k == 3 and len(v.units) == 9
    assert v.hosts() == {1: "10001", 2: "10004", 3: "10007"}
    assert v.years() == [2026, 2027, 2028]
    assert v.leaders() == {1: ("10001", ("10002",)), 2: ("10004", ("10005",)), 3: ("10007", ("10008",))}
    assert v.leaders(2026) == {1: ("10000", ("10001",)), 2: ("10003", ("10004",)), 3: ("10006", ("10007",))}
    assert v.adjacent_clusters() == {(1, 2), (2, 3)}
    assert list(v.units["code"])[:2] == ["10000", "10001"]


def test_year_not_in_rotation_names_the_years(tmp_path):
    """issue 12: --year outside the rotation is bad input naming the years present."""
    with pytest.raises(InputError) as e:
        read_cluster_dir(tiny_folder(tmp_path / "c"), year=2031)
    assert "years present: 2026, 2027, 2028" in str(e.value)


def test_year_without_rotation(tmp_path):
    """issue 12: --year on a folder without rotation.csv is bad input that says how to make one."""
    with pytest.raises(InputError) as e:
        read_cluster_dir(tiny_folder(tmp_path / "c", rotation=False), year=2026)
    assert "no rotation" in str(e.value) and "matcher rotate" in str(e.value)
    v = read_cluster_dir(tmp_path / "c")
    assert v.rotation is None and v.leaders() == {1: ("10001", ()), 2: ("10004", ()), 3: ("10007", ())}


def test_rotation_file_given_apart(tmp_path):
    """issue 12: a rotation.csv from matcher rotate given apart is read instead of the folder's."""
    folder = tiny_folder(tmp_path / "c", rotation=False)
    tiny_folder(tmp_path / "r")
    v = read_cluster_dir(folder, rotation=tmp_path / "r" / "rotation.csv", year=2028)
    assert v.leaders()[3] == ("10008", ("10006",))


def test_not_a_cluster_folder_and_missing_files(tmp_path):
    """issue 12: a twinning folder, a folder without summary.json and a missing file are bad input."""
    (tmp_path / "twin").mkdir()
    (tmp_path / "twin" / "summary.json").write_text(json.dumps({"status": "OPTIMAL"}), encoding="utf-8")
    assert not is_cluster_dir(tmp_path / "twin")
    with pytest.raises(InputError, match="not a cluster result folder"):
        read_cluster_dir(tmp_path / "twin")
    folder = tiny_folder(tmp_path / "c")
    assert is_cluster_dir(folder)
    (folder / "neighbours.csv").unlink()
    with pytest.raises(InputError, match=r"neighbours\.csv"):
        read_cluster_dir(folder)


def test_bad_rotation_member(tmp_path):
    """issue 12: a head who is not a member of the cluster: file, row, column, value."""
    folder = tiny_folder(tmp_path / "c")
    text = (folder / "rotation.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("10000", "10008", 1)
    (folder / "rotation.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_cluster_dir(folder)
    assert "rotation.csv:2: column 'head_code': value '10008'" in str(e.value)


def test_cli_bad_folder_exit_2(tmp_path, runner):
    """issue 12: matcher map on a cluster folder with a year not in the rotation, and --year on a
    twinning folder, exit 2 without a traceback and write nothing."""
    folder = tiny_folder(tmp_path / "c")
    r = invoke(runner, "map", folder, "--year", "2040", "--out", tmp_path / "m.png")
    assert r.exit_code == 2 and "years present" in r.output and not (tmp_path / "m.png").exists()
    (tmp_path / "twin").mkdir()
    (tmp_path / "twin" / "summary.json").write_text("{}", encoding="utf-8")
    r = invoke(runner, "map", tmp_path / "twin", "--year", "2026", "--out", tmp_path / "m.png")
    assert r.exit_code == 2 and "--year" in r.output


def test_province_codes_kept_and_their_rotation_matched(tmp_path):
    """issue 12: 2-digit province codes stay as given, and a rotation naming them (as matcher rotate writes
    it) names the folder's units."""
    from cluster_folders import tiny_neighbours, tiny_rotation, tiny_units, write_folder

    to2 = {f"{10000 + i:05d}": f"{i + 1:02d}" for i in range(9)}
    u = tiny_units()
    u["code"] = u["code"].map(to2)
    nb = [(to2[a], to2[b], r) for a, b, r in tiny_neighbours()]
    rot = [{**r, "head_code": to2[r["head_code"]], "deputy_codes": to2[r["deputy_codes"]], "slack": ""}
           for r in tiny_rotation()]
    folder = write_folder(tmp_path / "p", u, nb, rot)
    v = read_cluster_dir(folder, year=2026)
    assert list(v.units["code"])[:3] == ["01", "02", "03"]
    assert v.leaders() == {1: ("01", ("02",)), 2: ("04", ("05",)), 3: ("07", ("08",))}


def test_cli_rotation_option(tmp_path, runner):
    """issue 12: --rotation draws another rotation.csv; on a twinning folder it is refused (exit 2)."""
    folder = tiny_folder(tmp_path / "c", rotation=False)
    tiny_folder(tmp_path / "r")
    r = invoke(runner, "map", folder, "--year", "2028", "--rotation", tmp_path / "r" / "rotation.csv",
               "--out", tmp_path / "m.png")
    assert r.exit_code == 0, r.output
    r = invoke(runner, "report", folder, "--rotation", tmp_path / "r" / "rotation.csv", "--out", tmp_path / "p.pdf")
    assert r.exit_code == 0, r.output
    (tmp_path / "twin").mkdir()
    (tmp_path / "twin" / "summary.json").write_text("{}", encoding="utf-8")
    r = invoke(runner, "report", tmp_path / "twin", "--rotation", tmp_path / "r" / "rotation.csv",
               "--out", tmp_path / "p2.pdf")
    assert r.exit_code == 2 and "--rotation" in r.output
