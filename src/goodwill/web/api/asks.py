"""/api/v1/asks (and a contact's readiness to be asked) over services.asks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from goodwill.errors import ValidationFailed
from goodwill.services import asks
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query
from goodwill.web.api.record_models import AskClose, AskIn, AskStepIn

router = APIRouter(prefix="/api/v1", tags=["asks"])
AskId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/asks")
def list_asks(
    actor: ActorDep,
    uow: UowDep,
    status: Annotated[str | None, Query(max_length=100)] = None,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(asks.SORTS)] = None,
) -> dict[str, Any]:
    """Your asks (or every ask of one contact you may see), newest first
    (`sort=created_at`: oldest first), a page at a time (`next_cursor`)."""
    sort, after = decode_cursor(cursor, "asks", sort)
    page = asks.asks_page(
        actor, uow, status=status, contact=contact_id, sort=sort, after=after, limit=limit
    )
    return page_body("asks", page)


@router.post("/asks", status_code=201)
def create_ask(body: AskIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """An ask with its homework and plan; the answer carries readiness `warnings`.
    `target_id` is a contact; `target_description`, someone outside the network."""
    if body.target_id is not None and body.target_description is not None:
        raise ValidationFailed("target_id", "give a target_id or a target_description, not both")
    created = asks.create_ask(
        actor,
        uow,
        body.contact_id,
        body.kind,
        body.what,
        body.why_them,
        body.why_target_cares,
        body.blurb,
        target=body.target_id if body.target_id is not None else body.target_description,
        steps=[(s.channel, s.when) for s in body.steps],
        visibility=body.visibility,
    )
    return dict(to_jsonable(created))


@router.get("/asks/{ask_id}")
def show_ask(ask_id: AskId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """An ask with its plan steps and any ledger entry it settled."""
    return dict(to_jsonable(asks.show_ask(actor, uow, ask_id)))


@router.post("/asks/{ask_id}/steps", status_code=201)
def add_ask_step(ask_id: AskId, body: AskStepIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Add a step (a task) to an open ask's plan (its owner only)."""
    return dict(to_jsonable(asks.add_ask_step(actor, uow, ask_id, body.channel, body.when)))


@router.post("/asks/{ask_id}/asked")
def mark_asked(ask_id: AskId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """The ask has been made: now waiting on an answer (its owner only)."""
    return dict(to_jsonable(asks.mark_asked(actor, uow, ask_id)))


@router.post("/asks/{ask_id}/close")
def close_ask(ask_id: AskId, body: AskClose, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Granted, declined or withdrawn; a grant with `record` also records what you received."""
    view = asks.close_ask(
        actor, uow, ask_id, body.outcome, body.note, record=body.record, weight=body.weight
    )
    return dict(to_jsonable(view))


@router.delete("/asks/{ask_id}", status_code=204)
def delete_ask(ask_id: AskId, actor: ActorDep, uow: UowDep) -> Response:
    """Move an ask to the trash (its owner or an admin)."""
    asks.delete_ask(actor, uow, ask_id)
    return Response(status_code=204)


@router.get("/contacts/{contact_id}/readiness")
def ask_readiness(contact_id: ContactId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Whether now is a good time to ask this person: balance, last touch, warnings."""
    return dict(to_jsonable(asks.ask_readiness(actor, uow, contact_id)))
