"""Canary entries for the keyset pages behind the API lists (`*_page`): B walks every page
of every sort one row at a time, and the walk must give exactly the rows of one big page,
in its order, with no key (which names the last row's sort value) carrying the canary.
A key aimed at A's private record only says where to resume among B's own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from goodwill.services import (
    asks,
    contacts,
    giving,
    importing,
    interactions,
    intros,
    ledger,
    notes,
    opportunities,
    organizations,
    pipelines,
    tasks,
)
from tests.integration.canary_calls_giving_ways import _plant as plant_needs
from tests.integration.canary_calls_imports import _a_import
from tests.integration.canary_calls_intros import _a_private as a_private_intro
from tests.integration.canary_calls_pipelines import _world as plant_pipelines

Calls = Callable[[Any, Any, Any], list[Any]]


def _walk(
    module: ModuleType,
    name: str,
    sorted_: bool = True,
    plant: Callable[[Any], Any] | None = None,
    hidden_contact: bool = False,
    **kwargs: Any,
) -> Calls:
    def calls(b: Any, uow: Any, c: Any) -> list[Any]:
        if plant is not None:
            plant(c)
        fn = getattr(module, name)  # looked up at call time: the canary's spy
        if hidden_contact:
            c.hidden(c.contact_refs, lambda r: fn(b, uow, contact=r))
        returned = []
        for sort in module.SORTS.names if sorted_ else [None]:
            extra = {**kwargs, **({"sort": sort} if sort else {})}
            whole = c.ok(fn, limit=500, **extra)
            seen: list[int] = []
            after = None
            for _ in range(500):
                page = c.ok(fn, after=after, limit=1, **extra)
                seen += [item.id for item in page.items]
                after = page.after
                if after is None:
                    break
            assert seen == [item.id for item in whole.items], f"{name} sort={sort}: {seen}"
            returned.append(whole)
        return returned

    return calls


def _contacts(b: Any, uow: Any, c: Any) -> list[Any]:
    walked = _walk(contacts, "contacts_page")(b, uow, c)
    secret = c.p.contact
    resumed = c.ok(
        contacts.contacts_page,
        after=[secret],
        limit=500,
        expect=lambda r: r.items and all(i.id > secret for i in r.items),
    )
    return [*walked, resumed]


PAGING_CALLS: dict[str, Calls] = {
    "contacts.contacts_page": _contacts,
    "organizations.organizations_page": _walk(
        organizations, "organizations_page", include_archived=True
    ),
    "interactions.interactions_page": _walk(interactions, "interactions_page", hidden_contact=True),
    "notes.notes_page": _walk(notes, "notes_page", hidden_contact=True),
    "tasks.tasks_page": _walk(tasks, "tasks_page", hidden_contact=True, include_done=True),
    "ledger.ledger_page": _walk(ledger, "ledger_page", hidden_contact=True),
    "asks.asks_page": _walk(asks, "asks_page", hidden_contact=True),
    "intros.introductions_page": _walk(
        intros, "introductions_page", plant=lambda c: a_private_intro(c, "requested")
    ),
    "giving.needs_offers_page": _walk(
        giving, "needs_offers_page", plant=plant_needs, hidden_contact=True, include_closed=True
    ),
    "opportunities.opportunities_page": _walk(
        opportunities, "opportunities_page", plant=plant_pipelines
    ),
    "pipelines.pipelines_page": _walk(
        pipelines, "pipelines_page", sorted_=False, plant=plant_pipelines
    ),
    "importing.imports_page": _walk(importing, "imports_page", sorted_=False, plant=_a_import),
}
