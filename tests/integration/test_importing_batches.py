"""The set-wise batch write: same results as record by record, across batch edges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from goodwill.errors import ImportFailed
from goodwill.services import _import_contacts, contacts, importing, organizations
from goodwill.services.contacts import ContactChanges
from goodwill.services.importing import ImportOptions
from goodwill.storage.schema import Contact, ImportKey, Organization
from tests.integration.test_importing import linkedin


def run(actor: Any, uow: Any, path: Any, **options: Any) -> importing.ImportSummary:
    return importing.run_import(actor, uow, path, ImportOptions(format="linkedin", **options))


def person(n: int, company: str = "Acme", title: str = "Engineer") -> str:
    url = f"https://www.linkedin.com/in/p{n}"
    return f"P{n},Person,{url},p{n}@example.com,{company},{title},01 Jan 2020"


def test_batches_share_organizations_and_tags_across_the_run(owner, uow, tmp_path):
    rows = [person(n, company="Acme" if n % 2 else "ACME ") for n in range(10)]
    summary = run(owner, uow, linkedin(tmp_path, rows), batch_size=3)
    assert summary.counts["created"] == 10
    with uow.read() as session:
        names = session.scalars(select(Organization.name)).all()
    assert names == ["ACME"] or names == ["Acme"]  # one organization, whichever came first
    shown = contacts.show_contact(owner, uow, "p9@example.com")
    assert [p.organization.label for p in shown.positions] == names


def test_a_repeated_row_within_a_batch_and_across_batches_is_one_contact(owner, uow, tmp_path):
    rows = [person(1), person(2), person(1), person(3), person(2), person(1)]
    summary = run(owner, uow, linkedin(tmp_path, rows), batch_size=4)
    assert summary.counts["created"] == 3
    assert summary.counts["unchanged"] == 3
    assert len(contacts.list_contacts(owner, uow)) == 3


def test_same_email_on_two_new_rows_of_a_batch_is_one_contact(owner, uow, tmp_path):
    first = "Ada,Lovelace,,ada@example.com,Engines,Analyst,14 Feb 2023"
    again = "Ada,King,,ada@example.com,Engines,Countess,14 Feb 2023"
    summary = run(owner, uow, linkedin(tmp_path, [first, again]))
    assert summary.counts["created"] == 1 and summary.counts["updated"] == 1
    assert len(contacts.list_contacts(owner, uow)) == 1


def test_a_company_named_by_digits_is_a_name_not_an_id(owner, uow, tmp_path):
    changes = organizations.OrganizationChanges(name="Other")
    other = organizations.add_organization(owner, uow, changes)
    row = f"Ann,Chicago,,ann@example.com,{other.id},Founder,01 Jan 2020"
    run(owner, uow, linkedin(tmp_path, [row, "Bo,Chicago,,bo@example.com,1871,Mentor,01 Jan 2020"]))
    ann = contacts.show_contact(owner, uow, "ann@example.com")
    assert [p.organization.label for p in ann.positions] == [str(other.id)]
    bo = contacts.show_contact(owner, uow, "bo@example.com")
    assert [p.organization.label for p in bo.positions] == ["1871"]


def test_rerun_reads_the_content_hash_and_a_changed_row_updates(owner, uow, tmp_path):
    rows = [person(n) for n in range(5)]
    run(owner, uow, linkedin(tmp_path, rows))
    with uow.read() as session:
        hashes = dict(session.execute(select(ImportKey.contact_id, ImportKey.content_hash)).all())
    assert len(hashes) == 5 and all(len(h or "") == 64 for h in hashes.values())
    rows[2] = person(2, title="Principal")
    summary = run(owner, uow, linkedin(tmp_path, rows, "Connections-2.csv"))
    assert summary.counts["unchanged"] == 4 and summary.counts["updated"] == 1
    shown = contacts.show_contact(owner, uow, "p2@example.com")
    assert [p.title for p in shown.positions] == ["Principal"]  # a promotion, same company
    with uow.read() as session:
        after = dict(session.execute(select(ImportKey.contact_id, ImportKey.content_hash)).all())
    changed = [cid for cid in hashes if hashes[cid] != after[cid]]
    assert changed == [shown.id]


def test_a_database_error_in_a_batch_fails_only_its_record(owner, uow, tmp_path, monkeypatch):
    real = _import_contacts.insert_rows

    def picky(session: Any, table: str, rows: Any, progress: Any = None) -> None:
        if table == "contact_emails" and any(r["email"] == "p3@example.com" for r in rows):
            raise IntegrityError("INSERT", {}, Exception("simulated constraint"))
        real(session, table, rows, progress)

    monkeypatch.setattr(_import_contacts, "insert_rows", picky)
    errors: list[str] = []
    summary = importing.run_import(
        owner, uow, linkedin(tmp_path, [person(n) for n in range(6)]),
        ImportOptions(format="linkedin", on_error=lambda e: errors.append(str(e))),
    )  # fmt: skip
    assert summary.counts["created"] == 5 and summary.counts["failed"] == 1
    assert len(errors) == 1 and "record 4" in errors[0] and "simulated constraint" in errors[0]
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 5
        orgs = session.scalars(select(Organization.name)).all()
    assert orgs == ["Acme"]  # the rolled-back attempt left no organization behind


def test_a_batch_costs_a_bounded_number_of_statements(owner, uow, tmp_path, engine):
    """Set-wise: the statement count of a batch does not grow with its size."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        statements.append(sql)

    def measure(rows: list[str], name: str) -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            run(owner, uow, linkedin(tmp_path, rows, name), batch_size=len(rows))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    small = measure([person(n, company=f"C{n}") for n in range(20)], "a.csv")
    large = measure([person(n, company=f"C{n}") for n in range(100, 300)], "b.csv")
    assert large <= small + 5, (small, large)


