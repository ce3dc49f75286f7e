"""`goodwill demo`: fill an empty database with a realistic, seeded network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.demo.generator import NetworkRows, Owner, StartIds, generate_network
from goodwill.demo.pipelines import PipelineRows, PipelineStartIds, generate_pipelines
from goodwill.domain.goals import GoalMetric
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import _common as common
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.bulk import (
    analyze,
    deferred_indexes,
    insert_rows,
    next_id,
    sync_sequences,
)
from goodwill.storage.schema import (
    ActivityGoal,
    Contact,
    ContactEmail,
    Organization,
    Pipeline,
    Tag,
    Workspace,
)
from goodwill.storage.unit_of_work import UnitOfWork

MAX_DEMO_CONTACTS = 100_000
# The demo user's weekly activity goals, so `goodwill report goals` has targets.
WEEKLY_GOALS = {
    GoalMetric.TOUCHES: 15,
    GoalMetric.NETWORKING: 10,
    GoalMetric.APPLICATIONS: 3,
    GoalMetric.GIVES: 3,
    GoalMetric.ASKS: 1,
}


@dataclass(frozen=True)
class DemoSummary:
    organizations: int
    contacts: int
    interactions: int
    tasks: int
    notes: int
    ledger_entries: int = 0
    asks: int = 0
    pipelines: int = 0
    opportunities: int = 0
    goals: int = 0


def _reporter(
    progress: Callable[[str, int, int], None] | None, table: str, total: int
) -> Callable[[int], None] | None:
    if progress is None:
        return None
    report = progress
    return lambda done: report(table, done, total)


def build_demo(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contacts: int = 150,
    seed: int = 1,
    force: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoSummary:
    """Create a demo network owned by the actor; refuses a non-empty database unless forced."""
    if not 1 <= contacts <= MAX_DEMO_CONTACTS:
        raise ValidationFailed("contacts", f"must be between 1 and {MAX_DEMO_CONTACTS:,}")
    with uow.write() as session:
        existing = (
            session.scalar(
                select(func.count())
                .select_from(Contact)
                .where(Contact.workspace_id == actor.workspace_id)
            )
            or 0
        )
        if existing and not force:
            raise Conflict(
                # No count: a teammate must not learn how many private contacts exist.
                "the database already holds contacts; pass --force to add demo data beside them"
            )
        workspace = session.get_one(Workspace, actor.workspace_id)
        taken_emails: set[str] = set()
        taken_organizations: set[str] = set()
        if existing:
            # Beside existing data: an email or organization name must still name one record.
            taken_emails = set(
                session.scalars(
                    select(ContactEmail.email)
                    .join(Contact, Contact.id == ContactEmail.contact_id)
                    .where(Contact.workspace_id == actor.workspace_id)
                )
            )
            taken_organizations = set(
                session.scalars(
                    select(Organization.name_key).where(
                        Organization.workspace_id == actor.workspace_id
                    )
                )
            )
        now = utcnow()
        owner = Owner(
            actor.workspace_id, actor.user_id, workspace.default_visibility, actor.timezone,
            common.cadence_defaults_for(session, actor, lock=True),
        )  # fmt: skip
        rows = generate_network(
            contacts,
            seed,
            now,
            owner,
            StartIds(
                organization=next_id(session, "organizations"),
                contact=next_id(session, "contacts"),
                interaction=next_id(session, "interactions"),
                tag=next_id(session, "tags"),
                ask=next_id(session, "asks"),
            ),
            taken_emails=taken_emails,
            taken_organizations=taken_organizations,
        )
        known = dict(
            session.execute(
                select(Tag.key, Tag.id).where(Tag.workspace_id == actor.workspace_id)
            ).all()
        )
        remap = {t["id"]: known[t["key"]] for t in rows.tags if t["key"] in known}
        rows.tags = [t for t in rows.tags if t["key"] not in known]
        for link in rows.contact_tags:
            link["tag_id"] = remap.get(link["tag_id"], link["tag_id"])
        deals = _pipelines(session, actor, rows, seed, now, owner)
        goals = _goals(session, actor, now)
        plan = [
            ("organizations", rows.organizations),
            ("tags", rows.tags),
            ("contacts", rows.contacts),
            ("contact_emails", rows.emails),
            ("contact_phones", rows.phones),
            ("positions", rows.positions),
            ("contact_tags", rows.contact_tags),
            ("interactions", rows.interactions + deals.interactions),
            ("interaction_participants", rows.participants + deals.participants),
            ("notes", rows.notes),
            ("asks", rows.asks),
            ("tasks", rows.tasks + deals.tasks),
            ("ledger_entries", rows.ledger + deals.ledger),
            ("pipelines", deals.pipelines),
            ("pipeline_stages", deals.stages),
            ("opportunities", deals.opportunities),
            ("opportunity_events", deals.events),
            ("red_flags", deals.red_flags),
            ("interview_rounds", deals.rounds),
            ("activity_goals", goals),
        ]
        # Into an empty database, building each index once after the load is faster
        # than keeping it up row by row.
        empty = next_id(session, "contacts") == 1 and next_id(session, "interactions") == 1
        tables = [name for name, _ in plan]
        with deferred_indexes(session, tables if empty else []):
            for name, table_rows in plan:
                insert_rows(session, name, table_rows, _reporter(progress, name, len(table_rows)))
        sync_sequences(session, [*IDS_GIVEN, "tasks", "ledger_entries", *PIPELINE_IDS])
        rebuild_touches(session)
        analyze(session, [*tables, "contact_touches"])
        return DemoSummary(
            organizations=len(rows.organizations),
            contacts=len(rows.contacts),
            interactions=len(rows.interactions) + len(deals.interactions),
            tasks=len(rows.tasks) + len(deals.tasks),
            notes=len(rows.notes),
            ledger_entries=len(rows.ledger) + len(deals.ledger),
            asks=len(rows.asks),
            pipelines=len(deals.pipelines),
            opportunities=len(deals.opportunities),
            goals=len(goals),
        )


IDS_GIVEN = ["organizations", "tags", "contacts", "interactions", "asks"]
PIPELINE_IDS = ["pipelines", "pipeline_stages", "opportunities"]


def _goals(session: Session, actor: Actor, now: datetime) -> list[dict[str, object]]:
    """The demo's weekly goals; beside existing data, a target the user set stays theirs."""
    taken = set(
        session.scalars(select(ActivityGoal.metric).where(ActivityGoal.owner_id == actor.user_id))
    )
    return [
        {
            "workspace_id": actor.workspace_id,
            "owner_id": actor.user_id,
            "metric": metric.value,
            "weekly_target": target,
            "created_at": now,
            "updated_at": now,
        }
        for metric, target in WEEKLY_GOALS.items()
        if metric.value not in taken
    ]


