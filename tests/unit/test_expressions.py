"""storage.expressions: SQL worded per database."""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from goodwill.storage.expressions import not_indexed
from goodwill.storage.schema import Note


def _where(dialect):
    stmt = select(Note.id).where(not_indexed(Note.workspace_id) == 3)
    return str(stmt.compile(dialect=dialect)).split("WHERE", 1)[1].strip()


def test_not_indexed_hides_the_column_from_sqlites_index_choice():
    assert _where(sqlite.dialect()) == "(notes.workspace_id + 0) = ?"


def test_not_indexed_is_the_plain_column_on_postgresql():
    assert _where(postgresql.dialect()) == "notes.workspace_id = %(param_1)s::INTEGER"
