"""issue 8: the type D/E generator (benchmarks/gap_generate.py) is seeded and writes files the GAP reader takes."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from matcher.io.orlib import read_gap

_SPEC = importlib.util.spec_from_file_location(
    "gap_generate", Path(__file__).resolve().parents[2] / "benchmarks" / "gap_generate.py")
gen = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(gen)


@pytest.mark.parametrize("kind", ["D", "E"])
def test_same_seed_same_problem(kind):
    """issue 8: a (type, m, n) gives the same numbers every time; another seed gives others."""
    assert gen.generate(kind, 5, 30) == gen.generate(kind, 5, 30)
    assert gen.generate(kind, 5, 30) != gen.generate(kind, 5, 30, seed="other")
    assert gen.generate(kind, 5, 30) != gen.generate(kind, 6, 30)


def test_type_d_follows_the_rules():
    """issue 8: type D has a in 1..100, c = 111 - a + e with |e| <= 10, b = floor(0.8 sum a / m)."""
    cost, load, cap = gen.generate("D", 4, 200)
    assert all(1 <= a <= 100 for row in load for a in row)
    assert all(abs(c - (111 - a)) <= 10 for cr, ar in zip(cost, load, strict=True) for c, a in zip(cr, ar, strict=True))
    assert cap == [math.floor(0.8 * sum(row) / 4) for row in load]


def test_type_e_follows_the_rules():
    """issue 8: type E has a >= 1 and c = floor(1000 / a - 10 u) (so 1000/a - 10 <= c + 1 and c <= 1000/a), c >= 0."""
    cost, load, cap = gen.generate("E", 4, 200)
    for cr, ar in zip(cost, load, strict=True):
        for c, a in zip(cr, ar, strict=True):
            assert a >= 1 and c >= 0 and c <= 1000 / a and (c >= 1000 / a - 11 or c == 0)
    assert cap == [math.floor(0.8 * sum(row) / 4) for row in load]


def test_written_files_read_back(tmp_path):
    """issue 8: every written file is one problem that read_gap returns unchanged, named like Yagiura's."""
    paths = gen.write_all(tmp_path, sizes=((3, 14), (2, 5)))
    assert [p.name for p in paths] == ["d0314", "d025", "e0314", "e025"]
    for p in paths:
        [inst] = read_gap(p)
        cost, load, cap = gen.generate(p.name[0].upper(), inst.m, inst.n)
        assert (inst.name, inst.cost, inst.load, inst.capacity) == (
            p.name, tuple(map(tuple, cost)), tuple(map(tuple, load)), tuple(cap))
    assert all(len(line.split()) <= 12 for line in paths[0].read_text().splitlines())
