"""matcher: pair lowland and remote communes for kết nghĩa twinning, explainably.

The public API is re-exported here; import from ``matcher`` rather than from its modules,
which may move. Names are loaded on first use, so ``import matcher`` stays light (no
solver, no plotting library until asked for).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (relative to this package)
_EXPORTS = {
    "Problem": ".model",
    "Role": ".model",
    "Rules": ".model",
    "SolveParams": ".model",
    "Unit": ".model",
    "PairRule": ".model",
    "PairStatus": ".model",
    "Travel": ".model",
    "Result": ".result",
    "Status": ".result",
    "Pair": ".result",
    "StageResult": ".result",
    "InputError": ".errors",
    "MatcherError": ".errors",
    "ValidationIssue": ".errors",
    "load_scenario": ".io",
    "load_problem": ".io",
    "read_boundaries": ".io",
    "solve": ".engine",
    "evaluate": ".engine",
    "feasible": ".engine",
    "kpis": ".kpis",
    "remote_frame": ".io",
    "pairs_frame": ".io",
    "write_result": ".io",
    "read_result": ".io",
    "draw_map": ".render.maps",
    "diagnose": ".analysis.diagnose",
    "why": ".analysis.explain",
    "what_if": ".analysis.whatif",
    # the planner's loop (issue 10): whole flows from a scenario to a published result folder
    "with_overrides": ".io.scenario",
    "run_solve": ".jobs",
    "run_whatif": ".jobs",
    "run_compare": ".jobs",
    "plan_changes": ".analysis.baseline",
    "what_if_modes": ".analysis.whatif_modes",
    "result_dirs": ".io.history",
    "history_row": ".io.history",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

_ALIASES: dict[str, str] = {}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), _ALIASES.get(name, name))
    globals()[name] = value
    _unshadow()
    return value


def _unshadow() -> None:
    """A public name that is also a submodule's name (``kpis``): importing the submodule sets
    the package attribute to the module; the public function wins again."""
    import types

    for name, module in _EXPORTS.items():
        if isinstance(globals().get(name), types.ModuleType) and module == f".{name}":
            globals()[name] = getattr(globals()[name], _ALIASES.get(name, name))


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
