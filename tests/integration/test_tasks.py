"""Tasks: add, complete, repeat, snooze, reschedule, list, delete."""

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, agenda, tasks, trash
from tests.factories import make_contact, make_task


def _local_today(actor):
    return local_date_of(datetime.now(UTC), actor.tz)


def _ids(views):
    return [v.id for v in views]


def test_add_task_with_due_date_is_all_day(owner, uow):
    task = make_task(owner, uow, title="Send the deck", due="2031-05-06")
    assert task.title == "Send the deck"
    assert task.all_day is True
    assert task.due_local == "2031-05-06"
    assert task.due_at == datetime(2031, 5, 6, tzinfo=UTC)
    assert (task.done_at, task.snoozed_until, task.recurrence) == (None, None, None)


def test_add_task_due_date_is_local_midnight_in_actor_zone(owner, uow):
    accounts.update_setting(owner, uow, "timezone", "Europe/Paris")
    actor = accounts.local_actor(uow)
    task = make_task(actor, uow, due="2031-05-06")
    assert task.due_at == datetime(2031, 5, 5, 22, 0, tzinfo=UTC)
    assert task.due_local == "2031-05-06"


def test_add_task_with_due_date_time(owner, uow):
    accounts.update_setting(owner, uow, "timezone", "America/New_York")
    actor = accounts.local_actor(uow)
    task = make_task(actor, uow, due="2031-01-10 09:15")
    assert task.all_day is False
    assert task.due_at == datetime(2031, 1, 10, 14, 15, tzinfo=UTC)
    assert task.due_local == "2031-01-10 09:15"


def test_add_task_with_aware_datetime(owner, uow):
    due = datetime(2031, 1, 10, 14, 15, tzinfo=UTC)
    task = make_task(owner, uow, due=due)
    assert (task.due_at, task.all_day) == (due, False)


def test_add_task_naive_datetime_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        make_task(owner, uow, due=datetime(2031, 1, 10, 14, 15))
    assert caught.value.field == "due"


def test_add_task_without_due(owner, uow):
    task = make_task(owner, uow)
    assert (task.due_at, task.due_local) == (None, None)
    assert _ids(tasks.list_tasks(owner, uow)) == [task.id]


