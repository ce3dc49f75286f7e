"""Keeping a user's CardDAV address book in step with the contacts they may see.

A card's ETag is the SHA-256 of its vCard 3.0 rendering without REV, so it changes exactly
when what the card says changes — whatever changed it: the contact, its organization's
name, a note, a teammate sharing or hiding a contact, the trash. No service has to report
its changes: the book keeps each card's last ETag (dav_cards) and compares.

Comparing means rendering every visible card, so it is done only when the workspace's
contact data may have changed: a fingerprint of that data (counts, sums of ids, the
latest update times of contacts, organizations, notes, positions, emails, phones, links
and tags, all in SQL) is taken on every request and compared with the one stored when
the cards were last compared. Equal: nothing to do, a few milliseconds. Different: the
cards are rendered, and every card that appeared, changed or left gets the book's next
revision — the sync-collection change log. The fingerprint is coarse on purpose (any
change in the workspace triggers a comparison); the comparison itself is exact.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, case, func, insert, select, update
from sqlalchemy.orm import Session

from goodwill.domain.people import Visibility
from goodwill.errors import Conflict
from goodwill.exporters.vcard import VCardContact, write_vcards
from goodwill.services.actor import Actor
from goodwill.services.exporting import vcard_cards
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactTag,
    DavAddressBook,
    DavCard,
    Note,
    Organization,
    Position,
)
from goodwill.storage.unit_of_work import UnitOfWork

BATCH = 1_000
ATTEMPTS = 3


def render(card: VCardContact, version: str = "3.0") -> str:
    out = io.StringIO(newline="")
    write_vcards([card], out, version)
    return out.getvalue()


def etag_of(card: VCardContact) -> str:
    """The card's content hash (REV is left out of the card: it is not content)."""
    return hashlib.sha256(render(card).encode("utf-8")).hexdigest()[:40]


def _shared_ids(model: type[Contact] | type[Organization] | type[Note]) -> ColumnElement[int]:
    shared = model.visibility == Visibility.WORKSPACE.value
    return func.coalesce(func.sum(case((shared, model.id), else_=0)), 0)


def fingerprint(session: Session, workspace_id: int) -> str:
    """A digest of everything in the workspace a card is made from (see the module doc)."""
    rows: list[Iterable[object]] = []
    for model in (Contact, Organization, Note):
        query = select(
            func.count(), func.count(model.deleted_at), func.max(model.updated_at),
            func.coalesce(func.sum(model.id), 0), func.coalesce(func.sum(model.owner_id), 0),
            _shared_ids(model),
        ).where(model.workspace_id == workspace_id)  # fmt: skip
        rows.append(session.execute(query).one())
    # The tables a card's details come from, whole (no join to the workspace's contacts:
    # a narrow scan each; another workspace's change only costs a comparison that finds
    # nothing to do).
    rows.append(
        session.execute(
            select(func.count(), func.max(Position.id), func.count(Position.end_date),
                   func.coalesce(func.sum(Position.organization_id), 0))
        ).one()
    )  # fmt: skip
    for child in (ContactEmail, ContactPhone, ContactLink):
        rows.append(
            session.execute(
                select(func.count(), func.max(child.id), func.coalesce(func.sum(child.id), 0))
            ).one()
        )
    rows.append(
        session.execute(select(func.count(), func.coalesce(func.sum(ContactTag.tag_id), 0))).one()
    )
    text = repr([tuple(str(value) for value in row) for row in rows])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _book(session: Session, actor: Actor, *, lock: bool = False) -> DavAddressBook | None:
    query = select(DavAddressBook).where(
        DavAddressBook.user_id == actor.user_id,
        DavAddressBook.workspace_id == actor.workspace_id,
    )
    return session.scalars(query.with_for_update() if lock else query).first()


def current_book(actor: Actor, uow: UnitOfWork) -> DavAddressBook:
    """The actor's address book with every card compared against the data, as of now.

    The cards are rendered in a read transaction (no write lock is held while thousands
    of cards are rendered); a short write then records what changed, unless another
    request recorded a comparison first, in which case the comparison starts again."""
    for attempt in range(ATTEMPTS):
        with uow.read() as session:
            book = _book(session, actor)
            stamp = fingerprint(session, actor.workspace_id)
            if book is not None and book.fingerprint == stamp:
                return book
            plan = _plan(session, actor, book, stamp)
        try:
            with uow.write() as session:
                done = _record(session, actor, plan)
                if done is not None:
                    return done
        except Conflict:  # two first requests made the book at once: the other one won
            if attempt == ATTEMPTS - 1:
                raise
    raise Conflict("the address book keeps changing: try again")


