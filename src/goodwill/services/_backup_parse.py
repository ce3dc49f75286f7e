"""Reading a backup: JSON, format and version, the records, then their references.

Everything is checked before anything is written. Each failure is one ImportFailed
line naming the file, the record and the field:
``backup.json: contacts[3] (id 17): emails.0.email: value is not a valid email``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from goodwill.domain.text import fold
from goodwill.errors import ImportFailed
from goodwill.services._backup_format import (
    FORMAT,
    RECORD_LISTS,
    SUPPORTED_VERSIONS,
    BackupDocument,
)


def parse_backup(data: bytes, source: str) -> BackupDocument:
    """The validated document, or ImportFailed naming the first problem (and how many more)."""
    raw = _load_json(data, source)
    if not isinstance(raw, dict):
        raise ImportFailed(f"{source}: not a goodwill backup (the top level is not an object)")
    if raw.get("format") != FORMAT:
        found = raw.get("format")
        shown = "missing" if found is None else f"'{str(found)[:40]}'"
        raise ImportFailed(f"{source}: not a goodwill backup (format is {shown}, not '{FORMAT}')")
    version = raw.get("version")
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        supported = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        raise ImportFailed(
            f"{source}: backup format version {str(version)[:20]} is not supported; "
            f"this goodwill reads version {supported}"
        )
    try:
        document = BackupDocument.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        first = errors[0]
        extra = len(errors) - 1
        more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
        message = first["msg"][:1].lower() + first["msg"][1:]
        raise ImportFailed(_located(source, raw, first["loc"], message) + more) from None
    check_references(document, raw, source)
    return document


def _load_json(data: bytes, source: str) -> Any:
    if not data.strip():
        raise ImportFailed(f"{source}: the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.end >= len(data):
            raise ImportFailed(
                f"{source}: not valid UTF-8 at its end: the file may be truncated"
            ) from None
        raise ImportFailed(f"{source}: not UTF-8 text (byte {exc.start:,})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at_end = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        why = "the file may be truncated" if at_end else exc.msg[:1].lower() + exc.msg[1:]
        raise ImportFailed(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}): {why}"
        ) from None
    except RecursionError:
        raise ImportFailed(f"{source}: not a goodwill backup (nested too deeply)") from None


def _located(source: str, raw: Any, loc: Sequence[int | str], message: str) -> str:
    if not loc:
        return f"{source}: {message}"
    head, rest = str(loc[0]), list(loc[1:])
    where = head
    if head in RECORD_LISTS and rest and isinstance(rest[0], int):
        index = int(rest.pop(0))
        where = f"{head}[{index}]"
        record = _item(raw.get(head), index)
        record_id = record.get("id") if isinstance(record, dict) else None
        if isinstance(record_id, int) and not isinstance(record_id, bool):
            where += f" (id {record_id})"
    field = ".".join(str(part) for part in rest)
    return f"{source}: {where}: {field}: {message}" if field else f"{source}: {where}: {message}"


def _item(values: Any, index: int) -> Any:
    return values[index] if isinstance(values, list) and 0 <= index < len(values) else None


class _Checker:
    """Cross-record checks: unique ids, and every reference pointing at a record in the file."""

    def __init__(self, raw: Any, source: str) -> None:
        self.raw, self.source = raw, source

    def fail(self, kind: str, index: int, field: str, message: str) -> ImportFailed:
        loc: list[int | str] = [kind, index, *([field] if field else [])]
        return ImportFailed(_located(self.source, self.raw, loc, message))

    def ids(self, kind: str, records: Sequence[Any]) -> set[int]:
        return self.distinct(kind, records, "id", lambda r: r.id)

    def distinct(
        self, kind: str, records: Sequence[Any], field: str, key: Callable[[Any], Any]
    ) -> set[Any]:
        seen: set[Any] = set()
        for index, record in enumerate(records):
            value = key(record)
            if value in seen:
                raise self.fail(kind, index, field, f"another of the {kind} has {field} {value}")
            seen.add(value)
        return seen

    def refs(
        self, kind: str, index: int, field: str, value: int | None, known: set[int], what: str
    ) -> None:
        if value is not None and value not in known:
            raise self.fail(kind, index, field, f"{what} {value} is not in the backup's {what}s")

    def unique(self, kind: str, index: int, field: str, values: Iterable[Any]) -> None:
        seen: set[Any] = set()
        for position, value in enumerate(values):
            if value in seen:
                raise self.fail(kind, index, f"{field}.{position}", f"'{value}' is listed twice")
            seen.add(value)


def check_references(doc: BackupDocument, raw: Any, source: str) -> None:
    """What one record cannot check alone; raises ImportFailed at the first problem."""
    c = _Checker(raw, source)
    users = c.ids("users", doc.users)
    c.distinct("users", doc.users, "email", lambda u: u.email)
    members = {u.email for u in doc.users if u.role is not None}
    if doc.exported_by not in members:
        shown = doc.exported_by[:320]
        raise ImportFailed(f"{source}: exported_by: {shown} is not a member among the users")
    if not any(u.role == "owner" for u in doc.users):
        raise ImportFailed(f"{source}: users: none has the role owner; a workspace needs one")
    contacts = c.ids("contacts", doc.contacts)
    organizations = c.ids("organizations", doc.organizations)
    asks = c.ids("asks", doc.asks)
    tasks = c.ids("tasks", doc.tasks)
    ledger = c.ids("ledger", doc.ledger)
    items = c.ids("needs_offers", doc.needs_offers)
    kinds = (
        "positions", "interactions", "notes", "tasks", "ledger", "relations", "suppressions",
        "discovery", "introductions", "pipelines",
    )  # fmt: skip
    for kind in kinds:
        c.ids(kind, getattr(doc, kind))
    c.distinct("suppressions", doc.suppressions, "key_hash", lambda s: s.key_hash)
    owned = (
        "contacts", "organizations", "interactions", "notes", "tasks", "ledger", "asks",
        "discovery", "introductions", "needs_offers", "pipelines", "opportunities",
    )  # fmt: skip
    for kind in (*owned, "relations"):
        for index, record in enumerate(getattr(doc, kind)):
            c.refs(kind, index, "owner_id", record.owner_id, users, "user")
    for i, contact in enumerate(doc.contacts):
        if not (contact.first_name or contact.last_name):
            raise c.fail("contacts", i, "first_name", "a contact needs a first or last name")
        expected = " ".join(p for p in (contact.first_name, contact.last_name) if p)
        if contact.display_name != expected:
            raise c.fail(
                "contacts", i, "display_name", f"does not match the names (expected '{expected}')"
            )
        if contact.cadence_days is not None and contact.tier is None:
            raise c.fail("contacts", i, "cadence_days", "a contact without a tier has no cadence")
        c.unique("contacts", i, "emails", (e.email for e in contact.emails))
        c.unique("contacts", i, "phones", (p.e164 for p in contact.phones))
        c.unique("contacts", i, "tags", (fold(t) for t in contact.tags))
    for i, org in enumerate(doc.organizations):
        c.unique("organizations", i, "tags", (fold(t) for t in org.tags))
    for i, position in enumerate(doc.positions):
        c.refs("positions", i, "contact_id", position.contact_id, contacts, "contact")
        c.refs(
            "positions",
            i,
            "organization_id",
            position.organization_id,
            organizations,
            "organization",
        )
    for i, interaction in enumerate(doc.interactions):
        c.unique("interactions", i, "participants", interaction.participants)
        for p, contact_id in enumerate(interaction.participants):
            c.refs("interactions", i, f"participants.{p}", contact_id, contacts, "contact")
    for i, note in enumerate(doc.notes):
        if (note.contact_id is None) == (note.organization_id is None):
            raise c.fail("notes", i, "", "a note is about exactly one contact or organization")
        c.refs("notes", i, "contact_id", note.contact_id, contacts, "contact")
        c.refs("notes", i, "organization_id", note.organization_id, organizations, "organization")
    for i, answer in enumerate(doc.discovery):
        if (answer.contact_id is None) == (answer.organization_id is None):
            raise c.fail(
                "discovery", i, "", "an answer is about exactly one contact or organization"
            )
        c.refs("discovery", i, "contact_id", answer.contact_id, contacts, "contact")
        c.refs(
            "discovery", i, "organization_id", answer.organization_id, organizations,
            "organization",
        )  # fmt: skip
    for i, intro in enumerate(doc.introductions):
        c.refs("introductions", i, "requester_id", intro.requester_id, contacts, "contact")
        c.refs("introductions", i, "target_id", intro.target_id, contacts, "contact")
        if intro.requester_id == intro.target_id:
            raise c.fail("introductions", i, "target_id", "an introduction needs two people")
        c.refs("introductions", i, "ledger_entry_id", intro.ledger_entry_id, ledger, "ledger")
        c.refs("introductions", i, "follow_up_task_id", intro.follow_up_task_id, tasks, "task")
        c.refs("introductions", i, "need_id", intro.need_id, items, "needs_offer")
        c.refs("introductions", i, "offer_id", intro.offer_id, items, "needs_offer")
    for i, item in enumerate(doc.needs_offers):
        c.refs("needs_offers", i, "contact_id", item.contact_id, contacts, "contact")
    c.distinct(
        "dismissals", doc.dismissals, "suggestion_key", lambda d: (d.owner_id, d.suggestion_key)
    )
    for i, dismissal in enumerate(doc.dismissals):
        c.refs("dismissals", i, "owner_id", dismissal.owner_id, users, "user")
    c.distinct("templates", doc.templates, "name", lambda t: (t.owner_id, t.name))
    _check_pipelines(c, doc, contacts, organizations, ledger, tasks, users)
    for i, template in enumerate(doc.templates):
        c.refs("templates", i, "owner_id", template.owner_id, users, "user")
    for i, task in enumerate(doc.tasks):
        c.refs("tasks", i, "contact_id", task.contact_id, contacts, "contact")
        c.refs("tasks", i, "ask_id", task.ask_id, asks, "ask")
    for i, entry in enumerate(doc.ledger):
        c.refs("ledger", i, "counterpart_id", entry.counterpart_id, contacts, "contact")
        c.refs("ledger", i, "related_contact_id", entry.related_contact_id, contacts, "contact")
        c.refs("ledger", i, "ask_id", entry.ask_id, asks, "ask")
    for i, ask in enumerate(doc.asks):
        c.refs("asks", i, "contact_id", ask.contact_id, contacts, "contact")
        c.refs("asks", i, "target_contact_id", ask.target_contact_id, contacts, "contact")
    c.distinct(
        "relations", doc.relations, "contact_b_id",
        lambda r: (r.owner_id, r.contact_a_id, r.contact_b_id),
    )  # fmt: skip
    for i, relation in enumerate(doc.relations):
        c.refs("relations", i, "contact_a_id", relation.contact_a_id, contacts, "contact")
        c.refs("relations", i, "contact_b_id", relation.contact_b_id, contacts, "contact")
        if relation.contact_a_id >= relation.contact_b_id:
            raise c.fail(
                "relations", i, "contact_b_id", "must be greater than contact_a_id (a pair once)"
            )


def _check_pipelines(
    c: _Checker,
    doc: BackupDocument,
    contacts: set[int],
    organizations: set[int],
    ledger: set[int],
    tasks: set[int],
    users: set[int],
) -> None:
    """Stages belong to their pipeline; opportunities name a stage of theirs; links resolve."""
    stage_of: dict[int, int] = {}  # stage id -> pipeline id
    for i, pipeline in enumerate(doc.pipelines):
        c.distinct(f"pipelines.{i}.stages", pipeline.stages, "position", lambda s: s.position)
        c.distinct(f"pipelines.{i}.stages", pipeline.stages, "name", lambda s: fold(s.name))
        for n, stage in enumerate(pipeline.stages):
            if stage.id in stage_of:
                raise c.fail("pipelines", i, f"stages.{n}.id", f"stage {stage.id} is listed twice")
            stage_of[stage.id] = pipeline.id
    c.distinct("pipelines", doc.pipelines, "name", lambda p: (p.owner_id, fold(p.name)))
    c.ids("opportunities", doc.opportunities)
    intros = {i.id for i in doc.introductions}
    interactions = {i.id for i in doc.interactions}
    for i, opp in enumerate(doc.opportunities):
        if stage_of.get(opp.stage_id) != opp.pipeline_id:
            raise c.fail(
                "opportunities",
                i,
                "stage_id",
                f"stage {opp.stage_id} is not a stage of its pipeline",
            )
        c.refs("opportunities", i, "contact_id", opp.contact_id, contacts, "contact")
        c.refs("opportunities", i, "organization_id", opp.organization_id, organizations,
               "organization")  # fmt: skip
        c.refs("opportunities", i, "source_contact_id", opp.source_contact_id, contacts, "contact")
        c.refs("opportunities", i, "source_ledger_id", opp.source_ledger_id, ledger, "ledger")
        c.refs("opportunities", i, "introduction_id", opp.introduction_id, intros,
               "introduction")  # fmt: skip
        c.refs("opportunities", i, "next_task_id", opp.next_task_id, tasks, "task")
        for n, event in enumerate(opp.events):
            for field in ("from_stage_id", "to_stage_id"):
                value = getattr(event, field)
                if value is not None and stage_of.get(value) != opp.pipeline_id:
                    raise c.fail(
                        "opportunities", i, f"events.{n}.{field}",
                        f"stage {value} is not a stage of its pipeline",
                    )  # fmt: skip
        for n, interview in enumerate(opp.rounds):
            c.refs("opportunities", i, f"rounds.{n}.interaction_id", interview.interaction_id,
                   interactions, "interaction")  # fmt: skip
    c.distinct("goals", doc.goals, "metric", lambda g: (g.owner_id, g.metric))
    for i, goal in enumerate(doc.goals):
        c.refs("goals", i, "owner_id", goal.owner_id, users, "user")
