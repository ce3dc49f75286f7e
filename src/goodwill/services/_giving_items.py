"""The needs and offers an actor may see, as views and as the matcher's items.

An item counts only where every part of it is visible: the row (visible to the
actor), its contact (visible, not in the trash, not archived), and — for an offer of
the user's own, with no contact — the actor must own it (a teammate's own article is
theirs to send). A contact's latest discovery answers to "challenges" and "goal"
count as needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from goodwill.domain.giving import Item, ItemKind, Suggestion
from goodwill.domain.people import Visibility
from goodwill.errors import NotFound
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.services.views import Ref
from goodwill.storage.schema import Contact, DiscoveryAnswer, NeedOffer

# Discovery questions whose answers are implicit needs (domain.discovery keys).
NEED_QUESTIONS = ("challenges", "goal")
_SOURCE_OF_QUESTION = {"challenges": "challenge", "goal": "goal"}
ROW, ANSWER = "n", "d"


@dataclass(frozen=True)
class NeedOfferView:
    id: int
    kind: str  # need | offer
    contact: Ref | None  # None: the user's own offer
    text: str
    tags: list[str]
    noted_on: date
    expires_on: date | None
    closed_at: datetime | None
    expired: bool
    visibility: str
    owner_id: int


@dataclass(frozen=True)
class GiveItemView:
    """One side of a suggestion: a need, an offer, or a discovery answer taken as a need."""

    id: int | None  # the need's or offer's id; None for a discovery answer
    source: str  # need | offer | challenge | goal
    contact: Ref | None  # None: yours
    text: str
    tags: list[str]
    noted_on: date | None


def _contact_ok(actor: Actor) -> Any:
    return and_(visible(Contact, actor), Contact.archived_at.is_(None))


def _row_ok(actor: Actor) -> Any:
    return and_(
        visible(NeedOffer, actor),
        or_(
            and_(NeedOffer.contact_id.is_(None), NeedOffer.owner_id == actor.user_id),
            _contact_ok(actor),
        ),
    )


def rows_query(
    actor: Actor,
    today: date,
    *,
    include_closed: bool = False,
    contact_id: int | None = None,
    kind: ItemKind | None = None,
) -> Select[NeedOffer, str]:
    """Visible needs and offers with their contact's name (None: the actor's own)."""
    stmt = (
        select(NeedOffer, Contact.display_name)
        .outerjoin(Contact, Contact.id == NeedOffer.contact_id)
        .where(_row_ok(actor))
    )
    if not include_closed:
        stmt = stmt.where(
            NeedOffer.closed_at.is_(None),
            or_(NeedOffer.expires_on.is_(None), NeedOffer.expires_on >= today),
        )
    if contact_id is not None:
        stmt = stmt.where(NeedOffer.contact_id == contact_id)
    if kind is not None:
        stmt = stmt.where(NeedOffer.kind == kind.value)
    return stmt


def load_rows(session: Session, actor: Actor, today: date) -> list[tuple[NeedOffer, str | None]]:
    """The live needs and offers with their contact's name, needs first, newest first."""
    stmt = rows_query(actor, today).order_by(
        NeedOffer.kind, NeedOffer.noted_on.desc(), NeedOffer.id.desc()
    )
    return [(row, name) for row, name in session.execute(stmt)]


def get_row(session: Session, actor: Actor, item_id: int) -> tuple[NeedOffer, str | None]:
    """One visible need or offer; hidden fails exactly like missing."""
    found = session.execute(
        select(NeedOffer, Contact.display_name)
        .outerjoin(Contact, Contact.id == NeedOffer.contact_id)
        .where(NeedOffer.id == item_id, _row_ok(actor))
    ).first()
    if found is None:
        raise NotFound(f"no need or offer #{item_id}")
    return found[0], found[1]


