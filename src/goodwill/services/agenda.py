"""The daily agenda: what to do today, in the user's time zone."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, lazyload, load_only

from goodwill.domain.agenda import day_number
from goodwill.domain.asks import OPEN_STATUSES, AskStatus
from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.services import _common as common
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Agenda, LapsedContact, Ref, TaskView
from goodwill.storage.schema import Ask, Contact, Task
from goodwill.storage.unit_of_work import UnitOfWork

ASK_WAIT_DAYS = 7  # an answer is overdue after a week


def today_agenda(actor: Actor, uow: UnitOfWork, *, lapsed_limit: int = 20) -> Agenda:
    """Tasks due and overdue, and contacts whose cadence has lapsed, most overdue first."""
    now = utcnow()
    tz = actor.tz
    today = local_date_of(now, tz)
    start, end = local_midnight_utc(today, tz), local_midnight_utc(today + timedelta(days=1), tz)
    with uow.read() as session:
        tasks = session.scalars(
            select(Task)
            .where(
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
                        Ask.deleted_at.is_not(None),
                        Ask.status.not_in([s.value for s in OPEN_STATUSES]),
                    ),
                ),
            )
            .order_by(Task.due_at, Task.id)
        ).all()
        # A task needs its contact's name and visibility only, not the emails, phones
        # and tags the relationship would load for thousands of contacts.
        contacts = {
            c.id: c
            for c in session.scalars(
                select(Contact)
                .options(
                    load_only(
                        Contact.display_name,
                        Contact.workspace_id,
                        Contact.owner_id,
                        Contact.visibility,
                        Contact.deleted_at,
                    ),
                    lazyload("*"),
                )
                .where(Contact.id.in_({t.contact_id for t in tasks if t.contact_id}))
            )
        }
        overdue: list[TaskView] = []
        due_today: list[TaskView] = []
        ask_steps: list[TaskView] = []
        for task in tasks:
            view = common.task_view(task, actor, contacts.get(task.contact_id or 0))
            late = task.due_at is not None and (
                task.due_at < start if task.all_day else task.due_at < now
            )
            (ask_steps if task.ask_id is not None else overdue if late else due_today).append(view)
        asks_waiting = _asks_waiting(session, actor, today)
        lapsed, lapsed_total = _lapsed(session, actor, today, max(0, lapsed_limit))
        return Agenda(
            today=today,
            timezone=actor.timezone,
            overdue_tasks=overdue,
            due_today=due_today,
            lapsed=lapsed,
            lapsed_total=lapsed_total,
            ask_steps=ask_steps,
            asks_waiting=asks_waiting,
        )


def _lapsed(
    session: Session, actor: Actor, today: date, limit: int
) -> tuple[list[LapsedContact], int]:
    """The actor's contacts past their cadence, most overdue relative to it first.

    Each contact carries the day its cadence counts from (Contact.touch_anchor_day,
    in the owner's zone, kept by storage.aggregates), so SQL ranks with integer
    arithmetic alike on SQLite and PostgreSQL and returns only the rows shown.
    """
    cadence = Contact.cadence_days
    overdue = day_number(today) - Contact.touch_anchor_day - cadence
    owned = (
        Contact.owner_id == actor.user_id,
        Contact.workspace_id == actor.workspace_id,
        Contact.deleted_at.is_(None),
        Contact.archived_at.is_(None),
        cadence.is_not(None),
        overdue > 0,
    )
    total = session.scalar(select(func.count()).select_from(Contact).where(*owned)) or 0
    rows = session.execute(
        select(Contact.id, Contact.display_name, Contact.tier, cadence, overdue)
        .where(*owned)
        .order_by((overdue * 1.0 / cadence).desc(), overdue.desc(), Contact.sort_key, Contact.id)
        .limit(limit)
    ).all()
    touches = common.visible_touches(session, actor, [row[0] for row in rows])
    return [
        LapsedContact(
            Ref(cid, name),
            tier,
            int(days_cadence or 0),
            touches[cid][1] if cid in touches else None,
            int(days or 0),
        )
        for cid, name, tier, days_cadence, days in rows
    ], total


def _asks_waiting(session: Session, actor: Actor, today: date) -> list[Agenda.WaitingAsk]:
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
            Agenda.WaitingAsk(
                ask.id, common.contact_ref(person, actor), ask.kind, ask.what, asked_at, days
            )
        )
    return waiting
