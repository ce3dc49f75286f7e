"""What relationships led to: the history behind wins, and gave-first against cold.

"The people" of an opportunity are its contact and everyone with a position at its
organization, among the contacts the actor may see. The user "gave first" when the
ledger (the actor's own, as every balance) holds a gave entry to one of them dated
before the day the opportunity opened, in the user's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from goodwill.domain.dates import local_date_of
from goodwill.domain.funnel import Outcome, from_e4, win_rate
from goodwill.domain.ledger import Direction
from goodwill.services import _common as common
from goodwill.services._memo import memoized
from goodwill.services._report_sql import Facts, Scope
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.services.report_views import AttributionGroup, AttributionStory
from goodwill.services.views import Ref
from goodwill.storage.schema import (
    Contact,
    Interaction,
    InteractionParticipant,
    Introduction,
    LedgerEntry,
    Opportunity,
    Organization,
    Position,
)
from goodwill.storage.unit_of_work import UnitOfWork


def _own_gives(actor: Actor) -> ColumnElement[bool]:
    return and_(
        LedgerEntry.workspace_id == actor.workspace_id,
        LedgerEntry.owner_id == actor.user_id,
        LedgerEntry.deleted_at.is_(None),
        LedgerEntry.direction == Direction.GAVE.value,
    )


@dataclass(frozen=True)
class FirstGives:
    """The day of the user's first give to each contact they may see, and to anyone
    with a position at each organization."""

    by_contact: dict[int, date]
    by_org: dict[int, date]


@memoized()  # its own entry: moving an opportunity writes none of the tables it reads
def first_gives(actor: Actor, uow: UnitOfWork) -> FirstGives:
    """One grouped pass over the user's gives, and the positions to fold them into
    organizations: served again while no give, contact or position was written."""
    with uow.read() as session:
        by_contact: dict[int, date] = {
            int(c): d
            for c, d in session.execute(
                select(LedgerEntry.counterpart_id, func.min(LedgerEntry.occurred_on))
                .join(Contact, Contact.id == LedgerEntry.counterpart_id)
                .where(_own_gives(actor), visible(Contact, actor))
                .group_by(LedgerEntry.counterpart_id)
            )
        }
        by_org: dict[int, date] = {}
        for org_id, contact_id in session.execute(
            select(Position.organization_id, Position.contact_id)
        ):
            given = by_contact.get(contact_id)
            if given is not None and (org_id not in by_org or given < by_org[org_id]):
                by_org[org_id] = given
    return FirstGives(by_contact, by_org)


def gave_first_groups(
    scope: Scope, facts: Mapping[int, Facts], gives: FirstGives
) -> tuple[AttributionGroup, AttributionGroup]:
    """Every opportunity in scope (its facts: services._stage_tracks), split by whether
    the user gave first (before the day it opened, in the user's time zone) to its
    contact or its organization's people."""
    tz = scope.actor.tz
    outcome = scope.outcome_of
    tallies = {True: [0, 0, 0, 0], False: [0, 0, 0, 0]}  # all, open, won, lost
    for stage_id, opened, contact_id, org_id in facts.values():
        firsts = [
            d
            for d in (
                None if contact_id is None else gives.by_contact.get(contact_id),
                None if org_id is None else gives.by_org.get(org_id),
            )
            if d is not None
        ]
        gave = bool(firsts) and min(firsts) < local_date_of(datetime.fromtimestamp(opened, UTC), tz)
        tally = tallies[gave]
        tally[0] += 1
        result = outcome[stage_id]
        tally[1 if result is None else 2 if result == Outcome.WON else 3] += 1
    return _group("gave first", tallies[True]), _group("cold", tallies[False])


def _group(label: str, tally: list[int]) -> AttributionGroup:
    total, opened, won, lost = tally
    rate = win_rate(won, won + lost)
    return AttributionGroup(
        label, total, opened, won, lost, None if rate is None else round(rate, 4)
    )


def win_stories(
    session: Session, uow: UnitOfWork, scope: Scope, limit: int
) -> tuple[int, list[AttributionStory]]:
    """How many wins, and the story of the most recent ones: a few statements for all
    of them (their people, then one UNION ALL a measure), not a handful per story."""
    won = scope.ids_with(Outcome.WON)
    if not won:
        return 0, []
    actor = scope.actor
    where = (*scope.clauses(), Opportunity.stage_id.in_(won))
    total = session.scalar(select(func.count()).select_from(Opportunity).where(*where)) or 0
    wins = session.scalars(
        select(Opportunity)
        .where(*where)
        .order_by(
            func.coalesce(Opportunity.closed_at, Opportunity.opened_at).desc(),
            Opportunity.id.desc(),
        )
        .limit(limit)
    ).all()
    if not wins:
        return int(total), []
    contacts = common.contacts_by_id(
        session, {o.contact_id for o in wins} | {o.source_contact_id for o in wins}
    )
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organization).where(
                Organization.id.in_({o.organization_id for o in wins if o.organization_id})
            )
        )
    }
    intros = set(
        session.scalars(
            select(Introduction.id).where(
                Introduction.id.in_({o.introduction_id for o in wins if o.introduction_id}),
                visible(Introduction, actor),
            )
        )
    )
    touches, gives = story_measures(
        actor, uow, tuple(WinFacts(o.contact_id, o.organization_id, o.opened_at) for o in wins)
    )
    stories = []
    for i, opp in enumerate(wins):
        opened_on = local_date_of(opp.opened_at, actor.tz)
        first_touch, before = touches.get(i, (None, 0))
        gives_before, first_give = gives.get(i, (0, None))
        contact = contacts.get(opp.contact_id) if opp.contact_id else None
        source = contacts.get(opp.source_contact_id) if opp.source_contact_id else None
        org = orgs.get(opp.organization_id) if opp.organization_id else None
        stories.append(
            AttributionStory(
                opportunity=Ref(opp.id, opp.title),
                contact=None if opp.contact_id is None else common.contact_ref(contact, actor),
                organization=None if opp.organization_id is None else common.org_ref(org, actor),
                value=None if opp.value_e4 is None else from_e4(opp.value_e4),
                currency=opp.currency,
                opened_on=opened_on,
                closed_on=None if opp.closed_at is None else local_date_of(opp.closed_at, actor.tz),
                source=opp.source,
                source_contact=None
                if opp.source_contact_id is None
                else common.contact_ref(source, actor),
                introduction_id=opp.introduction_id if opp.introduction_id in intros else None,
                first_touch=None if first_touch is None else local_date_of(first_touch, actor.tz),
                interactions_before=int(before or 0),
                gives_before=int(gives_before or 0),
                first_give=first_give,
                gave_first=bool(gives_before),
            )
        )
    return int(total), stories


