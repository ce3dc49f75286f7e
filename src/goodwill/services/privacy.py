"""Forgetting a person for good, and the suppression list that keeps them forgotten."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from goodwill.domain.people import Visibility, normalize_email, normalize_phone
from goodwill.domain.privacy import (
    HASH_PREFIX_LEN,
    SuppressionKind,
    Traces,
    identity_key,
    looks_like_url,
    profile_urls,
    scrub,
    scrub_values,
    suppression_hash,
    trace_pattern,
)
from goodwill.errors import NotFound, PermissionDenied
from goodwill.services import _common as common
from goodwill.services._visibility import get_visible, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import (
    Ask,
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactTag,
    ContactTouch,
    DiscoveryAnswer,
    Interaction,
    InteractionParticipant,
    Introduction,
    IntroductionEvent,
    LedgerEntry,
    NeedOffer,
    Note,
    Opportunity,
    OpportunityEvent,
    Organization,
    Position,
    RedFlag,
    Suppression,
    Task,
    Workspace,
)
from goodwill.storage.unit_of_work import UnitOfWork

SCAN_BATCH = 2_000


@dataclass(frozen=True)
class ForgetSummary:
    """How much was erased, per kind; never who (no name, email, phone or URL)."""

    contact_id: int
    emails: int
    phones: int
    custom_fields: int
    tags: int
    positions: int
    notes: int
    tasks: int
    asks: int
    ask_steps: int
    ledger_entries: int
    participations: int
    interactions_removed: int
    touch_aggregates: int
    texts_scrubbed: int
    suppressed_keys: int
    discovery_answers: int = 0
    needs_offers: int = 0
    introductions: int = 0


@dataclass(frozen=True)
class SuppressionView:
    kind: str
    hash_prefix: str
    created_at: datetime


def forget_contact(actor: Actor, uow: UnitOfWork, ref: int | str) -> ForgetSummary:
    """Erase a contact and every trace of them, keeping only hashes of their identity keys.

    Only the contact's owner or a workspace admin may; a trashed contact is found by
    its id. Everything about them goes, whoever recorded it; their name, emails and
    phones are scrubbed from the text that stays.
    """
    with uow.write() as session:
        contact = _resolve(session, actor, ref)
        require_owner(contact, actor, "forget")
        salt = session.get_one(Workspace, actor.workspace_id).suppression_salt
        emails = [e.email for e in contact.emails]
        phones = [p.e164 for p in contact.phones]
        urls = profile_urls(contact.custom_fields)
        urls += session.scalars(
            select(ContactLink.url)
            .where(ContactLink.contact_id == contact.id)
            .order_by(ContactLink.id)
        ).all()
        names = [
            contact.display_name,
            " ".join(filter(None, [contact.first_name, contact.last_name])),
        ]
        if contact.nickname and contact.last_name:
            names.append(f"{contact.nickname} {contact.last_name}")
        pattern = trace_pattern(Traces(tuple(names), tuple(emails), tuple(phones)))
        custom_fields = len(contact.custom_fields or {})
        contact_id = contact.id
        session.expunge_all()

        erased = _erase(session, contact_id, actor)
        scrubbed = _scrub_workspace(session, actor, pattern)
        keys = [(SuppressionKind.EMAIL, e) for e in emails]
        keys += [(SuppressionKind.PHONE, p) for p in phones]
        keys += [(SuppressionKind.URL, u) for u in urls]
        suppressed = _suppress(session, actor.workspace_id, salt, keys)
        summary = ForgetSummary(
            contact_id=contact_id,
            emails=len(emails),
            phones=len(phones),
            custom_fields=custom_fields,
            texts_scrubbed=scrubbed,
            suppressed_keys=suppressed,
            **erased,
        )
    # Outside the transaction: fold the WAL into the file so no old page survives there.
    uow.checkpoint()
    return summary


def _resolve(session: Session, actor: Actor, ref: int | str) -> Contact:
    """By id also among the actor's trashed contacts; by name or email among live ones."""
    text = str(ref).strip().lstrip("#")
    if isinstance(ref, int) or text.isdigit():
        return get_visible(session, Contact, int(text), actor, "contact", include_deleted=True)
    return common.resolve_contact(session, actor, ref)


