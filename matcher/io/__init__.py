"""Reading and writing: input tables and scenarios in, result folders out and back in."""

from .inputs import load_problem, load_scenario, read_boundaries
from .result_tables import kpis, pairs_frame, remote_frame, write_result
from .resultdir import ResultView, read_result_dir

read_result = read_result_dir

__all__ = [
    "ResultView",
    "kpis",
    "load_problem",
    "load_scenario",
    "pairs_frame",
    "read_boundaries",
    "read_result",
    "read_result_dir",
    "remote_frame",
    "write_result",
]
