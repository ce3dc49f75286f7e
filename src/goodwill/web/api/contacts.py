"""/api/v1/contacts over services.contacts."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from goodwill.errors import ValidationFailed
from goodwill.services import contacts
from goodwill.services.contacts import ContactChanges
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID, ContactIn, ContactPatch

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]


def encode_cursor(after_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after = data["after"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise ValidationFailed("cursor", "is not a cursor this API handed out") from None
    if not isinstance(after, int) or not 0 <= after <= MAX_ID:
        raise ValidationFailed("cursor", "is not a cursor this API handed out")
    return after


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
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    tag: Annotated[str | None, Query(max_length=200)] = None,
    tier: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """Contacts in a stable order by id, a page at a time (`next_cursor` until the end);
    with `q`, the best matches of a search (one page, no cursor)."""
    if q is not None:
        if cursor is not None or tag is not None or tier is not None:
            raise ValidationFailed("q", "a search takes no cursor, tag or tier")
        found = contacts.search_contacts(actor, uow, q, limit=limit)
        return {"items": to_jsonable(found), "next_cursor": None}
    after = decode_cursor(cursor) if cursor else 0
    page = contacts.list_contacts(actor, uow, tag=tag, tier=tier, limit=limit + 1, after_id=after)
    more = len(page) > limit
    page = page[:limit]
    return {
        "items": to_jsonable(page),
        "next_cursor": encode_cursor(page[-1].id) if more else None,
    }


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
