"""schemathesis against /openapi.json: a bounded number of examples per operation, as the
local owner with an API token, on SQLite and on PostgreSQL. No 5xx, and every response
matches what the schema states (status codes, content types, bodies)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from sqlalchemy.orm import Session

from goodwill.services import auth
from goodwill.storage.unit_of_work import UnitOfWork
from goodwill.web.app import Settings, create_app


@pytest.fixture
def owner_headers(uow, owner) -> dict[str, str]:
    _, raw = auth.create_token(owner, uow, "schemathesis", "api")
    return {"Authorization": f"Bearer {raw}"}


def _unused_session(write: bool) -> Session:
    raise AssertionError("the schema is read without touching a database")


# The schema does not depend on the data: read it from an app on no database; every
# case then runs against the test's own app (its unit of work is rolled back after).
# What the schema states: no 5xx, documented status codes, content types, bodies and
# headers. Not run: positive_data_acceptance (the services reject what the schema cannot
# state: empty names, unknown ids), negative_data_rejection (pydantic's lax mode accepts
# e.g. 0 for a date), and the `Allow` header of a 405 (Starlette lists only the methods of
# the first route that matches the path; FastAPI makes one route per method).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]

schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(uow=UnitOfWork(_unused_session)))
)


@schema.parametrize()
@settings(
    max_examples=5,  # bounded: about 1,000 requests per database
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, app, owner_headers):
    case.call_and_validate(headers=owner_headers, app=app, checks=CHECKS)
