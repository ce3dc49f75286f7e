"""Contacts in a real browser: search as you type by an accent-free spelling, log an
interaction and record a give on the contact page (the timeline and the balance
update in place), bulk-tag a selection, and a teammate who never sees a private contact."""

from __future__ import annotations

import json
import re
from uuid import uuid4

from tests.browser.conftest import PASSWORD, assert_accessible, shot, sign_up


def _add_contact(page, name: str, visibility: str = "") -> int:
    """Through the list's "Add a contact" form; returns the new contact's id."""
    page.goto("/contacts")
    page.get_by_label("Name", exact=True).fill(name)
    if visibility:
        page.get_by_label("Visible to").select_option(visibility)
    page.get_by_role("button", name="Add contact").click()
    page.wait_for_url(re.compile(r".*/contacts/\d+$"))
    page.get_by_role("heading", level=1, name=name).wait_for()
    return int(page.url.rsplit("/", 1)[1])


def _results(page) -> list[str]:
    return page.locator("#contact-results tbody td:nth-child(2) > a").all_inner_texts()


def test_search_by_an_accent_free_spelling(demo_page):
    page = demo_page
    _add_contact(page, "Zoë Müller")
    page.goto("/contacts")
    assert len(_results(page)) == 50  # the demo network, a page at a time
    assert page.get_by_role("link", name="Next").is_visible()
    search = page.get_by_label("Search")
    search.press_sequentially("zoe mul", delay=40)  # as typed: htmx waits for a pause
    page.wait_for_function(
        "() => [...document.querySelectorAll('#contact-results tbody a')]"
        ".map(a => a.textContent).join('|') === 'Zoë Müller'"
    )
    assert "q=zoe%20mul" in page.url  # the search is in the address: a link to it
    search.fill("")
    search.press_sequentially("Muller", delay=40)
    page.wait_for_function(
        "() => [...document.querySelectorAll('#contact-results tbody a')]"
        ".map(a => a.textContent).join('|') === 'Zoë Müller'"
    )
    assert_accessible(page)
    shot(page, "contacts")
    # Next and Previous walk the unfiltered list by cursor.
    page.goto("/contacts")
    first = _results(page)
    page.get_by_role("link", name="Next").click()
    page.wait_for_function(
        "first => document.querySelector('#contact-results tbody a').textContent !== first",
        arg=first[0],
    )
    assert "after=" in page.url and not set(_results(page)) & set(first)
    page.get_by_role("link", name="Previous").click()
    page.wait_for_function(
        "first => document.querySelector('#contact-results tbody a').textContent === first",
        arg=first[0],
    )
    assert _results(page) == first


def test_log_an_interaction_and_record_a_give_on_the_contact_page(demo_page):
    page = demo_page
    page.goto("/contacts")
    person = page.locator("#contact-results tbody td:nth-child(2) > a").first
    name = person.inner_text()
    person.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    assert_accessible(page)

    summary = f"Coffee about the spring launch {uuid4().hex[:6]}"
    page.get_by_label("Channel").select_option("coffee")
    page.get_by_label("Summary").fill(summary)
    page.get_by_role("button", name="Log it").click()
    timeline = page.locator("#timeline ol")
    timeline.get_by_text(summary).wait_for()
    assert timeline.locator("li").first.inner_text().startswith("coffee")

    balance = page.locator("#balance")
    before = int(balance.inner_text())
    page.get_by_label("Direction").select_option("gave")
    page.get_by_label("Kind").select_option("advice")
    page.get_by_label("Weight").select_option("3")
    page.get_by_label("Note", exact=True).fill("reviewed the pitch deck")
    page.get_by_role("button", name="Record").click()
    page.wait_for_function(
        "want => Number(document.querySelector('#balance').textContent) === want",
        arg=before + 3,
    )
    assert page.locator("#ledger").get_by_text("reviewed the pitch deck").is_visible()

    page.get_by_label("Task", exact=True).fill("send the article on pricing")
    page.get_by_label("Due").fill("tomorrow")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator("#tasks").get_by_text("send the article on pricing").wait_for()
    assert_accessible(page)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "contact")


def test_bulk_tag_a_selection(demo_page):
    page = demo_page
    page.goto("/contacts")
    rows = page.locator("#contact-results tbody tr")
    names = [rows.nth(i).locator("td:nth-child(2) > a").inner_text() for i in range(2)]
    for i in range(2):
        rows.nth(i).get_by_role("checkbox").check()
    page.locator("#bulk-tag").fill("spring-event")
    page.get_by_role("button", name="Add tag").click()
    page.get_by_text("Changed 2 contacts").wait_for()
    page.locator("#f-tag").fill("spring-event")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#contact-results tbody a').length === n", arg=2
    )
    assert sorted(_results(page)) == sorted(names)


