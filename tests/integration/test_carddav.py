"""CardDAV use cases on both databases: what a PUT changes and keeps, round trips that
change nothing, new cards that look like existing contacts, and deletes to the trash."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from goodwill.errors import NotFound, PermissionDenied, PreconditionFailed, ValidationFailed
from goodwill.services import _dav_sync, carddav, contacts, dedupe, notes, trash
from goodwill.storage.schema import Contact, DavAddressBook
from tests.factories import make_contact

RICH = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:rich-1\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\n"
    b"NICKNAME:Countess\r\nORG:Analytical Engines;R&D\r\nTITLE:Programmer\r\n"
    b"EMAIL;TYPE=INTERNET,HOME:ada@example.org\r\n"
    b"item1.EMAIL;TYPE=INTERNET:ada@engines.example\r\nitem1.X-ABLabel:Lab\r\n"
    b"TEL;TYPE=CELL:+44 20 7946 0000\r\nTEL:call me maybe\r\n"
    b"ADR;TYPE=HOME:;;12 St James's Sq;London;;SW1Y 4JH;UK\r\n"
    b"URL:https://www.linkedin.com/in/ada\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-12-10\r\n"
    b"CATEGORIES:math,poetry\r\nNOTE:Met at the Babbage salon\r\n"
    b"IMPP;X-SERVICE-TYPE=Skype:skype:ada.l\r\nX-CUSTOM-THING;X-P=1:keep this verbatim\r\n"
    b"RELATED;TYPE=friend:urn:uuid:babbage\r\nEND:VCARD\r\n"
)


def _contact(uow, contact_id) -> Contact:
    with uow.read() as session:
        return session.get_one(Contact, contact_id)


def test_a_new_rich_card_keeps_what_goodwill_does_not_model(owner, uow):
    stored = carddav.put_card(owner, uow, "ada.vcf", RICH, if_none_match=["*"])
    assert stored.created
    card = carddav.read_card(owner, uow, "ada.vcf")
    for line in ("IMPP;X-SERVICE-TYPE=Skype:skype:ada.l", "X-CUSTOM-THING;X-P=1:keep this verbatim",
                 "RELATED;TYPE=friend:urn:uuid:babbage", "TEL:call me maybe",
                 "ORG:Analytical Engines", "TITLE:Programmer", "NOTE:Met at the Babbage salon",
                 "CATEGORIES:math,poetry", "UID:rich-1", "NICKNAME:Countess"):  # fmt: skip
        assert line in card.text, line
    assert "X-ABLabel:Lab" in card.text and "ada@engines.example" in card.text
    assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-10" in card.text
    assert card.etag == stored.etag

    # Goodwill's own card, sent back as it is, changes nothing at all.
    again = carddav.put_card(owner, uow, "ada.vcf", card.text.encode(), if_match=[card.etag])
    assert not again.created and again.etag == card.etag
    assert carddav.read_card(owner, uow, "ada.vcf").text == card.text


def test_an_edit_replaces_what_the_card_holds_and_keeps_the_rest(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer", add_emails=["ann@old.example"],
                       organization="Acme", title="CEO", tier="a")  # fmt: skip
    notes.add_note(owner, uow, "first note", contact=ann.id)
    href = f"{ann.id}.vcf"
    card = carddav.read_card(owner, uow, href).text
    edited = (
        card.replace("ann@old.example", "ann@new.example")
        .replace("ORG:Acme", "ORG:Globex")
        .replace("NOTE:first note", "NOTE:first note\\n\\nsecond from the phone")
    )
    carddav.put_card(owner, uow, href, edited.encode())
    shown = contacts.show_contact(owner, uow, ann.id)
    assert [e.email for e in shown.emails] == ["ann@new.example"]
    assert {(p.organization.label, p.title, p.current) for p in shown.positions} == {
        ("Globex", "CEO", True),
        ("Acme", "CEO", False),
    }
    assert sorted(n.body for n in shown.notes) == ["first note", "second from the phone"]
    assert shown.tier is not None  # a card carries no tier: it stays


def test_a_new_card_like_an_existing_contact_is_not_merged(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer", add_emails=["ann@acme.example"])
    body = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann A\r\nN:A;Ann;;;\r\n"
            b"EMAIL:ann@acme.example\r\nEND:VCARD\r\n")  # fmt: skip
    stored = carddav.put_card(owner, uow, "phone-ann.vcf", body)
    assert stored.created and stored.similar == [ann.id]
    both = {c.id for c in contacts.search_contacts(owner, uow, "ann@acme.example")}
    assert len(both) == 2 and ann.id in both
    pairs = dedupe.list_duplicates(owner, uow).candidates
    assert any({p.a.id, p.b.id} == both for p in pairs)
    assert contacts.show_contact(owner, uow, ann.id).display_name == "Ann Archer"


def test_delete_moves_the_card_to_the_trash_and_only_the_owner_may(owner, teammate, uow):
    mine = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    with pytest.raises(PermissionDenied):
        carddav.delete_card(teammate, uow, f"{mine.id}.vcf")
    with pytest.raises(PreconditionFailed):
        carddav.delete_card(owner, uow, f"{mine.id}.vcf", if_match=["stale"])
    carddav.delete_card(owner, uow, f"{mine.id}.vcf")
    assert [(t.kind, t.id) for t in trash.list_trash(owner, uow)] == [("contact", mine.id)]
    with pytest.raises(NotFound):
        carddav.read_card(owner, uow, f"{mine.id}.vcf")
    trash.restore_from_trash(owner, uow, "contact", mine.id)
    assert carddav.read_card(owner, uow, f"{mine.id}.vcf").href == f"{mine.id}.vcf"


@pytest.mark.parametrize("href", ["", "../x.vcf", "a/b.vcf", ".hidden", "x" * 300])
def test_bad_hrefs_are_refused(owner, uow, href):
    with pytest.raises(ValidationFailed):
        carddav.put_card(owner, uow, href, RICH)


PAT = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pat Doe\r\nN:Doe;Pat;;;\r\nEND:VCARD\r\n"


def test_changes_since_lists_cards_written_and_deleted_over_dav(owner, uow):
    token = carddav.address_book(owner, uow).sync_token
    carddav.put_card(owner, uow, "new.vcf", PAT)
    changes = carddav.changes_since(owner, uow, token)
    assert [c.href for c in changes.changed] == ["new.vcf"] and changes.removed == []
    carddav.delete_card(owner, uow, "new.vcf")
    later = carddav.changes_since(owner, uow, changes.sync_token)
    assert later.changed == [] and later.removed == ["new.vcf"]
    assert carddav.changes_since(owner, uow, later.sync_token).removed == []


def test_a_comparison_made_against_an_older_book_is_made_again(owner, uow):
    make_contact(owner, uow, name="Ann Archer")
    book = _dav_sync.current_book(owner, uow)
    late = make_contact(owner, uow, name="Late Comer")
    with uow.read() as session:
        stale = session.get_one(DavAddressBook, book.id)
        plan = _dav_sync._plan(session, owner, stale, "an old fingerprint")
    carddav.put_card(owner, uow, "moved.vcf", PAT)  # the book moves on meanwhile
    with uow.write() as session:
        assert _dav_sync._record(session, owner, plan) is None
    hrefs = {c.href for c in carddav.list_cards(owner, uow)[1]}
    assert {f"{late.id}.vcf", "moved.vcf"} <= hrefs


def test_a_dav_write_keeps_the_book_compared_where_writes_are_serial(owner, teammate, uow):
    make_contact(owner, uow, name="Ann Archer", visibility="workspace")
    carddav.address_book(owner, uow)
    carddav.address_book(teammate, uow)
    carddav.put_card(owner, uow, "pat.vcf", PAT)
    with uow.read() as session:
        stamp = _dav_sync.fingerprint(session, owner.workspace_id)
        serial = session.get_bind().dialect.name == "sqlite"
        books = {b.user_id: b.fingerprint for b in session.scalars(select(DavAddressBook))}
    assert (books[owner.user_id] == stamp) is serial  # no re-render on SQLite
    assert books[teammate.user_id] != stamp  # a teammate's book compares again
    assert "pat.vcf" in {c.href for c in carddav.list_cards(owner, uow)[1]}
