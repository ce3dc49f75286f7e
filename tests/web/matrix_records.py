"""Authorization-matrix rows for the organizations, positions, interactions,
notes, tasks, ledger and asks routes
(see test_authorization_matrix.py for the shape of a row)."""

from __future__ import annotations

from typing import Any

ROWS: dict[tuple[str, str], tuple[Any, ...]] = {}
