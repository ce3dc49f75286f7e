"""The web pages' duplicate scan in a process of its own (web.scan_jobs), for real: a
child `goodwill duplicates scan-job` on a committed database of each backend, its
progress and outcome read back through the scan's row, as any server process reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from goodwill.bootstrap import Database, open_database
from goodwill.services import accounts, dedupe
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import DuplicateScan
from goodwill.web.scan_jobs import process_launcher, scan_job_command
from tests.factories import make_contact

TIMEOUT = 120  # seconds: a child's start-up on a loaded machine, and its scan


@pytest.fixture
def database(empty_database_url: str) -> Iterator[Database]:
    db = open_database(empty_database_url, upgrade=True)
    try:
        yield db
    finally:
        db.close()


def _finished(actor, uow) -> dedupe.ScanState:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        state = dedupe.scan_state(actor, uow)
        if not state.running:
            return state
        time.sleep(0.2)
    raise AssertionError(f"the scan did not finish in {TIMEOUT} s: {state}")


def test_a_scan_runs_in_a_process_of_its_own_and_stores_the_pair(database, empty_database_url):
    uow = database.uow
    owner = accounts.local_actor(uow)
    a = make_contact(owner, uow, name="Katherine Johnson", organization="NASA")
    b = make_contact(owner, uow, name="Katherine Johnson", organization="NASA")
    make_contact(owner, uow, name="Dorothy Vaughan")
    launch = process_launcher(empty_database_url)
    assert dedupe.start_background_scan(owner, uow, launch) is True
    assert dedupe.start_background_scan(owner, uow, launch) is False  # one at a time
    state = _finished(owner, uow)
    assert (state.status, state.failure, state.pairs) == ("done", None, 1)
    found = dedupe.stored_duplicates(owner, uow)
    assert [(c.a.id, c.b.id) for c in found.candidates] == [(a.id, b.id)]
    with uow.read() as session:  # the child's progress, written to the row as it went
        row = session.scalars(select(DuplicateScan)).one()
        assert (row.scored, row.to_score) == (1, 1)
        assert row.heartbeat_at is not None and row.heartbeat_at >= row.started_at


def test_a_dead_scan_is_failed_and_a_new_process_scans(database, empty_database_url):
    uow = database.uow
    owner = accounts.local_actor(uow)
    make_contact(owner, uow, name="Ada Lovelace")
    make_contact(owner, uow, name="Ada Lovelace")
    assert dedupe.start_scan(owner, uow)  # its process killed: it writes no more
    with uow.write() as session:
        session.execute(update(DuplicateScan).values(heartbeat_at=utcnow() - timedelta(minutes=6)))
    dead = dedupe.scan_state(owner, uow)
    assert (dead.status, dead.failure) == ("failed", dedupe.STOPPED)
    assert dedupe.start_background_scan(owner, uow, process_launcher(empty_database_url))
    state = _finished(owner, uow)
    assert (state.status, state.pairs) == ("done", 1)


def test_progress_written_by_a_scan_is_read_by_another_process(
    database, empty_database_url, monkeypatch
):
    """Another server process polling the page sees how far the scan got (no progress
    lives in the scanning process's memory)."""
    uow = database.uow
    owner = accounts.local_actor(uow)
    for _ in range(4):  # six candidate pairs
        make_contact(owner, uow, name="Ada Lovelace")
    monkeypatch.setattr(dedupe, "SCAN_PROGRESS_EVERY", 1)
    monkeypatch.setattr(dedupe, "PROGRESS_SECONDS", 0.0)
    seen = []

    def progress(stage, done, total):
        if done == 3:
            seen.append(_state_elsewhere(empty_database_url, owner))

    assert dedupe.start_scan(owner, uow)
    dedupe.scan_duplicates(owner, uow, progress)
    assert seen == [{"status": "running", "scored": [3, 6]}]


def _state_elsewhere(url, actor) -> dict[str, object]:
    code = (
        "import json, sys; from goodwill.bootstrap import open_database; "
        "from goodwill.services import auth, dedupe; db = open_database(sys.argv[1]); "
        "state = dedupe.scan_state(auth.member_actor(db.uow, int(sys.argv[2]), "
        "int(sys.argv[3])), db.uow); "
        "print(json.dumps({'status': state.status, 'scored': state.scored}))"
    )
    args = [sys.executable, "-c", code, url, str(actor.user_id), str(actor.workspace_id)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=True)
    return json.loads(out.stdout)


def test_a_scan_job_for_someone_not_a_member_scans_nothing(database, empty_database_url):
    uow = database.uow
    owner = accounts.local_actor(uow)
    stranger = Actor(owner.user_id + 1, owner.workspace_id, "member", "x@y.example")
    out = subprocess.run(
        scan_job_command(stranger), env={**os.environ, "GOODWILL_DB": empty_database_url},
        capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert out.returncode == 3, out.stderr
    assert f"user #{stranger.user_id} is not a member of workspace" in out.stderr
    assert dedupe.scan_state(stranger, uow).status == "never"
