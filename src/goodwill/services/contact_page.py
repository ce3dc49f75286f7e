"""The contact page's read model: everything about one person the actor may see, for
one screen — details, positions, notes and open tasks, the timeline, the strength
with its explanation, the balance and ledger with them, asks, introductions, the
discovery profile, and needs and offers.

Each part is built by its own area's view functions (so the page shows what the CLI
and the API show), each bounded to its newest few, in one read session with the
contact resolved once (a dozen public calls would each resolve it again: half the
page's time); a contact the actor may not see fails exactly like a missing one.

The timeline and the ledger go on past their newest few: the page hands out the key
of its last row, and `contact_timeline_page` / `contact_ledger_page` continue from a
key (keyset pages, as the lists of interactions and of the ledger sort them, so page
100 of a contact with thousands of touches costs what page 1 costs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, aliased

from goodwill.domain.dates import local_date_of
from goodwill.services import _common as common
from goodwill.services import _giving_items as giving_items
from goodwill.services import _paging as paging
from goodwill.services import asks, contacts, discovery, interactions, intros, ledger
from goodwill.services import strength as strength_service
from goodwill.services._strength import settings_for
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.asks import AskView
from goodwill.services.discovery import DiscoveryView
from goodwill.services.giving import NeedOfferView
from goodwill.services.intros import IntroductionView
from goodwill.services.ledger import BalanceView, LedgerEntryView
from goodwill.services.strength import StrengthView
from goodwill.services.views import ContactDetail, InteractionView, Ref
from goodwill.storage.expressions import not_indexed
from goodwill.storage.schema import (
    Ask,
    Contact,
    Interaction,
    InteractionParticipant,
    Introduction,
    LedgerEntry,
    NeedOffer,
)
from goodwill.storage.unit_of_work import UnitOfWork

TIMELINE_SHOWN = 20
LEDGER_SHOWN = 20
ASKS_SHOWN = 20
INTROS_SHOWN = 20
ITEMS_SHOWN = 50
OLDER_SHOWN = 50  # a continuation page of the timeline or the ledger
OLDER_MAX = 200
# Newest first, as interactions_page and ledger_page sort by default: their keys fit.
TIMELINE_SORT = interactions.SORTS.default
LEDGER_SORT = ledger.SORTS.default
T = TypeVar("T")


@dataclass(frozen=True)
class ContactPage:
    contact: ContactDetail  # with positions, visible notes and open tasks
    strength: StrengthView
    balance: BalanceView  # the actor's own ledger with this person
    ledger: list[LedgerEntryView]  # newest first
    ledger_after: list[Any] | None  # the key to continue after; None: that was all
    timeline: list[InteractionView]  # newest first
    timeline_after: list[Any] | None
    asks: list[AskView]
    introductions: list[IntroductionView]  # as requester or target
    discovery: DiscoveryView
    needs_offers: list[NeedOfferView]

    @property
    def ledger_more(self) -> bool:
        return self.ledger_after is not None

    @property
    def timeline_more(self) -> bool:
        return self.timeline_after is not None


@dataclass(frozen=True)
class ContactOlder(Generic[T]):
    """A page further down one contact's timeline or ledger, newest first."""

    contact: Ref
    items: list[T]
    sort: str
    after: list[Any] | None  # the key to continue after; None: this was the last page


