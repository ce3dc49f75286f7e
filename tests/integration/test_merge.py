"""Merging two contacts (both databases): every record moves, nothing of the other remains.

The central test walks every table of the metadata for a foreign key to
contacts.id still holding the merged-away contact's id, so tables added later
are checked too (and `HANDLED` must name them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from goodwill.errors import NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, asks, contacts, dedupe, ledger, notes, positions
from goodwill.services._merge import HANDLED
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import (
    Ask,
    Base,
    ContactLink,
    DiscoveryAnswer,
    DuplicateDismissal,
    FieldProvenance,
    Import,
    ImportChange,
    ImportKey,
    InteractionParticipant,
    Introduction,
    LedgerEntry,
    Merge,
    NeedOffer,
    Note,
    Opportunity,
    Pipeline,
    PipelineStage,
    Task,
)
from goodwill.storage.unit_of_work import UnitOfWork
from tests.factories import make_contact, make_interaction, make_task

MISSING = 999_999_999
PHONE = "+14155550142"


def contact_references() -> list[tuple[str, str]]:
    refs = [
        (fk.parent.table.name, fk.parent.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "contacts" and fk.column.name == "id"
    ]
    return sorted(refs)


def references_to(uow: UnitOfWork, contact_id: int) -> list[str]:
    """Every row of every table whose foreign key to contacts.id holds `contact_id`."""
    found = []
    with uow.read() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for t, c in contact_references() if t == table.name]
            if table.name == "contacts":
                columns.append("id")
            for column in columns:
                rows = session.execute(select(table).where(table.c[column] == contact_id)).all()
                found += [f"{table.name}.{column}"] * len(rows)
    return found


def dump(uow: UnitOfWork) -> dict[str, list[tuple[object, ...]]]:
    with uow.read() as session:
        return {
            t.name: sorted((tuple(r) for r in session.execute(select(t))), key=repr)
            for t in Base.metadata.sorted_tables
        }


@dataclass
class World:
    keep: int
    other: int
    third: int
    both_interaction: int
    import_id: int


def build_world(owner: Actor, teammate: Actor, uow: UnitOfWork) -> World:
    shared = {"visibility": "workspace"}
    keep = make_contact(
        owner, uow, name="Maria Chen", add_emails=["maria.chen@northwind.example"],
        add_phones=[PHONE], add_tags=["vip"], custom_fields={"team": "Sales", "city": "SF"},
        tier="B", met_on="2021-05-01", organization="Northwind", title="VP Sales", **shared,
    ).id  # fmt: skip
    other = make_contact(
        owner, uow, name="Maria Lopez", nickname="Mia", how_met="PyCon",
        add_emails=["maria.lopez@northwind.example", "maria@gmail.example"],
        add_phones=[PHONE, "+14155550999"], add_tags=["VIP", "climbing"],
        custom_fields={"team": "Marketing", "pet": "Rex"}, tier="A", cadence="3w",
        met_on="2019-02-03", organization="Northwind", title="VP Sales", **shared,
    ).id  # fmt: skip
    positions.add_position(owner, uow, other, "Acme", title="Advisor", end="2020-01-01")
    third = make_contact(owner, uow, name="Rae Third", **shared).id
    both = make_interaction(owner, uow, keep, other, third, visibility="workspace")
    make_interaction(owner, uow, other, summary="coffee", when="2024-03-01")
    make_interaction(teammate, uow, other, summary="private call", visibility="private")
    notes.add_note(owner, uow, "likes climbing", contact=other)
    notes.add_note(teammate, uow, "bea's private note", contact=other, visibility="private")
    trashed = notes.add_note(owner, uow, "old note", contact=other)
    notes.delete_note(owner, uow, trashed.id)
    make_task(owner, uow, title="send the deck", contact=other)
    ledger.record_give(owner, uow, other, "favor")
    ledger.record_receive(owner, uow, third, "introduction", related=other)
    asks.create_ask(owner, uow, other, "advice", "pricing review", "she ran pricing")
    asks.create_ask(
        owner, uow, third, "introduction", "meet Maria", "they work together",
        "she is hiring", "Rae would like to meet Maria", target=other,
    )  # fmt: skip
    with uow.write() as session:
        now = utcnow()
        session.add_all(
            [
                ContactLink(contact_id=other, url="https://linkedin.com/in/mlopez",
                            key="linkedin.com/in/mlopez", kind="linkedin"),
                ContactLink(contact_id=other, url="https://www.linkedin.com/in/mchen/",
                            key="linkedin.com/in/mchen", kind="linkedin"),
                ContactLink(contact_id=keep, url="https://linkedin.com/in/mchen",
                            key="linkedin.com/in/mchen", kind="linkedin"),
            ]
        )  # fmt: skip
        run = Import(
            workspace_id=owner.workspace_id, owner_id=owner.user_id, format="linkedin",
            source_name="Connections.csv", source_hash="0" * 64, status="completed",
            started_at=now,
        )  # fmt: skip
        session.add(run)
        session.flush()
        session.add_all(
            [
                ImportKey(owner_id=owner.user_id, key_hash="a" * 64, contact_id=other),
                ImportChange(import_id=run.id, entity="contacts", entity_id=other,
                             contact_id=other, action="created"),
                FieldProvenance(contact_id=other, field="nickname", import_id=run.id, value="Mia"),
                FieldProvenance(contact_id=other, field="last_name", import_id=run.id,
                                value="Lopez"),
                FieldProvenance(contact_id=keep, field="last_name", import_id=run.id,
                                value="Chen"),
                Merge(workspace_id=owner.workspace_id, owner_id=owner.user_id,
                      kept_contact_id=other, merged_contact_id=MISSING, details={},
                      merged_at=now),
                DuplicateDismissal(owner_id=owner.user_id, contact_a_id=min(other, third),
                                   contact_b_id=max(other, third)),
                DuplicateDismissal(owner_id=owner.user_id, contact_a_id=keep,
                                   contact_b_id=other),
            ]
        )  # fmt: skip
        owned = {"workspace_id": owner.workspace_id, "owner_id": owner.user_id,
                 "visibility": "workspace", "created_at": now, "updated_at": now}  # fmt: skip
        session.add_all(
            [
                DiscoveryAnswer(contact_id=other, question="goal", answer="grow sales",
                                learned_on=date(2024, 1, 2), **owned),
                NeedOffer(contact_id=other, kind="need", text="a logistics partner",
                          tags=["logistics"], noted_on=date(2024, 1, 2), **owned),
                Introduction(requester_id=other, target_id=third, status="requested",
                             source="inbound", goal="meet a CFO", **owned),
                Introduction(requester_id=third, target_id=other, status="requested",
                             source="inbound", goal="hire", **owned),
            ]
        )  # fmt: skip
        pipeline = Pipeline(name="Sales", name_key="sales", kind="sales", **owned)
        session.add(pipeline)
        session.flush()
        stage = PipelineStage(pipeline_id=pipeline.id, name="Prospect", name_key="prospect",
                              position=1, probability=0.1)  # fmt: skip
        session.add(stage)
        session.flush()
        session.add(
            Opportunity(pipeline_id=pipeline.id, stage_id=stage.id, title="Northwind renewal",
                        contact_id=other, source="referral", source_contact_id=other,
                        opened_at=now, **owned)
        )  # fmt: skip
    return World(keep, other, third, both.interaction.id, run.id)


def test_merge_handles_every_foreign_key_to_contacts():
    assert set(contact_references()) == set(HANDLED)


def test_merge_contacts_leaves_no_row_referencing_the_other(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    assert len(references_to(uow, world.other)) > 25  # the walk sees what it checks
    dedupe.merge_contacts(owner, uow, world.keep, world.other)
    assert references_to(uow, world.other) == []


def test_merge_contacts_keeps_every_value_of_both(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    merged = dedupe.merge_contacts(owner, uow, world.keep, f"#{world.other}")
    assert (merged.id, merged.display_name, merged.nickname) == (world.keep, "Maria Chen", "Mia")
    assert [e.email for e in merged.emails] == [
        "maria.chen@northwind.example",
        "maria.lopez@northwind.example",
        "maria@gmail.example",
    ]
    assert [p.e164 for p in merged.phones] == [PHONE, "+14155550999"]
    assert merged.tags == ["climbing", "vip"]
    assert (merged.tier, merged.cadence_days, merged.met_on) == ("inner", 21, date(2019, 2, 3))
    assert merged.how_met == "PyCon"
    assert merged.custom_fields == {
        "team": "Sales", "city": "SF", "team (merged)": "Marketing", "pet": "Rex",
    }  # fmt: skip
    assert sorted((p.organization.label, p.title) for p in merged.positions) == [
        ("Acme", "Advisor"),
        ("Northwind", "VP Sales"),
    ]
    assert [n.body for n in merged.notes] == ["likes climbing"]
    assert [t.title for t in merged.open_tasks] == ["send the deck"]
    # The shared dinner (both took part: counted once) and the owner's coffee.
    assert merged.touches == 2
    assert contacts.show_contact(teammate, uow, world.keep).touches == 2
    with pytest.raises(NotFound, match=f"no contact #{world.other}"):
        contacts.show_contact(owner, uow, world.other)
    assert [n.body for n in notes.list_notes(teammate, uow, contact=world.keep)] == [
        "bea's private note"
    ]


def test_merge_contacts_moves_records_that_name_the_other(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    dedupe.merge_contacts(owner, uow, world.keep, world.other)
    k = world.keep
    with uow.read() as session:
        people = session.scalars(
            select(InteractionParticipant.contact_id).where(
                InteractionParticipant.interaction_id == world.both_interaction
            )
        ).all()
        assert sorted(people) == sorted([k, world.third])
        assert len(session.scalars(select(Note).where(Note.contact_id == k)).all()) == 3
        assert len(session.scalars(select(Task).where(Task.contact_id == k)).all()) == 1
        entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        assert [(e.counterpart_id, e.related_contact_id) for e in entries] == [
            (k, None),
            (world.third, k),
        ]
        ask_rows = session.scalars(select(Ask).order_by(Ask.id)).all()
        assert [(a.contact_id, a.target_contact_id) for a in ask_rows] == [
            (k, None),
            (world.third, k),
        ]
        assert sorted(session.scalars(select(ContactLink.key))) == [
            "linkedin.com/in/mchen",
            "linkedin.com/in/mlopez",
        ]
        assert session.scalars(select(ImportKey.contact_id)).all() == [k]
        assert session.scalars(select(ImportChange.contact_id)).all() == [k]
        provenance = session.execute(
            select(FieldProvenance.field, FieldProvenance.value).where(
                FieldProvenance.contact_id == k
            )
        ).all()
        assert sorted(provenance) == [("last_name", "Chen"), ("nickname", "Mia")]
        dismissals = session.execute(
            select(DuplicateDismissal.contact_a_id, DuplicateDismissal.contact_b_id)
        ).all()
        assert [tuple(d) for d in dismissals] == [(min(k, world.third), max(k, world.third))]
        merges = session.scalars(select(Merge).order_by(Merge.id)).all()
        assert [(m.kept_contact_id, m.merged_contact_id) for m in merges] == [
            (k, MISSING),
            (k, world.other),
        ]
        record = merges[-1]
        assert record.owner_id == owner.user_id
        assert record.details["merged_contact"] == {
            "id": world.other,
            "display_name": "Maria Lopez",
        }
        assert record.details["moved"]["interactions"] == 2
        assert record.details["moved"]["notes"] == 1


def test_preview_merge_shows_the_result_and_writes_nothing(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    before = dump(uow)
    preview = dedupe.preview_merge(owner, uow, world.keep, world.other)
    assert dump(uow) == before
    assert (preview.keep.id, preview.other.label) == (world.keep, "Maria Lopez")
    assert (preview.display_name, preview.nickname, preview.tier) == ("Maria Chen", "Mia", "A")
    assert preview.emails[1:] == ["maria.lopez@northwind.example", "maria@gmail.example"]
    assert preview.links == [
        "https://linkedin.com/in/mchen",
        "https://linkedin.com/in/mlopez",
    ]
    assert preview.custom_fields["team (merged)"] == "Marketing"
    # Counted as the owner sees them: not the teammate's private call or note, not the trash.
    assert dedupe.MergeCounts(
        emails=2, phones=1, links=1, tags=1, positions=1, interactions=2,
        ledger_entries=2, asks=2, tasks=1, notes=1, discovery_answers=1, needs_offers=1,
        introductions=2, opportunities=1,
    ) == preview.moves  # fmt: skip
    assert preview.conflicts == [
        "last name: keeps 'Chen', drops 'Lopez'",
        "met on: keeps the earlier 2019-02-03, drops 2021-05-01",
        "tier: keeps the closer A, drops B",
        "field 'team': keeps 'Sales', the other's is kept as 'team (merged)'",
    ]
    merged = dedupe.merge_contacts(owner, uow, world.keep, world.other)
    assert [e.email for e in merged.emails] == preview.emails
    assert sorted(p.id for p in merged.positions) == sorted(p.id for p in preview.positions)


def test_merge_contacts_into_itself_is_refused(owner, uow):
    ann = make_contact(owner, uow, name="Ann Lee", add_emails=["ann@lee.example"])
    for other in (ann.id, f"#{ann.id}", "ann@lee.example"):
        with pytest.raises(ValidationFailed, match="give two different contacts"):
            dedupe.merge_contacts(owner, uow, ann.id, other)
        with pytest.raises(ValidationFailed):
            dedupe.preview_merge(owner, uow, ann.id, other)


def test_merge_contacts_hidden_is_not_found_exactly_like_missing(owner, teammate, uow):
    hidden = make_contact(owner, uow, name="Hidden Person", visibility="private").id
    mine = make_contact(teammate, uow, name="Hidden Persons").id
    for call in (dedupe.merge_contacts, dedupe.preview_merge, dedupe.dismiss_duplicate):
        for args in ((mine, hidden), (hidden, mine)):
            with pytest.raises(NotFound) as got:
                call(teammate, uow, *args)
            missing_args = tuple(MISSING if a == hidden else a for a in args)
            with pytest.raises(NotFound) as want:
                call(teammate, uow, *missing_args)
            assert str(got.value) == str(want.value).replace(str(MISSING), str(hidden))
    assert contacts.show_contact(owner, uow, hidden).display_name == "Hidden Person"


def test_merge_contacts_of_anothers_contact_needs_its_owner_or_an_admin(owner, teammate, uow):
    keep = make_contact(teammate, uow, name="Ann Lee").id
    other = make_contact(owner, uow, name="Ann Lee", visibility="workspace").id
    for call in (dedupe.merge_contacts, dedupe.preview_merge):
        with pytest.raises(PermissionDenied, match="only the owner of this record may merge it"):
            call(teammate, uow, keep, other)
    assert contacts.show_contact(owner, uow, other).display_name == "Ann Lee"
    # Merging away one's own contact into a shared one is the owner's call.
    assert dedupe.merge_contacts(teammate, uow, other, keep).id == other
    accounts.add_member(owner, uow, "ada@team.example", "Ada Admin", role="admin")
    admin = accounts.local_actor(uow, "ada@team.example")
    third = make_contact(owner, uow, name="Ann Lee", visibility="workspace").id
    assert dedupe.merge_contacts(admin, uow, third, other).id == third
