"""Backup and restore: byte-identical round trips across databases, visibility, bad input."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from goodwill.bootstrap import Database, open_database
from goodwill.errors import Conflict, ImportFailed
from goodwill.services import (
    accounts,
    asks,
    backup,
    contacts,
    demo,
    discovery,
    giving,
    goals,
    intros,
    ledger,
    notes,
    positions,
    privacy,
    tasks,
    templates,
)
from goodwill.services.actor import Actor
from goodwill.storage.schema import Contact, Interaction, LedgerEntry, Task, User, Workspace
from goodwill.storage.unit_of_work import UnitOfWork
from tests.factories import make_contact, make_interaction, make_organization, make_task

CANARY = "Kanarienvogel-7f3a"


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[Database]:
    """A new, migrated database of its own (a PostgreSQL one is dropped afterwards)."""
    if kind == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}")
        try:
            yield database
        finally:
            database.close()
        return
    base_url = os.environ.get("GOODWILL_TEST_PG_URL")
    if not base_url:
        pytest.fail("GOODWILL_TEST_PG_URL is not set: PostgreSQL is required", pytrace=False)
    base = make_url(base_url)
    name = f"goodwill_b_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        database = open_database(
            base.set(database=name).render_as_string(hide_password=False), upgrade=True
        )
        try:
            yield database
        finally:
            database.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def restored_export(data: bytes, kind: str, tmp_path: Path, email: str) -> bytes:
    with fresh_database(kind, tmp_path) as database:
        backup.restore_backup(database.uow, data, "backup.json")
        # local_actor(uow, "me@localhost") is refused (not a deliverable address): None finds it.
        who = None if email == accounts.LOCAL_OWNER_EMAIL else email
        return backup.export_backup(accounts.local_actor(database.uow, who), database.uow)


def build_varied_network(owner: Actor, teammate: Actor, uow: UnitOfWork) -> dict[str, int]:
    """The demo plus hand-made records of every kind, in every state."""
    demo.build_demo(owner, uow, contacts=25, seed=5)
    zoe = make_contact(
        owner,
        uow,
        name="Zoë Ångström-Łukasiewicz",
        nickname="Zo 🐝",
        add_emails=["zoe@example.org", "zoe.a@example.net"],
        add_phones=["+33 6 12 34 56 78"],
        add_tags=["Ünïcode", "climbing"],
        tier="A",
        cadence="6w",
        how_met="Bouldering in Fontainebleau",
        met_on="2021-05-04",
        custom_fields={"Geburtsort": "Zürich", "emoji": '🎉 "quoted"'},
        visibility="workspace",
    )
    org = make_organization(owner, uow, name="Société Générale ☕", add_tags=["Banks"])
    positions.add_position(owner, uow, zoe.id, str(org.id), title="Quant", start="2020-01-01")
    archived = make_contact(owner, uow, name="Archie Ved", add_emails=["archie@example.com"])
    contacts.archive_contact(owner, uow, archived.id)
    trashed = make_contact(owner, uow, name="Trash Can", add_phones=["+14155550199"])
    make_interaction(owner, uow, zoe.id, trashed.id, summary="Line one\nline two — ✓")
    contacts.delete_contact(owner, uow, trashed.id)
    notes.add_note(owner, uow, "Loves 日本語 poetry\n\twith tabs", contact=zoe.id)
    series = make_task(
        owner, uow, title="Monthly call", due="2026-01-31", contact=zoe.id, repeat="monthly"
    )
    tasks.complete_task(owner, uow, series.id)
    forgotten = make_contact(owner, uow, name="Gone Forever", add_emails=["gone@example.com"])
    privacy.forget_contact(owner, uow, forgotten.id)
    ledger.record_give(owner, uow, zoe.id, "introduction", weight=3, related=archived.id)
    ledger.record_receive(owner, uow, zoe.id, "advice", weight=2, note="Ça va ✓")
    ask = asks.create_ask(
        owner,
        uow,
        zoe.id,
        "introduction",
        "An intro to the head of risk",
        "She worked there for years",
        "I can help their hiring",
        "Short forwardable blurb — merci",
        target=archived.id,
        steps=[("handwritten note", "2026-03-02"), ("call at the agreed time", "2026-03-05")],
    ).ask
    asks.mark_asked(owner, uow, ask.id)
    asks.close_ask(owner, uow, ask.id, "granted", note="Yes!", record=True, weight=4)
    discovery.record_discovery(
        owner, uow, zoe.id, {"goal": "Open a Zürich desk ✓", "challenges": "Hiring\nquants"},
        learned_on="2025-02-03",
    )  # fmt: skip
    discovery.record_discovery(owner, uow, None, {"targets": "Banks"}, organization=str(org.id))
    intro = intros.request_introduction(
        owner, uow, str(zoe.id), str(archived.id), goal="Hire a risk quant — ça presse",
        why_target="They are hiring too", blurb="Zoë builds risk desks",
    )  # fmt: skip
    intros.triage_introduction(owner, uow, intro.id, "accept")
    intros.record_consent(owner, uow, intro.id, agreed=True, by=archived.id)
    intros.make_introduction(owner, uow, intro.id)
    intros.record_intro_outcome(owner, uow, intro.id, "met", note="Coffee ☕")
    templates.save_template(owner, uow, "intro-optin", "Hi $target — $requester wants to meet.")
    giving.add_need(owner, uow, str(zoe.id), "Hiring a risk quant", tags="risk, quant, hiring")
    giving.add_offer(
        owner, uow, str(archived.id), "Quant looking for a risk role", tags="quant, risk"
    )
    giving.add_offer(owner, uow, None, "Article: risk desks 101", tags=["risk"],
                     expires_on="2099-01-01")  # fmt: skip
    goals.set_goal(owner, uow, "gives", 4)  # the demo set 3
    for suggestion in giving.ways_to_give(owner, uow)[:1]:
        giving.dismiss_suggestion(owner, uow, suggestion.key)
    shared = make_contact(teammate, uow, name="Team Mate-Contact", visibility="workspace")
    make_contact(teammate, uow, name="Bea Private Friend")
    make_interaction(teammate, uow, shared.id, zoe.id, visibility="workspace")
    return {"zoe": zoe.id, "trashed": trashed.id, "ask": ask.id, "archived": archived.id}


def test_export_restore_export_is_byte_identical_sqlite_postgresql_sqlite(
    uow, owner, teammate, tmp_path
):
    ids = build_varied_network(owner, teammate, uow)
    first = backup.export_backup(owner, uow)
    document = json.loads(first)
    by_id = {c["id"]: c for c in document["contacts"]}
    assert by_id[ids["zoe"]]["display_name"] == "Zoë Ångström-Łukasiewicz"
    assert by_id[ids["zoe"]]["custom_fields"]["Geburtsort"] == "Zürich"
    assert by_id[ids["trashed"]]["deleted_at"] is not None
    assert by_id[ids["archived"]]["archived_at"] is not None
    assert "Zoë" in first.decode("utf-8")  # ensure_ascii=False: text stays readable
    series = [t for t in document["tasks"] if t["title"] == "Monthly call"]
    assert [bool(t["done_at"]) for t in series] == [True, False] and series[1]["series_due_at"]
    assert [t["step_order"] for t in document["tasks"] if t["ask_id"] == ids["ask"]] == [1, 2]
    assert any(e["ask_id"] == ids["ask"] for e in document["ledger"])
    assert document["suppressions"] and document["workspace"]["suppression_salt"]
    answers = sorted((d["question"], d["learned_on"]) for d in document["discovery"])
    assert answers[:2] == [("challenges", "2025-02-03"), ("goal", "2025-02-03")]
    assert [d["organization_id"] for d in document["discovery"] if d["question"] == "targets"]
    (made,) = document["introductions"]
    assert made["status"] == "closed" and made["outcome"] == "met"
    assert [e["to_status"] for e in made["events"]][-2:] == ["made", "closed"]
    assert made["ledger_entry_id"] and made["follow_up_task_id"]
    assert [t["name"] for t in document["templates"]] == ["intro-optin"]
    assert sorted(n["kind"] for n in document["needs_offers"]) == ["need", "offer", "offer"]
    assert ["hiring", "quant", "risk"] in [sorted(n["tags"]) for n in document["needs_offers"]]
    assert len(document["dismissals"]) == 1
    assert {p["kind"] for p in document["pipelines"]} == {"sales", "job_search"}
    opportunities = document["opportunities"]
    assert opportunities and all(o["events"] for o in opportunities)
    assert any(o["red_flags"] for o in opportunities) and any(o["rounds"] for o in opportunities)
    assert any(o["value_e4"] for o in opportunities) and any(o["offer"] for o in opportunities)
    assert [(g["metric"], g["weekly_target"]) for g in document["goals"]] == [
        ("applications", 3),
        ("asks", 1),
        ("gives", 4),
        ("networking", 10),
        ("touches", 15),
    ]
    assert "Bea Private Friend" not in first.decode("utf-8")
    current = first
    for kind in ("sqlite", "postgresql", "sqlite"):
        current = restored_export(current, kind, tmp_path, owner.email)
        assert current == first, f"export after a restore on {kind} differs"


def test_export_lists_records_by_id_and_nested_values_by_position(uow, owner, teammate):
    build_varied_network(owner, teammate, uow)
    document = json.loads(backup.export_backup(owner, uow))
    for kind in ("users", "contacts", "organizations", "positions", "interactions", "notes"):
        listed = [r["id"] for r in document[kind]]
        assert listed == sorted(listed) and listed, kind
    for contact in document["contacts"]:
        assert [e["position"] for e in contact["emails"]] == sorted(
            e["position"] for e in contact["emails"]
        )
        assert contact["tags"] == sorted(contact["tags"])
    stamp = document["interactions"][0]["occurred_at"]
    assert datetime.fromisoformat(stamp).tzinfo == UTC and stamp.endswith("+00:00")
    assert len(stamp) == len("2026-01-02T03:04:05.123456+00:00")
    assert all("password_hash" not in u for u in document["users"])


def test_restore_on_postgresql_advances_the_id_sequences(uow, owner, teammate, tmp_path):
    build_varied_network(owner, teammate, uow)
    data = backup.export_backup(owner, uow)
    document = json.loads(data)
    with fresh_database("postgresql", tmp_path) as database:
        backup.restore_backup(database.uow, data, "backup.json")
        me = accounts.local_actor(database.uow)
        assert me.email == owner.email
        person = make_contact(me, database.uow, name="After Restore", add_emails=["new@x.org"])
        touch = make_interaction(me, database.uow, person.id)
        task = make_task(me, database.uow, contact=person.id)
        entry = ledger.record_give(me, database.uow, person.id, "favor")
        assert person.id > max(c["id"] for c in document["contacts"])
        assert touch.interaction.id > max(i["id"] for i in document["interactions"])
        assert task.id > max(t["id"] for t in document["tasks"])
        assert entry.id > max(e["id"] for e in document["ledger"])
        with database.uow.read() as session:
            assert session.scalar(select(func.count()).select_from(Contact)) == (
                len(document["contacts"]) + 1
            )


def test_export_by_a_teammate_leaves_out_the_owners_private_records(uow, owner, teammate, tmp_path):
    hidden = make_contact(
        owner,
        uow,
        name=f"{CANARY} Hidden",
        add_emails=[f"{CANARY.lower()}@example.com"],
        how_met=CANARY,
        visibility="private",
    )
    shown = make_contact(owner, uow, name="Shared Person", visibility="workspace")
    notes.add_note(owner, uow, f"private {CANARY}", contact=shown.id, visibility="private")
    make_interaction(owner, uow, shown.id, hidden.id, summary="both", visibility="workspace")
    make_interaction(owner, uow, hidden.id, summary=CANARY, visibility="private")
    make_interaction(owner, uow, hidden.id, summary="only them", visibility="workspace")
    make_task(owner, uow, title="follow up", contact=hidden.id, visibility="workspace")
    ledger.record_give(
        owner, uow, shown.id, "introduction", related=hidden.id, visibility="workspace"
    )
    ledger.record_give(owner, uow, hidden.id, "favor", note=CANARY, visibility="workspace")
    asks.create_ask(
        owner,
        uow,
        shown.id,
        "introduction",
        "An intro",
        "They know everyone",
        "Good for them",
        "Blurb",
        target=hidden.id,
        visibility="workspace",
    )
    make_organization(owner, uow, name=f"{CANARY} Org", visibility="private")
    forgotten = make_contact(owner, uow, name="Forget Me", add_emails=["forget@example.com"])
    privacy.forget_contact(owner, uow, forgotten.id)
    data = backup.export_backup(teammate, uow)
    assert CANARY.lower() not in data.decode("utf-8").lower()
    document = json.loads(data)
    assert [c["id"] for c in document["contacts"]] == [shown.id]
    assert [i["participants"] for i in document["interactions"]] == [[shown.id], []]
    assert [t["contact_id"] for t in document["tasks"]] == [None]
    assert [(e["counterpart_id"], e["related_contact_id"]) for e in document["ledger"]] == [
        (shown.id, None)
    ]
    assert [a["target_contact_id"] for a in document["asks"]] == [None]
    assert document["notes"] == [] and document["organizations"] == []
    assert "suppressions" not in document
    assert "suppression_salt" not in document["workspace"]
    assert {(u["email"], u["role"]) for u in document["users"]} == {
        (owner.email, "owner"),
        (teammate.email, "member"),
    }
    assert restored_export(data, "sqlite", tmp_path, teammate.email) == data


def test_restore_replaces_the_auto_created_local_owner(uow, owner, tmp_path):
    with fresh_database("sqlite", tmp_path) as source:
        me = accounts.local_actor(source.uow)
        accounts.update_setting(me, source.uow, "timezone", "Europe/Paris")
        accounts.add_member(me, source.uow, "ada@team.example", "Ada", "admin")
        make_interaction(me, source.uow, make_contact(me, source.uow, name="Only One").id)
        data = backup.export_backup(me, source.uow)
    summary = backup.restore_backup(uow, data, "backup.json")
    assert (summary.contacts, summary.interactions, summary.users) == (1, 1, 1)
    with uow.read() as session:
        users = session.execute(select(User.email, User.timezone)).all()
        salt = session.scalars(select(Workspace.suppression_salt)).one()
    assert users == [(owner.email, "Europe/Paris")]
    assert salt == json.loads(data)["workspace"]["suppression_salt"]
    restored = accounts.local_actor(uow)
    assert contacts.list_contacts(restored, uow)[0].last_touch is not None
    assert backup.export_backup(restored, uow) == data


@pytest.fixture(scope="module")
def small_backup(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    with fresh_database("sqlite", tmp_path_factory.mktemp("source")) as source:
        me = accounts.local_actor(source.uow)
        ann = make_contact(me, source.uow, name="Ann Able", add_emails=["ann@example.com"])
        bob = make_contact(me, source.uow, name="Bob Baker", add_emails=["bob@example.com"])
        make_interaction(me, source.uow, ann.id, bob.id)
        make_task(me, source.uow, title="Call Ann", due="2026-02-01", contact=ann.id)
        ledger.record_give(me, source.uow, ann.id, "advice")
        return backup.export_backup(me, source.uow)


def _edited(data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    document = json.loads(data)
    change(document)
    return json.dumps(document).encode()


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


BAD_BACKUPS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "truncated": (
        lambda d: d[: len(d) // 2],
        "backup.json: not valid JSON (line ",
    ),
    "not json": (lambda d: b"name,email\nAnn,ann@example.com\n", "backup.json: not valid JSON"),
    "unknown version": (
        lambda d: _edited(d, _set("version", 2)),
        "backup.json: backup format version 2 is not supported; this goodwill reads version 1",
    ),
    "wrong format": (
        lambda d: _edited(d, _set("format", "vcard")),
        "backup.json: not a goodwill backup (format is 'vcard', not 'goodwill-backup')",
    ),
    "bad email": (
        lambda d: _edited(d, _set("contacts.1.emails.0.email", "bob@@example")),
        "backup.json: contacts[1] (id 2): emails.0.email: value is not a valid email",
    ),
    "dangling participant": (
        lambda d: _edited(d, _set("interactions.0.participants.1", 99)),
        "backup.json: interactions[0] (id 1): participants.1: contact 99 is not in the "
        "backup's contacts",
    ),
    "dangling counterpart": (
        lambda d: _edited(d, _set("ledger.0.counterpart_id", 42)),
        "backup.json: ledger[0] (id 1): counterpart_id: contact 42 is not in",
    ),
    "unknown field": (
        lambda d: _edited(d, _set("tasks.0.priority", "high")),
        "backup.json: tasks[0] (id 1): priority: extra inputs are not permitted",
    ),
    "naive time": (
        lambda d: _edited(d, _set("interactions.0.occurred_at", "2026-01-02T03:04:05")),
        "backup.json: interactions[0] (id 1): occurred_at: input should have timezone info",
    ),
    "weight out of range": (
        lambda d: _edited(d, _set("ledger.0.weight", 9)),
        "backup.json: ledger[0] (id 1): weight: input should be less than or equal to 5",
    ),
    "duplicate id": (
        lambda d: _edited(d, _set("contacts.1.id", 1)),
        "backup.json: contacts[1] (id 1): id: another of the contacts has id 1",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BACKUPS))
def test_restore_of_a_bad_backup_names_the_problem_and_writes_nothing(
    uow, owner, small_backup, case
):
    spoil, expected = BAD_BACKUPS[case]
    with pytest.raises(ImportFailed) as failure:
        backup.restore_backup(uow, spoil(small_backup), "backup.json")
    message = failure.value.message
    assert message.startswith(expected) and "\n" not in message
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
        assert session.scalars(select(User.email)).all() == [owner.email]


def test_restore_of_a_truncated_backup_says_it_may_be_truncated(uow, owner, small_backup):
    with pytest.raises(ImportFailed, match="the file may be truncated$"):
        backup.restore_backup(uow, small_backup[: len(small_backup) // 2], "backup.json")


def test_restore_into_a_non_empty_database_is_refused_and_writes_nothing(uow, owner, small_backup):
    make_contact(owner, uow, name="Already Here")
    with pytest.raises(Conflict, match=r"^restore needs an empty database; this one holds 1 "):
        backup.restore_backup(uow, small_backup, "backup.json")
    with uow.read() as session:
        assert session.scalars(select(Contact.display_name)).all() == ["Already Here"]
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_restore_keeps_ids_links_and_derived_search_keys(uow, owner, small_backup):
    backup.restore_backup(uow, small_backup, "backup.json")
    me = accounts.local_actor(uow)
    document = json.loads(small_backup)
    [found] = contacts.search_contacts(me, uow, "bob@example")
    assert found.id == document["contacts"][1]["id"]
    with uow.read() as session:
        task = session.scalars(select(Task)).one()
        assert task.contact_id == document["tasks"][0]["contact_id"]
        assert task.due_at == datetime.fromisoformat(document["tasks"][0]["due_at"])
        assert task.created_at == datetime.fromisoformat(document["tasks"][0]["created_at"])


def test_restore_without_a_salt_gives_the_workspace_a_new_one(uow, owner, small_backup):
    document = json.loads(small_backup)
    old = document["workspace"].pop("suppression_salt")
    backup.restore_backup(uow, json.dumps(document).encode(), "backup.json")
    with uow.read() as session:
        salt = session.scalars(select(Workspace.suppression_salt)).one()
    assert len(salt) == 64 and salt != old
