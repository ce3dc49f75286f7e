"""memberships: removed_at (the export window of a removed member), exported_at, last_used_at

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from goodwill.storage.schema import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ("removed_at", "exported_at", "last_used_at")


def upgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, UTCDateTime(), nullable=True))


def downgrade() -> None:
    # Removed members' rows would read as members again: drop them first.
    op.execute("DELETE FROM memberships WHERE removed_at IS NOT NULL")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
