"""What the pipeline and opportunity services share: finding a pipeline or an
opportunity the actor may see, the stages as the domain sees them, the visibility of a
new opportunity, and its events. The views are in _pipeline_views."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from goodwill.domain import pipelines as rules
from goodwill.domain.dates import parse_moment
from goodwill.domain.people import Visibility
from goodwill.domain.pipelines import EventKind, StageOutcome, StoredStage
from goodwill.domain.text import fold
from goodwill.errors import Ambiguous, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import _common as common
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import (
    Contact,
    Opportunity,
    OpportunityEvent,
    Organization,
    Pipeline,
    PipelineStage,
)


def visible_opportunity(actor: Actor) -> ColumnElement[bool]:
    """Opportunities the actor may see: visible themselves, in a pipeline they may see."""
    return and_(
        visible(Opportunity, actor),
        exists().where(Pipeline.id == Opportunity.pipeline_id, visible(Pipeline, actor)),
    )


def resolve_pipeline(session: Session, actor: Actor, ref: int | str | None) -> Pipeline:
    """A pipeline by id ('#id') or name among those the actor may see; without one, the
    actor's first pipeline (by id)."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        first = session.scalars(
            select(Pipeline)
            .where(visible(Pipeline, actor), Pipeline.owner_id == actor.user_id)
            .order_by(Pipeline.id)
            .limit(1)
        ).first()
        if first is None:
            raise NotFound("no pipeline yet: create one with `goodwill pipeline add NAME --kind`")
        return first
    text = str(ref).strip()
    if isinstance(ref, int) or text.lstrip("#").isdigit():
        number = int(text.lstrip("#"))
        found = session.scalars(
            select(Pipeline).where(Pipeline.id == number, visible(Pipeline, actor))
        ).one_or_none()
        if found is None:
            raise NotFound(f"no pipeline #{number}")
        return found
    key = fold(text)
    matches = list(
        session.scalars(
            select(Pipeline)
            .where(visible(Pipeline, actor), Pipeline.name_key == key)
            .order_by(Pipeline.id)
        )
    )
    own = [p for p in matches if p.owner_id == actor.user_id]
    if len(own) == 1 or len(matches) == 1:
        return own[0] if own else matches[0]
    if not matches:
        raise NotFound(f"no pipeline named '{text[: rules.PIPELINE_NAME_MAX]}'")
    raise Ambiguous(
        f"'{text}' names several pipelines; use the id", [f"#{p.id} {p.name}" for p in matches]
    )


def load_opportunity(session: Session, actor: Actor, opp_id: int, *, change: bool) -> Opportunity:
    """An opportunity the actor may see (missing and hidden fail alike); to change it,
    the actor must own it."""
    found = session.scalars(
        select(Opportunity).where(Opportunity.id == opp_id, visible_opportunity(actor))
    ).one_or_none()
    if found is None:
        raise NotFound(f"no opportunity #{opp_id}")
    if change and found.owner_id != actor.user_id:
        raise PermissionDenied("only the owner of this opportunity may change it")
    return found


def own_pipeline(session: Session, actor: Actor, ref: int | str | None) -> Pipeline:
    pipeline = resolve_pipeline(session, actor, ref)
    if pipeline.owner_id != actor.user_id:
        raise PermissionDenied("only the owner of this pipeline may change it")
    return pipeline


def stored_stages(session: Session, pipeline_id: int, *, usage: bool = False) -> list[StoredStage]:
    """The pipeline's stages in order; with `usage`, how many opportunities are in each
    now and how many ever entered it (every owner's: a stage in use stays)."""
    rows = session.scalars(
        select(PipelineStage)
        .where(PipelineStage.pipeline_id == pipeline_id)
        .order_by(PipelineStage.position)
    ).all()
    current: dict[int, int] = {}
    history: dict[int, int] = {}
    if usage:
        ids = [r.id for r in rows]
        current = dict(
            session.execute(
                select(Opportunity.stage_id, func.count())
                .where(Opportunity.stage_id.in_(ids))
                .group_by(Opportunity.stage_id)
            ).all()
        )
        history = {
            stage_id: n
            for stage_id, n in session.execute(
                select(
                    OpportunityEvent.to_stage_id,
                    func.count(func.distinct(OpportunityEvent.opportunity_id)),
                )
                .where(OpportunityEvent.to_stage_id.in_(ids))
                .group_by(OpportunityEvent.to_stage_id)
            )
            if stage_id is not None
        }
    return [
        StoredStage(
            id=r.id,
            name=r.name,
            position=r.position,
            probability=r.probability,
            outcome=None if r.outcome is None else StageOutcome(r.outcome),
            in_use=max(current.get(r.id, 0), history.get(r.id, 0)),
            current=current.get(r.id, 0),
        )
        for r in rows
    ]


def choose_opportunity_visibility(
    session: Session,
    actor: Actor,
    pipeline: Pipeline,
    linked: Iterable[Contact | Organization | None],
    visibility: str | None,
) -> str:
    """Private when its pipeline or a person or organization it names is (unless the user
    says otherwise); then the workspace default."""
    private = Visibility.PRIVATE.value
    hidden = pipeline.visibility == private or any(
        r is not None and r.visibility == private for r in linked
    )
    return common.choose_visibility(session, actor, visibility or (private if hidden else None))


def moment(value: datetime | str | None, field: str, actor: Actor) -> datetime | None:
    """A user time: an aware datetime, or text in the user's zone (a date is its midnight)."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed(field, "needs a time zone")
        return value
    return parse_moment(value, field, actor.tz, utcnow()).at


def add_event(
    session: Session,
    opp: Opportunity,
    kind: EventKind,
    at: datetime,
    *,
    from_stage: int | None = None,
    to_stage: int | None = None,
    note: str | None = None,
) -> None:
    session.add(
        OpportunityEvent(
            opportunity_id=opp.id,
            kind=kind.value,
            from_stage_id=from_stage,
            to_stage_id=to_stage,
            at=at,
            note=note,
        )
    )
    session.flush()


def last_move_at(session: Session, opp_id: int) -> datetime | None:
    return session.scalar(
        select(func.max(OpportunityEvent.at)).where(
            OpportunityEvent.opportunity_id == opp_id,
            OpportunityEvent.kind == EventKind.STAGE.value,
        )
    )
