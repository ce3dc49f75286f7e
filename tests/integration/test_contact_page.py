"""The contact page's read model (services.contact_page), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from goodwill.errors import NotFound
from goodwill.services import asks, contact_page, discovery, giving, intros, ledger, notes
from tests.factories import make_contact, make_interaction, make_task


def test_the_page_gathers_every_part(uow, owner):
    person = make_contact(owner, uow, name="Ada Page", organization="Acme", title="CTO")
    other = make_contact(owner, uow, name="Ben Other")
    make_interaction(owner, uow, person.id, other.id, channel="meeting", summary="planning")
    ledger.record_give(owner, uow, person.id, "advice", weight=3)
    ledger.record_receive(owner, uow, person.id, "referral", weight=1)
    asks.create_ask(owner, uow, person.id, "advice", what="review my deck", why_them="expert")
    intros.request_introduction(owner, uow, str(person.id), str(other.id), goal="hiring")
    discovery.record_discovery(owner, uow, person.id, {"goal": "raise a round"})
    giving.add_need(owner, uow, person.id, "a designer")
    notes.add_note(owner, uow, "likes tea", contact=person.id)
    make_task(owner, uow, title="send deck", contact=person.id, due="tomorrow")
    page = contact_page.contact_page(owner, uow, person.id)
    assert page.contact.display_name == "Ada Page"
    assert [i.summary for i in page.timeline] == ["planning"]
    assert page.balance.balance == 2 and len(page.ledger) == 2
    assert page.strength.touches == 1 and page.strength.reasons["recency"]
    assert [a.what for a in page.asks] == ["review my deck"]
    assert [(i.requester.id, i.target.id) for i in page.introductions] == [(person.id, other.id)]
    goal = next(q for q in page.discovery.questions if q.key == "goal")
    assert goal.latest is not None and goal.latest.answer == "raise a round"
    assert [n.text for n in page.needs_offers] == ["a designer"]
    assert [n.body for n in page.contact.notes] == ["likes tea"]
    assert [t.title for t in page.contact.open_tasks] == ["send deck"]
    assert [p.title for p in page.contact.positions] == ["CTO"]
    assert not page.timeline_more and not page.ledger_more


def test_a_hidden_contact_fails_like_a_missing_one(uow, owner, teammate):
    secret = make_contact(owner, uow, name="Kept Private", visibility="private")
    with pytest.raises(NotFound) as hidden:
        contact_page.contact_page(teammate, uow, secret.id)
    with pytest.raises(NotFound) as missing:
        contact_page.contact_page(teammate, uow, 999_999)
    assert str(hidden.value) == str(missing.value).replace("999999", str(secret.id))