def _erase(session: Session, contact_id: int, actor: Actor) -> dict[str, int]:
    """Delete every row about the contact; counts per kind. Order follows the foreign keys.

    Everything goes, but the counts cover only what the actor may see: a teammate's
    private notes about the person must not show through as a number.
    """

    def seen(model: Any) -> ColumnElement[bool] | None:
        if model is ContactTouch:
            return or_(
                ContactTouch.owner_id == actor.user_id,
                ContactTouch.visibility == Visibility.WORKSPACE.value,
            )
        if hasattr(model, "owner_id") and hasattr(model, "workspace_id"):
            return visible(model, actor, include_deleted=True)
        return None

    def remove(model: Any, *where: ColumnElement[bool]) -> int:
        clause = seen(model)
        count = None
        if clause is not None:
            count = session.scalar(select(func.count()).select_from(model).where(*where, clause))
        result = session.execute(
            delete(model).where(*where).execution_options(synchronize_session=False)
        )
        return int(count if count is not None else getattr(result, "rowcount", 0) or 0)

    ask_ids = list(
        session.scalars(
            select(Ask.id).where(
                or_(Ask.contact_id == contact_id, Ask.target_contact_id == contact_id)
            )
        )
    )
    ledger = remove(
        LedgerEntry,
        or_(LedgerEntry.counterpart_id == contact_id, LedgerEntry.related_contact_id == contact_id),
    )
    ask_steps = asks = 0
    if ask_ids:
        # An entry about someone else that settled an ask about them stays, unlinked.
        session.execute(
            update(LedgerEntry).where(LedgerEntry.ask_id.in_(ask_ids)).values(ask_id=None)
        )
        ask_steps = remove(Task, Task.ask_id.in_(ask_ids))
        asks = remove(Ask, Ask.id.in_(ask_ids))
    interaction_ids = list(
        session.scalars(
            select(InteractionParticipant.interaction_id).where(
                InteractionParticipant.contact_id == contact_id
            )
        )
    )
    counts = {
        "ledger_entries": ledger,
        "asks": asks,
        "ask_steps": ask_steps,
        "tasks": remove(Task, Task.contact_id == contact_id),
        "notes": remove(Note, Note.contact_id == contact_id),
        "positions": remove(Position, Position.contact_id == contact_id),
        "tags": remove(ContactTag, ContactTag.contact_id == contact_id),
        "touch_aggregates": remove(ContactTouch, ContactTouch.contact_id == contact_id),
        "discovery_answers": remove(DiscoveryAnswer, DiscoveryAnswer.contact_id == contact_id),
        # An introduction that named them goes whole (its events by cascade); the
        # ledger entry and follow-up task it made are removed above with theirs.
        "introductions": remove(
            Introduction,
            or_(Introduction.requester_id == contact_id, Introduction.target_id == contact_id),
        ),
        "needs_offers": remove(NeedOffer, NeedOffer.contact_id == contact_id),
        "participations": session.scalar(
            select(func.count())
            .select_from(InteractionParticipant)
            .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
            .where(
                InteractionParticipant.contact_id == contact_id,
                visible(Interaction, actor, include_deleted=True),
            )
        )
        or 0,
    }
    remove(InteractionParticipant, InteractionParticipant.contact_id == contact_id)
    remove(ContactEmail, ContactEmail.contact_id == contact_id)
    remove(ContactPhone, ContactPhone.contact_id == contact_id)
    remove(Contact, Contact.id == contact_id)
    counts["interactions_removed"] = 0
    if interaction_ids:
        has_participant = exists().where(InteractionParticipant.interaction_id == Interaction.id)
        counts["interactions_removed"] = remove(
            Interaction, Interaction.id.in_(interaction_ids), ~has_participant
        )
        # The others' touches are recomputed from what is left of those interactions.
        rebuild_touches(
            session,
            session.scalars(
                select(InteractionParticipant.contact_id).where(
                    InteractionParticipant.interaction_id.in_(interaction_ids)
                )
            ).all(),
        )
    return counts


