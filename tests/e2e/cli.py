"""Shared helpers of the end-to-end CLI tests (the `gw` fixture is in conftest.py)."""

from __future__ import annotations

import json
from typing import Any


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Any) -> Any:
    return json.loads(ok(result).stdout)
