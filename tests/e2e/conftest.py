"""The `gw` fixture: the CLI on a fresh database, optionally as a teammate or with input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from goodwill.cli.main import app


@pytest.fixture
def gw(fresh_url: str) -> Callable[..., Any]:
    runner = CliRunner()

    def invoke(*args: str, user: str | None = None, input: str | None = None) -> Any:
        prefix = ["--db", fresh_url] + (["--user", user] if user else [])
        return runner.invoke(app, [*prefix, *args], input=input)

    return invoke
