"""The app on the test's own unit of work (each test's transaction is rolled back), and
clients that act as the owner, a teammate and an outsider (another workspace)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from goodwill.services import auth
from goodwill.web.app import Settings, create_app


@pytest.fixture
def app(uow):
    return create_app(Settings(uow=uow))


def _client(app, headers=None) -> Iterator[TestClient]:
    with TestClient(app, headers=headers or {}) as client:
        yield client


@pytest.fixture
def anon(app):
    yield from _client(app)


@pytest.fixture
def outsider(uow, owner, teammate):
    return auth.sign_up(uow, "olga@else.example", "Olga Outsider", "outsider password")


def _bearer(uow, actor) -> dict[str, str]:
    _, raw = auth.create_token(actor, uow, "tests", "api")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def as_owner(app, uow, owner):
    yield from _client(app, _bearer(uow, owner))


@pytest.fixture
def as_teammate(app, uow, teammate):
    yield from _client(app, _bearer(uow, teammate))


@pytest.fixture
def as_outsider(app, uow, outsider):
    yield from _client(app, _bearer(uow, outsider))
