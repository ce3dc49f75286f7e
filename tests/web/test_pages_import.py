"""The Import pages over TestClient: upload → the job's page (polled while it runs) →
its contacts, errors and undo; past imports; the duplicates review with its merge
preview, merge and dismissal; CSRF; and nobody else's records on any of them."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import update

from goodwill.bootstrap import open_database
from goodwill.services import accounts, contacts, dedupe, import_jobs, importing
from goodwill.services.importing import ImportOptions
from goodwill.storage.schema import DuplicateScan
from goodwill.web.app import Settings, create_app
from tests.factories import make_contact
from tests.web.sessions import session_client

VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"
    b"EMAIL:grace@navy.example\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nN:Turing;Alan;;;\r\nEND:VCARD\r\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


@pytest.fixture
def client(app, uow, owner):
    return session_client(app, uow, owner)


def _upload(client, content=VCARD, name="people.vcf", fmt="vcard"):
    return client.post("/import", files={"file": (name, content)}, data={"format": fmt})


def _imported(client, content=VCARD, name="people.vcf", fmt="vcard") -> int:
    response = _upload(client, content, name, fmt)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/import/")
    return int(location.rsplit("/", 1)[1])


def test_import_page_has_the_upload_form_and_no_imports_yet(client):
    html = client.get("/import").text
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
    assert '<label for="im-file">' in html and '<option value="vcard">' in html
    assert "No imports yet." in html


def test_vcard_upload_runs_and_its_page_shows_the_contacts(client):
    run_id = _imported(client)
    html = client.get(f"/import/{run_id}").text
    assert 'data-status="completed"' in html
    assert 'hx-trigger="every 1s"' not in html  # done: no more polling
    assert '<progress class="im-bar" aria-label="Import progress" max="1" value="1">' in html
    assert "Alan Turing" in html and "Grace Hopper" in html
    assert "Undo this import" in html
    past = client.get("/import").text
    assert f'href="/import/{run_id}"' in past and "people.vcf" in past


def test_a_running_import_is_polled_every_second(client, owner, uow):
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "later.vcf"
        path.write_bytes(VCARD)
        run_id = import_jobs.start(owner, uow, path, ImportOptions(format="vcard"))
    finally:
        shutil.rmtree(folder)
    html = client.get(f"/import/{run_id}").text
    assert f'hx-get="/import/{run_id}/progress" hx-trigger="every 1s"' in html
    assert '<progress class="im-bar" aria-label="Import progress"></progress>' in html
    assert "Undo this import" not in html  # not while it runs
    part = client.get(f"/import/{run_id}/progress", headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="import-progress"')
    assert "<html" not in part.text


def test_per_record_errors_are_listed(client):
    bad = ",,https://www.linkedin.com/in/nobody,,X,Y,01 Jan 2020\n"
    good = "Ada,Lovelace,https://www.linkedin.com/in/ada,,Engines,Countess,01 Jan 2020\n"
    run_id = _imported(client, (HEADER + bad + good).encode(), "Connections.csv", "linkedin")
    html = client.get(f"/import/{run_id}").text
    assert "Records it could not import" in html
    assert html.count("<li>", html.index("im-errors")) >= 1
    assert "Ada Lovelace" in html


def test_a_broken_file_shows_why_it_failed(client):
    run_id = _imported(client, b"this is no vCard at all\n", "broken.vcf", "vcard")
    html = client.get(f"/import/{run_id}").text
    assert 'data-status="failed"' in html and "not a vCard file" in html


def test_undo_removes_the_contacts(client, owner, uow):
    run_id = _imported(client)
    response = client.post(f"/import/{run_id}/undo")
    assert response.status_code == 303 and response.headers["location"] == f"/import/{run_id}"
    html = client.get(f"/import/{run_id}").text
    assert 'data-status="undone"' in html and "Alan Turing" not in html
    assert [c.display_name for c in contacts.list_contacts(owner, uow)] == []


def test_upload_and_undo_need_the_csrf_token(app, uow, owner, client):
    run_id = _imported(client)
    bare = session_client(app, uow, owner, csrf=False)
    assert _upload(bare).status_code == 403
    assert bare.post(f"/import/{run_id}/undo").status_code == 403
    assert import_jobs.status(owner, uow, run_id).summary.status == "completed"


def test_an_unknown_format_is_refused(client):
    response = _upload(client, fmt="xls")
    assert response.status_code == 422 and "is not a format" in response.text


def test_an_upload_over_the_limit_is_refused(uow, owner):
    small = session_client(create_app(Settings(uow=uow, max_upload_bytes=50)), uow, owner)
    response = _upload(small)
    assert response.status_code == 422 and "over 50 bytes" in response.text
    assert importing.list_imports(owner, uow) == []


def test_anothers_import_is_missing_for_a_teammate(app, uow, owner, teammate, client):
    run_id = _imported(client)
    mate = session_client(app, uow, teammate)
    for url in (f"/import/{run_id}", f"/import/{run_id}/progress"):
        assert mate.get(url).status_code == 404
    assert mate.post(f"/import/{run_id}/undo").status_code == 404
    assert "people.vcf" not in mate.get("/import").text


def _pair(owner, uow, visibility="workspace"):
    a = make_contact(owner, uow, name="Katherine Johnson", organization="NASA",
                     add_emails=["kj@nasa.example"], visibility=visibility)  # fmt: skip
    b = make_contact(owner, uow, name="Katherine Johnson", organization="NASA",
                     add_phones=["+12025550100"], visibility=visibility)  # fmt: skip
    return a, b


def _scan(client):
    response = client.post("/import/duplicates/scan")
    assert response.status_code == 303 and response.headers["location"] == "/import/duplicates"


def test_duplicates_before_a_scan_offer_the_scan_and_no_pairs(client, owner, uow):
    a, b = _pair(owner, uow)
    html = client.get("/import/duplicates").text
    assert 'action="/import/duplicates/scan"' in html and "Scan for duplicates" in html
    assert 'name="csrf_token"' in html
    assert f'href="/import/duplicates/{a.id}/{b.id}"' not in html
    assert "Not scanned yet" in html


def test_a_scan_lists_the_pair_with_a_preview_link(client, owner, uow):
    a, b = _pair(owner, uow)
    _scan(client)  # the background task has run when the response is back
    html = client.get("/import/duplicates").text
    assert f'href="/import/duplicates/{a.id}/{b.id}"' in html
    assert "Katherine Johnson" in html
    assert "Last scanned at" in html and "Scan again" in html
    assert dedupe.scan_state(owner, uow).status == "done"


def test_a_running_scan_is_polled_and_the_page_reloads_when_it_ends(client, owner, uow):
    _pair(owner, uow)
    assert dedupe.start_scan(owner, uow)
    html = client.get("/import/duplicates").text
    assert 'hx-get="/import/duplicates/scan"' in html and 'hx-trigger="every 1s"' in html
    assert "Scanning for duplicates" in html and 'action="/import/duplicates/scan"' not in html
    # a second click while it runs starts nothing (and says so by still polling)
    _scan(client)
    assert dedupe.scan_state(owner, uow).running
    poll = client.get("/import/duplicates/scan", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "HX-Refresh" not in poll.headers
    assert 'hx-trigger="every 1s"' in poll.text
    dedupe.scan_duplicates(owner, uow)
    poll = client.get("/import/duplicates/scan", headers={"HX-Request": "true"})
    assert poll.headers.get("HX-Refresh") == "true"
    assert "hx-trigger" not in poll.text and "Last scanned at" in poll.text


def test_the_scans_progress_is_polled_from_its_row(client, owner, uow):
    assert dedupe.start_scan(owner, uow)
    with uow.write() as session:
        session.execute(update(DuplicateScan).values(scored=3, to_score=6))
    poll = client.get("/import/duplicates/scan", headers={"HX-Request": "true"}).text
    assert "3 of 6 candidate pairs compared" in poll
    assert '<progress class="im-bar" aria-label="Scan progress" max="6" value="3">' in poll


def test_a_scan_whose_process_cannot_start_says_so(uow, owner):
    def no_process(actor, uow):
        raise OSError("[Errno 2] No such file or directory: '/srv/python'")

    app = create_app(Settings(uow=uow, scan_launcher=no_process))
    client = session_client(app, uow, owner)
    _scan(client)
    html = client.get("/import/duplicates").text
    assert "The last scan stopped" in html and "could not start its process" in html
    assert "/srv/python" not in html  # the server's details stay in its log
    assert 'hx-trigger="every 1s"' not in html and "Scan for duplicates" in html


def test_the_page_scan_runs_in_a_process_of_its_own(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    db = open_database(url)
    try:
        owner = accounts.local_actor(db.uow)
        a, b = _pair(owner, db.uow)

        def in_this_process(*args, **kwargs):
            raise AssertionError("the scan ran in the server's process")

        monkeypatch.setattr(dedupe, "scan_duplicates", in_this_process)
        with session_client(create_app(Settings(database_url=url)), db.uow, owner) as client:
            _scan(client)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                poll = client.get("/import/duplicates/scan", headers={"HX-Request": "true"})
                if poll.headers.get("HX-Refresh"):
                    break
                assert "Scanning for duplicates" in poll.text
                time.sleep(0.2)
            html = client.get("/import/duplicates").text
        assert f'href="/import/duplicates/{a.id}/{b.id}"' in html, html
        assert dedupe.scan_state(owner, db.uow).status == "done"
    finally:
        db.close()


def test_pages_of_pairs_link_to_the_next(client, owner, uow, monkeypatch):
    from goodwill.web.pages import imports

    a, b = _pair(owner, uow)
    c = make_contact(owner, uow, name="Dorothy Vaughan", organization="NASA")
    d = make_contact(owner, uow, name="Dorothy Vaughan", organization="NASA")
    _scan(client)
    monkeypatch.setattr(imports, "DUPLICATES_SHOWN", 1)
    first = client.get("/import/duplicates").text
    assert first.count('class="button small"') == 1
    link = first.split('href="/import/duplicates?after=')[1].split('"')[0]
    second = client.get(f"/import/duplicates?after={link}").text
    pairs = [f"/import/duplicates/{a.id}/{b.id}", f"/import/duplicates/{c.id}/{d.id}"]
    assert all((p in first) != (p in second) for p in pairs)  # each on one page only


@pytest.mark.parametrize("after", ["1", "x.1.2", "1.2.3.4", "99999.1.2"])
def test_a_bad_page_key_is_refused(client, after):
    assert client.get(f"/import/duplicates?after={after}").status_code == 422


def test_merge_preview_shows_the_merged_contact_and_merges(client, owner, uow):
    a, b = _pair(owner, uow)
    _scan(client)
    html = client.get(f"/import/duplicates/{a.id}/{b.id}").text
    assert "The merged contact" in html
    assert "kj@nasa.example" in html and "202" in html.split("Phones")[1].split("</dd>")[0]
    assert f'action="/import/duplicates/{a.id}/{b.id}/merge"' in html
    response = client.post(f"/import/duplicates/{a.id}/{b.id}/merge")
    assert response.status_code == 303 and response.headers["location"] == "/import/duplicates"
    assert [c.id for c in contacts.list_contacts(owner, uow)] == [a.id]
    assert "No likely duplicates" in client.get("/import/duplicates").text


def test_dismissed_pairs_are_not_suggested_again(client, owner, uow):
    a, b = _pair(owner, uow)
    _scan(client)
    assert client.post(f"/import/duplicates/{a.id}/{b.id}/dismiss").status_code == 303
    assert dedupe.list_duplicates(owner, uow).candidates == []
    html = client.get("/import/duplicates").text
    assert f'href="/import/duplicates/{a.id}/{b.id}"' not in html and "No likely duplicates" in html


def test_scan_needs_the_csrf_token(app, uow, owner):
    _pair(owner, uow)
    bare = session_client(app, uow, owner, csrf=False)
    assert bare.post("/import/duplicates/scan").status_code == 403
    assert dedupe.scan_state(owner, uow).status == "never"


def test_merge_needs_the_csrf_token(app, uow, owner):
    a, b = _pair(owner, uow)
    bare = session_client(app, uow, owner, csrf=False)
    assert bare.post(f"/import/duplicates/{a.id}/{b.id}/merge").status_code == 403
    assert len(contacts.list_contacts(owner, uow)) == 2


def test_teammate_never_sees_the_owners_private_duplicates(app, uow, owner, teammate):
    canary = f"CANARY-{uuid4().hex}"
    a = make_contact(owner, uow, name=f"{canary} Hidden", visibility="private")
    b = make_contact(owner, uow, name=f"{canary} Hidden", visibility="private")
    own = session_client(app, uow, owner)
    _scan(own)
    assert own.get("/import/duplicates").text.count(canary) >= 2
    mate = session_client(app, uow, teammate)
    _scan(mate)
    listing = mate.get("/import/duplicates")
    assert listing.status_code == 200 and canary not in listing.text
    preview = mate.get(f"/import/duplicates/{a.id}/{b.id}")
    assert preview.status_code == 404 and canary not in preview.text
    assert mate.post(f"/import/duplicates/{a.id}/{b.id}/merge").status_code == 404
    assert len(contacts.list_contacts(owner, uow)) == 2


def test_a_pair_made_private_after_the_teammates_scan_is_not_shown_to_them(
    app, uow, owner, teammate
):
    canary = f"CANARY-{uuid4().hex}"
    a = make_contact(owner, uow, name=f"{canary} Shown", visibility="workspace")
    b = make_contact(owner, uow, name=f"{canary} Shown", visibility="workspace")
    mate = session_client(app, uow, teammate)
    _scan(mate)
    assert mate.get("/import/duplicates").text.count(canary) >= 2
    contacts.edit_contact(owner, uow, b.id, contacts.ContactChanges(visibility="private"))
    listing = mate.get("/import/duplicates")
    assert listing.status_code == 200 and canary not in listing.text
    assert f"/import/duplicates/{a.id}/{b.id}" not in listing.text
