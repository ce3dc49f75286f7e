"""ledger totals per month and per counterpart, kept by triggers on ledger_entries; an
index of trashed contacts

The ledger's history and its takers read these few rows instead of every entry. Database
triggers keep them, so every way an entry is written (a give recorded, an import, its
undo, a merge re-pointing the counterpart, a member's entries transferred, a backup
restored, a contact deleted with its entries) keeps the totals exact.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

WATCHED = "workspace_id, owner_id, counterpart_id, occurred_on, direction, weight, deleted_at"


def _sqlite_upserts(row: str, sign: str) -> str:
    """The two upserts that add (sign '') or take away (sign '-') one entry's weight."""
    gave = f"{row}.direction = 'gave'"
    return f"""
    INSERT INTO ledger_month_totals (workspace_id, owner_id, month, direction, weight, entries)
    VALUES ({row}.workspace_id, {row}.owner_id, date({row}.occurred_on, 'start of month'),
            {row}.direction, {sign}{row}.weight, {sign}1)
    ON CONFLICT (workspace_id, owner_id, month, direction) DO UPDATE SET
      weight = weight + excluded.weight, entries = entries + excluded.entries;
    INSERT INTO ledger_counterpart_totals
      (workspace_id, owner_id, counterpart_id, given, received, given_count, received_count,
       balance)
    VALUES ({row}.workspace_id, {row}.owner_id, {row}.counterpart_id,
            CASE WHEN {gave} THEN {sign}{row}.weight ELSE 0 END,
            CASE WHEN {gave} THEN 0 ELSE {sign}{row}.weight END,
            CASE WHEN {gave} THEN {sign}1 ELSE 0 END,
            CASE WHEN {gave} THEN 0 ELSE {sign}1 END,
            {sign}(CASE WHEN {gave} THEN {row}.weight ELSE -{row}.weight END))
    ON CONFLICT (workspace_id, owner_id, counterpart_id) DO UPDATE SET
      given = given + excluded.given, received = received + excluded.received,
      given_count = given_count + excluded.given_count,
      received_count = received_count + excluded.received_count,
      balance = balance + excluded.balance;
    """


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER ledger_totals_insert AFTER INSERT ON ledger_entries
    WHEN NEW.deleted_at IS NULL BEGIN {_sqlite_upserts("NEW", "")} END""",
    f"""CREATE TRIGGER ledger_totals_delete AFTER DELETE ON ledger_entries
    WHEN OLD.deleted_at IS NULL BEGIN {_sqlite_upserts("OLD", "-")} END""",
    f"""CREATE TRIGGER ledger_totals_update_old AFTER UPDATE OF {WATCHED} ON ledger_entries
    WHEN OLD.deleted_at IS NULL BEGIN {_sqlite_upserts("OLD", "-")} END""",
    f"""CREATE TRIGGER ledger_totals_update_new AFTER UPDATE OF {WATCHED} ON ledger_entries
    WHEN NEW.deleted_at IS NULL BEGIN {_sqlite_upserts("NEW", "")} END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ledger_totals_insert",
    "DROP TRIGGER IF EXISTS ledger_totals_delete",
    "DROP TRIGGER IF EXISTS ledger_totals_update_old",
    "DROP TRIGGER IF EXISTS ledger_totals_update_new",
]

