"""The Today page over HTTP (a session cookie, as a browser): every section of the agenda,
and each in-place action (task done, snoozed; a touch logged; a give recorded or
dismissed) answering its fragment and changing what the services see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from goodwill.services import agenda, auth, giving, intros, opportunities, pipelines, tasks
from goodwill.services import today_page as today_service
from goodwill.services.actor import utcnow
from goodwill.services.interactions import interactions_page
from tests.factories import make_contact, make_interaction, make_task
from tests.web.sessions import session_client

HX = {"HX-Request": "true"}


@pytest.fixture
def me(app, uow, owner):
    return session_client(app, uow, owner)


@pytest.fixture
def agenda_planted(owner, uow):
    """One of each: overdue and today's task, a person going cold, a way to give, an
    introduction waiting, an opportunity's next step."""
    ann = make_contact(owner, uow, name="Ann Archer", tier="inner", cadence="30")
    make_interaction(owner, uow, ann.id, when=utcnow() - timedelta(days=60), summary="ski trip")
    bob = make_contact(owner, uow, name="Bob Baker")
    cat = make_contact(owner, uow, name="Cat Carter")
    late = make_task(owner, uow, title="Send the deck", due="yesterday")
    now = make_task(owner, uow, title="Call the plumber", due="today", contact=bob.id)
    giving.add_need(owner, uow, bob.id, "hiring a data engineer", tags=["data-engineering"])
    giving.add_offer(owner, uow, cat.id, "data engineer, open to roles", tags=["data-engineering"])
    intro = intros.request_introduction(owner, uow, f"#{bob.id}", f"#{cat.id}", goal="a job")
    pipelines.create_pipeline(owner, uow, "Sales", "sales", currency="USD")
    deal = opportunities.add_opportunity(
        owner, uow, "Sales", "Big deal", contact=cat.id, next_step="Send the proposal"
    )
    return {"ann": ann, "bob": bob, "cat": cat, "late": late, "now": now, "intro": intro,
            "deal": deal}  # fmt: skip


def test_today_shows_every_section_of_the_agenda(me, agenda_planted):
    page = me.get("/")
    assert page.status_code == 200
    html = page.text
    for heading in ("Tasks", "Overdue", "Due today", "Going cold", "Asks", "Introductions waiting",
                    "Ways to give", "Pipeline next steps", "This week"):  # fmt: skip
        assert f">{heading} <" in html or f">{heading}<" in html, heading
    assert "Send the deck" in html and "Call the plumber" in html
    assert f'id="cold-{agenda_planted["ann"].id}"' in html
    assert "ski trip" in html  # the suggested reason names the last topic
    assert "Bob Baker → Cat Carter" in html and "Waiting on you" in html
    assert "Send the proposal — Big deal" in html and "Sales · " in html
    assert "Record the give" in html and "Start the introduction" in html
    assert "Nothing on your agenda" not in html


def test_a_next_step_is_listed_once_under_the_pipeline(me, owner, uow, agenda_planted):
    step = today_service.today_page(owner, uow).next_steps[0].task
    html = me.get("/").text
    assert html.count(f'id="task-{step.id}"') == 1
    # The CLI's and the API's agenda keep it among the tasks due today.
    assert step.id in [t.id for t in agenda.today_agenda(owner, uow).due_today]
    assert step.id not in [
        t.id for t in agenda.today_agenda(owner, uow, without_next_steps=True).due_today
    ]


def test_an_empty_workspace_offers_the_demo_data(me):
    html = me.get("/").text
    assert "Nothing on your agenda" in html and "Load demo data" in html


def test_done_answers_the_flash_and_the_task_leaves_the_agenda(me, owner, uow, agenda_planted):
    task = agenda_planted["late"]
    answer = me.post(f"/today/tasks/{task.id}/done", headers=HX)
    assert answer.status_code == 200
    assert 'hx-swap-oob="innerHTML"' in answer.text and "Done: Send the deck" in answer.text
    assert f'id="task-{task.id}"' not in answer.text  # the item is swapped for nothing
    assert task.id not in [t.id for t in agenda.today_agenda(owner, uow).overdue_tasks]
    assert f'id="task-{task.id}"' not in me.get("/").text


def test_snooze_a_week_hides_the_task_until_then(me, owner, uow, agenda_planted):
    task = agenda_planted["now"]
    answer = me.post(f"/today/tasks/{task.id}/snooze", data={"until": "+7d"}, headers=HX)
    assert answer.status_code == 200 and "Snoozed: Call the plumber" in answer.text
    [view] = [t for t in tasks.list_tasks(owner, uow) if t.id == task.id]
    assert view.snoozed_until is not None and view.snoozed_until > utcnow() + timedelta(days=5)
    assert f'id="task-{task.id}"' not in me.get("/").text


