"""/api/v1/contacts over services.contacts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from goodwill.errors import ValidationFailed
from goodwill.services import contacts
from goodwill.services.contacts import ContactChanges
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID, ContactIn, ContactPatch
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _changes(body: ContactIn) -> ContactChanges:
    return ContactChanges(
        name=body.name,
        first_name=body.first_name,
        last_name=body.last_name,
        nickname=body.nickname,
        how_met=body.how_met,
        met_on=body.met_on,
        tier=body.tier,
        cadence=body.cadence,
        visibility=body.visibility,
        add_emails=body.emails,
        add_phones=body.phones,
        add_tags=body.tags,
        custom_fields=body.custom_fields,
        organization=body.organization,
        title=body.title,
    )


@router.get("")
def list_contacts(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(contacts.SORTS)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    tag: Annotated[str | None, Query(max_length=200)] = None,
    tier: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """Contacts a page at a time (`next_cursor` until the end), by id unless `sort` says
    otherwise (`name`, `-updated_at`…); with `q`, the first `limit` matches of a search
    by name (one page, no cursor or sort)."""
    if q is not None:
        if cursor is not None or tag is not None or tier is not None or sort is not None:
            raise ValidationFailed("q", "a search takes no cursor, sort, tag or tier")
        found = contacts.search_contacts(actor, uow, q, limit=limit)
        return {"items": to_jsonable(found), "next_cursor": None}
    sort, after = decode_cursor(cursor, "contacts", sort)
    page = contacts.contacts_page(
        actor, uow, tag=tag, tier=tier, sort=sort, after=after, limit=limit
    )
    return page_body("contacts", page)


@router.post("", status_code=201)
def add_contact(body: ContactIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Add a contact."""
    return dict(to_jsonable(contacts.add_contact(actor, uow, _changes(body))))


@router.get("/{contact_id}")
def show_contact(contact_id: ContactId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """One contact with emails, phones, positions, notes and open tasks."""
    return dict(to_jsonable(contacts.show_contact(actor, uow, contact_id)))


@router.patch("/{contact_id}")
def edit_contact(
    contact_id: ContactId, body: ContactPatch, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Change a contact: fields given are set; `emails`/`phones`/`tags` are added,
    `remove_*` removed."""
    changes = _changes(body)
    changes.remove_emails = body.remove_emails
    changes.remove_phones = body.remove_phones
    changes.remove_tags = body.remove_tags
    return dict(to_jsonable(contacts.edit_contact(actor, uow, contact_id, changes)))


@router.delete("/{contact_id}", status_code=204)
def delete_contact(contact_id: ContactId, actor: ActorDep, uow: UowDep) -> Response:
    """Move a contact to the trash (restorable for 30 days)."""
    contacts.delete_contact(actor, uow, contact_id)
    return Response(status_code=204)
