"""The calendar feed: a user's open dated tasks as a subscription calendar.

Every dated to-do is a Task (plan steps of asks, introduction follow-ups, opportunity
next steps, meetings imported for the future, plain tasks), so the feed is the actor's
own open tasks with a due time, written as VEVENTs through the one iCalendar exporter.
A snoozed task shows on the day it comes back. Tasks are the actor's own: a teammate's
shared task is theirs to do, and stays out of this calendar as it stays out of `today`.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from goodwill.domain.dates import as_utc
from goodwill.exporters.ical import CalendarTask, write_feed
from goodwill.services import _common as common
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.storage.schema import Contact, Task
from goodwill.storage.unit_of_work import UnitOfWork

CALENDAR_NAME = "goodwill"


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str  # a strong validator: the same tasks give the same bytes
    events: int


def task_feed(actor: Actor, uow: UnitOfWork) -> Feed:
    """The actor's open dated tasks as an iCalendar subscription (VEVENTs)."""
    with uow.read() as session:
        tasks = session.scalars(
            select(Task)
            .where(
                visible(Task, actor),
                Task.owner_id == actor.user_id,
                Task.done_at.is_(None),
                Task.due_at.is_not(None),
            )
            .order_by(Task.due_at, Task.id)
        ).all()
        contact_ids = {t.contact_id for t in tasks if t.contact_id}
        names = {
            c.id: common.contact_ref(c, actor).label
            for c in session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))
        }
        items = [
            CalendarTask(
                t.id, t.title, _shown_at(t), t.all_day, False,
                names.get(t.contact_id) if t.contact_id else None,
            )
            for t in tasks
        ]  # fmt: skip
    out = io.BytesIO()
    count = write_feed(items, out, actor.tz, calendar_name=CALENDAR_NAME)
    body = out.getvalue()
    return Feed(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', count)


def _shown_at(task: Task) -> datetime | None:
    due = as_utc(task.due_at) if task.due_at is not None else None
    if task.snoozed_until is not None and due is not None:
        snoozed = as_utc(task.snoozed_until)
        return max(due, snoozed)
    return due
