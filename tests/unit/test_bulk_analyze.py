"""After a bulk load, PostgreSQL's planner gets statistics for the loaded tables and for
the tables the database's triggers wrote along with them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from goodwill.storage import bulk


class _Recorder:
    def __init__(self, dialect: str) -> None:
        self.statements: list[str] = []
        self._bind = SimpleNamespace(dialect=SimpleNamespace(name=dialect))

    def get_bind(self):
        return self._bind

    def execute(self, statement):
        self.statements.append(str(statement))


def test_the_triggers_tables_are_analyzed_with_the_loaded_ones():
    session = _Recorder("postgresql")
    bulk.analyze(session, ["contacts", "ledger_entries", "opportunity_events", "contacts"])
    assert session.statements == [
        "ANALYZE contacts",
        "ANALYZE ledger_entries",
        "ANALYZE opportunity_events",
        "ANALYZE ledger_counterpart_totals",
        "ANALYZE ledger_month_totals",
        "ANALYZE opportunity_changes",
    ]


def test_sqlite_gets_no_statistics_and_unknown_tables_are_refused():
    session = _Recorder("sqlite")
    bulk.analyze(session, ["ledger_entries"])
    assert session.statements == []
    with pytest.raises(ValueError, match="unknown table"):
        bulk.analyze(_Recorder("postgresql"), ["not_a_table"])
