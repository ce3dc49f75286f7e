"""Weekly activity goals on both databases: set, list, remove, progress in the user's week."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import accounts, asks, goals, ledger
from tests.factories import make_contact, make_interaction
from tests.pipeline_data import JOB_SEARCH, add_opportunity, add_pipeline


def test_set_list_change_and_remove_goals(uow, owner):
    assert goals.list_goals(owner, uow) == []
    goals.set_goal(owner, uow, "gives", 3)
    view = goals.set_goal(owner, uow, " Networking ", "10")
    assert (view.metric, view.weekly_target) == ("networking", 10)
    goals.set_goal(owner, uow, "gives", 5)
    assert [(g.metric, g.weekly_target) for g in goals.list_goals(owner, uow)] == [
        ("networking", 10),
        ("gives", 5),
    ]
    assert goals.remove_goal(owner, uow, "gives").weekly_target == 5
    assert [g.metric for g in goals.list_goals(owner, uow)] == ["networking"]
    with pytest.raises(NotFound, match="no goal for gives"):
        goals.remove_goal(owner, uow, "gives")


@pytest.mark.parametrize(
    ("metric", "target", "field", "fragment"),
    [
        ("naps", 3, "metric", "'naps' is not one of touches, networking"),
        ("asks", 0, "target", "0 is below 1"),
        ("asks", -2, "target", "-2 is below 1"),
        ("asks", "lots", "target", "'lots' is not a whole number"),
    ],
)
def test_set_goal_refuses_bad_input_and_writes_nothing(uow, owner, metric, target, field, fragment):
    with pytest.raises(ValidationFailed) as caught:
        goals.set_goal(owner, uow, metric, target)
    assert caught.value.field == field and fragment in caught.value.message
    assert goals.list_goals(owner, uow) == []


def test_goals_are_each_users_own(uow, owner, teammate):
    goals.set_goal(owner, uow, "gives", 3)
    assert goals.list_goals(teammate, uow) == []
    with pytest.raises(NotFound):
        goals.remove_goal(teammate, uow, "gives")
    assert goals.goals_report(teammate, uow).goals == []


def test_progress_counts_the_week_monday_to_sunday(uow, owner, teammate):
    for metric in ("touches", "networking", "gives", "applications"):
        goals.set_goal(owner, uow, metric, 2)
    ann = make_contact(owner, uow, name="Ann Archer", visibility="workspace")
    make_interaction(owner, uow, ann.id, channel="coffee", when="2024-05-06 08:00")  # Monday
    make_interaction(owner, uow, ann.id, channel="email", when="2024-05-12 22:00")  # Sunday
    make_interaction(owner, uow, ann.id, channel="call", when="2024-05-13 00:30")  # next week
    make_interaction(teammate, uow, ann.id, channel="meeting", when="2024-05-07 10:00")
    ledger.record_give(owner, uow, ann.id, "advice", on="2024-05-05")  # the Sunday before
    ledger.record_give(owner, uow, ann.id, "article", on="2024-05-09")
    with uow.write() as s:
        p = add_pipeline(s, owner, "Search", "job_search", stages=JOB_SEARCH)
        add_opportunity(s, owner, p, "target@0 applied@2", start=datetime(2024, 5, 5, tzinfo=UTC))
        add_opportunity(s, owner, p, "applied@0 screen@1", start=datetime(2024, 5, 8, tzinfo=UTC))
        add_opportunity(s, owner, p, "applied@0", start=datetime(2024, 5, 13, 1, tzinfo=UTC))
    report = goals.goals_report(owner, uow, week_of="2024-05-09")
    assert (report.week_start, report.week_end) == (date(2024, 5, 6), date(2024, 5, 12))
    done = {g.metric: (g.done, g.percent, g.remaining, g.met) for g in report.goals}
    assert done == {
        "touches": (2, 100, 0, True),
        "networking": (1, 50, 1, False),
        "gives": (1, 50, 1, False),
        "applications": (2, 100, 0, True),
    }


def test_progress_follows_the_users_time_zone(uow, owner):
    accounts.update_setting(owner, uow, "timezone", "America/New_York")
    local = accounts.local_actor(uow)
    goals.set_goal(local, uow, "touches", 1)
    ann = make_contact(local, uow, name="Ann Archer")
    # Monday 03:00 UTC is still Sunday evening in New York: the week before.
    make_interaction(local, uow, ann.id, when=datetime(2024, 5, 6, 3, 0, tzinfo=UTC))
    before = goals.goals_report(local, uow, week_of=date(2024, 5, 6)).goals[0]
    previous = goals.goals_report(local, uow, week_of=date(2024, 5, 5)).goals[0]
    assert (before.done, previous.done) == (0, 1)


def test_asks_made_count_in_the_week_they_were_asked(uow, owner):
    goals.set_goal(owner, uow, "asks", 1)
    ann = make_contact(owner, uow, name="Ann Archer")
    ask = asks.create_ask(owner, uow, ann.id, "advice", "pricing review", "you priced three SaaS")
    assert goals.goals_report(owner, uow).goals[0].done == 0
    asks.mark_asked(owner, uow, ask.ask.id)
    assert goals.goals_report(owner, uow).goals[0].done == 1
