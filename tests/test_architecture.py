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


# ---- import direction between the subpackages ------------------------------------------------

# Data flows io -> model -> engine -> analysis -> render -> cli. A module may import matcher
# modules of its own layer or below; the core layers are split so that model/result stay pure.
LAYERS = {
    "errors": 0, "model": 0, "result": 0,
    "i18n": 1, "distance": 1, "kpis": 1,
    "io": 2,
    "engine": 3,
    "analysis": 4,
    "render": 5,
    "clusters": 5,
    "jobs": 6, "sweep": 6,
    "cli": 7, "__main__": 7,
}
# Lower-layer packages a layer must still never import (render reads results; it never solves).
FORBIDDEN = {"render": {"engine"}, "engine": {"io"}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def matcher_imports(path: Path) -> set[str]:
    """The matcher modules a file imports, as absolute dotted names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == "matcher" or target.startswith("matcher."):
                out.add(target)
                out |= {f"{target}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("matcher")}
    return out


def layer_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


MODULES = [p for p in sorted(PKG.rglob("*.py")) if p != PKG / "__init__.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_point_down_the_layers(path):
    """A module imports matcher modules of its own layer or lower, never a forbidden one."""
    mine = layer_of(module_name(path))
    assert mine is not None, f"{path} is in no layer: add it to LAYERS"
    for target in matcher_imports(path):
        other = layer_of(target)
        if other is None:
            continue  # `from matcher import __version__`
        assert LAYERS[other] <= LAYERS[mine], f"{module_name(path)} imports {target} (a higher layer)"
        assert other not in FORBIDDEN.get(mine, set()), f"{module_name(path)} imports {target}"


@pytest.mark.parametrize("package", ["matcher.render.maps", "matcher.render.pack", "matcher.render.web",
                                     "matcher.io", "matcher.kpis"])
def test_reading_and_drawing_never_load_the_solver(package):
    """Importing a render or io module (transitively) loads no ortools."""
    import subprocess
    import sys

    code = f"import sys, {package}; print('ortools' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_result_imports_only_the_model():
    """result.py: standard library and matcher.model."""
    assert imported(PKG / "result.py") <= {"__future__", "enum", "collections", "dataclasses", "types"}
    assert matcher_imports(PKG / "result.py") <= {"matcher.model", "matcher.model.FrozenMap"}


def test_every_module_is_at_most_400_lines():
    """issue 7: no module over 400 lines (the page assets are data files, not strings)."""
    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long
