"""Exports: vCard round trip into an empty database, CSV and iCalendar of what one may see."""

from __future__ import annotations

import io
from pathlib import Path

from goodwill.bootstrap import open_database
from goodwill.services import accounts, contacts, exporting, importing
from goodwill.services.importing import ImportOptions
from tests.factories import make_contact, make_interaction, make_task

DATA = Path(__file__).resolve().parents[1] / "data" / "vcard"


def _fields(actor, uow):
    found = []
    for summary in contacts.list_contacts(actor, uow, limit=1000):
        c = contacts.show_contact(actor, uow, summary.id)
        found.append((
            c.display_name, c.nickname, tuple(sorted(e.email for e in c.emails)),
            tuple(sorted(p.e164 for p in c.phones)), tuple(c.tags), c.birthday,
            tuple(sorted(c.links)),
            tuple((p.organization.label, p.title) for p in c.positions if p.end_date is None),
        ))  # fmt: skip
    return sorted(found, key=repr)


def test_vcard_export_then_import_into_an_empty_database_keeps_the_fields(
    owner, uow, tmp_path, empty_database_url
):
    for name in ("apple_export", "google_export", "v21_quoted_printable", "v40"):
        fixture = DATA / f"{name}.vcf"
        importing.run_import(owner, uow, fixture, ImportOptions(format="vcard"))
    make_contact(owner, uow, name="Zoë Ångström", add_emails=["zoe@example.com"],
                 add_phones=["+1 415 555 0100"], add_tags=["mentor"], organization="Acme",
                 title="CTO")  # fmt: skip
    before = _fields(owner, uow)
    assert len(before) > 5
    out = io.StringIO(newline="")
    count = exporting.export_vcards(owner, uow, out)
    assert count == len(before)
    card_file = tmp_path / "export.vcf"
    card_file.write_text(out.getvalue(), encoding="utf-8", newline="")

    fresh = open_database(empty_database_url, upgrade=True)
    try:
        actor = accounts.local_actor(fresh.uow)
        summary = importing.run_import(actor, fresh.uow, card_file, ImportOptions())
        assert summary.counts["failed"] == 0
        assert _fields(actor, fresh.uow) == before
    finally:
        fresh.close()


def test_exports_contain_only_what_the_actor_may_see(owner, teammate, uow):
    make_contact(owner, uow, name="Secret Person", add_emails=["secret@example.com"])
    shared = make_contact(owner, uow, name="Shared Person", visibility="workspace")
    make_interaction(owner, uow, shared.id, summary="team sync", visibility="workspace")
    make_interaction(owner, uow, shared.id, summary="private lunch", visibility="private")
    make_task(teammate, uow, title="ping shared", contact=shared.id, due="tomorrow")
    cards, table, calendar = io.StringIO(), io.StringIO(), io.BytesIO()
    exporting.export_vcards(teammate, uow, cards, version="4.0")
    exporting.export_csv(teammate, uow, table)
    exporting.export_calendar(teammate, uow, calendar)
    for text in (cards.getvalue(), table.getvalue(), calendar.getvalue().decode()):
        assert "Secret" not in text and "private lunch" not in text
    assert "Shared Person" in cards.getvalue() and "VERSION:4.0" in cards.getvalue()
    assert "Shared,,Person" in table.getvalue()
    ics = calendar.getvalue().decode()
    assert "team sync" in ics and "ping shared" in ics and "BEGIN:VTODO" in ics


def test_backup_keeps_what_imports_bring(owner, uow, empty_database_url):
    from goodwill.services import backup

    importing.run_import(owner, uow, DATA / "apple_export.vcf", ImportOptions(format="vcard"))
    mbox = DATA.parent / "email" / "archive.mbox"
    make_contact(owner, uow, name="Ann Lee", add_emails=["ann@example.com"])
    importing.run_import(owner, uow, mbox, ImportOptions())
    before = _fields(owner, uow)
    assert any(f[5] for f in before) and any(f[6] for f in before)  # birthdays and links
    data = backup.export_backup(owner, uow)
    fresh = open_database(empty_database_url, upgrade=True)
    try:
        backup.restore_backup(fresh.uow, data, "backup.json")
        actor = accounts.local_actor(fresh.uow)
        assert _fields(actor, fresh.uow) == before
        assert backup.export_backup(actor, fresh.uow) == data
        again = importing.run_import(actor, fresh.uow, mbox, ImportOptions())
        assert again.counts["created"] == 0  # message ids survived the round trip
    finally:
        fresh.close()
