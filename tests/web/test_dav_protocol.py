"""CardDAV protocol on both databases, with an HTTP client: authentication, discovery,
sync-collection tokens, ETags that follow content (related records too), conditional
writes, vCard versions, and bad requests that change nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from goodwill.services import auth, contacts, notes, organizations
from goodwill.services.contacts import ContactChanges
from goodwill.services.organizations import OrganizationChanges
from goodwill.storage.schema import Contact
from tests.factories import make_contact
from tests.web.dav_helpers import CARD, D, basic, book, dav_client, etags, responses, sync

CARD_BODY = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nN:{last};{first};;;\r\nFN:{first} {last}\r\n"
    "{more}END:VCARD\r\n"
)


def _card(first="Pat", last="Doe", uid="client-1", more=""):
    return CARD_BODY.format(first=first, last=last, uid=uid, more=more).encode()


@pytest.fixture
def me(app, uow, owner):
    yield from dav_client(app, uow, owner)


@pytest.fixture
def bea(app, uow, teammate):
    yield from dav_client(app, uow, teammate)


def _count(uow) -> int:
    with uow.read() as session:
        return session.query(Contact).filter(Contact.deleted_at.is_(None)).count()


def test_options_answers_without_credentials_and_the_rest_needs_a_dav_token(anon, owner, uow):
    probe = anon.options("/dav/")
    assert probe.status_code == 200 and probe.headers["dav"] == "1, 3, addressbook"
    assert "PROPFIND" in probe.headers["allow"]
    for method in ("PROPFIND", "REPORT", "GET", "PUT", "DELETE"):
        reply = anon.request(method, book(owner))
        assert reply.status_code == 401, method
        assert reply.headers["www-authenticate"].startswith("Basic")
    view, dav = auth.create_token(owner, uow, "revoked", "dav")
    auth.revoke_token(owner, uow, view.id)
    _, api = auth.create_token(owner, uow, "api", "api")
    _, feed = auth.create_token(owner, uow, "feed", "feed")
    for token in (dav, api, feed, "gw_nonsense"):
        assert anon.request("PROPFIND", "/dav/", headers=basic(token)).status_code == 401
    garbled = {"Authorization": "Basic !!"}
    assert anon.request("PROPFIND", "/dav/", headers=garbled).status_code == 401
    _, api_raw = auth.create_token(owner, uow, "bearer", "api")
    bearer = {"Authorization": f"Bearer {api_raw}"}
    assert anon.request("PROPFIND", "/dav/", headers=bearer).status_code == 401


def test_discovery_from_the_well_known_url_to_the_address_book(me, owner):
    moved = me.request("PROPFIND", "/.well-known/carddav", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/dav/"
    ask = b'<propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>'
    root = responses(me.request("PROPFIND", "/dav/", headers={"Depth": "0"}, content=ask).text)
    principal = root["/dav/"].findtext(f".//{D}current-user-principal/{D}href")
    assert principal == f"/dav/principals/{owner.user_id}/"
    ask = (b'<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><prop>'
           b"<C:addressbook-home-set/><displayname/></prop></propfind>")  # fmt: skip
    found = responses(me.request("PROPFIND", principal, headers={"Depth": "0"}, content=ask).text)
    home = found[principal].findtext(f".//{CARD}addressbook-home-set/{D}href")
    listing = responses(me.request("PROPFIND", home, headers={"Depth": "1"}).text)
    collection = listing[book(owner)]
    assert collection.find(f".//{D}resourcetype/{CARD}addressbook") is not None
    assert collection.findtext(f".//{D}sync-token", "").startswith("urn:goodwill:sync:")
    assert collection.findtext(".//{http://calendarserver.org/ns/}getctag")
    versions = {e.get("version") for e in collection.iter(f"{CARD}address-data-type")}
    assert versions == {"3.0", "4.0"}


def test_sync_collection_returns_exactly_what_changed_and_left(me, owner, teammate, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    bob = make_contact(owner, uow, name="Bob Stone")
    cyd = make_contact(owner, uow, name="Cyd Cole")
    shared = make_contact(teammate, uow, name="Tess Shared")
    status, first, token = sync(me, owner)
    assert status == 207
    assert set(first) == {book(owner) + f"{c.id}.vcf" for c in (ann, bob, cyd)}
    assert sync(me, owner, token)[1:] == ({}, token)  # nothing changed: nothing listed

    contacts.edit_contact(owner, uow, ann.id, ContactChanges(nickname="Annie"))
    contacts.delete_contact(owner, uow, bob.id)
    contacts.edit_contact(teammate, uow, shared.id, ContactChanges(visibility="workspace"))
    _, changed, second = sync(me, owner, token)
    assert second != token
    assert changed == {
        book(owner) + f"{ann.id}.vcf": changed[book(owner) + f"{ann.id}.vcf"],
        book(owner) + f"{bob.id}.vcf": "HTTP/1.1 404 Not Found",
        book(owner) + f"{shared.id}.vcf": changed[book(owner) + f"{shared.id}.vcf"],
    }
    assert changed[book(owner) + f"{ann.id}.vcf"] != first[book(owner) + f"{ann.id}.vcf"]

    # A contact that stops being visible leaves like a deleted one.
    contacts.edit_contact(teammate, uow, shared.id, ContactChanges(visibility="private"))
    _, gone, third = sync(me, owner, second)
    assert gone == {book(owner) + f"{shared.id}.vcf": "HTTP/1.1 404 Not Found"}
    assert cyd.id and third != second
    for bad in ("urn:goodwill:sync:999:1", "nonsense", third[:-1] + "99"):
        reply = me.request(
            "REPORT",
            book(owner),
            content=(
                f'<sync-collection xmlns="DAV:"><sync-token>{bad}</sync-token>'
                "<sync-level>1</sync-level><prop><getetag/></prop></sync-collection>"
            ).encode(),
        )
        assert reply.status_code == 403 and "valid-sync-token" in reply.text


def test_etags_follow_related_records(me, owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer", organization="Acme")
    bob = make_contact(owner, uow, name="Bob Stone")
    before = etags(me, owner)
    organizations.edit_organization(owner, uow, "Acme", OrganizationChanges(name="Acme Corp"))
    notes.add_note(owner, uow, "met at PyCon", contact=bob.id)
    after = etags(me, owner)
    ann_href, bob_href = book(owner) + f"{ann.id}.vcf", book(owner) + f"{bob.id}.vcf"
    assert after[ann_href] != before[ann_href] and after[bob_href] != before[bob_href]
    assert "ORG:Acme Corp" in me.get(ann_href).text
    assert "NOTE:met at PyCon" in me.get(bob_href).text
    assert etags(me, owner) == after  # the same content, the same ETags


def test_put_with_a_stale_etag_or_over_an_existing_card_is_412(me, owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    href = book(owner) + f"{ann.id}.vcf"
    etag = me.get(href).headers["etag"]
    contacts.edit_contact(owner, uow, ann.id, ContactChanges(nickname="Changed meanwhile"))
    stale = me.put(href, content=_card("Ann", "Other"), headers={"If-Match": etag})
    assert stale.status_code == 412
    exists = me.put(href, content=_card("Ann", "X"), headers={"If-None-Match": "*"})
    assert exists.status_code == 412
    assert me.delete(href, headers={"If-Match": etag}).status_code == 412
    assert contacts.show_contact(owner, uow, ann.id).display_name == "Ann Archer"
    fresh = me.get(href).headers["etag"]
    done = me.put(href, content=_card("Ann", "Archer-Lee"), headers={"If-Match": fresh})
    assert done.status_code == 204
    assert contacts.show_contact(owner, uow, ann.id).display_name == "Ann Archer-Lee"
    missing = me.put(book(owner) + "nobody.vcf", content=_card(), headers={"If-Match": fresh})
    assert missing.status_code == 412


def test_a_new_card_is_created_at_the_clients_href(me, owner, uow):
    href = book(owner) + "A1B2-c3.vcf"
    made = me.put(href, content=_card(more="X-GOODWILL-TEST:kept\r\n"),
                  headers={"If-None-Match": "*"})  # fmt: skip
    assert made.status_code == 201
    reply = me.get(href)
    assert reply.status_code == 200 and "UID:client-1" in reply.text
    assert "X-GOODWILL-TEST:kept" in reply.text
    assert href in etags(me, owner)
    assert me.delete(href).status_code == 204
    assert me.get(href).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"<propfind xmlns='DAV:'><prop><getetag/></prop>",  # not closed
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><propfind xmlns="DAV:">&lol2;</propfind>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<propfind xmlns="DAV:"><prop>&e;</prop></propfind>',
        b"<propfind xmlns='DAV:'><nonsense/></propfind>",
    ],
    ids=["malformed", "entity-expansion", "external-entity", "not-a-propfind"],
)
def test_bad_or_hostile_xml_is_400(me, owner, body):
    for method in ("PROPFIND", "REPORT"):
        reply = me.request(method, book(owner), content=body)
        assert reply.status_code == 400, (method, reply.text)
        assert "root:" not in reply.text


def test_cards_that_do_not_parse_are_400_and_change_nothing(me, owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    before = _count(uow)
    for body in (b"hello", b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", _card() + _card(),
                 b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half"):  # fmt: skip
        assert me.put(book(owner) + "x.vcf", content=body).status_code == 400, body
        assert me.put(book(owner) + f"{ann.id}.vcf", content=body).status_code == 400
    assert _count(uow) == before
    assert contacts.show_contact(owner, uow, ann.id).display_name == "Ann Archer"


def test_paths_outside_the_users_collection(me, owner, teammate, uow):
    ann = make_contact(owner, uow, name="Ann Archer", visibility="workspace")
    theirs = f"/dav/addressbooks/{teammate.user_id}/contacts/"
    assert me.request("PROPFIND", theirs).status_code == 403
    assert me.get(theirs + f"{ann.id}.vcf").status_code == 403
    assert me.put(theirs + "x.vcf", content=_card()).status_code == 403
    assert me.request("PROPFIND", f"/dav/addressbooks/{owner.user_id}/other/").status_code == 404
    assert me.request("PROPFIND", "/dav/elsewhere/").status_code == 404
    assert me.get(book(owner) + "999999.vcf").status_code == 404
    assert me.put(book(owner) + ".hidden", content=_card()).status_code == 400
    assert me.delete(book(owner)).status_code == 403
    assert me.get(book(owner)).status_code == 405


def test_vcard_4_when_asked(me, owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    href = book(owner) + f"{ann.id}.vcf"
    assert "VERSION:3.0" in me.get(href).text
    four = me.get(href, headers={"Accept": "text/vcard; version=4.0"})
    assert "VERSION:4.0" in four.text and "version=4.0" in four.headers["content-type"]
    multiget = (
        '<C:addressbook-multiget xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        '<prop><getetag/><C:address-data content-type="text/vcard" version="4.0"/></prop>'
        f"<href>{href}</href><href>{book(owner)}nope.vcf</href><href>/dav/x/1.vcf</href>"
        "</C:addressbook-multiget>"
    )
    found = responses(me.request("REPORT", book(owner), content=multiget.encode()).text)
    assert "VERSION:4.0" in found[href].findtext(f".//{CARD}address-data", "")
    assert found[href].findtext(f".//{D}getetag") == me.get(href).headers["etag"]
    assert found[book(owner) + "nope.vcf"].findtext(f"{D}status") == "HTTP/1.1 404 Not Found"
    assert found["/dav/x/1.vcf"].findtext(f"{D}status") == "HTTP/1.1 404 Not Found"


def test_a_teammate_sees_shared_cards_only_and_cannot_delete_them(me, bea, owner, teammate, uow):
    canary = "CANARYDAV"
    private = make_contact(owner, uow, name=None, first_name=canary, last_name="Private")
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    for client, actor in ((me, owner), (bea, teammate)):
        listing = client.request("PROPFIND", book(actor), headers={"Depth": "1"})
        data = sync(client, actor, data=True)[1]
        if actor is owner:
            assert canary in client.get(book(owner) + f"{private.id}.vcf").text
        else:
            assert canary not in listing.text and canary not in str(data)
            assert book(teammate) + f"{shared.id}.vcf" in data
            assert bea.get(book(teammate) + f"{private.id}.vcf").status_code == 404
    href = book(teammate) + f"{shared.id}.vcf"
    assert bea.delete(href).status_code == 403
    assert contacts.show_contact(owner, uow, shared.id).display_name == "Sam Shared"


def test_an_outsider_gets_an_empty_book(app, uow, owner, outsider):
    make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    client: TestClient
    for client in dav_client(app, uow, outsider):
        assert sync(client, outsider)[1] == {}
        assert "Sam Shared" not in client.request("PROPFIND", book(outsider),
                                                  headers={"Depth": "1"}).text  # fmt: skip


def test_unknown_properties_are_listed_as_404_in_their_own_namespace(me, owner, uow):
    ann = make_contact(owner, uow, name="Ann <Archer> & Co")
    ask = (b'<propfind xmlns="DAV:" xmlns:x="urn:other"><prop><getetag/><x:color/>'
           b"<displayname/></prop></propfind>")  # fmt: skip
    reply = me.request("PROPFIND", book(owner) + f"{ann.id}.vcf", headers={"Depth": "0"},
                       content=ask)  # fmt: skip
    assert reply.status_code == 207
    (card,) = responses(reply.text).values()
    stats = {s.findtext(f"{D}status"): s for s in card.iter(f"{D}propstat")}
    assert stats["HTTP/1.1 200 OK"].find(f".//{D}getetag") is not None
    missing = stats["HTTP/1.1 404 Not Found"]
    assert missing.find(".//{urn:other}color") is not None
    assert missing.find(f".//{D}displayname") is not None
    data = me.request("REPORT", book(owner), content=(
        '<C:addressbook-multiget xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        f"<prop><C:address-data/></prop><href>{book(owner)}{ann.id}.vcf</href>"
        "</C:addressbook-multiget>").encode())  # fmt: skip
    text = next(iter(responses(data.text).values())).findtext(f".//{CARD}address-data")
    assert "FN:Ann <Archer> & Co" in text
