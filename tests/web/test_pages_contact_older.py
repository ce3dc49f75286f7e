"""The contact page's older interactions and ledger entries: a "Show older" link at the
end of each list, keyset pages from there on (HTMX appends the items in place, the same
link without script opens a page of its own), the reader's visibility on every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from goodwill.services import contact_page, ledger
from tests.factories import make_contact, make_interaction
from tests.web.sessions import session_client

HTMX = {"HX-Request": "true"}
START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def as_owner_page(app, uow, owner) -> TestClient:
    return session_client(app, uow, owner)


@pytest.fixture
def as_teammate_page(app, uow, teammate) -> TestClient:
    return session_client(app, uow, teammate)


@pytest.fixture
def small_pages(monkeypatch):
    """2 on the contact page, then 3 a page: a few rows make several pages."""
    monkeypatch.setattr(contact_page, "TIMELINE_SHOWN", 2)
    monkeypatch.setattr(contact_page, "LEDGER_SHOWN", 2)
    monkeypatch.setattr(contact_page, "OLDER_SHOWN", 3)


def _older(html: str, part: str) -> str | None:
    found = re.search(rf'href="(/contacts/\d+/{part}\?after=[^"]+)" hx-get="([^"]+)"', html)
    if found is None:
        return None
    assert found.group(1) == found.group(2)  # the link without script is the same page
    return unescape(found.group(1))


def _summaries(html: str) -> list[str]:
    return re.findall(r"<br>(touch \d+)", html)


def _notes(html: str) -> list[str]:
    return re.findall(r'<span class="reason">(entry \d+)</span>', html)


def _walk(client: TestClient, first: str, part: str, read, headers=None) -> list[list[str]]:
    """Every page from the contact page on, following "Show older" to the end."""
    pages = [read(first)]
    url = _older(first, part)
    while url is not None:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200
        pages.append(read(response.text))
        url = _older(response.text, part)
        assert len(pages) < 20, "the pages never end"
    return pages


def test_show_older_interactions_walks_every_page_once_newest_first(
    as_owner_page, owner, uow, small_pages
):
    person = make_contact(owner, uow, name="Long History")
    # Two touches at the same moment: the id breaks the tie, neither repeats nor hides.
    moments = [START + timedelta(days=n) for n in range(7)] + [START + timedelta(days=3)]
    for n, moment in enumerate(moments):
        make_interaction(owner, uow, person.id, summary=f"touch {n}", when=moment)
    html = as_owner_page.get(f"/contacts/{person.id}").text
    assert "Show older interactions" in html
    pages = _walk(as_owner_page, html, "timeline", _summaries, HTMX)
    assert [len(p) for p in pages] == [2, 3, 3]
    newest_first = [f"touch {n}" for n in (6, 5, 4, 7, 3, 2, 1, 0)]
    assert [s for p in pages for s in p] == newest_first


def test_an_htmx_page_is_the_items_alone_in_place_of_the_link(
    as_owner_page, owner, uow, small_pages
):
    person = make_contact(owner, uow, name="Htmx History")
    for n in range(4):
        make_interaction(owner, uow, person.id, summary=f"touch {n}", when=START + timedelta(n))
    url = _older(as_owner_page.get(f"/contacts/{person.id}").text, "timeline")
    fragment = as_owner_page.get(url, headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<ol" not in fragment.text
    assert fragment.text.strip().startswith("<li>")
    assert _summaries(fragment.text) == ["touch 1", "touch 0"]
    assert _older(fragment.text, "timeline") is None  # the last page: no link left
    # The link swaps itself (its <li>) for the next page's items and link.
    assert (
        'hx-target="closest li" hx-swap="outerHTML"'
        in as_owner_page.get(f"/contacts/{person.id}").text
    )


def test_without_script_the_link_opens_a_page_of_its_own(as_owner_page, owner, uow, small_pages):
    person = make_contact(owner, uow, name="Plain History")
    for n in range(7):
        make_interaction(owner, uow, person.id, summary=f"touch {n}", when=START + timedelta(n))
    url = _older(as_owner_page.get(f"/contacts/{person.id}").text, "timeline")
    page = as_owner_page.get(url)
    assert page.status_code == 200
    assert "<h1>Timeline with Plain History</h1>" in page.text
    assert 'aria-current="page">Contacts' in page.text
    assert _summaries(page.text) == ["touch 4", "touch 3", "touch 2"]
    assert f'href="/contacts/{person.id}/timeline">Back to the newest' in page.text
    assert f'href="/contacts/{person.id}#timeline">Back to Plain History' in page.text
    newest = as_owner_page.get(f"/contacts/{person.id}/timeline")  # no cursor: from the top
    assert _summaries(newest.text) == ["touch 6", "touch 5", "touch 4"]
    assert "Back to the newest" not in newest.text


def test_the_cursor_is_a_keyset_not_an_offset(as_owner_page, owner, uow, small_pages):
    """A touch logged between two pages neither repeats a row nor hides one."""
    person = make_contact(owner, uow, name="Busy History")
    for n in range(5):
        make_interaction(owner, uow, person.id, summary=f"touch {n}", when=START + timedelta(n))
    url = _older(as_owner_page.get(f"/contacts/{person.id}").text, "timeline")
    assert "offset" not in url and "page=" not in url
    make_interaction(owner, uow, person.id, summary="touch 9", when=START + timedelta(30))
    assert _summaries(as_owner_page.get(url).text) == ["touch 2", "touch 1", "touch 0"]


def test_older_ledger_entries_page_the_same_way(as_owner_page, owner, uow, small_pages):
    person = make_contact(owner, uow, name="Ledger History")
    for n in range(6):
        on = (START + timedelta(days=n)).date().isoformat()
        ledger.record_give(owner, uow, person.id, "advice", note=f"entry {n}", on=on)
    html = as_owner_page.get(f"/contacts/{person.id}").text
    assert "Show older entries" in html
    pages = _walk(as_owner_page, html, "ledger", _notes, HTMX)
    assert [len(p) for p in pages] == [2, 3, 1]
    assert [n for p in pages for n in p] == [f"entry {n}" for n in range(5, -1, -1)]
    plain = as_owner_page.get(_older(html, "ledger"))
    assert "<h1>Ledger with Ledger History</h1>" in plain.text
    assert _notes(plain.text) == ["entry 3", "entry 2", "entry 1"]


def test_few_items_offer_no_link(as_owner_page, owner, uow):
    person = make_contact(owner, uow, name="Short History")
    make_interaction(owner, uow, person.id, summary="touch 1")
    ledger.record_give(owner, uow, person.id, "advice", note="entry 1")
    html = as_owner_page.get(f"/contacts/{person.id}").text
    assert _older(html, "timeline") is None and _older(html, "ledger") is None
    assert "touch 1" in html and "entry 1" in html


def test_a_teammate_never_pages_into_private_items(
    as_owner_page, as_teammate_page, owner, teammate, uow, small_pages
):
    shared = make_contact(owner, uow, name="Shared History", visibility="workspace")
    for n in range(8):
        make_interaction(owner, uow, shared.id, summary=f"touch {n}",
                         when=START + timedelta(n),
                         visibility="private" if n % 2 else "workspace")  # fmt: skip
        ledger.record_give(owner, uow, shared.id, "advice", note=f"entry {n}")
    ledger.record_give(teammate, uow, shared.id, "article", note="entry 99")
    first = as_teammate_page.get(f"/contacts/{shared.id}").text
    timeline = [s for p in _walk(as_teammate_page, first, "timeline", _summaries) for s in p]
    assert timeline == ["touch 6", "touch 4", "touch 2", "touch 0"]
    # The ledger is each one's own: the owner's eight entries are not the teammate's.
    assert _older(first, "ledger") is None and _notes(first) == ["entry 99"]
    assert _notes(as_teammate_page.get(f"/contacts/{shared.id}/ledger").text) == ["entry 99"]
    owners = _walk(as_owner_page, as_owner_page.get(f"/contacts/{shared.id}").text, "timeline",
                   _summaries)  # fmt: skip
    assert len([s for p in owners for s in p]) == 8


def test_a_hidden_contact_pages_like_a_missing_one(as_teammate_page, owner, uow):
    secret = make_contact(owner, uow, name="Secret History", visibility="private")
    make_interaction(owner, uow, secret.id, summary="touch secret")
    for part in ("timeline", "ledger"):
        hidden = as_teammate_page.get(f"/contacts/{secret.id}/{part}")
        missing = as_teammate_page.get(f"/contacts/999999/{part}")
        assert hidden.status_code == missing.status_code == 404
        assert "Secret" not in hidden.text and "touch secret" not in hidden.text


def test_a_cursor_of_another_list_or_a_forged_one_is_refused(
    as_owner_page, owner, uow, small_pages
):
    person = make_contact(owner, uow, name="Cursor History")
    for n in range(4):
        make_interaction(owner, uow, person.id, when=START + timedelta(n))
        ledger.record_give(owner, uow, person.id, "advice")
    html = as_owner_page.get(f"/contacts/{person.id}").text
    timeline_cursor = _older(html, "timeline").split("after=")[1]
    crossed = as_owner_page.get(f"/contacts/{person.id}/ledger?after={timeline_cursor}")
    assert crossed.status_code == 422 and "cursor" in crossed.text
    assert as_owner_page.get(f"/contacts/{person.id}/timeline?after=junk").status_code == 422
