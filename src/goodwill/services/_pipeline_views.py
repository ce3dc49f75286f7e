"""The views of pipelines and opportunities, built in a few queries whatever their number."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, lazyload

from goodwill.domain import pipelines as rules
from goodwill.domain.pipelines import EventKind
from goodwill.services import _common as common
from goodwill.services._pipelines import visible_opportunity
from goodwill.services.actor import Actor
from goodwill.services.views import Ref, TaskView
from goodwill.storage.schema import (
    Contact,
    Interaction,
    InteractionParticipant,
    InterviewRound,
    Opportunity,
    OpportunityEvent,
    Organization,
    Pipeline,
    PipelineStage,
    RedFlag,
    Task,
)


@dataclass(frozen=True)
class StageView:
    id: int
    name: str
    position: int
    probability: float
    outcome: str | None  # None: open; won | lost
    opportunities: int  # the visible opportunities in it now


@dataclass(frozen=True)
class PipelineView:
    id: int
    name: str
    kind: str
    currency: str | None
    target_salary: Decimal | None  # job search: the yearly salary aimed at
    started_on: date | None
    visibility: str
    owner_id: int
    stages: list[StageView]
    open_opportunities: int
    opportunities: int


@dataclass(frozen=True)
class StageEventView:
    from_stage: str | None  # None: where the opportunity started
    to_stage: str
    at: datetime
    note: str | None


@dataclass(frozen=True)
class OpportunityNoteView:
    at: datetime
    text: str


@dataclass(frozen=True)
class RedFlagView:
    id: int
    flagged_on: date
    flag: str
    evidence: str | None


@dataclass(frozen=True)
class InterviewRoundView:
    round: int
    label: str | None
    interaction_id: int
    at: datetime
    people: list[Ref]


@dataclass(frozen=True)
class OfferView:
    salary: Decimal | None
    currency: str | None
    details: dict[str, str]


@dataclass(frozen=True)
class OpportunitySummary:
    id: int
    title: str
    pipeline: Ref
    stage: str
    outcome: str | None  # None while open; won | lost once closed
    probability: float
    contact: Ref | None
    organization: Ref | None
    value: Decimal | None
    currency: str | None
    source: str
    health: str | None
    next_step: TaskView | None
    opened_at: datetime
    closed_at: datetime | None
    visibility: str
    owner_id: int


@dataclass(frozen=True)
class OpportunityView(OpportunitySummary):
    """An opportunity with its whole story, for `opp show`."""

    source_contact: Ref | None
    source_ledger_id: int | None
    introduction_id: int | None
    close_reason: str | None
    benefit_us: str | None
    benefit_them: str | None
    referral_asked_on: date | None
    referral_received_on: date | None
    offer: OfferView | None
    events: list[StageEventView]  # oldest first
    notes: list[OpportunityNoteView]  # oldest first
    red_flags: list[RedFlagView]  # by date
    rounds: list[InterviewRoundView]


def pipeline_views(
    session: Session, actor: Actor, pipelines: Sequence[Pipeline]
) -> list[PipelineView]:
    ids = [p.id for p in pipelines]
    stages = session.scalars(
        select(PipelineStage)
        .where(PipelineStage.pipeline_id.in_(ids))
        .order_by(PipelineStage.pipeline_id, PipelineStage.position)
    ).all()
    counts: dict[int, int] = dict(
        session.execute(
            select(Opportunity.stage_id, func.count())
            .where(Opportunity.pipeline_id.in_(ids), visible_opportunity(actor))
            .group_by(Opportunity.stage_id)
        ).all()
    )
    by_pipeline: dict[int, list[StageView]] = {i: [] for i in ids}
    for s in stages:
        by_pipeline[s.pipeline_id].append(
            StageView(s.id, s.name, s.position, s.probability, s.outcome, counts.get(s.id, 0))
        )
    return [
        PipelineView(
            id=p.id,
            name=p.name,
            kind=p.kind,
            currency=p.currency,
            target_salary=None if p.target_salary_e4 is None else rules.from_e4(p.target_salary_e4),
            started_on=p.started_on,
            visibility=p.visibility,
            owner_id=p.owner_id,
            stages=by_pipeline[p.id],
            open_opportunities=sum(s.opportunities for s in by_pipeline[p.id] if not s.outcome),
            opportunities=sum(s.opportunities for s in by_pipeline[p.id]),
        )
        for p in pipelines
    ]


def _by_id(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    # Their collections (a contact's emails, phones, tags) load when read, not eagerly:
    # a card names its contact and organization only.
    stmt = select(model).where(model.id.in_(wanted)).options(lazyload("*"))
    return {r.id: r for r in session.scalars(stmt)}


def summaries(
    session: Session, actor: Actor, opps: Sequence[Opportunity]
) -> list[OpportunitySummary]:
    return _build(session, actor, opps, full=False)


def opportunity_view(session: Session, actor: Actor, opp: Opportunity) -> OpportunityView:
    view = _build(session, actor, [opp], full=True)[0]
    assert isinstance(view, OpportunityView)
    return view


def _build(
    session: Session, actor: Actor, opps: Sequence[Opportunity], *, full: bool
) -> list[OpportunitySummary]:
    pipelines = _by_id(session, Pipeline, (o.pipeline_id for o in opps))
    stages = _by_id(session, PipelineStage, (o.stage_id for o in opps))
    people = _by_id(
        session, Contact, [o.contact_id for o in opps] + [o.source_contact_id for o in opps]
    )
    orgs = _by_id(session, Organization, (o.organization_id for o in opps))
    tasks = {
        t.id: t
        for t in _by_id(session, Task, (o.next_task_id for o in opps)).values()
        if t.deleted_at is None
    }
    task_people = _by_id(session, Contact, (t.contact_id for t in tasks.values()))
    result: list[OpportunitySummary] = []
    for o in opps:
        stage = stages[o.stage_id]
        pipeline = pipelines[o.pipeline_id]
        task = tasks.get(o.next_task_id or 0)
        values: dict[str, Any] = {
            "id": o.id,
            "title": o.title,
            "pipeline": Ref(pipeline.id, pipeline.name),
            "stage": stage.name,
            "outcome": stage.outcome,
            "probability": stage.probability,
            "contact": _contact(people, o.contact_id, actor),
            "organization": None
            if o.organization_id is None
            else common.org_ref(orgs.get(o.organization_id), actor),
            "value": None if o.value_e4 is None else rules.from_e4(o.value_e4),
            "currency": o.currency,
            "source": o.source,
            "health": o.health,
            "next_step": None
            if task is None
            else common.task_view(task, actor, task_people.get(task.contact_id or 0)),
            "opened_at": o.opened_at,
            "closed_at": o.closed_at,
            "visibility": o.visibility,
            "owner_id": o.owner_id,
        }
        if not full:
            result.append(OpportunitySummary(**values))
            continue
        result.append(
            OpportunityView(
                **values,
                source_contact=_contact(people, o.source_contact_id, actor),
                source_ledger_id=o.source_ledger_id,
                introduction_id=o.introduction_id,
                close_reason=o.close_reason,
                benefit_us=o.benefit_us,
                benefit_them=o.benefit_them,
                referral_asked_on=o.referral_asked_on,
                referral_received_on=o.referral_received_on,
                offer=_offer(o.offer),
                **_story(session, actor, o),
            )
        )
    return result


def _contact(people: dict[int, Contact], contact_id: int | None, actor: Actor) -> Ref | None:
    return None if contact_id is None else common.contact_ref(people.get(contact_id), actor)


def _offer(stored: dict[str, Any] | None) -> OfferView | None:
    if not stored:
        return None
    salary = stored.get("salary")
    return OfferView(
        salary=None if salary is None else Decimal(str(salary)),
        currency=stored.get("currency"),
        details=dict(stored.get("details") or {}),
    )


def _story(session: Session, actor: Actor, opp: Opportunity) -> dict[str, Any]:
    """Events, notes, red flags and interview rounds of one opportunity."""
    origin, target = aliased(PipelineStage), aliased(PipelineStage)
    events: list[StageEventView] = []
    notes: list[OpportunityNoteView] = []
    for event, from_name, to_name in session.execute(
        select(OpportunityEvent, origin.name, target.name)
        .outerjoin(origin, origin.id == OpportunityEvent.from_stage_id)
        .outerjoin(target, target.id == OpportunityEvent.to_stage_id)
        .where(OpportunityEvent.opportunity_id == opp.id)
        .order_by(OpportunityEvent.at, OpportunityEvent.id)
    ):
        if event.kind == EventKind.NOTE.value:
            notes.append(OpportunityNoteView(event.at, event.note or ""))
        else:
            events.append(StageEventView(from_name, to_name, event.at, event.note))
    flags = [
        RedFlagView(f.id, f.flagged_on, f.flag, f.evidence)
        for f in session.scalars(
            select(RedFlag)
            .where(RedFlag.opportunity_id == opp.id)
            .order_by(RedFlag.flagged_on, RedFlag.id)
        )
    ]
    rounds = session.execute(
        select(InterviewRound, Interaction)
        .join(Interaction, Interaction.id == InterviewRound.interaction_id)
        .where(InterviewRound.opportunity_id == opp.id, Interaction.deleted_at.is_(None))
        .order_by(InterviewRound.round, InterviewRound.id)
    ).all()
    met: dict[int, list[Ref]] = {i.id: [] for _, i in rounds}
    if met:
        for interaction_id, contact in session.execute(
            select(InteractionParticipant.interaction_id, Contact)
            .join(Contact, Contact.id == InteractionParticipant.contact_id)
            .where(InteractionParticipant.interaction_id.in_(list(met)))
            .order_by(Contact.sort_key, Contact.id)
        ):
            met[interaction_id].append(common.contact_ref(contact, actor))
        for refs in met.values():
            refs.sort(key=lambda ref: ref.id is None)  # hidden people last: order reveals nothing
    return {
        "events": events,
        "notes": notes,
        "red_flags": flags,
        "rounds": [
            InterviewRoundView(r.round, r.label, i.id, i.occurred_at, met[i.id]) for r, i in rounds
        ],
    }
