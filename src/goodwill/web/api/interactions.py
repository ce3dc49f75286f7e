"""/api/v1/interactions and a contact's timeline over services.interactions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime

from goodwill.services import interactions
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.record_models import InteractionIn

router = APIRouter(prefix="/api/v1", tags=["interactions"])
InteractionId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/interactions")
def list_interactions(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    channel: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """The latest interactions you may see, newest first, at most `limit`."""
    found = interactions.list_interactions(actor, uow, channel=channel, limit=limit)
    return {"items": to_jsonable(found), "next_cursor": None}


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
    before: Annotated[AwareDatetime | None, Query()] = None,
) -> dict[str, Any]:
    """A contact's interactions you may see, newest first; `before` (a time with its zone)
    pages back in time from the oldest `occurred_at` seen."""
    found = interactions.contact_timeline(actor, uow, contact_id, limit=limit, before=before)
    return {"items": to_jsonable(found), "next_cursor": None}
