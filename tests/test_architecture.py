"""The layering the README promises: only matcher.engine imports ortools; the core stays light."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "matcher"


def imported(path: Path) -> set[str]:
    """Top-level package names a module imports (anywhere in it)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_only_the_engine_imports_ortools(path):
    """ortools (and highspy) appear in matcher/engine/ alone."""
    if path.relative_to(PKG).parts[0] != "engine":
        assert not imported(path) & {"ortools", "highspy"}


CORE = ["model.py", "result.py", "errors.py", "i18n.py", "kpis.py", "render/style.py"]


@pytest.mark.parametrize("name", CORE)
def test_core_modules_stay_light(name):
    """The core has no pandas, geopandas, matplotlib or typer."""
    assert not imported(PKG / name) & {"pandas", "geopandas", "matplotlib", "typer"}


def test_model_uses_the_standard_library_only():
    """model.py: frozen dataclasses and nothing else."""
    stdlib = {"__future__", "enum", "collections", "dataclasses", "functools", "types", "typing"}
    assert imported(PKG / "model.py") <= stdlib


def test_public_api_resolves():
    """Every name in matcher.__all__ can be imported from matcher itself."""
    import matcher

    for name in matcher.__all__:
        assert getattr(matcher, name) is not None, name
    assert {"load_scenario", "load_problem", "solve", "evaluate", "Problem", "Result", "SolveParams",
            "read_result", "write_result", "draw_map"} <= set(matcher.__all__)
