"""The daily agenda: what to do today, in the user's time zone."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from goodwill.domain.agenda import cadence_overdue_days, lapse_rank
from goodwill.domain.asks import OPEN_STATUSES, AskStatus
from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.domain.people import Visibility
from goodwill.services import _common as common
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Agenda, LapsedContact, Ref
from goodwill.storage.schema import Ask, Contact, ContactTouch, Task
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
        contacts = {
            c.id: c
            for c in session.scalars(
                select(Contact).where(Contact.id.in_({t.contact_id for t in tasks if t.contact_id}))
            )
        }
        views = [common.task_view(t, actor, contacts.get(t.contact_id or 0)) for t in tasks]
        ask_steps = [v for v, t in zip(views, tasks, strict=True) if t.ask_id is not None]
        overdue = [
            v
            for v, t in zip(views, tasks, strict=True)
            if t.ask_id is None
            and t.due_at is not None
            and (t.due_at < start if t.all_day else t.due_at < now)
        ]
        due_today = [v for v in views if v not in overdue and v not in ask_steps]
        asks_waiting = _asks_waiting(session, actor, today)

        last_touch = (
            select(ContactTouch.contact_id, func.max(ContactTouch.last_at).label("last_at"))
            .where(
                or_(
                    ContactTouch.owner_id == actor.user_id,
                    ContactTouch.visibility == Visibility.WORKSPACE.value,
                )
            )
            .group_by(ContactTouch.contact_id)
            .subquery()
        )
        rows = session.execute(
            select(
                Contact.id,
                Contact.display_name,
                Contact.tier,
                Contact.cadence_days,
                Contact.met_on,
                Contact.created_at,
                last_touch.c.last_at,
            )
            .outerjoin(last_touch, last_touch.c.contact_id == Contact.id)
            .where(
                Contact.owner_id == actor.user_id,
                Contact.workspace_id == actor.workspace_id,
                Contact.deleted_at.is_(None),
                Contact.archived_at.is_(None),
                Contact.cadence_days.is_not(None),
            )
        ).all()
        lapsed: list[LapsedContact] = []
        for cid, name, tier, cadence, met_on, created, last_at in rows:
            since = met_on or local_date_of(created, tz)
            last_day = local_date_of(last_at, tz) if last_at is not None else None
            days = cadence_overdue_days(last_day, since, cadence, today)
            if days > 0:
                lapsed.append(LapsedContact(Ref(cid, name), tier, cadence, last_at, days))
        lapsed.sort(
            key=lambda item: (
                -lapse_rank(item.days_overdue, item.cadence_days),
                -item.days_overdue,
                item.contact.label,
            )
        )
        return Agenda(
            today=today,
            timezone=actor.timezone,
            overdue_tasks=overdue,
            due_today=due_today,
            lapsed=lapsed[: max(0, lapsed_limit)],
            lapsed_total=len(lapsed),
            ask_steps=ask_steps,
            asks_waiting=asks_waiting,
        )


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
