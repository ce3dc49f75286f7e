"""Undoing an import: takes back what it did, never what the user has built on it since."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from goodwill.errors import Conflict, NotFound
from goodwill.services import contacts, dedupe, importing, notes, organizations, positions
from goodwill.services._import_summary import UndoReport
from goodwill.services.contacts import ContactChanges
from goodwill.services.importing import ImportOptions
from goodwill.storage.schema import FieldProvenance, ImportChange
from tests.factories import make_contact, make_interaction


def card(
    first: str,
    last: str,
    *emails: str,
    org: str | None = None,
    title: str | None = None,
    note: str | None = None,
    extra: tuple[str, ...] = (),
) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{last};{first};;;", f"FN:{first} {last}"]
    lines += [f"EMAIL;TYPE=INTERNET:{e}" for e in emails]
    lines += [f"ORG:{org}"] if org else []
    lines += [f"TITLE:{title}"] if title else []
    lines += [f"NOTE:{note}"] if note else []
    lines += [*extra, "END:VCARD"]
    return "\r\n".join(lines) + "\r\n"


def run(actor, uow, tmp_path: Path, cards: list[str], name: str = "contacts.vcf"):
    path = tmp_path / name
    path.write_text("".join(cards), encoding="utf-8")
    return importing.run_import(actor, uow, path, ImportOptions(format="vcard"))


def named(actor, uow, name: str):
    found = [c for c in contacts.list_contacts(actor, uow) if c.display_name == name]
    assert len(found) == 1, found
    return contacts.show_contact(actor, uow, found[0].id)


def undo(actor, uow, import_id: int) -> UndoReport:
    summary = importing.undo_import(actor, uow, import_id)
    assert summary.status == "undone" and summary.undo is not None
    return summary.undo


def org_names(actor, uow) -> list[str]:
    return sorted(o.name for o in organizations.list_organizations(actor, uow))


def test_undo_after_the_imported_contact_was_merged_into_an_existing_one(owner, uow, tmp_path):
    mine = make_contact(owner, uow, name="Ada Lovelace", add_emails=["ada@home.example"])
    notes.add_note(owner, uow, "prefers tea", contact=mine.id)
    summary = run(owner, uow, tmp_path, [card("Ada", "Lovelace", "ada@work.example",
                                              org="Engines", title="Analyst")])  # fmt: skip
    assert summary.counts["created"] == 1
    other = next(c for c in contacts.list_contacts(owner, uow) if c.id != mine.id)
    dedupe.merge_contacts(owner, uow, mine.id, other.id)
    assert [p.organization.label for p in contacts.show_contact(owner, uow, mine.id).positions] \
        == ["Engines"]  # fmt: skip

    report = undo(owner, uow, summary.id)

    assert report.gone_contacts == 1 and report.kept_contacts == 0
    assert report.removed["positions"] == 1 and report.removed["organizations"] == 1
    assert "contacts" not in report.removed
    assert [c.id for c in contacts.list_contacts(owner, uow)] == [mine.id]
    after = contacts.show_contact(owner, uow, mine.id)
    assert after.positions == [] and [n.body for n in after.notes] == ["prefers tea"]
    assert "ada@home.example" in [e.email for e in after.emails]
    assert org_names(owner, uow) == []


def test_undo_keeps_an_imported_contact_an_existing_one_was_merged_into(owner, uow, tmp_path):
    mine = make_contact(owner, uow, name="Ada King", add_emails=["ada@home.example"],
                        tier="A")  # fmt: skip
    # The second card is the same person again: it adds an email to the contact the
    # first one created (logged as a row of its own).
    summary = run(owner, uow, tmp_path, [
        card("Ada", "Lovelace", "ada@work.example", org="Engines", note="from the file"),
        card("Ada", "Lovelace", "ada@work.example", "ada@extra.example", org="Engines",
             note="from the file"),
    ])  # fmt: skip
    imported = named(owner, uow, "Ada Lovelace")
    assert {e.email for e in imported.emails} == {"ada@work.example", "ada@extra.example"}
    dedupe.merge_contacts(owner, uow, imported.id, mine.id)

    report = undo(owner, uow, summary.id)

    assert report.kept_contact_ids == [imported.id] and report.kept_because == {"merges": 1}
    assert "contacts" not in report.removed and report.removed["contact_emails"] == 1
    survivor = contacts.show_contact(owner, uow, imported.id)
    emails = {e.email for e in survivor.emails}
    assert "ada@home.example" in emails and "ada@extra.example" not in emails
    assert survivor.notes == [] and survivor.tier == "inner"  # the file's note went
    assert survivor.positions == [] and org_names(owner, uow) == []


def test_undo_keeps_imported_contacts_the_user_has_added_to(owner, uow, tmp_path):
    summary = run(owner, uow, tmp_path, [
        card("Ada", "Lovelace", "ada@example.com", org="Engines", note="from the file"),
        card("Zoe", "Sato", "zoe@example.com", org="Engines"),
        card("Bob", "Ross", "bob@example.com", org="Paints", note="from the file"),
    ])  # fmt: skip
    ada, zoe = named(owner, uow, "Ada Lovelace"), named(owner, uow, "Zoe Sato")
    notes.add_note(owner, uow, "met at the RI", contact=ada.id)
    make_interaction(owner, uow, zoe.id, summary="coffee")

    report = undo(owner, uow, summary.id)

    assert report.kept_contacts == 2 and sorted(report.kept_contact_ids) == sorted([ada.id, zoe.id])
    assert report.kept_because == {"interactions": 1, "notes": 1}
    assert report.removed["contacts"] == 1 and report.removed["contact_emails"] == 1
    assert report.removed["positions"] == 3 and report.removed["notes"] == 2
    assert report.removed["organizations"] == 2 and report.kept_organizations == 0
    assert sorted(c.display_name for c in contacts.list_contacts(owner, uow)) == [
        "Ada Lovelace", "Zoe Sato"]  # fmt: skip
    ada_after = contacts.show_contact(owner, uow, ada.id)
    assert [n.body for n in ada_after.notes] == ["met at the RI"]
    assert ada_after.positions == [] and [e.email for e in ada_after.emails] == ["ada@example.com"]
    assert contacts.show_contact(owner, uow, zoe.id).touches == 1

    # Importing the file again puts back what undo took from the kept contacts.
    again = run(owner, uow, tmp_path, [
        card("Ada", "Lovelace", "ada@example.com", org="Engines", note="from the file"),
    ], name="again.vcf")  # fmt: skip
    assert again.counts["updated"] == 1
    assert [p.organization.label for p in contacts.show_contact(owner, uow, ada.id).positions] == [
        "Engines"]  # fmt: skip


def test_undo_keeps_an_imported_contact_when_its_imported_note_was_edited(owner, uow, tmp_path):
    summary = run(owner, uow, tmp_path, [card("Ada", "Lovelace", note="from the file")])
    ada = named(owner, uow, "Ada Lovelace")
    notes.edit_note(owner, uow, ada.notes[0].id, "from the file, and what I know")
    report = undo(owner, uow, summary.id)
    assert report.kept_because == {"notes": 1}
    assert [n.body for n in named(owner, uow, "Ada Lovelace").notes] == [
        "from the file, and what I know"]  # fmt: skip


def test_undo_removes_organizations_it_created_unless_still_in_use(owner, uow, tmp_path):
    mine = make_contact(owner, uow, name="Grace Hopper")
    summary = run(owner, uow, tmp_path, [
        card("Ada", "Lovelace", org="Engines"), card("Zoe", "Sato", org="Acme"),
    ])  # fmt: skip
    assert org_names(owner, uow) == ["Acme", "Engines"]
    positions.add_position(owner, uow, mine.id, "Acme", title="Admiral")

    report = undo(owner, uow, summary.id)

    assert report.kept_organizations == 1 and report.removed["organizations"] == 1
    assert org_names(owner, uow) == ["Acme"]
    kept = contacts.show_contact(owner, uow, mine.id).positions
    assert [(p.organization.label, p.title) for p in kept] == [("Acme", "Admiral")]
    assert [c.id for c in contacts.list_contacts(owner, uow)] == [mine.id]


def test_undo_of_an_update_reverts_only_fields_still_holding_its_values(owner, uow, tmp_path):
    run(owner, uow, tmp_path, [card("Ada", "Lovelace", "ada@example.com")], "first.vcf")
    ada = named(owner, uow, "Ada Lovelace")
    update = run(owner, uow, tmp_path, [card(
        "Augusta", "Lovelace", "ada@example.com", org="Engines",
        extra=("NICKNAME:Countess", "BDAY:1815-12-10", "TEL;TYPE=CELL:+44 20 7946 0018"),
    )], "second.vcf")  # fmt: skip
    assert update.counts["updated"] == 1
    changed = contacts.show_contact(owner, uow, ada.id)
    assert (changed.display_name, changed.nickname, changed.birthday) == (
        "Augusta Lovelace", "Countess", "1815-12-10")  # fmt: skip
    assert len(changed.phones) == 1 and len(changed.positions) == 1
    contacts.edit_contact(owner, uow, ada.id, ContactChanges(nickname="Enchantress"))

    report = undo(owner, uow, update.id)

    assert report.left_changed == 1
    assert report.reverted >= 4  # first name and the birthday's day, month and year
    after = contacts.show_contact(owner, uow, ada.id)
    assert (after.first_name, after.display_name) == ("Ada", "Ada Lovelace")
    assert after.nickname == "Enchantress"  # the user's since the import
    assert after.birthday is None and after.phones == [] and after.positions == []
    assert [c.id for c in contacts.search_contacts(owner, uow, "ada lovelace")] == [ada.id]
    assert contacts.search_contacts(owner, uow, "augusta") == []
    with uow.read() as session:
        assert session.scalar(
            select(func.count()).select_from(FieldProvenance)
            .where(FieldProvenance.import_id == update.id)
        ) == 0  # fmt: skip
    # The first import's values hold again: undoing it removes the contact.
    first = importing.list_imports(owner, uow)[1]
    assert undo(owner, uow, first.id).removed["contacts"] == 1


def test_undoing_twice_conflicts_and_anothers_import_is_not_found(owner, teammate, uow, tmp_path):
    summary = run(owner, uow, tmp_path, [card("Ada", "Lovelace")])
    with pytest.raises(NotFound):
        importing.undo_import(teammate, uow, summary.id)
    with pytest.raises(NotFound):
        importing.undo_import(owner, uow, summary.id + 1000)
    assert named(owner, uow, "Ada Lovelace")
    done = importing.undo_import(owner, uow, summary.id)
    assert done.status == "undone" and done.undo is not None
    with pytest.raises(Conflict):
        importing.undo_import(owner, uow, summary.id)
    with uow.read() as session:
        assert session.scalar(
            select(func.count()).select_from(ImportChange)
            .where(ImportChange.import_id == summary.id)
        ) == 0  # fmt: skip


def test_undo_of_a_big_import_runs_a_few_set_based_statements(owner, uow, tmp_path):
    people = 3_000
    cards = [card(f"P{n}", "Person", f"p{n}@example.com", org=f"Company {n % 40}",
                  note="from the file" if n % 2 else None) for n in range(people)]  # fmt: skip
    summary = run(owner, uow, tmp_path, cards)
    assert summary.counts["created"] == people
    kept = contacts.show_contact(owner, uow, "p7@example.com")
    notes.add_note(owner, uow, "mine", contact=kept.id)

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with uow.read() as session:
        connection = session.connection()  # the test's connection, which every uow uses
    event.listen(connection, "before_cursor_execute", count)
    try:
        report = undo(owner, uow, summary.id)
    finally:
        event.remove(connection, "before_cursor_execute", count)

    assert report.removed["contacts"] == people - 1 and report.kept_contact_ids == [kept.id]
    assert report.removed["contact_emails"] == people - 1
    assert report.removed["positions"] == people and report.removed["organizations"] == 40
    assert report.removed["notes"] == people // 2  # the kept contact's note from the file too
    assert 10 < len(statements) < 60, len(statements)
    assert [c.id for c in contacts.list_contacts(owner, uow)] == [kept.id]
