"""Pipelines in a real browser, on the demo network: a card moved to the next stage with
the keyboard alone (its "Move to" form, then Shift+ArrowRight through app.js), by drag and
drop, and the funnel report's chart."""

from __future__ import annotations

from tests.browser.conftest import assert_accessible, shot

# A focused card whose column is followed by another open column (a move keeps it on the
# board): the card a keyboard user is looking for.
MOVABLE = """() => {
  const el = document.activeElement;
  if (!el || !el.matches('.pl-card')) return null;
  const next = el.closest('[data-stage]').nextElementSibling;
  if (!next || next.classList.contains('pl-closed')) return null;
  return [el.id, next.dataset.stageId];
}"""


def _open_sales_board(page) -> None:
    page.goto("/pipelines")
    page.locator("table.pl-list a[href^='/pipelines/']").first.click()
    page.wait_for_selector("[data-board]")


def _column_of(page, card_id: str) -> str:
    return page.locator(f"#{card_id}").evaluate("e => e.closest('[data-stage]').dataset.stageId")


def _tab_to_a_movable_card(page) -> tuple[str, str]:
    for _ in range(200):
        page.keyboard.press("Tab")
        found = page.evaluate(MOVABLE)
        if found:
            return found[0], found[1]
    raise AssertionError("no movable card reached with the Tab key")


def test_move_a_card_to_the_next_stage_with_the_keyboard(demo_page):
    page = demo_page
    page.goto("/pipelines")
    assert_accessible(page)
    _open_sales_board(page)
    assert_accessible(page)
    shot(page, "pipelines")
    card, next_stage = _tab_to_a_movable_card(page)
    # In the card: Tab to its "Move to" list (the next stage is chosen), Tab to Move, Enter.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "stage"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Move"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.reload()
    page.wait_for_selector(f"#{card}")
    assert _column_of(page, card) == next_stage
    # The same with the board's script: Shift+ArrowRight on a focused card.
    page.keyboard.press("Escape")
    second, after = _tab_to_a_movable_card(page)
    with page.expect_navigation():
        page.keyboard.press("Shift+ArrowRight")
    page.reload()
    page.wait_for_selector(f"#{second}")
    assert _column_of(page, second) == after


def test_drag_a_card_to_another_column(demo_page):
    page = demo_page
    _open_sales_board(page)
    card = page.locator(".pl-card").first
    card_id = card.get_attribute("id")
    here = _column_of(page, card_id)
    target = page.locator(
        f"[data-board] [data-stage]:not(.pl-closed):not([data-stage-id='{here}'])"
    ).last
    target_id = target.get_attribute("data-stage-id")
    with page.expect_navigation():
        card.drag_to(target.locator("h2"))
    page.reload()
    page.wait_for_selector(f"#{card_id}")
    assert _column_of(page, card_id) == target_id


def test_funnel_report_shows_its_chart_and_figures(demo_page):
    page = demo_page
    _open_sales_board(page)
    page.get_by_role("link", name="Funnel").click()
    page.get_by_role("heading", name="Stages reached").wait_for()
    chart = page.locator("svg#funnel-chart")
    assert chart.get_attribute("role") == "img"
    assert "reached each stage" in chart.locator("title").text_content()
    assert chart.locator("rect").count() >= 3
    assert page.locator("#funnel-chart + table tbody tr").count() == chart.locator("rect").count()
    assert_accessible(page)
    shot(page, "funnel")
    for name in ("Stage aging", "Attribution"):
        page.go_back()
        page.get_by_role("link", name=name).click()
        page.locator("svg.pl-chart").wait_for()
        assert_accessible(page)
    # The demo's job search: its report with the cost of delay.
    page.goto("/pipelines")
    page.locator("table.pl-list a[href$='/reports/jobsearch']").first.click()
    page.get_by_role("heading", name="Cost of delay").wait_for()
    assert page.locator("svg#jobsearch-chart rect").count() >= 3
    assert_accessible(page)
