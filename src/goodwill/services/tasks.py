"""Tasks: the one dated to-do — add, complete, snooze, reschedule, repeat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from goodwill.domain.dates import Moment, parse_moment
from goodwill.domain.people import Visibility
from goodwill.domain.tasks import Recurrence, next_due, parse_recurrence
from goodwill.domain.text import SHORT_MAX, clean_text
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._visibility import get_visible, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import CompletedTask, Ref, TaskView
from goodwill.storage.schema import Ask, Contact, Task
from goodwill.storage.unit_of_work import UnitOfWork


def _moment(value: datetime | str, field: str, actor: Actor) -> Moment:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed(field, "needs a time zone")
        return Moment(value, all_day=False)
    return parse_moment(value, field, actor.tz, utcnow())


def _view(session: Session, actor: Actor, task: Task) -> TaskView:
    contact = session.get(Contact, task.contact_id) if task.contact_id else None
    return common.task_view(task, actor, contact)


def add_task(
    actor: Actor,
    uow: UnitOfWork,
    title: str,
    *,
    due: datetime | str | None = None,
    contact: int | str | None = None,
    repeat: str | None = None,
    visibility: str | None = None,
) -> TaskView:
    text = clean_text(title, "title", max_len=SHORT_MAX, required=True) or ""
    recurrence = parse_recurrence(repeat)
    moment = _moment(due, "due", actor) if due is not None else None
    if recurrence is not None and moment is None:
        raise ValidationFailed("repeat", "a repeating task needs a due date")
    with uow.write() as session:
        now = utcnow()
        task = Task(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            title=text,
            due_at=moment.at if moment else None,
            all_day=moment.all_day if moment else True,
            recurrence=recurrence.value if recurrence else None,
            created_at=now,
            updated_at=now,
            visibility=Visibility.PRIVATE.value,
        )
        default = None
        if contact is not None:
            linked = common.resolve_contact(session, actor, contact)
            task.contact_id = linked.id
            if linked.visibility == Visibility.PRIVATE:
                default = Visibility.PRIVATE.value
        task.visibility = common.choose_visibility(session, actor, visibility or default)
        session.add(task)
        session.flush()
        return _view(session, actor, task)


def _open_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = get_visible(session, Task, task_id, actor, "task")
    if task.done_at is not None:
        raise Conflict(f"task #{task_id} is already done")
    return task


def complete_task(actor: Actor, uow: UnitOfWork, task_id: int) -> CompletedTask:
    """Mark a task done; a repeating one gets its next occurrence after now."""
    with uow.write() as session:
        task = _open_task(session, actor, task_id)
        now = utcnow()
        task.done_at = now
        task.updated_at = now
        following = None
        if task.recurrence and task.due_at is not None:
            series = task.series_due_at or task.due_at
            # Completing early moves past this occurrence; completing late skips the
            # ones already missed instead of piling them up as overdue.
            due = next_due(series, Recurrence(task.recurrence), actor.tz, max(now, task.due_at))
            following = Task(
                workspace_id=task.workspace_id,
                owner_id=task.owner_id,
                visibility=task.visibility,
                title=task.title,
                due_at=due,
                all_day=task.all_day,
                recurrence=task.recurrence,
                series_due_at=series,
                contact_id=task.contact_id,
                created_at=now,
                updated_at=now,
            )
            session.add(following)
        session.flush()
        return CompletedTask(
            _view(session, actor, task), _view(session, actor, following) if following else None
        )


def snooze_task(
    actor: Actor, uow: UnitOfWork, task_id: int, until: datetime | str = "tomorrow"
) -> TaskView:
    """Hide an open task from the agenda until a later day; its due date stays."""
    with uow.write() as session:
        task = _open_task(session, actor, task_id)
        moment = _moment(until, "until", actor)
        if moment.at <= utcnow():
            raise ValidationFailed("until", "must be in the future")
        task.snoozed_until = moment.at
        task.updated_at = utcnow()
        return _view(session, actor, task)


def reschedule_task(actor: Actor, uow: UnitOfWork, task_id: int, due: datetime | str) -> TaskView:
    with uow.write() as session:
        task = _open_task(session, actor, task_id)
        moment = _moment(due, "due", actor)
        task.due_at, task.all_day, task.snoozed_until = moment.at, moment.all_day, None
        task.series_due_at = None  # a repeating task's series restarts from the new date
        task.updated_at = utcnow()
        return _view(session, actor, task)


SORTS = paging.Sorts(
    paging.one_key("due_at", Task.id, Task.due_at, "datetime", nullable=True),
    paging.one_key("-due_at", Task.id, Task.due_at, "datetime", nullable=True),
    paging.one_key("-created_at", Task.id, Task.created_at, "datetime"),
    paging.one_key("created_at", Task.id, Task.created_at, "datetime"),
)


def list_tasks(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    include_done: bool = False,
    limit: int = 100,
) -> list[TaskView]:
    """The actor's tasks (or, for a contact, every visible task about them), soonest first."""
    return tasks_page(actor, uow, contact=contact, include_done=include_done, limit=limit).items


def tasks_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    include_done: bool = False,
    due_before: datetime | None = None,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 100,
) -> paging.Page[TaskView]:
    """The actor's tasks (or every visible task about a contact), soonest due first and
    undated last by default; `due_before` keeps those due before a moment."""
    order = SORTS.choose(sort)
    with uow.read() as session:
        # A step of an ask in the trash waits there with its ask.
        stmt = select(Task).where(
            visible(Task, actor),
            ~exists().where(Ask.id == Task.ask_id, Ask.deleted_at.is_not(None)),
        )
        if contact is not None:
            stmt = stmt.where(Task.contact_id == common.resolve_contact(session, actor, contact).id)
        else:
            stmt = stmt.where(Task.owner_id == actor.user_id)
        if not include_done:
            stmt = stmt.where(Task.done_at.is_(None))
        if due_before is not None:
            if due_before.tzinfo is None:
                raise ValidationFailed("due_before", "needs a time zone")
            stmt = stmt.where(Task.due_at < due_before)
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of([_view(session, actor, t) for t in found], order, next_key)


def delete_task(actor: Actor, uow: UnitOfWork, task_id: int) -> Ref:
    with uow.write() as session:
        task = get_visible(session, Task, task_id, actor, "task")
        require_owner(task, actor, "delete")
        task.deleted_at = utcnow()
        return Ref(task.id, task.title)
