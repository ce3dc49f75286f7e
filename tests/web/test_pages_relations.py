"""The Ledger, Asks, Introductions and Network pages through a browser session
(TestClient): what they show, their writes (CSRF-guarded), and a teammate never seeing
the owner's private contact on them."""

from __future__ import annotations

import re

import pytest

from goodwill.services import asks, intros, ledger, network
from tests.factories import make_contact, make_interaction, make_organization
from tests.web.sessions import session_client

HX = {"HX-Request": "true"}


@pytest.fixture
def me(app, uow, owner):
    return session_client(app, uow, owner)


@pytest.fixture
def mate(app, uow, teammate):
    return session_client(app, uow, teammate)


def _balance(html: str) -> str:
    found = re.search(r'id="ledger-balance"[^>]*>([^<]+)<', html)
    assert found, "no balance on the page"
    return found.group(1)


def _secret(owner, uow):
    return make_contact(owner, uow, name=None, first_name="Zelda", last_name="Secretive",
                        visibility="private")  # fmt: skip


# -- Ledger -------------------------------------------------------------------------


def test_ledger_page_shows_the_balance_chart_takers_and_entries(me, owner, uow):
    person = make_contact(owner, uow, name="Tom Taker").id
    ledger.record_receive(owner, uow, person, "advice", weight=3, note="a great tip")
    page = me.get("/ledger")
    assert page.status_code == 200
    html = page.text
    assert _balance(html) == "-3"
    assert '<svg class="chart ledger-chart"' in html and '<title id="ledger-chart-title">' in html
    assert "style=" not in html
    assert "Tom Taker" in html.split('id="h-takers"')[1].split("</section>")[0]
    assert "a great tip" in html
    assert 'aria-current="page"' in html.split('href="/ledger"')[1][:30]


def test_record_a_give_changes_the_balance(me, owner, uow):
    make_contact(owner, uow, name="Gina Given")
    assert _balance(me.get("/ledger").text) == "+0"
    sent = me.post("/ledger", data={"direction": "gave", "counterpart": "Gina Given",
                                    "kind": "favor", "weight": "4"})  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"] == "/ledger"
    assert _balance(me.get("/ledger").text) == "+4"
    assert ledger.ledger_balance(owner, uow).given_weight == 4


def test_record_a_receive_lowers_the_balance(me, owner, uow):
    make_contact(owner, uow, name="Rita Received")
    me.post("/ledger", data={"direction": "received", "counterpart": "Rita Received",
                             "kind": "advice", "weight": "2"})  # fmt: skip
    assert _balance(me.get("/ledger").text) == "-2"


def test_a_refused_entry_comes_back_with_the_message_and_what_was_typed(me, owner, uow):
    make_contact(owner, uow, name="Wendy Weight")
    sent = me.post(
        "/ledger",
        data={
            "direction": "gave",
            "counterpart": "Wendy Weight",
            "kind": "favor",
            "weight": "9",
            "note": "kept note",
        },
    )
    assert sent.status_code == 422
    assert "9 is not between 1 and 5" in sent.text
    assert 'value="Wendy Weight"' in sent.text and 'value="kept note"' in sent.text
    assert ledger.ledger_balance(owner, uow).given_count == 0


def test_a_ledger_write_without_the_csrf_token_is_refused(app, uow, owner):
    client = session_client(app, uow, owner)
    del client.headers["x-csrf-token"]
    make_contact(owner, uow, name="Carl Csrf")
    sent = client.post("/ledger", data={"direction": "gave", "counterpart": "Carl Csrf",
                                        "kind": "favor"})  # fmt: skip
    assert sent.status_code == 403
    assert ledger.ledger_balance(owner, uow).given_count == 0


def test_ledger_entries_page_by_cursor_without_repeats(me, owner, uow):
    person = make_contact(owner, uow, name="Paula Pages").id
    for n in range(30):
        ledger.record_give(owner, uow, person, "favor", note=f"entry-{n:02d}")
    first = me.get("/ledger").text
    link = re.search(r'href="(/ledger\?cursor=[^"]+)"', first)
    assert link, "no link to older entries"
    second = me.get(link.group(1).replace("&amp;", "&")).text
    notes = re.findall(r"entry-\d\d", first) + re.findall(r"entry-\d\d", second)
    assert len(notes) == 30 and len(set(notes)) == 30
    assert "/ledger?cursor=" not in second
    assert me.get("/ledger?cursor=not-a-cursor").status_code == 422


def test_teammate_ledger_shows_nothing_of_the_owners(mate, owner, uow):
    secret = _secret(owner, uow)
    ledger.record_receive(owner, uow, secret.id, "advice", weight=5, note="Zelda's tip")
    html = mate.get("/ledger").text
    assert "Zelda" not in html and _balance(html) == "+0"


# -- Asks -----------------------------------------------------------------------------


