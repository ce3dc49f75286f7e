"""/api/v1/notes over services.notes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from goodwill.services import notes
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query
from goodwill.web.api.record_models import NoteIn, NotePatch

router = APIRouter(prefix="/api/v1/notes", tags=["notes"])
NoteId = Annotated[int, Path(ge=1, le=MAX_ID)]
RefId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("")
def list_notes(
    actor: ActorDep,
    uow: UowDep,
    contact_id: RefId = None,
    organization_id: RefId = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(notes.SORTS)] = None,
) -> dict[str, Any]:
    """Notes you may see (about one contact or organization, if given), newest first
    (`sort=created_at`: oldest first), a page at a time (`next_cursor`)."""
    sort, after = decode_cursor(cursor, "notes", sort)
    page = notes.notes_page(
        actor,
        uow,
        contact=contact_id,
        organization=organization_id,
        sort=sort,
        after=after,
        limit=limit,
    )
    return page_body("notes", page)


@router.post("", status_code=201)
def add_note(body: NoteIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """A note about exactly one contact or organization; private unless said otherwise."""
    view = notes.add_note(
        actor,
        uow,
        body.body,
        contact=body.contact_id,
        organization=body.organization_id,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))


@router.patch("/{note_id}")
def edit_note(note_id: NoteId, body: NotePatch, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Change a note's text, or (its owner) its visibility."""
    view = notes.edit_note(actor, uow, note_id, body=body.body, visibility=body.visibility)
    return dict(to_jsonable(view))


@router.delete("/{note_id}", status_code=204)
def delete_note(note_id: NoteId, actor: ActorDep, uow: UowDep) -> Response:
    """Move a note to the trash (its owner or an admin)."""
    notes.delete_note(actor, uow, note_id)
    return Response(status_code=204)