def row_view(row: NeedOffer, name: str | None, actor: Actor, today: date) -> NeedOfferView:
    return NeedOfferView(
        id=row.id,
        kind=row.kind,
        contact=None if row.contact_id is None else Ref(row.contact_id, name or ""),
        text=row.text,
        tags=list(row.tags or []),
        noted_on=row.noted_on,
        expires_on=row.expires_on,
        closed_at=row.closed_at,
        expired=row.expires_on is not None and row.expires_on < today,
        visibility=row.visibility,
        owner_id=row.owner_id,
    )


def load_items(session: Session, actor: Actor, today: date) -> tuple[list[Item], list[Item]]:
    """The live needs (discovery answers among them) and offers, as the matcher's items."""
    needs: list[Item] = []
    offers: list[Item] = []
    for row, name in load_rows(session, actor, today):
        item = Item(
            ref=f"{ROW}{row.id}",
            kind=ItemKind(row.kind),
            contact_id=row.contact_id,
            text=row.text,
            tags=tuple(row.tags or ()),
            noted_on=row.noted_on,
            expires_on=row.expires_on,
            closed=row.closed_at is not None,
            name=name or "you",
            source=row.kind,
        )
        (needs if item.kind is ItemKind.NEED else offers).append(item)
    needs.extend(_discovery_needs(session, actor))
    return needs, offers


def _discovery_needs(session: Session, actor: Actor) -> list[Item]:
    """Each visible contact's latest visible answer to each need-like question."""
    rows = session.execute(
        select(DiscoveryAnswer, Contact.display_name)
        .join(Contact, Contact.id == DiscoveryAnswer.contact_id)
        .where(
            visible(DiscoveryAnswer, actor),
            DiscoveryAnswer.question.in_(NEED_QUESTIONS),
            _contact_ok(actor),
        )
        .order_by(
            DiscoveryAnswer.contact_id,
            DiscoveryAnswer.question,
            DiscoveryAnswer.learned_on.desc(),
            DiscoveryAnswer.id.desc(),
        )
    )
    latest: dict[tuple[int, str], Item] = {}
    for answer, name in rows:
        contact_id = answer.contact_id
        assert contact_id is not None
        key = (contact_id, answer.question)
        if key in latest:
            continue
        latest[key] = Item(
            ref=f"{ANSWER}{answer.id}",
            kind=ItemKind.NEED,
            contact_id=contact_id,
            text=answer.answer,
            noted_on=answer.learned_on,
            name=name,
            source=_SOURCE_OF_QUESTION[answer.question],
        )
    return list(latest.values())


def row_id(item: Item) -> int | None:
    """The needs_offers id of an item (None for a discovery answer)."""
    return int(item.ref[len(ROW) :]) if item.ref.startswith(ROW) else None


def item_view(item: Item) -> GiveItemView:
    return GiveItemView(
        id=row_id(item),
        source=item.source,
        contact=None if item.contact_id is None else Ref(item.contact_id, item.name),
        text=item.text,
        tags=list(item.tags),
        noted_on=item.noted_on,
    )


def involves_private(session: Session, actor: Actor, suggestion: Suggestion) -> bool:
    """Whether any item or person of the suggestion is private: what it leads to
    (an introduction, a ledger entry) is private then too."""
    sides = (suggestion.need, suggestion.offer)
    private = Visibility.PRIVATE.value
    row_ids = [i for i in (row_id(s) for s in sides) if i is not None]
    answer_ids = [int(s.ref[len(ANSWER) :]) for s in sides if s.ref.startswith(ANSWER)]
    people = [s.contact_id for s in sides if s.contact_id is not None]
    seen: list[str] = []
    if row_ids:
        seen += session.scalars(select(NeedOffer.visibility).where(NeedOffer.id.in_(row_ids)))
    if answer_ids:
        seen += session.scalars(
            select(DiscoveryAnswer.visibility).where(DiscoveryAnswer.id.in_(answer_ids))
        )
    seen += session.scalars(select(Contact.visibility).where(Contact.id.in_(people)))
    return private in seen
