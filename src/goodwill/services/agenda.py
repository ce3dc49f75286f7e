"""The daily agenda: what to do today, in the user's time zone.

Tasks due (ask plan steps among them), asks waiting on an answer, people going cold
worth a touch (each with reasons to get in touch), and this week's gives versus asks.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import Session

from goodwill.domain.agenda import day_number, touch_priority, touch_reasons
from goodwill.domain.asks import OPEN_STATUSES, AskStatus
from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.domain.ledger import Direction
from goodwill.domain.people import tier_label
from goodwill.services import _common as common
from goodwill.services import giving
from goodwill.services._memo import memoized
from goodwill.services._strength import score_contacts
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Agenda, Ref, TaskView
from goodwill.storage.schema import (
    Ask,
    Contact,
    Interaction,
    InteractionParticipant,
    LedgerEntry,
    Opportunity,
    Task,
)
from goodwill.storage.unit_of_work import UnitOfWork

ASK_WAIT_DAYS = 7  # an answer is overdue after a week
# People going cold: SQL ranks the lapsed by how overdue relative to their cadence and
# returns a pool of candidates; only those are scored for strength and re-ranked by
# strength × overdue (domain.agenda.touch_priority). A strong tie only slightly overdue
# but outside the pool waits until it is further behind; scoring every contact for
# `today` would cost seconds at 100k contacts.
CANDIDATE_FACTOR = 5
CANDIDATE_MIN = 100
WEEK_DAYS = 7
GIVES_POOL = 300  # most recent needs and offers matched for the agenda
GIVES_SHOWN = 3  # ways to give in the agenda; `goodwill gives` lists more
# Tasks per section of the agenda: a backlog of thousands is a count and a link to
# `goodwill tasks`, not a page nobody reads (and 800 kB of JSON at 100k contacts).
TASKS_SHOWN = 50

WaitingAsk = Agenda.WaitingAsk


@dataclass(frozen=True)
class TouchSuggestion:
    """A contact going cold, worth a touch today, and why."""

    contact: Ref
    tier: str | None  # inner | network | wider
    cadence_days: int
    last_touch: datetime | None
    days_overdue: int
    strength: float  # 0–100, now
    priority: float  # strength × overdue (domain.agenda.touch_priority)
    reasons: list[str]


@dataclass(frozen=True)
class WeeklyBalance:
    """The last 7 days (today included): gives recorded in the ledger versus asks made."""

    since: date
    gives: int  # ledger entries the user gave
    asks: int  # asks the user made (marked asked)


@dataclass(frozen=True)
class DailyAgenda:
    today: date
    timezone: str
    overdue_tasks: list[TaskView]  # oldest first, at most the task limit
    overdue_total: int  # every overdue task, shown or not
    due_today: list[TaskView]
    due_today_total: int
    ask_steps: list[TaskView]  # open steps of open asks, due today or earlier
    ask_steps_total: int
    asks_waiting: list[WaitingAsk]  # asked more than a week ago, oldest first
    lapsed: list[TouchSuggestion]  # highest priority first
    lapsed_total: int  # every lapsed contact, shown or not
    week: WeeklyBalance
    gives: list[giving.GiveSuggestion]  # ways to give, best first (GIVES_SHOWN at most)


def _minute(actor: Actor) -> Hashable:
    """What is due and who is overdue move with the clock: the agenda served again
    (while nothing was written) is at most a minute old."""
    return utcnow().replace(second=0, microsecond=0)


@memoized(_minute)
def today_agenda(
    actor: Actor,
    uow: UnitOfWork,
    *,
    lapsed_limit: int = 20,
    task_limit: int | None = TASKS_SHOWN,
    without_next_steps: bool = False,
) -> DailyAgenda:
    """Tasks due and overdue, ask plan steps, asks waiting on an answer, contacts whose
    cadence has lapsed (strongest and most overdue first, with reasons to get in touch),
    this week's gives versus asks, and the top ways to give (services.giving).

    Each task section shows at most `task_limit` tasks, soonest due first, with its total
    (None: every task, as the iCalendar export of the agenda wants). `without_next_steps`
    leaves out the next steps of open opportunities, for a screen that lists them on
    their own (services.today_page)."""
    now = utcnow()
    tz = actor.tz
    today = local_date_of(now, tz)
    start, end = local_midnight_utc(today, tz), local_midnight_utc(today + timedelta(days=1), tz)
    with uow.read() as session:
        due: tuple[ColumnElement[bool], ...] = (
            Task.owner_id == actor.user_id,
            Task.workspace_id == actor.workspace_id,
            Task.deleted_at.is_(None),
            Task.done_at.is_(None),
            Task.due_at < end,
            or_(Task.snoozed_until.is_(None), Task.snoozed_until <= now),
            # A task about a contact in the trash waits there with it (back on restore).
            ~exists().where(Contact.id == Task.contact_id, Contact.deleted_at.is_not(None)),
            # A step of an ask in the trash, or already answered, is no longer to do.
            ~exists().where(
                Ask.id == Task.ask_id,
                or_(
                    Ask.deleted_at.is_not(None), Ask.status.not_in([s.value for s in OPEN_STATUSES])
                ),
            ),
        )
        if without_next_steps:
            due = (*due, Task.id.not_in(_open_next_steps(actor)))
        # An all-day task is late from the next day on; a timed one from its time.
        late = or_(
            and_(Task.all_day.is_(True), Task.due_at < start),
            and_(Task.all_day.is_(False), Task.due_at < now),
        )
        sections = (
            Task.ask_id.is_not(None),  # ask plan steps
            and_(Task.ask_id.is_(None), late),  # overdue
            # due today (none before today's start: the index seeks past the overdue)
            and_(Task.ask_id.is_(None), ~late, Task.due_at >= start),
        )
        found = [
            list(
                session.scalars(
                    select(Task)
                    .where(*due, section)
                    .order_by(Task.due_at, Task.id)
                    .limit(task_limit)
                )
            )
            for section in sections
        ]
        if task_limit is None:
            totals = [len(tasks) for tasks in found]
        else:
            counted = session.execute(
                select(*(func.count(case((section, 1))) for section in sections)).where(*due)
            ).one()
            totals = [int(n or 0) for n in counted]
        # A task needs its contact's name and visibility only, not the emails, phones
        # and tags the relationship would load for thousands of contacts.
        contacts = {
            c.id: c
            for c in session.scalars(
                select(Contact)
                .options(*common.as_reference())
                .where(Contact.id.in_({t.contact_id for ts in found for t in ts if t.contact_id}))
            )
        }
        ask_steps, overdue, due_today = (
            [common.task_view(t, actor, contacts.get(t.contact_id or 0)) for t in tasks]
            for tasks in found
        )
        asks_waiting = _asks_waiting(session, actor, today)
        week = _week(session, actor, today)
    # Their own memo entries: a task added or done does not recompute who went cold or
    # the ways to give (they read no tasks).
    lapsed, lapsed_total = _lapsed_section(actor, uow, max(0, lapsed_limit))
    gives = _gives_section(actor, uow)
    return DailyAgenda(
        today=today,
        timezone=actor.timezone,
        overdue_tasks=overdue,
        overdue_total=totals[1],
        due_today=due_today,
        due_today_total=totals[2],
        ask_steps=ask_steps,
        ask_steps_total=totals[0],
        asks_waiting=asks_waiting,
        lapsed=lapsed,
        lapsed_total=lapsed_total,
        week=week,
        gives=gives,
    )


@memoized(_minute)
def _lapsed_section(actor: Actor, uow: UnitOfWork, limit: int) -> tuple[list[TouchSuggestion], int]:
    """The agenda's contacts gone cold (`_lapsed`), as of now."""
    now = utcnow()
    with uow.read() as session:
        return _lapsed(session, actor, now, local_date_of(now, actor.tz), limit)


