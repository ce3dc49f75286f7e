"""The daily agenda: tasks due and overdue in the user's zone, and lapsed contacts."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from goodwill.domain.dates import local_date_of
from goodwill.services import accounts, agenda, contacts, tasks, trash
from tests.factories import make_contact, make_interaction, make_task

# Fixed-offset zones from UTC-12 to UTC+14: every local hour of the day occurs in one of them.
OFFSET_ZONES = [f"Etc/GMT{-h:+d}" if h else "Etc/UTC" for h in range(-12, 15)]


def _ids(views):
    return [v.id for v in views]


def _in_zone(owner, uow, name):
    accounts.update_setting(owner, uow, "timezone", name)
    return accounts.local_actor(uow)


def _zone_where_local_time_is(now, low, high):
    """A zone whose local time of `now` lies in [low, high) hours."""
    for name in OFFSET_ZONES:
        local = now.astimezone(ZoneInfo(name))
        if low <= local.hour + local.minute / 60 < high:
            return name
    raise AssertionError(f"no zone with local time in [{low}, {high})")


def test_today_agenda_timed_task_is_today_in_one_zone_and_tomorrow_in_another(owner, uow):
    now = datetime.now(UTC)
    due = now + timedelta(hours=2)
    task = make_task(owner, uow, due=due)
    late_evening = _zone_where_local_time_is(now, 22.5, 23.5)
    midday = _zone_where_local_time_is(now, 10, 20)

    evening_agenda = agenda.today_agenda(_in_zone(owner, uow, late_evening), uow)
    assert task.id not in _ids(evening_agenda.due_today) + _ids(evening_agenda.overdue_tasks)

    midday_agenda = agenda.today_agenda(_in_zone(owner, uow, midday), uow)
    assert _ids(midday_agenda.due_today) == [task.id]
    assert midday_agenda.overdue_tasks == []
    assert midday_agenda.timezone == midday
    assert midday_agenda.today == local_date_of(now, ZoneInfo(midday))


def _zones_a_day_apart(now):
    """(west, east): east's local date is west's plus one, offsets less than a day apart,
    and neither local time within a quarter hour of midnight."""

    def local(name):
        return now.astimezone(ZoneInfo(name))

    def clear_of_midnight(moment):
        return 0.25 <= moment.hour + moment.minute / 60 < 23.75

    for west in OFFSET_ZONES:
        for east in OFFSET_ZONES:
            lw, le = local(west), local(east)
            apart = le.utcoffset() - lw.utcoffset()
            if (
                le.date() == lw.date() + timedelta(days=1)
                and apart < timedelta(hours=24)
                and clear_of_midnight(lw)
                and clear_of_midnight(le)
            ):
                return west, east
    raise AssertionError("no pair of zones a local day apart")


def test_today_agenda_all_day_task_is_today_in_its_zone_and_overdue_a_day_later(owner, uow):
    now = datetime.now(UTC)
    west, east = _zones_a_day_apart(now)
    actor = _in_zone(owner, uow, west)
    task = make_task(actor, uow, due="today")
    west_agenda = agenda.today_agenda(actor, uow)
    assert (_ids(west_agenda.due_today), west_agenda.overdue_tasks) == ([task.id], [])

    # Where the local day has already moved on, that task's day has passed.
    east_agenda = agenda.today_agenda(_in_zone(owner, uow, east), uow)
    assert east_agenda.today == west_agenda.today + timedelta(days=1)
    assert (_ids(east_agenda.overdue_tasks), east_agenda.due_today) == ([task.id], [])


def test_today_agenda_overdue_and_due_today_split(owner, uow):
    now = datetime.now(UTC)
    overdue_day = make_task(owner, uow, due="-2d")
    overdue_time = make_task(owner, uow, due=now - timedelta(minutes=30))
    today = make_task(owner, uow, due="today")
    make_task(owner, uow, due="+2d")
    make_task(owner, uow, title="no due date")
    seen = agenda.today_agenda(owner, uow)
    assert set(_ids(seen.overdue_tasks)) == {overdue_day.id, overdue_time.id}
    assert _ids(seen.overdue_tasks)[0] == overdue_day.id
    assert _ids(seen.due_today) == [today.id]


def test_today_agenda_task_limit_shows_the_oldest_and_counts_every_task(owner, uow):
    now = datetime.now(UTC)
    overdue = [make_task(owner, uow, due=f"-{days}d") for days in (5, 4, 3, 2)]
    overdue.append(make_task(owner, uow, due=now - timedelta(minutes=30)))
    today = [make_task(owner, uow, due="today") for _ in range(3)]
    oldest = make_task(owner, uow, due="-9d")
    done = make_task(owner, uow, due="-8d")
    tasks.complete_task(owner, uow, done.id)
    seen = agenda.today_agenda(owner, uow, task_limit=2)
    assert (seen.overdue_total, seen.due_today_total, seen.ask_steps_total) == (6, 3, 0)
    assert len(seen.overdue_tasks) == 2 and len(seen.due_today) == 2
    # Soonest due first: the -9d task, then the -5d one.
    assert _ids(seen.overdue_tasks) == [oldest.id, overdue[0].id]
    assert set(_ids(seen.due_today)) <= {t.id for t in today}
    every = agenda.today_agenda(owner, uow, task_limit=None)
    assert (len(every.overdue_tasks), every.overdue_total) == (6, 6)
    assert (len(every.due_today), every.due_today_total) == (3, 3)
    assert _ids(every.overdue_tasks)[:2] == _ids(seen.overdue_tasks)


def test_today_agenda_task_totals_leave_out_what_the_lists_leave_out(owner, teammate, uow):
    person = make_contact(owner, uow)
    make_task(owner, uow, due="-1d", contact=person.id)
    make_task(teammate, uow, due="-1d", visibility="workspace")
    snoozed = make_task(owner, uow, due="-2d")
    tasks.snooze_task(owner, uow, snoozed.id, "tomorrow")
    kept = make_task(owner, uow, due="-3d")
    contacts.delete_contact(owner, uow, person.id)
    seen = agenda.today_agenda(owner, uow, task_limit=10)
    assert (_ids(seen.overdue_tasks), seen.overdue_total) == ([kept.id], 1)


def test_today_agenda_excludes_teammates_tasks(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    make_task(teammate, uow, due="today", contact=shared.id, visibility="workspace")
    make_task(teammate, uow, due="-3d", visibility="workspace")
    mine = make_task(owner, uow, due="today")
    seen = agenda.today_agenda(owner, uow)
    assert _ids(seen.due_today) == [mine.id]
    assert seen.overdue_tasks == []
    assert len(agenda.today_agenda(teammate, uow).due_today) == 1


def test_today_agenda_excludes_done_deleted_and_snoozed_tasks(owner, uow):
    done = make_task(owner, uow, due="-1d")
    deleted = make_task(owner, uow, due="today")
    snoozed = make_task(owner, uow, due="-2d")
    kept = make_task(owner, uow, due="today")
    tasks.complete_task(owner, uow, done.id)
    tasks.delete_task(owner, uow, deleted.id)
    tasks.snooze_task(owner, uow, snoozed.id, "tomorrow")
    seen = agenda.today_agenda(owner, uow)
    assert _ids(seen.due_today) == [kept.id]
    assert seen.overdue_tasks == []


def test_today_agenda_task_about_a_trashed_contact_waits_in_the_trash(owner, uow):
    person = make_contact(owner, uow)
    task = make_task(owner, uow, due="today", contact=person.id)
    contacts.delete_contact(owner, uow, person.id)
    assert agenda.today_agenda(owner, uow).due_today == []
    trash.restore_from_trash(owner, uow, "contact", person.id)
    assert _ids(agenda.today_agenda(owner, uow).due_today) == [task.id]


def test_today_agenda_task_shows_its_contact(owner, uow):
    person = make_contact(owner, uow, name="Agnes Agenda")
    make_task(owner, uow, due="today", contact=person.id)
    [item] = agenda.today_agenda(owner, uow).due_today
    assert item.contact is not None
    assert (item.contact.id, item.contact.label) == (person.id, "Agnes Agenda")


def _lapsed(owner, uow, **kwargs):
    return {item.contact.id: item for item in agenda.today_agenda(owner, uow, **kwargs).lapsed}


def test_lapsed_tier_a_contact_touched_40_days_ago(owner, uow):
    person = make_contact(owner, uow, tier="A")
    touched = make_interaction(owner, uow, person.id, when="-40d")
    item = _lapsed(owner, uow)[person.id]
    assert (item.tier, item.cadence_days, item.days_overdue) == ("inner", 30, 10)
    assert item.last_touch == touched.interaction.occurred_at


def test_lapsed_not_for_contact_touched_5_days_ago(owner, uow):
    person = make_contact(owner, uow, tier="A")
    make_interaction(owner, uow, person.id, when="-40d")
    make_interaction(owner, uow, person.id, when="-5d")
    assert person.id not in _lapsed(owner, uow)


def test_lapsed_never_for_contact_without_tier(owner, uow):
    person = make_contact(owner, uow, met_on="2001-01-01")
    make_interaction(owner, uow, person.id, when="2001-02-01")
    assert _lapsed(owner, uow) == {}


def test_lapsed_never_for_archived_or_deleted_contact(owner, uow):
    archived = make_contact(owner, uow, tier="A")
    deleted = make_contact(owner, uow, tier="A")
    for person in (archived, deleted):
        make_interaction(owner, uow, person.id, when="-100d")
    assert set(_lapsed(owner, uow)) == {archived.id, deleted.id}
    contacts.archive_contact(owner, uow, archived.id)
    contacts.delete_contact(owner, uow, deleted.id)
    seen = agenda.today_agenda(owner, uow)
    assert (seen.lapsed, seen.lapsed_total) == ([], 0)


def test_lapsed_never_touched_contact_counts_from_met_on(owner, uow):
    today = local_date_of(datetime.now(UTC), owner.tz)
    long_ago = make_contact(owner, uow, tier="A", met_on=(today - timedelta(days=45)).isoformat())
    recent = make_contact(owner, uow, tier="A", met_on=(today - timedelta(days=20)).isoformat())
    fresh = make_contact(owner, uow, tier="A")
    seen = _lapsed(owner, uow)
    assert seen[long_ago.id].days_overdue == 15
    assert seen[long_ago.id].last_touch is None
    assert recent.id not in seen
    assert fresh.id not in seen


def test_lapsed_custom_cadence(owner, uow):
    person = make_contact(owner, uow, tier="B", cadence="2w")
    make_interaction(owner, uow, person.id, when="-20d")
    assert _lapsed(owner, uow)[person.id].days_overdue == 6


def test_lapsed_ranked_by_overdue_relative_to_cadence(owner, uow):
    c_far = make_contact(owner, uow, name="Cora Cee", tier="wider")
    a_near = make_contact(owner, uow, name="Abe Ay", tier="inner")
    make_interaction(owner, uow, c_far.id, when=f"-{365 + 60}d")
    make_interaction(owner, uow, a_near.id, when=f"-{30 + 30}d")
    seen = agenda.today_agenda(owner, uow)
    assert [(i.contact.id, i.days_overdue) for i in seen.lapsed] == [
        (a_near.id, 30),
        (c_far.id, 60),
    ]


def test_lapsed_total_counts_all_and_limit_truncates(owner, uow):
    people = [make_contact(owner, uow, tier="A") for _ in range(5)]
    for days, person in zip(range(40, 90, 10), people, strict=True):
        make_interaction(owner, uow, person.id, when=f"-{days}d")
    seen = agenda.today_agenda(owner, uow, lapsed_limit=2)
    assert seen.lapsed_total == 5
    assert [i.contact.id for i in seen.lapsed] == [people[4].id, people[3].id]
    assert len(agenda.today_agenda(owner, uow, lapsed_limit=0).lapsed) == 0


def test_lapsed_ignores_teammates_private_touch_but_counts_a_shared_one(owner, teammate, uow):
    shared = make_contact(owner, uow, tier="A", visibility="workspace")
    make_interaction(owner, uow, shared.id, when="-50d")
    make_interaction(teammate, uow, shared.id, when="-1d", visibility="private")
    assert _lapsed(owner, uow)[shared.id].days_overdue == 20
    make_interaction(teammate, uow, shared.id, when="-3d", visibility="workspace")
    assert shared.id not in _lapsed(owner, uow)


def test_lapsed_only_for_own_contacts(owner, teammate, uow):
    shared = make_contact(owner, uow, tier="A", visibility="workspace")
    make_interaction(owner, uow, shared.id, when="-50d", visibility="workspace")
    assert shared.id in _lapsed(owner, uow)
    assert agenda.today_agenda(teammate, uow).lapsed_total == 0


def test_lapsed_days_counted_in_user_zone(owner, uow):
    actor = _in_zone(owner, uow, "Pacific/Kiritimati")
    person = make_contact(actor, uow, tier="A")
    make_interaction(actor, uow, person.id, when="-31d")
    seen = agenda.today_agenda(actor, uow)
    assert seen.today == local_date_of(datetime.now(UTC), ZoneInfo("Pacific/Kiritimati"))
    assert _lapsed(actor, uow)[person.id].days_overdue == 1
    assert isinstance(seen.today, date)


def test_lapsed_ranking_in_sql_agrees_with_the_domain_rule(owner, uow):
    """The stored anchors and SQL arithmetic give what the pure rule gives, contact by contact."""
    from goodwill.domain.agenda import cadence_overdue_days, lapse_rank, touch_priority
    from goodwill.services import demo

    demo.build_demo(owner, uow, contacts=80, seed=11)
    today = local_date_of(datetime.now(UTC), owner.tz)
    seen = agenda.today_agenda(owner, uow, lapsed_limit=1000)
    expected = []
    for summary in contacts.list_contacts(owner, uow, limit=1000):
        shown = contacts.show_contact(owner, uow, summary.id)
        if shown.cadence_days is None:
            continue
        last = local_date_of(shown.last_touch, owner.tz) if shown.last_touch else None
        since = shown.met_on or local_date_of(shown.created_at, owner.tz)
        days = cadence_overdue_days(last, since, shown.cadence_days, today)
        if days > 0:
            expected.append((shown.id, days, lapse_rank(days, shown.cadence_days)))
    assert seen.lapsed_total == len(expected) > 0
    assert {(c.contact.id, c.days_overdue) for c in seen.lapsed} == {
        (cid, days) for cid, days, _ in expected
    }
    ranks = [c.priority for c in seen.lapsed]
    assert ranks == sorted(ranks, reverse=True)
    for c in seen.lapsed:  # strength × overdue, from the strength the item shows
        assert c.priority == pytest.approx(
            touch_priority(c.strength, c.days_overdue, c.cadence_days), abs=2e-3
        )
