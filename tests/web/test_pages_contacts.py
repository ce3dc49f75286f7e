"""The Contacts pages through the app with a session cookie: the list (search, filters,
pages, bulk changes), adding a contact, and the contact page with its quick forms."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from goodwill.services import auth, contact_list, contacts, ledger
from tests.factories import make_contact, make_interaction
from tests.web.sessions import session_client


@pytest.fixture
def as_owner_page(app, uow, owner) -> TestClient:
    return session_client(app, uow, owner)


@pytest.fixture
def as_teammate_page(app, uow, teammate) -> TestClient:
    return session_client(app, uow, teammate)


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/contacts/\d+">([^<]+)</a>', html)


def test_list_shows_contacts_by_name(as_owner_page, owner, uow):
    make_contact(owner, uow, name="Zoë Adler")
    make_contact(owner, uow, name="Anna Zimmer")
    response = as_owner_page.get("/contacts")
    assert response.status_code == 200
    assert 'aria-current="page">Contacts' in response.text
    assert _names(response.text) == ["Zoë Adler", "Anna Zimmer"]  # by last name


def test_search_finds_accented_names_from_plain_spelling(as_owner_page, owner, uow):
    make_contact(owner, uow, name="Zoë Müller")
    make_contact(owner, uow, name="Zoltan Other")
    for query in ("Zoe", "muller", "ZOË MÜLLER"):
        response = as_owner_page.get("/contacts", params={"q": query})
        assert _names(response.text) == ["Zoë Müller"], query


def test_htmx_search_answers_the_results_alone(as_owner_page, owner, uow):
    make_contact(owner, uow, name="Zoë Müller")
    response = as_owner_page.get("/contacts", params={"q": "zoe"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert _names(response.text) == ["Zoë Müller"]
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in as_owner_page.get("/contacts?q=zoe", headers=restore).text


def test_filters_by_tag_tier_and_import(as_owner_page, owner, uow):
    make_contact(owner, uow, name="Tagged One", add_tags=["Investor"], tier="inner")
    make_contact(owner, uow, name="Plain Two", tier="wider")
    assert _names(as_owner_page.get("/contacts?tag=investor").text) == ["Tagged One"]
    assert _names(as_owner_page.get("/contacts?tier=wider").text) == ["Plain Two"]
    assert _names(as_owner_page.get("/contacts?imported=12345").text) == []
    bad = as_owner_page.get("/contacts?tier=bogus")
    assert bad.status_code == 422
    assert "tier" in bad.text


def test_lapsed_and_strength_filters(as_owner_page, owner, uow):
    fresh = make_contact(owner, uow, name="Fresh Friend", tier="inner")
    make_interaction(owner, uow, fresh.id, channel="meeting")
    make_contact(owner, uow, name="Old Friend", tier="inner", met_on="2020-01-01")
    assert _names(as_owner_page.get("/contacts?lapsed=1").text) == ["Old Friend"]
    weak = _names(as_owner_page.get("/contacts?strength=weak").text)
    assert "Old Friend" in weak
    strong = _names(as_owner_page.get("/contacts?strength=strong").text)
    assert "Old Friend" not in strong
    assert as_owner_page.get("/contacts?strength=enormous").status_code == 422


def test_next_and_previous_pages_by_cursor(as_owner_page, owner, uow):
    for n in range(55):
        make_contact(owner, uow, name=f"Page{n:02d} Person")
    first = as_owner_page.get("/contacts?q=person")
    names = _names(first.text)
    assert len(names) == 50 and names[0] == "Page00 Person"
    assert "Previous" not in first.text
    next_url = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    assert "offset" not in next_url and parse_qs(urlsplit(next_url).query)["q"] == ["person"]
    second = as_owner_page.get(next_url)
    assert _names(second.text) == [f"Page{n:02d} Person" for n in range(50, 55)]
    assert 'rel="next"' not in second.text
    prev_url = re.search(r'rel="prev" href="([^"]+)"', second.text).group(1).replace("&amp;", "&")
    back = as_owner_page.get(prev_url)
    assert _names(back.text) == names
    assert 'rel="prev"' not in back.text  # the first page again
    assert as_owner_page.get("/contacts?after=not-a-cursor").status_code == 422


def test_bulk_tag_tier_and_cadence(as_owner_page, owner, uow):
    a = make_contact(owner, uow, name="Bulk Alpha")
    b = make_contact(owner, uow, name="Bulk Beta")
    form = {"ids": [a.id, b.id], "action": "tag", "tag": "conference", "back": "q=bulk"}
    response = as_owner_page.post("/contacts/bulk", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == "/contacts?q=bulk&changed=2"
    assert contacts.show_contact(owner, uow, a.id).tags == ["conference"]
    refused = as_owner_page.post(
        "/contacts/bulk", data={"ids": [a.id], "action": "cadence", "cadence": "6w"}
    )
    assert refused.status_code == 422 and "has no tier" in refused.text
    as_owner_page.post(
        "/contacts/bulk", data={"ids": [a.id, b.id], "action": "tier", "tier": "network"}
    )
    as_owner_page.post("/contacts/bulk", data={"ids": [a.id], "action": "cadence", "cadence": "6w"})
    assert contacts.show_contact(owner, uow, a.id).cadence_days == 42
    assert contacts.show_contact(owner, uow, b.id).tier == "network"
    page = as_owner_page.get("/contacts?changed=2")
    assert "Changed 2 contacts" in page.text


def test_bulk_refuses_a_write_without_the_csrf_token(app, uow, owner):
    a = make_contact(owner, uow, name="Bulk Alpha")
    grant = auth.start_session(uow, owner)
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("goodwill_session", grant.cookie)
    response = client.post("/contacts/bulk", data={"ids": [a.id], "action": "tag", "tag": "x"})
    assert response.status_code == 403
    assert contacts.show_contact(owner, uow, a.id).tags == []
    ok = client.post(
        "/contacts/bulk",
        data={"ids": [a.id], "action": "tag", "tag": "x", "csrf_token": grant.csrf_token},
    )
    assert ok.status_code == 303


def test_teammate_never_sees_a_private_contact(as_teammate_page, owner, uow):
    secret = make_contact(owner, uow, name="Zoë Secret", visibility="private")
    shared = make_contact(owner, uow, name="Zoë Shared", visibility="workspace")
    assert _names(as_teammate_page.get("/contacts").text) == ["Zoë Shared"]
    assert _names(as_teammate_page.get("/contacts?q=zoe").text) == ["Zoë Shared"]
    hidden = as_teammate_page.get(f"/contacts/{secret.id}")
    missing = as_teammate_page.get("/contacts/999999")
    assert hidden.status_code == missing.status_code == 404
    assert "Secret" not in hidden.text
    assert f"#{secret.id}" in hidden.text  # the page names the id it was asked for
    assert re.sub(r"#\d+", "#N", hidden.text) == re.sub(r"#\d+", "#N", missing.text)
    assert as_teammate_page.get(f"/contacts/{shared.id}").status_code == 200
    # A selection naming the private contact changes nothing, not even the shared one.
    response = as_teammate_page.post(
        "/contacts/bulk", data={"ids": [shared.id, secret.id], "action": "tag", "tag": "mine"}
    )
    assert response.status_code == 404 and "Secret" not in response.text
    assert contacts.show_contact(owner, uow, shared.id).tags == []
    assert contacts.show_contact(owner, uow, secret.id).tags == []
    for path, form in (
        ("interactions", {"channel": "call"}),
        ("ledger", {"direction": "gave", "kind": "advice"}),
        ("tasks", {"title": "spy"}),
    ):
        answer = as_teammate_page.post(f"/contacts/{secret.id}/{path}", data=form)
        assert answer.status_code == 404 and "Secret" not in answer.text


def test_add_a_contact_then_its_page(as_owner_page, owner, uow):
    response = as_owner_page.post(
        "/contacts", data={"name": "Zoë Ångström", "email": "zoe@example.com", "tier": "inner"}
    )
    assert response.status_code == 303
    page = as_owner_page.get(response.headers["location"])
    assert page.status_code == 200
    assert "<h1>Zoë Ångström" in page.text
    assert "zoe@example.com" in page.text
    assert as_owner_page.post("/contacts", data={"name": "  "}).status_code == 422


def test_contact_page_sections(as_owner_page, owner, uow):
    person = make_contact(owner, uow, name="Page Person", how_met="a conference")
    make_interaction(owner, uow, person.id, channel="coffee", summary="talked about hiring")
    ledger.record_give(owner, uow, person.id, "advice", weight=3)
    html = as_owner_page.get(f"/contacts/{person.id}").text
    for heading in ("Strength", "Balance", "Timeline", "Tasks", "Asks", "Introductions",
                    "Discovery", "Needs and offers", "Positions", "Notes"):  # fmt: skip
        assert f">{heading}" in html, heading
    assert "talked about hiring" in html
    assert re.search(r'id="balance">\+3<', html)
    assert "last touch 0 days ago" in html


def test_quick_forms_log_give_and_add_task(as_owner_page, owner, uow):
    person = make_contact(owner, uow, name="Quick Person")
    url = f"/contacts/{person.id}"
    logged = as_owner_page.post(
        f"{url}/interactions", data={"channel": "call", "summary": "a chat"}
    )
    assert logged.status_code == 303 and logged.headers["location"] == f"{url}#timeline"
    gave = as_owner_page.post(
        f"{url}/ledger", data={"direction": "gave", "kind": "introduction", "weight": "2"}
    )
    assert gave.status_code == 303
    got = as_owner_page.post(f"{url}/ledger", data={"direction": "received", "kind": "advice"})
    assert got.status_code == 303
    task = as_owner_page.post(f"{url}/tasks", data={"title": "send the article", "due": "tomorrow"})
    assert task.status_code == 303
    html = as_owner_page.get(url).text
    assert "a chat" in html and "send the article" in html
    assert re.search(r'id="balance">\+1<', html)
    bad = as_owner_page.post(f"{url}/ledger", data={"direction": "stole", "kind": "advice"})
    assert bad.status_code == 422
    htmx_bad = as_owner_page.post(
        f"{url}/interactions", data={"channel": "pigeon"}, headers={"HX-Request": "true"}
    )
    assert htmx_bad.status_code == 422 and htmx_bad.headers["HX-Retarget"] == "#flash"


def test_contact_page_write_without_csrf_is_refused(app, uow, owner):
    person = make_contact(owner, uow, name="Guarded Person")
    grant = auth.start_session(uow, owner)
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("goodwill_session", grant.cookie)
    response = client.post(f"/contacts/{person.id}/interactions", data={"channel": "call"})
    assert response.status_code == 403
    assert contacts.show_contact(owner, uow, person.id).touches == 0


def test_pages_need_a_session(app):
    client = TestClient(app, follow_redirects=False)
    response = client.get("/contacts?q=zoe")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_empty_filters_from_the_form_are_no_filters(as_owner_page, owner, uow):
    make_contact(owner, uow, name="Zoë Müller")
    response = as_owner_page.get("/contacts?q=zoe&tag=&tier=&strength=&imported=&sort=name")
    assert response.status_code == 200
    assert _names(response.text) == ["Zoë Müller"]
    assert as_owner_page.get("/contacts?imported=%2312345").status_code == 200
    assert as_owner_page.get("/contacts?imported=abc").status_code == 422


def test_a_bounded_strength_scan_says_so_and_offers_next(as_owner_page, owner, uow, monkeypatch):
    for n in range(4):
        make_contact(owner, uow, name=f"Quiet{n} Person")
    monkeypatch.setattr(contact_list, "SCAN_CHUNK", 1)
    monkeypatch.setattr(contact_list, "SCAN_MAX", 2)
    html = as_owner_page.get("/contacts?strength=strong").text
    assert "No contacts match." in html
    assert "the strength filter looked at 2 contacts from here" in html
    assert 'rel="next"' in html


def test_bulk_with_nothing_selected_comes_back_to_the_filtered_list(as_owner_page, owner, uow):
    make_contact(owner, uow, name="Bulk Alpha", add_tags=["investor"])
    for action in ("tag", "tier", "cadence"):
        form = {"action": action, "tag": "x", "tier": "inner", "cadence": "6w",
                "back": "q=bulk&tag=investor&sort=-name&evil=1"}  # fmt: skip
        response = as_owner_page.post("/contacts/bulk", data=form)
        assert response.status_code == 303, action
        location = response.headers["location"]
        assert location == "/contacts?q=bulk&tag=investor&sort=-name&refused=none"
    page = as_owner_page.get("/contacts?tag=investor&refused=none")
    assert page.status_code == 200
    flash = re.search(r'<div id="flash"[^>]*>(.*?)</div>', page.text, re.S).group(1)
    assert "Select at least one contact" in flash and "flash-error" in flash
    assert _names(page.text) == ["Bulk Alpha"]  # the list as it was filtered
    assert "Select at least one contact" not in as_owner_page.get("/contacts").text
    assert "Select at least one" not in as_owner_page.get("/contacts?refused=other").text


def test_bulk_with_nothing_selected_over_htmx_says_so_in_the_flash_area(as_owner_page):
    response = as_owner_page.post(
        "/contacts/bulk", data={"action": "tag", "tag": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#flash"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in response.text
    assert "Select at least one contact" in response.text and "flash-error" in response.text


def test_bulk_over_htmx_reloads_the_list_once_done(as_owner_page, owner, uow):
    a = make_contact(owner, uow, name="Bulk Alpha")
    form = {"ids": [a.id], "action": "tag", "tag": "met", "back": "q=bulk"}
    response = as_owner_page.post("/contacts/bulk", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/contacts?q=bulk&changed=1"
    assert contacts.show_contact(owner, uow, a.id).tags == ["met"]
    page = as_owner_page.get("/contacts")
    assert 'hx-post="/contacts/bulk"' in page.text  # the bulk form is sent by htmx
