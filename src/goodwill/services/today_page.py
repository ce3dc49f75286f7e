"""The Today screen: the daily agenda (services.agenda) with what the web page shows
beside it — introductions waiting on someone, and the next steps of open opportunities
due today or earlier (listed on their own, so the task sections leave them out).

The CLI and the API keep `agenda.today_agenda`; this read model is the page's one call.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from goodwill.domain import intros as intro_rules
from goodwill.domain.dates import as_utc, local_date_of, local_midnight_utc
from goodwill.services import _common as common
from goodwill.services import agenda
from goodwill.services._memo import memoized
from goodwill.services.actor import Actor, utcnow
from goodwill.services.agenda import DailyAgenda
from goodwill.services.views import Ref, TaskView
from goodwill.storage.schema import (
    Contact,
    Introduction,
    Opportunity,
    Pipeline,
    PipelineStage,
    Task,
)
from goodwill.storage.unit_of_work import UnitOfWork

SHOWN = 20  # introductions and next steps listed; the total says how many more
# Tasks per section on the page (the API's and the CLI's agenda show 50): a screen of
# them to act on, with the total; fewer rows also keep the page's HTML small and fast.
TASKS_SHOWN = 20
# Who an open introduction waits on, by status (domain.intros.WAITING_ON_ME: the user).
WAITING_ON = {
    intro_rules.IntroStatus.REQUESTED: "you: accept, decline or ask why",
    intro_rules.IntroStatus.NEEDS_INFO: "the requester's answers",
    intro_rules.IntroStatus.TARGET_ASKED: "the target's yes or no",
    intro_rules.IntroStatus.TARGET_AGREED: "you: make the introduction",
    intro_rules.IntroStatus.MADE: "you: record how it went",
}


@dataclass(frozen=True)
class IntroWaiting:
    """An open introduction the user makes, and whose move it is."""

    id: int
    status: str
    requester: Ref
    target: Ref
    goal: str | None
    waiting_on: str
    mine: bool  # the next move is the user's
    since: datetime  # its last change
    days: int


@dataclass(frozen=True)
class NextStep:
    """An open opportunity's next step (a task), due today or earlier."""

    task: TaskView
    opportunity: Ref
    pipeline: str
    stage: str
    late: bool


@dataclass(frozen=True)
class TodayPage:
    agenda: DailyAgenda
    intros_waiting: list[IntroWaiting]  # the longest waiting first
    intros_total: int
    next_steps: list[NextStep]  # soonest due first
    next_steps_total: int


def today_page(
    actor: Actor, uow: UnitOfWork, *, lapsed_limit: int = 20, task_limit: int = TASKS_SHOWN
) -> TodayPage:
    """Everything the Today page lists, in the user's time zone."""
    view = agenda.today_agenda(
        actor, uow, lapsed_limit=lapsed_limit, task_limit=task_limit, without_next_steps=True
    )
    # Their own memo entries: a task added or done does not recompute the introductions.
    intros, intros_total = _intros_section(actor, uow)
    steps, steps_total = _steps_section(actor, uow)
    return TodayPage(view, intros, intros_total, steps, steps_total)


def _minute(actor: Actor) -> Hashable:
    """Days waiting and what is late move with the clock: at most a minute old."""
    return utcnow().replace(second=0, microsecond=0)


@memoized(_minute)
def _intros_section(actor: Actor, uow: UnitOfWork) -> tuple[list[IntroWaiting], int]:
    """The open introductions the user makes, the longest waiting first, and how many."""
    today = local_date_of(utcnow(), actor.tz)
    with uow.read() as session:
        requester, target = aliased(Contact), aliased(Contact)
        open_intro = (
            Introduction.owner_id == actor.user_id,
            Introduction.workspace_id == actor.workspace_id,
            Introduction.deleted_at.is_(None),
            Introduction.status.in_([s.value for s in intro_rules.OPEN_STATUSES]),
            # An introduction of someone in the trash waits there with them.
            ~exists().where(
                Contact.id.in_([Introduction.requester_id, Introduction.target_id]),
                Contact.deleted_at.is_not(None),
            ),
        )
        intros_total = (
            session.scalar(select(func.count()).select_from(Introduction).where(*open_intro)) or 0
        )
        rows = session.execute(
            select(Introduction, requester, target)
            .join(requester, requester.id == Introduction.requester_id)
            .join(target, target.id == Introduction.target_id)
            .where(*open_intro)
            .order_by(Introduction.updated_at, Introduction.id)
            .limit(SHOWN)
            .options(*common.as_reference(requester), *common.as_reference(target))
        ).all()
        intros = []
        for intro, asker, wanted in rows:
            status = intro_rules.IntroStatus(intro.status)
            intros.append(
                IntroWaiting(
                    id=intro.id,
                    status=intro.status,
                    requester=common.contact_ref(asker, actor),
                    target=common.contact_ref(wanted, actor),
                    goal=intro.goal,
                    waiting_on=WAITING_ON.get(status, "you"),
                    mine=status in intro_rules.WAITING_ON_ME,
                    since=intro.updated_at,
                    days=(today - local_date_of(intro.updated_at, actor.tz)).days,
                )
            )
    return intros, int(intros_total)


@memoized(_minute)
def _steps_section(actor: Actor, uow: UnitOfWork) -> tuple[list[NextStep], int]:
    """The next steps of the user's open opportunities due today or earlier, soonest
    first, and how many."""
    now = utcnow()
    today = local_date_of(now, actor.tz)
    start = local_midnight_utc(today, actor.tz)
    end = local_midnight_utc(today + timedelta(days=1), actor.tz)
    with uow.read() as session:
        due = (
            Opportunity.owner_id == actor.user_id,
            Opportunity.workspace_id == actor.workspace_id,
            Opportunity.deleted_at.is_(None),
            Opportunity.closed_at.is_(None),
            Task.done_at.is_(None),
            Task.deleted_at.is_(None),
            Task.due_at < end,
            or_(Task.snoozed_until.is_(None), Task.snoozed_until <= now),
        )
        steps_total = (
            session.scalar(
                select(func.count())
                .select_from(Opportunity)
                .join(Task, Task.id == Opportunity.next_task_id)
                .where(*due)
            )
            or 0
        )
        person = aliased(Contact)
        found = session.execute(
            select(Opportunity, Task, Pipeline.name, PipelineStage.name, person)
            .join(Task, Task.id == Opportunity.next_task_id)
            .join(Pipeline, Pipeline.id == Opportunity.pipeline_id)
            .join(PipelineStage, PipelineStage.id == Opportunity.stage_id)
            .outerjoin(person, person.id == Task.contact_id)
            .where(*due)
            .order_by(Task.due_at, Task.id)
            .limit(SHOWN)
            .options(*common.as_reference(person))
        ).all()
        steps = [
            NextStep(
                task=common.task_view(task, actor, contact),
                opportunity=Ref(opp.id, opp.title),
                pipeline=pipeline,
                stage=stage,
                late=_late(task, start, now),
            )
            for opp, task, pipeline, stage, contact in found
        ]
    return steps, int(steps_total)


def _late(task: Task, start: datetime, now: datetime) -> bool:
    """As the agenda says it: an all-day task is late from the next day, a timed one from
    its time."""
    if task.due_at is None:
        return False
    return as_utc(task.due_at) < (start if task.all_day else now)
