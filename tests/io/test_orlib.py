"""OR-Library GAP files: parsing both layouts, bad files named, the mapping onto the model."""

from __future__ import annotations

import pytest

from matcher.errors import InputError
from matcher.io.orlib import gap_problem, objective, read_gap
from matcher.model import Role

# 2 agents, 3 jobs: costs, loads, capacities.
ONE = "2 3\n 4 1 3\n 2 5 1\n 2 2 1\n 1 2 2\n 3 3\n"


def test_single_problem_file(tmp_path):
    """A Yagiura-style file (no count) is one problem with its m, n, costs, loads and capacities."""
    f = tmp_path / "a0203"
    f.write_text(ONE)
    [inst] = read_gap(f)
    assert (inst.name, inst.m, inst.n) == ("a0203", 2, 3)
    assert inst.cost == ((4, 1, 3), (2, 5, 1)) and inst.load == ((2, 2, 1), (1, 2, 2)) and inst.capacity == (3, 3)


def test_multi_problem_file(tmp_path):
    """An OR-Library file starts with the count; problems are named file-1, file-2."""
    f = tmp_path / "gapx.txt"
    f.write_text("2\n" + ONE + ONE.replace("3 3\n", "4 4\n"))
    insts = read_gap(f)
    assert [i.name for i in insts] == ["gapx-1", "gapx-2"] and insts[1].capacity == (4, 4)


@pytest.mark.parametrize(("text", "fragment"), [
    ("2 3 4 1 x", "value 'x': number 5 is not a whole number"),
    ("2 3 4 1 3", "is not a GAP file"),
    ("5\n" + ONE, "is not a GAP file"),
    ("2 3 -4 1 3 2 5 1 2 2 1 1 2 2 3 3", "negative numbers"),
])
def test_bad_files_are_named(tmp_path, text, fragment):
    """A bad GAP file is one InputError line naming the file (exit 2 through the CLI)."""
    f = tmp_path / "bad.txt"
    f.write_text(text)
    with pytest.raises(InputError) as info:
        read_gap(f)
    assert str(info.value).startswith("bad.txt: ") and fragment in str(info.value)


def test_mapping_onto_the_model(tmp_path):
    """Jobs are lowland 1..1, agents remote with capacity; every pair has km = cost and load = a[i][j];
    a max file minimises K - profit and objective() maps back."""
    f = tmp_path / "a0203"
    f.write_text(ONE)
    [inst] = read_gap(f)
    p = gap_problem(inst, "min")
    assert [u.role for u in p.units] == [Role.LOWLAND] * 3 + [Role.REMOTE] * 2
    assert p.partner_bounds(p.lowland[0]) == (1, 1) and p.remote[1].capacity == 3
    assert p.travel[("J0002", "A002")].km == 5 and p.travel[("J0002", "A002")].load == 2
    q = gap_problem(inst, "max")
    assert q.travel[("J0002", "A002")].km == 5 - 5 and q.travel[("J0002", "A001")].km == 5 - 1
    assert objective(inst, "max", 3.0) == 3 * 5 - 3.0 and objective(inst, "min", 7.0) == 7.0
