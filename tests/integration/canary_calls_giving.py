"""The canary's giving half: A's private ledger entries, asks and a forgotten person,
and how teammate B calls the ledger, asks, privacy and backup services.

`plant_giving` adds A's records (private unless named ws_) beside the core canary
fixture; GIVING_CALLS is merged into the canary's CALLS table (canary_calls.py), so
this module imports nothing from it: missing ids come from the Probe (`c.ids`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from goodwill.errors import NotFound, PermissionDenied
from goodwill.services import asks, backup, ledger, privacy, trash
from goodwill.services._visibility import REDACTED_CONTACT
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import Ask
from goodwill.storage.unit_of_work import UnitOfWork
from tests.factories import make_contact

PRIVATE_CONTACT = Ref(None, REDACTED_CONTACT)


@dataclass(frozen=True)
class Giving:
    """A's ledger entries and asks (private unless named ws_), the forgotten email, B's own."""

    forgotten_email: str
    ledger_shared: int  # gave to the shared contact, the canary in its note
    ledger_contact: int  # gave to the private contact
    ledger_related: int  # received from the shared contact, related to the private one
    ws_ledger: int  # gave to the shared contact, related to the private one
    trashed_ledger: int
    granted_entry: int  # received, recorded when granted_ask was granted
    ask: int  # of the shared contact: introduction, canary homework, a step due today
    step: int  # that step's task
    granted_ask: int  # of the shared contact, granted with the canary as its outcome
    ask_of_contact: int
    ask_targeting: int  # of the shared contact, targeting the private contact
    waiting_ask: int  # asked ten days ago, still unanswered
    ws_ask: int  # of the shared contact, targeting the private contact
    ws_ask_of_contact: int  # of the private contact, with a step
    ws_step: int
    trashed_ask: int
    b_gave: int  # B gave 3 to B's own contact
    b_received: int  # B received 2 from the shared contact
    b_ask: int  # B's draft ask of B's own contact

    @property
    def private_entries(self) -> list[int]:
        return [
            self.ledger_shared,
            self.ledger_contact,
            self.ledger_related,
            self.trashed_ledger,
            self.granted_entry,
        ]

    @property
    def private_asks(self) -> list[int]:
        return [
            self.ask,
            self.granted_ask,
            self.ask_of_contact,
            self.ask_targeting,
            self.waiting_ask,
            self.trashed_ask,
        ]


def plant_giving(
    uow: UnitOfWork, a: Actor, b: Actor, canary: str, shared: int, secret: int, b_contact: int
) -> Giving:
    def give(person: int, kind: str, weight: int, note: str, **extra: Any) -> int:
        return ledger.record_give(a, uow, person, kind, weight=weight, note=note, **extra).id

    def ask_of(person: int, kind: str, what: str, why: str = canary, **extra: Any) -> Any:
        return asks.create_ask(a, uow, person, kind, what, f"why them {why}", **extra).ask

    intro = {"why_target_cares": f"cares {canary}", "blurb": f"blurb {canary}"}
    trashed_ledger = give(shared, "favor", 4, f"trashed {canary}", visibility="private")
    ledger.delete_ledger_entry(a, uow, trashed_ledger)
    planned = ask_of(
        shared,
        "introduction",
        f"intro {canary}",
        target=f"{canary} Target Co",
        steps=[(f"note {canary}", "today")],
        visibility="private",
        **intro,
    )
    granted = ask_of(shared, "favor", f"favor {canary}", visibility="private").id
    asks.mark_asked(a, uow, granted)
    outcome = f"granted {canary}"
    closed = asks.close_ask(a, uow, granted, "granted", note=outcome, record=True, weight=1)
    waiting = ask_of(shared, "advice", f"advice {canary}", visibility="private").id
    asks.mark_asked(a, uow, waiting)
    with uow.write() as session:
        session.get_one(Ask, waiting).asked_at = utcnow() - timedelta(days=10)
    team = {"why_target_cares": "it helps the team", "blurb": "a team blurb"}
    ws_ask = ask_of(
        shared, "introduction", "team intro", "", target=secret, visibility="workspace", **team
    ).id
    ws_of_contact = ask_of(
        secret, "favor", "team favor", "", steps=[("call", "tomorrow")], visibility="workspace"
    )
    trashed_ask = ask_of(shared, "favor", f"trashed {canary}", visibility="private").id
    asks.delete_ask(a, uow, trashed_ask)
    forgotten_email = f"gone.{canary.lower()}@example.com"
    gone = make_contact(a, uow, name="Forgotten Someone", add_emails=[forgotten_email])
    privacy.forget_contact(a, uow, gone.id)
    return Giving(
        forgotten_email=forgotten_email,
        ledger_shared=give(shared, "favor", 3, f"gave {canary}", visibility="private"),
        ledger_contact=give(secret, "advice", 1, f"advice {canary}"),
        ledger_related=ledger.record_receive(
            a, uow, shared, "introduction", weight=2, note=f"got {canary}", related=secret
        ).id,
        ws_ledger=give(
            shared, "article", 5, "team article", related=secret, visibility="workspace"
        ),
        trashed_ledger=trashed_ledger,
        granted_entry=closed.ledger_entries[0].id,
        ask=planned.id,
        step=planned.steps[0].task_id,
        granted_ask=granted,
        ask_of_contact=ask_of(secret, "favor", f"secret favor {canary}").id,
        ask_targeting=ask_of(
            shared, "introduction", f"meet {canary}", target=secret, visibility="private", **intro
        ).id,
        waiting_ask=waiting,
        ws_ask=ws_ask,
        ws_ask_of_contact=ws_of_contact.id,
        ws_step=ws_of_contact.steps[0].task_id,
        trashed_ask=trashed_ask,
        b_gave=ledger.record_give(b, uow, b_contact, "favor", weight=3).id,
        b_received=ledger.record_receive(b, uow, shared, "advice", weight=2).id,
        b_ask=asks.create_ask(b, uow, b_contact, "favor", "a ride", "they drive").ask.id,
    )


def _ids(items: Any) -> list[int]:
    return [item.id for item in items]


def _codes(readiness: Any) -> list[str]:
    return [w.code for w in readiness.warnings]


def _missing(c: Any, ids: list[int]) -> list[tuple[int, int]]:
    """Each of A's ids paired with an id no record has."""
    return [pair for i in ids for pair in c.ids(i)]


