"""Importing contacts: idempotent, respectful of hand edits, undoable, resumable."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.services import contacts, importing, privacy
from goodwill.services.contacts import ContactChanges
from goodwill.services.importing import ImportOptions
from tests.factories import make_contact

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
PREAMBLE = 'Notes:\n"When exporting your connection data, some emails are missing."\n\n'


def linkedin(tmp_path: Path, rows: list[str], name: str = "Connections.csv") -> Path:
    path = tmp_path / name
    path.write_text(PREAMBLE + HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


ADA = "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Engines,Analyst,14 Feb 2023"
ZOE = 'Zoë,Ångström,https://www.linkedin.com/in/zo%C3%AB,,"Acme, Inc.",CTO,01 Mar 2022'


def run(actor, uow, path, **options):
    return importing.run_import(actor, uow, path, ImportOptions(format="linkedin", **options))


def test_import_creates_contacts_with_position_link_and_met_on(owner, uow, tmp_path):
    summary = run(owner, uow, linkedin(tmp_path, [ADA, ZOE, "", ADA]))
    assert summary.counts["created"] == 2 and summary.counts["unchanged"] == 1
    zoe = contacts.show_contact(owner, uow, "zoe")
    assert zoe.display_name == "Zoë Ångström"
    assert [(p.organization.label, p.title) for p in zoe.positions] == [("Acme, Inc.", "CTO")]
    assert str(zoe.met_on) == "2022-03-01"
    assert zoe.links == ["https://www.linkedin.com/in/zoë"]
    assert [c.display_name for c in contacts.search_contacts(owner, uow, "ada")] == ["Ada Lovelace"]


def test_importing_the_same_file_twice_changes_nothing(owner, uow, tmp_path):
    path = linkedin(tmp_path, [ADA, ZOE])
    run(owner, uow, path)
    again = run(owner, uow, path)
    assert again.counts["created"] == 0 and again.counts["updated"] == 0
    assert again.counts["unchanged"] == 2
    assert len(contacts.list_contacts(owner, uow)) == 2


def test_updated_export_closes_the_old_position_and_keeps_hand_edits(owner, uow, tmp_path):
    run(owner, uow, linkedin(tmp_path, [ADA]))
    contacts.edit_contact(owner, uow, "ada", ContactChanges(first_name="Augusta Ada"))
    moved = ADA.replace("Engines,Analyst", "Babbage Ltd,Partner").replace("Ada,", "Adah,", 1)
    summary = run(owner, uow, linkedin(tmp_path, [moved], "Connections-2.csv"))
    assert summary.counts["updated"] == 1
    ada = contacts.show_contact(owner, uow, "ada@example.com")
    assert ada.first_name == "Augusta Ada"  # the user's edit wins over the file
    positions = {p.organization.label: p.end_date for p in ada.positions}
    assert positions["Babbage Ltd"] is None and positions["Engines"] is not None


def test_undo_removes_what_an_import_created_and_reverts_what_it_changed(owner, uow, tmp_path):
    mine = make_contact(owner, uow, name="Ada Lovelace", add_emails=["ada@example.com"])
    first = run(owner, uow, linkedin(tmp_path, [ADA, ZOE]))
    shown = contacts.show_contact(owner, uow, mine.id)
    assert [p.organization.label for p in shown.positions] == ["Engines"]
    importing.undo_import(owner, uow, first.id)
    assert [c.id for c in contacts.list_contacts(owner, uow)] == [mine.id]
    assert contacts.show_contact(owner, uow, mine.id).positions == []
    assert importing.list_imports(owner, uow)[0].status == "undone"


def test_forgotten_people_are_skipped_and_counted(owner, uow, tmp_path):
    gone = make_contact(owner, uow, name="Ada Lovelace", add_emails=["ada@example.com"])
    privacy.forget_contact(owner, uow, gone.id)
    summary = run(owner, uow, linkedin(tmp_path, [ADA, ZOE]))
    assert summary.counts["suppressed"] == 1 and summary.counts["created"] == 1
    assert [c.display_name for c in contacts.list_contacts(owner, uow)] == ["Zoë Ångström"]


def test_import_never_matches_a_teammates_private_contact(owner, teammate, uow, tmp_path):
    hidden = make_contact(owner, uow, name="Ada Secret", add_emails=["ada@example.com"])
    run(teammate, uow, linkedin(tmp_path, [ADA]))
    assert contacts.show_contact(owner, uow, hidden.id).display_name == "Ada Secret"
    mine = contacts.list_contacts(teammate, uow)
    assert [c.display_name for c in mine] == ["Ada Lovelace"] and mine[0].id != hidden.id


def test_dry_run_writes_nothing(owner, uow, tmp_path):
    summary = run(owner, uow, linkedin(tmp_path, [ADA, ZOE]), dry_run=True)
    assert summary.counts["created"] == 2
    assert contacts.list_contacts(owner, uow) == []
    assert importing.list_imports(owner, uow) == []


def test_bad_records_are_reported_and_the_rest_imports(owner, uow, tmp_path):
    bad = ",,https://www.linkedin.com/in/nobody,,X,Y,01 Jan 2020"
    errors = []
    summary = run(owner, uow, linkedin(tmp_path, [bad, ADA]), on_error=errors.append)
    assert summary.counts["failed"] == 1 and summary.counts["created"] == 1
    assert errors and errors[0].location.record == 1


def test_an_interrupted_import_resumes_to_the_same_counts(owner, uow, tmp_path):
    rows = [f"P{n},Person,https://www.linkedin.com/in/p{n},p{n}@example.com,Co,T,01 Jan 2020"
            for n in range(12)]  # fmt: skip
    path = linkedin(tmp_path, rows)

    def crash(counts):
        if counts["read"] == 7:
            raise KeyboardInterrupt  # killed after two committed batches of 3

    with pytest.raises(KeyboardInterrupt):
        run(owner, uow, path, batch_size=3, progress=crash)
    assert len(contacts.list_contacts(owner, uow)) == 6  # two batches were committed
    resumed = run(owner, uow, path, batch_size=3)
    assert resumed.counts["created"] == 12 and resumed.counts["read"] == 12
    assert len(contacts.list_contacts(owner, uow)) == 12
    assert len(importing.list_imports(owner, uow)) == 1


def test_a_company_homepage_is_kept_but_never_matched_on(owner, uow, tmp_path):
    rows = ["Ann,One,https://www.contoso.com,,Contoso,CEO,01 Jan 2020",
            "Bob,Two,https://www.contoso.com,,Contoso,CTO,01 Jan 2020"]  # fmt: skip
    summary = run(owner, uow, linkedin(tmp_path, rows))
    assert summary.counts["created"] == 2


def test_forgetting_suppresses_imported_profile_urls(owner, uow, tmp_path):
    run(owner, uow, linkedin(tmp_path, [ZOE]))
    privacy.forget_contact(owner, uow, "zoe")
    again = run(owner, uow, linkedin(tmp_path, [ZOE], "again.csv"))
    assert again.counts["suppressed"] == 1 and contacts.list_contacts(owner, uow) == []


def test_bulk_triage_of_what_an_import_created(owner, uow, tmp_path):
    keep = make_contact(owner, uow, name="Kept Apart", tier="A")
    summary = run(owner, uow, linkedin(tmp_path, [ADA, ZOE]))
    count = contacts.bulk_update_contacts(
        owner, uow, imported=summary.id, add_tags=["linkedin"], tier="none"
    )
    assert count == 2
    tagged = contacts.list_contacts(owner, uow, tag="linkedin")
    assert sorted(c.display_name for c in tagged) == ["Ada Lovelace", "Zoë Ångström"]
    assert all(c.tier is None and c.cadence_days is None for c in tagged)
    assert contacts.show_contact(owner, uow, keep.id).tags == []
