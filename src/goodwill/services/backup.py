"""Backup and restore: everything the acting user may see as one JSON document, and back.

The document has no export timestamp and every list has a fixed order, so
export → restore → export gives the same bytes, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import enum
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from goodwill.domain.people import contact_search_key, parse_cadence_defaults, resolve_cadence
from goodwill.domain.text import fold
from goodwill.errors import Conflict
from goodwill.services._backup_export import collect_document
from goodwill.services._backup_format import NESTED, BackupDocument
from goodwill.services._backup_parse import parse_backup
from goodwill.services._import_contacts import url_key
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.bulk import analyze, deferred_indexes, insert_rows, sync_sequences
from goodwill.storage.schema import Base, Membership, User, Workspace
from goodwill.storage.unit_of_work import UnitOfWork

ACCOUNT_TABLES = frozenset({"users", "workspaces", "memberships"})
# Bookkeeping, and totals and logs the database's triggers keep from the data: never
# backed up, never restored (a restore's inserts rebuild the totals and write the log).
SCHEMA_TABLES = frozenset(
    {"table_versions", "ledger_month_totals", "ledger_counterpart_totals", "opportunity_changes"}
)
RESTORED_WORKSPACE_ID = 1


@dataclass(frozen=True)
class RestoreSummary:
    users: int
    contacts: int
    organizations: int
    positions: int
    interactions: int
    notes: int
    tasks: int
    ledger: int
    asks: int
    suppressions: int
    relations: int = 0
    discovery: int = 0
    introductions: int = 0
    templates: int = 0
    needs_offers: int = 0
    pipelines: int = 0
    opportunities: int = 0


def export_backup(actor: Actor, uow: UnitOfWork) -> bytes:
    """Everything the actor may see (the trash included) as one JSON document."""
    with uow.read() as session:
        document = collect_document(session, actor)
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2)
    return (text + "\n").encode("utf-8")


def restore_backup(uow: UnitOfWork, data: bytes, source: str = "backup.json") -> RestoreSummary:
    """Load a backup into an empty database, ids kept; checks it all before writing anything.

    A database holding only accounts (the local owner the CLI creates on first use)
    counts as empty: its users, workspace and memberships give way to the backup's.
    """
    document = parse_backup(data, source)
    plan = _restore_plan(document)
    with uow.write() as session:
        _require_empty(session)
        for model in (Membership, User, Workspace):
            session.execute(delete(model))
        tables = [table_name for table_name, _ in plan]
        with deferred_indexes(session, tables):  # the database is empty: index once, after
            for table_name, rows in plan:
                insert_rows(session, table_name, rows)
        sync_sequences(session, [t.name for t in Base.metadata.sorted_tables if "id" in t.columns])
        rebuild_touches(session)
        analyze(session, [*tables, "contact_touches"])
    return RestoreSummary(
        users=len(document.users),
        contacts=len(document.contacts),
        organizations=len(document.organizations),
        positions=len(document.positions),
        interactions=len(document.interactions),
        notes=len(document.notes),
        tasks=len(document.tasks),
        ledger=len(document.ledger),
        asks=len(document.asks),
        suppressions=len(document.suppressions),
        relations=len(document.relations),
        discovery=len(document.discovery),
        introductions=len(document.introductions),
        templates=len(document.templates),
        needs_offers=len(document.needs_offers),
        pipelines=len(document.pipelines),
        opportunities=len(document.opportunities),
    )


def _require_empty(session: Session) -> None:
    held = []
    for table in Base.metadata.sorted_tables:
        if table.name in ACCOUNT_TABLES | SCHEMA_TABLES:
            continue
        count = session.scalar(select(func.count()).select_from(table)) or 0
        if count:
            held.append(f"{count:,} {table.name.replace('_', ' ')}")
    if held:
        raise Conflict(
            f"restore needs an empty database; this one holds {', '.join(held)} "
            "(restore into a new one, e.g. --db sqlite:///restored.db)"
        )


def _columns(record: BaseModel, **extra: Any) -> dict[str, Any]:
    row = {
        name: value.value if isinstance(value, enum.Enum) else value
        for name, value in record.model_dump(exclude=set(NESTED)).items()
    }
    row.update(extra)
    return row


def _restore_plan(doc: BackupDocument) -> list[tuple[str, Sequence[dict[str, Any]]]]:
    """The rows of every table, in an order that satisfies the foreign keys."""
    now = utcnow()
    ws = {"workspace_id": RESTORED_WORKSPACE_ID}
    workspace = {
        "id": RESTORED_WORKSPACE_ID,
        "name": doc.workspace.name,
        "default_visibility": doc.workspace.default_visibility.value,
        "suppression_salt": doc.workspace.suppression_salt or secrets.token_hex(32),
        "cadence_defaults": doc.workspace.cadence_defaults or None,
        "created_at": now,
    }
    chosen = doc.workspace.cadence_defaults or {}
    cadences = parse_cadence_defaults({str(tier): days for tier, days in chosen.items()})
    users = [_columns(u, password_hash=None, created_at=now) for u in doc.users]
    for user in users:
        del user["role"]
    members = [u for u in doc.users if u.role is not None]
    memberships = [
        {"id": n, "user_id": u.id, "role": u.role, **ws} for n, u in enumerate(members, 1)
    ]
    tag_ids = _tag_ids(doc)
    contacts, emails, phones, contact_tags, links = [], [], [], [], []
    for c in doc.contacts:
        ordered = sorted(c.emails, key=lambda e: e.position)
        search = contact_search_key(c.display_name, c.nickname, [e.email for e in ordered])
        sort = fold(" ".join(p for p in (c.last_name, c.first_name) if p))
        # A tier without a cadence (a hand-made backup) takes the workspace's default.
        cadence = resolve_cadence(c.tier, c.cadence_days, cadences)
        contacts.append(_columns(c, search_key=search, sort_key=sort, import_id=None,
                                 cadence_days=cadence, **ws))  # fmt: skip
        emails += [_columns(e, contact_id=c.id) for e in c.emails]
        phones += [
            _columns(p, contact_id=c.id, digits_reversed=p.e164.lstrip("+")[::-1]) for p in c.phones
        ]
        contact_tags += [{"contact_id": c.id, "tag_id": tag_ids[fold(t)]} for t in c.tags]
        links += [
            {"contact_id": c.id, "url": ln.url, "kind": ln.kind, "key": url_key(ln.url) or ln.url}
            for ln in c.links
        ]
    for n, row in enumerate(emails, 1):
        row["id"] = n
    for n, row in enumerate(phones, 1):
        row["id"] = n
    for n, row in enumerate(links, 1):
        row["id"] = n
    organizations = [
        _columns(o, name_key=fold(o.name), import_id=None, **ws) for o in doc.organizations
    ]
    org_tags = [
        {"organization_id": o.id, "tag_id": tag_ids[fold(t)]}
        for o in doc.organizations
        for t in o.tags
    ]
    tags = [
        {"id": tag_id, "name": name, "key": key, **ws}
        for key, (tag_id, name) in sorted(_tag_names(doc).items(), key=lambda kv: kv[1][0])
    ]
    participants = [
        {"interaction_id": i.id, "contact_id": contact_id}
        for i in doc.interactions
        for contact_id in i.participants
    ]
    events = [
        {"id": n, "introduction_id": intro.id, **_columns(event)}
        for n, (intro, event) in enumerate(((i, e) for i in doc.introductions for e in i.events), 1)
    ]
    return [
        ("workspaces", [workspace]),
        ("users", users),
        ("memberships", memberships),
        ("tags", tags),
        ("organizations", organizations),
        ("organization_tags", org_tags),
        ("contacts", contacts),
        ("contact_emails", emails),
        ("contact_phones", phones),
        ("contact_tags", contact_tags),
        ("contact_links", links),
        ("positions", [_columns(p) for p in doc.positions]),
        ("interactions", [_columns(i, import_id=None, **ws) for i in doc.interactions]),
        ("interaction_participants", participants),
        ("notes", [_columns(n, **ws) for n in doc.notes]),
        ("asks", [_columns(a, **ws) for a in doc.asks]),
        ("tasks", [_columns(t, **ws) for t in doc.tasks]),
        ("ledger_entries", [_columns(e, import_id=None, **ws) for e in doc.ledger]),
        ("contact_relations", [_columns(r, **ws) for r in doc.relations]),
        ("discovery_answers", [_columns(d, **ws) for d in doc.discovery]),
        ("needs_offers", [_columns(n, tags=list(n.tags), **ws) for n in doc.needs_offers]),
        ("introductions", [_columns(i, **ws) for i in doc.introductions]),
        ("introduction_events", events),
        ("message_templates", [{"id": n, **_columns(t)} for n, t in enumerate(doc.templates, 1)]),
        ("give_dismissals", [{"id": n, **_columns(d)} for n, d in enumerate(doc.dismissals, 1)]),
        *_pipeline_rows(doc, ws),
        ("suppressions", [_columns(s, **ws) for s in doc.suppressions]),
    ]


def _tag_names(doc: BackupDocument) -> dict[str, tuple[int, str]]:
    """One tag per folded key, numbered by key, named as first written in the document."""
    names: dict[str, str] = {}
    tag_lists = [c.tags for c in doc.contacts] + [o.tags for o in doc.organizations]
    for tags in tag_lists:
        for name in tags:
            names.setdefault(fold(name), name)
    return {key: (n, names[key]) for n, key in enumerate(sorted(names), 1)}


def _tag_ids(doc: BackupDocument) -> dict[str, int]:
    return {key: tag_id for key, (tag_id, _name) in _tag_names(doc).items()}


def _pipeline_rows(doc: BackupDocument, ws: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """Pipelines, their stages, opportunities and what hangs on them, ids kept where
    something points at them (stages), numbered afresh where nothing does."""
    stages = [
        {"pipeline_id": p.id, "name_key": fold(s.name), **_columns(s)}
        for p in doc.pipelines
        for s in p.stages
    ]
    opportunities, events, flags, rounds = [], [], [], []
    for o in doc.opportunities:
        offer = o.offer.model_dump(exclude_unset=True) if o.offer is not None else None
        opportunities.append(_columns(o, offer=offer, **ws))
        events += [{"opportunity_id": o.id, **_columns(e)} for e in o.events]
        flags += [{"opportunity_id": o.id, **_columns(f)} for f in o.red_flags]
        rounds += [{"opportunity_id": o.id, **_columns(r)} for r in o.rounds]
    for rows in (events, flags, rounds):
        for n, row in enumerate(rows, 1):
            row["id"] = n
    goals = [{"id": n, "workspace_id": ws["workspace_id"], **_columns(g)}
             for n, g in enumerate(doc.goals, 1)]  # fmt: skip
    return [
        ("pipelines", [_columns(p, name_key=fold(p.name), **ws) for p in doc.pipelines]),
        ("pipeline_stages", stages),
        ("opportunities", opportunities),
        ("opportunity_events", events),
        ("red_flags", flags),
        ("interview_rounds", rounds),
        ("activity_goals", goals),
    ]
