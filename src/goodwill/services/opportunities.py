"""Opportunities: deals and job applications in a pipeline. Every stage move is an event
(from → to, timestamped), never an overwrite; a won or lost stage closes the opportunity
for good. Job-search steps (referrals, interview rounds, offers) are in
services.job_search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain import pipelines as rules
from goodwill.domain.dates import Moment, local_date_of, local_midnight_utc, parse_moment
from goodwill.domain.ledger import Direction, LedgerKind
from goodwill.domain.pipelines import EventKind, Source, StoredStage
from goodwill.domain.text import SHORT_MAX, SUMMARY_MAX, clean_text
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services import ledger
from goodwill.services._pipeline_views import (
    OpportunitySummary,
    OpportunityView,
    opportunity_view,
    summaries,
)
from goodwill.services._pipelines import (
    add_event,
    choose_opportunity_visibility,
    last_move_at,
    load_opportunity,
    moment,
    own_pipeline,
    resolve_pipeline,
    stored_stages,
    visible_opportunity,
)
from goodwill.services._visibility import get_visible
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import Introduction, Opportunity, Pipeline, RedFlag, Task
from goodwill.storage.unit_of_work import UnitOfWork

__all__ = ["OpportunitySummary", "OpportunityView"]

# What a source with a person behind it is, once received: an entry to acknowledge.
_LEDGER_KIND = {Source.REFERRAL: LedgerKind.REFERRAL, Source.INTRODUCTION: LedgerKind.INTRODUCTION}


def add_opportunity(
    actor: Actor,
    uow: UnitOfWork,
    pipeline: int | str | None,
    title: str,
    *,
    contact: int | str | None = None,
    organization: int | str | None = None,
    value: str | Decimal | int | None = None,
    currency: str | None = None,
    stage: str | None = None,
    source: str = "cold",
    source_contact: int | str | None = None,
    introduction_id: int | None = None,
    next_step: str | None = None,
    next_due: datetime | str | None = None,
    opened_at: datetime | str | None = None,
    visibility: str | None = None,
) -> OpportunityView:
    """A deal or application in one of the actor's pipelines (default: their first), at
    `stage` (default: the first open one). Writes the first event (from nothing to the
    stage). A referral or introduction with the person behind it (`source_contact`) is
    also a received ledger entry; `next_step` becomes a task (due `next_due`, default
    today), so it shows in `today`. `value` is exact, with `currency` or the pipeline's.
    """
    text = rules.clean_title(title)
    origin = rules.parse_source(source)
    amount = None if value is None else rules.parse_money(value)
    code = rules.parse_currency(currency) if currency else None
    step = _clean_step(next_step)
    due = _due(next_due, actor)
    if due is not None and step is None:
        raise ValidationFailed("next_due", "give the next step itself too")
    if source_contact is not None and origin not in rules.SOURCES_WITH_A_PERSON:
        raise ValidationFailed(
            "source_contact",
            f"only a referral or introduction has a person behind it, not {origin}",
        )
    if introduction_id is not None and origin is not Source.INTRODUCTION:
        raise ValidationFailed("introduction_id", "goes with the source introduction")
    now = utcnow()
    opened = moment(opened_at, "opened_at", actor) or now
    rules.check_move_time(opened, None, now)
    with uow.write() as session:
        found = own_pipeline(session, actor, pipeline)
        stages = stored_stages(session, found.id)
        start = (
            rules.find_stage(stages, stage, found.name) if stage else rules.first_open_stage(stages)
        )
        if start.outcome is not None and step is not None:
            raise ValidationFailed("next_step", f"'{start.name}' closes it: no next step")
        code = code or found.currency
        if amount is not None and code is None:
            raise ValidationFailed(
                "currency", "a value needs its currency (give one, or set one on the pipeline)"
            )
        person = common.resolve_contact(session, actor, contact) if contact is not None else None
        referrer = (
            common.resolve_contact(session, actor, source_contact)
            if source_contact is not None
            else None
        )
        if introduction_id is not None:
            get_visible(session, Introduction, introduction_id, actor, "introduction")
        scope = choose_opportunity_visibility(session, actor, found, [person, referrer], visibility)
        org = (
            common.find_or_create_organization(session, actor, str(organization), scope)
            if organization is not None
            else None
        )
        opp = Opportunity(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=choose_opportunity_visibility(
                session, actor, found, [person, referrer, org], visibility
            ),
            pipeline_id=found.id,
            stage_id=start.id,
            title=text,
            contact_id=person.id if person else None,
            organization_id=org.id if org else None,
            value_e4=None if amount is None else rules.to_e4(amount),
            currency=code,
            source=origin.value,
            source_contact_id=referrer.id if referrer else None,
            introduction_id=introduction_id,
            opened_at=opened,
            closed_at=opened if start.outcome is not None else None,
            created_at=now,
            updated_at=now,
        )
        session.add(opp)
        session.flush()
        add_event(session, opp, EventKind.STAGE, opened, to_stage=start.id)
        if referrer is not None:
            entry = ledger.new_entry(
                session,
                actor,
                direction=Direction.RECEIVED,
                kind=_LEDGER_KIND[origin].value,
                counterpart=referrer,
                related_id=person.id if person and person.id != referrer.id else None,
                weight=1,
                day=local_date_of(opened, actor.tz),
                note=f"{origin.value} that opened opportunity #{opp.id}: {text}"[:SHORT_MAX],
                visibility=opp.visibility,
            )
            opp.source_ledger_id = entry.id
        if step is not None:
            opp.next_task_id = _new_step(session, actor, opp, step, due).id
        return opportunity_view(session, actor, opp)


def _clean_step(value: str | None) -> str | None:
    return clean_text(value, "next_step", max_len=rules.TITLE_MAX)


def _due(value: datetime | str | None, actor: Actor) -> Moment | None:
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed("due", "needs a time zone")
        return Moment(value, all_day=False)
    return parse_moment(value, "due", actor.tz, utcnow())


def _new_step(
    session: Session, actor: Actor, opp: Opportunity, step: str, due: Moment | None
) -> Task:
    """The next step as a task on the opportunity's contact, due today unless said."""
    now = utcnow()
    if due is None:
        due = Moment(local_midnight_utc(local_date_of(now, actor.tz), actor.tz), all_day=True)
    task = Task(
        workspace_id=opp.workspace_id,
        owner_id=opp.owner_id,
        visibility=opp.visibility,
        title=f"{step} — {opp.title}"[:SHORT_MAX],
        due_at=due.at,
        all_day=due.all_day,
        contact_id=opp.contact_id,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    return task


def _finish_step(session: Session, opp: Opportunity) -> None:
    """The open next step is done with (the opportunity closed, or a new step replaced it)."""
    if opp.next_task_id is None:
        return
    task = session.get(Task, opp.next_task_id)
    if task is not None and task.done_at is None and task.deleted_at is None:
        task.done_at = task.updated_at = utcnow()


def _stages(session: Session, opp: Opportunity) -> tuple[Pipeline, list[StoredStage], StoredStage]:
    pipeline = session.get_one(Pipeline, opp.pipeline_id)
    stages = stored_stages(session, pipeline.id)
    current = next(s for s in stages if s.id == opp.stage_id)
    return pipeline, stages, current


def _move(
    session: Session,
    opp: Opportunity,
    current: StoredStage,
    target: StoredStage,
    at: datetime,
    note: str | None,
) -> None:
    add_event(
        session, opp, EventKind.STAGE, at, from_stage=current.id, to_stage=target.id, note=note
    )
    opp.stage_id = target.id
    opp.updated_at = utcnow()
    if target.outcome is not None:
        opp.closed_at = at
        opp.close_reason = note
        _finish_step(session, opp)


def move_opportunity(
    actor: Actor,
    uow: UnitOfWork,
    opp_id: int,
    stage: str,
    *,
    at: datetime | str | None = None,
    note: str | None = None,
) -> OpportunityView:
    """Move to another stage (forward, skipping, or back while open). A won or lost stage
    closes it (the note is the reason) and completes its open next step."""
    text = clean_text(note, "note", max_len=SUMMARY_MAX, multiline=True)
    now = utcnow()
    when = moment(at, "at", actor) or now
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        pipeline, stages, current = _stages(session, opp)
        target = rules.find_stage(stages, stage, pipeline.name)
        rules.check_can_move(current, target)
        rules.check_move_time(when, last_move_at(session, opp.id), now)
        _move(session, opp, current, target, when, text)
        return opportunity_view(session, actor, opp)


def qualify_out(actor: Actor, uow: UnitOfWork, opp_id: int, reason: str) -> OpportunityView:
    """Close an opportunity not worth winning, with the reason: it moves to the pipeline's
    qualified-out stage (a custom pipeline without one: its first lost stage)."""
    why = rules.clean_reason(reason)
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        _, stages, current = _stages(session, opp)
        target = rules.qualify_out_stage(stages)
        rules.check_can_move(current, target)
        now = utcnow()
        rules.check_move_time(now, last_move_at(session, opp.id), now)
        _move(session, opp, current, target, now, why)
        return opportunity_view(session, actor, opp)


def set_next_step(
    actor: Actor, uow: UnitOfWork, opp_id: int, title: str, due: datetime | str | None = None
) -> OpportunityView:
    """The next step, as a task (due today unless said); an open previous step is done
    with."""
    step = _clean_step(title)
    if step is None:
        raise ValidationFailed("next_step", "is required")
    when = _due(due, actor)
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        _, _, current = _stages(session, opp)
        if current.outcome is not None:
            raise Conflict(f"the opportunity is closed (in stage '{current.name}'): no next step")
        _finish_step(session, opp)
        opp.next_task_id = _new_step(session, actor, opp, step, when).id
        opp.updated_at = utcnow()
        return opportunity_view(session, actor, opp)


def add_opportunity_note(actor: Actor, uow: UnitOfWork, opp_id: int, text: str) -> OpportunityView:
    """A dated note on the opportunity's timeline."""
    body = clean_text(text, "text", max_len=SUMMARY_MAX, required=True, multiline=True)
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        add_event(session, opp, EventKind.NOTE, utcnow(), note=body)
        opp.updated_at = utcnow()
        return opportunity_view(session, actor, opp)


def set_partnership(
    actor: Actor,
    uow: UnitOfWork,
    opp_id: int,
    *,
    benefit_us: str | None = None,
    benefit_them: str | None = None,
    health: str | None = None,
) -> OpportunityView:
    """Partnership health: what each side gains (the mutual-benefit statement) and a
    rating (good, watch, poor). What is not given stays as it was."""
    ours = rules.clean_long_text(benefit_us, "benefit_us")
    theirs = rules.clean_long_text(benefit_them, "benefit_them")
    rating = None if health is None else rules.parse_health(health)
    if ours is None and theirs is None and rating is None:
        raise ValidationFailed("health", "give at least one of benefit_us, benefit_them, health")
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        opp.benefit_us = ours or opp.benefit_us
        opp.benefit_them = theirs or opp.benefit_them
        opp.health = rating.value if rating is not None else opp.health
        opp.updated_at = utcnow()
        return opportunity_view(session, actor, opp)


def flag_opportunity(
    actor: Actor,
    uow: UnitOfWork,
    opp_id: int,
    flag: str,
    *,
    evidence: str | None = None,
    on: date | str | None = None,
) -> OpportunityView:
    """A red flag ("treats us as order-takers", late payment…), dated, with evidence."""
    text = rules.clean_flag(flag)
    proof = rules.clean_long_text(evidence, "evidence")
    today = local_date_of(utcnow(), actor.tz)
    day = common.as_date(on, "on", actor) or today
    rules.check_not_future(day, today, "on")
    with uow.write() as session:
        opp = load_opportunity(session, actor, opp_id, change=True)
        session.add(
            RedFlag(
                opportunity_id=opp.id,
                flagged_on=day,
                flag=text,
                evidence=proof,
                created_at=utcnow(),
            )
        )
        opp.updated_at = utcnow()
        session.flush()
        return opportunity_view(session, actor, opp)


def show_opportunity(actor: Actor, uow: UnitOfWork, opp_id: int) -> OpportunityView:
    """An opportunity with its stage, value, source, timeline, notes, red flags, health,
    next step, interview rounds and offer."""
    with uow.read() as session:
        return opportunity_view(
            session, actor, load_opportunity(session, actor, opp_id, change=False)
        )


SORTS = paging.Sorts(
    paging.one_key("-opened_at", Opportunity.id, Opportunity.opened_at, "datetime"),
    paging.one_key("opened_at", Opportunity.id, Opportunity.opened_at, "datetime"),
    paging.one_key("-value", Opportunity.id, Opportunity.value_e4, "int", nullable=True),
    paging.one_key("value", Opportunity.id, Opportunity.value_e4, "int", nullable=True),
)


def list_opportunities(
    actor: Actor,
    uow: UnitOfWork,
    *,
    pipeline: int | str | None = None,
    stage: str | None = None,
    open_only: bool = False,
    limit: int = 200,
) -> list[OpportunitySummary]:
    """Opportunities the actor may see, newest first: all, or one pipeline's (a stage
    without a pipeline means the actor's first pipeline), open ones only if asked."""
    return opportunities_page(
        actor, uow, pipeline=pipeline, stage=stage, open_only=open_only, limit=limit
    ).items


def opportunities_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    pipeline: int | str | None = None,
    stage: str | None = None,
    open_only: bool = False,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 200,
) -> paging.Page[OpportunitySummary]:
    """A page of list_opportunities; `-value`/`value` sort by amount (whatever the
    currency), those without one last."""
    order = SORTS.choose(sort)
    with uow.read() as session:
        stmt = select(Opportunity).where(visible_opportunity(actor))
        if pipeline is not None or stage is not None:
            found = resolve_pipeline(session, actor, pipeline)
            stmt = stmt.where(Opportunity.pipeline_id == found.id)
            if stage is not None:
                wanted = rules.find_stage(stored_stages(session, found.id), stage, found.name)
                stmt = stmt.where(Opportunity.stage_id == wanted.id)
        if open_only:
            stmt = stmt.where(Opportunity.closed_at.is_(None))
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        page, next_key = paging.cut(rows, order, limit)
        return paging.page_of(summaries(session, actor, page), order, next_key)
