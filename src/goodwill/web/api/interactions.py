"""/api/v1/interactions and a contact's timeline over services.interactions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime

from goodwill.services import interactions
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query
from goodwill.web.api.record_models import InteractionIn

router = APIRouter(prefix="/api/v1", tags=["interactions"])
InteractionId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/interactions")
def list_interactions(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(interactions.SORTS)] = None,
    channel: Annotated[str | None, Query(max_length=100)] = None,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    since: Annotated[AwareDatetime | None, Query()] = None,
    until: Annotated[AwareDatetime | None, Query()] = None,
) -> dict[str, Any]:
    """Interactions you may see, newest first (`sort=occurred_at`: oldest first), a page
    at a time (`next_cursor` until the end); `contact_id` keeps one contact's, `since`
    (inclusive) and `until` (exclusive) a window of time."""
    sort, after = decode_cursor(cursor, "interactions", sort)
    page = interactions.interactions_page(
        actor,
        uow,
        contact=contact_id,
        channel=channel,
        since=since,
        until=until,
        sort=sort,
        after=after,
        limit=limit,
    )
    return page_body("interactions", page)


@router.post("/interactions", status_code=201)
def log_interaction(body: InteractionIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Log a touch with contacts (by id); the answer lists their open follow-up tasks.
    Private when any participant is, unless `visibility` says otherwise."""
    logged = interactions.log_interaction(
        actor,
        uow,
        body.channel,
        list(body.participants),
        summary=body.summary,
        when=body.when,
        initiated_by=body.initiated_by,
        recipients=body.recipients,
        visibility=body.visibility,
    )
    return dict(to_jsonable(logged))


@router.delete("/interactions/{interaction_id}", status_code=204)
def delete_interaction(interaction_id: InteractionId, actor: ActorDep, uow: UowDep) -> Response:
    """Move an interaction to the trash (its owner or an admin)."""
    interactions.delete_interaction(actor, uow, interaction_id)
    return Response(status_code=204)


@router.get("/contacts/{contact_id}/timeline")
def contact_timeline(
    contact_id: ContactId,
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(interactions.SORTS)] = None,
    before: Annotated[AwareDatetime | None, Query()] = None,
) -> dict[str, Any]:
    """A contact's interactions you may see, newest first, a page at a time
    (`next_cursor`); `before` (a time with its zone) starts earlier than that moment."""
    sort, after = decode_cursor(cursor, "timeline", sort)
    page = interactions.interactions_page(
        actor, uow, contact=contact_id, until=before, sort=sort, after=after, limit=limit
    )
    return page_body("timeline", page)
