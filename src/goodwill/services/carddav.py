"""CardDAV use cases: the user's one address book of every contact they may see.

The protocol lives in goodwill/dav/; here are the decisions: which cards a user has
(their visible contacts, kept in step by _dav_sync), what a card says (the one vCard
exporter), what a PUT changes (_dav_apply), what a DELETE does (the trash), and what
changed since a sync token. ETags are given and taken without quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.errors import NotFound, PreconditionFailed, ValidationFailed
from goodwill.importers.records import ImportedContact, RecordError
from goodwill.importers.vcard import parse_vcard_bytes
from goodwill.services import _common as common
from goodwill.services._dav_apply import apply_card
from goodwill.services._dav_sync import (
    current_book,
    etag_of,
    keep_current,
    locked_book,
    render,
)
from goodwill.services._visibility import can_see, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.exporting import vcard_cards
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    DavAddressBook,
    DavCard,
)
from goodwill.storage.unit_of_work import UnitOfWork

SYNC_PREFIX = "urn:goodwill:sync:"
BOOK_NAME = "goodwill"
MAX_CARD_BYTES = 4 * 1024 * 1024
_HREF = re.compile(r"[A-Za-z0-9_@+=~%-][A-Za-z0-9._@+=~% -]{0,199}")
_TOKEN = re.compile(re.escape(SYNC_PREFIX) + r"(\d{1,12}):(\d{1,12})")


@dataclass(frozen=True)
class BookInfo:
    name: str
    sync_token: str  # also the CTag: it moves whenever any card changes


@dataclass(frozen=True)
class CardRef:
    href: str  # the card's name inside the collection, e.g. "12.vcf"
    etag: str


@dataclass(frozen=True)
class CardBody:
    href: str
    etag: str
    text: str  # the vCard, CRLF line ends


@dataclass(frozen=True)
class Changes:
    sync_token: str
    changed: list[CardRef]
    removed: list[str]


@dataclass(frozen=True)
class Stored:
    created: bool
    etag: str
    text: str  # the card as goodwill now renders it (3.0)
    similar: list[int]  # contacts a new card looks like: left for dedupe, never merged


def _info(book: DavAddressBook) -> BookInfo:
    return BookInfo(BOOK_NAME, f"{SYNC_PREFIX}{book.id}:{book.revision}")


def address_book(actor: Actor, uow: UnitOfWork) -> BookInfo:
    return _info(current_book(actor, uow))


def list_cards(actor: Actor, uow: UnitOfWork) -> tuple[BookInfo, list[CardRef]]:
    """Every card of the actor's address book (href and ETag), by href."""
    book = current_book(actor, uow)
    with uow.read() as session:
        rows = session.execute(
            select(DavCard.href, DavCard.etag)
            .where(DavCard.book_id == book.id, DavCard.gone.is_(False))
            .order_by(DavCard.href)
        ).all()
    return _info(book), [CardRef(href, etag) for href, etag in rows]


def read_cards(
    actor: Actor, uow: UnitOfWork, hrefs: list[str], version: str = "3.0"
) -> dict[str, CardBody]:
    """The cards at these hrefs that the actor has (others are simply absent)."""
    book = current_book(actor, uow)
    with uow.read() as session:
        rows = session.execute(
            select(DavCard.contact_id, DavCard.href)
            .where(DavCard.book_id == book.id, DavCard.gone.is_(False),
                   DavCard.href.in_(set(hrefs)))
        ).all()  # fmt: skip
        where: dict[int, str] = {contact_id: href for contact_id, href in rows}  # noqa: C416
        return {
            where[contact_id]: CardBody(where[contact_id], etag_of(card), render(card, version))
            for contact_id, card in vcard_cards(session, actor, ids=list(where), rev=False)
        }


def read_card(actor: Actor, uow: UnitOfWork, href: str, version: str = "3.0") -> CardBody:
    found = read_cards(actor, uow, [href], version).get(href)
    if found is None:
        raise NotFound(f"no card {href}")
    return found


def changes_since(actor: Actor, uow: UnitOfWork, token: str | None) -> Changes:
    """RFC 6578: the cards changed and removed since `token` (everything when empty)."""
    book = current_book(actor, uow)
    since = 0
    if token:
        match = _TOKEN.fullmatch(token.strip())
        if match is None or int(match[1]) != book.id or int(match[2]) > book.revision:
            raise ValidationFailed("sync-token", "unknown sync token: sync again from scratch")
        since = int(match[2])
    with uow.read() as session:
        query = select(DavCard.href, DavCard.etag, DavCard.gone).where(
            DavCard.book_id == book.id, DavCard.revision > since
        )
        if not since:
            query = query.where(DavCard.gone.is_(False))
        rows = session.execute(query.order_by(DavCard.href)).all()
    return Changes(
        _info(book).sync_token,
        [CardRef(href, etag) for href, etag, gone in rows if not gone],
        [href for href, _, gone in rows if gone],
    )