def test_snooze_into_the_past_is_refused_in_the_flash_area(me, agenda_planted):
    task = agenda_planted["now"]
    answer = me.post(f"/today/tasks/{task.id}/snooze", data={"until": "yesterday"}, headers=HX)
    assert answer.status_code == 422
    assert answer.headers["HX-Retarget"] == "#flash" and "must be in the future" in answer.text


def test_a_plain_form_is_redirected_back_to_today(me, agenda_planted):
    task = agenda_planted["late"]
    answer = me.post(f"/today/tasks/{task.id}/done")
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_log_a_touch_shows_touched_and_the_person_is_no_longer_cold(me, owner, uow,
                                                                     agenda_planted):  # fmt: skip
    ann = agenda_planted["ann"]
    answer = me.post(f"/today/contacts/{ann.id}/touch",
                     data={"channel": "coffee", "summary": "catch-up"}, headers=HX)  # fmt: skip
    assert answer.status_code == 200
    assert f'id="cold-{ann.id}"' in answer.text and "touched" in answer.text
    assert "coffee: catch-up" in answer.text
    logged = interactions_page(owner, uow, contact=ann.id).items[0]
    assert (logged.channel, logged.summary) == ("coffee", "catch-up")
    assert ann.id not in [s.contact.id for s in agenda.today_agenda(owner, uow).lapsed]


def test_log_a_touch_with_an_unknown_channel_is_refused(me, agenda_planted):
    ann = agenda_planted["ann"]
    answer = me.post(f"/today/contacts/{ann.id}/touch", data={"channel": "pigeon"}, headers=HX)
    assert answer.status_code == 422 and "pigeon" in answer.text


def test_record_a_give_writes_the_ledger_and_refreshes_the_week(me, owner, uow, agenda_planted):
    [give] = agenda.today_agenda(owner, uow).gives
    before = agenda.week_balance(owner, uow).gives
    answer = me.post(f"/today/gives/{give.key}/act", data={"as": "ledger"}, headers=HX)
    assert answer.status_code == 200
    assert answer.headers["HX-Trigger"] == "goodwill-gave"
    assert "Given" in answer.text and "Bob Baker" in answer.text
    assert agenda.week_balance(owner, uow).gives == before + 1
    assert agenda.today_agenda(owner, uow).gives == []  # acted on: it does not come back
    week = me.get("/today/week")
    assert week.status_code == 200 and f'<strong id="week-gives">{before + 1}</strong>' in week.text


def test_start_the_introduction_from_a_way_to_give(me, owner, uow, agenda_planted):
    [give] = agenda.today_agenda(owner, uow).gives
    answer = me.post(f"/today/gives/{give.key}/act", data={"as": "introduction"}, headers=HX)
    assert answer.status_code == 200 and "Introduction started" in answer.text
    assert len(intros.list_introductions(owner, uow, open_only=True)) == 2


def test_dismiss_a_way_to_give(me, owner, uow, agenda_planted):
    [give] = agenda.today_agenda(owner, uow).gives
    answer = me.post(f"/today/gives/{give.key}/dismiss", headers=HX)
    assert answer.status_code == 200 and "Dismissed:" in answer.text
    assert agenda.today_agenda(owner, uow).gives == []


def test_a_write_without_the_csrf_token_is_refused(app, uow, owner, agenda_planted):
    client = session_client(app, uow, owner)
    del client.headers[auth.CSRF_HEADER]
    task = agenda_planted["late"]
    answer = client.post(f"/today/tasks/{task.id}/done", headers=HX)
    assert answer.status_code == 403
    assert task.id in [t.id for t in agenda.today_agenda(owner, uow).overdue_tasks]


def test_a_teammate_cannot_act_on_the_owners_items(app, uow, teammate, agenda_planted):
    mate = session_client(app, uow, teammate)
    task, ann = agenda_planted["late"], agenda_planted["ann"]
    assert mate.post(f"/today/tasks/{task.id}/done", headers=HX).status_code == 404
    touched = mate.post(f"/today/contacts/{ann.id}/touch", data={"channel": "call"}, headers=HX)
    assert touched.status_code == 404
    # The teammate's own Today shows none of the owner's agenda.
    html = mate.get("/").text
    assert "Send the deck" not in html and "Ann Archer" not in html


def test_today_needs_a_session(app):
    client = TestClient(app, follow_redirects=False)
    answer = client.get("/")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
