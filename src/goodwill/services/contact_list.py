"""The contacts list of the web app: a search and filters over keyset pages that go
both ways, and bulk changes to a selection of contacts (tag, tier, cadence).

Every page is a seek from a key (services._paging), never an OFFSET, so page 2,000
costs what page 1 costs at 100k contacts. "Previous" is the same seek in the reverse
order from the page's first row; a filter that matches few rows does not make a page
walk the whole sort index (see _fetch). The strength band is computed, not stored: a page
with a band scores the candidates a chunk at a time and stops after SCAN_MAX of
them, so a request stays bounded even when few contacts fall in the band; the page
then says so and its "Next" carries on from where the scan stopped.

A bulk change is one transaction over contacts the actor may see: a selection naming
one they may not see (a teammate's private contact, a missing one) changes nothing
and fails exactly as a missing contact does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from goodwill.domain.agenda import day_number
from goodwill.domain.dates import local_date_of
from goodwill.domain.people import parse_cadence, parse_tier
from goodwill.domain.strength import in_band, parse_band
from goodwill.domain.text import clean_text, fold
from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._strength import score_contacts, settings_for
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.contacts import ContactChanges, apply_tier, search_condition
from goodwill.services.views import ContactSummary
from goodwill.storage.aggregates import is_postgres
from goodwill.storage.expressions import unindexed_order
from goodwill.storage.schema import Contact, ContactTag, Tag
from goodwill.storage.unit_of_work import UnitOfWork

SORTS = paging.Sorts(
    paging.one_key("name", Contact.id, Contact.sort_key, "text"),
    paging.one_key("-name", Contact.id, Contact.sort_key, "text"),
    paging.one_key("-created_at", Contact.id, Contact.created_at, "datetime"),
    paging.one_key("created_at", Contact.id, Contact.created_at, "datetime"),
)
MAX_LIMIT = 200
SCAN_CHUNK = 500  # candidates scored at once for a strength band
SCAN_MAX = 500  # candidates one page with a strength band looks at, at most (one chunk)
PROBE = 2_000  # rows of the sort index a filtered page tries first
MAX_SELECTION = 500


@dataclass(frozen=True)
class ContactFilters:
    """What the list shows; None (or False) leaves a filter off."""

    q: str | None = None  # a search: name, nickname, email or phone digits
    tag: str | None = None
    tier: str | None = None  # inner | network | wider | none (no tier)
    strength: str | None = None  # strong | medium | weak (domain.strength.STRENGTH_BANDS)
    lapsed: bool = False  # the keep-in-touch cadence has lapsed
    imported: int | None = None  # created by this import
    include_archived: bool = False


@dataclass(frozen=True)
class ContactRow:
    contact: ContactSummary
    strength: int  # 0–100, as the actor sees the relationship


@dataclass(frozen=True)
class ContactListPage:
    items: list[ContactRow]
    sort: str
    after: list[Any] | None  # the key "Next" resumes after; None: nothing further
    before: list[Any] | None  # the key "Previous" goes back from; None: the first page
    scan_stopped: bool  # a strength band's scan stopped at SCAN_MAX: more may match


def contact_list_page(
    actor: Actor,
    uow: UnitOfWork,
    filters: ContactFilters,
    *,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    before: Sequence[Any] | None = None,
    limit: int = 50,
) -> ContactListPage:
    """A page of the contacts the actor may see that pass every filter, by name unless
    `sort` says otherwise: the page after the key `after`, or the one before `before`."""
    if after is not None and before is not None:
        raise ValidationFailed("cursor", "give either after or before, not both")
    order = SORTS.choose(sort)
    limit = max(1, min(limit, MAX_LIMIT))
    band = parse_band(filters.strength) if filters.strength else None
    backwards = before is not None
    now = utcnow()
    with uow.read() as session:
        base = _filtered(actor, filters, local_date_of(now, actor.tz))
        seek_order = _reversed(order) if backwards else order
        found, scores, more, stopped = _collect(
            session, actor, base, seek_order, before if backwards else after, limit, band, now
        )
        next_key: list[Any] | None
        prev_key: list[Any] | None = None
        if backwards:
            found.reverse()
            prev_key = more
            next_key = _key(order, found[-1]) if found else list(before or [])
        else:
            next_key = more
            if after is not None:
                prev_key = _key(order, found[0]) if found else list(after)
        summaries = common.contact_summaries(session, actor, found)
        rows = [ContactRow(s, round(scores.get(s.id, 0.0))) for s in summaries]
        return ContactListPage(rows, order.name, next_key, prev_key, stopped)


@dataclass(frozen=True)
class _Query:
    everyone: Select[Contact]  # visibility (and archived) only: what a sort index walks
    matching: Select[Contact]  # with every filter
    selective: bool  # a filter that may match few rows


def _filtered(actor: Actor, f: ContactFilters, today: date) -> _Query:
    # As contacts_page: a page reads its sort column's index in order from the key on;
    # through the workspace index SQLite (no statistics) would sort the whole workspace.
    query = select(Contact).where(visible(Contact, actor, workspace_index=False))
    if not f.include_archived:
        query = query.where(Contact.archived_at.is_(None))
    everyone = query
    if f.q is not None and f.q.strip():
        text = clean_text(f.q, "q", max_len=500, required=True) or ""
        query = query.where(search_condition(text, actor.default_region))
    if f.tier is not None and f.tier.strip():
        tier = parse_tier(f.tier)
        query = query.where(Contact.tier.is_(None) if tier is None else Contact.tier == tier.value)
    if f.tag is not None and f.tag.strip():
        key = fold(clean_text(f.tag, "tag", max_len=100, required=True) or "")
        # An IN from the tag's rows (not EXISTS per contact), so a rare tag can drive.
        tagged = select(ContactTag.contact_id).where(
            ContactTag.tag_id.in_(
                select(Tag.id).where(Tag.workspace_id == actor.workspace_id, Tag.key == key)
            )
        )
        query = query.where(Contact.id.in_(tagged))
    if f.imported is not None:
        query = query.where(Contact.import_id == f.imported)
    if f.lapsed:
        # The same test as `today`'s people going cold (services.agenda._lapsed).
        query = query.where(
            Contact.archived_at.is_(None),
            Contact.cadence_days.is_not(None),
            Contact.touch_anchor_day + Contact.cadence_days < day_number(today),
        )
    return _Query(everyone, query, query is not everyone)


def _fetch(
    session: Session, q: _Query, order: paging.Sort, key: Sequence[Any] | None, n: int
) -> Sequence[Any]:
    """Up to n + 1 rows (id and sort values) after `key` that pass every filter.

    Without a filter, the sort index read in order from the key. With one, first the
    next PROBE rows of that index, filtered (a filter that matches often fills the page
    from them at the cost of a few thousand lookups); when that is not enough, the
    filter drives and the matches are sorted (one bounded pass, however rare they are).
    SQLite only: it has no statistics to choose between the two by itself."""
    columns = (Contact.id, *(k.column for k in order.keys))
    matching = q.matching.with_only_columns(*columns)
    if not q.selective or is_postgres(session):
        # PostgreSQL weighs the index walk against the filter from its statistics (and
        # would read the window by a scan of the table, not by its ids).
        return session.execute(paging.seek(matching, order, key, n)).all()
    unindexed = _unindexed(order)
    window = paging.seek(q.everyone.with_only_columns(Contact.id), order, key, PROBE - 1)
    probe = session.execute(
        paging.seek(matching.where(Contact.id.in_(window)), unindexed, None, n)
    ).all()
    if len(probe) > n:
        return probe
    return session.execute(paging.seek(matching, unindexed, key, n)).all()


def _unindexed(order: paging.Sort) -> paging.Sort:
    keys = tuple(
        paging.Key(unindexed_order(k.column), k.kind, k.descending, k.nullable) for k in order.keys
    )
    return paging.Sort(order.name, keys, order.id_column, order.id_descending)


def _collect(
    session: Session,
    actor: Actor,
    query: _Query,
    order: paging.Sort,
    start: Sequence[Any] | None,
    limit: int,
    band: str | None,
    now: datetime,
) -> tuple[list[Contact], dict[int, float], list[Any] | None, bool]:
    """Up to `limit` contacts after `start` in `order` (in the band, if any), their
    scores, the key to continue from (None: no more) and whether a band's scan stopped
    at its bound rather than at a full page or the end."""
    settings = settings_for(session, actor)
    found: list[int] = []
    scores: dict[int, float] = {}
    resume: list[Any] | None = None
    stopped = False
    if band is None:
        rows = _fetch(session, query, order, start, limit)
        found = [r.id for r in rows[:limit]]
        if len(rows) > limit:
            resume = _key(order, rows[limit - 1])
        scored = score_contacts(session, actor, now, found, settings)
        scores = {c: s.strength.score for c, s in scored.items()}
    else:
        key = list(start) if start is not None else None
        scanned = 0
        while True:
            if scanned >= SCAN_MAX:
                resume, stopped = key, True
                break
            batch = _fetch(session, query, order, key, SCAN_CHUNK)
            chunk = batch[:SCAN_CHUNK]
            scored = score_contacts(session, actor, now, [r.id for r in chunk], settings)
            full = False
            for row in chunk:
                points = scored[row.id].strength.score if row.id in scored else 0.0
                if in_band(points, band):
                    if len(found) == limit:  # one more in the band: there is a next page
                        full = True
                        break
                    found.append(row.id)
                    scores[row.id] = points
                key = _key(order, row)
                scanned += 1
            if full:
                resume = key
                break
            if len(batch) <= SCAN_CHUNK:
                break  # the end of the list
    loaded = {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(found)))}
    return [loaded[i] for i in found], scores, resume, stopped


def _key(order: paging.Sort, contact: Any) -> list[Any]:
    values = [getattr(contact, k.column.key) for k in order.keys]
    plain = [v.isoformat() if isinstance(v, datetime | date) else v for v in values]
    return [*plain, contact.id]


def _reversed(order: paging.Sort) -> paging.Sort:
    keys = tuple(paging.Key(k.column, k.kind, not k.descending, k.nullable) for k in order.keys)
    return paging.Sort(order.name, keys, order.id_column, not order.id_descending)


# -- bulk changes to a selection ---------------------------------------------------------


def _selected(session: Session, actor: Actor, ids: Sequence[int]) -> list[Contact]:
    """The selected contacts, each one the actor may see, in id order; a hidden one fails
    like a missing one, before anything changes."""
    unique = sorted(set(ids))
    if not unique:
        raise ValidationFailed("contacts", "select at least one contact")
    if len(unique) > MAX_SELECTION:
        raise ValidationFailed("contacts", f"select at most {MAX_SELECTION} contacts at once")
    found = session.scalars(
        select(Contact)
        .where(Contact.id.in_(unique), visible(Contact, actor))
        .order_by(Contact.id)
        .with_for_update()
    ).all()
    missing = sorted(set(unique) - {c.id for c in found})
    if missing:
        raise NotFound(f"no contact #{missing[0]}")
    return list(found)


def tag_contacts(actor: Actor, uow: UnitOfWork, ids: Sequence[int], tags: Sequence[str]) -> int:
    """Add tags to every selected contact, in one transaction; returns how many."""
    if not [t for t in tags if t and t.strip()]:
        raise ValidationFailed("tag", "name a tag to add")
    with uow.write() as session:
        chosen = _selected(session, actor, ids)
        new_tags = common.tags_for(session, actor, [t for t in tags if t and t.strip()])
        now = utcnow()
        for contact in chosen:
            contact.tags = contact.tags + [t for t in new_tags if t not in contact.tags]
            contact.updated_at = now
        return len(chosen)


def set_contacts_tier(actor: Actor, uow: UnitOfWork, ids: Sequence[int], tier: str) -> int:
    """Give every selected contact a tier (or none), in one transaction; a cadence that
    only came with the old tier follows the new one, as when editing one contact."""
    parse_tier(tier)  # checked before anything is locked
    with uow.write() as session:
        chosen = _selected(session, actor, ids)
        now = utcnow()
        for contact in chosen:
            apply_tier(session, actor, contact, ContactChanges(tier=tier))
            contact.updated_at = now
        return len(chosen)


def set_contacts_cadence(actor: Actor, uow: UnitOfWork, ids: Sequence[int], cadence: str) -> int:
    """Give every selected contact a keep-in-touch cadence (30d, 6w, 3m, 1y), in one
    transaction; each needs a tier (contacts without one have no cadence)."""
    parse_cadence(cadence)
    with uow.write() as session:
        chosen = _selected(session, actor, ids)
        untiered = [c for c in chosen if c.tier is None]
        if untiered:
            raise ValidationFailed(
                "cadence",
                f"{untiered[0].display_name} has no tier: set a tier first "
                "(contacts without a tier have no cadence)",
            )
        now = utcnow()
        for contact in chosen:
            apply_tier(session, actor, contact, ContactChanges(cadence=cadence))
            contact.updated_at = now
        return len(chosen)
