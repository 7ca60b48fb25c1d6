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
}

__all__ = ["__version__", *sorted(_EXPORTS)]

_ALIASES: dict[str, str] = {}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), _ALIASES.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
