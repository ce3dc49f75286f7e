"""Job-search steps on an opportunity (an application): the referral asked for and
received, interview rounds (each a meeting with the people met), and the offer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from goodwill.domain import pipelines as rules
from goodwill.domain.dates import local_date_of
from goodwill.domain.interactions import Channel, Initiator
from goodwill.domain.ledger import Direction, LedgerKind
from goodwill.domain.people import Visibility
from goodwill.domain.text import SHORT_MAX
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import ledger
from goodwill.services._pipeline_views import OpportunityView, opportunity_view
from goodwill.services._pipelines import load_opportunity, moment
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import add_touches
from goodwill.storage.schema import (
    Contact,
    Interaction,
    InteractionParticipant,
    InterviewRound,
    Pipeline,
)
from goodwill.storage.unit_of_work import UnitOfWork

MAX_PEOPLE_PER_ROUND = 50


def record_referral(
    actor: Actor,
    uow: UnitOfWork,
    opp_id: int,
    *,
    asked_on: date | str | None = None,
    received_on: date | str | None = None,
    contact: int | str | None = None,
) -> OpportunityView:
    """When a referral for this application was asked for and received. Received from a
    contact, it is also a received ledger entry (kind referral) to acknowledge."""
    today = local_date_of(utcnow(), actor.tz)
    asked = common.as_date(asked_on, "asked_on", actor)
    received = common.as_date(received_on, "received_on", actor)
    if asked is None and received is None:
        raise ValidationFailed("asked_on", "give when the referral was asked for or received")
    for day, field in ((asked, "asked_on"), (received, "received_on")):
        if day is not None:
            rules.check_not_future(day, today, field)
    if contact is not None and received is None:
        raise ValidationFailed("contact", "the person is recorded with the day it was received")
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        first, then = asked or opp.referral_asked_on, received or opp.referral_received_on
        if first is not None and then is not None and then < first:
            raise ValidationFailed(
                "received_on", f"{then.isoformat()} is before it was asked ({first.isoformat()})"
            )
        if contact is not None and received is not None:
            person = common.resolve_contact(session, actor, contact)
            if opp.source_ledger_id is not None:
                raise Conflict(
                    f"opportunity #{opp.id} already has its referral in the ledger "
                    f"(entry #{opp.source_ledger_id})"
                )
            entry = ledger.new_entry(
                session,
                actor,
                direction=Direction.RECEIVED,
                kind=LedgerKind.REFERRAL.value,
                counterpart=person,
                related_id=opp.contact_id if opp.contact_id != person.id else None,
                weight=1,
                day=received,
                note=f"referral for opportunity #{opp.id}: {opp.title}"[:SHORT_MAX],
                visibility=Visibility.PRIVATE.value
                if person.visibility == Visibility.PRIVATE
                else opp.visibility,
            )
            opp.source_ledger_id = entry.id
            if opp.source_contact_id is None:
                opp.source_contact_id = person.id
        opp.referral_asked_on, opp.referral_received_on = first, then
        opp.updated_at = utcnow()
        session.flush()
        return opportunity_view(session, actor, opp)


def add_interview_round(
    actor: Actor,
    uow: UnitOfWork,
    opp_id: int,
    *,
    when: datetime | str,
    people: Sequence[int | str],
    label: str | None = None,
) -> OpportunityView:
    """The next interview round: a meeting logged with the people met (so it counts as a
    touch with each of them), linked to the application."""
    name = rules.clean_label(label)
    if not people:
        raise ValidationFailed("people", "name at least one person you met")
    if len(people) > MAX_PEOPLE_PER_ROUND:
        raise ValidationFailed("people", f"at most {MAX_PEOPLE_PER_ROUND} per round")
    at = moment(when, "when", actor)
    if at is None:
        raise ValidationFailed("when", "is required")
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        met: list[Contact] = []
        for ref in people:
            person = common.resolve_contact(session, actor, ref)
            if person not in met:
                met.append(person)
        number = (
            session.scalar(
                select(func.max(InterviewRound.round)).where(
                    InterviewRound.opportunity_id == opp.id
                )
            )
            or 0
        ) + 1
        # A meeting with a private person stays private, as a logged one would.
        private = Visibility.PRIVATE.value
        now = utcnow()
        interaction = Interaction(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=private if any(p.visibility == private for p in met) else opp.visibility,
            occurred_at=at,
            channel=Channel.MEETING.value,
            summary=f"Interview round {number}{f' ({name})' if name else ''}: {opp.title}",
            initiator=Initiator.THEM.value,
            recipients=len(met),
            created_at=now,
            updated_at=now,
        )
        session.add(interaction)
        session.flush()
        session.add_all(
            InteractionParticipant(interaction_id=interaction.id, contact_id=p.id) for p in met
        )
        session.add(
            InterviewRound(
                opportunity_id=opp.id, interaction_id=interaction.id, round=number, label=name
            )
        )
        session.flush()
        add_touches(session, [interaction.id])
        opp.updated_at = now
        return opportunity_view(session, actor, opp)


def set_offer(
    actor: Actor,
    uow: UnitOfWork,
    opp_id: int,
    *,
    salary: str | Decimal | int | None = None,
    currency: str | None = None,
    details: dict[str, str] | None = None,
) -> OpportunityView:
    """The offer: salary (exact, with its currency: given, the application's or the
    pipeline's) and details (key=value; a blank value removes one). What is not given
    stays as it was."""
    amount = None if salary is None else rules.parse_money(salary, "salary")
    code = rules.parse_currency(currency) if currency else None
    changes = rules.clean_offer_details(details)
    if amount is None and code is None and not changes:
        raise ValidationFailed("salary", "give a salary, a currency or details")
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        offer: dict[str, Any] = dict(opp.offer or {})
        pipeline = session.get_one(Pipeline, opp.pipeline_id)
        code = code or offer.get("currency") or opp.currency or pipeline.currency
        if amount is not None:
            if code is None:
                raise ValidationFailed("currency", "an offered salary needs its currency")
            offer["salary"] = str(amount)
        offer["currency"] = code
        kept = dict(offer.get("details") or {})
        for key, value in changes.items():
            if value is None:
                kept.pop(key, None)
            else:
                kept[key] = value
        offer["details"] = dict(sorted(kept.items()))
        opp.offer = offer
        opp.updated_at = utcnow()
        session.flush()
        return opportunity_view(session, actor, opp)