def locked_book(session: Session, actor: Actor) -> tuple[DavAddressBook, bool]:
    """The actor's book, locked for a change (after current_book made sure it exists),
    and whether the change may keep it current (see keep_current)."""
    book = _book(session, actor, lock=True)
    if book is None:
        raise Conflict("the address book is not there yet: try again")
    serial = session.get_bind().dialect.name == "sqlite"
    return book, serial and book.fingerprint == fingerprint(session, actor.workspace_id)


def keep_current(session: Session, actor: Actor, book: DavAddressBook, current: bool) -> None:
    """After a card written over DAV (its row already updated), take the new fingerprint
    as compared, so the next request does not render every card again. Only where writes
    are serial (SQLite: nothing else can have changed inside this transaction) and the
    book was current when the transaction began; elsewhere the next request compares."""
    if current:
        session.flush()
        book.fingerprint = fingerprint(session, actor.workspace_id)


@dataclass
class _Plan:
    book: tuple[int, int] | None  # (id, revision) the comparison was made against
    stamp: str
    added: list[dict[str, object]] = field(default_factory=list)
    changed: list[dict[str, object]] = field(default_factory=list)


def _plan(session: Session, actor: Actor, book: DavAddressBook | None, stamp: str) -> _Plan:
    """Compare every visible card with the book's rows: what to add and to change."""
    plan = _Plan((book.id, book.revision) if book is not None else None, stamp)
    known = {}
    if book is not None:
        known = {
            row.contact_id: row
            for row in session.execute(
                select(DavCard.id, DavCard.contact_id, DavCard.href, DavCard.etag, DavCard.gone)
                .where(DavCard.book_id == book.id)
            )
        }  # fmt: skip
    hrefs = {row.href for row in known.values()}
    seen: set[int] = set()
    for contact_id, card in vcard_cards(session, actor, rev=False):
        seen.add(contact_id)
        etag = etag_of(card)
        row = known.get(contact_id)
        if row is None:
            href = free_href(f"{contact_id}.vcf", hrefs)
            hrefs.add(href)
            plan.added.append({"contact_id": contact_id, "href": href, "etag": etag,
                               "gone": False})  # fmt: skip
        elif row.gone or row.etag != etag:
            plan.changed.append({"id": row.id, "etag": etag, "gone": False})
    for contact_id, row in known.items():
        if contact_id not in seen and not row.gone:
            plan.changed.append({"id": row.id, "etag": row.etag, "gone": True})
    return plan


def _record(session: Session, actor: Actor, plan: _Plan) -> DavAddressBook | None:
    """Write a comparison's outcome as the book's next revision; None when the book moved
    since the comparison was made (it is then made again)."""
    book = _book(session, actor, lock=True)
    if book is None and plan.book is None:
        book = DavAddressBook(user_id=actor.user_id, workspace_id=actor.workspace_id,
                              revision=0, fingerprint=None)  # fmt: skip
        session.add(book)
        session.flush()
    elif book is None or (book.id, book.revision) != plan.book:
        return None
    revision = book.revision + 1
    added = [{**row, "book_id": book.id, "revision": revision} for row in plan.added]
    for start in range(0, len(added), BATCH):
        session.execute(insert(DavCard), added[start : start + BATCH])
    if plan.changed:
        session.execute(update(DavCard), [{**r, "revision": revision} for r in plan.changed])
    if added or plan.changed:
        book.revision = revision
    book.fingerprint = plan.stamp
    session.flush()
    return book


def free_href(wanted: str, taken: set[str]) -> str:
    """`wanted`, or with a number added when a client already named a card so."""
    if wanted not in taken:
        return wanted
    stem = wanted.removesuffix(".vcf")
    number = 2
    while f"{stem}-{number}.vcf" in taken:
        number += 1
    return f"{stem}-{number}.vcf"
