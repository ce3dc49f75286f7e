"""`goodwill import undo`: take back exactly what one import did."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select, update

from goodwill.errors import Conflict, NotFound
from goodwill.services._import_summary import ImportSummary, summary_of
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import Base, Import, ImportChange, InteractionParticipant
from goodwill.storage.unit_of_work import UnitOfWork


def undo(actor: Actor, uow: UnitOfWork, import_id: int) -> ImportSummary:
    """Remove exactly what an import created and revert what it changed (unless the
    value has been changed since, which is the user's)."""
    with uow.write() as session:
        run = session.get(Import, import_id)
        if run is None or run.owner_id != actor.user_id or run.workspace_id != actor.workspace_id:
            raise NotFound(f"no import #{import_id}")
        if run.status == "undone":
            raise Conflict(f"import #{import_id} is already undone")
        changes = session.scalars(
            select(ImportChange).where(ImportChange.import_id == run.id)
            .order_by(ImportChange.id.desc())
        ).all()  # fmt: skip
        touched: set[int] = set()
        for change in changes:
            table = Base.metadata.tables[change.entity]
            if change.action == "created":
                if change.entity == "interactions":
                    participants = select(InteractionParticipant.contact_id).where(
                        InteractionParticipant.interaction_id == change.entity_id
                    )
                    touched.update(session.scalars(participants))
                session.execute(delete(table).where(table.c.id == change.entity_id))
            elif change.field is not None:
                column = table.c[change.field]
                session.execute(
                    update(table)
                    .where(table.c.id == change.entity_id,
                           column == _typed(column, change.new_value))
                    .values({change.field: _typed(column, change.old_value)})
                )  # fmt: skip
            if change.contact_id is not None and change.entity != "contacts":
                touched.add(change.contact_id)
        session.execute(delete(ImportChange).where(ImportChange.import_id == run.id))
        run.status, run.finished_at = "undone", utcnow()
        existing = set(session.scalars(
            select(Base.metadata.tables["contacts"].c.id).where(
                Base.metadata.tables["contacts"].c.id.in_(touched))))  # fmt: skip
        rebuild_touches(session, existing)
        return summary_of(run)


def _typed(column: Any, value: Any) -> Any:
    """Undo values come back from JSON: dates as ISO strings."""
    try:
        is_date = column.type.python_type is date
    except NotImplementedError:
        is_date = False
    if is_date and isinstance(value, str):
        return date.fromisoformat(value)
    return value