def _pipelines(
    session: Session, actor: Actor, rows: NetworkRows, seed: int, now: datetime, owner: Owner
) -> PipelineRows:
    """A sales pipeline and a job search over the new network. Their next steps, ledger
    entries and interview meetings reference ids, so the network's tasks and ledger
    entries get theirs here too, and the deals' follow them."""
    tasks, entries = next_id(session, "tasks"), next_id(session, "ledger_entries")
    for offset, row in enumerate(rows.tasks):
        row["id"] = tasks + offset
    for offset, row in enumerate(rows.ledger):
        row["id"] = entries + offset
    base = {
        "workspace_id": owner.workspace_id,
        "owner_id": owner.user_id,
        "visibility": owner.visibility,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
    }
    taken = session.scalars(select(Pipeline.name_key).where(Pipeline.owner_id == actor.user_id))
    return generate_pipelines(
        rows.contacts,
        rows.positions,
        rows.organizations,
        seed,
        now,
        base,
        owner.timezone,
        PipelineStartIds(
            pipeline=next_id(session, "pipelines"),
            stage=next_id(session, "pipeline_stages"),
            opportunity=next_id(session, "opportunities"),
            # The network's interactions took the ids from its start, in order.
            interaction=rows.interactions[-1]["id"] + 1
            if rows.interactions
            else next_id(session, "interactions"),
            ledger=entries + len(rows.ledger),
            task=tasks + len(rows.tasks),
        ),
        taken_names=set(taken),
        ledger=rows.ledger,
    )
