"""/api/v1/imports: upload → job id → progress → result; undo; errors as problem+json."""

from __future__ import annotations

import tempfile
from pathlib import Path

from goodwill.services import import_jobs, importing
from goodwill.web.app import Settings, create_app
from tests.web.conftest import _bearer, _client

PROBLEM = "application/problem+json"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ADA = "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Engines,Analyst,14 Feb 2023\n"
ZOE = 'Zoë,Ångström,https://www.linkedin.com/in/zo%C3%AB,,"Acme, Inc.",CTO,01 Mar 2022\n'
CSV = (HEADER + ADA + ZOE).encode()
VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"
    b"EMAIL:grace@navy.example\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nN:Turing;Alan;;;\r\nEND:VCARD\r\n"
)


def _upload(client, content, name="Connections.csv", **form):
    return client.post("/api/v1/imports", files={"file": (name, content)}, data=form)


def _started(client, content, name="Connections.csv", **form):
    response = _upload(client, content, name, **form)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == response.json()["url"]
    return response.json()["id"]


def _names(client):
    return sorted(c["display_name"] for c in client.get("/api/v1/contacts").json()["items"])


def test_linkedin_upload_runs_to_completion(as_owner):
    run_id = _started(as_owner, CSV, format="linkedin")
    job = as_owner.get(f"/api/v1/imports/{run_id}").json()
    assert (job["status"], job["format"], job["source"]) == (
        "completed",
        "linkedin",
        "Connections.csv",
    )
    assert job["counts"]["read"] == 2 and job["counts"]["created"] == 2
    assert (job["errors"], job["failure"]) == ([], None)
    assert _names(as_owner) == ["Ada Lovelace", "Zoë Ångström"]


def test_vcard_upload_detected_and_listed_newest_first(as_owner):
    first = _started(as_owner, CSV)
    second = _started(as_owner, VCARD, "people.vcf")
    job = as_owner.get(f"/api/v1/imports/{second}").json()
    assert (job["format"], job["status"], job["counts"]["created"]) == ("vcard", "completed", 2)
    assert "Grace Hopper" in _names(as_owner)
    listed = as_owner.get("/api/v1/imports").json()["items"]
    assert [i["id"] for i in listed] == [second, first]


def test_reupload_changes_nothing(as_owner):
    _started(as_owner, CSV, format="linkedin")
    before = _names(as_owner)
    again = as_owner.get(f"/api/v1/imports/{_started(as_owner, CSV, format='linkedin')}").json()
    assert again["counts"]["created"] == 0 and again["counts"]["updated"] == 0
    assert again["counts"]["unchanged"] == 2
    assert _names(as_owner) == before


def test_malformed_file_fails_cleanly(as_owner):
    run_id = _started(as_owner, b"this is no vCard at all\n", "broken.vcf", format="vcard")
    job = as_owner.get(f"/api/v1/imports/{run_id}").json()
    assert job["status"] == "failed"
    assert "not a vCard file" in job["failure"]
    assert job["counts"]["created"] == 0 and _names(as_owner) == []


def test_bad_records_are_listed(as_owner):
    bad = ",,https://www.linkedin.com/in/nobody,,X,Y,01 Jan 2020\n"
    run_id = _started(as_owner, (HEADER + bad + ADA).encode(), format="linkedin")
    job = as_owner.get(f"/api/v1/imports/{run_id}").json()
    assert job["status"] == "completed" and job["counts"]["failed"] == 1
    assert len(job["errors"]) == 1 and job["errors"][0]


def test_dry_run_writes_nothing(as_owner):
    response = _upload(as_owner, CSV, format="linkedin", dry_run="true")
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["created"] == 2
    assert _names(as_owner) == [] and as_owner.get("/api/v1/imports").json()["items"] == []


def test_undo_over_the_api(as_owner):
    run_id = _started(as_owner, CSV, format="linkedin")
    undone = as_owner.post(f"/api/v1/imports/{run_id}/undo")
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "undone" and undone.json()["undo"]["removed"]["contacts"] == 2
    assert _names(as_owner) == []
    again = as_owner.post(f"/api/v1/imports/{run_id}/undo")
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM


def test_anothers_import_is_as_missing_as_a_missing_one(as_owner, as_teammate, as_outsider):
    run_id = _started(as_owner, CSV, format="linkedin")
    for client in (as_teammate, as_outsider):
        for response in (
            client.get(f"/api/v1/imports/{run_id}"),
            client.post(f"/api/v1/imports/{run_id}/undo"),
        ):
            assert response.status_code == 404, response.text
            assert response.json()["detail"] == f"no import #{run_id}"
        assert client.get("/api/v1/imports").json()["items"] == []
    missing = as_owner.get(f"/api/v1/imports/{run_id + 1000}")
    assert missing.status_code == 404 and missing.json()["detail"] == f"no import #{run_id + 1000}"
    assert _names(as_owner) == ["Ada Lovelace", "Zoë Ångström"]


def test_bad_formats_are_refused(as_owner):
    for fmt, reason in (("maildir", "folder"), ("xls", "not one of")):
        response = _upload(as_owner, CSV, format=fmt)
        assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
        assert reason in response.json()["detail"]
    unknown = _upload(as_owner, b"just some words\n", "notes.txt")
    assert unknown.status_code == 422 and "not a format goodwill reads" in unknown.json()["detail"]
    missing = as_owner.post("/api/v1/imports", data={"format": "auto"})
    assert missing.status_code == 422
    assert as_owner.get("/api/v1/imports").json()["items"] == []


def test_an_upload_over_the_limit_is_413(uow, owner):
    app = create_app(Settings(uow=uow, max_upload_bytes=100))
    for client in _client(app, _bearer(uow, owner)):
        response = _upload(client, CSV)
        assert response.status_code == 413 and response.headers["content-type"] == PROBLEM
        assert client.get("/api/v1/imports").json()["items"] == []


def test_uploads_are_deleted_after_the_run(as_owner, monkeypatch):
    made: list[str] = []
    real = tempfile.mkdtemp

    def mkdtemp(**kwargs):
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    _started(as_owner, CSV, format="linkedin")
    _started(as_owner, b"no vcard\n", "x.vcf", format="vcard")
    assert _upload(as_owner, CSV, format="xls").status_code == 422
    assert len(made) == 2 and not any(Path(m).exists() for m in made)


def test_progress_is_visible_while_running(as_owner, monkeypatch):
    """Read mid-way (after the first of three one-record batches), the job is running
    and its counts show what is committed so far."""
    seen: list[dict] = []
    real = importing.run_import

    def run_import(actor, uow, path, options):
        options.batch_size = 1
        hook = options.progress

        def progress(counts):
            assert hook is not None
            hook(counts)
            if counts.get("read") == 2 and not seen:
                seen.append(import_jobs.status(actor, uow, run_id[0]).summary.__dict__)

        options.progress = progress
        return real(actor, uow, path, options)

    monkeypatch.setattr(importing, "run_import", run_import)
    run_id: list[int] = []
    monkeypatch.setattr(
        import_jobs, "start", lambda *a: run_id.append(importing.start_import(*a)) or run_id[0]
    )
    third = "Augusta,King,https://www.linkedin.com/in/augusta,,Engines,Countess,01 Jan 2020\n"
    _started(as_owner, (HEADER + ADA + ZOE + third).encode(), format="linkedin")
    assert seen and seen[0]["status"] == "running"
    assert seen[0]["counts"]["read"] == 2 and seen[0]["counts"]["created"] == 1
    done = as_owner.get(f"/api/v1/imports/{run_id[0]}").json()
    assert done["status"] == "completed" and done["counts"]["created"] == 3
