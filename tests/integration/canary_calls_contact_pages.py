"""Canary entries for the web app's Contacts read models and bulk changes: B's list
(every filter, every sort, walked a row at a time forwards and back) never holds A's
private or trashed contact, a selection naming one changes nothing and fails like a
missing contact, and B's contact page of the shared person shows A's private parts
of it (a lunch, a note, a task, a ledger entry, an organization) to nobody."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.errors import NotFound
from goodwill.services import contact_list, contact_page, contacts
from goodwill.services.contact_list import ContactFilters

MISSING = 999_999_999


def _hidden_ids(c: Any) -> list[tuple[int, int]]:
    return [(c.p.contact, MISSING), (c.p.trashed, MISSING)]


def _list(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    hidden = {p.contact, p.trashed}
    fn = contact_list.contact_list_page  # the canary's spy

    def clean(page: Any) -> bool:
        return not hidden & {row.contact.id for row in page.items}

    found = []
    probes = [p.canary, p.canary.lower(), p.canary[1:16], p.email, p.phone, "Hidden", "nick"]
    for q in probes:
        found.append(c.ok(fn, ContactFilters(q=q), echoed=(q,), expect=lambda r: r.items == []))
    for filters in (
        ContactFilters(tag=p.tag),
        ContactFilters(strength="weak"),
        ContactFilters(strength="strong"),
        ContactFilters(lapsed=True),
        ContactFilters(tier="none", include_archived=True),
    ):
        found.append(c.ok(fn, filters, echoed=(p.tag,), expect=clean))
    for sort in contact_list.SORTS.names:
        whole = c.ok(fn, ContactFilters(), sort=sort, limit=200, expect=clean)
        ids = [row.contact.id for row in whole.items]
        assert p.shared in ids and p.b_contact in ids
        seen: list[int] = []
        after = None
        for _ in range(200):
            page = c.ok(fn, ContactFilters(), sort=sort, after=after, limit=1)
            seen += [row.contact.id for row in page.items]
            last, after = page, page.after
            if after is None:
                break
        assert seen == ids, f"sort={sort}: {seen} != {ids}"
        back: list[int] = []
        before = last.before
        for _ in range(200):
            if before is None:
                break
            page = c.ok(fn, ContactFilters(), sort=sort, before=before, limit=1)
            back = [row.contact.id for row in page.items] + back
            before = page.before
        assert back + [row.contact.id for row in last.items] == ids, f"sort={sort} backwards"
        found.append(whole)
    # A key aimed at A's private contact only says where to resume among B's own rows.
    key = ["2000-01-01T00:00:00+00:00", p.contact]
    found.append(c.ok(fn, ContactFilters(), sort="created_at", after=key, expect=clean))
    return found


def _bulk(change: Callable[..., Any], *value: Any) -> Callable[[Any, Any, Any], list[Any]]:
    def calls(b: Any, uow: Any, c: Any) -> list[Any]:
        fn = getattr(contact_list, change.__name__)  # the canary's spy
        c.hidden(_hidden_ids(c), lambda r: fn(b, uow, [r], *value))
        c.hidden(_hidden_ids(c), lambda r: fn(b, uow, [c.p.b_contact, r], *value))
        before = contacts.show_contact(b, uow, c.p.b_contact)
        assert before.tags == [] and before.tier is None  # nothing of the failed selections
        if change.__name__ == "set_contacts_cadence":
            c.ok(contact_list.set_contacts_tier, [c.p.b_contact], "inner")
            chosen = [c.p.b_contact]  # the shared person has no tier, so no cadence
        else:
            chosen = [c.p.shared, c.p.b_contact]
        return [c.ok(fn, chosen, *value, expect=lambda n: n == len(chosen))]

    return calls


def _page(b: Any, uow: Any, c: Any) -> list[Any]:
    fn = contact_page.contact_page  # the canary's spy
    c.hidden(_hidden_ids(c), lambda r: fn(b, uow, r))
    shared = c.ok(
        fn,
        c.p.shared,
        expect=lambda r: (
            r.contact.id == c.p.shared
            and c.p.interaction not in {i.id for i in r.timeline}
            and c.p.ws_interaction in {i.id for i in r.timeline}
            and c.p.note_on_shared not in {n.id for n in r.contact.notes}
            and c.p.task not in {t.id for t in r.contact.open_tasks}
        ),
    )
    own = c.ok(fn, c.p.b_contact, expect=lambda r: r.contact.id == c.p.b_contact)
    try:
        fn(b, uow, MISSING)
    except NotFound:
        pass
    return [shared, own]


def _older(name: str) -> Callable[[Any, Any, Any], list[Any]]:
    """contact_timeline_page / contact_ledger_page: A's private and trashed contacts are
    missing; on the shared one, only what B may see (the ledger: B's own entries)."""

    def calls(b: Any, uow: Any, c: Any) -> list[Any]:
        fn = getattr(contact_page, name)  # the canary's spy
        c.hidden(_hidden_ids(c), lambda r: fn(b, uow, r))
        far = "2999-01-01"  # a day past everything (the ledger's key); the timeline's a time
        if name == "contact_timeline_page":
            far += "T00:00:00+00:00"
            expect = lambda r: (  # noqa: E731
                c.p.interaction not in {i.id for i in r.items}
                and c.p.ws_interaction in {i.id for i in r.items}
            )
        else:
            expect = lambda r: all(e.owner_id == b.user_id for e in r.items)  # noqa: E731
        shared = c.ok(fn, c.p.shared, expect=expect)
        # A cursor aimed at A's rows only says where to resume among what B may see.
        resumed = c.ok(fn, c.p.shared, after=[far, 10**9], expect=expect)
        return [shared, resumed]

    return calls


CONTACT_PAGE_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "contact_page.contact_timeline_page": _older("contact_timeline_page"),
    "contact_page.contact_ledger_page": _older("contact_ledger_page"),
    "contact_list.contact_list_page": _list,
    "contact_list.tag_contacts": _bulk(contact_list.tag_contacts, ["mine"]),
    "contact_list.set_contacts_tier": _bulk(contact_list.set_contacts_tier, "network"),
    "contact_list.set_contacts_cadence": _bulk(contact_list.set_contacts_cadence, "6w"),
    "contact_page.contact_page": _page,
}
