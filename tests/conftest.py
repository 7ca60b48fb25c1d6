"""Shared test data: the tiny valid scenario and the catalogue of bad input files.

A test that takes a ``bad_case`` argument runs once per entry of
``tests/data/invalid/expected.toml``.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "tiny"
INVALID = DATA / "invalid"


@dataclass(frozen=True)
class BadCase:
    """One bad input file and the problem lines it must produce."""

    file: str
    kind: str  # units | pairs | travel | scenario
    issues: tuple[dict, ...]

    @property
    def path(self) -> Path:
        return INVALID / self.file

    def expected_prefix(self, issue: dict) -> str:
        """The start of the line ``file:row: column 'x': value 'y': `` for one expected issue."""
        parts = [self.file if "row" not in issue else f"{self.file}:{issue['row']}"]
        if "column" in issue:
            parts.append(f"column '{issue['column']}'")
        if "key" in issue:  # a scenario file's key
            parts.append(f"key '{issue['key']}'")
        if "value" in issue:
            parts.append(f"value '{issue['value']}'")
        return ": ".join(parts) + ": "


def _load_cases() -> list[BadCase]:
    data = tomllib.loads((INVALID / "expected.toml").read_text(encoding="utf-8"))
    return [BadCase(c["file"], c["kind"], tuple(c["issues"])) for c in data["case"]]


BAD_CASES = _load_cases()


def pytest_generate_tests(metafunc):
    if "bad_case" in metafunc.fixturenames:
        metafunc.parametrize("bad_case", BAD_CASES, ids=[c.file for c in BAD_CASES])


@pytest.fixture
def bad_cases() -> list[BadCase]:
    """Every entry of tests/data/invalid/expected.toml."""
    return list(BAD_CASES)


@pytest.fixture
def tiny_copy(tmp_path) -> Path:
    """A private copy of the tiny scenario folder that a test may change."""
    dst = tmp_path / "tiny"
    shutil.copytree(TINY, dst)
    return dst


@pytest.fixture(scope="session")
def danang_result_dir(tmp_path_factory) -> Path:
    """The embedded Da Nang default solved once per session by ``matcher solve`` (read only:
    a test that edits the folder copies it first)."""
    from typer.testing import CliRunner

    from matcher.cli import app

    out = tmp_path_factory.mktemp("danang") / "out"
    result = CliRunner().invoke(app, ["solve", "--out", str(out), "--quiet", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def danang_copy(danang_result_dir, tmp_path) -> Path:
    """A private copy of the Da Nang result folder that a test may change."""
    dst = tmp_path / "danang"
    shutil.copytree(danang_result_dir, dst)
    return dst
