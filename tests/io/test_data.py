"""The embedded Da Nang 2025 default: reproducible from the shared facts, labelled honestly."""

from __future__ import annotations

import runpy
from pathlib import Path

import pandas as pd
import pytest

from matcher.io.scenario import default_scenario_path, load_problem, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "danang_2025"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data/danang_2025 not present")
def test_build_reproduces_committed_files(tmp_path):
    """data/danang_2025/build.py rebuilds units.csv and pairs.csv byte for byte."""
    mod = runpy.run_path(str(ROOT / "data" / "danang_2025" / "build.py"))
    mod["build"](SHARED, tmp_path)
    for name in ("units.csv", "pairs.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / "danang_2025" / name).read_bytes()


def test_default_roles_and_labels():
    """60 lowland, 33 remote, 1 excluded; every staff figure is marked illustrative."""
    units = pd.read_csv(default_scenario_path().parent / "units.csv", dtype=str, keep_default_na=False)
    assert units["role"].value_counts().to_dict() == {"lowland": 60, "remote": 33, "excluded": 1}
    active = units[units["role"] != "excluded"]
    assert active["staff_figures"].str.startswith("illustrative").all()
    assert units["code"].str.fullmatch(r"\d{5}").all()


def test_default_problem_and_assumptions():
    """The scenario loads; its assumptions say the staff figures are illustrative."""
    sc = load_scenario(None)
    p, _warnings = load_problem(sc)
    assert (len(p.lowland), len(p.remote), len(p.locked)) == (60, 33, 15)
    assert p.domains == ("it", "digital", "planning", "construction", "finance", "land")
    assert any("ILLUSTRATIVE" in a for a in p.assumptions)
    assert p.unit("20458").name == "Avương"
