"""Stored duplicate candidates (both databases): a scan stores what `list_duplicates`
finds; a page of them is re-checked with the current data when read; keyset pages walk
them all once; a teammate's pairs never show the owner's private contacts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, or_, select, update

from goodwill.services import contacts, dedupe, privacy
from goodwill.services.actor import utcnow
from goodwill.services.contacts import ContactChanges
from goodwill.services.views import to_jsonable
from goodwill.storage.schema import DuplicateScan, StoredDuplicate
from tests.factories import make_contact


def pairs(candidates: list[dedupe.DuplicateCandidate]) -> list[tuple[int | None, int | None]]:
    return [(c.a.id, c.b.id) for c in candidates]


def scored(candidates: list[dedupe.DuplicateCandidate]) -> set[tuple[object, ...]]:
    return {(c.a.id, c.b.id, c.score, tuple(c.reasons)) for c in candidates}


def walk(actor, uow, limit):
    """Every stored pair, a page at a time; the pages' sizes."""
    seen, sizes, after = [], [], None
    for _ in range(100):
        page = dedupe.stored_duplicates(actor, uow, limit=limit, after=after)
        seen += page.candidates
        sizes.append(len(page.candidates))
        if page.after is None:
            return seen, sizes
        assert page.after != after
        after = page.after
    raise AssertionError("the pages never ended")


def world(owner, uow, visibility="workspace"):
    """Several likely pairs of different scores, and people who are no one's duplicate."""
    v = {"visibility": visibility}
    made = {
        "john": make_contact(owner, uow, name="John Smith", organization="Acme", **v),
        "jon": make_contact(owner, uow, name="Jon Smith", organization="Acme Inc", **v),
        "j": make_contact(owner, uow, name="J. Smith", **v),
        "ann": make_contact(owner, uow, name="Ann Lee", add_emails=["ann.lee@lee.example"], **v),
        "annie": make_contact(owner, uow, name="Ann Lee", **v),
        "kate": make_contact(owner, uow, name="Katherine Johnson", organization="NASA", **v),
        "kathy": make_contact(owner, uow, name="Katherine Johnson", organization="NASA", **v),
        "dot": make_contact(owner, uow, name="Dorothy Vaughan", add_phones=["+12025550100"], **v),
        "dottie": make_contact(
            owner, uow, name="Dorothy Vaughan", add_phones=["+12025550100"], **v
        ),
        "maria": make_contact(owner, uow, name="Maria Lopez", **v),
    }
    return {k: c.id for k, c in made.items()}


def test_a_scan_stores_the_pairs_list_duplicates_finds(owner, uow):
    world(owner, uow)
    assert dedupe.scan_state(owner, uow).status == "never"
    result = dedupe.scan_duplicates(owner, uow)
    live = dedupe.list_duplicates(owner, uow, limit=1000).candidates
    assert len(live) >= 5 and result.pairs == len(live)
    assert result.contacts == 10 and result.compared >= result.pairs
    page = dedupe.stored_duplicates(owner, uow, limit=200)
    assert scored(page.candidates) == scored(live) and page.after is None
    scores = [c.score for c in page.candidates]
    assert scores == sorted(scores, reverse=True)  # best first
    state = dedupe.scan_state(owner, uow)
    assert (state.status, state.pairs, state.scanned_at) == ("done", len(live), result.scanned_at)
    assert page.scan == state
    with uow.read() as session:
        stored = session.execute(
            select(StoredDuplicate.contact_a_id, StoredDuplicate.contact_b_id)
        ).all()
    assert all(a < b for a, b in stored) and len(stored) == len(live)


def test_a_scan_replaces_the_last_one_and_leaves_dismissed_pairs_out(owner, uow):
    ids = world(owner, uow)
    dedupe.scan_duplicates(owner, uow)
    dedupe.dismiss_duplicate(owner, uow, ids["ann"], ids["annie"])
    grace = make_contact(owner, uow, name="Grace Hopper", organization="Navy").id
    again = make_contact(owner, uow, name="Grace Hopper", organization="Navy").id
    result = dedupe.scan_duplicates(owner, uow)
    live = dedupe.list_duplicates(owner, uow, limit=1000).candidates
    stored = dedupe.stored_duplicates(owner, uow, limit=200).candidates
    assert scored(stored) == scored(live)
    assert (grace, again) in pairs(stored) and (ids["ann"], ids["annie"]) not in pairs(stored)
    with uow.read() as session:
        count = session.scalar(select(func.count()).select_from(StoredDuplicate))
    assert count == result.pairs == len(live)


