"""workspace settings: each workspace's default keep-in-touch cadence per tier

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL is the domain defaults (inner 30, network 90, wider 365 days), which every
    # contact's stored cadence already follows: nothing to fill in.
    with op.batch_alter_table("workspaces", schema=None) as batch:
        batch.add_column(sa.Column("cadence_defaults", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), as 0003 does: a batch "move and
    # copy" would drop the workspaces table, which every other table references.
    # Contacts keep the cadences they hold.
    op.drop_column("workspaces", "cadence_defaults")