# Free text that stays in the workspace after a person is forgotten.
_SCRUBBED_TEXT: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (Interaction, ("summary",)),
    (Note, ("body",)),
    (Task, ("title", "channel")),
    (LedgerEntry, ("note",)),
    (Ask, ("what", "why_them", "why_target_cares", "blurb", "outcome", "target_description")),
    (Organization, ("description",)),
    (Contact, ("how_met",)),
    (DiscoveryAnswer, ("answer",)),
    (NeedOffer, ("text",)),
    (Introduction, ("goal", "why_target", "blurb", "outcome_note")),
    (Opportunity, ("title", "close_reason", "benefit_us", "benefit_them")),
)
# Free text of rows that belong to a parent record (the parent holds the workspace).
_SCRUBBED_CHILD_TEXT: tuple[tuple[Any, Any, Any, tuple[str, ...]], ...] = (
    (IntroductionEvent, Introduction, IntroductionEvent.introduction_id, ("note",)),
    (OpportunityEvent, Opportunity, OpportunityEvent.opportunity_id, ("note",)),
    (RedFlag, Opportunity, RedFlag.opportunity_id, ("flag", "evidence")),
)
# JSON objects whose string values are free text (custom fields).
_SCRUBBED_FIELDS: tuple[Any, ...] = (Contact, Organization)