def test_a_page_drops_pairs_merged_deleted_dismissed_or_no_longer_alike(owner, uow):
    ids = world(owner, uow)
    dedupe.scan_duplicates(owner, uow)
    before = pairs(dedupe.stored_duplicates(owner, uow, limit=200).candidates)
    gone = {
        (ids["kate"], ids["kathy"]),
        (ids["dot"], ids["dottie"]),
        (ids["ann"], ids["annie"]),
        (ids["john"], ids["jon"]),
    }
    assert gone <= set(before)
    dedupe.merge_contacts(owner, uow, ids["kate"], ids["kathy"])
    contacts.delete_contact(owner, uow, ids["dottie"])  # to the trash
    dedupe.dismiss_duplicate(owner, uow, ids["ann"], ids["annie"])
    contacts.edit_contact(owner, uow, ids["jon"], ContactChanges(first_name="Xavier"))
    after = pairs(dedupe.stored_duplicates(owner, uow, limit=200).candidates)
    assert not gone & set(after)
    assert [p for p in before if ids["jon"] not in p and p not in gone] == after
    assert after  # the rest are still there (J. Smith and John)
    with uow.read() as session:  # the merged-away contact's pairs went with it
        left = session.scalar(
            select(func.count())
            .select_from(StoredDuplicate)
            .where(
                or_(
                    StoredDuplicate.contact_a_id == ids["kathy"],
                    StoredDuplicate.contact_b_id == ids["kathy"],
                )
            )
        )
    assert left == 0


def test_a_page_shows_the_current_score_and_reasons(owner, uow):
    a = make_contact(owner, uow, name="Ada Lovelace").id
    b = make_contact(owner, uow, name="Ada Lovelace").id
    dedupe.scan_duplicates(owner, uow)
    [first] = dedupe.stored_duplicates(owner, uow).candidates
    contacts.edit_contact(owner, uow, a, ContactChanges(organization="Analytical Engines"))
    contacts.edit_contact(owner, uow, b, ContactChanges(organization="Analytical Engines"))
    [now] = dedupe.stored_duplicates(owner, uow).candidates
    assert (now.a.id, now.b.id) == (a, b)
    assert now.reasons == [*first.reasons, "same organization: Analytical Engines"]
    assert scored([now]) == scored(dedupe.list_duplicates(owner, uow).candidates)


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_keyset_pages_walk_every_pair_once(owner, uow, limit):
    ids = world(owner, uow)
    dedupe.scan_duplicates(owner, uow)
    everything = dedupe.stored_duplicates(owner, uow, limit=200).candidates
    seen, sizes = walk(owner, uow, limit)
    assert pairs(seen) == pairs(everything)
    assert len(set(pairs(seen))) == len(seen)
    assert all(size <= limit for size in sizes)
    # A pair dropped between two pages neither repeats nor hides another.
    first = dedupe.stored_duplicates(owner, uow, limit=limit)
    dedupe.dismiss_duplicate(owner, uow, ids["dot"], ids["dottie"])
    rest, _ = walk_from(owner, uow, limit, first.after)
    shown = pairs(first.candidates)
    assert shown == pairs(everything)[:limit]
    dropped = (ids["dot"], ids["dottie"])
    assert pairs(rest) == [p for p in pairs(everything) if p not in shown and p != dropped]


def walk_from(actor, uow, limit, after):
    seen, sizes = [], []
    while after is not None:
        page = dedupe.stored_duplicates(actor, uow, limit=limit, after=after)
        seen += page.candidates
        sizes.append(len(page.candidates))
        after = page.after
    return seen, sizes


def test_a_page_of_dropped_pairs_goes_on_to_the_next_ones(owner, uow, monkeypatch):
    ids = world(owner, uow)
    dedupe.scan_duplicates(owner, uow)
    everything = pairs(dedupe.stored_duplicates(owner, uow, limit=200).candidates)
    for a, b in everything[:-1]:
        dedupe.dismiss_duplicate(owner, uow, a, b)
    # one batch of 1 per round: the page gives up after MAX_BATCHES and says where it was
    monkeypatch.setattr(dedupe, "MAX_BATCHES", 2)
    seen, sizes = walk(owner, uow, 1)
    assert pairs(seen) == everything[-1:]
    assert len(sizes) > 1 and sizes[0] == 0
    assert ids


