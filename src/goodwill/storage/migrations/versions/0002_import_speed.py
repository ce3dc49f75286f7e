"""imports: organization lookup index, import key content hash

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_organizations_workspace_name_key", "organizations", ["workspace_id", "name_key"]
    )
    with op.batch_alter_table("import_keys") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_keys") as batch:
        batch.drop_column("content_hash")
    op.drop_index("ix_organizations_workspace_name_key", table_name="organizations")