def contact_page(actor: Actor, uow: UnitOfWork, contact_id: int) -> ContactPage:
    """Everything the contact page shows about one contact the actor may see."""
    now = utcnow()
    with uow.read() as session:
        person = common.resolve_contact(session, actor, contact_id)  # hidden: NotFound
        cid = person.id
        ref = common.contact_ref(person, actor)
        settings = settings_for(session, actor)
        touches = session.scalars(
            paging.seek(_timeline(actor, cid), TIMELINE_SORT, None, TIMELINE_SHOWN)
        ).all()
        timeline, timeline_after = paging.cut(touches, TIMELINE_SORT, TIMELINE_SHOWN)
        given = session.scalars(
            paging.seek(_ledger(actor, cid), LEDGER_SORT, None, LEDGER_SHOWN)
        ).all()
        entries, ledger_after = paging.cut(given, LEDGER_SORT, LEDGER_SHOWN)
        asked = session.scalars(
            select(Ask)
            .where(visible(Ask, actor), Ask.contact_id == cid)
            .order_by(Ask.created_at.desc(), Ask.id.desc())
            .limit(ASKS_SHOWN)
        ).all()
        today = local_date_of(now, actor.tz)
        items = session.execute(
            giving_items.rows_query(actor, today, contact_id=cid)
            .order_by(NeedOffer.kind, NeedOffer.noted_on.desc(), NeedOffer.id.desc())
            .limit(ITEMS_SHOWN)
        ).all()
        return ContactPage(
            contact=contacts._detail(session, actor, person),
            strength=strength_service._views(session, actor, now, settings, [cid])[0],
            balance=ledger._balance(session, actor, cid, ref, None, None),
            ledger=ledger.entry_views(session, actor, entries),
            ledger_after=ledger_after,
            timeline=interactions._views(session, actor, timeline),
            timeline_after=timeline_after,
            asks=asks._views(session, actor, list(asked)),
            introductions=_introductions(session, actor, cid),
            discovery=discovery._view(session, actor, person, []),
            needs_offers=[giving_items.row_view(r, n, actor, today) for r, n in items],
        )


def contact_timeline_page(
    actor: Actor,
    uow: UnitOfWork,
    contact_id: int,
    *,
    after: list[Any] | None = None,
    limit: int | None = None,
) -> ContactOlder[InteractionView]:
    """One contact's interactions the actor may see, newest first, after the key `after`
    (the contact page's `timeline_after`, or a previous page's)."""
    limit = max(1, min(limit or OLDER_SHOWN, OLDER_MAX))
    with uow.read() as session:
        person = common.resolve_contact(session, actor, contact_id)  # hidden: NotFound
        rows = session.scalars(
            paging.seek(_timeline(actor, person.id), TIMELINE_SORT, after, limit)
        ).all()
        found, next_key = paging.cut(rows, TIMELINE_SORT, limit)
        return ContactOlder(
            common.contact_ref(person, actor),
            interactions._views(session, actor, found),
            TIMELINE_SORT.name,
            next_key,
        )


def contact_ledger_page(
    actor: Actor,
    uow: UnitOfWork,
    contact_id: int,
    *,
    after: list[Any] | None = None,
    limit: int | None = None,
) -> ContactOlder[LedgerEntryView]:
    """The actor's own ledger entries with one contact, newest first, after `after`."""
    limit = max(1, min(limit or OLDER_SHOWN, OLDER_MAX))
    with uow.read() as session:
        person = common.resolve_contact(session, actor, contact_id)  # hidden: NotFound
        rows = session.scalars(
            paging.seek(_ledger(actor, person.id), LEDGER_SORT, after, limit)
        ).all()
        found, next_key = paging.cut(rows, LEDGER_SORT, limit)
        return ContactOlder(
            common.contact_ref(person, actor),
            ledger.entry_views(session, actor, found),
            LEDGER_SORT.name,
            next_key,
        )


def _timeline(actor: Actor, contact_id: int) -> Select[Interaction]:
    """The contact's interactions the actor may see (to be ordered and paged).

    As interactions_page for one contact: an IN from the participants index, then a
    sort of that contact's touches (through the workspace index, SQLite would walk the
    whole workspace's interactions in order to find a rare contact's few)."""
    return select(Interaction).where(
        visible(Interaction, actor, workspace_index=False),
        Interaction.id.in_(
            select(InteractionParticipant.interaction_id).where(
                InteractionParticipant.contact_id == contact_id
            )
        ),
    )


def _ledger(actor: Actor, contact_id: int) -> Select[LedgerEntry]:
    """The actor's own entries with this contact (to be ordered and paged).

    ledger.ledger_page's entries, found from the counterpart index: with the owner's
    index usable, SQLite reads the owner's whole ledger newest first to find one
    person's few entries (210,000 of them at 100k contacts)."""
    return select(LedgerEntry).where(
        LedgerEntry.counterpart_id == contact_id,
        not_indexed(LedgerEntry.owner_id) == actor.user_id,
        not_indexed(LedgerEntry.workspace_id) == actor.workspace_id,
        LedgerEntry.deleted_at.is_(None),
    )


def _introductions(session: Session, actor: Actor, contact_id: int) -> list[IntroductionView]:
    """The visible introductions with this contact as requester or target, newest first
    (none of someone in the trash: they wait there with them)."""
    person = aliased(Contact)
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