@memoized(_minute)
def _gives_section(actor: Actor, uow: UnitOfWork) -> list[giving.GiveSuggestion]:
    """The agenda's top ways to give (services.giving)."""
    with uow.read() as session:
        return giving.suggestions_for(session, actor, limit=GIVES_SHOWN, recent=GIVES_POOL)


def _open_next_steps(actor: Actor) -> Select[int | None]:
    """The task ids that are the next steps of the actor's open opportunities (one
    uncorrelated subquery: read once, not probed per task)."""
    return select(Opportunity.next_task_id).where(
        Opportunity.owner_id == actor.user_id,
        Opportunity.workspace_id == actor.workspace_id,
        Opportunity.deleted_at.is_(None),
        Opportunity.closed_at.is_(None),
        Opportunity.next_task_id.is_not(None),
    )


def week_balance(actor: Actor, uow: UnitOfWork) -> WeeklyBalance:
    """This week's gives versus asks alone (the agenda's figure, refreshed after a give)."""
    with uow.read() as session:
        return _week(session, actor, local_date_of(utcnow(), actor.tz))


def _lapsed(
    session: Session, actor: Actor, now: datetime, today: date, limit: int
) -> tuple[list[TouchSuggestion], int]:
    """The actor's contacts past their cadence, worth a touch most first.

    Each contact carries the day its cadence counts from (Contact.touch_anchor_day,
    in the owner's zone, kept by storage.aggregates), so SQL ranks with integer
    arithmetic alike on SQLite and PostgreSQL and returns only the candidates.
    """
    cadence = Contact.cadence_days
    # The day the cadence lapses, written as ix_contacts_lapse_day indexes it: the lapsed
    # are a range of that index, counted and ranked without reading the table.
    lapse_day = Contact.touch_anchor_day + cadence
    overdue = day_number(today) - lapse_day
    owned = (
        Contact.owner_id == actor.user_id,
        Contact.workspace_id == actor.workspace_id,
        Contact.deleted_at.is_(None),
        Contact.archived_at.is_(None),
        cadence.is_not(None),
        lapse_day < day_number(today),
    )
    total = session.scalar(select(func.count()).select_from(Contact).where(*owned)) or 0
    if limit == 0 or total == 0:
        return [], total
    pool = (
        select(Contact.id, cadence.label("cadence"), overdue.label("overdue"))
        .where(*owned)
        .order_by((overdue * 1.0 / cadence).desc(), overdue.desc(), Contact.sort_key, Contact.id)
        .limit(max(limit * CANDIDATE_FACTOR, CANDIDATE_MIN))
        .subquery()
    )
    rows = session.execute(
        select(
            Contact.id,
            Contact.display_name,
            Contact.tier,
            Contact.met_on,
            pool.c.cadence,
            pool.c.overdue,
        )  # fmt: skip
        .join(pool, pool.c.id == Contact.id)
        .order_by(
            (pool.c.overdue * 1.0 / pool.c.cadence).desc(),
            pool.c.overdue.desc(),
            Contact.sort_key,
            Contact.id,
        )
    ).all()
    scored = score_contacts(session, actor, now, [row[0] for row in rows])
    ranked: list[tuple[float, int, Any]] = []
    for order, row in enumerate(rows):
        days, days_cadence = int(row[5] or 0), int(row[4] or 0)
        strength = scored[row[0]].strength.score if row[0] in scored else 0.0
        ranked.append((touch_priority(strength, days, days_cadence), order, row))
    # Equal priorities keep the SQL order (more overdue relative to the cadence first).
    ranked.sort(key=lambda item: (-item[0], item[1]))
    shown = ranked[:limit]
    topics = _last_topics(session, actor, [row[0] for _, _, row in shown])
    suggestions = []
    for priority, _, (cid, name, tier, met_on, days_cadence, days) in shown:
        seen = scored.get(cid)
        touches = seen.touches if seen is not None else None
        last_touch = touches.last_at if touches is not None else None
        topic = topics.get(cid)
        suggestions.append(
            TouchSuggestion(
                contact=Ref(cid, name),
                tier=tier_label(tier),
                cadence_days=int(days_cadence or 0),
                last_touch=last_touch,
                days_overdue=int(days or 0),
                strength=round(seen.strength.score, 1) if seen is not None else 0.0,
                priority=round(priority, 4),
                reasons=touch_reasons(
                    today=today,
                    last_touch_day=(
                        local_date_of(last_touch, actor.tz) if last_touch is not None else None
                    ),
                    topic=topic[0] if topic else None,
                    topic_day=local_date_of(topic[2], actor.tz) if topic else None,
                    topic_channel=topic[1] if topic else None,
                    met_on=met_on,
                    days_overdue=int(days or 0),
                    cadence_days=int(days_cadence or 0),
                ),
            )
        )
    return suggestions, total


