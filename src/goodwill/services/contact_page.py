"""The contact page's read model: everything about one person the actor may see, for
one screen — details, positions, notes and open tasks, the timeline, the strength
with its explanation, the balance and ledger with them, asks, introductions, the
discovery profile, and needs and offers.

Each part is the read model its own area serves (so the page shows what the CLI and
the API show), each bounded to its newest few; a contact the actor may not see fails
exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from goodwill.services import _common as common
from goodwill.services import asks, contacts, discovery, giving, interactions, intros, ledger
from goodwill.services import strength as strength_service
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.services.asks import AskView
from goodwill.services.discovery import DiscoveryView
from goodwill.services.giving import NeedOfferView
from goodwill.services.intros import IntroductionView
from goodwill.services.ledger import BalanceView, LedgerEntryView
from goodwill.services.strength import StrengthView
from goodwill.services.views import ContactDetail, InteractionView
from goodwill.storage.schema import Contact, Introduction
from goodwill.storage.unit_of_work import UnitOfWork

TIMELINE_SHOWN = 20
LEDGER_SHOWN = 20
ASKS_SHOWN = 20
INTROS_SHOWN = 20
ITEMS_SHOWN = 50


@dataclass(frozen=True)
class ContactPage:
    contact: ContactDetail  # with positions, visible notes and open tasks
    strength: StrengthView
    balance: BalanceView  # the actor's own ledger with this person
    ledger: list[LedgerEntryView]  # newest first
    ledger_more: bool
    timeline: list[InteractionView]  # newest first
    timeline_more: bool
    asks: list[AskView]
    introductions: list[IntroductionView]  # as requester or target
    discovery: DiscoveryView
    needs_offers: list[NeedOfferView]


def contact_page(actor: Actor, uow: UnitOfWork, contact_id: int) -> ContactPage:
    """Everything the contact page shows about one contact the actor may see."""
    detail = contacts.show_contact(actor, uow, contact_id)  # NotFound when hidden or missing
    timeline = interactions.interactions_page(actor, uow, contact=detail.id, limit=TIMELINE_SHOWN)
    entries = ledger.ledger_page(actor, uow, contact=detail.id, limit=LEDGER_SHOWN)
    return ContactPage(
        contact=detail,
        strength=strength_service.contact_strength(actor, uow, detail.id),
        balance=ledger.ledger_balance(actor, uow, detail.id),
        ledger=entries.items,
        ledger_more=entries.after is not None,
        timeline=timeline.items,
        timeline_more=timeline.after is not None,
        asks=asks.asks_page(actor, uow, contact=detail.id, limit=ASKS_SHOWN).items,
        introductions=_introductions(actor, uow, detail.id),
        discovery=discovery.discovery_profile(actor, uow, detail.id),
        needs_offers=giving.needs_offers_page(
            actor, uow, contact=detail.id, limit=ITEMS_SHOWN
        ).items,
    )


def _introductions(actor: Actor, uow: UnitOfWork, contact_id: int) -> list[IntroductionView]:
    """The visible introductions with this contact as requester or target, newest first
    (none of someone in the trash: they wait there with them)."""
    person = aliased(Contact)
    with uow.read() as session:
        common.resolve_contact(session, actor, contact_id)
        rows = session.scalars(
            select(Introduction)
            .where(
                visible(Introduction, actor),
                or_(Introduction.requester_id == contact_id, Introduction.target_id == contact_id),
                ~exists().where(
                    person.id.in_([Introduction.requester_id, Introduction.target_id]),
                    person.deleted_at.is_not(None),
                ),
            )
            .order_by(Introduction.created_at.desc(), Introduction.id.desc())
            .limit(INTROS_SHOWN)
        ).all()
        return intros._views(session, actor, list(rows))
