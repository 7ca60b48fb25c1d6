"""Shared by the CLI tests: one Typer test runner per module."""

import pytest
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()
