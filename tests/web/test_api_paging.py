"""Cursor pages on every API list: walking them gives every visible row once, in the
documented order, ties in the sort key included; rows added between fetches repeat
nothing; a bad, foreign or mismatched cursor is a 422 on "cursor"; private rows of
someone else never show, whatever the cursor."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from goodwill.services import asks, giving, intros, ledger, notes, opportunities, pipelines
from goodwill.storage.schema import Ask, Contact, Introduction, Note, Organization
from tests.factories import make_contact, make_interaction, make_organization, make_task

PROBLEM = "application/problem+json"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

# path -> the sorts it allows (first: the default) and the item field each one orders by.
LISTS = {
    "/api/v1/contacts": ["id", "name", "-name", "-created_at", "created_at", "-updated_at"],
    "/api/v1/organizations": ["name", "-name", "-created_at", "created_at"],
    "/api/v1/interactions": ["-occurred_at", "occurred_at"],
    "/api/v1/notes": ["-created_at", "created_at"],
    "/api/v1/tasks": ["due_at", "-due_at", "-created_at", "created_at"],
    "/api/v1/ledger": ["-occurred_on", "occurred_on"],
    "/api/v1/asks": ["-created_at", "created_at"],
    "/api/v1/introductions": ["-created_at", "created_at"],
    "/api/v1/needs-offers": ["kind", "-noted_on", "noted_on"],
    "/api/v1/opportunities": ["-opened_at", "opened_at", "-value", "value"],
    "/api/v1/pipelines": [None],
    "/api/v1/imports": [None],
}
FIELD = {"name": None, "created_at": None, "updated_at": None}  # not in the items: walk only


def _order_key(item, sort):
    """What `sort` orders by, NULLs last, for an item; None when the item does not show it."""
    field = sort.lstrip("-")
    if field == "kind":
        return (item["kind"], -date.fromisoformat(item["noted_on"]).toordinal())
    if field in FIELD or field not in item:
        return None
    value = item[field]
    if field == "value" and value is not None:
        value = Decimal(value)
    return (value is None, value if value is not None else 0)


def walk(client, path, limit=2, **params):
    """Every page of a list, following `next_cursor`; the items in the order received."""
    seen, cursor = [], None
    for _ in range(200):
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


def _same_time(uow, model, column, when):
    with uow.write() as session:
        session.execute(update(model).values({column: when}))


@pytest.fixture
def world(uow, owner, teammate):
    """Each list's rows, many tied on their sort key, some private to one of the two."""
    mine = make_contact(owner, uow, name="Ada Shared", visibility="workspace").id
    other = make_contact(owner, uow, name="Bob Shared", visibility="workspace").id
    # Per owner, per list: ids the other one must never see.
    hidden = {"owner": defaultdict(set), "teammate": defaultdict(set)}
    for n in range(5):
        make_contact(owner, uow, name=f"Zed {n % 2}", visibility="workspace")
        secret = make_contact(owner, uow, name=f"Ann {n}", visibility="private")
        hidden["owner"]["/api/v1/contacts"].add(secret.id)
        make_organization(owner, uow, name=f"Org {n}", visibility="workspace")
        when = T0 - timedelta(days=n % 2)  # ties: three at T0, two a day earlier
        for actor, vis in ((owner, "workspace"), (owner, "private"), (teammate, "private")):
            logged = make_interaction(actor, uow, mine, when=when, visibility=vis).interaction
            if vis == "private":
                who = "owner" if actor is owner else "teammate"
                hidden[who]["/api/v1/interactions"].add(logged.id)
        note = notes.add_note(owner, uow, f"note {n}", contact=mine, visibility="private")
        hidden["owner"]["/api/v1/notes"].add(note.id)
        notes.add_note(owner, uow, f"shared note {n}", contact=mine, visibility="workspace")
        make_task(
            owner, uow, title=f"task {n}", due=None if n == 4 else "2030-01-0" + str(n % 2 + 1)
        )
        ledger.record_give(owner, uow, mine, "favor", on=date(2025, 1, 1 + n % 2))
        asks.create_ask(owner, uow, mine, "advice", f"ask {n}", "why")
        intros.request_introduction(owner, uow, f"#{mine}", f"#{other}", goal=f"goal {n}")
        giving.add_need(owner, uow, mine, f"need {n}", noted_on=date(2025, 2, 1 + n % 2))
        giving.add_offer(owner, uow, None, f"offer {n}", noted_on=date(2025, 2, 1 + n % 2))
    pipeline = pipelines.create_pipeline(owner, uow, "Deals", "sales", visibility="workspace").id
    for n in range(5):
        opportunities.add_opportunity(
            owner, uow, pipeline, f"deal {n}", value=None if n == 0 else str(n % 2 * 10),
            currency="USD", opened_at=T0 - timedelta(days=n % 2), visibility="workspace",
        )  # fmt: skip
    for model in (Contact, Organization, Note, Ask, Introduction):
        _same_time(uow, model, "created_at", T0)
    _same_time(uow, Contact, "updated_at", T0)
    return hidden


