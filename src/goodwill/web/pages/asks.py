"""Asks: the status board, a new ask with its homework, the readiness warning and the
coach's findings previewed (HTMX) as the draft is written, before it is saved; then its
moves (asked, granted, declined, withdrawn). Each ask has a page of its own with its
plan: steps (tasks) added and marked done there, each one service call; HTMX follows
the redirect back and swaps the plan in (hx-select), a refused step comes back with
its form as typed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse, Response

from goodwill.domain.asks import OPEN_STATUSES, OUTCOMES, AskKind
from goodwill.errors import Conflict, GoodwillError, ValidationFailed
from goodwill.services import ask_drafts, asks, boards
from goodwill.web.api.models import MAX_ID
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
TEXT_MAX = 2000
NAME_MAX = 500

Text = Annotated[str, Form(max_length=TEXT_MAX)]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _board(page: PageDep, *, status: int = 200, **form: str) -> Response:
    return page.render(
        "asks.html",
        status=status,
        section="asks",
        board=boards.ask_board(page.actor, page.uow),
        kinds=[k.value for k in AskKind],
        outcomes=[o.value for o in OUTCOMES],
        form=form,
    )


@router.get("/asks")
def asks_board(page: PageDep) -> Response:
    return _board(page)


@router.post("/asks/preview")
def preview_ask(
    page: PageDep,
    contact: Annotated[str, Form(max_length=NAME_MAX)] = "",
    kind: Annotated[str, Form(max_length=40)] = "favor",
    what: Text = "",
    why_them: Text = "",
    why_target_cares: Text = "",
    blurb: Text = "",
) -> Response:
    """The draft's readiness warnings, missing homework and coach findings; nothing saved."""
    review = ask_drafts.review_ask_draft(
        page.actor, page.uow, contact, kind, what, why_them, why_target_cares, blurb
    )
    return page.render("_ask_review.html", review=review)


@router.post("/asks")
def create_ask(
    page: PageDep,
    contact: Annotated[str, Form(max_length=NAME_MAX)],
    kind: Annotated[str, Form(max_length=40)],
    what: Text = "",
    why_them: Text = "",
    why_target_cares: Text = "",
    blurb: Text = "",
    target: Annotated[str, Form(max_length=NAME_MAX)] = "",
) -> Response:
    try:
        asks.create_ask(page.actor, page.uow, contact, kind, what, why_them,
                        why_target_cares or None, blurb or None,
                        target=target or None)  # fmt: skip
    except GoodwillError as exc:
        typed = {"contact": contact, "kind": kind, "what": what, "why_them": why_them,
                 "why_target_cares": why_target_cares, "blurb": blurb, "target": target,
                 "error": exc.message}  # fmt: skip
        return _board(page, status=422, **typed)
    return page.redirect("/asks")


@router.post("/asks/{ask_id}/asked")
def mark_asked(page: PageDep, ask_id: int) -> Response:
    asks.mark_asked(page.actor, page.uow, ask_id)
    return page.redirect(f"/asks#ask-{ask_id}")


@router.post("/asks/{ask_id}/close")
def close_ask(
    page: PageDep,
    ask_id: int,
    outcome: Annotated[str, Form(max_length=40)],
    note: Text = "",
    record: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Granted, declined or withdrawn (a grant may go in the ledger as received)."""
    asks.close_ask(page.actor, page.uow, ask_id, outcome, note or None, record=record == "yes")
    return page.redirect(f"/asks#ask-{ask_id}")


def _ask_page(page: PageDep, ask_id: int, *, status: int = 200, **form: str) -> Response:
    return page.render(
        "ask.html",
        status=status,
        section="asks",
        ask=asks.show_ask(page.actor, page.uow, ask_id),
        open_statuses=[s.value for s in OPEN_STATUSES],
        form=form,
    )


@router.get("/asks/{ask_id}")
def ask_view(page: PageDep, ask_id: RecordId) -> Response:
    """One ask: its homework, its plan steps, what it settled in the ledger."""
    return _ask_page(page, ask_id)


@router.post("/asks/{ask_id}/steps")
def add_step(
    page: PageDep,
    ask_id: RecordId,
    channel: Annotated[str, Form(max_length=200)],
    when: Annotated[str, Form(max_length=40)],
) -> Response:
    """A step (a dated task) added to the ask's plan; the first makes a draft planned."""
    try:
        asks.add_ask_step(page.actor, page.uow, ask_id, channel, when)
    except (ValidationFailed, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        return _ask_page(page, ask_id, status=status, channel=channel, when=when,
                         error=exc.message)  # fmt: skip
    return RedirectResponse(f"/asks/{ask_id}#ask-steps", status_code=303)


@router.post("/asks/{ask_id}/steps/{task_id}/done")
def complete_step(page: PageDep, ask_id: RecordId, task_id: RecordId) -> Response:
    asks.complete_ask_step(page.actor, page.uow, ask_id, task_id)
    return RedirectResponse(f"/asks/{ask_id}#ask-steps", status_code=303)
