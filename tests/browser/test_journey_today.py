"""Today in a real browser, on the demo network: tick a task off and snooze another in
place (both leave the agenda), log a touch with someone going cold, and record a give."""

from __future__ import annotations

from goodwill.bootstrap import open_database
from goodwill.services import accounts, giving
from tests.browser.conftest import assert_accessible, shot, sign_up
from tests.factories import make_contact

TASKS = "[aria-labelledby=h-tasks] li.today-item"
COLD = "[aria-labelledby=h-cold] li.today-item"


def test_complete_and_snooze_tasks_from_today(demo_page):
    page = demo_page
    assert_accessible(page)
    items = page.locator(TASKS)
    assert items.count() >= 2
    done_id = items.nth(0).get_attribute("id")
    snoozed_id = items.nth(1).get_attribute("id")
    title = page.locator(f"#{done_id}-title").inner_text()
    tasks_count = int(page.locator("#count-tasks").inner_text())

    page.locator(f"#{done_id}").get_by_role("button", name="Done").click()
    page.locator(f"#{done_id}").wait_for(state="detached")
    assert page.locator("#flash").inner_text() == f"Done: {title}"
    assert page.locator("#count-tasks").inner_text() == str(tasks_count - 1)

    page.locator(f"#{snoozed_id}").get_by_role("button", name="Snooze 1 week").click()
    page.locator(f"#{snoozed_id}").wait_for(state="detached")
    assert page.locator("#flash").inner_text().startswith("Snoozed: ")
    assert page.locator("#count-tasks").inner_text() == str(tasks_count - 2)
    assert_accessible(page)

    page.reload()
    page.get_by_role("heading", name="Going cold").wait_for()
    assert page.locator(f"#{done_id}").count() == 0
    assert page.locator(f"#{snoozed_id}").count() == 0
    shot(page, "today")  # last: see test_journey_settings


def test_log_a_touch_with_someone_going_cold(demo_page):
    page = demo_page
    person = page.locator(COLD).first
    cold_id = person.get_attribute("id")
    name = person.get_by_role("link").first.inner_text()
    cold_count = int(page.locator("#count-cold").inner_text())
    person.get_by_text("Log a touch").click()
    person.get_by_label("Channel").select_option("coffee")
    person.get_by_label("About").fill("their new job")
    person.get_by_role("button", name="Log touch").click()
    touched = page.locator(f"#{cold_id}")
    touched.get_by_text("touched").wait_for()
    assert "coffee: their new job" in touched.inner_text()
    assert page.locator("#flash").inner_text() == f"Touch logged with {name}"
    assert page.locator("#count-cold").inner_text() == str(cold_count - 1)
    assert_accessible(page)

    page.reload()
    page.get_by_role("heading", name="Going cold").wait_for()
    assert page.locator(f"#{cold_id}").count() == 0  # touched today: no longer going cold


def test_record_a_give_and_see_the_week_change(browser, fresh_server, tmp_path, console):
    """A need and an offer that match (noted through the services, on the server's own
    database: no page of this area notes them), then the give recorded from Today."""
    context = browser.new_context(base_url=fresh_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console.watch(page)
    email = sign_up(page, "Gil Giver")
    db = open_database(f"sqlite:///{tmp_path / 'goodwill.db'}")
    try:
        actor = accounts.local_actor(db.uow, email)
        ann = make_contact(actor, db.uow, name="Ann Seeker")
        rex = make_contact(actor, db.uow, name="Rex Recruiter")
        giving.add_need(actor, db.uow, ann.id, "looking for a data engineering job",
                        tags=["data-engineering"])  # fmt: skip
        giving.add_offer(actor, db.uow, rex.id, "recruiter hiring data engineers",
                         tags=["data-engineering"])  # fmt: skip
    finally:
        db.close()
    page.reload()
    gives = page.locator("[aria-labelledby=h-gives] li.today-item")
    gives.first.wait_for()
    before = int(page.locator("#week-gives").inner_text())
    gives.first.get_by_role("button", name="Record the give").click()
    page.locator("[aria-labelledby=h-gives] li.today-done").get_by_text("Given").wait_for()
    page.locator("#week-gives", has_text=str(before + 1)).wait_for()  # the week reloads
    assert page.locator("#flash").inner_text().startswith("Recorded: ")
    assert_accessible(page)
    page.reload()
    assert page.locator("[aria-labelledby=h-gives] li.today-item").count() == 0
    assert page.locator("#week-gives").inner_text() == str(before + 1)
    context.close()
