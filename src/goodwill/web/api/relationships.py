"""/api/v1 introductions, needs and offers, ways to give and discovery profiles, over
services.intros, services.giving and services.discovery.

Introductions and needs and offers are paged by cursor (web.api.paging); ways to give
are one page: the first `limit` of a ranking computed per request.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from goodwill.services import discovery, giving, intros
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID, Body, Long, Name, Tiny
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query

router = APIRouter(prefix="/api/v1")
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
IntroId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
GiveKey = Annotated[str, Path(min_length=6, max_length=64, pattern="^[0-9a-fA-F]+$")]
Visibility = Literal["private", "workspace"]
INTROS: list[str | Enum] = ["introductions"]
GIVING: list[str | Enum] = ["needs and offers"]


class IntroIn(Body):
    requester_id: RecordId
    target_id: RecordId
    goal: Long
    why_target: Long | None = None
    blurb: Long | None = None
    visibility: Visibility | None = None


class TriageIn(Body):
    decision: Literal["accept", "decline", "tell-me-why"]
    why_target: Long | None = None
    blurb: Long | None = None
    note: Long | None = None


class ConsentIn(Body):
    agreed: bool
    by: RecordId  # the target (a contact id): their answer to the opt-in


class MakeIn(Body):
    weight: Annotated[int, Field(ge=1, le=5)] = 1


class OutcomeIn(Body):
    outcome: Literal["met", "business", "no-follow-up"]
    note: Long | None = None


class NeedOfferIn(Body):
    kind: Literal["need", "offer"]
    contact_id: RecordId | None = None  # an offer without one is your own
    text: Long
    tags: list[Name] = Field(default_factory=list, max_length=50)
    noted_on: date | None = None
    expires_on: date | None = None
    visibility: Visibility | None = None


class ActIn(Body):
    as_: Literal["auto", "introduction", "ledger"] = Field("auto", alias="as")


class DiscoveryIn(Body):
    contact_id: RecordId | None = None
    organization_id: RecordId | None = None
    answers: dict[Tiny, Long] = Field(max_length=20)
    learned_on: date | None = None
    visibility: Visibility | None = None


# Introductions: the user as introducer.


@router.get("/introductions", tags=INTROS)
def list_introductions(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(intros.SORTS)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    open_only: bool = False,
) -> dict[str, Any]:
    """Introductions you may see, newest first (`sort=created_at`: oldest first), a page
    at a time (`next_cursor`); `open_only`: not finished yet."""
    sort, after = decode_cursor(cursor, "introductions", sort)
    page = intros.introductions_page(
        actor, uow, status=status, open_only=open_only, sort=sort, after=after, limit=limit
    )
    return page_body("introductions", page)


@router.post("/introductions", status_code=201, tags=INTROS)
def request_introduction(body: IntroIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Record a request: the requester wants to meet the target, and says why."""
    view = intros.request_introduction(
        actor,
        uow,
        f"#{body.requester_id}",
        f"#{body.target_id}",
        goal=body.goal,
        why_target=body.why_target,
        blurb=body.blurb,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))


