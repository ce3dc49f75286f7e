"""The calendar feed on both databases: every open dated task of the user (plan steps,
introduction follow-ups, opportunity next steps, future imported meetings, plain tasks)
as a VEVENT with the task's stable UID, all-day on the user's own day, timed in their zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
from sqlalchemy import update

from goodwill.services import accounts, asks, feeds, intros, opportunities, pipelines, tasks
from goodwill.storage.schema import Task
from tests.factories import make_contact, make_task


def _events(feed: feeds.Feed) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(feed.body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _paris(owner, uow):
    accounts.update_setting(owner, uow, "timezone", "Europe/Paris")
    return accounts.local_actor(uow)


def test_feed_has_every_open_dated_task_as_an_event(owner, uow):
    owner = _paris(owner, uow)
    ann = make_contact(owner, uow, name="Ann Archer")
    dana = make_contact(owner, uow, name="Dana Diaz")
    plain = make_task(owner, uow, title="Send the deck", due="2030-06-03 15:00", contact=ann.id)
    allday = make_task(owner, uow, title="Birthday card", due="2030-06-04")
    undated = make_task(owner, uow, title="Someday")
    done = make_task(owner, uow, title="Done already", due="2030-06-05")
    tasks.complete_task(owner, uow, done.id)
    ask = asks.create_ask(
        owner, uow, ann.id, "favor", "review my deck", "you raised twice",
        steps=[("handwritten note", "2030-06-07")],
    ).ask  # fmt: skip
    step_task = ask.steps[0].task_id
    intro = intros.request_introduction(owner, uow, "Ann", "Dana", goal="hire a lead")
    intros.triage_introduction(owner, uow, intro.id, "accept", why_target="hiring", blurb="b")
    intros.record_consent(owner, uow, intro.id, agreed=True, by=dana.id)
    intros.make_introduction(owner, uow, intro.id)
    pipelines.create_pipeline(owner, uow, "Sales", "sales", currency="USD")
    deal = opportunities.add_opportunity(
        owner, uow, None, "Acme pilot", contact=ann.id, next_step="Send the proposal",
        next_due="2030-06-10 09:30",
    )  # fmt: skip
    meeting = make_task(owner, uow, title="Meeting with Ann: kickoff", due="2030-06-11 11:00")
    with uow.write() as session:  # what an .ics import writes for a future meeting
        session.execute(
            update(Task).where(Task.id == meeting.id).values(import_id=7, external_key="ev1")
        )

    feed = feeds.task_feed(owner, uow)
    events = _events(feed)
    open_ids = {t.id for t in tasks.list_tasks(owner, uow)} - {undated.id}
    assert set(events) == {f"task-{i}@goodwill.local" for i in open_ids}
    assert feed.events == len(open_ids) >= 6
    assert f"task-{step_task}@goodwill.local" in events
    assert f"task-{meeting.id}@goodwill.local" in events
    assert any("how the intro" in str(e["summary"]) for e in events.values())
    assert any(str(e["summary"]).startswith("Send the proposal") for e in events.values())
    assert deal.id

    timed = events[f"task-{plain.id}@goodwill.local"]
    start = timed.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Paris"
    assert (start.hour, start.minute) == (15, 0)
    assert timed.decoded("dtend") - start == timedelta(minutes=30)
    assert "Ann Archer" in str(timed["description"])
    assert b"BEGIN:VTIMEZONE" in feed.body and b"TZID:Europe/Paris" in feed.body

    # Local midnight in Paris is 22:00 UTC the day before: the event keeps its own day.
    whole = events[f"task-{allday.id}@goodwill.local"]
    assert whole.decoded("dtstart") == date(2030, 6, 4)
    assert whole.decoded("dtend") == date(2030, 6, 5)
    assert b"BEGIN:VTODO" not in feed.body


def test_feed_is_byte_stable_and_changes_with_the_tasks(owner, uow):
    make_task(owner, uow, title="Call Bob", due="2030-01-02 10:00")
    first, again = feeds.task_feed(owner, uow), feeds.task_feed(owner, uow)
    assert first.body == again.body and first.etag == again.etag
    make_task(owner, uow, title="Call Carol", due="2030-01-03")
    assert feeds.task_feed(owner, uow).etag != first.etag


def test_feed_shows_a_snoozed_task_when_it_comes_back(owner, uow):
    task = make_task(owner, uow, title="Nudge", due="2030-01-02")
    tasks.snooze_task(owner, uow, task.id, "2030-01-09")
    event = _events(feeds.task_feed(owner, uow))[f"task-{task.id}@goodwill.local"]
    assert event.decoded("dtstart") == date(2030, 1, 9)


def test_feed_never_carries_a_teammates_tasks(owner, teammate, uow):
    bea = make_contact(teammate, uow, name="Bea Shared", visibility="workspace")
    theirs = make_task(teammate, uow, title="TEAMMATE-ONLY", due="2030-01-02",
                       contact=bea.id, visibility="workspace")  # fmt: skip
    mine = make_task(owner, uow, title="Mine", due="2030-01-02")
    events = _events(feeds.task_feed(owner, uow))
    assert set(events) == {f"task-{mine.id}@goodwill.local"}
    assert b"TEAMMATE-ONLY" not in feeds.task_feed(owner, uow).body
    assert f"task-{theirs.id}@goodwill.local" in _events(feeds.task_feed(teammate, uow))


def test_feed_of_a_utc_user_writes_utc_times_without_a_vtimezone(owner, uow):
    task = make_task(owner, uow, title="Standup", due="2030-03-04 08:15")
    feed = feeds.task_feed(owner, uow)
    start = _events(feed)[f"task-{task.id}@goodwill.local"].decoded("dtstart")
    assert start == datetime(2030, 3, 4, 8, 15, tzinfo=start.tzinfo)
    assert start.utcoffset() == timedelta(0)
    assert b"VTIMEZONE" not in feed.body
