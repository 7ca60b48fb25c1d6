"""The registry (vietnamadminunits): provinces by name or code, a province's 2025 units, legacy names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.errors import InputError
from matcher.io import registry

DATA = Path(__file__).resolve().parents[2] / "data"


def test_provinces_are_the_34_of_2025():
    """issue 9: the registry gives the 34 provinces of 2025, each with a 2-digit code."""
    found = registry.provinces()
    assert len(found) == 34
    assert all(len(p.code) == 2 and p.code.isdigit() for p in found)
    assert registry.find_province("38").name == "Thanh Hóa"


@pytest.mark.parametrize("query", ["Thanh Hóa", "thanh hoa", "THANH HOÁ", "Tỉnh Thanh Hóa", "tinh thanh hoa",
                                   "38", "038", "  Thanh Hoá "])
def test_province_by_name_any_spelling_or_code(query):
    """issue 9: a province is found with or without diacritics, in any case, with or without 'tỉnh', or by code."""
    assert registry.find_province(query).code == "38"


@pytest.mark.parametrize(("query", "code"), [("TP Hồ Chí Minh", "79"), ("thành phố Huế", "46"), ("hue", "46"),
                                             ("Đà Nẵng", "48"), ("Thành phố Đà Nẵng", "48")])
def test_city_prefixes_are_optional(query, code):
    """issue 9: 'thành phố' / 'TP' prefixes are optional."""
    assert registry.find_province(query).code == code


def test_unknown_province_lists_close_names():
    """issue 9: an unknown province is an error naming the closest provinces."""
    with pytest.raises(InputError) as e:
        registry.find_province("Thanh Hao")
    assert str(e.value.issues[0]) == "--province: value 'Thanh Hao': unknown province; close names: Thanh Hóa, " \
        "Khánh Hòa, Hà Nội"


def test_former_province_says_where_it_went():
    """issue 9: a pre-2025 province is told which 2025 province it is part of."""
    with pytest.raises(InputError) as e:
        registry.find_province("Quảng Nam")
    assert "now part of Đà Nẵng" in str(e.value.issues[0])


def test_units_of_a_province():
    """issue 9: Thanh Hóa's 166 units, 5-digit text codes, points in Vietnam, types, former units."""
    units = registry.units(["38"])
    assert len(units) == 166
    assert len({u.code for u in units}) == 166
    assert all(len(u.code) == 5 and u.code.isdigit() for u in units)
    assert all(8 < u.lat < 24 and 102 < u.lon < 110 for u in units)
    assert {u.kind for u in units} <= {"ward", "commune", "special_zone"}
    ham_rong = next(u for u in units if u.code == "14758")
    assert (ham_rong.name, ham_rong.full_name, ham_rong.kind) == ("Hàm Rồng", "Phường Hàm Rồng", "ward")
    assert "Phường Nam Ngạn" in [f.name for f in ham_rong.former]


def test_registry_points_agree_with_the_da_nang_data():
    """issue 9: the registry's codes, points and areas are those of data/danang_2025 (both from the merger map)."""
    table = pd.read_csv(DATA / "danang_2025" / "units.csv", dtype=str)
    units = {u.code: u for u in registry.units(["48"])}
    assert set(table["code"]) == set(units)
    for code, lat, lon in zip(table["code"], table["lat"], table["lon"], strict=True):
        assert (units[code].lat, units[code].lon) == (float(lat), float(lon))


def test_source_is_citable():
    """issue 9: the source names the package, its version, address and data date."""
    src = registry.source()
    assert src.package == "vietnamadminunits" and src.version
    assert "github.com/tranngocminhhieu/vietnamadminunits" in src.cite() and registry.DATA_DATE in src.cite()


def test_legacy_name_with_district():
    """issue 9: a former commune named with its district maps to its 2025 unit, with a note and the source."""
    code, name, note = registry.legacy_unit("Xã Quảng Phú, Thọ Xuân")
    assert (code, name) == ("15574", "Xuân Tín")
    assert "Huyện Thọ Xuân" in note and "15571" in note and "vietnamadminunits" in note


def test_legacy_name_ambiguous_gives_none_and_candidates():
    """issue 9: a legacy name shared by communes that went to different units gives None; candidates list them."""
    assert registry.legacy_unit("Quảng Phú") is None
    found = registry.legacy_candidates("Quảng Phú")
    assert len({m.code for m in found}) >= 5
    assert len({m.former.province for m in found}) >= 4


def test_legacy_name_narrowed_by_old_or_new_province():
    """issue 9: the province narrows a legacy name, given as the old province or the 2025 one."""
    assert registry.legacy_unit("Quảng Phú", "Quảng Bình")[0] == "19021"
    assert registry.legacy_unit("Quảng Phú", "Quảng Trị")[0] == "19021"
    assert registry.legacy_unit("Quảng Phú", "Thanh Hóa") is None  # a commune and a ward of that name


def test_legacy_diacritics_decide_when_typed():
    """issue 9: 'Quang Phú' and 'Quảng Phú' are different communes when typed with diacritics."""
    assert registry.legacy_unit("Quang Phú", "Quảng Bình")[0] == "18859"
    assert registry.legacy_unit("quang phu", "Quảng Bình") is None


def test_legacy_split_unit_names_the_other_parts():
    """issue 9: a former unit split between 2025 units maps to the registry's main successor and names the rest."""
    code, _, note = registry.legacy_unit("Thị trấn Hà Trung", "Thanh Hóa")
    assert code == "15271"
    assert "split" in note and "Hoạt Giang (15286)" in note


def test_legacy_unknown_name():
    """issue 9: a name no former unit had gives None."""
    assert registry.legacy_unit("Không Có Xã Này") is None
    assert registry.legacy_unit("") is None


def test_registry_missing_is_an_input_error(monkeypatch):
    """issue 9: without the registry package the error says how to install it."""
    monkeypatch.setattr(registry.importlib.util, "find_spec", lambda name: None)
    registry._data_dir.cache_clear()
    try:
        with pytest.raises(InputError, match="pip install vietnamadminunits"):
            registry._data_dir()
    finally:
        monkeypatch.undo()
        registry._data_dir.cache_clear()
