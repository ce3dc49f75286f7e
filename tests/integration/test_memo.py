"""Table versions and the memo (storage.memo) on both databases: a result is served
again only while none of the tables it read was written, and only to the actor it was
built for."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from goodwill.errors import ValidationFailed
from goodwill.services import ledger, ledger_history, opportunities, reports, tasks
from goodwill.storage.memo import ALL, Memo, read_versions
from goodwill.storage.schema import Task
from tests.factories import make_contact
from tests.pipeline_data import add_opportunity, add_pipeline


def _versions(uow):
    with uow.read() as session:
        return read_versions(session)


def _changed(before, after):
    return {name for name in after if after[name] != before.get(name, 0)}


def test_a_committed_write_bumps_the_tables_it_wrote_and_nothing_else(uow, owner):
    start = _versions(uow)
    tasks.add_task(owner, uow, "Call back")
    assert _changed(start, _versions(uow)) == {"tasks"}


def test_an_orm_change_flushed_only_at_commit_is_seen(uow, owner):
    task = tasks.add_task(owner, uow, "Call back")
    start = _versions(uow)
    with uow.write() as session:
        session.get_one(Task, task.id).title = "Call back soon"  # pending until commit
    assert _changed(start, _versions(uow)) == {"tasks"}


def test_a_failed_write_a_read_and_an_empty_write_bump_nothing(uow, owner):
    start = _versions(uow)
    with pytest.raises(ValidationFailed), uow.write() as session:
        session.execute(text("UPDATE tasks SET title = title"))
        raise ValidationFailed("x", "abandoned")
    with uow.read() as session:
        session.execute(text("SELECT count(*) FROM tasks"))
    with uow.write() as session:
        session.execute(text("SELECT 1"))
    assert _versions(uow) == start


def test_a_delete_bumps_the_tables_its_foreign_keys_cascade_to(uow, owner):
    person = make_contact(owner, uow)
    start = _versions(uow)
    with uow.write() as session:
        session.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": person.id})
    changed = _changed(start, _versions(uow))
    assert {"contacts", "ledger_entries", "interaction_participants", "contact_tags"} <= changed
    assert "tasks" in changed  # its contact is set null
    assert "pipelines" not in changed and ALL not in changed


def test_a_statement_of_unknown_reach_bumps_everything(uow, owner):
    start = _versions(uow)
    with uow.write() as session:
        session.execute(text("CREATE TABLE scratch_memo_probe (x INTEGER)"))
        session.execute(text("DROP TABLE scratch_memo_probe"))
    assert _changed(start, _versions(uow)) == {ALL}


@pytest.fixture
def pipeline(uow, owner, teammate):
    with uow.write() as session:
        ids = add_pipeline(session, owner, "Sales")
        shared = add_opportunity(session, owner, ids, "prospect@0 discovery@2")
        add_opportunity(session, owner, ids, "prospect@0 discovery@3 proposal@5",
                        visibility="private")  # fmt: skip
    return ids, shared


def test_a_report_is_served_again_until_a_table_it_read_is_written(uow, owner, pipeline):
    ids, shared = pipeline
    first = reports.funnel_report(owner, uow, pipeline=ids.id)
    assert reports.funnel_report(owner, uow, pipeline=ids.id) is first
    tasks.add_task(owner, uow, "Unrelated")  # the funnel reads no tasks
    assert reports.funnel_report(owner, uow, pipeline=ids.id) is first
    assert first.total == 2
    reached = {s.stage: s.reached for s in first.steps}
    opportunities.move_opportunity(owner, uow, shared, "proposal")
    after = reports.funnel_report(owner, uow, pipeline=ids.id)
    assert after is not first
    assert {s.stage: s.reached for s in after.steps}["proposal"] == reached["proposal"] + 1


def test_the_ledger_history_expires_with_a_give_and_with_its_counterpart_trashed(uow, owner):
    person = make_contact(owner, uow)
    ledger.record_give(owner, uow, person.id, "favor", weight=3)
    first = ledger_history.ledger_history(owner, uow)
    assert first.totals.given_weight == 3
    tasks.add_task(owner, uow, "Unrelated")
    assert ledger_history.ledger_history(owner, uow) is first
    ledger.record_give(owner, uow, person.id, "favor", weight=2)
    second = ledger_history.ledger_history(owner, uow)
    assert second.totals.given_weight == 5
    from goodwill.services import contacts

    contacts.delete_contact(owner, uow, person.id)  # to the trash: an UPDATE of contacts
    assert ledger_history.ledger_history(owner, uow).totals.given_weight == 0


def test_a_result_built_on_a_memoized_one_depends_on_its_tables(uow, owner):
    person = make_contact(owner, uow)
    ledger.record_give(owner, uow, person.id, "favor", weight=1)
    ledger_history.ledger_history(owner, uow)  # memoized: the inner result is a hit below
    calls = []

    def outer():
        calls.append(1)
        return ledger_history.ledger_history(owner, uow).totals.given_weight

    assert uow.memoized("outer", outer) == 1
    assert uow.memoized("outer", outer) == 1 and len(calls) == 1
    ledger.record_give(owner, uow, person.id, "favor", weight=4)
    assert uow.memoized("outer", outer) == 5 and len(calls) == 2


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

    v1 = {"*": 1}
    assert memo.get_or_compute(v1, "a", lambda: compute("a")) == "a"
    memo.get_or_compute(v1, "b", lambda: compute("b"))
    memo.get_or_compute(v1, "a", lambda: compute("a"))  # a hit: "a" is now the newest
    memo.get_or_compute(v1, "c", lambda: compute("c"))  # evicts "b"
    memo.get_or_compute(v1, "b", lambda: compute("b"))
    memo.get_or_compute({"*": 2}, "a", lambda: compute("a2"))  # `*` moved: computed again
    memo.get_or_compute(None, "a", lambda: compute("none"))  # no versions: never kept
    memo.get_or_compute(None, "a", lambda: compute("none"))
    assert calls == ["a", "b", "c", "b", "a2", "none", "none"]
    assert (memo.hits, memo.misses) == (1, 5)
