"""Today in a real browser, on the demo network: tick a task off and snooze another in
place (both leave the agenda), and log a touch with someone going cold."""

from __future__ import annotations

from tests.browser.conftest import assert_accessible, shot

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

    page.locator(f"#{done_id}").get_by_role("button", name="Done").click()
    page.locator(f"#{done_id}").wait_for(state="detached")
    assert page.locator("#flash").inner_text() == f"Done: {title}"

    page.locator(f"#{snoozed_id}").get_by_role("button", name="Snooze 1 week").click()
    page.locator(f"#{snoozed_id}").wait_for(state="detached")
    assert page.locator("#flash").inner_text().startswith("Snoozed: ")
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
    person.get_by_text("Log a touch").click()
    person.get_by_label("Channel").select_option("coffee")
    person.get_by_label("About").fill("their new job")
    person.get_by_role("button", name="Log touch").click()
    touched = page.locator(f"#{cold_id}")
    touched.get_by_text("touched").wait_for()
    assert "coffee: their new job" in touched.inner_text()
    assert page.locator("#flash").inner_text() == f"Touch logged with {name}"
    assert_accessible(page)

    page.reload()
    page.get_by_role("heading", name="Going cold").wait_for()
    assert page.locator(f"#{cold_id}").count() == 0  # touched today: no longer going cold
