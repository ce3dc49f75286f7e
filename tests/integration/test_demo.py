"""`goodwill demo`: a seeded, realistic network on an empty database."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from goodwill.demo.generator import Owner, generate_network
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import (
    accounts,
    agenda,
    contacts,
    demo,
    goals,
    interactions,
    organizations,
    reports,
    tasks,
)
from goodwill.storage.schema import Tag
from tests.factories import make_contact

FIXED_NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
OWNER = Owner(workspace_id=1, user_id=1, visibility="private")


def _people(rows):
    return [
        (c["display_name"], e["email"]) for c, e in zip(rows.contacts, rows.emails, strict=True)
    ]


def test_build_demo_creates_the_requested_network(owner, uow):
    summary = demo.build_demo(owner, uow, contacts=40, seed=7)
    assert summary.contacts == 40
    listed = contacts.list_contacts(owner, uow, limit=1000)
    assert len(listed) == 40
    assert all(c.primary_email for c in listed)
    assert len({c.primary_email for c in listed}) == 40
    shown = contacts.show_contact(owner, uow, listed[0].id)
    assert shown.positions and shown.positions[0].organization.id is not None
    assert summary.organizations >= 1 and summary.interactions > 0 and summary.tasks >= 10
    assert len(interactions.list_interactions(owner, uow, limit=10_000)) == summary.interactions
    assert len(tasks.list_tasks(owner, uow, limit=10_000)) == summary.tasks


def test_build_demo_fills_every_section_of_the_agenda(owner, uow):
    demo.build_demo(owner, uow, contacts=60, seed=3)
    seen = agenda.today_agenda(owner, uow)
    assert seen.overdue_tasks
    assert seen.due_today
    assert seen.lapsed_total > 0
    assert all(item.days_overdue > 0 for item in seen.lapsed)


@pytest.mark.parametrize("utc_hour", [1, 12, 20])
@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Tokyo", "Pacific/Kiritimati"])
def test_build_demo_lays_out_task_days_in_the_users_zone(owner, uow, monkeypatch, zone, utc_hour):
    now = datetime.now(UTC).replace(hour=utc_hour, minute=30)
    monkeypatch.setattr(demo, "utcnow", lambda: now)
    monkeypatch.setattr(agenda, "utcnow", lambda: now)
    accounts.update_setting(owner, uow, "timezone", zone)
    actor = accounts.local_actor(uow)
    # Up to 100 contacts, the demo plans 10 tasks: 3 overdue, 3 due today, 4 later.
    demo.build_demo(actor, uow, contacts=30, seed=5)
    seen = agenda.today_agenda(actor, uow)
    assert len(seen.overdue_tasks) == 3
    assert len(seen.due_today) == 3
    assert all(t.due_local == seen.today.isoformat() for t in seen.due_today)
    assert all(t.due_local < seen.today.isoformat() for t in seen.overdue_tasks)


def test_build_demo_touch_aggregates_match_the_timeline(owner, uow):
    demo.build_demo(owner, uow, contacts=15, seed=2)
    for summary in contacts.list_contacts(owner, uow)[:5]:
        shown = contacts.show_contact(owner, uow, summary.id)
        timeline = interactions.contact_timeline(owner, uow, summary.id, limit=1000)
        assert shown.touches == len(timeline)
        assert shown.last_touch == (timeline[0].occurred_at if timeline else None)


def test_build_demo_records_are_usable_afterwards(owner, uow):
    demo.build_demo(owner, uow, contacts=10, seed=4)
    added = make_contact(owner, uow, name="After Demo")
    logged = interactions.log_interaction(owner, uow, "call", [added.id])
    assert len(contacts.list_contacts(owner, uow)) == 11
    assert logged.interaction.id > 0


def test_generate_network_same_seed_same_people():
    first = generate_network(25, 11, FIXED_NOW, OWNER)
    second = generate_network(25, 11, FIXED_NOW, OWNER)
    assert _people(first) == _people(second)
    assert [o["name"] for o in first.organizations] == [o["name"] for o in second.organizations]
    assert first.interactions == second.interactions
    assert first.tasks == second.tasks


def test_generate_network_different_seed_different_people():
    first = generate_network(25, 11, FIXED_NOW, OWNER)
    other = generate_network(25, 12, FIXED_NOW, OWNER)
    assert _people(first) != _people(other)


def test_generate_network_avoids_taken_emails_and_organization_names():
    first = generate_network(25, 11, FIXED_NOW, OWNER)
    emails = {e["email"] for e in first.emails}
    names = {o["name_key"] for o in first.organizations}
    again = generate_network(
        25, 11, FIXED_NOW, OWNER, taken_emails=emails, taken_organizations=names
    )
    assert emails.isdisjoint(e["email"] for e in again.emails)
    assert names.isdisjoint(o["name_key"] for o in again.organizations)
    assert len({e["email"] for e in again.emails}) == 25


def test_build_demo_refuses_a_non_empty_database(owner, uow):
    make_contact(owner, uow, name="Already Here")
    with pytest.raises(Conflict):
        demo.build_demo(owner, uow, contacts=5)
    assert [c.display_name for c in contacts.list_contacts(owner, uow)] == ["Already Here"]


def test_build_demo_force_adds_beside(owner, uow):
    mine = make_contact(owner, uow, name="Already Here", add_tags=["Investor"])
    first = demo.build_demo(owner, uow, contacts=12, seed=1, force=True)
    second = demo.build_demo(owner, uow, contacts=12, seed=9, force=True)
    assert (first.contacts, second.contacts) == (12, 12)
    assert len(contacts.list_contacts(owner, uow, limit=1000)) == 25
    assert contacts.show_contact(owner, uow, mine.id).tags == ["Investor"]
    with uow.read() as session:
        keys = session.scalars(select(Tag.key).where(Tag.workspace_id == owner.workspace_id))
        keys = list(keys)
    assert len(keys) == len(set(keys))
    tagged = contacts.list_contacts(owner, uow, tag="investor", limit=1000)
    assert mine.id in {c.id for c in tagged}
    assert len(tagged) > 1


def test_build_demo_force_twice_with_the_same_seed_keeps_emails_and_names_unique(owner, uow):
    demo.build_demo(owner, uow, contacts=16, seed=1)
    demo.build_demo(owner, uow, contacts=16, seed=1, force=True)
    listed = contacts.list_contacts(owner, uow, limit=1000)
    assert len(listed) == 32
    assert len({c.primary_email for c in listed}) == 32
    reference = listed[-1].primary_email
    assert contacts.search_contacts(owner, uow, reference)
    assert interactions.log_interaction(owner, uow, "call", [reference]).interaction.id
    names = [o.name for o in organizations.list_organizations(owner, uow, limit=1000)]
    assert len({n.casefold() for n in names}) == len(names)
    with uow.read() as session:
        tags = session.scalar(select(func.count()).select_from(Tag))
    assert tags == 12


@pytest.mark.parametrize("count", [0, -1, demo.MAX_DEMO_CONTACTS + 1])
def test_build_demo_contact_count_out_of_range(owner, uow, count):
    with pytest.raises(ValidationFailed) as caught:
        demo.build_demo(owner, uow, contacts=count)
    assert caught.value.field == "contacts"
    assert contacts.list_contacts(owner, uow) == []


def test_build_demo_reports_progress(owner, uow):
    seen = []
    summary = demo.build_demo(
        owner, uow, contacts=6, progress=lambda table, done, total: seen.append((table, total))
    )
    assert ("contacts", 6) in seen
    assert ("tasks", summary.tasks) in seen


def test_generate_network_leaves_some_organizations_new_to_the_user():
    rows = generate_network(40, 3, FIXED_NOW, OWNER)
    given = {e["counterpart_id"] for e in rows.ledger if e["direction"] == "gave"}
    people: dict[int, set[int]] = {}
    for p in rows.positions:  # anyone who ever worked there
        people.setdefault(p["organization_id"], set()).add(p["contact_id"])
    fresh = [org for org, staff in people.items() if not staff & given]
    assert fresh and len(fresh) < len(people)
    newcomers = {p["contact_id"] for p in rows.positions if p["organization_id"] in fresh}
    assert not newcomers & {e["counterpart_id"] for e in rows.ledger}  # no history at all


@pytest.mark.parametrize(("count", "seed"), [(20, 4), (150, 1)])
def test_build_demo_attribution_has_both_groups_and_the_search_is_still_on(owner, uow, count, seed):
    demo.build_demo(owner, uow, contacts=count, seed=seed)
    seen = reports.attribution_report(owner, uow)
    gave, cold = seen.gave_first, seen.cold
    total = gave.opportunities + cold.opportunities
    assert total / 3 <= cold.opportunities <= total / 2
    assert gave.won and gave.lost and cold.won and cold.lost
    assert gave.conversion is not None and cold.conversion is not None
    assert gave.conversion > cold.conversion  # giving first converts better, as claimed
    assert seen.stories and all(s.gave_first == (s.source != "cold") for s in seen.stories)
    search = reports.jobsearch_report(owner, uow)
    assert search.accepted == 0 and search.offers >= 1 and search.open > 0
    assert search.cost is not None and "over" not in search.note
    assert search.cost.forgone > 0 and search.cost.projected_total is not None
    assert search.cost.projected_total > search.cost.forgone
    assert search.interview_rounds and search.referrals_received


def test_build_demo_sets_weekly_goals_for_the_report(owner, uow):
    summary = demo.build_demo(owner, uow, contacts=20, seed=4)
    assert summary.goals == 5
    seen = goals.goals_report(owner, uow)
    assert [(g.metric, g.target) for g in seen.goals] == [
        ("touches", 15),
        ("networking", 10),
        ("applications", 3),
        ("gives", 3),
        ("asks", 1),
    ]
    done = {g.metric: g.done for g in seen.goals}
    assert done["touches"] >= done["networking"]  # networking touches are touches too
    assert all(g.remaining == max(0, g.target - g.done) for g in seen.goals)


def test_build_demo_force_keeps_the_users_own_targets(owner, uow):
    goals.set_goal(owner, uow, "networking", 4)
    summary = demo.build_demo(owner, uow, contacts=16, seed=2, force=True)
    assert summary.goals == 4
    targets = {g.metric: g.weekly_target for g in goals.list_goals(owner, uow)}
    assert targets == {"touches": 15, "networking": 4, "applications": 3, "gives": 3, "asks": 1}
    assert demo.build_demo(owner, uow, contacts=16, seed=3, force=True).goals == 0


@pytest.mark.parametrize(("count", "seed"), [(16, 2), (20, 4), (150, 1)])
def test_build_demo_has_stalled_deals_for_the_aging_report(owner, uow, count, seed):
    demo.build_demo(owner, uow, contacts=count, seed=seed)
    sales = reports.aging_report(owner, uow)
    assert sales.pipeline.label == "Sales" and sales.aging >= 2
    stalled = {i.opportunity.label.rsplit("#", 1)[-1]: i for i in sales.items}
    assert {"5", "9"} <= set(stalled)  # the two deals the plan stalls
    assert (stalled["5"].stage, stalled["9"].stage) == ("discovery", "proposal")
    assert all(i.times_median is not None and i.times_median > 2 for i in sales.items)
    search = reports.aging_report(owner, uow, pipeline="Job search")
    assert search.aging >= 1 and "applied" in {i.stage for i in search.items}
