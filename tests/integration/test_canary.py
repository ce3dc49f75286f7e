"""The visibility canary: nothing of owner A's private records ever reaches teammate B.

A plants a unique string in private records; every public service function
(enumerated from `goodwill.services`) is called as B through the CALLS table,
including attempts to reach A's records by id, email and name. The string must
never come back, and a hidden record must fail exactly like a missing one. A
service function without a CALLS entry fails the suite.

Errors that echo B's own input (e.g. "no contact matches 'CANARY-…'") are
checked against the same call with a never-planted decoy of the same shape: the
two messages must be identical once the decoy is swapped for the canary.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from goodwill import services
from goodwill.errors import GoodwillError, NotFound
from goodwill.services import (
    agenda,
    backup,
    contacts,
    interactions,
    ledger,
    notes,
    positions,
    trash,
)
from goodwill.services.actor import Actor
from goodwill.services.views import Ref, to_jsonable
from goodwill.storage.unit_of_work import UnitOfWork
from tests.factories import make_contact, make_interaction, make_organization, make_task
from tests.integration.canary_calls import CALLS, MISSING
from tests.integration.canary_calls_giving import Giving, plant_giving

PRIVATE_CONTACT = Ref(None, "a private contact")
PRIVATE_ORG = Ref(None, "a private organization")
Pairs = Sequence[tuple[Any, Any]]


def public_service_functions() -> dict[str, Callable[..., Any]]:
    """Every public `module.function` of goodwill.services whose first parameter is `actor`."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(services.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if obj.__module__ != module.__name__:
                continue
            params = list(inspect.signature(obj).parameters)
            if params and params[0] == "actor":
                found[f"{info.name}.{name}"] = obj
    return found


SERVICE_FUNCTIONS = public_service_functions()


@dataclass(frozen=True)
class Planted:
    """A's records (private unless named shared/ws/open) and B's own, by id."""

    canary: str
    decoy: str  # same shape as the canary, never planted: what "missing" looks like
    email: str
    phone: str
    tag: str
    org_name: str
    contact: int
    trashed: int
    org: int
    open_org: int
    shared: int
    position: int  # the private contact at the private organization
    shared_position: int  # the shared contact at the private organization
    note_on_shared: int
    note_on_contact: int
    note_on_org: int
    trashed_note: int
    ws_note_on_contact: int
    ws_note_on_org: int
    interaction: int
    ws_interaction: int
    task: int
    ws_task: int
    b_contact: int
    b_note: int
    b_task: int
    b_interaction: int
    b_org: int
    g: Giving  # ledger entries, asks, a forgotten person