def _csrf(page) -> str:
    return json.loads(page.locator("body").get_attribute("hx-headers"))["X-CSRF-Token"]


def test_a_teammate_does_not_see_a_private_contact(browser, server, page, console):
    owner_email = sign_up(page, "Olive Owner")
    assert owner_email
    secret = _add_contact(page, "Ünal Privé", visibility="private")
    shared = _add_contact(page, "Wanda Shared", visibility="workspace")
    # Invite a teammate (the API, with the page's session and CSRF token) and accept as
    # a new account, as the invitation link would.
    invited = page.request.post(
        "/api/v1/workspace/invitations",
        data=json.dumps({"role": "member"}),
        headers={"Content-Type": "application/json", "X-CSRF-Token": _csrf(page)},
    )
    assert invited.status == 201, invited.text()
    mate_email = f"tom-{uuid4().hex[:8]}@browser.example"
    other = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    accepted = other.request.post(
        "/api/v1/invitations/accept",
        data=json.dumps({"token": invited.json()["token"], "email": mate_email,
                         "name": "Tom Teammate", "password": PASSWORD}),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert accepted.status == 200, accepted.text()
    mate = other.new_page()
    console.watch(mate)
    mate.goto("/login?next=/contacts")
    mate.get_by_label("Email").fill(mate_email)
    mate.get_by_label("Password").fill(PASSWORD)
    mate.get_by_role("button", name="Log in").click()
    mate.wait_for_url("**/contacts")
    assert _results(mate) == ["Wanda Shared"]
    mate.get_by_label("Search").press_sequentially("unal", delay=40)
    mate.wait_for_function("() => document.querySelector('#contact-results').textContent"
                           ".includes('No contacts match')")  # fmt: skip
    assert "Ünal" not in mate.content()
    hidden = mate.goto(f"/contacts/{secret}")
    assert hidden.status == 404
    hidden_text = mate.locator("main").inner_text()
    assert "Ünal" not in mate.content()
    missing = mate.goto("/contacts/999999")
    assert missing.status == 404
    assert hidden_text.replace(f"#{secret}", "#N") == mate.locator("main").inner_text().replace(
        "#999999", "#N"
    )
    assert_accessible(mate)
    assert mate.goto(f"/contacts/{shared}").status == 200
    mate.get_by_role("heading", level=1, name="Wanda Shared").wait_for()
    # The owner still sees both.
    page.goto("/contacts?q=unal")
    assert _results(page) == ["Ünal Privé"]
    other.close()


def test_show_older_interactions_appends_them_in_place(page):
    sign_up(page, "Hana History")
    person = _add_contact(page, "Lena Longhistory")
    for n in range(25):
        logged = page.request.post(
            "/api/v1/interactions",
            data=json.dumps({"channel": "call", "participants": [person],
                             "summary": f"touch {n:02d}", "when": f"2024-03-{n + 1:02d}"}),
            headers={"Content-Type": "application/json", "X-CSRF-Token": _csrf(page)},
        )  # fmt: skip
        assert logged.status == 201, logged.text()
    page.goto(f"/contacts/{person}")
    items = page.locator("#timeline-items > li:not(.ct-older)")
    assert items.count() == 20
    page.get_by_role("link", name="Show older interactions").click()
    page.wait_for_function("() => document.querySelectorAll('#timeline-items > li').length === 25")
    assert page.get_by_role("link", name="Show older interactions").count() == 0
    assert page.url.endswith(f"/contacts/{person}")  # appended in place, no navigation
    summaries = [re.search(r"touch \d+", t).group(0) for t in items.all_inner_texts()]
    assert summaries == [f"touch {n:02d}" for n in range(24, -1, -1)]
    assert_accessible(page)


def test_bulk_with_nothing_selected_says_so_in_place(demo_page):
    page = demo_page
    page.goto("/contacts?tier=inner")
    page.locator("#bulk-tag").fill("nobody")
    page.get_by_role("button", name="Add tag").click()
    page.locator("#flash").get_by_text("Select at least one contact").wait_for()
    assert page.url.endswith("/contacts?tier=inner")  # the list as it was
    assert_accessible(page)
