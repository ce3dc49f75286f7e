"""Authorization-matrix rows for the introductions, needs and offers,
ways to give, discovery, pipelines, opportunities and reports routes
(see test_authorization_matrix.py for the shape of a row)."""

from __future__ import annotations

from typing import Any

ROWS: dict[tuple[str, str], tuple[Any, ...]] = {}