@pytest.mark.parametrize("path", sorted(LISTS))
def test_walking_every_page_gives_each_visible_row_once_in_order(
    path, world, as_owner, as_teammate
):
    for who, client in (("owner", as_owner), ("teammate", as_teammate)):
        others = world["teammate" if who == "owner" else "owner"][path]
        for sort in LISTS[path]:
            params = {"sort": sort} if sort else {}
            whole = client.get(path, params={"limit": 500, **params}).json()
            assert whole["next_cursor"] is None
            items = whole["items"]
            walked = walk(client, path, **params)
            assert [i["id"] for i in walked] == [i["id"] for i in items], (who, sort)
            assert len({i["id"] for i in walked}) == len(walked)
            assert not others & {i["id"] for i in walked}
            if who == "owner" and path not in ("/api/v1/pipelines", "/api/v1/imports"):
                assert len(items) >= 5, (path, sort)
            if sort and None not in (keys := [_order_key(i, sort) for i in items]):
                # The documented order: the sort key, then the id, both the same way.
                descending = sort.startswith("-")
                expected = sorted(
                    items,
                    key=lambda i: (
                        _order_key(i, sort)[0],
                        _neg(_order_key(i, sort)[1:], descending),
                        -i["id"] if descending or sort == "kind" else i["id"],
                    ),
                )
                assert items == expected, (path, sort, keys)


def _neg(values, descending):
    if not descending:
        return values
    return tuple(-v.timestamp() if isinstance(v, datetime) else _flip(v) for v in values)


def _flip(value):
    if isinstance(value, str):
        for parse in (datetime.fromisoformat, date.fromisoformat):
            try:
                parsed = parse(value)
            except ValueError:
                continue
            return -(parsed.timestamp() if isinstance(parsed, datetime) else parsed.toordinal())
    return -value


def test_rows_added_between_pages_repeat_nothing(uow, owner, as_owner):
    ada = make_contact(owner, uow, name="Ada").id
    first = [make_interaction(owner, uow, ada, when=T0).interaction.id for _ in range(5)]
    page = as_owner.get("/api/v1/interactions", params={"limit": 2}).json()
    # One newer than the cursor (it sorts before it: not seen), one at the same instant
    # (a higher id: also before it), one older (after it: seen once).
    make_interaction(owner, uow, ada, when=T0 + timedelta(hours=1))
    make_interaction(owner, uow, ada, when=T0)
    older = make_interaction(owner, uow, ada, when=T0 - timedelta(days=1)).interaction.id
    seen = [i["id"] for i in page["items"]]
    cursor = page["next_cursor"]
    while cursor:
        page = as_owner.get("/api/v1/interactions", params={"limit": 2, "cursor": cursor}).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert seen == sorted(first, reverse=True) + [older]


