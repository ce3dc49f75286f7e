"""First steps in a real browser: sign up on a fresh database, load the demo network,
and what every page must be (accessible, no CSP violations, login required)."""

from __future__ import annotations

from tests.browser.conftest import (
    PASSWORD,
    assert_accessible,
    first_contentful_paint,
    load_demo,
    shot,
    sign_up,
)


def test_sign_up_on_a_fresh_database_and_load_demo_data(browser, fresh_server, console):
    context = browser.new_context(base_url=fresh_server)
    page = context.new_page()
    console.watch(page)
    page.goto("/")
    assert "/login" in page.url  # no session: the login page first
    assert_accessible(page)
    page.get_by_role("link", name="Create an account").click()
    sign_up(page, "Frieda First")
    assert page.get_by_role("heading", name="Nothing on your agenda").is_visible()
    load_demo(page)
    # The demo network's people going cold are listed, each with a reason.
    cold = page.locator("[aria-labelledby=h-cold] li")
    assert cold.count() >= 3
    assert page.get_by_role("heading", name="Nothing on your agenda").count() == 0
    assert_accessible(page)
    assert first_contentful_paint(page) is not None
    shot(page, "today")
    context.close()


def test_log_out_and_back_in_returns_to_the_page_asked_for(page):
    email = sign_up(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    page.goto("/?from=test")
    assert "/login?next=" in page.url
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "wrong email or password"
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/?from=test")
    assert page.get_by_role("heading", name="Today", level=1).is_visible()
