"""/api/v1/ledger (entries, balance, takers) over services.ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from goodwill.services import ledger
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query
from goodwill.web.api.record_models import LedgerEntryIn

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])
EntryId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Day = Annotated[str | None, Query(max_length=100)]


@router.get("")
def list_ledger(
    actor: ActorDep,
    uow: UowDep,
    contact_id: ContactQuery = None,
    since: Day = None,
    until: Day = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(ledger.SORTS)] = None,
) -> dict[str, Any]:
    """Your own entries (with one counterpart; `since`/`until` inclusive), newest first
    (`sort=occurred_on`: oldest first), a page at a time (`next_cursor`)."""
    sort, after = decode_cursor(cursor, "ledger", sort)
    page = ledger.ledger_page(
        actor,
        uow,
        contact=contact_id,
        since=since,
        until=until,
        sort=sort,
        after=after,
        limit=limit,
    )
    return page_body("ledger", page)


@router.post("", status_code=201)
def record_entry(body: LedgerEntryIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Record something you gave or received (`direction`); private when the counterpart is."""
    record = ledger.record_give if body.direction == "gave" else ledger.record_receive
    view = record(
        actor,
        uow,
        body.counterpart_id,
        body.kind,
        weight=body.weight,
        on=body.on,
        note=body.note,
        related=body.related_id,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))


@router.get("/balance")
def ledger_balance(
    actor: ActorDep,
    uow: UowDep,
    contact_id: ContactQuery = None,
    since: Day = None,
    until: Day = None,
) -> dict[str, Any]:
    """Given minus received weight, with one contact or over your whole ledger."""
    return dict(to_jsonable(ledger.ledger_balance(actor, uow, contact_id, since, until)))


@router.get("/takers")
def ledger_takers(
    actor: ActorDep, uow: UowDep, limit: Annotated[int, Query(ge=1, le=500)] = 20
) -> dict[str, Any]:
    """People you received more from than you gave to, most negative balance first: one
    page, the first `limit` of a computed ranking (no cursor)."""
    return {"items": to_jsonable(ledger.ledger_takers(actor, uow, limit)), "next_cursor": None}


@router.delete("/{entry_id}", status_code=204)
def delete_entry(entry_id: EntryId, actor: ActorDep, uow: UowDep) -> Response:
    """Move an entry to the trash (its owner or an admin)."""
    ledger.delete_ledger_entry(actor, uow, entry_id)
    return Response(status_code=204)