def test_teammate_scan_never_stores_or_shows_the_owners_private_contacts(owner, teammate, uow):
    canary = "CANARY-5f0e-dedupe"
    secret = make_contact(owner, uow, name=f"{canary} Hidden", add_emails=["c@x.example"],
                          visibility="private").id  # fmt: skip
    twin = make_contact(owner, uow, name=f"{canary} Hidden", visibility="private").id
    mine = make_contact(teammate, uow, name=f"{canary} Hidden", add_emails=["c@x.example"],
                        visibility="private").id  # fmt: skip
    shared = make_contact(owner, uow, name="Rae Shared", visibility="workspace").id
    shared_too = make_contact(owner, uow, name="Rae Shared", visibility="workspace").id
    dedupe.scan_duplicates(teammate, uow)
    page = dedupe.stored_duplicates(teammate, uow, limit=200)
    assert pairs(page.candidates) == [(shared, shared_too)]
    assert canary not in json.dumps(to_jsonable(page))
    with uow.read() as session:
        theirs = session.execute(
            select(StoredDuplicate.contact_a_id, StoredDuplicate.contact_b_id).where(
                StoredDuplicate.owner_id == teammate.user_id
            )
        ).all()
    assert {i for p in theirs for i in p}.isdisjoint({secret, twin})
    dedupe.scan_duplicates(owner, uow)
    owners = pairs(dedupe.stored_duplicates(owner, uow, limit=200).candidates)
    assert (secret, twin) in owners and mine not in {i for p in owners for i in p}
    # the owner's scan changed nothing of the teammate's
    assert pairs(dedupe.stored_duplicates(teammate, uow, limit=200).candidates) == [
        (shared, shared_too)
    ]


def test_a_pair_made_private_after_the_teammates_scan_is_not_shown(owner, teammate, uow):
    canary = "CANARY-77aa-dedupe"
    a = make_contact(owner, uow, name=f"{canary} Shared", visibility="workspace").id
    b = make_contact(owner, uow, name=f"{canary} Shared", visibility="workspace").id
    dedupe.scan_duplicates(teammate, uow)
    assert pairs(dedupe.stored_duplicates(teammate, uow).candidates) == [(a, b)]
    contacts.edit_contact(owner, uow, b, ContactChanges(visibility="private"))
    page = dedupe.stored_duplicates(teammate, uow)
    assert page.candidates == [] and canary not in json.dumps(to_jsonable(page))
    assert pairs(dedupe.stored_duplicates(owner, uow).candidates) == []  # never scanned
    dedupe.scan_duplicates(owner, uow)
    assert pairs(dedupe.stored_duplicates(owner, uow).candidates) == [(a, b)]


def test_forgetting_a_contact_removes_its_stored_pairs(owner, uow):
    a = make_contact(owner, uow, name="Hedy Lamarr", organization="MGM").id
    make_contact(owner, uow, name="Hedy Lamarr", organization="MGM")
    dedupe.scan_duplicates(owner, uow)
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(StoredDuplicate)) == 1
    privacy.forget_contact(owner, uow, a)
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(StoredDuplicate)) == 0


def test_scan_states(owner, uow, monkeypatch):
    make_contact(owner, uow, name="Ada Lovelace")
    make_contact(owner, uow, name="Ada Lovelace")
    assert dedupe.start_scan(owner, uow) is True
    assert dedupe.scan_state(owner, uow).running
    assert dedupe.start_scan(owner, uow) is False  # one at a time
    dedupe.run_scan(owner, uow)
    done = dedupe.scan_state(owner, uow)
    assert (done.status, done.pairs, done.failure) == ("done", 1, None)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    assert dedupe.start_scan(owner, uow)
    monkeypatch.setattr(dedupe, "scan_duplicates", broken)
    dedupe.run_scan(owner, uow)  # never raises
    failed = dedupe.scan_state(owner, uow)
    assert failed.status == "failed" and failed.failure == "the scan stopped on an unexpected error"
    assert failed.scanned_at == done.scanned_at and failed.pairs == 1
    assert len(dedupe.stored_duplicates(owner, uow).candidates) == 1  # the last scan's stay


