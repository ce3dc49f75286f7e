"""Interactions: every touch logged, and a contact's timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from goodwill.domain.dates import parse_moment
from goodwill.domain.interactions import parse_channel, parse_initiator, validate_recipients
from goodwill.domain.people import Visibility
from goodwill.domain.text import SUMMARY_MAX, clean_text
from goodwill.errors import ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._visibility import get_visible, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import InteractionView, LoggedInteraction, Ref
from goodwill.storage.aggregates import add_touches, rebuild_touches
from goodwill.storage.schema import Contact, Interaction, InteractionParticipant, Task
from goodwill.storage.unit_of_work import UnitOfWork

MAX_PARTICIPANTS = 500


def log_interaction(
    actor: Actor,
    uow: UnitOfWork,
    channel: str,
    participants: Sequence[int | str],
    *,
    summary: str | None = None,
    when: datetime | str | None = None,
    initiated_by: str = "me",
    recipients: int | None = None,
    visibility: str | None = None,
) -> LoggedInteraction:
    """Log a touch; returns it with the participants' open follow-up tasks to offer closing."""
    if not participants:
        raise ValidationFailed("participants", "name at least one contact")
    if len(participants) > MAX_PARTICIPANTS:
        raise ValidationFailed("participants", f"at most {MAX_PARTICIPANTS} per interaction")
    kind = parse_channel(channel)
    initiator = parse_initiator(initiated_by)
    text = clean_text(summary, "summary", max_len=SUMMARY_MAX, multiline=True)
    now = utcnow()
    with uow.write() as session:
        contacts: list[Contact] = []
        for ref in participants:
            contact = common.resolve_contact(session, actor, ref)
            if contact not in contacts:
                contacts.append(contact)
        occurred = _when(when, actor, now)
        if visibility is None and any(c.visibility == Visibility.PRIVATE for c in contacts):
            # A touch with a private contact stays private unless the user says otherwise.
            visibility = Visibility.PRIVATE.value
        interaction = Interaction(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=common.choose_visibility(session, actor, visibility),
            occurred_at=occurred,
            channel=kind.value,
            summary=text,
            initiator=initiator.value,
            recipients=validate_recipients(recipients, len(contacts)),
            created_at=now,
            updated_at=now,
        )
        session.add(interaction)
        session.flush()
        session.add_all(
            InteractionParticipant(interaction_id=interaction.id, contact_id=c.id) for c in contacts
        )
        session.flush()
        add_touches(session, [interaction.id])  # O(1) per contact, whatever the history
        follow_ups = session.scalars(
            select(Task)
            .where(
                Task.contact_id.in_([c.id for c in contacts]),
                Task.done_at.is_(None),
                visible(Task, actor),
            )
            .order_by(Task.due_at, Task.id)
        ).all()
        by_id = {c.id: c for c in contacts}
        return LoggedInteraction(
            interaction=_views(session, actor, [interaction])[0],
            open_follow_ups=[
                common.task_view(t, actor, by_id.get(t.contact_id or 0)) for t in follow_ups
            ],
        )


def _when(value: datetime | str | None, actor: Actor, now: datetime) -> datetime:
    if value is None:
        return now
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed("when", "needs a time zone")
        return value
    moment = parse_moment(value, "when", actor.tz, now)
    return moment.at


def _views(
    session: Session, actor: Actor, interactions: Sequence[Interaction]
) -> list[InteractionView]:
    ids = [i.id for i in interactions]
    rows = session.execute(
        select(InteractionParticipant.interaction_id, Contact)
        .join(Contact, Contact.id == InteractionParticipant.contact_id)
        .where(InteractionParticipant.interaction_id.in_(ids))
        .order_by(Contact.sort_key, Contact.id)
        .options(lazyload("*"))  # references: not their emails, phones and tags
    ).all()
    people: dict[int, list[Ref]] = {i: [] for i in ids}
    for interaction_id, contact in rows:
        people[interaction_id].append(common.contact_ref(contact, actor))
    for refs in people.values():
        # Hidden participants go last, so their place in the name order reveals nothing.
        refs.sort(key=lambda ref: ref.id is None)
    return [
        InteractionView(
            id=i.id,
            occurred_at=i.occurred_at,
            channel=i.channel,
            summary=i.summary,
            initiator=i.initiator,
            participants=people[i.id],
            recipients=i.recipients,
            visibility=i.visibility,
        )
        for i in interactions
    ]


SORTS = paging.Sorts(
    paging.one_key("-occurred_at", Interaction.id, Interaction.occurred_at, "datetime"),
    paging.one_key("occurred_at", Interaction.id, Interaction.occurred_at, "datetime"),
)


def contact_timeline(
    actor: Actor,
    uow: UnitOfWork,
    ref: int | str,
    *,
    limit: int = 50,
    before: datetime | None = None,
) -> list[InteractionView]:
    """A contact's interactions the actor may see, newest first."""
    return interactions_page(actor, uow, contact=ref, until=before, limit=limit).items


def list_interactions(
    actor: Actor, uow: UnitOfWork, *, channel: str | None = None, limit: int = 50
) -> list[InteractionView]:
    return interactions_page(actor, uow, channel=channel, limit=limit).items


def interactions_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 50,
) -> paging.Page[InteractionView]:
    """Interactions the actor may see (one contact's, with `contact`), newest first by
    default; `since` is inclusive, `until` exclusive; a page after the key `after`."""
    order = SORTS.choose(sort)
    with uow.read() as session:
        if contact is None:
            # Read from ix_interactions_occurred_at in order from the cursor on; through
            # the workspace index SQLite (no statistics) sorts the whole workspace.
            stmt = select(Interaction).where(visible(Interaction, actor, workspace_index=False))
        else:
            person = common.resolve_contact(session, actor, contact)
            # An IN from the participants index, then a sort of that contact's touches:
            # with a join, or with the workspace index usable, SQLite walks the whole
            # workspace's interactions in order to find a rare contact's few.
            stmt = select(Interaction).where(
                visible(Interaction, actor, workspace_index=False),
                Interaction.id.in_(
                    select(InteractionParticipant.interaction_id).where(
                        InteractionParticipant.contact_id == person.id
                    )
                ),
            )
        if channel is not None:
            stmt = stmt.where(Interaction.channel == parse_channel(channel).value)
        if since is not None:
            stmt = stmt.where(Interaction.occurred_at >= _aware(since, "since"))
        if until is not None:
            stmt = stmt.where(Interaction.occurred_at < _aware(until, "until"))
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of(_views(session, actor, found), order, next_key)


def _aware(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None:
        raise ValidationFailed(field, "needs a time zone")
    return moment


def delete_interaction(actor: Actor, uow: UnitOfWork, interaction_id: int) -> Ref:
    """Move an interaction to the trash; the participants' touch aggregates follow."""
    with uow.write() as session:
        interaction = get_visible(session, Interaction, interaction_id, actor, "interaction")
        require_owner(interaction, actor, "delete")
        interaction.deleted_at = utcnow()
        session.flush()
        contact_ids = session.scalars(
            select(InteractionParticipant.contact_id).where(
                InteractionParticipant.interaction_id == interaction.id
            )
        ).all()
        rebuild_touches(session, contact_ids)
        return Ref(interaction.id, f"{interaction.channel} on {interaction.occurred_at:%Y-%m-%d}")
