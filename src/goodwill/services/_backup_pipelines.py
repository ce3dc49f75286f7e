"""The backup's pipelines and opportunities, with what hangs on them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.services._backup_format import (
    document_fields,
)
from goodwill.services._backup_records import (
    OppEventRecord,
    OpportunityRecord,
    PipelineRecord,
    RedFlagRecord,
    RoundRecord,
    StageRecord,
)
from goodwill.services._backup_rows import grouped, json_value, pick, visible_rows
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.storage.schema import (
    InterviewRound,
    Opportunity,
    OpportunityEvent,
    Pipeline,
    PipelineStage,
    RedFlag,
)


def pipelines_and_opportunities(
    session: Session,
    actor: Actor,
    contact_ids: set[int],
    org_ids: set[int],
    ledger: list[Any],
    tasks: list[Any],
    introductions: list[Any],
    interactions: list[Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pipelines with their stages, and opportunities with their moves, red flags and
    interview rounds; links to records the actor may not see are dropped."""
    pipelines = visible_rows(session, Pipeline, actor)
    pipeline_ids = {row["id"] for row in pipelines}
    stage_fields = document_fields(StageRecord)
    stages = grouped(
        session,
        select(PipelineStage.pipeline_id, *(PipelineStage.__table__.c[f] for f in stage_fields))
        .where(PipelineStage.pipeline_id.in_(sorted(pipeline_ids)))
        .order_by(PipelineStage.pipeline_id, PipelineStage.position),
    )
    opportunities = [
        row
        for row in visible_rows(session, Opportunity, actor)
        if row["pipeline_id"] in pipeline_ids
    ]
    seen_opportunity = visible(Opportunity, actor, include_deleted=True)
    event_fields = document_fields(OppEventRecord)
    events = grouped(
        session,
        select(OpportunityEvent.opportunity_id, *(OpportunityEvent.__table__.c[f] for f in
                                                  event_fields))
        .join(Opportunity, Opportunity.id == OpportunityEvent.opportunity_id)
        .where(seen_opportunity)
        .order_by(OpportunityEvent.opportunity_id, OpportunityEvent.at, OpportunityEvent.id),
    )  # fmt: skip
    flag_fields = document_fields(RedFlagRecord)
    flags = grouped(
        session,
        select(RedFlag.opportunity_id, *(RedFlag.__table__.c[f] for f in flag_fields))
        .join(Opportunity, Opportunity.id == RedFlag.opportunity_id)
        .where(seen_opportunity)
        .order_by(RedFlag.opportunity_id, RedFlag.id),
    )
    round_fields = document_fields(RoundRecord)
    rounds = grouped(
        session,
        select(InterviewRound.opportunity_id, *(InterviewRound.__table__.c[f] for f in
                                                round_fields))
        .join(Opportunity, Opportunity.id == InterviewRound.opportunity_id)
        .where(seen_opportunity)
        .order_by(InterviewRound.opportunity_id, InterviewRound.round, InterviewRound.id),
    )  # fmt: skip
    interaction_ids = {row["id"] for row in interactions}
    ledger_ids = {row["id"] for row in ledger}
    task_ids = {row["id"] for row in tasks}
    intro_ids = {row["id"] for row in introductions}

    def listed(fields: tuple[str, ...], values: Any) -> dict[str, Any]:
        return {f: json_value(v) for f, v in zip(fields, values, strict=True)}

    def shown(value: int | None, known: set[int]) -> int | None:
        return value if value in known else None

    pipeline_doc = [
        pick(
            row,
            document_fields(PipelineRecord),
            stages=[listed(stage_fields, values) for values in stages[row["id"]]],
        )
        for row in pipelines
    ]
    opportunity_doc = [
        pick(
            row,
            document_fields(OpportunityRecord),
            contact_id=shown(row["contact_id"], contact_ids),
            organization_id=shown(row["organization_id"], org_ids),
            source_contact_id=shown(row["source_contact_id"], contact_ids),
            source_ledger_id=shown(row["source_ledger_id"], ledger_ids),
            introduction_id=shown(row["introduction_id"], intro_ids),
            next_task_id=shown(row["next_task_id"], task_ids),
            events=[listed(event_fields, values) for values in events[row["id"]]],
            red_flags=[listed(flag_fields, values) for values in flags[row["id"]]],
            rounds=[
                listed(round_fields, values)
                for values in rounds[row["id"]]
                if values[0] in interaction_ids
            ],
        )
        for row in opportunities
    ]
    return pipeline_doc, opportunity_doc
