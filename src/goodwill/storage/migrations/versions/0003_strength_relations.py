"""relationship strength aggregates, workspace strength settings, contact relations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 05:20:00

The new aggregate columns of existing contact_touches rows are filled from the
interactions, folded with the domain's pure `add_touch` (default half-life), the
same computation storage.aggregates.rebuild_touches makes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from goodwill.storage.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FLOATS = ("d_meeting", "d_call", "d_message", "d_email", "d_social", "d_them")


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("strength_settings", sa.JSON(), nullable=True))
    with op.batch_alter_table("contact_touches") as batch:
        batch.add_column(sa.Column("by_me", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("by_them", sa.Integer(), server_default="0", nullable=False))
        for name in FLOATS:
            batch.add_column(sa.Column(name, sa.Float(), server_default="0", nullable=False))
    op.create_table(
        "contact_relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("contact_a_id", sa.Integer(), nullable=False),
        sa.Column("contact_b_id", sa.Integer(), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "contact_a_id < contact_b_id", name=op.f("ck_contact_relations_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["contact_a_id"],
            ["contacts.id"],
            name=op.f("fk_contact_relations_contact_a_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_b_id"],
            ["contacts.id"],
            name=op.f("fk_contact_relations_contact_b_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contact_relations_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_contact_relations_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_relations")),
        sa.UniqueConstraint(
            "owner_id", "contact_a_id", "contact_b_id", name=op.f("uq_contact_relations_owner_id")
        ),
    )
    for column in ("contact_a_id", "contact_b_id", "workspace_id"):
        op.create_index(op.f(f"ix_contact_relations_{column}"), "contact_relations", [column])
    op.create_index("ix_ledger_owner_occurred", "ledger_entries", ["owner_id", "occurred_on"])
    # Tier C ("wider") now defaults to 365 days, not 180: contacts on the old default move.
    op.execute("UPDATE contacts SET cadence_days = 365 WHERE tier = 'C' AND cadence_days = 180")
    _fill_touches()


def _fill_touches() -> None:
    from goodwill.storage.aggregates import touch_rows  # the same fold as at run time

    bind = op.get_bind()
    rows = touch_rows(bind, None, default_half_life=True)
    table = sa.table(
        "contact_touches", sa.column("contact_id"), sa.column("owner_id"),
        sa.column("visibility"), sa.column("by_me"), sa.column("by_them"),
        *(sa.column(n) for n in FLOATS),
    )  # fmt: skip
    for row in rows:
        bind.execute(
            table.update()
            .where(table.c.contact_id == row["contact_id"], table.c.owner_id == row["owner_id"],
                   table.c.visibility == row["visibility"])
            .values({k: row[k] for k in ("by_me", "by_them", *FLOATS)})
        )  # fmt: skip


def downgrade() -> None:
    op.execute("UPDATE contacts SET cadence_days = 180 WHERE tier = 'C' AND cadence_days = 365")
    op.drop_index("ix_ledger_owner_occurred", table_name="ledger_entries")
    op.drop_index(op.f("ix_contact_relations_workspace_id"), table_name="contact_relations")
    op.drop_index(op.f("ix_contact_relations_contact_b_id"), table_name="contact_relations")
    op.drop_index(op.f("ix_contact_relations_contact_a_id"), table_name="contact_relations")
    op.drop_table("contact_relations")
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch "move and copy" would
    # drop the workspaces table, which every other table references.
    for name in ("by_me", "by_them", *FLOATS):
        op.drop_column("contact_touches", name)
    op.drop_column("workspaces", "strength_settings")
