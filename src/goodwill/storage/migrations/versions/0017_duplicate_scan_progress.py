"""a duplicate scan's progress and heartbeat in its row: the scan runs in a process of
its own, and any server process shows how far it got

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import goodwill.storage.schema

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("duplicate_scans", schema=None) as batch:
        batch.add_column(sa.Column("scored", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("to_score", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("heartbeat_at", goodwill.storage.schema.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    # No table references duplicate_scans: a batch copy of it is safe on SQLite.
    with op.batch_alter_table("duplicate_scans", schema=None) as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("to_score")
        batch.drop_column("scored")
