"""Notes on contacts and organizations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain.people import Visibility
from goodwill.domain.text import BODY_MAX, clean_text
from goodwill.errors import ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._visibility import get_visible, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import NoteView, Ref
from goodwill.storage.schema import Contact, Note, Organization
from goodwill.storage.unit_of_work import UnitOfWork


def add_note(
    actor: Actor,
    uow: UnitOfWork,
    body: str,
    *,
    contact: int | str | None = None,
    organization: int | str | None = None,
    visibility: str | None = None,
) -> NoteView:
    """A note about one contact or one organization; private unless said otherwise."""
    if (contact is None) == (organization is None):
        raise ValidationFailed("about", "a note is about exactly one contact or organization")
    text = clean_text(body, "note", max_len=BODY_MAX, required=True, multiline=True) or ""
    with uow.write() as session:
        now = utcnow()
        note = Note(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            body=text,
            created_at=now,
            updated_at=now,
            visibility=Visibility.PRIVATE.value,
        )
        if contact is not None:
            target_c = common.resolve_contact(session, actor, contact)
            note.contact_id = target_c.id
            about = Ref(target_c.id, target_c.display_name)
            default = (
                Visibility.PRIVATE.value if target_c.visibility == Visibility.PRIVATE else None
            )
        else:
            target_o = common.resolve_organization(session, actor, organization or "")
            note.organization_id = target_o.id
            about = Ref(target_o.id, target_o.name)
            default = (
                Visibility.PRIVATE.value if target_o.visibility == Visibility.PRIVATE else None
            )
        note.visibility = common.choose_visibility(session, actor, visibility or default)
        session.add(note)
        session.flush()
        return NoteView(note.id, note.body, about, note.created_at, note.visibility, note.owner_id)


SORTS = paging.Sorts(
    paging.one_key("-created_at", Note.id, Note.created_at, "datetime"),
    paging.one_key("created_at", Note.id, Note.created_at, "datetime"),
)


def list_notes(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    organization: int | str | None = None,
    limit: int = 50,
) -> list[NoteView]:
    return notes_page(actor, uow, contact=contact, organization=organization, limit=limit).items


def notes_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    organization: int | str | None = None,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 50,
) -> paging.Page[NoteView]:
    """Notes the actor may see (about one contact or organization), newest first by default."""
    order = SORTS.choose(sort)
    with uow.read() as session:
        # By contact or organization from their index; else ix_notes_created_at in order
        # (the workspace index would make SQLite sort every note of the workspace).
        stmt = select(Note).where(visible(Note, actor, workspace_index=False))
        if contact is not None:
            stmt = stmt.where(Note.contact_id == common.resolve_contact(session, actor, contact).id)
        if organization is not None:
            org = common.resolve_organization(session, actor, organization)
            stmt = stmt.where(Note.organization_id == org.id)
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of([_view(session, actor, n) for n in found], order, next_key)


def _view(session: Session, actor: Actor, note: Note) -> NoteView:
    if note.contact_id is not None:
        about = common.contact_ref(session.get(Contact, note.contact_id), actor)
    else:
        about = common.org_ref(session.get(Organization, note.organization_id or 0), actor)
    return NoteView(note.id, note.body, about, note.created_at, note.visibility, note.owner_id)


def edit_note(
    actor: Actor,
    uow: UnitOfWork,
    note_id: int,
    body: str | None = None,
    visibility: str | None = None,
) -> NoteView:
    with uow.write() as session:
        note = get_visible(session, Note, note_id, actor, "note")
        if body is not None:
            text = clean_text(body, "note", max_len=BODY_MAX, required=True, multiline=True)
            note.body = text or note.body
        if visibility is not None:
            require_owner(note, actor, "change the visibility of")
            note.visibility = common.choose_visibility(session, actor, visibility)
        note.updated_at = utcnow()
        return _view(session, actor, note)


def delete_note(actor: Actor, uow: UnitOfWork, note_id: int) -> Ref:
    with uow.write() as session:
        note = get_visible(session, Note, note_id, actor, "note")
        require_owner(note, actor, "delete")
        note.deleted_at = utcnow()
        return Ref(note.id, note.body[:40])