@router.get("/introductions/{intro_id}", tags=INTROS)
def show_introduction(intro_id: IntroId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """An introduction with its events and the moves allowed next."""
    return dict(to_jsonable(intros.show_introduction(actor, uow, intro_id)))


@router.post("/introductions/{intro_id}/triage", tags=INTROS)
def triage_introduction(
    intro_id: IntroId, body: TriageIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """accept (returns the opt-in message to the target), decline, or tell-me-why
    (returns the homework questions for the requester)."""
    move = intros.triage_introduction(
        actor,
        uow,
        intro_id,
        body.decision,
        why_target=body.why_target,
        blurb=body.blurb,
        note=body.note,
    )
    return dict(to_jsonable(move))


@router.post("/introductions/{intro_id}/consent", tags=INTROS)
def record_consent(
    intro_id: IntroId, body: ConsentIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """The target's answer to the opt-in (`by` must be the target)."""
    view = intros.record_consent(actor, uow, intro_id, agreed=body.agreed, by=body.by)
    return dict(to_jsonable(view))


@router.post("/introductions/{intro_id}/make", tags=INTROS)
def make_introduction(
    intro_id: IntroId, body: MakeIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Introduce them: a ledger entry, a follow-up task, and the message to both."""
    return dict(to_jsonable(intros.make_introduction(actor, uow, intro_id, weight=body.weight)))


@router.post("/introductions/{intro_id}/outcome", tags=INTROS)
def record_outcome(
    intro_id: IntroId, body: OutcomeIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """How a made introduction went; it closes it."""
    view = intros.record_intro_outcome(actor, uow, intro_id, body.outcome, body.note)
    return dict(to_jsonable(view))


# Needs and offers, and the ways to give that match them.


@router.get("/needs-offers", tags=GIVING)
def list_needs_offers(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(giving.SORTS)] = None,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: Literal["need", "offer"] | None = None,
    include_closed: bool = False,
) -> dict[str, Any]:
    """Open needs and offers (`include_closed`: closed and expired too), needs first and
    newest first (`sort`: `-noted_on`, `noted_on` mix them by date), a page at a time
    (`next_cursor`; `more` says one follows); with `contact_id`, that contact's only."""
    sort, after = decode_cursor(cursor, "needs-offers", sort)
    page = giving.needs_offers_page(
        actor,
        uow,
        contact=contact_id,
        kind=kind,
        include_closed=include_closed,
        sort=sort,
        after=after,
        limit=limit,
    )
    return {**page_body("needs-offers", page), "more": page.after is not None}


@router.post("/needs-offers", status_code=201, tags=GIVING)
def add_need_offer(body: NeedOfferIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Note a need (a contact's) or an offer (a contact's, or without one your own)."""
    add = giving.add_need if body.kind == "need" else giving.add_offer
    view = add(
        actor,
        uow,
        body.contact_id,
        body.text,
        tags=body.tags,
        noted_on=body.noted_on,
        expires_on=body.expires_on,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))


@router.post("/needs-offers/{item_id}/close", tags=GIVING)
def close_need_offer(item_id: ItemId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """It was met, or is no longer true: it leaves the lists and the ways to give."""
    return dict(to_jsonable(giving.close_need_offer(actor, uow, item_id)))


@router.get("/ways-to-give", tags=GIVING)
def ways_to_give(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    """Concrete gives, best first, each with why it matched (`key` names it): one page,
    the first `limit` of a score computed per request (no cursor)."""
    found = giving.ways_to_give(actor, uow, limit=limit, contact=contact_id)
    return {"items": to_jsonable(found)}


@router.post("/ways-to-give/{key}/dismiss", tags=GIVING)
def dismiss_suggestion(key: GiveKey, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Not this one: it does not come back (for you)."""
    return dict(to_jsonable(giving.dismiss_suggestion(actor, uow, key)))


@router.post("/ways-to-give/{key}/act", tags=GIVING)
def act_on_suggestion(key: GiveKey, body: ActIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Turn it into an introduction or a ledger entry (`as`; `auto` picks by kind)."""
    return dict(to_jsonable(giving.act_on_suggestion(actor, uow, key, as_=body.as_)))


# Discovery profiles (of a contact or an organization).


@router.get("/discovery", tags=["discovery"])
def discovery_profile(
    actor: ActorDep,
    uow: UowDep,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    organization_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    """The latest answer per question, with the history (exactly one of `contact_id`,
    `organization_id`)."""
    view = discovery.discovery_profile(actor, uow, contact_id, organization=organization_id)
    return dict(to_jsonable(view))


@router.post("/discovery", status_code=201, tags=["discovery"])
def record_discovery(body: DiscoveryIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Add dated answers (question key -> text) to a profile, in one transaction."""
    view = discovery.record_discovery(
        actor,
        uow,
        body.contact_id,
        dict(body.answers),
        organization=body.organization_id,
        learned_on=body.learned_on,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))
