"""Factories for tests: make_<thing>(actor, uow, **overrides)."""

from __future__ import annotations

from itertools import count
from typing import Any

from goodwill.services import contacts, interactions, organizations, tasks
from goodwill.services.actor import Actor
from goodwill.services.contacts import ContactChanges
from goodwill.services.organizations import OrganizationChanges
from goodwill.services.views import ContactDetail, LoggedInteraction, OrganizationDetail, TaskView
from goodwill.storage.unit_of_work import UnitOfWork

_serial = count(1)


def make_contact(actor: Actor, uow: UnitOfWork, **overrides: Any) -> ContactDetail:
    n = next(_serial)
    values: dict[str, Any] = {"name": f"Person{n} Example"}
    values.update(overrides)
    return contacts.add_contact(actor, uow, ContactChanges(**values))


def make_organization(actor: Actor, uow: UnitOfWork, **overrides: Any) -> OrganizationDetail:
    n = next(_serial)
    values: dict[str, Any] = {"name": f"Company {n}"}
    values.update(overrides)
    return organizations.add_organization(actor, uow, OrganizationChanges(**values))


def make_interaction(
    actor: Actor, uow: UnitOfWork, *people: int | str, **overrides: Any
) -> LoggedInteraction:
    values: dict[str, Any] = {"channel": "call", "summary": "caught up"}
    values.update(overrides)
    channel = values.pop("channel")
    return interactions.log_interaction(actor, uow, channel, list(people), **values)


def make_task(actor: Actor, uow: UnitOfWork, **overrides: Any) -> TaskView:
    values: dict[str, Any] = {"title": f"task {next(_serial)}"}
    values.update(overrides)
    title = values.pop("title")
    return tasks.add_task(actor, uow, title, **values)
