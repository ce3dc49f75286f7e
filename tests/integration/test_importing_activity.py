"""Importing email and calendars: touches with known people, idempotent by message/event id."""

from __future__ import annotations

from pathlib import Path

from goodwill.services import accounts, contacts, importing, interactions, tasks
from goodwill.services.importing import ImportOptions
from tests.factories import make_contact

DATA = Path(__file__).resolve().parents[1] / "data"
MBOX = DATA / "email" / "archive.mbox"
ICS = DATA / "ics" / "calendar.ics"


def test_mbox_links_messages_to_known_contacts_only(owner, uow):
    ann = make_contact(owner, uow, name="Ann Lee", add_emails=["ann@example.com"])
    accounts.set_my_emails(owner, uow, ["me@example.org"])
    summary = importing.run_import(owner, uow, MBOX, ImportOptions())
    assert summary.format == "mbox" and summary.counts["failed"] == 3
    timeline = interactions.contact_timeline(owner, uow, ann.id)
    assert [i.summary for i in timeline] == ["Café à Zürich — demain (RSVP)", "Coffee next week?"]
    assert all(i.channel == "email" and i.initiator == "them" for i in timeline)
    assert timeline[0].recipients >= 3  # To and Cc were counted, not only known people
    assert [c.display_name for c in contacts.list_contacts(owner, uow)] == ["Ann Lee"]


def test_mbox_reimport_changes_nothing(owner, uow):
    make_contact(owner, uow, name="Ann Lee", add_emails=["ann@example.com"])
    first = importing.run_import(owner, uow, MBOX, ImportOptions())
    again = importing.run_import(owner, uow, MBOX, ImportOptions())
    assert again.counts["created"] == 0
    assert again.counts["unchanged"] == first.counts["created"] > 0
    assert len(interactions.list_interactions(owner, uow)) == first.counts["created"]


def test_create_contacts_skips_lists_and_no_reply_senders(owner, uow):
    accounts.set_my_emails(owner, uow, ["me@example.org"])
    importing.run_import(owner, uow, MBOX, ImportOptions(create_contacts=True))
    emails = {c.primary_email for c in contacts.list_contacts(owner, uow)}
    assert "ann@example.com" in emails and "zoe@example.se" in emails
    assert not emails & {"noreply@github.com", "dan@example.net", "me@example.org"}


def test_calendar_past_events_become_meetings_and_are_not_duplicated(owner, uow):
    ann = make_contact(owner, uow, name="Ann Lee", add_emails=["ann@example.com"])
    accounts.set_my_emails(owner, uow, ["me@example.org"])
    first = importing.run_import(owner, uow, ICS, ImportOptions())
    assert first.format == "ics" and first.counts["created"] > 0
    meetings = interactions.contact_timeline(owner, uow, ann.id, limit=100)
    assert meetings and all(m.channel == "meeting" for m in meetings)
    assert all(m.initiator == "me" for m in meetings if "Weekly sync" in (m.summary or ""))
    again = importing.run_import(owner, uow, ICS, ImportOptions())
    assert again.counts["created"] == 0
    assert len(interactions.contact_timeline(owner, uow, ann.id, limit=100)) == len(meetings)


def test_calendar_future_occurrences_become_tasks(owner, uow):
    make_contact(owner, uow, name="Dana Mentor", add_emails=["dana@example.com"])
    importing.run_import(owner, uow, ICS, ImportOptions())
    upcoming = [t for t in tasks.list_tasks(owner, uow, limit=1000) if "Mentor call" in t.title]
    assert upcoming and all(t.title.startswith("Meeting with Dana Mentor") for t in upcoming)