def check_href(href: str) -> str:
    if not _HREF.fullmatch(href) or href.strip() != href:
        raise ValidationFailed("href", "a card's name has letters, digits and . _ - @ + = ~ only")
    return href


def parse_card(body: bytes) -> ImportedContact:
    """Exactly one vCard that names someone, or ValidationFailed saying what is wrong."""
    if len(body) > MAX_CARD_BYTES:
        raise ValidationFailed("card", f"larger than {MAX_CARD_BYTES // 2**20} MiB")
    results = parse_vcard_bytes(body)
    if len(results) != 1:
        raise ValidationFailed("card", f"expected one vCard, found {len(results)}")
    card = results[0]
    if isinstance(card, RecordError):
        raise ValidationFailed("card", card.reason)
    if not isinstance(card, ImportedContact):
        raise ValidationFailed("card", "not a contact")
    return card


def _live(session: Session, actor: Actor, book: DavAddressBook, href: str) -> DavCard | None:
    return session.scalars(
        select(DavCard).where(DavCard.book_id == book.id, DavCard.href == href)
    ).first()


def _current(session: Session, actor: Actor, row: DavCard | None) -> tuple[Contact, str] | None:
    if row is None or row.gone:
        return None
    contact = session.get(Contact, row.contact_id)
    if contact is None or not can_see(contact, actor):
        return None
    cards = list(vcard_cards(session, actor, ids=[contact.id], rev=False))
    return (contact, etag_of(cards[0][1])) if cards else None


def _check(etag: str | None, if_match: list[str] | None, if_none_match: list[str] | None) -> None:
    if if_match is not None and (etag is None or not ({"*", etag} & set(if_match))):
        raise PreconditionFailed("the card changed since you read it: fetch it again")
    if if_none_match is not None and etag is not None and {"*", etag} & set(if_none_match):
        raise PreconditionFailed("a card already exists here")


def put_card(
    actor: Actor,
    uow: UnitOfWork,
    href: str,
    body: bytes,
    *,
    if_match: list[str] | None = None,
    if_none_match: list[str] | None = None,
) -> Stored:
    """Store a card at `href`: an edit of the card there, or a new contact at that href.
    A new card that looks like a contact already there stays a contact of its own, for
    the duplicates list to suggest merging (merging would strand the client's copy)."""
    check_href(href)
    card = parse_card(body)
    current_book(actor, uow)
    with uow.write() as session:
        book, up_to_date = locked_book(session, actor)
        row = _live(session, actor, book, href)
        current = _current(session, actor, row)
        _check(current[1] if current else None, if_match, if_none_match)
        now = utcnow()
        if current is not None:
            contact = current[0]
        else:
            contact = Contact(workspace_id=actor.workspace_id, owner_id=actor.user_id,
                              visibility=common.choose_visibility(session, actor, None),
                              display_name="", search_key="", sort_key="", custom_fields={},
                              created_at=now, updated_at=now)  # fmt: skip
        apply_card(session, actor, contact, card)
        rendered = next(iter(vcard_cards(session, actor, ids=[contact.id], rev=False)))[1]
        etag = etag_of(rendered)
        book.revision += 1
        if row is None:
            session.add(DavCard(book_id=book.id, contact_id=contact.id, href=href, etag=etag,
                                revision=book.revision, gone=False))  # fmt: skip
        else:
            row.contact_id, row.etag, row.gone = contact.id, etag, False
            row.revision = book.revision
        session.flush()
        keep_current(session, actor, book, up_to_date)
        similar = [] if current is not None else _similar(session, actor, contact)
        return Stored(current is None, etag, render(rendered), similar)


def _similar(session: Session, actor: Actor, contact: Contact) -> list[int]:
    emails = [e.email for e in contact.emails]
    phones = [p.e164 for p in contact.phones]
    query = select(Contact.id).where(visible(Contact, actor), Contact.id != contact.id)
    by_key = (
        Contact.id.in_(select(ContactEmail.contact_id).where(ContactEmail.email.in_(emails)))
        | Contact.id.in_(select(ContactPhone.contact_id).where(ContactPhone.e164.in_(phones)))
        | (Contact.display_name == contact.display_name)
    )
    return list(session.scalars(query.where(by_key).order_by(Contact.id).limit(20)))


def delete_card(
    actor: Actor, uow: UnitOfWork, href: str, *, if_match: list[str] | None = None
) -> None:
    """Move the card's contact to the trash (its owner, or an admin, only)."""
    current_book(actor, uow)
    with uow.write() as session:
        book, up_to_date = locked_book(session, actor)
        row = _live(session, actor, book, href)
        current = _current(session, actor, row)
        if current is None or row is None:
            raise NotFound(f"no card {href}")
        _check(current[1], if_match, None)
        contact = current[0]
        require_owner(contact, actor, "delete")
        contact.deleted_at = utcnow()
        book.revision += 1
        row.gone, row.revision = True, book.revision
        keep_current(session, actor, book, up_to_date)
