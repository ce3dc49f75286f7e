"""Gathering the backup document: what the actor may see, in a fixed order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from goodwill.services._backup_format import (
    FORMAT,
    VERSION,
    AskRecord,
    ContactRecord,
    InteractionRecord,
    LedgerRecord,
    NoteRecord,
    OrganizationRecord,
    PositionRecord,
    RelationRecord,
    SuppressionRecord,
    TaskRecord,
    UserRecord,
    document_fields,
)
from goodwill.services._backup_pipelines import pipelines_and_opportunities
from goodwill.services._backup_records import (
    DiscoveryRecord,
    DismissalRecord,
    GoalRecord,
    IntroductionRecord,
    IntroEventRecord,
    NeedOfferRecord,
    TemplateRecord,
)
from goodwill.services._backup_rows import grouped, json_value, pick, visible_rows
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.storage.schema import (
    ActivityGoal,
    Ask,
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactRelation,
    ContactTag,
    DiscoveryAnswer,
    GiveDismissal,
    Interaction,
    InteractionParticipant,
    Introduction,
    IntroductionEvent,
    LedgerEntry,
    Membership,
    MessageTemplate,
    NeedOffer,
    Note,
    Organization,
    OrganizationTag,
    Position,
    Suppression,
    Tag,
    Task,
    User,
    Workspace,
)


def collect_document(session: Session, actor: Actor) -> dict[str, Any]:
    """The whole document as plain JSON values; links to hidden records are dropped."""
    # Joins, not IN (subquery): SQLite would probe a two-column key for every pair.
    seen_contact = visible(Contact, actor, include_deleted=True)
    seen_org = visible(Organization, actor, include_deleted=True)
    contacts = visible_rows(session, Contact, actor)
    contact_ids = {row["id"] for row in contacts}
    emails = grouped(
        session,
        select(
            ContactEmail.contact_id, ContactEmail.email, ContactEmail.label, ContactEmail.position
        )
        .join(Contact, Contact.id == ContactEmail.contact_id)
        .where(seen_contact)
        .order_by(ContactEmail.contact_id, ContactEmail.position, ContactEmail.email),
    )
    phones = grouped(
        session,
        select(
            ContactPhone.contact_id, ContactPhone.e164, ContactPhone.label, ContactPhone.position
        )
        .join(Contact, Contact.id == ContactPhone.contact_id)
        .where(seen_contact)
        .order_by(ContactPhone.contact_id, ContactPhone.position, ContactPhone.e164),
    )
    links = grouped(
        session,
        select(ContactLink.contact_id, ContactLink.url, ContactLink.kind)
        .join(Contact, Contact.id == ContactLink.contact_id)
        .where(seen_contact)
        .order_by(ContactLink.contact_id, ContactLink.id),
    )
    contact_tags = grouped(
        session,
        select(ContactTag.contact_id, Tag.name)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .join(Contact, Contact.id == ContactTag.contact_id)
        .where(seen_contact)
        .order_by(ContactTag.contact_id, Tag.name),
    )
    organizations = visible_rows(session, Organization, actor)
    org_ids = {row["id"] for row in organizations}
    org_tags = grouped(
        session,
        select(OrganizationTag.organization_id, Tag.name)
        .join(Tag, Tag.id == OrganizationTag.tag_id)
        .join(Organization, Organization.id == OrganizationTag.organization_id)
        .where(seen_org)
        .order_by(OrganizationTag.organization_id, Tag.name),
    )
    positions = session.execute(
        select(Position.__table__)
        .join(Contact, Contact.id == Position.contact_id)
        .join(Organization, Organization.id == Position.organization_id)
        .where(seen_contact, seen_org)
        .order_by(Position.id)
    ).mappings()
    interactions = visible_rows(session, Interaction, actor)
    participants = grouped(
        session,
        select(InteractionParticipant.interaction_id, InteractionParticipant.contact_id)
        .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
        .join(Contact, Contact.id == InteractionParticipant.contact_id)
        .where(visible(Interaction, actor, include_deleted=True), seen_contact)
        .order_by(InteractionParticipant.interaction_id, InteractionParticipant.contact_id),
    )
    # Records that cannot exist without their contact or organization go with it.
    notes = [
        row
        for row in visible_rows(session, Note, actor)
        if row["contact_id"] in contact_ids or row["organization_id"] in org_ids
    ]
    asks = [row for row in visible_rows(session, Ask, actor) if row["contact_id"] in contact_ids]
    ask_ids = {row["id"] for row in asks}
    tasks = visible_rows(session, Task, actor)
    ledger = [
        row
        for row in visible_rows(session, LedgerEntry, actor)
        if row["counterpart_id"] in contact_ids
    ]

    relations = [
        row
        for row in visible_rows(session, ContactRelation, actor)
        if row["contact_a_id"] in contact_ids and row["contact_b_id"] in contact_ids
    ]

    discovery = [
        row
        for row in visible_rows(session, DiscoveryAnswer, actor)
        if row["contact_id"] in contact_ids or row["organization_id"] in org_ids
    ]

    introductions = [
        row
        for row in visible_rows(session, Introduction, actor)
        if row["requester_id"] in contact_ids and row["target_id"] in contact_ids
    ]
    event_fields = document_fields(IntroEventRecord)
    events = grouped(
        session,
        select(IntroductionEvent.introduction_id, *(IntroductionEvent.__table__.c[f] for f in
                                                    event_fields))
        .join(Introduction, Introduction.id == IntroductionEvent.introduction_id)
        .where(visible(Introduction, actor, include_deleted=True))
        .order_by(IntroductionEvent.introduction_id, IntroductionEvent.id),
    )  # fmt: skip
    templates = session.execute(
        select(MessageTemplate.__table__)
        .where(MessageTemplate.owner_id == actor.user_id)
        .order_by(MessageTemplate.name)
    ).mappings()
    # A contact's items go with the contact; the actor's own offers (no contact) are theirs.
    needs_offers = [
        row
        for row in visible_rows(session, NeedOffer, actor)
        if row["contact_id"] in contact_ids
        or (row["contact_id"] is None and row["owner_id"] == actor.user_id)
    ]
    dismissals = session.execute(
        select(GiveDismissal.__table__)
        .where(GiveDismissal.owner_id == actor.user_id)
        .order_by(GiveDismissal.suggestion_key)
    ).mappings()
    pipeline_doc, opportunity_doc = pipelines_and_opportunities(
        session, actor, contact_ids, org_ids, ledger, tasks, introductions, interactions
    )
    goals = session.execute(
        select(ActivityGoal.__table__)
        .where(ActivityGoal.owner_id == actor.user_id)
        .order_by(ActivityGoal.metric)
    ).mappings()
    item_ids = {row["id"] for row in needs_offers}
    ledger_ids = {row["id"] for row in ledger}
    task_ids = {row["id"] for row in tasks}

    def shown(value: int | None, known: set[int]) -> int | None:
        # A link to a record the actor may not see is dropped, never revealed.
        return value if value in known else None

    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_by": actor.email,
        "contacts": [
            pick(
                row,
                document_fields(ContactRecord),
                emails=[{"email": e, "label": lb, "position": p} for e, lb, p in emails[row["id"]]],
                phones=[{"e164": e, "label": lb, "position": p} for e, lb, p in phones[row["id"]]],
                tags=contact_tags[row["id"]],
                links=[{"url": u, "kind": k} for u, k in links[row["id"]]],
            )
            for row in contacts
        ],
        "organizations": [
            pick(row, document_fields(OrganizationRecord), tags=org_tags[row["id"]])
            for row in organizations
        ],
        "positions": [pick(row, document_fields(PositionRecord)) for row in positions],
        "interactions": [
            pick(row, document_fields(InteractionRecord), participants=participants[row["id"]])
            for row in interactions
        ],
        "notes": [pick(row, document_fields(NoteRecord)) for row in notes],
        "asks": [
            pick(
                row,
                document_fields(AskRecord),
                target_contact_id=shown(row["target_contact_id"], contact_ids),
            )
            for row in asks
        ],
        "tasks": [
            pick(
                row,
                document_fields(TaskRecord),
                contact_id=shown(row["contact_id"], contact_ids),
                ask_id=shown(row["ask_id"], ask_ids),
            )
            for row in tasks
        ],
        "ledger": [
            pick(
                row,
                document_fields(LedgerRecord),
                related_contact_id=shown(row["related_contact_id"], contact_ids),
                ask_id=shown(row["ask_id"], ask_ids),
            )
            for row in ledger
        ],
        "relations": [pick(row, document_fields(RelationRecord)) for row in relations],
        "discovery": [pick(row, document_fields(DiscoveryRecord)) for row in discovery],
        "introductions": [
            pick(
                row,
                document_fields(IntroductionRecord),
                ledger_entry_id=shown(row["ledger_entry_id"], ledger_ids),
                follow_up_task_id=shown(row["follow_up_task_id"], task_ids),
                need_id=shown(row["need_id"], item_ids),
                offer_id=shown(row["offer_id"], item_ids),
                events=[
                    {f: json_value(v) for f, v in zip(event_fields, values, strict=True)}
                    for values in events[row["id"]]
                ],
            )
            for row in introductions
        ],
        "templates": [pick(row, document_fields(TemplateRecord)) for row in templates],
        "needs_offers": [
            pick(row, document_fields(NeedOfferRecord), tags=list(row["tags"] or []))
            for row in needs_offers
        ],
        "dismissals": [pick(row, document_fields(DismissalRecord)) for row in dismissals],
        "pipelines": pipeline_doc,
        "opportunities": opportunity_doc,
        "goals": [pick(row, document_fields(GoalRecord)) for row in goals],
    }
    owners = {
        record["owner_id"]
        for kind in (
            "contacts",
            "organizations",
            "interactions",
            "notes",
            "asks",
            "tasks",
            "ledger",
            "relations",
            "discovery",
            "introductions",
            "templates",
            "needs_offers",
            "dismissals",
            "pipelines",
            "opportunities",
            "goals",
        )
        for record in document[kind]
    }
    document["users"] = _users(session, actor, owners | {actor.user_id})
    workspace = session.get_one(Workspace, actor.workspace_id)
    document["workspace"] = {
        "name": workspace.name,
        "default_visibility": workspace.default_visibility,
    }
    if workspace.cadence_defaults:
        document["workspace"]["cadence_defaults"] = workspace.cadence_defaults
    if actor.is_admin:
        # The salt and the hashes of forgotten people are the workspace's, not a member's.
        document["workspace"]["suppression_salt"] = workspace.suppression_salt
        document["suppressions"] = [
            pick(row, document_fields(SuppressionRecord))
            for row in session.execute(
                select(Suppression.__table__)
                .where(Suppression.workspace_id == actor.workspace_id)
                .order_by(Suppression.id)
            ).mappings()
        ]
    return document


def _users(session: Session, actor: Actor, user_ids: set[int]) -> list[dict[str, Any]]:
    """The record owners and the actor, plus the workspace's owner so a restore has one.
    A personal export (a narrowed actor) names only its author, as the owner: restored,
    it is their own database."""
    if actor.narrowed:
        row = session.execute(
            select(User.id, User.email, User.name, User.timezone, User.default_region)
            .where(User.id == actor.user_id)
        ).mappings().one()  # fmt: skip
        return [pick({**row, "role": "owner"}, document_fields(UserRecord))]
    membership = and_(
        Membership.user_id == User.id,
        Membership.workspace_id == actor.workspace_id,
        Membership.removed_at.is_(None),
    )
    rows = session.execute(
        select(User.id, User.email, User.name, User.timezone, User.default_region, Membership.role)
        .outerjoin(Membership, membership)
        .where(or_(User.id.in_(sorted(user_ids)), Membership.role == "owner"))
        .order_by(User.id)
    ).mappings()
    return [pick(row, document_fields(UserRecord)) for row in rows]