def _last_topics(
    session: Session, actor: Actor, contact_ids: list[int]
) -> dict[int, tuple[str, str, datetime]]:
    """(summary, channel, when) of the latest visible interaction with a summary, per contact.

    One small query per contact shown (at most the agenda's limit), each an IN from the
    participants index: joined, SQLite starts from the workspace index and probes every
    interaction (seconds at 1M interactions; see contact_timeline)."""
    found: dict[int, tuple[str, str, datetime]] = {}
    # Built once and run per contact: the statement is compiled once, not twenty times.
    latest = (
        select(Interaction.summary, Interaction.channel, Interaction.occurred_at)
        .where(
            Interaction.id.in_(
                select(InteractionParticipant.interaction_id).where(
                    InteractionParticipant.contact_id == bindparam("contact_id")
                )
            ),
            visible(Interaction, actor),
            Interaction.summary.is_not(None),
            Interaction.summary != "",
        )
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(1)
    )
    for contact_id in contact_ids:
        row = session.execute(latest, {"contact_id": contact_id}).first()
        if row is not None:
            found[contact_id] = (row[0] or "", row[1], row[2])
    return found


def _week(session: Session, actor: Actor, today: date) -> WeeklyBalance:
    """Gives (ledger entries the user gave, dated in the last 7 days) versus asks the
    user made (marked asked) in those days, in the user's zone."""
    since = today - timedelta(days=WEEK_DAYS - 1)
    gives = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(
            LedgerEntry.owner_id == actor.user_id,
            LedgerEntry.workspace_id == actor.workspace_id,
            LedgerEntry.deleted_at.is_(None),
            LedgerEntry.direction == Direction.GAVE.value,
            LedgerEntry.occurred_on >= since,
            LedgerEntry.occurred_on <= today,
        )
    )
    asks = session.scalar(
        select(func.count())
        .select_from(Ask)
        .where(
            Ask.owner_id == actor.user_id,
            Ask.workspace_id == actor.workspace_id,
            Ask.deleted_at.is_(None),
            Ask.asked_at >= local_midnight_utc(since, actor.tz),
            Ask.asked_at < local_midnight_utc(today + timedelta(days=1), actor.tz),
        )
    )
    return WeeklyBalance(since, int(gives or 0), int(asks or 0))


def _asks_waiting(session: Session, actor: Actor, today: date) -> list[WaitingAsk]:
    """The actor's asks still unanswered more than a week after asking, oldest first."""
    rows = session.execute(
        select(Ask, Contact)
        .join(Contact, Contact.id == Ask.contact_id)
        .where(
            Ask.owner_id == actor.user_id,
            Ask.workspace_id == actor.workspace_id,
            Ask.deleted_at.is_(None),
            Ask.status == AskStatus.ASKED.value,
            Ask.asked_at.is_not(None),
            Ask.asked_at < local_midnight_utc(today - timedelta(days=ASK_WAIT_DAYS), actor.tz),
            Contact.deleted_at.is_(None),
        )
        .order_by(Ask.asked_at, Ask.id)
    ).all()
    waiting = []
    for ask, person in rows:
        asked_at = ask.asked_at
        assert asked_at is not None
        days = (today - local_date_of(asked_at, actor.tz)).days
        waiting.append(
            WaitingAsk(
                ask.id, common.contact_ref(person, actor), ask.kind, ask.what, asked_at, days
            )
        )
    return waiting