def _target_refs(c: Any) -> list[tuple[Any, Any]]:
    """A's private (and trashed) contact named as an ask's target by id."""
    return [(s, m) for s, m in c.contact_refs if str(s).lstrip("#").isdigit()]


def _record(name: str) -> Callable[[Any, Any, Any], list[Any]]:
    """record_give / record_receive: A's private contact is missing as counterpart or related."""

    def calls(b: Any, uow: Any, c: Any) -> list[Any]:
        p, fn = c.p, getattr(ledger, name)  # looked up at call time: the canary's spy
        return [
            c.hidden(c.contact_refs, lambda r: fn(b, uow, r, "favor")),
            c.hidden(c.contact_refs, lambda r: fn(b, uow, p.shared, "favor", related=r)),
            c.ok(
                fn,
                p.shared,
                "advice",
                weight=2,
                related=p.b_contact,
                expect=lambda r: (
                    (r.counterpart, r.owner_id) == (Ref(p.shared, "Shared Person"), b.user_id)
                ),
            ),
        ]

    return calls


def _ledger_balance(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p

    def numbers(r: Any) -> tuple[int, ...]:
        return (r.given_weight, r.given_count, r.received_weight, r.received_count, r.balance)

    # B's own ledger only: gave 3 to B's contact, received 2 from the shared contact.
    return [
        c.hidden(c.contact_refs, lambda r: ledger.ledger_balance(b, uow, r)),
        c.ok(ledger.ledger_balance, expect=lambda r: numbers(r) == (3, 1, 2, 1, 1)),
        c.ok(ledger.ledger_balance, p.shared, expect=lambda r: numbers(r) == (0, 0, 2, 1, -2)),
        c.ok(ledger.ledger_balance, "shared@example.com", since="2000-01-01", until="today"),
    ]


def _trash_ids(c: Any, kind: str, ids: list[int]) -> None:
    c.hidden(_missing(c, ids), lambda r: trash.restore_from_trash(c.b, c.uow, kind, r))


def _owned_ask_change(name: str, *args: Any) -> Callable[[Any, Any, Any], Any]:
    """add_ask_step / mark_asked / close_ask: A's private asks are missing, A's shared
    one is refused, and B's own changes."""

    def calls(b: Any, uow: Any, c: Any) -> list[Any]:
        g, fn = c.p.g, getattr(asks, name)  # looked up at call time: the canary's spy
        found = [
            c.hidden(_missing(c, g.private_asks), lambda r: fn(b, uow, r, *args)),
            c.fails(PermissionDenied, fn, g.ws_ask, *args),
        ]
        if name == "close_ask":
            c.ok(asks.mark_asked, g.b_ask)
        return [*found, c.ok(fn, g.b_ask, *args)]

    return calls


def _complete_step(b: Any, uow: Any, c: Any) -> list[Any]:
    """A's private asks are missing, A's shared one is refused (whatever the task), and
    B completes a step of B's own ask; a task of no step of it is not found."""
    g, fn = c.p.g, asks.complete_ask_step  # the canary's spy
    found = [
        c.hidden(_missing(c, g.private_asks), lambda r: fn(b, uow, r, c.p.task)),
        c.fails(PermissionDenied, fn, g.ws_ask, c.p.task),
    ]
    planned = asks.add_ask_step(b, uow, g.b_ask, "call", "tomorrow")
    step = planned.steps[-1].task_id
    try:
        fn(b, uow, g.b_ask, c.p.task)  # A's private task: no step of B's ask
        raise AssertionError("a task of another ask was completed")
    except NotFound:
        pass
    done = c.ok(fn, g.b_ask, step, expect=lambda r: any(s.task_id == step and s.done
                                                       for s in r.steps))  # fmt: skip
    return [*found, done]


def _export_backup(b: Any, uow: Any, c: Any) -> list[Any]:
    p, g = c.p, c.p.g

    def expected(data: bytes) -> bool:
        text = data.decode("utf-8")
        doc = json.loads(text)
        assert "Shared Person" in text
        for secret in (p.email, g.forgotten_email, p.phone, p.canary):
            assert secret.lower() not in text.lower(), f"{secret} in B's export"
        assert "suppressions" not in doc and "suppression_salt" not in doc["workspace"]
        entries = {e["id"]: e for e in doc["ledger"]}
        assert sorted(entries) == sorted([g.ws_ledger, g.b_gave, g.b_received])
        assert entries[g.ws_ledger]["related_contact_id"] is None
        shown = {a["id"]: a for a in doc["asks"]}
        assert sorted(shown) == sorted([g.ws_ask, g.b_ask])  # not the one of a private contact
        assert shown[g.ws_ask]["target_contact_id"] is None
        steps = [(t["contact_id"], t["ask_id"]) for t in doc["tasks"] if t["id"] == g.ws_step]
        assert steps == [(None, None)]
        return True

    return [c.ok(backup.export_backup, expect=expected)]


def _suppressions(b: Any, uow: Any, c: Any) -> list[Any]:
    # Members are refused: who forgot someone, and when, is for workspace admins.
    return [c.fails(PermissionDenied, privacy.list_suppressions)]


def _unsuppress(b: Any, uow: Any, c: Any) -> list[Any]:
    # A member is refused alike whether the value was forgotten or never was.
    got = c.fails(PermissionDenied, privacy.unsuppress, c.p.g.forgotten_email)
    want = c.fails(PermissionDenied, privacy.unsuppress, f"gone.{c.p.decoy.lower()}@example.com")
    assert str(got) == str(want)
    assert len(privacy.list_suppressions(c.a, uow)) == 1, "B's unsuppress lifted A's suppression"
    return [got, want]


def restore_giving_from_trash(b: Any, uow: Any, c: Any) -> list[Any]:
    """The ledger and ask kinds of trash.restore_from_trash (its CALLS entry calls this)."""
    g = c.p.g
    _trash_ids(c, "ledger", [*g.private_entries, g.ws_ledger])
    _trash_ids(c, "ask", [*g.private_asks, g.ws_ask, g.ws_ask_of_contact])
    c.ok(ledger.delete_ledger_entry, g.b_gave)
    c.ok(asks.delete_ask, g.b_ask)
    return [
        c.ok(trash.restore_from_trash, "ledger", g.b_gave),
        c.ok(trash.restore_from_trash, "ask", g.b_ask),
    ]


GIVING_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "ledger.record_give": _record("record_give"),
    "ledger.record_receive": _record("record_receive"),
    "ledger.ledger_balance": _ledger_balance,
    "ledger.ledger_takers": lambda b, uow, c: c.ok(
        ledger.ledger_takers,
        expect=lambda r: (
            [(t.contact.id, t.given_weight, t.received_weight, t.balance) for t in r]
            == [(c.p.shared, 0, 2, -2)]
        ),
    ),
    "ledger.list_ledger": lambda b, uow, c: [
        c.ok(
            ledger.list_ledger,
            expect=lambda r: sorted(_ids(r)) == sorted([c.p.g.b_gave, c.p.g.b_received]),
        ),
        c.ok(
            ledger.list_ledger, contact=c.p.shared, expect=lambda r: _ids(r) == [c.p.g.b_received]
        ),
        c.hidden(c.contact_refs, lambda r: ledger.list_ledger(b, uow, contact=r)),
    ],
    "ledger.delete_ledger_entry": lambda b, uow, c: [
        c.hidden(
            _missing(c, c.p.g.private_entries),
            lambda r: ledger.delete_ledger_entry(b, uow, r),
        ),
        c.fails(PermissionDenied, ledger.delete_ledger_entry, c.p.g.ws_ledger),
        c.ok(ledger.delete_ledger_entry, c.p.g.b_gave),
    ],
    "asks.create_ask": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: asks.create_ask(b, uow, r, "favor", "a", "b")),
        c.hidden(
            _target_refs(c),
            lambda r: asks.create_ask(b, uow, c.p.shared, "favor", "a", "b", target=r),
        ),
        # Named by email or name, A's private contact is someone outside B's network.
        *[
            c.ok(
                asks.create_ask,
                c.p.shared,
                "favor",
                "a",
                "b",
                target=text,
                echoed=(text,),
                expect=lambda r, t=text: (r.ask.target, r.ask.target_description) == (None, t),
            )
            for text in (c.p.email, c.p.canary, c.p.canary[1:16])
        ],
        # B's readiness counts B's own ledger (received 2), not A's entries with them.
        c.ok(
            asks.create_ask,
            c.p.shared,
            "advice",
            "a tip",
            "they know",
            steps=[("call", "tomorrow")],
            expect=lambda r: _codes(r) == ["negative_balance"] and len(r.ask.steps) == 1,
        ),
    ],
    "asks.ask_readiness": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: asks.ask_readiness(b, uow, r)),
        c.ok(
            asks.ask_readiness,
            c.p.shared,
            expect=lambda r: (r.balance, _codes(r)) == (-2, ["negative_balance"]),
        ),
        c.ok(
            asks.ask_readiness, c.p.b_contact, expect=lambda r: (r.balance, r.warnings) == (3, [])
        ),
    ],
    "asks.add_ask_step": _owned_ask_change("add_ask_step", "call", "tomorrow"),
    "asks.complete_ask_step": _complete_step,
    "asks.mark_asked": _owned_ask_change("mark_asked"),
    "asks.close_ask": _owned_ask_change("close_ask", "granted", "thanks", True),
    "asks.list_asks": lambda b, uow, c: [
        c.ok(asks.list_asks, expect=lambda r: _ids(r) == [c.p.g.b_ask]),
        c.ok(
            asks.list_asks,
            contact=c.p.shared,
            expect=lambda r: [(a.id, a.target) for a in r] == [(c.p.g.ws_ask, PRIVATE_CONTACT)],
        ),
        c.ok(asks.list_asks, status="asked", expect=lambda r: r == []),
        c.hidden(c.contact_refs, lambda r: asks.list_asks(b, uow, contact=r)),
    ],
    "asks.show_ask": lambda b, uow, c: [
        c.hidden(_missing(c, c.p.g.private_asks), lambda r: asks.show_ask(b, uow, r)),
        c.ok(asks.show_ask, c.p.g.ws_ask, expect=lambda r: r.target == PRIVATE_CONTACT),
        c.ok(
            asks.show_ask,
            c.p.g.ws_ask_of_contact,
            # Its step's title names nobody: the contact is hidden from B.
            expect=lambda r: (
                (r.contact, [t.title for t in r.steps]) == (PRIVATE_CONTACT, ["Ask: call"])
            ),
        ),
    ],
    "asks.delete_ask": lambda b, uow, c: [
        c.hidden(_missing(c, c.p.g.private_asks), lambda r: asks.delete_ask(b, uow, r)),
        c.fails(PermissionDenied, asks.delete_ask, c.p.g.ws_ask),
        c.ok(asks.delete_ask, c.p.g.b_ask),
    ],
    "privacy.forget_contact": lambda b, uow, c: [
        c.hidden(
            [*c.contact_refs, (c.p.g.forgotten_email, f"gone.{c.p.decoy.lower()}@example.com")],
            lambda r: privacy.forget_contact(b, uow, r),
        ),
        c.fails(PermissionDenied, privacy.forget_contact, c.p.shared),
        c.ok(privacy.forget_contact, c.p.b_contact),
    ],
    "privacy.list_suppressions": _suppressions,
    "privacy.unsuppress": _unsuppress,
    "backup.export_backup": _export_backup,
}
