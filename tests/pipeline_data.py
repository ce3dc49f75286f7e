"""Pipelines, stages, opportunities and their stage events for report tests, inserted with
the ORM straight from a compact description (no pipeline services needed).

    ids = add_pipeline(session, actor, "Sales")
    add_opportunity(session, actor, ids, "prospect@0 proposal@5 discovery@9 won@20",
                    start=T0, value="1200.50", currency="EUR")

Each token is `stage@days` after `start`; the first is where it opened. A random
history generator (`random_paths`) feeds the property tests and the benchmark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from goodwill.domain.funnel import OpportunityFacts, StageInfo, StageMove
from goodwill.domain.text import fold
from goodwill.services.actor import Actor
from goodwill.storage.schema import Opportunity, OpportunityEvent, Pipeline, PipelineStage

SALES = [
    ("prospect", 0.1, None),
    ("discovery", 0.2, None),
    ("proposal", 0.5, None),
    ("negotiation", 0.75, None),
    ("won", 1.0, "won"),
    ("lost", 0.0, "lost"),
    ("qualified-out", 0.0, "lost"),
]
JOB_SEARCH = [
    ("target", 0.02, None),
    ("networking", 0.05, None),
    ("applied", 0.1, None),
    ("screen", 0.2, None),
    ("interviews", 0.4, None),
    ("offer", 0.8, None),
    ("accepted", 1.0, "won"),
    ("rejected", 0.0, "lost"),
    ("withdrawn", 0.0, "lost"),
]
T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class PipelineIds:
    id: int
    stages: dict[str, int]  # name → id
    infos: tuple[StageInfo, ...]

    def stage(self, name: str) -> int:
        return self.stages[name]


def add_pipeline(
    session: Session,
    actor: Actor,
    name: str,
    kind: str = "sales",
    *,
    stages: list[tuple[str, float, str | None]] | None = None,
    visibility: str = "workspace",
    target_salary: str | None = None,
    currency: str | None = None,
    started_on: date | None = None,
) -> PipelineIds:
    now = datetime.now(UTC)
    pipeline = Pipeline(
        workspace_id=actor.workspace_id,
        owner_id=actor.user_id,
        visibility=visibility,
        name=name,
        name_key=fold(name),
        kind=kind,
        target_salary_e4=None if target_salary is None else int(Decimal(target_salary) * 10_000),
        currency=currency,
        started_on=started_on,
        created_at=now,
        updated_at=now,
    )
    session.add(pipeline)
    session.flush()
    spec = stages or (JOB_SEARCH if kind == "job_search" else SALES)
    rows = [
        PipelineStage(
            pipeline_id=pipeline.id,
            name=stage,
            name_key=fold(stage),
            position=i,
            probability=p,
            outcome=outcome,
        )
        for i, (stage, p, outcome) in enumerate(spec)
    ]
    session.add_all(rows)
    session.flush()
    return PipelineIds(
        pipeline.id,
        {r.name: r.id for r in rows},
        tuple(StageInfo(r.id, r.name, r.position, r.probability, r.outcome) for r in rows),
    )


def parse_path(path: str, start: datetime) -> list[tuple[str, datetime]]:
    steps = []
    for token in path.split():
        name, _, days = token.partition("@")
        steps.append((name, start + timedelta(days=float(days or 0))))
    return steps


def add_opportunity(
    session: Session,
    actor: Actor,
    pipeline: PipelineIds,
    path: str | list[tuple[str, datetime]],
    *,
    start: datetime = T0,
    title: str | None = None,
    value: str | None = None,
    currency: str | None = None,
    visibility: str = "workspace",
    **columns: Any,
) -> int:
    """One opportunity that went through `path`; closed when it ends in a won/lost stage."""
    steps = parse_path(path, start) if isinstance(path, str) else path
    outcomes = {i.id: i.outcome for i in pipeline.infos}
    last = pipeline.stage(steps[-1][0])
    now = datetime.now(UTC)
    opp = Opportunity(
        workspace_id=actor.workspace_id,
        owner_id=actor.user_id,
        visibility=visibility,
        created_at=now,
        updated_at=now,
        pipeline_id=pipeline.id,
        stage_id=last,
        title=title or f"deal {steps[0][1]:%Y%m%d%H%M%S%f}",
        value_e4=None if value is None else int(Decimal(value) * 10_000),
        currency=currency,
        source=columns.pop("source", "cold"),
        opened_at=steps[0][1],
        closed_at=steps[-1][1] if outcomes[last] is not None else None,
        **columns,
    )
    session.add(opp)
    session.flush()
    previous: int | None = None
    for name, at in steps:
        stage_id = pipeline.stage(name)
        session.add(
            OpportunityEvent(
                opportunity_id=opp.id,
                kind="stage",
                from_stage_id=previous,
                to_stage_id=stage_id,
                at=at,
            )
        )
        previous = stage_id
    session.flush()
    return opp.id


def random_paths(
    rng: random.Random, stages: list[tuple[str, float, str | None]], count: int, start: datetime
) -> list[list[tuple[str, datetime]]]:
    """Histories with skipped stages, backward moves, repeats, ties in time, and endings in
    won or lost stages or still open."""
    open_names = [n for n, _, o in stages if o is None]
    won = [n for n, _, o in stages if o == "won"]
    lost = [n for n, _, o in stages if o == "lost"]
    paths = []
    for _ in range(count):
        at = start + timedelta(
            seconds=rng.randrange(0, 90 * 86_400), microseconds=rng.randrange(10**6)
        )
        index = rng.randrange(0, min(2, len(open_names)))
        path = [(open_names[index], at)]
        for _ in range(rng.randrange(0, 7)):
            at += timedelta(seconds=rng.choice([0, 1, 3600, rng.randrange(1, 40 * 86_400)]),
                            microseconds=rng.randrange(10**6))  # fmt: skip
            roll = rng.random()
            if roll < 0.12:
                path.append((rng.choice(won), at))
                break
            if roll < 0.3:
                path.append((rng.choice(lost), at))
                break
            if roll < 0.45:
                index = max(0, index - rng.randrange(1, 3))  # backward
            else:
                index = min(len(open_names) - 1, index + rng.randrange(1, 3))  # maybe skipping
            path.append((open_names[index], at))
        paths.append(path)
    return paths


def facts_and_moves(
    session: Session, opportunity_ids: list[int]
) -> tuple[list[OpportunityFacts], list[StageMove]]:
    """The rows as the domain's reference functions take them, read back plainly."""
    opps = session.query(Opportunity).filter(Opportunity.id.in_(opportunity_ids)).all()
    events = (
        session.query(OpportunityEvent)
        .filter(OpportunityEvent.opportunity_id.in_(opportunity_ids))
        .all()
    )
    facts = [
        OpportunityFacts(o.id, o.stage_id, o.opened_at, o.closed_at, o.value_e4, o.currency)
        for o in opps
    ]
    moves = [
        StageMove(e.opportunity_id, e.id, e.to_stage_id, e.at)
        for e in events
        if e.kind == "stage" and e.to_stage_id is not None
    ]
    return facts, moves
