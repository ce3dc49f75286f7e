"""The Today screen's read model (services.today_page): introductions waiting and the
pipeline's next steps beside the agenda, each next step listed once; and the Settings
screen's (services.settings_page)."""

from __future__ import annotations

from datetime import timedelta

from goodwill.services import (
    agenda,
    contacts,
    intros,
    ledger,
    members,
    opportunities,
    pipelines,
    settings_page,
    tasks,
    today_page,
)
from goodwill.services.actor import utcnow
from tests.factories import make_contact, make_task


def _deal(owner, uow, title="Big deal", step="Send the proposal", due=None, contact=None):
    if not pipelines.list_pipelines(owner, uow):
        pipelines.create_pipeline(owner, uow, "Sales", "sales", currency="USD")
    return opportunities.add_opportunity(
        owner, uow, "Sales", title, contact=contact, next_step=step, next_due=due
    )


def test_next_steps_due_are_listed_once_under_the_pipeline(owner, uow):
    due = _deal(owner, uow)
    _deal(owner, uow, "Later deal", "Call back", due="+3d")
    late = _deal(owner, uow, "Old deal", "Chase", due="yesterday")
    plain = make_task(owner, uow, title="plain", due="today")
    view = today_page.today_page(owner, uow)
    steps = {s.opportunity.id: s for s in view.next_steps}
    assert set(steps) == {due.id, late.id} and view.next_steps_total == 2
    assert steps[late.id].late and not steps[due.id].late
    assert (steps[due.id].pipeline, steps[due.id].stage) == ("Sales", due.stage)
    assert [s.opportunity.id for s in view.next_steps] == [late.id, due.id]  # soonest due first
    shown = [t.id for t in view.agenda.due_today + view.agenda.overdue_tasks]
    assert shown == [plain.id]
    assert (view.agenda.due_today_total, view.agenda.overdue_total) == (1, 0)
    # The CLI's and the API's agenda still count them among the tasks.
    full = agenda.today_agenda(owner, uow)
    assert (full.due_today_total, full.overdue_total) == (2, 1)


def test_a_closed_or_snoozed_next_step_is_not_listed(owner, uow):
    closed = _deal(owner, uow, "Lost deal")
    snoozed = _deal(owner, uow, "Quiet deal")
    opportunities.qualify_out(owner, uow, closed.id, "no budget")
    [step] = today_page.today_page(owner, uow).next_steps
    tasks.snooze_task(owner, uow, step.task.id, "+2d")
    view = today_page.today_page(owner, uow)
    assert view.next_steps == [] and view.next_steps_total == 0
    # Still open: back when the snooze ends.
    assert opportunities.show_opportunity(owner, uow, snoozed.id).closed_at is None


def test_introductions_waiting_say_whose_move_it_is(owner, uow):
    ann, bob, cat = (make_contact(owner, uow, name=n) for n in ("Ann A", "Bob B", "Cat C"))
    first = intros.request_introduction(owner, uow, f"#{ann.id}", f"#{bob.id}", goal="a job")
    second = intros.request_introduction(owner, uow, f"#{cat.id}", f"#{bob.id}", goal="advice")
    intros.triage_introduction(owner, uow, second.id, "tell-me-why")
    declined = intros.request_introduction(owner, uow, f"#{bob.id}", f"#{cat.id}", goal="x")
    intros.triage_introduction(owner, uow, declined.id, "decline")
    view = today_page.today_page(owner, uow)
    assert view.intros_total == 2
    by_id = {i.id: i for i in view.intros_waiting}
    assert set(by_id) == {first.id, second.id}
    assert by_id[first.id].mine and by_id[first.id].waiting_on.startswith("you")
    assert not by_id[second.id].mine and by_id[second.id].waiting_on == "the requester's answers"
    assert (by_id[first.id].requester.label, by_id[first.id].target.label) == ("Ann A", "Bob B")
    assert by_id[first.id].days == 0


def test_an_introduction_of_someone_in_the_trash_waits_there(owner, uow):
    ann, bob = make_contact(owner, uow, name="Ann A"), make_contact(owner, uow, name="Bob B")
    intros.request_introduction(owner, uow, f"#{ann.id}", f"#{bob.id}", goal="a job")
    contacts.delete_contact(owner, uow, ann.id)
    view = today_page.today_page(owner, uow)
    assert view.intros_waiting == [] and view.intros_total == 0


def test_a_teammate_sees_none_of_the_owners_items(owner, teammate, uow):
    ann, bob = (make_contact(owner, uow, name=n, visibility="workspace") for n in ("Ann", "Bob"))
    intros.request_introduction(owner, uow, f"#{ann.id}", f"#{bob.id}", goal="a job",
                                visibility="workspace")  # fmt: skip
    _deal(owner, uow, contact=ann.id)
    view = today_page.today_page(teammate, uow)
    assert (view.intros_total, view.next_steps_total) == (0, 0)


def test_week_balance_is_the_agendas_figure(owner, uow):
    ann = make_contact(owner, uow, name="Ann")
    ledger.record_give(owner, uow, ann.id, "advice")
    assert agenda.week_balance(owner, uow) == agenda.today_agenda(owner, uow).week
    assert agenda.week_balance(owner, uow).gives == 1
    assert agenda.week_balance(owner, uow).since == (utcnow() - timedelta(days=6)).date()


def test_settings_page_of_an_admin_and_of_a_member(owner, teammate, uow):
    members.invite(owner, uow, role="member")
    mine = settings_page.settings_page(owner, uow)
    assert mine.is_admin and mine.invitations is not None and len(mine.invitations) == 1
    assert set(mine.cadences) == {"inner", "network", "wider"}
    assert set(mine.weights) == set(settings_page.WEIGHT_NAMES)
    assert [m.email for m in mine.members] == ["me@localhost", "bea@team.example"]
    theirs = settings_page.settings_page(teammate, uow)
    assert not theirs.is_admin and theirs.invitations is None
    assert theirs.tokens == [] and theirs.my_emails == []
    assert "Europe/Paris" in settings_page.timezones()
    assert not any(z.startswith("posix/") for z in settings_page.timezones())