def test_unmapped_columns_land_in_custom_fields_and_hand_edits_stay(owner, uow, tmp_path):
    source = Path(__file__).parent.parent / "data" / "csv" / "google_current_extras.csv"
    options = ImportOptions(format="google")
    importing.run_import(owner, uow, source, options)
    mary = contacts.show_contact(owner, uow, "mary@jackson.example")
    assert mary.custom_fields["Middle name"] == "Winston"
    assert mary.custom_fields["Department"] == "Compressibility Research"
    assert mary.custom_fields["Favourite drink"] == "tea"
    assert mary.custom_fields["Favourite drink 2"] == "coffee"
    contacts.edit_contact(owner, uow, mary.id, ContactChanges(custom_fields={"Department": "IBM"}))
    again = importing.run_import(owner, uow, source, options)
    assert again.counts["created"] == 0
    mary = contacts.show_contact(owner, uow, "mary@jackson.example")
    assert mary.custom_fields["Department"] == "IBM"  # the user's value stays


def test_every_organization_of_a_record_becomes_a_position(owner, uow, tmp_path):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Hopper;Grace;;;\r\nFN:Grace Hopper\r\n"
        "EMAIL:grace@example.com\r\nORG:Navy\r\nTITLE:Rear Admiral\r\nORG:Harvard\r\n"
        "TITLE:Researcher\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "grace.vcf"
    path.write_text(card, encoding="utf-8")
    importing.run_import(owner, uow, path, ImportOptions(format="vcard"))
    grace = contacts.show_contact(owner, uow, "grace@example.com")
    assert sorted((p.organization.label, p.title) for p in grace.positions) == [
        ("Harvard", "Researcher"), ("Navy", "Rear Admiral"),
    ]  # fmt: skip
    again = importing.run_import(owner, uow, path, ImportOptions(format="vcard"))
    assert again.counts["unchanged"] == 1
    assert len(contacts.show_contact(owner, uow, "grace@example.com").positions) == 2


def test_a_worker_process_gives_the_same_import_as_inline(owner, uow, tmp_path):
    rows = [person(n, company=f"C{n % 7}") for n in range(40)]
    rows.append("Bad,Row,,not-an-email,X,Y,01 Jan 2020")
    path = linkedin(tmp_path, rows)
    errors: list[str] = []
    options = ImportOptions(
        format="linkedin", workers=2, batch_size=7, on_error=lambda e: errors.append(str(e))
    )
    summary = importing.run_import(owner, uow, path, options)
    assert summary.counts["created"] == 41 and summary.counts["read"] == 41
    assert any("not-an-email" in e for e in errors)  # warnings travel from the worker
    again = importing.run_import(owner, uow, path, ImportOptions(format="linkedin", workers=1))
    assert again.counts["unchanged"] == 41 and again.counts["created"] == 0


def test_a_worker_reports_a_file_that_is_not_the_claimed_format(owner, uow, tmp_path):
    path = tmp_path / "notes.vcf"
    path.write_text("this is not a vCard\n" * 10, encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        importing.run_import(owner, uow, path, ImportOptions(format="vcard", workers=2))
    assert "notes.vcf" in caught.value.message
    assert [r.status for r in importing.list_imports(owner, uow)] == ["failed"]
