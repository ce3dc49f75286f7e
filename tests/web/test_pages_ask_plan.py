"""An ask's own page: its homework and its plan. Steps (dated tasks) are added and marked
done there by the ask's owner, each form one service call with its CSRF token; HTMX
follows the redirect and swaps the plan in; teammates may read a shared ask only."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from goodwill.services import asks, auth, today_page
from tests.factories import make_contact
from tests.web.sessions import session_client


@pytest.fixture
def as_owner_page(app, uow, owner) -> TestClient:
    return session_client(app, uow, owner)


@pytest.fixture
def as_teammate_page(app, uow, teammate) -> TestClient:
    return session_client(app, uow, teammate)


def _ask(owner, uow, *, visibility="private", steps=()):
    person = make_contact(owner, uow, name="Petra Plan", visibility="workspace")
    created = asks.create_ask(owner, uow, person.id, "advice", "review my pricing page",
                              "she priced three products", visibility=visibility,
                              steps=steps)  # fmt: skip
    return created.ask


def _steps(html: str) -> list[str]:
    section = re.search(r'<section class="card" id="ask-steps".*?</section>', html, re.S).group(0)
    found = re.findall(r'<span class="grow">(.*?)</span>\s*</span>', section, re.S)
    return [re.sub(r"\s+", " ", s).strip() for s in found]


def test_the_ask_page_shows_the_ask_and_its_plan(as_owner_page, owner, uow):
    ask = _ask(owner, uow, steps=[("coffee", "2031-05-02"), ("follow-up email", "2031-05-09")])
    page = as_owner_page.get(f"/asks/{ask.id}")
    assert page.status_code == 200
    assert 'aria-current="page">Asks' in page.text
    assert "review my pricing page" in page.text and "she priced three products" in page.text
    assert ">Petra Plan</a>" in page.text and '<span class="badge">planned</span>' in page.text
    assert _steps(page.text) == [
        '1. coffee <span class="muted">2031-05-02',
        '2. follow-up email <span class="muted">2031-05-09',
    ]
    assert "0 of 2 done" in page.text
    assert page.text.count("Mark step") == 2
    # Every form on the page carries the session's CSRF token.
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page.text, re.S)
    assert forms and all('name="csrf_token"' in f for f in forms)


def test_the_board_and_the_contact_page_link_to_the_ask(as_owner_page, owner, uow):
    ask = _ask(owner, uow, steps=[("coffee", "2031-05-02")])
    board = as_owner_page.get("/asks").text
    assert f'<a href="/asks/{ask.id}">review my pricing page</a>' in board
    assert "Plan: 0 of 1 steps done; next: coffee 2031-05-02" in board
    contact = as_owner_page.get(f"/contacts/{ask.contact.id}").text
    assert f'<a href="/asks/{ask.id}">review my pricing page</a>' in contact


def test_add_a_step_then_the_draft_is_planned(as_owner_page, owner, uow):
    ask = _ask(owner, uow)
    assert ask.status == "draft"
    page = as_owner_page.get(f"/asks/{ask.id}").text
    assert "No steps yet." in page and 'for="step-channel">How' in page
    step = {"channel": "handwritten note", "when": "2031-06-01"}
    added = as_owner_page.post(f"/asks/{ask.id}/steps", data=step)
    assert added.status_code == 303
    assert added.headers["location"] == f"/asks/{ask.id}#ask-steps"
    shown = asks.show_ask(owner, uow, ask.id)
    assert shown.status == "planned"
    assert [(s.order, s.channel, s.due_local) for s in shown.steps] == [
        (1, "handwritten note", "2031-06-01")
    ]
    assert _steps(as_owner_page.get(f"/asks/{ask.id}").text) == [
        '1. handwritten note <span class="muted">2031-06-01'
    ]


def test_a_refused_step_comes_back_with_the_form_as_typed(as_owner_page, owner, uow):
    ask = _ask(owner, uow)
    bad = as_owner_page.post(f"/asks/{ask.id}/steps", data={"channel": "coffee", "when": "someday"})
    assert bad.status_code == 422
    assert 'role="alert" id="step-error"' in bad.text and "is not a date" in bad.text
    assert 'value="coffee"' in bad.text and 'value="someday"' in bad.text
    assert asks.show_ask(owner, uow, ask.id).steps == []
    blank = as_owner_page.post(f"/asks/{ask.id}/steps", data={"channel": "  ", "when": "+2d"})
    assert blank.status_code == 422 and asks.show_ask(owner, uow, ask.id).steps == []
    asks.close_ask(owner, uow, ask.id, "withdrawn")
    closed = as_owner_page.post(f"/asks/{ask.id}/steps", data={"channel": "call", "when": "+2d"})
    assert closed.status_code == 409 and "its plan is closed" in closed.text
    page = as_owner_page.get(f"/asks/{ask.id}").text
    assert "This ask is withdrawn: its plan is closed." in page and "Add a step" not in page


def test_htmx_forms_swap_the_plan_in_place(as_owner_page, owner, uow):
    ask = _ask(owner, uow, steps=[("coffee", "2031-05-02")])
    page = as_owner_page.get(f"/asks/{ask.id}").text
    swap = 'hx-target="#ask-steps" hx-select="#ask-steps" hx-swap="outerHTML"'
    assert page.count(swap) == 2  # the step's done button and the new step
    bad = as_owner_page.post(f"/asks/{ask.id}/steps", data={"channel": "call", "when": "nope"},
                             headers={"HX-Request": "true"})  # fmt: skip
    assert bad.status_code == 422 and 'id="ask-steps"' in bad.text and "is not a date" in bad.text


def test_mark_a_step_done(as_owner_page, owner, uow):
    ask = _ask(owner, uow, steps=[("coffee", "today"), ("email", "2031-05-09")])
    first, second = ask.steps
    due_today = today_page.today_page(owner, uow).agenda
    assert any(s.id == first.task_id for s in due_today.ask_steps)
    done = as_owner_page.post(f"/asks/{ask.id}/steps/{first.task_id}/done")
    assert done.status_code == 303 and done.headers["location"] == f"/asks/{ask.id}#ask-steps"
    assert [s.done for s in asks.show_ask(owner, uow, ask.id).steps] == [True, False]
    page = as_owner_page.get(f"/asks/{ask.id}").text
    assert "1 of 2 done" in page and page.count("Mark step") == 1
    assert f"/steps/{second.task_id}/done" in page and f"/steps/{first.task_id}/done" not in page
    after = today_page.today_page(owner, uow).agenda
    assert not any(s.id == first.task_id for s in after.ask_steps)
    again = as_owner_page.post(f"/asks/{ask.id}/steps/{first.task_id}/done")
    assert again.status_code == 303  # a double submit changes nothing


def test_a_task_of_another_ask_is_not_a_step_of_this_one(as_owner_page, owner, uow):
    ask = _ask(owner, uow, steps=[("coffee", "2031-05-02")])
    other = _ask(owner, uow, steps=[("call", "2031-05-02")])
    crossed = as_owner_page.post(f"/asks/{ask.id}/steps/{other.steps[0].task_id}/done")
    assert crossed.status_code == 404
    assert [s.done for s in asks.show_ask(owner, uow, other.id).steps] == [False]


def test_a_teammate_reads_a_shared_ask_and_changes_nothing(as_teammate_page, owner, uow):
    shared = _ask(owner, uow, visibility="workspace", steps=[("coffee", "2031-05-02")])
    secret = _ask(owner, uow, visibility="private", steps=[("call", "2031-05-02")])
    page = as_teammate_page.get(f"/asks/{shared.id}")
    assert page.status_code == 200 and "review my pricing page" in page.text
    assert "Mark step" not in page.text and "Add a step" not in page.text
    assert "to do" in page.text
    step = shared.steps[0].task_id
    assert as_teammate_page.post(f"/asks/{shared.id}/steps/{step}/done").status_code == 403
    refused = as_teammate_page.post(f"/asks/{shared.id}/steps",
                                    data={"channel": "call", "when": "+1d"})  # fmt: skip
    assert refused.status_code == 403
    assert [s.done for s in asks.show_ask(owner, uow, shared.id).steps] == [False]
    assert len(asks.show_ask(owner, uow, shared.id).steps) == 1
    hidden, missing = (
        as_teammate_page.get(f"/asks/{secret.id}"),
        as_teammate_page.get("/asks/999999"),
    )
    assert hidden.status_code == missing.status_code == 404


def test_step_forms_need_the_csrf_token(app, uow, owner):
    ask = _ask(owner, uow, steps=[("coffee", "2031-05-02")])
    grant = auth.start_session(uow, owner)
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("goodwill_session", grant.cookie)
    step = ask.steps[0].task_id
    assert client.post(f"/asks/{ask.id}/steps/{step}/done").status_code == 403
    assert client.post(f"/asks/{ask.id}/steps",
                       data={"channel": "call", "when": "+1d"}).status_code == 403  # fmt: skip
    assert [s.done for s in asks.show_ask(owner, uow, ask.id).steps] == [False]
    signed = client.post(f"/asks/{ask.id}/steps/{step}/done",
                         data={"csrf_token": grant.csrf_token})  # fmt: skip
    assert signed.status_code == 303