@pytest.fixture
def planted(uow: UnitOfWork, owner: Actor, teammate: Actor) -> Planted:
    canary = f"CANARY-{uuid4().hex}"
    email = f"{canary.lower()}@example.com"
    tag = f"tag {canary}"
    secret = make_contact(
        owner,
        uow,
        name=None,
        first_name=canary,
        last_name="Hidden",
        nickname=f"nick {canary}",
        how_met=f"met at {canary}",
        custom_fields={"secret": f"value {canary}"},
        add_emails=[email],
        add_phones=["+1 212 555 0199"],
        add_tags=[tag],
        visibility="private",
    )
    org = make_organization(
        owner, uow, name=f"{canary} Org", description=f"about {canary}", visibility="private"
    )
    open_org = make_organization(owner, uow, name="Open Org", visibility="workspace")
    shared = make_contact(
        owner, uow, name="Shared Person", add_emails=["shared@example.com"], visibility="workspace"
    )
    position = positions.add_position(owner, uow, secret.id, f"#{org.id}", title=f"cto {canary}")
    shared_position = positions.add_position(owner, uow, shared.id, f"#{org.id}", title="Advisor")
    positions.add_position(owner, uow, secret.id, f"#{open_org.id}", title=f"lead {canary}")
    positions.add_position(owner, uow, shared.id, f"#{open_org.id}", title="Engineer")

    def note(body: str, visibility: str, **about: Any) -> int:
        return notes.add_note(owner, uow, body, visibility=visibility, **about).id

    trashed_note = note(f"trashed {canary}", "private", contact=shared.id)
    notes.delete_note(owner, uow, trashed_note)
    trashed = make_contact(owner, uow, name=f"{canary} Trashed", visibility="private")
    contacts.delete_contact(owner, uow, trashed.id)
    people = (shared.id, secret.id)
    b_contact = make_contact(teammate, uow, name="Bea Friend")
    giving = plant_giving(uow, owner, teammate, canary, shared.id, secret.id, b_contact.id)
    return Planted(
        canary=canary,
        decoy=f"CANARY-{uuid4().hex}",
        email=email,
        phone="+12125550199",
        tag=tag,
        org_name=org.name,
        contact=secret.id,
        trashed=trashed.id,
        org=org.id,
        open_org=open_org.id,
        shared=shared.id,
        position=position.id,
        shared_position=shared_position.id,
        note_on_shared=note(f"shared {canary}", "private", contact=shared.id),
        note_on_contact=note(f"private {canary}", "private", contact=secret.id),
        note_on_org=note(f"org {canary}", "private", organization=org.id),
        trashed_note=trashed_note,
        ws_note_on_contact=note("team note", "workspace", contact=secret.id),
        ws_note_on_org=note("team org note", "workspace", organization=org.id),
        interaction=make_interaction(
            owner, uow, *people, summary=f"lunch {canary}", visibility="private"
        ).interaction.id,
        ws_interaction=make_interaction(
            owner, uow, *people, summary="team sync", visibility="workspace"
        ).interaction.id,
        task=make_task(
            owner,
            uow,
            title=f"call {canary}",
            contact=shared.id,
            due="tomorrow",
            visibility="private",
        ).id,
        ws_task=make_task(
            owner, uow, title="follow up", contact=secret.id, due="tomorrow", visibility="workspace"
        ).id,
        b_contact=b_contact.id,
        b_note=notes.add_note(teammate, uow, "bea's note", contact=b_contact.id).id,
        b_task=make_task(teammate, uow, title="ping", contact=shared.id, due="today").id,
        b_interaction=make_interaction(teammate, uow, b_contact.id, summary="chat").interaction.id,
        b_org=make_organization(teammate, uow, name="Bea Org").id,
        g=giving,
    )


def leaks(value: Any, canary: str, echoed: Sequence[str] = ()) -> list[str]:
    """The renderings of `value` that contain the canary (any case), B's own echoed input aside."""
    if isinstance(value, BaseException):
        texts = [str(value), repr(value)]
    elif isinstance(value, bytes):  # an export
        texts = [value.decode("utf-8")]
    else:
        texts = [repr(value), json.dumps(to_jsonable(value), ensure_ascii=False)]
    found = []
    for text in texts:
        for own in echoed:
            text = re.sub(re.escape(own), "<B's input>", text, flags=re.IGNORECASE)
        if canary.lower() in text.lower():
            found.append(text)
    return found


@dataclass
class Outcome:
    label: str
    value: Any  # a result or a GoodwillError
    echoed: tuple[str, ...] = ()


