"""A real CardDAV client against a real server, on both databases: vdirsyncer syncs a
user's address book to a folder and back, and subscribes to the calendar feed.

The journey: the first sync downloads every contact the user may see (and no one else's
private contact); an edit in the folder changes the contact in goodwill, keeping what
goodwill does not model; an edit in goodwill, and a renamed organization, come down; a
file deleted in the folder moves the contact to the trash; a new card like an existing
contact becomes a contact of its own that dedupe suggests merging; a sync with nothing
changed copies nothing either way (right after the first download, and again once the
versions goodwill stored of uploaded cards have come down). A teammate's sync never sees the private
contacts, and the feed subscription receives every due task.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goodwill.bootstrap import open_database
from goodwill.services import accounts, auth, contacts, dedupe, organizations, trash
from goodwill.services.contacts import ContactChanges
from goodwill.services.organizations import OrganizationChanges
from goodwill.storage.schema import Contact
from tests.factories import make_contact, make_task
from tests.web.live import live_server

pytestmark = pytest.mark.slow
VDIRSYNCER = str(Path(sys.executable).parent / "vdirsyncer")
CANARY = "CANARYPRIVATE"


def _config(tmp: Path, name: str, base: str, password: str) -> Path:
    local, status = tmp / f"{name}-cards", tmp / f"{name}-status"
    config = tmp / f"{name}.conf"
    config.write_text(f"""
[general]
status_path = "{status}/"

[pair contacts]
a = "local"
b = "remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "{local}/"
fileext = ".vcf"

[storage remote]
type = "carddav"
url = "{base}/"
username = "{name}@example.com"
password = "{password}"
""")
    return config


def _feed_config(tmp: Path, url: str) -> Path:
    config = tmp / "feed.conf"
    config.write_text(f"""
[general]
status_path = "{tmp}/feed-status/"

[pair calendar]
a = "local"
b = "feed"
collections = null
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "{tmp}/feed-events/"
fileext = ".ics"