@dataclass(frozen=True)
class WinFacts:
    """What a win's story measures read of it."""

    contact_id: int | None
    organization_id: int | None
    opened_at: datetime


def _people(session: Session, actor: Actor, wins: Sequence[WinFacts]) -> list[list[int]]:
    """Each win's people the actor may see (its contact, its organization's people), in
    two statements for all of them."""
    contact_ids = {o.contact_id for o in wins if o.contact_id is not None}
    org_ids = {o.organization_id for o in wins if o.organization_id is not None}
    seen = set(
        session.scalars(
            select(Contact.id).where(Contact.id.in_(contact_ids), visible(Contact, actor))
        )
    )
    members: dict[int, set[int]] = {}
    for org_id, contact_id in session.execute(
        select(Position.organization_id, Position.contact_id)
        .join(Contact, Contact.id == Position.contact_id)
        .where(Position.organization_id.in_(org_ids), visible(Contact, actor))
    ):
        members.setdefault(org_id, set()).add(contact_id)
    found = []
    for o in wins:
        people = set(members.get(o.organization_id, ())) if o.organization_id else set()
        if o.contact_id in seen:
            people.add(o.contact_id)
        found.append(sorted(people))
    return found


@memoized()  # its own entry: a move between open stages leaves the wins and these alone
def story_measures(
    actor: Actor, uow: UnitOfWork, wins: tuple[WinFacts, ...]
) -> tuple[dict[int, tuple[Any, int]], dict[int, tuple[int, date | None]]]:
    """Per win (by its index): the first interaction with its people and how many came
    before it opened; the gives to them before the day it opened, and the first one."""
    touches: dict[int, tuple[Any, int]] = {}
    gives: dict[int, tuple[int, date | None]] = {}
    with uow.read() as session:
        for i, (opp, people) in enumerate(zip(wins, _people(session, actor, wins), strict=True)):
            if not people:
                continue
            # From the participants of its people to their interactions by primary key: a
            # planner without statistics would otherwise walk the workspace's interactions.
            theirs = select(InteractionParticipant.interaction_id).where(
                InteractionParticipant.contact_id.in_(people)
            )
            first, before = session.execute(
                select(
                    func.min(Interaction.occurred_at),
                    func.count().filter(Interaction.occurred_at < opp.opened_at),
                ).where(Interaction.id.in_(theirs), visible(Interaction, actor))
            ).one()
            touches[i] = (first, int(before or 0))
            # The day in the aggregate, not the WHERE: (owner, counterpart) is the index.
            earlier = LedgerEntry.occurred_on < local_date_of(opp.opened_at, actor.tz)
            n, first_give = session.execute(
                select(
                    func.count().filter(earlier),
                    func.min(LedgerEntry.occurred_on).filter(earlier),
                ).where(_own_gives(actor), LedgerEntry.counterpart_id.in_(people))
            ).one()
            gives[i] = (int(n or 0), first_give)
    return touches, gives
