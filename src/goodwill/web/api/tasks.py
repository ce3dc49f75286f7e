"""/api/v1/tasks over services.tasks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime

from goodwill.services import tasks
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query
from goodwill.web.api.record_models import TaskIn, TaskReschedule, TaskSnooze

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])
TaskId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("")
def list_tasks(
    actor: ActorDep,
    uow: UowDep,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    include_done: bool = False,
    due_before: Annotated[AwareDatetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(tasks.SORTS)] = None,
) -> dict[str, Any]:
    """Your tasks (or every task you may see about one contact), soonest due first and
    undated last (`sort`: `-due_at`, `-created_at`…), a page at a time (`next_cursor`);
    `due_before` keeps those due before that moment."""
    sort, after = decode_cursor(cursor, "tasks", sort)
    page = tasks.tasks_page(
        actor,
        uow,
        contact=contact_id,
        include_done=include_done,
        due_before=due_before,
        sort=sort,
        after=after,
        limit=limit,
    )
    return page_body("tasks", page)


@router.post("", status_code=201)
def add_task(body: TaskIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Add a task; `due` and `repeat` take the CLI's words ("friday 9am", "weekly")."""
    view = tasks.add_task(
        actor,
        uow,
        body.title,
        due=body.due,
        contact=body.contact_id,
        repeat=body.repeat,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))


@router.post("/{task_id}/complete")
def complete_task(task_id: TaskId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Mark a task done; a repeating one answers with its next occurrence too."""
    return dict(to_jsonable(tasks.complete_task(actor, uow, task_id)))


@router.post("/{task_id}/snooze")
def snooze_task(task_id: TaskId, body: TaskSnooze, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Hide an open task from the agenda until a later moment; its due date stays."""
    return dict(to_jsonable(tasks.snooze_task(actor, uow, task_id, body.until)))


@router.post("/{task_id}/reschedule")
def reschedule_task(
    task_id: TaskId, body: TaskReschedule, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Move an open task to a new due date."""
    return dict(to_jsonable(tasks.reschedule_task(actor, uow, task_id, body.due)))


@router.delete("/{task_id}", status_code=204)
def delete_task(task_id: TaskId, actor: ActorDep, uow: UowDep) -> Response:
    """Move a task to the trash (its owner or an admin)."""
    tasks.delete_task(actor, uow, task_id)
    return Response(status_code=204)
