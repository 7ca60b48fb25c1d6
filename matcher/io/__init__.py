"""Reading and writing: input tables and scenarios in, result folders out and back in.

``tables`` reads one table and parses its cells; ``inputs`` turns units, pairs, travel and
plan tables into model objects; ``scenario`` reads scenario files and command-line settings
and loads a whole problem; ``geo`` reads layers and boundaries.
"""

from ..kpis import kpis
from .geo import read_boundaries
from .inputs import read_pairs, read_plan, read_table, read_travel, read_units
from .result_tables import pairs_frame, remote_frame, write_result
from .resultdir import ResultView, read_result_dir
from .scenario import (
    Scenario,
    default_scenario_path,
    load_problem,
    load_scenario,
    override_problems,
    parse_objectives,
    parse_pair_args,
    parse_tolerances,
    read_scenario,
    with_overrides,
)

read_result = read_result_dir

__all__ = [
    "ResultView",
    "Scenario",
    "default_scenario_path",
    "kpis",
    "load_problem",
    "load_scenario",
    "override_problems",
    "pairs_frame",
    "parse_objectives",
    "parse_pair_args",
    "parse_tolerances",
    "read_boundaries",
    "read_pairs",
    "read_plan",
    "read_result",
    "read_result_dir",
    "read_scenario",
    "read_table",
    "read_travel",
    "read_units",
    "remote_frame",
    "with_overrides",
    "write_result",
]
