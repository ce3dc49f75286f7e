"""The data version and the reports' memo (storage.memo) on both databases: a report is
served again only while nothing was written, and only to the actor it was built for."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from goodwill.errors import ValidationFailed
from goodwill.services import opportunities, reports
from goodwill.storage.memo import Memo, read_version
from tests.pipeline_data import add_opportunity, add_pipeline


def _version(uow):
    with uow.read() as session:
        return read_version(session)


def test_every_committed_write_bumps_the_version_and_a_failed_one_does_not(uow, owner):
    start = _version(uow)
    assert start is not None
    with uow.write() as session:
        session.execute(text("SELECT 1"))
    assert _version(uow) == start + 1
    with pytest.raises(ValidationFailed), uow.write() as session:
        session.execute(text("UPDATE data_versions SET version = version + 100 WHERE id = 1"))
        raise ValidationFailed("x", "abandoned")
    assert _version(uow) == start + 1  # rolled back with the rest
    with uow.read() as session:
        session.execute(text("SELECT 1"))
    assert _version(uow) == start + 1  # reads never bump


@pytest.fixture
def pipeline(uow, owner, teammate):
    with uow.write() as session:
        ids = add_pipeline(session, owner, "Sales")
        shared = add_opportunity(session, owner, ids, "prospect@0 discovery@2")
        add_opportunity(session, owner, ids, "prospect@0 discovery@3 proposal@5",
                        visibility="private")  # fmt: skip
    return ids, shared


def test_a_report_is_served_again_until_something_is_written(uow, owner, pipeline):
    ids, shared = pipeline
    first = reports.funnel_report(owner, uow, pipeline=ids.id)
    assert reports.funnel_report(owner, uow, pipeline=ids.id) is first
    assert first.total == 2
    reached = {s.stage: s.reached for s in first.steps}
    opportunities.move_opportunity(owner, uow, shared, "proposal")
    after = reports.funnel_report(owner, uow, pipeline=ids.id)
    assert after is not first
    assert {s.stage: s.reached for s in after.steps}["proposal"] == reached["proposal"] + 1


def test_a_memoized_report_never_reaches_another_actor(uow, owner, teammate, pipeline):
    ids, _ = pipeline
    mine = reports.funnel_report(owner, uow, pipeline=ids.id)
    theirs = reports.funnel_report(teammate, uow, pipeline=ids.id)
    assert (mine.total, theirs.total) == (2, 1)  # the private opportunity is the owner's
    # Other arguments are other entries too.
    narrower = reports.funnel_report(owner, uow, pipeline=ids.id, since="2100-01-01")
    assert narrower.total == 0


def test_the_memo_keeps_the_most_recently_used_entries():
    memo = Memo(size=2)
    calls = []

    def compute(value):
        calls.append(value)
        return value

    assert memo.get_or_compute(1, "a", lambda: compute("a")) == "a"
    memo.get_or_compute(1, "b", lambda: compute("b"))
    memo.get_or_compute(1, "a", lambda: compute("a"))  # a hit: "a" is now the newest
    memo.get_or_compute(1, "c", lambda: compute("c"))  # evicts "b"
    memo.get_or_compute(1, "b", lambda: compute("b"))
    memo.get_or_compute(2, "a", lambda: compute("a2"))  # another version: computed again
    memo.get_or_compute(None, "a", lambda: compute("none"))  # no version: never kept
    memo.get_or_compute(None, "a", lambda: compute("none"))
    assert calls == ["a", "b", "c", "b", "a2", "none", "none"]
    assert (memo.hits, memo.misses) == (1, 5)
