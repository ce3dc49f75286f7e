"""Importing email and calendars: touches with known people, idempotent by message/event id."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from goodwill.services import accounts, contacts, importing, interactions, tasks
from goodwill.services.importing import ImportOptions
from goodwill.storage import aggregates
from goodwill.storage.aggregates import rebuild_touches, touch_rows
from goodwill.storage.schema import ContactTouch
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


def _mbox(path: Path, senders: list[str], count: int) -> Path:
    messages = []
    for n in range(count):
        sender = senders[n % len(senders)]
        messages.append(
            f"From {sender} Mon Jan  8 10:{n:02d}:00 2024\n"
            f"From: {sender}\nTo: me@example.org\nSubject: note {n}\n"
            f"Date: Mon, 8 Jan 2024 10:{n:02d}:00 +0000\nMessage-ID: <m{n}@example.com>\n\nhi\n\n"
        )
    path.write_text("".join(messages))
    return path


def _stored_touches(uow) -> dict[tuple[int, int, str], tuple[int, float]]:
    with uow.read() as session:
        return {
            (r.contact_id, r.owner_id, r.visibility): (r.touches, r.d_email)
            for r in session.scalars(select(ContactTouch))
        }


def _recomputed(uow) -> dict[tuple[int, int, str], tuple[int, float]]:
    with uow.read() as session:
        return {
            (r["contact_id"], r["owner_id"], r["visibility"]): (r["touches"], r["d_email"])
            for r in touch_rows(session, None)
        }


def test_an_import_counts_in_the_aggregates_once_when_it_ends(owner, uow, tmp_path, monkeypatch):
    """Batches commit their interactions; the touches are folded in once, at the end.
    A recompute meanwhile leaves the running import out, so nothing counts twice."""
    monkeypatch.setattr(aggregates, "FOLD_SPAN", 2)  # folded in several spans of ids
    people = [make_contact(owner, uow, name=f"P{n} Person", add_emails=[f"p{n}@example.com"]).id
              for n in range(3)]  # fmt: skip
    path = _mbox(tmp_path / "mail.mbox", [f"p{n}@example.com" for n in range(3)], 9)

    def crash(counts: dict[str, int]) -> None:
        if counts["read"] == 7:
            raise KeyboardInterrupt  # killed after two committed batches of 3

    with pytest.raises(KeyboardInterrupt):
        importing.run_import(owner, uow, path, ImportOptions(batch_size=3, progress=crash))
    assert len(interactions.list_interactions(owner, uow)) == 6  # committed, not yet counted
    assert _stored_touches(uow) == {}
    with uow.write() as session:
        rebuild_touches(session, people)  # e.g. a merge or a new half-life meanwhile
    assert _stored_touches(uow) == {} == _recomputed(uow)
    done = importing.run_import(owner, uow, path, ImportOptions(batch_size=3))
    assert done.status == "completed" and done.counts["created"] == 9
    stored = _stored_touches(uow)
    assert sorted(t for t, _ in stored.values()) == [3, 3, 3]
    recomputed = _recomputed(uow)
    assert stored.keys() == recomputed.keys()
    for key, (touches, decayed) in stored.items():
        assert touches == recomputed[key][0]
        assert abs(decayed - recomputed[key][1]) < 1e-9
    importing.undo_import(owner, uow, done.id)
    assert interactions.list_interactions(owner, uow) == []
    assert _stored_touches(uow) == {}


def _interactions(owner, uow) -> list[tuple[str | None, str, int, list[str]]]:
    rows = interactions.list_interactions(owner, uow)
    return sorted(
        (i.summary, i.initiator, i.recipients, sorted(p.label for p in i.participants))
        for i in rows
    )


def test_mbox_through_the_parser_worker_saves_what_inline_parsing_saves(owner, uow):
    """Messages cross from the worker as wire tuples: the same interactions result,
    and --create-contacts still reads the correspondents' names from them."""
    make_contact(owner, uow, name="Ann Lee", add_emails=["ann@example.com"])
    accounts.set_my_emails(owner, uow, ["me@example.org"])
    inline = importing.run_import(owner, uow, MBOX, ImportOptions(workers=1, create_contacts=True))
    expected = _interactions(owner, uow)
    names = sorted(c.display_name for c in contacts.list_contacts(owner, uow))
    importing.undo_import(owner, uow, inline.id)
    worker = importing.run_import(owner, uow, MBOX, ImportOptions(workers=2, create_contacts=True))
    assert worker.counts == inline.counts and worker.counts["created"] > 0
    assert _interactions(owner, uow) == expected
    assert sorted(c.display_name for c in contacts.list_contacts(owner, uow)) == names