def test_ask_preview_warns_before_saving_and_saves_nothing(me, owner, uow):
    make_contact(owner, uow, name="Stan Stranger")
    shown = me.post("/asks/preview", data={"contact": "Stan Stranger", "kind": "introduction",
                                           "what": "Could you introduce me to your CTO?"},
                    headers=HX)  # fmt: skip
    assert shown.status_code == 200
    assert 'id="ask-readiness-warning"' in shown.text
    assert "no interaction in the last 90 days" in shown.text
    assert "Still to answer: a forwardable blurb" in shown.text
    assert "Verdict:" in shown.text  # the coach's findings beside the draft
    assert asks.list_asks(owner, uow) == []


def test_ask_preview_without_a_person_says_what_to_do(me):
    shown = me.post("/asks/preview", data={"contact": "", "kind": "favor"}, headers=HX)
    assert shown.status_code == 200 and "name the person to ask" in shown.text


def test_create_an_ask_then_move_it_through_the_board(me, owner, uow):
    person = make_contact(owner, uow, name="Ada Asked").id
    sent = me.post(
        "/asks",
        data={
            "contact": "Ada Asked",
            "kind": "favor",
            "what": "review my talk",
            "why_them": "she speaks a lot",
        },
    )
    assert sent.status_code == 303
    [made] = asks.list_asks(owner, uow)
    board = me.get("/asks").text
    draft = board.split('id="ask-col-draft"')[1].split("</section>")[0]
    assert "review my talk" in draft and "Ada Asked" in draft
    assert me.post(f"/asks/{made.id}/asked").status_code == 303
    asked = me.get("/asks").text.split('id="ask-col-asked"')[1].split("</section>")[0]
    assert "review my talk" in asked
    closed = me.post(
        f"/asks/{made.id}/close", data={"outcome": "granted", "record": "yes", "note": "loved it"}
    )
    assert closed.status_code == 303
    shown = asks.show_ask(owner, uow, made.id)
    assert (shown.status, shown.outcome) == ("granted", "loved it")
    granted = me.get("/asks").text.split('id="ask-col-granted"')[1].split("</section>")[0]
    assert "review my talk" in granted and "loved it" in granted
    assert ledger.ledger_balance(owner, uow, contact=person).received_count == 1


def test_an_ask_without_its_homework_is_refused_with_the_question(me, owner, uow):
    make_contact(owner, uow, name="Hal Homework")
    sent = me.post(
        "/asks",
        data={
            "contact": "Hal Homework",
            "kind": "introduction",
            "what": "meet your boss",
            "why_them": "you know her",
        },
    )
    assert sent.status_code == 422
    assert "why the target would care" in sent.text and "meet your boss" in sent.text
    assert asks.list_asks(owner, uow) == []


def test_an_illegal_ask_move_is_a_conflict(me, owner, uow):
    person = make_contact(owner, uow).id
    view = asks.create_ask(owner, uow, person, "favor", "x", "y").ask
    assert me.post(f"/asks/{view.id}/close", data={"outcome": "granted"}).status_code == 409


def test_teammate_never_sees_the_owners_private_contact_on_asks(mate, owner, uow):
    secret = _secret(owner, uow)
    asks.create_ask(owner, uow, secret.id, "favor", "Zelda favor", "why")
    assert "Zelda" not in mate.get("/asks").text
    shown = mate.post("/asks/preview", data={"contact": f"#{secret.id}", "kind": "favor"})
    assert "Zelda" not in shown.text and "no contact" in shown.text


# -- Introductions ---------------------------------------------------------------------


def test_a_double_opt_in_introduction_through_its_states(me, owner, uow):
    make_contact(owner, uow, name="Rhea Requester")
    target = make_contact(owner, uow, name="Theo Target").id
    sent = me.post("/introductions", data={"requester": "Rhea Requester", "target": "Theo Target",
                                           "goal": "hire a designer"})  # fmt: skip
    assert sent.status_code == 303
    [intro] = intros.list_introductions(owner, uow)
    board = me.get("/introductions").text
    inbound = board.split('id="intro-col-inbound"')[1].split("</section>")[0]
    assert "Rhea Requester → Theo Target" in inbound and "Accept: ask the target" in inbound

    url = f"/introductions/{intro.id}"
    card = me.post(url + "/triage", data={"decision": "accept", "why_target": "they hire too",
                                          "blurb": "Rhea designs fintech apps"},
                   headers=HX)  # fmt: skip
    assert card.status_code == 200 and "target-asked" in card.text
    assert "Send this:" in card.text and "Target agrees" in card.text
    card = me.post(url + "/consent", data={"agreed": "yes", "by": str(target)}, headers=HX)
    assert "target-agreed" in card.text and "Make the introduction" in card.text
    card = me.post(url + "/make", data={"weight": "2"}, headers=HX)
    assert 'intro-status">made<' in card.text and "Send this:" in card.text
    assert ledger.ledger_balance(owner, uow).given_weight == 2
    card = me.post(url + "/outcome", data={"outcome": "met"}, headers=HX)
    assert 'intro-status">closed<' in card.text
    closed = me.get("/introductions").text.split('id="intro-col-closed"')[1]
    assert "Rhea Requester → Theo Target" in closed.split("</section>")[0]


