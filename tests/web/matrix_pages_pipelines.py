"""Matrix rows for the Pipelines pages (see test_authorization_matrix.py for the shape of
a row; a page row's request is (method, url, form)).

The planted pipeline (matrix_relationships.plant_pipeline) has the record's visibility
and holds a private opportunity with the canary, lost for a reason with the canary: a
teammate sees the shared board and its reports without it, and a private one not at all.
"""

from __future__ import annotations

from typing import Any

from tests.web.matrix_relationships import plant_pipeline


def _by_record(private, workspace):
    cells = {}
    for role, p, w in zip(("owner", "teammate", "outsider"), private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


def _all(status):
    return _by_record((status,) * 3, (status,) * 3)


READ = _by_record((200, 404, 404), (200, 200, 404))
MOVE = _by_record((303, 404, 404), (303, 403, 404))

ROWS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", "/pipelines"): (lambda r: ("GET", "/pipelines", None), _all(200), plant_pipeline),
    ("GET", "/pipelines/{pipeline_id}"): (
        lambda r: ("GET", f"/pipelines/{r['pipeline']}", None),
        READ,
        plant_pipeline,
    ),
    ("POST", "/opportunities/{opp_id}/move"): (
        lambda r: ("POST", f"/opportunities/{r['opp']}/move", {"stage": r["stage"]}),
        MOVE,
        plant_pipeline,
    ),
    ("GET", "/pipelines/{pipeline_id}/reports/{name}"): (
        lambda r: ("GET", f"/pipelines/{r['pipeline']}/reports/funnel", None),
        READ,
        plant_pipeline,
    ),
}