POSTGRES_FUNCTIONS = [
    """CREATE FUNCTION ledger_totals_add(
        ws integer, owner integer, counterpart integer, day date, dir varchar, w bigint,
        n bigint
    ) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ledger_month_totals (workspace_id, owner_id, month, direction, weight, entries)
      VALUES (ws, owner, date_trunc('month', day)::date, dir, w, n)
      ON CONFLICT (workspace_id, owner_id, month, direction) DO UPDATE SET
        weight = ledger_month_totals.weight + excluded.weight,
        entries = ledger_month_totals.entries + excluded.entries;
      INSERT INTO ledger_counterpart_totals
        (workspace_id, owner_id, counterpart_id, given, received, given_count,
         received_count, balance)
      VALUES (ws, owner, counterpart,
              CASE WHEN dir = 'gave' THEN w ELSE 0 END,
              CASE WHEN dir = 'gave' THEN 0 ELSE w END,
              CASE WHEN dir = 'gave' THEN n ELSE 0 END,
              CASE WHEN dir = 'gave' THEN 0 ELSE n END,
              CASE WHEN dir = 'gave' THEN w ELSE -w END)
      ON CONFLICT (workspace_id, owner_id, counterpart_id) DO UPDATE SET
        given = ledger_counterpart_totals.given + excluded.given,
        received = ledger_counterpart_totals.received + excluded.received,
        given_count = ledger_counterpart_totals.given_count + excluded.given_count,
        received_count = ledger_counterpart_totals.received_count + excluded.received_count,
        balance = ledger_counterpart_totals.balance + excluded.balance;
    END $$""",
    """CREATE FUNCTION ledger_totals_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
        PERFORM ledger_totals_add(OLD.workspace_id, OLD.owner_id, OLD.counterpart_id,
                                  OLD.occurred_on, OLD.direction, -OLD.weight, -1);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
        PERFORM ledger_totals_add(NEW.workspace_id, NEW.owner_id, NEW.counterpart_id,
                                  NEW.occurred_on, NEW.direction, NEW.weight, 1);
      END IF;
      RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER ledger_totals AFTER INSERT OR DELETE OR UPDATE OF {WATCHED}
    ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_totals_trigger()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS ledger_totals ON ledger_entries",
    "DROP FUNCTION IF EXISTS ledger_totals_trigger()",
    "DROP FUNCTION IF EXISTS ledger_totals_add(integer, integer, integer, date, varchar, "
    "bigint, bigint)",
]

BACKFILL = {
    "sqlite": [
        """INSERT INTO ledger_month_totals (workspace_id, owner_id, month, direction, weight,
        entries)
        SELECT workspace_id, owner_id, date(occurred_on, 'start of month'), direction,
               sum(weight), count(*)
        FROM ledger_entries WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4""",
    ],
    "postgresql": [
        """INSERT INTO ledger_month_totals (workspace_id, owner_id, month, direction, weight,
        entries)
        SELECT workspace_id, owner_id, date_trunc('month', occurred_on)::date, direction,
               sum(weight), count(*)
        FROM ledger_entries WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4""",
    ],
}
BACKFILL_COUNTERPARTS = """INSERT INTO ledger_counterpart_totals
    (workspace_id, owner_id, counterpart_id, given, received, given_count, received_count,
     balance)
    SELECT workspace_id, owner_id, counterpart_id,
           sum(CASE WHEN direction = 'gave' THEN weight ELSE 0 END),
           sum(CASE WHEN direction = 'gave' THEN 0 ELSE weight END),
           sum(CASE WHEN direction = 'gave' THEN 1 ELSE 0 END),
           sum(CASE WHEN direction = 'gave' THEN 0 ELSE 1 END),
           sum(CASE WHEN direction = 'gave' THEN weight ELSE -weight END)
    FROM ledger_entries WHERE deleted_at IS NULL GROUP BY 1, 2, 3"""


def upgrade() -> None:
    op.create_table(
        "ledger_month_totals",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("weight", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "workspace_id", "owner_id", "month", "direction", name=op.f("pk_ledger_month_totals")
        ),
    )
    op.create_table(
        "ledger_counterpart_totals",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("counterpart_id", sa.Integer(), nullable=False),
        sa.Column("given", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("given_count", sa.BigInteger(), nullable=False),
        sa.Column("received_count", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "workspace_id",
            "owner_id",
            "counterpart_id",
            name=op.f("pk_ledger_counterpart_totals"),
        ),  # fmt: skip
    )
    op.create_index(
        "ix_ledger_counterpart_totals_balance",
        "ledger_counterpart_totals",
        ["workspace_id", "owner_id", "balance"],
    )
    trashed = sa.text("deleted_at IS NOT NULL")
    op.create_index(
        "ix_contacts_trashed",
        "contacts",
        ["workspace_id", "id"],
        sqlite_where=trashed,
        postgresql_where=trashed,
    )
    dialect = op.get_bind().dialect.name
    for statement in [*BACKFILL[dialect], BACKFILL_COUNTERPARTS]:
        op.execute(statement)
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DROP if dialect == "sqlite" else POSTGRES_DROP:
        op.execute(statement)
    op.drop_index("ix_contacts_trashed", table_name="contacts")
    op.drop_index("ix_ledger_counterpart_totals_balance", table_name="ledger_counterpart_totals")
    op.drop_table("ledger_counterpart_totals")
    op.drop_table("ledger_month_totals")
