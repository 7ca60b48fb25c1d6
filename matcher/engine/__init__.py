"""The solver: the only package that imports ortools. The formulation is in ``stages``' docstring."""

from .stages import SOLVER_NAME, build, evaluate, feasible, min_ratio, solve

__all__ = ["SOLVER_NAME", "build", "evaluate", "feasible", "min_ratio", "solve"]