def _cursor(data, sort="-occurred_at", list_name="interactions"):
    if isinstance(data, tuple):  # a key for that list and sort
        data = {"l": list_name, "s": sort, "k": list(data)}
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "cursor"),
    [
        ("/api/v1/interactions", "%%%not-base64"),
        ("/api/v1/interactions", _cursor([1, 2])),
        ("/api/v1/interactions", _cursor((T0.isoformat(), 1), "-created_at", "notes")),
        ("/api/v1/interactions", _cursor(("x", 1))),
        ("/api/v1/interactions", _cursor((1,))),
        ("/api/v1/interactions", _cursor(("2025-01-01T00:00:00", 1))),
        ("/api/v1/contacts", _cursor({"l": "contacts", "s": "name", "k": ["a\x00", 1]})),
        ("/api/v1/contacts", _cursor({"l": "contacts", "s": "id", "k": [2**40]})),
        ("/api/v1/contacts", _cursor({"l": "contacts", "s": "id", "k": [True]})),
        ("/api/v1/tasks", _cursor({"l": "tasks", "s": "due_at", "k": [None, None]})),
        ("/api/v1/ledger", _cursor({"l": "ledger", "s": "-occurred_on", "k": ["2025-13-01", 1]})),
        ("/api/v1/opportunities", _cursor({"l": "opportunities", "s": "-value", "k": ["1", 1]})),
        ("/api/v1/imports", _cursor({"l": "pipelines", "s": "id", "k": [1]})),
    ],
)  # fmt: skip
def test_bad_foreign_or_tampered_cursors_are_422_on_cursor(as_owner, path, cursor):
    response = as_owner.get(path, params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_cursor_keeps_its_sort_and_refuses_another(uow, owner, as_owner):
    for n in range(3):
        make_contact(owner, uow, name=f"Name {3 - n}")
    first = as_owner.get("/api/v1/contacts", params={"limit": 1, "sort": "-name"}).json()
    assert [c["display_name"] for c in first["items"]] == ["Name 3"]
    # Without `sort`, the cursor's own; with another, a 422.
    again = as_owner.get("/api/v1/contacts", params={"limit": 1, "cursor": first["next_cursor"]})
    assert [c["display_name"] for c in again.json()["items"]] == ["Name 2"]
    other = as_owner.get(
        "/api/v1/contacts", params={"cursor": first["next_cursor"], "sort": "name"}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "cursor"


def test_an_unknown_sort_is_422_naming_the_allowed_ones(as_owner):
    response = as_owner.get("/api/v1/interactions", params={"sort": "summary"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "sort", "reason": "must be one of: -occurred_at, occurred_at"}
    ]
    schema = as_owner.get("/openapi.json").json()
    params = schema["paths"]["/api/v1/interactions"]["get"]["parameters"]
    sort = next(p for p in params if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["-occurred_at", "occurred_at"]


def test_a_cursor_handed_to_a_teammate_shows_only_their_rows(
    uow, owner, teammate, as_owner, as_teammate
):
    ada = make_contact(owner, uow, name="Ada", visibility="workspace").id
    private = set()
    for n in range(6):
        vis = "private" if n % 2 else "workspace"
        logged = make_interaction(owner, uow, ada, when=T0 - timedelta(minutes=n), visibility=vis)
        if vis == "private":
            private.add(logged.interaction.id)
    cursor = as_owner.get("/api/v1/interactions", params={"limit": 1}).json()["next_cursor"]
    page = as_teammate.get("/api/v1/interactions", params={"cursor": cursor, "limit": 50}).json()
    assert page["items"] and not private & {i["id"] for i in page["items"]}


def test_new_filters(uow, owner, as_owner):
    ada = make_contact(owner, uow, name="Ada").id
    bob = make_contact(owner, uow, name="Bob").id
    for n in range(3):
        make_interaction(owner, uow, ada, when=T0 - timedelta(days=n))
    make_interaction(owner, uow, bob, when=T0)
    window = {
        "contact_id": ada,
        "since": (T0 - timedelta(days=1)).isoformat(),
        "until": T0.isoformat(),
    }
    found = as_owner.get("/api/v1/interactions", params=window).json()["items"]
    assert [i["occurred_at"] for i in found] == [(T0 - timedelta(days=1)).isoformat()]
    make_task(owner, uow, title="soon", due="2030-01-01")
    make_task(owner, uow, title="later", due="2031-01-01")
    make_task(owner, uow, title="undated")
    due = as_owner.get("/api/v1/tasks", params={"due_before": "2030-06-01T00:00:00Z"}).json()
    assert [t["title"] for t in due["items"]] == ["soon"]
    for day in (1, 2, 3):
        ledger.record_give(owner, uow, ada, "favor", on=date(2025, 1, day))
    entries = as_owner.get("/api/v1/ledger", params={"since": "2025-01-02", "until": "2025-01-02"})
    assert [e["occurred_on"] for e in entries.json()["items"]] == ["2025-01-02"]
    naive = as_owner.get("/api/v1/tasks", params={"due_before": "2030-06-01T00:00:00"})
    assert naive.status_code == 422