def test_tell_me_why_then_the_answers_return_the_request_to_triage(me, owner, uow):
    a, b = make_contact(owner, uow).id, make_contact(owner, uow).id
    view = intros.request_introduction(owner, uow, f"#{a}", f"#{b}", goal="sell")
    url = f"/introductions/{view.id}"
    card = me.post(url + "/triage", data={"decision": "tell-me-why"}, headers=HX)
    assert "needs-info" in card.text and "Record the answers" in card.text
    card = me.post(url + "/answer", data={"why_target": "they buy"}, headers=HX)
    assert 'intro-status">requested<' in card.text
    plain = me.post(url + "/triage", data={"decision": "decline"})  # a form without htmx
    assert plain.status_code == 303 and plain.headers["location"] == "/introductions"
    assert intros.show_introduction(owner, uow, view.id).status == "declined"


def test_accepting_without_the_homework_is_refused(me, owner, uow):
    a, b = make_contact(owner, uow).id, make_contact(owner, uow).id
    view = intros.request_introduction(owner, uow, f"#{a}", f"#{b}", goal="sell")
    refused = me.post(f"/introductions/{view.id}/triage", data={"decision": "accept"})
    assert refused.status_code == 422 and "homework is not done" in refused.text


def test_a_request_without_the_why_is_refused_and_kept(me, owner, uow):
    make_contact(owner, uow, name="Wes Why")
    make_contact(owner, uow, name="Tia Two")
    sent = me.post("/introductions", data={"requester": "Wes Why", "target": "Tia Two"})
    assert sent.status_code == 422 and "must carry the why" in sent.text
    assert 'value="Wes Why"' in sent.text


def test_teammate_sees_a_shared_introduction_with_the_private_target_redacted(mate, owner, uow):
    secret = _secret(owner, uow)
    shared = make_contact(owner, uow, name="Sid Shared", visibility="workspace").id
    view = intros.request_introduction(owner, uow, f"#{shared}", f"#{secret.id}", goal="meet",
                                       visibility="workspace")  # fmt: skip
    board = mate.get("/introductions").text
    assert "Sid Shared → a private contact" in board and "Zelda" not in board
    assert "Accept: ask the target" not in board  # not theirs to move
    assert mate.post(f"/introductions/{view.id}/triage",
                     data={"decision": "decline"}).status_code == 403  # fmt: skip


# -- Network ---------------------------------------------------------------------------


def test_network_explains_each_hop_of_a_warm_path(me, owner, uow):
    friend = make_contact(owner, uow, name="Fred Friend").id
    target = make_contact(owner, uow, name="Tara Target").id
    make_interaction(owner, uow, friend, channel="meeting")
    network.record_knows(owner, uow, friend, target, 0.8, note="old colleagues")
    html = me.get("/network", params={"target": "Tara Target"}).text
    assert "Paths to Tara Target" in html
    assert "Tara Target — knows Fred Friend" in html
    assert "Fred Friend —" in html and "1 touch" in html


def test_network_without_a_target_shows_the_search_and_an_unknown_one_says_so(me):
    empty = me.get("/network")
    assert empty.status_code == 200 and 'role="search"' in empty.text
    assert "Paths to" not in empty.text
    missing = me.get("/network", params={"target": "Nobody Anywhere"})
    assert missing.status_code == 200
    assert "no contact, email or organization matches" in missing.text


def test_teammate_path_through_a_private_contact_hides_them(mate, owner, uow):
    secret = _secret(owner, uow)
    target = make_contact(owner, uow, name="Open Olivia", visibility="workspace").id
    make_interaction(owner, uow, secret.id, channel="meeting")
    network.record_knows(owner, uow, secret.id, target, 0.9, visibility="workspace")
    html = mate.get("/network", params={"target": f"#{target}"}).text
    assert "Paths to Open Olivia" in html
    assert "a teammate knows someone there" in html and "Zelda" not in html


def test_suggestions_list_matching_people_the_viewer_may_see(me, mate, owner, uow):
    _secret(owner, uow)
    make_contact(owner, uow, name="Zelda Open", visibility="workspace")
    mine = me.get("/network/suggest", params={"counterpart": "zel"}, headers=HX).text
    assert 'value="Zelda Secretive"' in mine and 'value="Zelda Open"' in mine
    theirs = mate.get("/network/suggest", params={"target": "zel"}, headers=HX).text
    assert 'value="Zelda Open"' in theirs and "Secretive" not in theirs
    assert me.get("/network/suggest", params={"q": ""}).text.strip() == ""


def test_the_network_box_suggests_organizations_too(me, owner, uow):
    make_organization(owner, uow, name="Zenith Logistics")
    make_contact(owner, uow, name="Zeno Person")
    both = me.get("/network/suggest", params={"target": "ze", "with": "organizations"}).text
    assert 'value="Zeno Person"' in both and 'value="Zenith Logistics">organization<' in both
    people = me.get("/network/suggest", params={"counterpart": "ze"}).text
    assert "Zenith" not in people and 'value="Zeno Person"' in people
