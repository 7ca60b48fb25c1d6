"""matcher cluster's inputs (issue 12): options, scenario tables, units, previous groupings, labels."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from matcher.clusters.cluster_io import (
    balance_names,
    options_from,
    parse_pins,
    parse_size,
    read_previous,
    read_units,
)
from matcher.clusters.cluster_job import check_inputs, hops_from
from matcher.clusters.cluster_label import label_clusters
from matcher.errors import InputError

LINE6 = Path(__file__).resolve().parents[1] / "data" / "clusters" / "line6.csv"


def test_size_band_forms():
    """issue 12: '6..9', '6-9', '7' and [6, 9] read as bands; '9..6' and 'six' are errors naming --size."""
    assert parse_size("6..9") == parse_size("6-9") == parse_size([6, 9]) == (6, 9)
    assert parse_size("7") == (7, 7)
    for bad in ("9..6", "six", "0..3"):
        with pytest.raises(InputError) as info:
            parse_size(bad)
        assert str(info.value).startswith(f"--size: value '{bad}': ")


def test_pins_and_balance_aliases():
    """issue 12: pins from repeated or comma items or a table; 'area' is area_km2; a unit pinned twice is an error."""
    assert parse_pins(["10549=1,10570=2", "10603=2"]) == {"10549": 1, "10570": 2, "10603": 2}
    assert parse_pins({"1234": 3}) == {"01234": 3}
    assert parse_pins(["01=2"]) == {"01": 2}  # a province code stays 2 digits
    assert balance_names("population, area") == ("population", "area_km2")
    with pytest.raises(InputError) as info:
        parse_pins(["10549=1", "10549=2"])
    assert "already pinned to cluster 1" in str(info.value)
    with pytest.raises(InputError):
        parse_pins(["10549=first"])


def test_scenario_table_and_command_line_override(tmp_path):
    """issue 12: [cluster] paths are relative to the toml; a command-line --k replaces the scenario's size."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "units.csv").write_bytes(LINE6.read_bytes())
    toml = tmp_path / "sub" / "clusters.toml"
    toml.write_text('[cluster]\nunits = "units.csv"\nsize = "3..3"\nbalance = ["population", "area"]\n'
                    'pins = { "01001" = 1 }\nyears = [2026, 2030]\n', encoding="utf-8")
    o = options_from(toml, {"k": None})
    assert o.units == tmp_path / "sub" / "units.csv" and o.size == (3, 3) and o.k is None
    assert o.balance == ("population", "area_km2") and o.pins == {"01001": 1} and o.years == "2026..2030"
    assert o.scenario == toml and o.contiguous is True
    o2 = options_from(toml, {"k": 3, "contiguous": False})
    assert o2.k == 3 and o2.size is None and o2.contiguous is False


def test_units_are_read_with_text_codes_and_attributes():
    """issue 12: line6.csv reads 6 units in file order, codes text, population and area_km2 as numbers."""
    u = read_units(LINE6, ("population", "area_km2"))
    assert u.codes == [f"0100{i}" for i in range(1, 7)]
    assert u.attrs["population"] == [300, 100, 100, 100, 100, 300]
    assert u.attrs["area_km2"][3] == 9.25 and u.types[:2] == ["xã", "phường"]


def test_province_codes_stay_two_digits(tmp_path):
    """issue 12: a table of 2-digit codes (one typed '1') keeps them 2 digits: '01', '31'."""
    path = tmp_path / "p.csv"
    path.write_text("code,name,lat,lon,population\n1,Hà Nội,21.0,105.8,10\n31,Hải Phòng,20.8,106.7,5\n",
                    encoding="utf-8")
    assert read_units(path, ("population",)).codes == ["01", "31"]


def test_every_units_problem_at_once(tmp_path):
    """issue 12: a duplicate code, a negative and a non-numeric population and an unknown --balance column: 4 lines."""
    path = tmp_path / "u.csv"
    path.write_text("code,name,lat,lon,population\n01001,A,20,106,5\n01001,B,20,106.1,-1\n01003,C,20,106.2,x\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_units(path, ("population", "households"))
    lines = str(info.value).splitlines()
    assert lines == [
        "u.csv:1: column 'households': is not a column of the units table; --balance names columns "
        "(have: code, name, lat, lon, population)",
        "u.csv:3: column 'code': value '01001': duplicate code (first at row 2)",
        "u.csv:3: column 'population': value '-1': must be >= 0",
        "u.csv:4: column 'population': value 'x': not a number"]


def test_previous_grouping_may_leave_out_new_units(tmp_path):
    """issue 12: a previous grouping that names only some units is read as given (the others count as moved);
    a code that is not a unit is refused."""
    units = read_units(LINE6, ("population",))
    path = tmp_path / "prev.csv"
    path.write_text("code,cluster\n01001,1\n01002,1\n", encoding="utf-8")
    assert read_previous(path, units) == {"01001": "1", "01002": "1"}
    path.write_text("code,cluster\n01001,1\n09999,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown code"):
        read_previous(path, units)


def test_check_inputs_says_k_and_size_arithmetic_before_solving():
    """issue 12: --k 4 --size 2..3 for 6 units fails with the engine's arithmetic, named --k."""
    o = options_from(LINE6, {"k": 4, "size": "2..3"})
    with pytest.raises(InputError) as info:
        check_inputs(o)
    assert str(info.value) == ("--k: value '4': 6 units cannot form 4 clusters of 2..3: 4 clusters hold between "
                               "4 x 2 = 8 and 4 x 3 = 12 units")


def test_hops_on_a_path():
    """issue 12: hop counts by BFS on a path a-b-c, d unreachable."""
    assert hops_from("a", {"a": ["b"], "b": ["a", "c"], "c": ["b"], "d": []}) == {"a": 0, "b": 1, "c": 2}


def test_labels_follow_vietnamese_name_order():
    """issue 12: cluster 1 holds the first name in Vietnamese order ('Ân Thi' before 'Bình Hà', unlike code points)."""
    units = SimpleNamespace(codes=["1", "2", "3", "4"], names=["Bình Hà", "Ân Thi", "Dương Kinh", "Kim Thành"])
    result = SimpleNamespace(k=2, clusters={"1": 0, "2": 1, "3": 0, "4": 1}, hosts=("3", "4"))
    labels, hosts, moves = label_clusters(units, result, {}, None)
    assert labels == {"1": 2, "2": 1, "3": 2, "4": 1}
    assert hosts == {2: "3", 1: "4"} and moves is None


def test_pinned_label_wins_and_the_rest_follow_name_order():
    """issue 12: a unit pinned to cluster 2 keeps label 2 even when its cluster's first name comes first."""
    units = SimpleNamespace(codes=["1", "2", "3"], names=["An", "Bình", "Cát"])
    result = SimpleNamespace(k=3, clusters={"1": 1, "2": 0, "3": 2}, hosts=("2", "1", "3"))
    labels, _, _ = label_clusters(units, result, {"1": 2}, None)
    assert labels == {"1": 2, "2": 1, "3": 3}