def test_add_task_bad_due_names_the_field(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        make_task(owner, uow, due="someday")
    assert caught.value.field == "due"


def test_add_task_blank_title_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        tasks.add_task(owner, uow, "  ")
    assert caught.value.field == "title"


def test_add_task_repeat_without_due_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        make_task(owner, uow, repeat="weekly")
    assert caught.value.field == "repeat"
    assert tasks.list_tasks(owner, uow) == []


def test_add_task_bad_repeat_names_the_field(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        make_task(owner, uow, due="+1d", repeat="fortnightly")
    assert caught.value.field == "repeat"


def test_add_task_linked_to_contact(owner, uow):
    person = make_contact(owner, uow, name="Tess Tasked")
    task = make_task(owner, uow, contact="tess tasked")
    assert (task.contact.id, task.contact.label) == (person.id, "Tess Tasked")
    assert _ids(tasks.list_tasks(owner, uow, contact=person.id)) == [task.id]


def test_complete_task(owner, uow):
    task = make_task(owner, uow, due="+1d")
    done = tasks.complete_task(owner, uow, task.id)
    assert done.task.done_at is not None
    assert done.next_occurrence is None
    assert tasks.list_tasks(owner, uow) == []


def test_complete_task_twice_is_a_conflict(owner, uow):
    task = make_task(owner, uow)
    tasks.complete_task(owner, uow, task.id)
    with pytest.raises(Conflict):
        tasks.complete_task(owner, uow, task.id)


def test_complete_repeating_weekly_creates_next_occurrence(owner, uow):
    person = make_contact(owner, uow)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    task = make_task(owner, uow, title="Weekly sync", due=due, repeat="weekly", contact=person.id)
    done = tasks.complete_task(owner, uow, task.id)
    following = done.next_occurrence
    assert following is not None
    assert following.id != task.id
    assert following.due_at == due + timedelta(days=7)
    assert (following.title, following.recurrence) == ("Weekly sync", "weekly")
    assert following.contact is not None and following.contact.id == person.id
    assert following.done_at is None
    assert _ids(tasks.list_tasks(owner, uow)) == [following.id]


def test_complete_repeating_weekly_all_day_keeps_the_weekday(owner, uow):
    today = _local_today(owner)
    task = make_task(owner, uow, due="+3d", repeat="weekly")
    following = tasks.complete_task(owner, uow, task.id).next_occurrence
    assert following is not None
    assert following.all_day is True
    assert following.due_local == (today + timedelta(days=10)).isoformat()


def test_complete_repeating_monthly_from_jan_31_lands_on_end_of_february(owner, uow):
    year = datetime.now(UTC).year + 1
    task = make_task(owner, uow, due=datetime(year, 1, 31, 9, 0, tzinfo=UTC), repeat="monthly")
    following = tasks.complete_task(owner, uow, task.id).next_occurrence
    assert following is not None
    feb_end = 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    assert following.due_at == datetime(year, 2, feb_end, 9, 0, tzinfo=UTC)


def test_complete_repeating_monthly_twice_returns_to_the_31st(owner, uow):
    year = datetime.now(UTC).year + 1
    task = make_task(owner, uow, due=datetime(year, 1, 31, 9, 0, tzinfo=UTC), repeat="monthly")
    february = tasks.complete_task(owner, uow, task.id).next_occurrence
    assert february is not None
    march = tasks.complete_task(owner, uow, february.id).next_occurrence
    assert march is not None
    assert march.due_at == datetime(year, 3, 31, 9, 0, tzinfo=UTC)


def test_reschedule_restarts_a_repeating_series_from_the_new_date(owner, uow):
    year = datetime.now(UTC).year + 1
    task = make_task(owner, uow, due=datetime(year, 1, 31, 9, 0, tzinfo=UTC), repeat="monthly")
    tasks.reschedule_task(owner, uow, task.id, datetime(year, 1, 15, 9, 0, tzinfo=UTC))
    following = tasks.complete_task(owner, uow, task.id).next_occurrence
    assert following is not None
    assert following.due_at == datetime(year, 2, 15, 9, 0, tzinfo=UTC)


def test_changing_time_zone_keeps_all_day_tasks_on_their_day(owner, uow):
    due = _local_today(owner) + timedelta(days=3)
    task = make_task(owner, uow, due=due.isoformat())
    accounts.update_setting(owner, uow, "timezone", "Pacific/Auckland")
    moved = accounts.local_actor(uow)
    [view] = [t for t in tasks.list_tasks(moved, uow) if t.id == task.id]
    assert view.due_local == due.isoformat()
    assert view.due_at == local_midnight_utc(due, moved.tz)


def test_complete_repeating_overdue_task_rolls_past_now(owner, uow):
    now = datetime.now(UTC)
    task = make_task(owner, uow, due=now - timedelta(days=20, hours=1), repeat="weekly")
    following = tasks.complete_task(owner, uow, task.id).next_occurrence
    assert following is not None and following.due_at is not None
    assert now < following.due_at <= now + timedelta(days=7)
    assert (following.due_at - task.due_at) % timedelta(days=7) == timedelta(0)


def test_snooze_hides_task_from_agenda_until_the_date(owner, uow, monkeypatch):
    task = make_task(owner, uow, due="today")
    assert task.id in _ids(agenda.today_agenda(owner, uow).due_today)
    snoozed = tasks.snooze_task(owner, uow, task.id, "+2d")
    wake = local_midnight_utc(_local_today(owner) + timedelta(days=2), owner.tz)
    assert snoozed.snoozed_until == wake
    assert snoozed.due_at == task.due_at
    seen = agenda.today_agenda(owner, uow)
    assert task.id not in _ids(seen.due_today) + _ids(seen.overdue_tasks)

    monkeypatch.setattr(agenda, "utcnow", lambda: wake + timedelta(hours=1))
    assert task.id in _ids(agenda.today_agenda(owner, uow).overdue_tasks)


def test_snooze_into_the_past_is_refused(owner, uow):
    task = make_task(owner, uow, due="today")
    with pytest.raises(ValidationFailed) as caught:
        tasks.snooze_task(owner, uow, task.id, "-1d")
    assert caught.value.field == "until"
    with pytest.raises(ValidationFailed):
        tasks.snooze_task(owner, uow, task.id, datetime.now(UTC) - timedelta(minutes=1))
    assert tasks.list_tasks(owner, uow)[0].snoozed_until is None


def test_snooze_done_task_is_a_conflict(owner, uow):
    task = make_task(owner, uow)
    tasks.complete_task(owner, uow, task.id)
    with pytest.raises(Conflict):
        tasks.snooze_task(owner, uow, task.id, "tomorrow")


def test_reschedule_changes_due_and_clears_snooze(owner, uow):
    task = make_task(owner, uow, due="today")
    tasks.snooze_task(owner, uow, task.id, "+5d")
    moved = tasks.reschedule_task(owner, uow, task.id, "2031-02-03 10:00")
    assert moved.snoozed_until is None
    assert (moved.due_at, moved.all_day) == (datetime(2031, 2, 3, 10, 0, tzinfo=UTC), False)
    [listed] = tasks.list_tasks(owner, uow)
    assert (listed.due_at, listed.snoozed_until) == (moved.due_at, None)


def test_reschedule_snoozed_task_to_today_shows_it_again(owner, uow):
    task = make_task(owner, uow, due="-3d")
    tasks.snooze_task(owner, uow, task.id, "+5d")
    assert task.id not in _ids(agenda.today_agenda(owner, uow).overdue_tasks)
    tasks.reschedule_task(owner, uow, task.id, "today")
    assert task.id in _ids(agenda.today_agenda(owner, uow).due_today)


def test_list_tasks_own_open_soonest_first(owner, teammate, uow):
    no_due = make_task(owner, uow, title="whenever")
    later = make_task(owner, uow, due="+10d")
    sooner = make_task(owner, uow, due="+1d")
    past = make_task(owner, uow, due="-4d")
    make_task(teammate, uow, due="+2d", visibility="workspace")
    assert _ids(tasks.list_tasks(owner, uow)) == [past.id, sooner.id, later.id, no_due.id]


def test_list_tasks_include_done(owner, uow):
    open_task = make_task(owner, uow, due="+1d")
    done = make_task(owner, uow, due="+2d")
    tasks.complete_task(owner, uow, done.id)
    assert _ids(tasks.list_tasks(owner, uow)) == [open_task.id]
    assert _ids(tasks.list_tasks(owner, uow, include_done=True)) == [open_task.id, done.id]


def test_list_tasks_for_contact_shows_visible_tasks_of_everyone(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    mine = make_task(owner, uow, contact=shared.id, due="+1d")
    theirs = make_task(teammate, uow, contact=shared.id, due="+2d", visibility="workspace")
    make_task(teammate, uow, contact=shared.id, due="+3d", visibility="private")
    assert _ids(tasks.list_tasks(owner, uow, contact=shared.id)) == [mine.id, theirs.id]


def test_task_on_private_contact_defaults_private(owner, uow):
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    secret = make_contact(owner, uow, visibility="private")
    assert make_task(owner, uow, contact=secret.id).visibility == "private"
    assert make_task(owner, uow).visibility == "workspace"


def test_delete_task(owner, uow):
    task = make_task(owner, uow, due="today")
    tasks.delete_task(owner, uow, task.id)
    assert tasks.list_tasks(owner, uow, include_done=True) == []
    assert [(t.kind, t.id) for t in trash.list_trash(owner, uow)] == [("task", task.id)]
    with pytest.raises(NotFound):
        tasks.complete_task(owner, uow, task.id)


def test_delete_task_of_teammate_is_denied(owner, teammate, uow):
    theirs = make_task(teammate, uow, visibility="workspace")
    member = accounts.add_member(owner, uow, "carl@team.example")
    carl = accounts.local_actor(uow, member.email)
    with pytest.raises(PermissionDenied):
        tasks.delete_task(carl, uow, theirs.id)
    assert _ids(tasks.list_tasks(teammate, uow)) == [theirs.id]


def test_teammates_private_task_is_not_found(owner, teammate, uow):
    theirs = make_task(teammate, uow)
    with pytest.raises(NotFound) as hidden:
        tasks.complete_task(owner, uow, theirs.id)
    assert hidden.value.message == f"no task #{theirs.id}"