class Probe:
    """What a CALLS entry gets as `ctx`: the planted ids and ways to call as B."""

    def __init__(self, uow: UnitOfWork, a: Actor, b: Actor, p: Planted, key: str) -> None:
        self.uow, self.a, self.b, self.p, self.key = uow, a, b, p, key
        self.outcomes: list[Outcome] = []

    def ok(
        self,
        fn: Callable[..., Any],
        *args: Any,
        echoed: tuple[str, ...] = (),
        expect: Callable[[Any], bool] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call as B; it must succeed (and satisfy `expect`)."""
        label = f"{fn.__name__}{args!r}{kwargs!r}"
        result = fn(self.b, self.uow, *args, **kwargs)
        self.outcomes.append(Outcome(label, result, echoed))
        assert expect is None or expect(result), f"{label}: unexpected {result!r}"
        return result

    def fails(self, error: type[GoodwillError], fn: Callable[..., Any], *args: Any) -> Any:
        """Call as B; it must raise `error`."""
        label = f"{fn.__name__}{args!r}"
        outcome = self._attempt(lambda: fn(self.b, self.uow, *args))
        self.outcomes.append(Outcome(label, outcome))
        assert isinstance(outcome, error), f"{label}: expected {error.__name__}, got {outcome!r}"
        return outcome

    def hidden(self, pairs: Pairs, call: Callable[[Any], Any]) -> None:
        """For each (secret, missing) ref, `call(secret)` fails exactly like `call(missing)`."""
        for secret, missing in pairs:
            label = f"{self.key} with {secret!r}"
            got = self._attempt(lambda ref=secret: call(ref))
            want = self._attempt(lambda ref=missing: call(ref))
            self.outcomes.append(Outcome(label, got, (str(secret),)))
            self.outcomes.append(Outcome(f"{self.key} with {missing!r}", want))
            assert isinstance(got, NotFound), f"{label}: expected NotFound, got {got!r}"
            assert isinstance(want, NotFound), f"{self.key}({missing!r}): got {want!r}"
            expected = str(want)
            for old, new in ((missing, secret), (str(missing).lower(), str(secret).lower())):
                expected = expected.replace(str(old), str(new))
            assert str(got) == expected, f"{label}: hidden {got} differs from missing {want}"

    @staticmethod
    def _attempt(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except GoodwillError as error:
            return error

    def ids(self, record_id: int) -> Pairs:
        return [(record_id, MISSING)]

    @property
    def contact_refs(self) -> Pairs:
        """A's private (and trashed) contact by id, '#id', email, full and partial name."""
        p = self.p
        return [
            (p.contact, MISSING),
            (f"#{p.contact}", f"#{MISSING}"),
            (p.trashed, MISSING),
            (p.email, f"{p.decoy.lower()}@example.com"),
            (p.canary, p.decoy),
            (p.canary[1:16], p.decoy[1:16]),
        ]

    @property
    def org_refs(self) -> Pairs:
        p = self.p
        return [
            (p.org, MISSING),
            (f"#{p.org}", f"#{MISSING}"),
            (p.org_name, f"{p.decoy} Org"),
            (p.canary[1:16], p.decoy[1:16]),
        ]


@pytest.mark.parametrize("key", sorted(CALLS))
def test_canary_never_reaches_teammate(
    key: str,
    uow: UnitOfWork,
    owner: Actor,
    teammate: Actor,
    planted: Planted,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert key in SERVICE_FUNCTIONS, f"{key} is not a public service function"
    module_name, name = key.split(".")
    function = SERVICE_FUNCTIONS[key]
    actors: list[Any] = []

    @functools.wraps(function)
    def spy(*args: Any, **kwargs: Any) -> Any:
        actors.append(args[0] if args else kwargs.get("actor"))
        return function(*args, **kwargs)

    monkeypatch.setattr(importlib.import_module(f"{services.__name__}.{module_name}"), name, spy)
    probe = Probe(uow, owner, teammate, planted, key)
    returned = CALLS[key](teammate, uow, probe)

    assert actors, f"the CALLS entry for {key} never calls it"
    assert all(actor == teammate for actor in actors), f"{key} was called as someone else"
    results = [*probe.outcomes]
    recorded = {id(outcome.value) for outcome in results}
    for item in returned if isinstance(returned, list) else [returned]:
        if id(item) not in recorded:  # what the probe recorded is checked with its echo mask
            results.append(Outcome(f"{key} returned", item))
    found = {
        outcome.label: text
        for outcome in results
        for text in leaks(outcome.value, planted.canary, outcome.echoed)
    }
    assert not found, f"the canary reached teammate B through {key}: {found}"


def test_every_public_service_function_is_in_the_canary_table() -> None:
    missing = sorted(set(SERVICE_FUNCTIONS) - set(CALLS))
    stale = sorted(set(CALLS) - set(SERVICE_FUNCTIONS))
    assert {"contacts.show_contact", "notes.add_note", "trash.restore_from_trash"} <= set(
        SERVICE_FUNCTIONS
    )
    assert "accounts.local_actor" not in SERVICE_FUNCTIONS  # takes no actor: nothing to hide
    assert not missing, f"add these to CALLS (canary_calls.py or canary_calls_giving.py): {missing}"
    assert not stale, f"CALLS entries that are no public service function: {stale}"


def test_owner_finds_the_planted_canary(uow: UnitOfWork, owner: Actor, planted: Planted) -> None:
    found = contacts.search_contacts(owner, uow, planted.canary)
    detail = contacts.show_contact(owner, uow, planted.contact)
    assert [c.id for c in found] == [planted.contact]
    assert leaks(detail, planted.canary)
    assert [c.id for c in contacts.search_contacts(owner, uow, "212 555 0199")] == [planted.contact]
    assert [i.id for i in trash.list_trash(owner, uow) if i.kind == "contact"] == [planted.trashed]


def test_teammate_search_finds_the_shared_contact(
    uow: UnitOfWork, teammate: Actor, planted: Planted
) -> None:
    found = contacts.search_contacts(teammate, uow, "Shared Person")
    assert [c.id for c in found] == [planted.shared]


def test_teammate_sees_private_participant_redacted(
    uow: UnitOfWork, teammate: Actor, planted: Planted
) -> None:
    timeline = interactions.contact_timeline(teammate, uow, planted.shared)
    assert [i.id for i in timeline] == [planted.ws_interaction]
    assert sorted(timeline[0].participants, key=repr) == sorted(
        [PRIVATE_CONTACT, Ref(planted.shared, "Shared Person")], key=repr
    )


def test_teammate_sees_private_organization_redacted_on_shared_contact(
    uow: UnitOfWork, teammate: Actor, planted: Planted
) -> None:
    detail = contacts.show_contact(teammate, uow, planted.shared)
    organizations = {p.id: p.organization for p in detail.positions}
    assert organizations[planted.shared_position] == PRIVATE_ORG
    assert Ref(planted.open_org, "Open Org") in organizations.values()


def test_owner_export_contains_the_canary(uow: UnitOfWork, owner: Actor, planted: Planted) -> None:
    text = backup.export_backup(owner, uow).decode("utf-8")
    doc = json.loads(text)
    assert planted.canary in text and planted.email in text
    assert planted.g.ask in [a["id"] for a in doc["asks"]]
    assert [s["kind"] for s in doc["suppressions"]] == ["email"]


def test_owner_ledger_balance_counts_the_planted_entries(
    uow: UnitOfWork, owner: Actor, planted: Planted
) -> None:
    balance = ledger.ledger_balance(owner, uow, planted.shared)
    # Gave 3 (private) + 5 (shared); received 2 + 1 (the granted ask); the trashed 4 not.
    assert (balance.given_weight, balance.given_count) == (8, 2)
    assert (balance.received_weight, balance.received_count, balance.balance) == (3, 2, 5)


def test_owner_agenda_shows_the_planted_asks(
    uow: UnitOfWork, owner: Actor, planted: Planted
) -> None:
    day = agenda.today_agenda(owner, uow)
    assert [w.ask_id for w in day.asks_waiting] == [planted.g.waiting_ask]
    assert [t.id for t in day.ask_steps] == [planted.g.step]
    assert leaks(day.asks_waiting, planted.canary) and leaks(day.ask_steps, planted.canary)