[storage feed]
type = "http"
url = "{url}"
""")
    (tmp / "feed-events").mkdir()
    return config


def _run(config: Path, *args: str) -> str:
    result = subprocess.run(
        [VDIRSYNCER, "-c", str(config), *args],
        input="y\n" * 20, capture_output=True, text=True, timeout=300,
        env={"HOME": str(config.parent), "PATH": str(Path(VDIRSYNCER).parent),
             "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def _actions(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith(("Copying", "Del"))]


def _quiet(config: Path) -> None:
    """A sync with nothing changed on either side copies and deletes nothing."""
    folder = config.parent / f"{config.stem}-cards" / "contacts"
    before = {p.name: p.read_bytes() for p in folder.glob("*.vcf")}
    output = _run(config, "sync")
    assert _actions(output) == [], output
    assert {p.name: p.read_bytes() for p in folder.glob("*.vcf")} == before


def _cards(tmp: Path, name: str) -> dict[str, str]:
    folder = tmp / f"{name}-cards" / "contacts"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.vcf"))}


def _file_of(cards: dict[str, str], text: str) -> str:
    return next(name for name, body in cards.items() if text in body)


def test_vdirsyncer_journey(empty_database_url, tmp_path):
    database = open_database(empty_database_url, upgrade=True)
    uow = database.uow
    try:
        owner = accounts.local_actor(uow)
        accounts.add_member(owner, uow, "bea@team.example", "Bea Teammate")
        bea = accounts.local_actor(uow, "bea@team.example")
        ann = make_contact(owner, uow, name="Ann Archer", add_emails=["ann@acme.example"],
                           organization="Acme", title="CEO")  # fmt: skip
        bob = make_contact(owner, uow, name="Bob Stone", visibility="workspace")
        make_contact(bea, uow, name=f"{CANARY} Secret")
        make_contact(bea, uow, name="Tess Shared", visibility="workspace")
        mine = [make_task(owner, uow, title=f"Call {n}", due=f"2030-01-0{n}") for n in (1, 2)]
        make_task(owner, uow, title="Undated")
        _, owner_token = auth.create_token(owner, uow, "phone", "dav")
        _, bea_token = auth.create_token(bea, uow, "phone", "dav")
        _, feed_token = auth.create_token(owner, uow, "calendar", "feed")
        with live_server(empty_database_url, tmp_path / "server.log") as base:
            config = _config(tmp_path, "owner", base, owner_token)
            _run(config, "discover", "contacts")
            _run(config, "sync")
            cards = _cards(tmp_path, "owner")
            assert len(cards) == 3
            joined = "".join(cards.values())
            assert "FN:Ann Archer" in joined and "FN:Bob Stone" in joined
            assert "FN:Tess Shared" in joined and CANARY not in joined
            _quiet(config)

            # An edit in the folder comes back, with what goodwill does not model.
            folder = tmp_path / "owner-cards" / "contacts"
            ann_file = _file_of(cards, "FN:Ann Archer")
            edited = cards[ann_file].replace("FN:Ann Archer", "FN:Ann Archer-Lee").replace(
                "N:Archer;Ann;;;", "N:Archer-Lee;Ann;;;"
            ).replace("END:VCARD", "TEL;TYPE=CELL:+1 415 555 0100\r\nX-PHONE-ONLY:keep me\r\n"
                      "END:VCARD")  # fmt: skip
            (folder / ann_file).write_text(edited, encoding="utf-8", newline="")
            _run(config, "sync")
            shown = contacts.show_contact(owner, uow, ann.id)
            assert shown.display_name == "Ann Archer-Lee"
            assert [p.e164 for p in shown.phones] == ["+14155550100"]
            with uow.read() as session:
                extra = session.get_one(Contact, ann.id).vcard_extra
            assert extra == ["X-PHONE-ONLY:keep me"]

            # An edit in goodwill and a renamed organization come down.
            contacts.edit_contact(owner, uow, bob.id, ContactChanges(nickname="Bobby"))
            organizations.edit_organization(
                owner, uow, "Acme", OrganizationChanges(name="Acme Corp")
            )
            _run(config, "sync")
            cards = _cards(tmp_path, "owner")
            assert "NICKNAME:Bobby" in cards[_file_of(cards, "FN:Bob Stone")]
            assert "ORG:Acme Corp" in cards[ann_file]
            assert "X-PHONE-ONLY:keep me" in cards[ann_file]

            # A deletion in the folder moves the contact to the trash.
            (folder / _file_of(cards, "FN:Bob Stone")).unlink()
            # A new card like Ann stays a contact of its own, suggested as a duplicate.
            (folder / "new-from-phone.vcf").write_text(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1\r\nFN:Ann A.\r\nN:A.;Ann;;;\r\n"
                "EMAIL:ann@acme.example\r\nEND:VCARD\r\n", encoding="utf-8", newline="",
            )  # fmt: skip
            _run(config, "sync")
            assert [(t.kind, t.id) for t in trash.list_trash(owner, uow)] == [("contact", bob.id)]
            twin = [c.id for c in contacts.search_contacts(owner, uow, "ann@acme.example")]
            assert len(twin) == 2 and ann.id in twin
            pairs = dedupe.list_duplicates(owner, uow).candidates
            assert any(ann.id in {p.a.id, p.b.id} and "Ann A." in {p.a.label, p.b.label}
                       for p in pairs)  # fmt: skip

            # goodwill stores a card as it renders it, so a PUT answers without an ETag
            # (RFC 7231 4.3.4) and the next sync brings that version down, once.
            settle = _run(config, "sync")
            assert _actions(settle) == ["Copying (updating) item phone-1 to local/contacts"]
            _quiet(config)

            # A teammate's sync: shared contacts only, never the owner's private ones.
            team = _config(tmp_path, "bea", base, bea_token)
            _run(team, "discover", "contacts")
            _run(team, "sync")
            theirs = "".join(_cards(tmp_path, "bea").values())
            assert "FN:Tess Shared" in theirs and CANARY in theirs
            assert "Ann Archer" not in theirs and "Bob Stone" not in theirs

            # The calendar feed, subscribed with vdirsyncer's http storage.
            feed = _feed_config(tmp_path, f"{base}/feeds/{feed_token}.ics")
            _run(feed, "discover", "calendar")
            _run(feed, "sync")
            events = [p.read_text() for p in (tmp_path / "feed-events").glob("*.ics")]
            assert len(events) == len(mine)
            # vdirsyncer's http storage replaces UIDs with content hashes (its own choice),
            # so the events are told apart by what they say.
            assert sorted(
                line.removeprefix("SUMMARY:").strip()
                for e in events for line in e.splitlines() if line.startswith("SUMMARY:")
            ) == sorted(t.title for t in mine)  # fmt: skip
    finally:
        database.close()
