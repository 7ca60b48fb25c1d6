"""The core data: picklable, indexed, self-checking settings, one table of stages."""

from __future__ import annotations

import math
import pickle

import pytest
from helpers import problem, unit

from matcher import load_problem, load_scenario
from matcher.model import MAX_SEED, STAGES, FrozenMap, Rules, SolveParams
from matcher.result import Pair, Result, StageResult, Status


@pytest.fixture(scope="module")
def danang():
    return load_problem(load_scenario(None))[0]


def test_problem_pickles_to_an_equal_object(danang):
    """Problem, its units and rules survive pickle (process pools, Dask) and stay equal."""
    again = pickle.loads(pickle.dumps(danang))
    assert again == danang
    assert again.units[5].supply == danang.units[5].supply
    assert again.unit(danang.units[7].code) == danang.units[7]


def test_result_pickles_to_an_equal_object():
    """Result, StageResult and Pair (with its staff split) pickle to equal objects."""
    res = Result(Status.OPTIMAL, (StageResult("balance", Status.OPTIMAL, 0.5, 0.5, 0.1, "ratio"),),
                 (Pair("00001", "00002", 12.5, None, "geodesic x detour", True, {"it": 2}),), 0.3, "test",
                 params={"seed": 3})
    again = pickle.loads(pickle.dumps(res))
    assert again == res and again.pairs[0].allot["it"] == 2 and again.params["seed"] == 3


def test_frozen_map_is_read_only_and_compares_like_a_dict():
    """FrozenMap refuses writes, equals a dict of the same items, and hashes."""
    m = FrozenMap({"a": 1})
    with pytest.raises(TypeError):
        m["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        m._data = {}  # type: ignore[misc]
    assert m == {"a": 1} and m != {"a": 2} and hash(m) == hash(FrozenMap({"a": 1}))


def test_unit_lookup_by_code_and_index():
    """Problem.unit is a dict lookup; Problem.index gives the position on each side."""
    p = problem([unit("L1", "lowland", {"it": 1}), unit("L2", "lowland", {"it": 1}),
                 unit("R1", "remote", need={"it": 1})])
    assert p.unit("L2").code == "L2" and p.index["L2"] == 1 and p.index["R1"] == 0
    with pytest.raises(KeyError):
        p.unit("nope")


@pytest.mark.parametrize(("field", "value"), [
    ("max_distance_km", math.nan), ("max_distance_km", math.inf), ("max_distance_km", -1.0),
    ("detour_factor", math.nan), ("detour_factor", math.inf), ("detour_factor", 0.5),
    ("max_minutes", -math.inf), ("lowland_max_partners", -1), ("objectives", ()),
    ("max_distance_km", "150"), ("detour_factor", "1.5"),  # issue 7 review: text is not a number
])
def test_rules_report_every_bad_setting(field, value):
    """Rules.problems names the setting; the constructor refuses it."""
    with pytest.raises(ValueError, match=field.split("_")[0]):
        Rules(**{field: value})


def test_rules_problems_collects_all():
    """Two bad settings give two problems, each with its name and value."""
    r = Rules.__new__(Rules)
    object.__setattr__(r, "__dict__", {**Rules().__dict__, "max_distance_km": math.nan, "detour_factor": math.inf})
    names = [k for k, _, _ in r.problems()]
    assert names == ["max_distance_km", "detour_factor"]


@pytest.mark.parametrize(("field", "value"), [
    ("time_limit_s", math.nan), ("time_limit_s", math.inf), ("time_limit_s", 0), ("workers", 0),
    ("workers", 10**6), ("seed", -1), ("seed", MAX_SEED + 1), ("workers", 1.5),
])
def test_solve_params_refuse_what_the_solver_cannot_take(field, value):
    """NaN, inf, non-positive, fractional or beyond the solver's int32: refused, naming the setting."""
    with pytest.raises(ValueError, match=field):
        SolveParams(**{field: value})


def test_stage_table_compares_in_each_sense():
    """balance is maximised, shortfall and distance minimised; tiny differences are the same."""
    assert STAGES["balance"].compare(0.5, 0.6) == "better"
    assert STAGES["distance"].compare(10.0, 11.0) == "worse"
    assert STAGES["shortfall"].compare(3, 3) == "same"
    assert STAGES["balance"].compare(None, 1) == "unknown"
    assert STAGES["distance"].unit_for(Rules(distance_metric="minutes")) == "minutes"