def _scrub_workspace(session: Session, actor: Actor, pattern: re.Pattern[str] | None) -> int:
    """Replace the traces in every surviving text of the workspace; how many rows the
    actor may see changed (others' private rows are scrubbed too, but not counted).

    Every row is read, trashed ones too: a phone can be written in too many ways for
    a LIKE filter in SQL to find it, and forgetting is rare enough to afford a scan.
    """
    if pattern is None:
        return 0
    now = utcnow()
    changed = 0
    workspace_id = actor.workspace_id

    def counted(model: Any, row_id: int, values: dict[str, Any]) -> int:
        if not _update(session, model, row_id, values, now):
            return 0
        row = session.execute(
            select(model.owner_id, model.visibility).where(model.id == row_id)
        ).one()
        return int(row[0] == actor.user_id or row[1] == Visibility.WORKSPACE.value)

    for model, names in _SCRUBBED_TEXT:
        columns = [getattr(model, name) for name in names]
        for row_id, row in _rows(session, model, workspace_id, columns):
            values = {}
            for column, value in zip(columns, row, strict=True):
                new = scrub(value, pattern) if isinstance(value, str) else value
                if new != value:
                    # '[forgotten]' may be longer than a short name: stay within the column.
                    limit = getattr(column.type, "length", None)
                    values[column.key] = new[:limit] if limit else new
            changed += counted(model, row_id, values)
    for model, parent, link, names in _SCRUBBED_CHILD_TEXT:
        columns = [getattr(model, name) for name in names]
        rows = session.execute(
            select(model.id, parent.owner_id, parent.visibility, *columns)
            .join(parent, parent.id == link)
            .where(parent.workspace_id == workspace_id)
            .order_by(model.id)
        ).all()
        for row_id, owner_id, visibility, *texts in rows:
            values = {}
            for column, value in zip(columns, texts, strict=True):
                new = scrub(value, pattern) if isinstance(value, str) else value
                if new != value:
                    limit = getattr(column.type, "length", None)
                    values[column.key] = new[:limit] if limit else new
            if values:
                session.execute(
                    update(model)
                    .where(model.id == row_id)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
                seen = owner_id == actor.user_id or visibility == Visibility.WORKSPACE.value
                changed += int(seen)
    for model in _SCRUBBED_FIELDS:
        for row_id, (fields,) in _rows(session, model, workspace_id, [model.custom_fields]):
            if isinstance(fields, dict) and fields:
                cleaned = scrub_values(fields.items(), pattern)
                if cleaned != fields:
                    changed += counted(model, row_id, {"custom_fields": cleaned})
    return changed


def _rows(
    session: Session, model: Any, workspace_id: int, columns: list[InstrumentedAttribute[Any]]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(id, values of columns) of every row of the workspace, read in batches by id."""
    last_id = 0
    while True:
        batch = session.execute(
            select(model.id, *columns)
            .where(model.workspace_id == workspace_id, model.id > last_id)
            .order_by(model.id)
            .limit(SCAN_BATCH)
        ).all()
        for row in batch:
            yield row[0], tuple(row[1:])
        if len(batch) < SCAN_BATCH:
            return
        last_id = batch[-1][0]


def _update(
    session: Session, model: Any, row_id: int, values: dict[str, Any], now: datetime
) -> int:
    if not values:
        return 0
    session.execute(
        update(model)
        .where(model.id == row_id)
        .values(**values, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return 1


def _suppress(
    session: Session, workspace_id: int, salt: str, keys: Iterable[tuple[str, str]]
) -> int:
    hashes = {suppression_hash(salt, kind, identity_key(kind, v)): kind for kind, v in keys}
    if not hashes:
        return 0
    existing = set(
        session.scalars(
            select(Suppression.key_hash).where(
                Suppression.workspace_id == workspace_id, Suppression.key_hash.in_(list(hashes))
            )
        )
    )
    now = utcnow()
    new = [(h, kind) for h, kind in hashes.items() if h not in existing]
    session.add_all(
        Suppression(workspace_id=workspace_id, kind=kind, key_hash=h, created_at=now)
        for h, kind in sorted(new)
    )
    session.flush()
    return len(hashes)


def list_suppressions(actor: Actor, uow: UnitOfWork) -> list[SuppressionView]:
    """The workspace's suppressed identity keys, newest first: kind and hash prefix only.

    For workspace admins: that a teammate forgot someone, and when, is theirs to know.
    """
    if not actor.is_admin:
        raise PermissionDenied("only a workspace owner or admin may list the suppressions")
    with uow.read() as session:
        rows = session.scalars(
            select(Suppression)
            .where(Suppression.workspace_id == actor.workspace_id)
            .order_by(Suppression.created_at.desc(), Suppression.id.desc())
        ).all()
        return [_view(s) for s in rows]


def unsuppress(actor: Actor, uow: UnitOfWork, value: str) -> SuppressionView:
    """Let an email, phone or profile URL be imported again (workspace admins only).

    Lifting the promise made to a forgotten person is the workspace's decision; a
    member is refused whether or not the value is suppressed, so the answer does not
    tell them who was forgotten.
    """
    if not actor.is_admin:
        raise PermissionDenied("only a workspace admin may lift a suppression")
    kind, key = _key_of(value, actor)
    with uow.write() as session:
        salt = session.get_one(Workspace, actor.workspace_id).suppression_salt
        row = session.scalars(
            select(Suppression).where(
                Suppression.workspace_id == actor.workspace_id,
                Suppression.key_hash == suppression_hash(salt, kind, key),
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"that {kind} is not suppressed")
        view = _view(row)
        session.delete(row)
        return view


def _key_of(value: str, actor: Actor) -> tuple[str, str]:
    text = value.strip()
    if looks_like_url(text):
        return SuppressionKind.URL, identity_key(SuppressionKind.URL, text)
    if "@" in text:
        return SuppressionKind.EMAIL, normalize_email(text, "value")
    return SuppressionKind.PHONE, normalize_phone(text, actor.default_region, "value").e164


def _view(row: Suppression) -> SuppressionView:
    return SuppressionView(row.kind, row.key_hash[:HASH_PREFIX_LEN], row.created_at)


def is_suppressed(session: Session, workspace_id: int, kind: str, value: str) -> bool:
    """For importers: was this identity key (email, E.164 phone or URL) forgotten?"""
    salt = session.get_one(Workspace, workspace_id).suppression_salt
    digest = suppression_hash(salt, kind, identity_key(kind, value))
    return (
        session.scalars(
            select(Suppression.id).where(
                Suppression.workspace_id == workspace_id, Suppression.key_hash == digest
            )
        ).first()
        is not None
    )


def suppression_checker(session: Session, workspace_id: int) -> Callable[[str, str], bool]:
    """For bulk imports: is_suppressed with the list loaded once, as (kind, value) -> bool."""
    salt = session.get_one(Workspace, workspace_id).suppression_salt
    hashes = set(
        session.scalars(
            select(Suppression.key_hash).where(Suppression.workspace_id == workspace_id)
        )
    )

    def check(kind: str, value: str) -> bool:
        return suppression_hash(salt, kind, identity_key(kind, value)) in hashes

    def nobody(kind: str, value: str) -> bool:
        return False

    return check if hashes else nobody  # most workspaces have forgotten no one
