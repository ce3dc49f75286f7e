"""Contacts: the list (search as you type, filters, keyset pages both ways, bulk changes
to a selection), adding a contact, and the contact page with its quick forms.

The list's filters live in the query string, so a filtered page is a link; its cursors
(`after`, `before`) are the API's opaque cursors for a list of its own. An HTMX request
for the list gets the results alone (the table and the pager), swapped in place.
The quick forms on the contact page answer with a redirect back to the page; HTMX
follows it and swaps in the page's sections, so the timeline and balance update.
The contact page's timeline and ledger end in a "Show older" link to their next keyset
page (`/contacts/{id}/timeline`, `/contacts/{id}/ledger`): HTMX appends that page's
items in place of the link, without script the link opens the page on its own.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import RedirectResponse, Response

from goodwill.domain.interactions import Channel
from goodwill.domain.ledger import Direction, LedgerKind
from goodwill.domain.strength import STRENGTH_BANDS
from goodwill.errors import ValidationFailed
from goodwill.services import contact_list, contact_page, contacts, interactions, ledger, tasks
from goodwill.services.contact_list import ContactFilters
from goodwill.services.contacts import ContactChanges
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_MAX, decode_cursor, encode_cursor
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
LIST = "contacts-page"
OLDER_LISTS = {"timeline": "contact-timeline", "ledger": "contact-ledger"}
PAGE_SIZE = 50
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
Cursor = Annotated[str | None, Query(max_length=CURSOR_MAX)]
Text = Annotated[str, Form(max_length=500)]
TIERS = ("inner", "network", "wider")
BULK_ACTIONS = ("tag", "tier", "cadence")
FILTER_KEYS = ("q", "tag", "tier", "strength", "lapsed", "imported")
NOTHING_SELECTED = "Select at least one contact"
NOTHING_SELECTED_HOW = "tick the box of each contact to change, then choose the change again"


def _filters(
    q: str | None, tag: str | None, tier: str | None, strength: str | None,
    lapsed: str | None, imported: int | None,
) -> tuple[ContactFilters, dict[str, str]]:  # fmt: skip
    """The filters, and the same as query parameters for links (empty ones left out)."""
    params = {
        "q": (q or "").strip(), "tag": (tag or "").strip(), "tier": (tier or "").strip(),
        "strength": (strength or "").strip(), "lapsed": "1" if lapsed else "",
        "imported": str(imported) if imported is not None else "",
    }  # fmt: skip
    kept = {k: v for k, v in params.items() if v}
    filters = ContactFilters(
        q=kept.get("q"),
        tag=kept.get("tag"),
        tier=kept.get("tier"),
        strength=kept.get("strength"),
        lapsed=bool(lapsed),
        imported=imported,
    )
    return filters, kept


def _import_id(raw: str | None) -> int | None:
    text = (raw or "").strip().lstrip("#")
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise ValidationFailed("imported", "must be the number of an import")
    return int(text)


@router.get("/contacts")
def contact_list_page(
    page: PageDep,
    q: Annotated[str | None, Query(max_length=500)] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    tier: Annotated[str | None, Query(max_length=20)] = None,
    strength: Annotated[str | None, Query(max_length=20)] = None,
    lapsed: Annotated[str | None, Query(max_length=5)] = None,
    imported: Annotated[str | None, Query(max_length=12)] = None,  # a form sends "" for none
    sort: Annotated[str | None, Query(max_length=40)] = None,
    after: Cursor = None,
    before: Cursor = None,
    changed: Annotated[int | None, Query(ge=0, le=contact_list.MAX_SELECTION)] = None,
    refused: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    filters, params = _filters(q, tag, tier, strength, lapsed, _import_id(imported))
    sort = sort or None
    if after and before:
        raise ValidationFailed("cursor", "give either after or before, not both")
    sort, after_key = decode_cursor(after, LIST, sort)
    sort, before_key = decode_cursor(before, LIST, sort)
    result = contact_list.contact_list_page(
        page.actor, page.uow, filters, sort=sort, after=after_key, before=before_key,
        limit=PAGE_SIZE,
    )  # fmt: skip
    links = _pager_links(params, result)
    # HTMX swaps the results alone; restoring history after a cache miss wants the page.
    restoring = page.request.headers.get("hx-history-restore-request") == "true"
    template = "_contacts_results.html" if page.htmx and not restoring else "contacts.html"
    return page.render(
        template,
        section="contacts",
        result=result,
        params=params,
        links=links,
        query=urlencode(params),
        tiers=TIERS,
        bands=list(STRENGTH_BANDS),
        sorts=contact_list.SORTS.names,
        changed=changed,
        nothing_selected=refused == "none",
        refusal=(NOTHING_SELECTED, NOTHING_SELECTED_HOW),
        scan_max=contact_list.SCAN_MAX,
    )


def _pager_links(params: dict[str, str], result: contact_list.ContactListPage) -> dict[str, str]:
    base = {**params, "sort": result.sort}
    links = {}
    if result.after is not None:
        links["next"] = "/contacts?" + urlencode(
            {**base, "after": encode_cursor(LIST, result.sort, result.after)}
        )
    if result.before is not None:
        links["previous"] = "/contacts?" + urlencode(
            {**base, "before": encode_cursor(LIST, result.sort, result.before)}
        )
    return links


@router.post("/contacts")
def add_contact(
    page: PageDep,
    name: Annotated[str, Form(max_length=401)],
    email: Annotated[str, Form(max_length=320)] = "",
    tier: Annotated[str, Form(max_length=20)] = "",
    visibility: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Add a contact, then show its page."""
    created = contacts.add_contact(
        page.actor,
        page.uow,
        ContactChanges(
            name=name,
            add_emails=[email] if email.strip() else [],
            tier=tier or None,
            visibility=visibility or None,
        ),
    )
    return page.redirect(f"/contacts/{created.id}")


