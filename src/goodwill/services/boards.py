"""Status boards for the web pages: the actor's asks and the introductions they may see,
one column per status, newest first, each column a keyset page of its own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select

from goodwill.domain.asks import AskStatus
from goodwill.domain.intros import IntroStatus
from goodwill.services import asks, intros
from goodwill.services._memo import memoized
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.services.asks import AskView
from goodwill.services.intros import IntroductionView
from goodwill.storage.schema import Ask, Contact
from goodwill.storage.unit_of_work import UnitOfWork

PER_COLUMN = 25
MAX_PER_COLUMN = 100

# An introduction's board: triage first (the inbound requests), then the opt-in, then done.
INTRO_COLUMNS: tuple[tuple[str, str, tuple[IntroStatus, ...]], ...] = (
    ("inbound", "Requests to triage", (IntroStatus.REQUESTED, IntroStatus.NEEDS_INFO)),
    ("asked", "Target asked", (IntroStatus.TARGET_ASKED,)),
    ("agreed", "Target agreed", (IntroStatus.TARGET_AGREED,)),
    ("made", "Made", (IntroStatus.MADE,)),
    (
        "closed",
        "Closed or declined",
        (IntroStatus.CLOSED, IntroStatus.DECLINED, IntroStatus.TARGET_DECLINED),
    ),
)


@dataclass(frozen=True)
class AskColumn:
    status: str
    asks: list[AskView]
    more: bool  # more asks of this status than shown


@dataclass(frozen=True)
class IntroColumn:
    key: str
    title: str
    statuses: list[str]
    introductions: list[IntroductionView]
    more: bool


def _per_column(per_column: int) -> int:
    return max(1, min(per_column, MAX_PER_COLUMN))


def ask_board(actor: Actor, uow: UnitOfWork, per_column: int = PER_COLUMN) -> list[AskColumn]:
    """The actor's own asks, one column per status (draft … withdrawn), newest first.

    One query: each status's newest `per_column + 1` asks (a window numbers them per
    status; the extra one only says there are more), then their steps and entries."""
    limit = _per_column(per_column)
    rank = (
        func.row_number()
        .over(partition_by=Ask.status, order_by=(Ask.created_at.desc(), Ask.id.desc()))
        .label("rank")
    )
    with uow.read() as session:
        ranked = (
            select(Ask.id, rank)
            .where(
                visible(Ask, actor),
                Ask.owner_id == actor.user_id,
                # An ask of a contact in the trash waits there with them.
                ~exists().where(Contact.id == Ask.contact_id, Contact.deleted_at.is_not(None)),
            )
            .subquery()
        )
        rows = session.scalars(
            select(Ask)
            .join(ranked, ranked.c.id == Ask.id)
            .where(ranked.c.rank <= limit + 1)
            .order_by(Ask.created_at.desc(), Ask.id.desc())
        ).all()
        views = asks.ask_views(session, actor, list(rows))
    columns = []
    for status in AskStatus:
        found = [v for v in views if v.status == status.value]
        columns.append(AskColumn(status.value, found[:limit], len(found) > limit))
    return columns


@memoized()  # eight pages of introductions: served again while none of them changed
def intro_board(actor: Actor, uow: UnitOfWork, per_column: int = PER_COLUMN) -> list[IntroColumn]:
    """The introductions the actor may see (people they may not see redacted), by stage."""
    limit = _per_column(per_column)
    columns = []
    for key, title, statuses in INTRO_COLUMNS:
        found: list[IntroductionView] = []
        more = False
        for status in statuses:
            page = intros.introductions_page(actor, uow, status=status.value, limit=limit)
            found.extend(page.items)
            more = more or page.after is not None
        found.sort(key=lambda i: (i.created_at, i.id), reverse=True)
        columns.append(
            IntroColumn(
                key, title, [s.value for s in statuses], found[:limit], more or len(found) > limit
            )
        )
    return columns