def test_a_scan_silent_for_minutes_is_failed_and_a_new_one_may_start(owner, uow):
    assert dedupe.start_scan(owner, uow)
    silent = utcnow() - dedupe.STALE_HEARTBEAT - timedelta(seconds=5)
    with uow.write() as session:
        session.execute(update(DuplicateScan).values(heartbeat_at=silent))
    state = dedupe.scan_state(owner, uow)
    assert state.status == "failed" and state.failure == dedupe.STOPPED
    assert dedupe.start_scan(owner, uow) is True
    assert dedupe.scan_state(owner, uow).running


def test_a_long_scan_that_still_writes_is_running(owner, uow):
    assert dedupe.start_scan(owner, uow)
    with uow.write() as session:
        session.execute(
            update(DuplicateScan).values(
                started_at=utcnow() - timedelta(hours=3), heartbeat_at=utcnow(), scored=7,
                to_score=9,
            )
        )  # fmt: skip
    state = dedupe.scan_state(owner, uow)
    assert state.running and state.scored == (7, 9)
    assert dedupe.start_scan(owner, uow) is False


def test_a_scans_progress_is_written_to_its_row_as_it_goes(owner, uow, monkeypatch):
    for _ in range(4):  # six candidate pairs
        make_contact(owner, uow, name="Ada Lovelace")
    monkeypatch.setattr(dedupe, "SCAN_PROGRESS_EVERY", 1)
    monkeypatch.setattr(dedupe, "PROGRESS_SECONDS", 0.0)
    assert dedupe.start_scan(owner, uow)
    seen = []

    def progress(stage, done, total):
        seen.append((stage, dedupe.scan_state(owner, uow).scored))

    result = dedupe.scan_duplicates(owner, uow, progress)
    assert result.compared == 6
    assert seen == [("scoring", (n, 6)) for n in range(7)] + [("done", None)]
    with uow.read() as session:
        row = session.scalars(select(DuplicateScan)).one()
        assert (row.status, row.scored, row.to_score) == ("done", 6, 6)
        assert row.heartbeat_at == result.scanned_at


def test_a_replaced_scan_stores_nothing_and_leaves_the_new_one_running(owner, uow, monkeypatch):
    make_contact(owner, uow, name="Ada Lovelace")
    make_contact(owner, uow, name="Ada Lovelace")
    assert dedupe.start_scan(owner, uow)

    def taken_for_dead(stage, done, total):
        if stage == "scoring" and done == 0:  # a new scan starts while this one scores
            with uow.write() as session:
                session.execute(update(DuplicateScan).values(
                    started_at=utcnow() + timedelta(seconds=1), heartbeat_at=utcnow()))  # fmt: skip

    with pytest.raises(dedupe.ScanReplaced):
        dedupe.scan_duplicates(owner, uow, taken_for_dead)
    state = dedupe.scan_state(owner, uow)
    assert state.running and state.pairs == 0
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(StoredDuplicate)) == 0


def test_run_scan_leaves_the_scan_that_replaced_it_alone(owner, uow, monkeypatch):
    def replaced(actor, uow):
        raise dedupe.ScanReplaced("a newer duplicate scan replaced this one")

    assert dedupe.start_scan(owner, uow)
    monkeypatch.setattr(dedupe, "scan_duplicates", replaced)
    dedupe.run_scan(owner, uow)
    assert dedupe.scan_state(owner, uow).running  # the newer one's, not marked failed


def test_a_scan_whose_process_cannot_start_is_failed_at_once(owner, uow):
    def no_process(actor, uow):
        raise OSError("fork failed")

    assert dedupe.start_background_scan(owner, uow, no_process) is True
    state = dedupe.scan_state(owner, uow)
    assert (state.status, state.failure) == ("failed", dedupe.NOT_STARTED)
    launched = []
    assert dedupe.start_background_scan(owner, uow, lambda a, u: launched.append(a)) is True
    assert launched == [owner] and dedupe.scan_state(owner, uow).running
    assert dedupe.start_background_scan(owner, uow, lambda a, u: launched.append(a)) is False
    assert launched == [owner]  # one at a time
