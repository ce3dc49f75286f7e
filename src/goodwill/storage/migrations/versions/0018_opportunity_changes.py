"""a log of the opportunities written, appended by triggers on opportunities and
opportunity_events: the pipeline reports re-read only what changed since they last read

Every way an opportunity or its events are written (a move, an import and its undo, a
merge, a backup restored, a cascade from a deleted pipeline) appends the opportunity's id.
UnitOfWork.write stamps the rows of its transaction with the version of this table it
commits at (storage.memo.stamp_changes), so a reader that saw version V may re-read the
opportunities of every row with a version above V, and nothing else changed.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# (table, the column naming the opportunity) of each watched table.
WATCHED = (("opportunities", "id"), ("opportunity_events", "opportunity_id"))
LOG = "INSERT INTO opportunity_changes (opportunity_id) VALUES"


def _sqlite_triggers() -> list[str]:
    found = []
    for table, column in WATCHED:
        found += [
            f"""CREATE TRIGGER {table}_log_insert AFTER INSERT ON {table}
            BEGIN {LOG} (NEW.{column}); END""",
            f"""CREATE TRIGGER {table}_log_delete AFTER DELETE ON {table}
            BEGIN {LOG} (OLD.{column}); END""",
            f"""CREATE TRIGGER {table}_log_update AFTER UPDATE ON {table}
            BEGIN {LOG} (OLD.{column}); END""",
        ]
    return found


def _sqlite_drops() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_log_{verb}"
        for table, _ in WATCHED
        for verb in ("insert", "delete", "update")
    ]


def _postgres_functions() -> list[str]:
    found = []
    for table, column in WATCHED:
        found += [
            f"""CREATE FUNCTION {table}_log() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                {LOG} (OLD.{column});
              ELSE
                {LOG} (NEW.{column});
              END IF;
              RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER {table}_log AFTER INSERT OR DELETE OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_log()""",
        ]
    return found


def _postgres_drops() -> list[str]:
    found = []
    for table, _ in WATCHED:
        found += [
            f"DROP TRIGGER IF EXISTS {table}_log ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_log()",
        ]
    return found


def upgrade() -> None:
    op.create_table(
        "opportunity_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_changes")),
    )
    op.create_index("ix_opportunity_changes_version", "opportunity_changes", ["version"])
    dialect = op.get_bind().dialect.name
    for statement in _sqlite_triggers() if dialect == "sqlite" else _postgres_functions():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _sqlite_drops() if dialect == "sqlite" else _postgres_drops():
        op.execute(statement)
    op.drop_index("ix_opportunity_changes_version", table_name="opportunity_changes")
    op.drop_table("opportunity_changes")
