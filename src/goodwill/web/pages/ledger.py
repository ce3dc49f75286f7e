"""The Ledger: the balance, the balance over time (a chart), the takers, the entries
(keyset pages) and a form to record a give or a receive."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import Response

from goodwill.domain.ledger import Direction, LedgerKind
from goodwill.errors import GoodwillError, ValidationFailed
from goodwill.services import ledger, ledger_history
from goodwill.web.api.paging import decode_cursor, encode_cursor
from goodwill.web.pages._core import PageDep
from goodwill.web.pages._ledger_chart import ledger_chart

router = APIRouter(include_in_schema=False)
LIST = "web-ledger"
PAGE_SIZE = 25
TEXT_MAX = 2000


def _render(page: PageDep, cursor: str | None, *, status: int = 200, **form: str) -> Response:
    sort, after = decode_cursor(cursor, LIST, None)
    screen = ledger_history.ledger_overview(
        page.actor, page.uow, sort=sort, after=after, limit=PAGE_SIZE
    )
    entries = screen.entries
    next_url = (
        None
        if entries.after is None
        else "/ledger?cursor=" + encode_cursor(LIST, entries.sort, entries.after)
    )
    return page.render(
        "ledger.html",
        status=status,
        section="ledger",
        screen=screen,
        chart=ledger_chart(screen.history),
        next_url=next_url,
        paged=bool(cursor),
        kinds=[k.value for k in LedgerKind],
        form=form,
    )


@router.get("/ledger")
def ledger_view(
    page: PageDep, cursor: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    return _render(page, cursor)


@router.post("/ledger")
def record_entry(
    page: PageDep,
    direction: Annotated[str, Form(max_length=20)],
    counterpart: Annotated[str, Form(max_length=500)],
    kind: Annotated[str, Form(max_length=40)],
    weight: Annotated[str, Form(max_length=6)] = "1",
    on: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=TEXT_MAX)] = "",
) -> Response:
    """Record a give or a receive; a refused one comes back with the form as typed."""
    try:
        if direction == Direction.GAVE.value:
            record = ledger.record_give
        elif direction == Direction.RECEIVED.value:
            record = ledger.record_receive
        else:
            raise ValidationFailed("direction", "must be gave or received")
        record(page.actor, page.uow, counterpart, kind, weight=weight, on=on or None,
               note=note or None)  # fmt: skip
    except GoodwillError as exc:
        typed = {"direction": direction, "counterpart": counterpart, "kind": kind,
                 "weight": weight, "on": on, "note": note, "error": exc.message}  # fmt: skip
        return _render(page, None, status=422, **typed)
    return page.redirect("/ledger")
