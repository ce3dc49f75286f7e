"""`goodwill import undo`: take back what one import did, and nothing the user has
built on it since.

The import's change log names the rows it created and the fields it changed. Undo
works table by table in SQL, each statement naming the import's rows through a
subquery on the log, so a 100k-contact import undoes in a few dozen statements:

1. Rows it created are deleted, dependents first. A contact it created stays when
   the user has since hung something on it (a note, interaction, ledger entry, ask,
   task or position the import did not create) or merged another contact into it;
   the import's own rows on a kept contact still go (its note from the file too:
   written in the same instant as the contact and never edited since).
2. Organizations it created go when nothing refers to them any more.
3. Fields it changed go back where they still hold what it wrote (a value changed
   since is the user's). Several changes of one field collapse to the first old
   value and the last new one: what reverting them newest first gives.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    Table,
    bindparam,
    case,
    delete,
    exists,
    func,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from goodwill.domain.people import contact_search_key, person_name
from goodwill.domain.text import fold
from goodwill.errors import Conflict, NotFound, ValidationFailed
from goodwill.services._import_summary import ImportSummary, UndoReport, summary_of
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import Base, Import, ImportChange
from goodwill.storage.unit_of_work import UnitOfWork

CHUNK = 5_000  # ids per IN list: under every database's bound-parameter limit
TABLES = Base.metadata.tables

# What keeps a contact the import created: rows of these tables on it that the
# import did not create. (reason, table, the row's own id, its contact columns)
HOLDS = (
    ("notes", "notes", "id", ("contact_id",)),
    ("interactions", "interaction_participants", "interaction_id", ("contact_id",)),
    ("positions", "positions", "id", ("contact_id",)),
    ("tasks", "tasks", "id", ("contact_id",)),
    ("ledger_entries", "ledger_entries", "id", ("counterpart_id", "related_contact_id")),
    ("asks", "asks", "id", ("contact_id", "target_contact_id")),
)
# Rows that go with a removed contact (by cascade) without being logged one by one,
# counted for the report.
CARRIED = ("contact_emails", "contact_phones", "contact_links")
# Rows an import creates in bulk without a change-log row each: they carry its id.
MARKED = ("interactions", "tasks")
NAME_FIELDS = frozenset({"first_name", "last_name", "nickname"})

Updates = dict[tuple[str, str], dict[int, tuple[Any, Any, int | None]]]


def undo(actor: Actor, uow: UnitOfWork, import_id: int) -> ImportSummary:
    """Remove what an import created and revert what it changed, keeping whatever
    the user has built on it since; the summary carries an UndoReport."""
    with uow.write() as session:
        # Locked: a second undo of the same run waits, then finds it undone.
        run = session.get(Import, import_id, with_for_update=True)
        if run is None or run.owner_id != actor.user_id or run.workspace_id != actor.workspace_id:
            raise NotFound(f"no import #{import_id}")
        if run.status == "undone":
            raise Conflict(f"import #{import_id} is already undone")
        report = _Undo(session, run.id).run()
        run.status, run.finished_at = "undone", utcnow()
        return summary_of(run, report)


class _Undo:
    def __init__(self, session: Session, run_id: int) -> None:
        self.session, self.run_id = session, run_id
        self.removed: Counter[str] = Counter()
        self.touched: set[int] = set()  # contacts whose touches and anchors to rebuild

    def logged(self, entity: str) -> Select[tuple[int]]:
        """The ids of the rows of `entity` this import created (a subquery)."""
        if entity in MARKED:
            table = TABLES[entity]
            return select(table.c.id).where(table.c.import_id == self.run_id)
        log = ImportChange.__table__
        return select(log.c.entity_id).where(
            log.c.import_id == self.run_id, log.c.entity == entity, log.c.action == "created"
        )

    def run(self) -> UndoReport:
        contacts = TABLES["contacts"]
        ours = self.logged("contacts")
        logged = self._count(select(func.count()).select_from(ours.subquery()))
        there = self._count(select(func.count()).where(contacts.c.id.in_(ours)))
        self._delete_own_notes()
        holds = self._holds()
        because = self._because(holds)
        participants = TABLES["interaction_participants"]
        self.touched.update(because)
        self.touched.update(self.session.scalars(
            select(participants.c.contact_id).distinct().where(
                participants.c.interaction_id.in_(self.logged("interactions")),
                participants.c.contact_id.not_in(ours),
            )
        ))  # fmt: skip
        entities = set(self.session.scalars(select(ImportChange.entity).distinct().where(
            ImportChange.import_id == self.run_id, ImportChange.action == "created")))  # fmt: skip
        entities.update(MARKED)
        for table in reversed(Base.metadata.sorted_tables):  # dependents first
            if table.name in entities and table.name not in ("contacts", "organizations"):
                self._delete(table, table.c.id.in_(self.logged(table.name)))
        carried = {name: self._carried(name) for name in CARRIED}
        self._delete(contacts, contacts.c.id.in_(ours), ~or_(*holds.values()))
        for name, before in carried.items():
            self.removed[name] += before - self._carried(name)
        kept_orgs = self._delete_unused_organizations()
        reverted, left = self._revert(self._read_updates())
        self._forget_provenance()
        # Contacts still here no longer hold what their source said: a re-import must
        # compare again, not skip them as unchanged.
        keys = TABLES["import_keys"]
        self.session.execute(
            update(keys)
            .where(keys.c.contact_id.in_(
                select(ImportChange.contact_id).where(ImportChange.import_id == self.run_id)
            ))
            .values(content_hash=None)
        )  # fmt: skip
        self.session.execute(delete(ImportChange).where(ImportChange.import_id == self.run_id))
        rebuild_touches(self.session, self.touched)
        reasons: Counter[str] = Counter(r for rs in because.values() for r in rs)
        return UndoReport(
            removed=dict(sorted((k, v) for k, v in self.removed.items() if v)),
            reverted=reverted,
            left_changed=left,
            kept_contacts=len(because),
            kept_because=dict(sorted(reasons.items())),
            kept_contact_ids=sorted(because),
            kept_organizations=kept_orgs,
            gone_contacts=logged - there,
        )

    def _count(self, stmt: Select[Any]) -> int:
        return int(self.session.scalar(stmt) or 0)

    def _delete(self, table: Table, *where: ColumnElement[bool]) -> None:
        result = self.session.execute(delete(table).where(*where))
        self.removed[table.name] += cast(CursorResult[Any], result).rowcount

    # -- what stays -------------------------------------------------------------

    def _delete_own_notes(self) -> None:
        """The import's notes on the contacts it created: written in the same instant as
        the contact and never edited since. They go even when their contact stays."""
        notes, contacts = TABLES["notes"], TABLES["contacts"]
        born = (
            select(contacts.c.created_at)
            .where(contacts.c.id == notes.c.contact_id)
            .scalar_subquery()
        )
        self._delete(
            notes,
            notes.c.contact_id.in_(self.logged("contacts")),
            notes.c.created_at == born,
            notes.c.updated_at == notes.c.created_at,
        )

    def _holds(self) -> dict[str, ColumnElement[bool]]:
        """Per reason, whether a contact holds something this import did not create (a
        condition on contacts.id): such a contact stays."""
        contact_id = TABLES["contacts"].c.id
        holds: dict[str, ColumnElement[bool]] = {}
        for reason, name, id_column, columns in HOLDS:
            table = TABLES[name]
            own = self.logged(reason)  # the reason is the table of the row's own id
            for column in columns:
                found = exists().where(
                    table.c[column] == contact_id, table.c[id_column].not_in(own)
                )
                holds[reason] = found if reason not in holds else or_(holds[reason], found)
        merges = TABLES["merges"]
        # Merging two contacts of this import into one keeps nothing of the user's.
        holds["merges"] = exists().where(
            merges.c.kept_contact_id == contact_id,
            merges.c.merged_contact_id.not_in(self.logged("contacts")),
        )
        return holds

    def _because(self, holds: dict[str, ColumnElement[bool]]) -> dict[int, set[str]]:
        """Why each created contact that stays, stays."""
        contacts = TABLES["contacts"]
        reasons = list(holds)
        rows = self.session.execute(
            select(contacts.c.id, *(case((holds[r], 1), else_=0) for r in reasons)).where(
                contacts.c.id.in_(self.logged("contacts")), or_(*holds.values())
            )
        )
        return {cid: {r for r, hit in zip(reasons, hits, strict=True) if hit}
                for cid, *hits in rows}  # fmt: skip

    def _carried(self, name: str) -> int:
        """Rows of `name` on the contacts this import created (some go with them)."""
        table = TABLES[name]
        return self._count(
            select(func.count())
            .select_from(table)
            .where(table.c.contact_id.in_(self.logged("contacts")))
        )

    def _delete_unused_organizations(self) -> int:
        """Delete the created organizations nothing refers to; how many stay."""
        organizations = TABLES["organizations"]
        ours = self.logged("organizations")
        used = [
            exists().where(fk.parent == organizations.c.id)
            for table in Base.metadata.sorted_tables
            for fk in table.foreign_keys
            if fk.column.table is organizations
        ]
        self._delete(organizations, organizations.c.id.in_(ours), ~or_(*used))
        return self._count(select(func.count()).where(organizations.c.id.in_(ours)))

    # -- reverting --------------------------------------------------------------

    def _read_updates(self) -> Updates:
        """Per (table, field), per row: (value before the import, value it wrote, contact)."""
        updates: Updates = defaultdict(dict)
        rows = self.session.execute(
            select(ImportChange.entity, ImportChange.entity_id, ImportChange.contact_id,
                   ImportChange.field, ImportChange.old_value, ImportChange.new_value)
            .where(ImportChange.import_id == self.run_id, ImportChange.action == "updated",
                   ImportChange.field.is_not(None))
            .order_by(ImportChange.id)
        )  # fmt: skip
        for entity, row_id, contact_id, field, old, new in rows:
            table = TABLES.get(entity)
            if table is None or "id" not in table.c or field not in table.c:
                continue  # nothing this version knows how to put back
            first = updates[(entity, field)].get(row_id)
            # Oldest first: the first old value is what the field held before.
            before = old if first is None else first[0]
            updates[(entity, field)][row_id] = (before, new, contact_id)
        return updates

    def _revert(self, updates: Updates) -> tuple[int, int]:
        """Fields put back, and fields left because they hold a value changed since.
        Runs after the deletes: rows gone with the import are neither."""
        reverted = left = 0
        renamed: set[int] = set()
        for (entity, field), rows in updates.items():
            table = TABLES[entity]
            column = table.c[field]
            for chunk in _chunks(sorted(rows)):
                stmt = select(table.c.id, column).where(table.c.id.in_(chunk))
                now: dict[int, Any] = dict(self.session.execute(stmt).all())
                back, to_null = [], []
                for row_id, current in now.items():
                    old, new, contact_id = rows[row_id]
                    if _json(current) != new:
                        left += 1
                        continue
                    if old is None:
                        to_null.append(row_id)
                    else:
                        back.append({"undo_id": row_id, "undo_value": _typed(column, old)})
                    if entity == "contacts":
                        if field in NAME_FIELDS:
                            renamed.add(row_id)
                        self.touched.add(row_id)  # met_on moves the cadence anchor
                    elif contact_id is not None:
                        self.touched.add(contact_id)
                if back:
                    self.session.execute(
                        update(table)
                        .where(table.c.id == bindparam("undo_id"))
                        .values({field: bindparam("undo_value")}),
                        back,
                    )
                if to_null:
                    # null(): a JSON column's None would be stored as JSON 'null'.
                    self.session.execute(
                        update(table).where(table.c.id.in_(to_null)).values({field: null()})
                    )
                reverted += len(back) + len(to_null)
        self._rename(sorted(renamed))
        return reverted, left

    def _rename(self, ids: Sequence[int]) -> None:
        """Display name and search keys follow the names put back."""
        contacts, emails = TABLES["contacts"], TABLES["contact_emails"]
        for chunk in _chunks(ids):
            addresses: dict[int, list[str]] = defaultdict(list)
            for cid, email in self.session.execute(
                select(emails.c.contact_id, emails.c.email)
                .where(emails.c.contact_id.in_(chunk))
                .order_by(emails.c.contact_id, emails.c.position, emails.c.id)
            ):
                addresses[cid].append(email)
            values = []
            for cid, first, last, nickname in self.session.execute(
                select(contacts.c.id, contacts.c.first_name, contacts.c.last_name,
                       contacts.c.nickname).where(contacts.c.id.in_(chunk))
            ):  # fmt: skip
                try:
                    first, last, display = person_name(first, last)
                except ValidationFailed:
                    continue  # no name left: keep the display name it had
                values.append({
                    "undo_id": cid, "undo_display": display,
                    "undo_search": contact_search_key(display, nickname, addresses[cid]),
                    "undo_sort": fold(" ".join(p for p in (last, first) if p)),
                })  # fmt: skip
            if values:
                self.session.execute(
                    update(contacts)
                    .where(contacts.c.id == bindparam("undo_id"))
                    .values(display_name=bindparam("undo_display"),
                            search_key=bindparam("undo_search"),
                            sort_key=bindparam("undo_sort"), updated_at=utcnow()),
                    values,
                )  # fmt: skip

    def _forget_provenance(self) -> None:
        """The import's provenance of what was taken back: a field it changed no longer
        holds what it wrote (or is the user's), and the positions it recorded are gone."""
        table, log = TABLES["field_provenance"], ImportChange.__table__
        changed = exists().where(
            log.c.import_id == self.run_id, log.c.action == "updated",
            log.c.entity == "contacts", log.c.entity_id == table.c.contact_id,
            log.c.field == table.c.field,
        )  # fmt: skip
        self.session.execute(
            delete(table).where(
                table.c.import_id == self.run_id,
                or_(table.c.field == "current_position", changed),
            )
        )


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _json(value: Any) -> Any:
    """A value as the change log holds it (dates as ISO strings)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _typed(column: Any, value: Any) -> Any:
    """Undo values come back from JSON: dates as ISO strings."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if isinstance(value, str) and kind is date:
        return date.fromisoformat(value)
    if isinstance(value, str) and kind is datetime:
        return datetime.fromisoformat(value)
    return value