@router.post("/contacts/bulk")
def bulk_change(
    page: PageDep,
    action: Annotated[str, Form(max_length=20)],
    ids: Annotated[list[int], Form(max_length=contact_list.MAX_SELECTION)] = [],  # noqa: B006
    tag: Annotated[str, Form(max_length=100)] = "",
    tier: Annotated[str, Form(max_length=20)] = "",
    cadence: Annotated[str, Form(max_length=20)] = "",
    back: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Tag, re-tier or set the cadence of the selected contacts (one transaction)."""
    if not ids:
        return _nothing_selected(page, back)
    if action == "tag":
        count = contact_list.tag_contacts(page.actor, page.uow, ids, [tag])
    elif action == "tier":
        count = contact_list.set_contacts_tier(page.actor, page.uow, ids, tier or "none")
    elif action == "cadence":
        count = contact_list.set_contacts_cadence(page.actor, page.uow, ids, cadence)
    else:
        raise ValidationFailed("action", f"must be one of: {', '.join(BULK_ACTIONS)}")
    # Back to the list as it was filtered, saying how many changed.
    return page.redirect(_back_to_list(back, ("changed", str(count))))


def _back_to_list(back: str, *extra: tuple[str, str]) -> str:
    """The list as it was filtered (its known parameters only: `back` is the client's)."""
    kept = [(k, v) for k, v in parse_qsl(back) if k in (*FILTER_KEYS, "sort")]
    return "/contacts?" + urlencode([*kept, *extra])


def _nothing_selected(page: PageDep, back: str) -> Response:
    """A change asked for no contact: said in the flash area (HTMX), or back to the list
    as it was, saying so (a plain form)."""
    if page.htmx:
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        return page.render("_flash.html", status=422, headers=headers, kind="error",
                           title=NOTHING_SELECTED, detail=NOTHING_SELECTED_HOW)  # fmt: skip
    return page.redirect(_back_to_list(back, ("refused", "none")))


@router.get("/contacts/{contact_id}")
def contact(page: PageDep, contact_id: ContactId) -> Response:
    view = contact_page.contact_page(page.actor, page.uow, contact_id)
    older = {
        "timeline": _older_url(contact_id, "timeline", contact_page.TIMELINE_SORT.name,
                               view.timeline_after),
        "ledger": _older_url(contact_id, "ledger", contact_page.LEDGER_SORT.name,
                             view.ledger_after),
    }  # fmt: skip
    return page.render(
        "contact.html",
        section="contacts",
        p=view,
        older=older,
        channels=[c.value for c in Channel],
        kinds=[k.value for k in LedgerKind],
        directions=[d.value for d in Direction],
    )


def _older_url(contact_id: int, part: str, sort: str, after: list[Any] | None) -> str | None:
    if after is None:
        return None
    cursor = encode_cursor(OLDER_LISTS[part], sort, after)
    return f"/contacts/{contact_id}/{part}?" + urlencode({"after": cursor})


@router.get("/contacts/{contact_id}/timeline")
def older_timeline(page: PageDep, contact_id: ContactId, after: Cursor = None) -> Response:
    """The contact's interactions, newest first, from a cursor on (keyset pages)."""
    sort = contact_page.TIMELINE_SORT.name
    _, key = decode_cursor(after, OLDER_LISTS["timeline"], sort)
    older = contact_page.contact_timeline_page(page.actor, page.uow, contact_id, after=key)
    return _older(page, "timeline", older, paged=after is not None)


@router.get("/contacts/{contact_id}/ledger")
def older_ledger(page: PageDep, contact_id: ContactId, after: Cursor = None) -> Response:
    """The actor's ledger with the contact, newest first, from a cursor on."""
    sort = contact_page.LEDGER_SORT.name
    _, key = decode_cursor(after, OLDER_LISTS["ledger"], sort)
    older = contact_page.contact_ledger_page(page.actor, page.uow, contact_id, after=key)
    return _older(page, "ledger", older, paged=after is not None)


def _older(page: PageDep, part: str, older: contact_page.ContactOlder[Any], *,
           paged: bool) -> Response:  # fmt: skip
    """HTMX ("Show older"): the items alone, with the next link, in place of the link;
    otherwise a page of its own (the link without script, or a bookmark)."""
    contact_id = older.contact.id
    assert contact_id is not None  # the service resolved a contact the actor may see
    older_url = _older_url(contact_id, part, older.sort, older.after)
    restoring = page.request.headers.get("hx-history-restore-request") == "true"
    if page.htmx and not restoring:
        template = f"_contact_{part}_items.html"
        return page.render(template, items=older.items, contact_id=contact_id,
                           older_url=older_url)  # fmt: skip
    return page.render("contact_older.html", section="contacts", part=part, older=older,
                       older_url=older_url, paged=paged)  # fmt: skip


def _back_to(contact_id: int, anchor: str) -> Response:
    """Back to the contact page: a plain form reloads it, HTMX follows the redirect and
    swaps the page's sections in (hx-select)."""
    return RedirectResponse(f"/contacts/{contact_id}#{anchor}", status_code=303)


@router.post("/contacts/{contact_id}/interactions")
def log_interaction(
    page: PageDep,
    contact_id: ContactId,
    channel: Annotated[str, Form(max_length=20)],
    summary: Annotated[str, Form(max_length=10_000)] = "",
    when: Annotated[str, Form(max_length=40)] = "",
    initiated_by: Annotated[str, Form(max_length=10)] = "me",
) -> Response:
    interactions.log_interaction(
        page.actor, page.uow, channel, [contact_id], summary=summary or None,
        when=when or None, initiated_by=initiated_by or "me",
    )  # fmt: skip
    return _back_to(contact_id, "timeline")


@router.post("/contacts/{contact_id}/ledger")
def record_ledger_entry(
    page: PageDep,
    contact_id: ContactId,
    direction: Annotated[str, Form(max_length=10)],
    kind: Annotated[str, Form(max_length=20)],
    weight: Annotated[str, Form(max_length=2)] = "1",
    note: Annotated[str, Form(max_length=10_000)] = "",
    on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """A give or a receive with this person."""
    record: Any = {
        Direction.GAVE.value: ledger.record_give,
        Direction.RECEIVED.value: ledger.record_receive,
    }.get(direction)
    if record is None:
        raise ValidationFailed("direction", "must be gave or received")
    record(page.actor, page.uow, contact_id, kind, weight=weight, note=note or None, on=on or None)
    return _back_to(contact_id, "ledger")


@router.post("/contacts/{contact_id}/tasks")
def add_task(
    page: PageDep,
    contact_id: ContactId,
    title: Text,
    due: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    tasks.add_task(page.actor, page.uow, title, due=due or None, contact=contact_id)
    return _back_to(contact_id, "tasks")
