"""What the memo's statement watch (storage.memo.classify) takes a statement to read
and write."""

from __future__ import annotations

import pytest

from goodwill.storage.memo import ALL, classify


@pytest.mark.parametrize(
    ("statement", "named", "written"),
    [
        ("SELECT a FROM ledger_entries JOIN contacts AS c ON 1", {"ledger_entries", "contacts"},
         set()),
        ("SELECT 1 FROM tasks, opportunities", {"tasks", "opportunities"}, set()),
        ("  -- why\n  SELECT count(*) FROM tasks", {"tasks"}, set()),
        ("WITH x AS (SELECT id FROM tasks) SELECT * FROM x", {"tasks"}, set()),
        ("INSERT INTO tasks (title) VALUES (?)", {"tasks"}, {"tasks"}),
        ('UPDATE "contacts" SET deleted_at = ?', {"contacts"}, {"contacts"}),
        ("UPDATE OR IGNORE tasks SET title = 'x'", {"tasks"}, {"tasks"}),
        # the totals that triggers keep are written with their entries
        ("UPDATE ledger_entries SET weight = 1", {"ledger_entries"},
         {"ledger_entries", "ledger_month_totals", "ledger_counterpart_totals"}),
        # and the change log with the opportunities and events its triggers watch
        ("INSERT INTO opportunity_events (opportunity_id) VALUES (?)", {"opportunity_events"},
         {"opportunity_events", "opportunity_changes"}),
        ("UPDATE opportunities SET stage_id = ?", {"opportunities"},
         {"opportunities", "opportunity_changes"}),
        ("WITH x AS (SELECT 1) UPDATE tasks SET title = 't'", {"tasks"}, {"tasks"}),
        ("INSERT INTO tags (key) VALUES ('a') ON CONFLICT (key) DO UPDATE SET key = 'a'",
         {"tags"}, {"tags"}),
        ("INSERT INTO table_versions (name, version) VALUES (:name, 1) "
         "ON CONFLICT (name) DO UPDATE SET version = table_versions.version + 1",
         {"table_versions"}, set()),
        ("SAVEPOINT sa_savepoint_1", set(), set()),
        ("BEGIN IMMEDIATE", set(), set()),
        ("PRAGMA wal_checkpoint(TRUNCATE)", set(), set()),
        ("CREATE INDEX ix ON contacts (sort_key)", {"contacts"}, {ALL}),
        ("INSERT INTO not_a_goodwill_table VALUES (1)", set(), {ALL}),
    ],
)  # fmt: skip
def test_a_statement_is_read_for_its_tables(statement, named, written):
    assert classify(statement) == (frozenset(named), frozenset(written))


def test_a_delete_reaches_the_rows_that_cascade_from_it_and_an_insert_does_not():
    _, deleted = classify("DELETE FROM tasks WHERE id = ?")
    _, inserted = classify("INSERT INTO tasks (title) VALUES (?)")
    assert inserted == {"tasks"}
    # opportunities.next_step_task_id-like references set null or cascade on delete
    assert "tasks" in deleted and len(deleted) > 1
    _, contacts = classify("DELETE FROM contacts WHERE id = ?")
    assert {"ledger_entries", "interaction_participants"} <= contacts
