"""Authorization-matrix rows for /api/v1/workspace/cadences and /api/v1/workspace/strength
(see test_authorization_matrix.py for the shape of a row).

Every member reads the settings of their own workspace; the teammate (a plain member)
may not change them (403); the outsider changes their own workspace's, never A's.
"""

from __future__ import annotations

ROLES = ("owner", "teammate", "outsider")


def _each(owner, teammate, outsider):
    cells = {}
    for role, status in zip(ROLES, (owner, teammate, outsider), strict=True):
        cells[(role, "private")] = cells[(role, "workspace")] = status
    return cells


ROWS = {
    ("GET", "/api/v1/workspace/cadences"): (
        lambda r: ("GET", "/api/v1/workspace/cadences", None),
        _each(200, 200, 200),
    ),
    ("PUT", "/api/v1/workspace/cadences/{tier}"): (
        lambda r: ("PUT", "/api/v1/workspace/cadences/inner", {"days": 45}),
        _each(200, 403, 200),
    ),
    ("GET", "/api/v1/workspace/strength"): (
        lambda r: ("GET", "/api/v1/workspace/strength", None),
        _each(200, 200, 200),
    ),
    ("PATCH", "/api/v1/workspace/strength"): (
        lambda r: (
            "PATCH",
            "/api/v1/workspace/strength",
            {"settings": {"weight.recency": "0.3"}},
        ),
        _each(200, 403, 200),
    ),  # fmt: skip
}
