"""Introductions: the double-opt-in board (triage inbound requests, ask the target,
record their answer, make the introduction, record how it went) and a new request.

A move made from the board (HTMX) answers with the introduction's card, carrying the
message to send when the move writes one (the opt-in, the introduction itself): the old
card is removed and the new one put on top of its new column (an out-of-band swap)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from goodwill.domain.intros import IntroOutcome, IntroSource
from goodwill.errors import GoodwillError
from goodwill.services import boards, intros
from goodwill.services.intros import IntroductionView, IntroMove
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
TEXT_MAX = 2000
NAME_MAX = 500

Text = Annotated[str, Form(max_length=TEXT_MAX)]
# The board column each status stands in (a moved card goes to the top of its new one).
COLUMN_OF = {status.value: key for key, _, statuses in boards.INTRO_COLUMNS for status in statuses}


def _board(page: PageDep, *, status: int = 200, **form: str) -> Response:
    return page.render(
        "introductions.html",
        status=status,
        section="intros",
        board=boards.intro_board(page.actor, page.uow),
        sources=[s.value for s in IntroSource],
        outcomes=[o.value for o in IntroOutcome],
        form=form,
    )


def _moved(page: PageDep, moved: IntroMove | IntroductionView) -> Response:
    """The card after a move (HTMX), or back to the board (a plain form)."""
    if not page.htmx:
        return page.redirect("/introductions")
    if isinstance(moved, IntroMove):
        intro, message = moved.introduction, moved.message
    else:
        intro, message = moved, None
    return page.render(
        "_intro_moved.html",
        intro=intro,
        message=message,
        column=COLUMN_OF[intro.status],
        outcomes=[o.value for o in IntroOutcome],
    )


@router.get("/introductions")
def intro_board(page: PageDep) -> Response:
    return _board(page)


@router.post("/introductions")
def request_intro(
    page: PageDep,
    requester: Annotated[str, Form(max_length=NAME_MAX)],
    target: Annotated[str, Form(max_length=NAME_MAX)],
    goal: Text = "",
    why_target: Text = "",
    blurb: Text = "",
    source: Annotated[str, Form(max_length=20)] = "inbound",
) -> Response:
    try:
        intros.request_introduction(page.actor, page.uow, requester, target, goal=goal,
                                    why_target=why_target or None, blurb=blurb or None,
                                    source=source)  # fmt: skip
    except GoodwillError as exc:
        typed = {"requester": requester, "target": target, "goal": goal,
                 "why_target": why_target, "blurb": blurb, "source": source,
                 "error": exc.message}  # fmt: skip
        return _board(page, status=422, **typed)
    return page.redirect("/introductions")


@router.post("/introductions/{intro_id}/triage")
def triage(
    page: PageDep,
    intro_id: int,
    decision: Annotated[str, Form(max_length=20)],
    why_target: Text = "",
    blurb: Text = "",
) -> Response:
    """Accept (ask the target), decline, or tell me why (ask the requester)."""
    moved = intros.triage_introduction(page.actor, page.uow, intro_id, decision,
                                       why_target=why_target or None,
                                       blurb=blurb or None)  # fmt: skip
    return _moved(page, moved)


@router.post("/introductions/{intro_id}/answer")
def answer(
    page: PageDep, intro_id: int, goal: Text = "", why_target: Text = "", blurb: Text = ""
) -> Response:
    """The requester's answers to "tell me why": back to triage."""
    moved = intros.answer_homework(page.actor, page.uow, intro_id, goal=goal or None,
                                   why_target=why_target or None,
                                   blurb=blurb or None)  # fmt: skip
    return _moved(page, moved)


@router.post("/introductions/{intro_id}/consent")
def consent(
    page: PageDep,
    intro_id: int,
    agreed: Annotated[str, Form(max_length=5)],
    by: Annotated[str, Form(max_length=20)],
) -> Response:
    """The target's answer to the opt-in (`by`: the target, as the card names them)."""
    moved = intros.record_consent(page.actor, page.uow, intro_id, agreed=agreed == "yes", by=by)
    return _moved(page, moved)


@router.post("/introductions/{intro_id}/make")
def make(
    page: PageDep, intro_id: int, weight: Annotated[str, Form(max_length=6)] = "1"
) -> Response:
    return _moved(page, intros.make_introduction(page.actor, page.uow, intro_id, weight=weight))


@router.post("/introductions/{intro_id}/outcome")
def outcome(
    page: PageDep,
    intro_id: int,
    outcome: Annotated[str, Form(max_length=20)],
    note: Text = "",
) -> Response:
    moved = intros.record_intro_outcome(page.actor, page.uow, intro_id, outcome, note or None)
    return _moved(page, moved)
