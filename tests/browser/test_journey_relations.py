"""Journeys on the relations pages in real Chromium, over the demo network: record a give
and see the balance change; create an ask, seeing the readiness warning before saving;
make a double-opt-in introduction through its states; find a warm path in Network."""

from __future__ import annotations

from tests.browser.conftest import assert_accessible, shot


def _balance(page) -> int:
    return int(page.locator("#ledger-balance").inner_text())


def _takers(page, count: int) -> list[str]:
    """Names from the Ledger's takers list (people the demo user is in touch with)."""
    page.goto("/ledger")
    names = page.locator(".ledger-takers li .grow").all_inner_texts()
    assert len(names) >= count, f"the demo ledger has too few takers: {names}"
    return names[:count]


def test_record_a_give_on_the_ledger_and_see_the_balance_change(demo_page):
    page = demo_page
    page.get_by_role("link", name="Ledger").click()
    page.wait_for_url("**/ledger")
    assert page.get_by_role("heading", name="Balance over time").is_visible()
    assert page.locator("svg.ledger-chart title").count() == 1
    before = _balance(page)
    [name] = _takers(page, 1)
    page.get_by_label("I gave").check()
    page.get_by_label("Person").fill(name)
    page.get_by_label("Kind").select_option("introduction")
    page.get_by_label("Weight (1–5)").fill("3")
    page.get_by_label("Note").fill("Introduced them to a hiring manager")
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert _balance(page) == before + 3
    first = page.locator(".ledger-entries tbody tr").first.inner_text()
    assert name in first and "Introduced them to a hiring manager" in first
    assert_accessible(page)
    shot(page, "ledger")


def test_create_an_ask_seeing_the_readiness_warning_before_saving(demo_page):
    page = demo_page
    [name] = _takers(page, 1)  # received more than given: not ready to ask
    page.get_by_role("link", name="Asks").click()
    page.wait_for_url("**/asks")
    page.get_by_label("Whom to ask").fill(name)
    page.get_by_label("Kind").select_option("advice")
    page.get_by_label("What you ask for").fill(
        "Would you be open to a 15-minute call next week about pricing our consulting work?"
    )
    page.get_by_label("Why this person").fill("They priced their own practice last year.")
    # The preview follows the typing: wait for the one of the whole draft.
    page.get_by_text("Every question is answered.").wait_for()
    page.locator(".ask-coach li").first.wait_for()
    warning = page.locator("#ask-readiness-warning")
    assert f"Not ready to ask {name} yet" in warning.inner_text()
    assert "give first" in warning.inner_text()
    assert page.locator(".ask-coach li").count() >= 1  # the coach beside the draft
    assert "pricing our consulting work" not in page.locator(".asks-board").inner_text()
    assert_accessible(page)
    shot(page, "asks")
    page.get_by_role("button", name="Save the ask").click()
    page.wait_for_url("**/asks")
    draft = page.locator("section[aria-labelledby=ask-col-draft]")
    assert "pricing our consulting work" in draft.inner_text()
    assert name in draft.inner_text()


def test_plan_an_ask_step_by_step_on_its_page(demo_page):
    page = demo_page
    [name] = _takers(page, 1)
    page.goto("/asks")
    page.get_by_label("Whom to ask").fill(name)
    page.get_by_label("Kind").select_option("advice")
    page.get_by_label("What you ask for").fill("A second look at my pricing page")
    page.get_by_label("Why this person").fill("They priced three products.")
    page.get_by_role("button", name="Save the ask").click()
    page.wait_for_url("**/asks")
    page.get_by_role("link", name="A second look at my pricing page").click()
    page.wait_for_url("**/asks/*")
    url = page.url
    steps = page.locator("#ask-steps")
    assert "No steps yet." in steps.inner_text()
    for channel, when in (("coffee", "+2d"), ("follow-up email", "+9d")):
        steps.get_by_label("How").fill(channel)
        steps.get_by_label("When").fill(when)
        steps.get_by_role("button", name="Add step").click()
        steps.locator("li", has_text=channel).wait_for()
    assert "0 of 2 done" in steps.inner_text()
    steps.get_by_role("button", name="Mark step 1 done").click()
    steps.get_by_text("1 of 2 done").wait_for()
    assert page.url == url  # swapped in place
    assert steps.get_by_role("button", name="Mark step 2 done").is_visible()
    steps.get_by_label("When").fill("someday")
    steps.get_by_label("How").fill("call")
    steps.get_by_role("button", name="Add step").click()
    page.locator("#step-error").wait_for()
    assert "is not a date" in page.locator("#step-error").inner_text()
    assert_accessible(page)
    shot(page, "ask")


def test_a_double_opt_in_introduction_through_its_states(demo_page):
    page = demo_page
    requester, target = _takers(page, 2)
    page.get_by_role("link", name="Introductions").click()
    page.wait_for_url("**/introductions")
    page.locator("summary").filter(has_text="New introduction request").click()
    page.get_by_label("Who wants to meet someone (requester)").fill(requester)
    page.get_by_label("Whom they want to meet (target)").fill(target)
    page.get_by_label("Why: what the requester is trying to accomplish").fill(
        "Find a first customer in logistics"
    )
    page.get_by_label("Why the target would want the conversation").fill(
        "They are looking for route-planning tools"
    )
    page.get_by_label("Blurb to forward").fill("Builds route-planning software for fleets.")
    page.get_by_role("button", name="Add the request").click()
    page.wait_for_url("**/introductions")
    card = page.locator("article.intro-card").filter(has_text=f"{requester} → {target}")
    assert card.locator(".intro-status").inner_text() == "requested"
    assert_accessible(page)

    card.get_by_role("button", name="Accept: ask the target").click()
    card.locator(".intro-status", has_text="target-asked").wait_for()
    assert "Send this:" in card.inner_text()  # the opt-in message to the target
    card.get_by_role("button", name="Target agrees").click()
    card.locator(".intro-status", has_text="target-agreed").wait_for()
    card.get_by_role("button", name="Make the introduction").click()
    card.locator(".intro-status", has_text="made").wait_for()
    assert "Send this:" in card.inner_text()
    # The card moved to its column, out of the triage one.
    assert f"{requester} → {target}" in page.locator("#intro-list-made").inner_text()
    assert f"{requester} → {target}" not in page.locator("#intro-list-inbound").inner_text()
    assert_accessible(page)
    shot(page, "introductions")
    page.reload()
    made = page.locator("section[aria-labelledby=intro-col-made]")
    assert f"{requester} → {target}" in made.inner_text()


def test_find_a_warm_path_to_someone_in_network(demo_page):
    page = demo_page
    [name] = _takers(page, 1)
    page.get_by_role("link", name="Network").click()
    page.wait_for_url("**/network")
    box = page.get_by_label("A person or an organization")
    box.press_sequentially(name[:4], delay=30)
    page.locator("#network-target-options option").first.wait_for(state="attached")
    box.fill(name)
    page.get_by_role("button", name="Find paths").click()
    page.wait_for_url("**/network?target=*")
    assert page.get_by_role("heading", name=f"Paths to {name}").is_visible()
    hops = page.locator(".network-path").first.locator(".network-hop")
    assert hops.count() >= 2  # you, then at least the person
    assert " — " in page.locator(".network-path .reason").first.inner_text()
    assert_accessible(page)
    shot(page, "network")
